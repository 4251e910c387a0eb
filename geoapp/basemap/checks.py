"""Whether a tile archive can be the basemap of the stored areas: raster tiles, deep enough, over the areas, attributed."""

from __future__ import annotations

import io
from typing import Mapping

import shapely
from PIL import Image, UnidentifiedImageError
from shapely.geometry.base import BaseGeometry

from geoapp.basemap.archive import IMAGE_FORMATS, TILE_PX, Archive, ArchiveInfo
from geoapp.basemap.grid import Tile, covering_tiles, probe_tiles
from geoapp.basemap.source import plain_attribution
from geoapp.i18n import _, number

MIB = 1024 * 1024
# A 1000-pixel map shows the whole municipality of Borlänge (about 35 km across) at zoom 11 to 12; a 256-pixel tile
# covers about 300 m at zoom 16 this far north, where streets and their names can be read.
MIN_ZOOM_AT_MOST = 12
MAX_ZOOM_AT_LEAST = 16
# Every tile over the stored areas must exist at this zoom; deeper, one tile inside each area must.
COVERAGE_ZOOM = MIN_ZOOM_AT_MOST
RASTER_FORMATS = ("png", "jpeg", "webp")
VECTOR_FORMATS = ("pbf", "mlt")
# Metadata bounds are often rounded: this much (in degrees, about 100 m) short of the areas' extent still covers it.
BOUNDS_SLACK_DEG = 0.001
MAX_ATTRIBUTION_CHARS = 300
MISSING_EXAMPLES = 3


class Refused(ValueError):
    """An archive that cannot be the basemap; the message says what is wrong, in the current language."""


def check_size(size_bytes: int, limit_mb: int) -> None:
    """Refuse an archive larger than `limit_mb` MiB (GEOAPP_BASEMAP_MAX_MB), before anything reads it."""
    if size_bytes > limit_mb * MIB:
        raise Refused(_("%(size)s MiB is over the limit of %(limit)s MiB (GEOAPP_BASEMAP_MAX_MB)",
                        size=number(size_bytes / MIB, 1), limit=number(limit_mb)))


def attribution_of(info: ArchiveInfo, given: str | None) -> str:
    """Return the attribution to show as plain text: the one given, else the archive's; refuse when there is none."""
    # MBTiles and PMTiles may give theirs as HTML (a link to the licence); the one given is text as typed.
    text = " ".join((given if given is not None else plain_attribution(info.attribution)).split())
    if not text:
        raise Refused(_('it names no attribution (whose map it is); give one with --attribution, '
                        'e.g. --attribution "© Lantmäteriet"'))
    if len(text) > MAX_ATTRIBUTION_CHARS:
        raise Refused(_("the attribution is longer than %(n)d characters", n=MAX_ATTRIBUTION_CHARS))
    return text


def check_tile_format(info: ArchiveInfo) -> None:
    """Refuse vector tiles and any raster format other than PNG, JPEG and WebP."""
    declared = info.tile_format
    if declared in VECTOR_FORMATS:
        raise Refused(_("it holds vector tiles (%(format)s); geoapp serves raster tiles only: PNG, JPEG or WebP",
                        format=declared))
    if declared and declared not in RASTER_FORMATS:
        raise Refused(_("its tiles are %(format)s; geoapp serves PNG, JPEG or WebP tiles", format=declared))


def check_zooms(info: ArchiveInfo) -> None:
    """Refuse an archive that does not reach from the whole municipality down to its streets."""
    if info.min_zoom > MIN_ZOOM_AT_MOST or info.max_zoom < MAX_ZOOM_AT_LEAST:
        raise Refused(_("it holds zoom levels %(low)d to %(high)d; a basemap needs zoom %(most)d or lower (the whole "
                        "municipality) through %(least)d or higher (streets)", low=info.min_zoom, high=info.max_zoom,
                        most=MIN_ZOOM_AT_MOST, least=MAX_ZOOM_AT_LEAST))


def _shown(bounds) -> str:
    return "; ".join(number(v, 4) for v in bounds)  # Swedish decimals have commas


def check_bounds(info: ArchiveInfo, union: BaseGeometry) -> None:
    """Refuse an archive whose stated bounds leave out part of the stored areas' extent."""
    west, south, east, north = info.bounds
    a_west, a_south, a_east, a_north = union.bounds
    slack = BOUNDS_SLACK_DEG
    if west > a_west + slack or south > a_south + slack or east < a_east - slack or north < a_north - slack:
        raise Refused(_("its bounds (%(bounds)s) do not cover the stored areas (%(areas)s; west, south, east, north)",
                        bounds=_shown(info.bounds), areas=_shown(union.bounds)))


def _address(tile: Tile) -> str:
    return f"{tile.z}/{tile.x}/{tile.y}"


def _is_tile_image(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in IMAGE_FORMATS or image.size != (TILE_PX, TILE_PX):
                return False
            image.load()  # decoded whole, once its size is known to be small: a truncated tile fails here
            return True
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False


def check_coverage(archive: Archive, areas: Mapping[str, BaseGeometry]) -> None:
    """Refuse an archive lacking tiles over the areas, or whose tiles there are not 256-pixel raster images."""
    # Every tile at COVERAGE_ZOOM, and at the deepest zoom the one under a point of each area: not only the bounds.
    wanted = covering_tiles(list(areas.values()), COVERAGE_ZOOM)
    found = {t: archive.tile(t.z, t.x, t.y) for t in wanted}
    missing = [t for t, data in found.items() if data is None]
    if missing:
        raise Refused(_("no tiles over the stored areas at zoom %(zoom)d: %(missing)d of %(total)d are missing, "
                        "e.g. %(examples)s", zoom=COVERAGE_ZOOM, missing=len(missing), total=len(wanted),
                        examples=", ".join(_address(t) for t in missing[:MISSING_EXAMPLES])))
    deepest = archive.info.max_zoom
    probes = dict(zip(areas, probe_tiles(list(areas.values()), deepest)))
    without = [name for name, t in probes.items() if archive.tile(t.z, t.x, t.y) is None]
    if without:
        raise Refused(_("no street-level tiles (zoom %(zoom)d) over %(areas)s", zoom=deepest,
                        areas=", ".join(without[:MISSING_EXAMPLES]) + (" …" if len(without) > MISSING_EXAMPLES else "")))
    for t in [*found, *probes.values()]:
        data = found.get(t) or archive.tile(t.z, t.x, t.y)
        if not _is_tile_image(data):
            raise Refused(_("tile %(tile)s is not a PNG, JPEG or WebP image of %(px)d × %(px)d pixels",
                            tile=_address(t), px=TILE_PX))


def check_archive(archive: Archive, areas: Mapping[str, BaseGeometry], attribution: str | None) -> str:
    """Run every check on an open archive against the stored areas (name -> WGS84 geometry); return its attribution."""
    if not areas:
        raise Refused(_("no areas are stored to check it against; import the areas first"))
    info = archive.info
    check_tile_format(info)
    check_zooms(info)
    text = attribution_of(info, attribution)
    check_bounds(info, shapely.union_all(list(areas.values())))
    check_coverage(archive, areas)
    return text
