"""What the field form offers: the vocabulary's categories, the basemap and where its map starts."""

from __future__ import annotations

from dataclasses import dataclass

from geoapp.domain.areas import SCB_ATTRIBUTION
from geoapp.domain.model import AREA_KIND_GROUP, AREA_KIND_REGSO, WGS84
from geoapp.i18n import _, language


@dataclass(frozen=True)
class FieldForm:
    """The choices and the map of the field form."""

    categories: list[tuple[str, str]]  # (key, label in the page's language), in the vocabulary's order
    tiles: str | None
    attribution: str  # HTML: the basemap's attribution (already escaped) and the boundaries'
    bounds: list[list[float]]  # [[south, west], [north, east]] of the walk area, WGS84
    tile_bytes: int  # most bytes of the stored basemap's tiles the phone keeps; 0 keeps none


def field_form(site) -> FieldForm:
    """Return what the field form of this instance shows."""
    basemap = site.basemap
    areas = site.area_frame()
    # The map opens on the area groups the walks are made for (western Borlänge), not the whole municipality.
    groups, regso = areas[areas["kind"] == AREA_KIND_GROUP], areas[areas["kind"] == AREA_KIND_REGSO]
    walk_area = next((frame for frame in (groups, regso) if not frame.empty), areas)
    west, south, east, north = walk_area.to_crs(WGS84).total_bounds
    attribution = " | ".join(part for part in (basemap.attribution, _(SCB_ATTRIBUTION)) if part)
    categories = [(c.key, c.label(language())) for c in site.vocabulary().categories]
    # Only the stored basemap's tiles are kept (from geoapp itself): a tile server's terms seldom allow keeping.
    tile_bytes = int(site.settings["FIELD_TILES_MB"]) * 2**20 if basemap.local else 0
    return FieldForm(categories, basemap.url, attribution, [[float(south), float(west)], [float(north), float(east)]],
                     tile_bytes)
