"""The stored archive's tiles over an extent for a map used offline (an exported file, the field form's phone), coarse
zooms first, within a size cap."""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass
from typing import Sequence

import mercantile

from geoapp.basemap.archive import media_type
from geoapp.basemap.grid import TILE_PX, Tile, tiles_for
from geoapp.basemap.store import LocalBasemap

# An offline map shows its area from a phone (about 320 px wide) to a wide screen (about 1400 px), and one zoom
# closer than that.
NARROWEST_PX, WIDEST_PX, CLOSER = 320, 1400, 1


@dataclass(frozen=True)
class OfflineTiles:
    """The tiles chosen for offline use: whole zooms from the shallowest wanted, as far as the cap allows."""

    tiles: tuple[tuple[Tile, bytes], ...]
    wanted: tuple[int, int]  # the zooms the map needs
    zooms: tuple[int, int] | None  # the zooms carried (each whole), None when not even the first fits
    size: int  # bytes as they are counted against the cap

    @property
    def capped(self) -> bool:
        """Return whether zooms the map needs were left out for the cap."""
        return self.zooms != self.wanted


def wanted_zooms(bounds_wgs84: Sequence[float], low: int, high: int) -> tuple[int, int]:
    """Return the zooms (from, to) within the archive's `low`..`high` that show `bounds_wgs84` on a phone up to a wide
    screen, and one closer."""
    west, _south, east, _north = bounds_wgs84
    degrees = max(east - west, 1e-6)

    def fitting(px: int) -> int:
        return int(math.floor(math.log2(px * 360 / (TILE_PX * degrees))))

    first, last = fitting(NARROWEST_PX), fitting(WIDEST_PX) + CLOSER
    first, last = max(low, min(high, first)), max(low, min(high, last))
    return first, last


def offline_tiles(basemap: LocalBasemap, bounds_wgs84: Sequence[float], zooms: tuple[int, int], max_bytes: int,
                  data_url: bool = False) -> OfflineTiles:
    """Return the archive's tiles over `bounds_wgs84` at each zoom of `zooms` (from, to), a whole zoom at a time while
    they stay within `max_bytes` (counted as data URLs when `data_url`)."""
    chosen: list[tuple[Tile, bytes]] = []
    size, last = 0, None
    for zoom in range(zooms[0], zooms[1] + 1):
        level = [(t, data) for t in tiles_for(bounds_wgs84, [zoom]) if (data := basemap.tile(t.z, t.x, t.y)) is not None]
        level_size = sum(_counted(data, data_url) for _, data in level)
        if size + level_size > max_bytes:
            break
        chosen += level
        size += level_size
        last = zoom
    return OfflineTiles(tuple(chosen), zooms, (zooms[0], last) if last is not None else None, size)


def _counted(data: bytes, data_url: bool) -> int:
    return len(as_data_url(data)) if data_url else len(data)


def as_data_url(data: bytes) -> str:
    """Return a tile as a data: URL of its own media type."""
    return f"data:{media_type(data) or 'image/png'};base64,{base64.b64encode(data).decode('ascii')}"


@dataclass(frozen=True)
class WalkTiles:
    """The archive's tiles over an area for a phone to keep: shallow zooms first, each from the middle out."""

    tiles: tuple[Tile, ...]  # those within the cap, in the order to keep them
    total: int  # every tile the archive has over the area at those zooms
    size: int  # bytes of `tiles`

    @property
    def capped(self) -> bool:
        """Return whether the cap left tiles of the area out."""
        return len(self.tiles) < self.total


def walk_tiles(basemap: LocalBasemap, bounds_wgs84: Sequence[float], zooms: tuple[int, int],
               max_bytes: int) -> WalkTiles:
    """Return the archive's tiles over `bounds_wgs84` at each zoom of `zooms` (from, to), shallowest first and from the
    middle of the area out, as many as fit in `max_bytes` before the first that does not."""
    west, south, east, north = bounds_wgs84
    chosen: list[Tile] = []
    total = size = 0
    full = False
    for zoom in range(zooms[0], zooms[1] + 1):
        middle = mercantile.tile((west + east) / 2, (south + north) / 2, zoom)
        # From the middle out, so that a cap reached within a zoom leaves out its edges rather than one side.
        level = sorted(tiles_for(bounds_wgs84, [zoom]), key=lambda t: (t.x - middle.x) ** 2 + (t.y - middle.y) ** 2)
        for tile in level:
            data = basemap.tile(tile.z, tile.x, tile.y)
            if data is None:
                continue
            total += 1
            # Past the cap a phone keeps no deeper tile in place of a shallower one, so the list stops at the first.
            if not full and size + len(data) <= max_bytes:
                chosen.append(tile)
                size += len(data)
            else:
                full = True
    return WalkTiles(tuple(chosen), total, size)
