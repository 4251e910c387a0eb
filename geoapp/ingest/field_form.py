"""What the field form offers: the vocabulary's categories, the basemap, where its map starts and the tiles the phone
keeps of the walk area."""

from __future__ import annotations

from dataclasses import dataclass

from geoapp.basemap.offline import WalkTiles, walk_tiles, wanted_zooms
from geoapp.basemap.store import current_basemap
from geoapp.domain.areas import SCB_ATTRIBUTION
from geoapp.domain.model import AREA_KIND_GROUP, AREA_KIND_REGSO, WGS84
from geoapp.i18n import _, language

# The closest the form's map comes by itself (around a GPS fix); closer in it enlarges the tiles of this zoom, so the
# tiles kept for the walk are all it needs at any zoom without a network.
DEEPEST_ZOOM = 17


@dataclass(frozen=True)
class FieldForm:
    """The choices and the map of the field form."""

    categories: list[tuple[str, str]]  # (key, label in the page's language), in the vocabulary's order
    tiles: str | None
    attribution: str  # HTML: the basemap's attribution (already escaped) and the boundaries'
    bounds: list[list[float]]  # [[south, west], [north, east]] of the walk area, WGS84
    tile_bytes: int  # most bytes of the stored basemap's tiles the phone keeps; 0 keeps none
    tile_options: dict  # Leaflet options of the tile layer: the stored archive's zooms and extent


def walk_bounds(site) -> tuple[float, float, float, float]:
    """Return (west, south, east, north) in WGS84 of the area the walks are made for."""
    areas = site.area_frame()
    # The area groups the walks are made for (western Borlänge), not the whole municipality.
    groups, regso = areas[areas["kind"] == AREA_KIND_GROUP], areas[areas["kind"] == AREA_KIND_REGSO]
    walk_area = next((frame for frame in (groups, regso) if not frame.empty), areas)
    west, south, east, north = walk_area.to_crs(WGS84).total_bounds
    return float(west), float(south), float(east), float(north)


def field_form(site) -> FieldForm:
    """Return what the field form of this instance shows."""
    basemap = site.basemap
    west, south, east, north = walk_bounds(site)
    attribution = " | ".join(part for part in (basemap.attribution, _(SCB_ATTRIBUTION)) if part)
    categories = [(c.key, c.label(language())) for c in site.vocabulary().categories]
    # Only the stored basemap's tiles are kept (from geoapp itself): a tile server's terms seldom allow keeping.
    tile_bytes = int(site.settings["FIELD_TILES_MB"]) * 2**20 if basemap.local else 0
    options = {}
    if basemap.archive is not None:
        # Leaflet asks only for the zooms and the extent the archive has, as on the web map.
        stored = basemap.archive
        deepest = max(stored.min_zoom, min(stored.max_zoom, DEEPEST_ZOOM))
        options = {"minNativeZoom": stored.min_zoom, "maxNativeZoom": deepest,
                   "bounds": [[stored.bounds[1], stored.bounds[0]], [stored.bounds[3], stored.bounds[2]]]}
    return FieldForm(categories, basemap.url, attribution, [[south, west], [north, east]], tile_bytes, options)


def walk_area_tiles(site) -> WalkTiles | None:
    """Return the stored basemap's tiles over the walk area for the phone to keep, or None when it keeps none."""
    form = field_form(site)
    local = current_basemap(site.basemap.archive.folder.parent) if form.tile_bytes else None
    if local is None:
        return None
    stored = local.stored
    bounds = walk_bounds(site)
    # From the zoom that shows the whole area on a phone down to the closest the form's map asks the archive for.
    first = wanted_zooms(bounds, stored.min_zoom, stored.max_zoom)[0]
    return walk_tiles(local, bounds, (first, form.tile_options["maxNativeZoom"]), form.tile_bytes)
