"""The one tile grid of geoapp: XYZ tiles (Web Mercator, rows from the north) over an extent, over geometries or
under their points, and the zoom that shows an extent at a width."""

from __future__ import annotations

import math
from typing import Iterable, Sequence

import mercantile
import shapely
from shapely.geometry.base import BaseGeometry

Tile = mercantile.Tile


def tiles_for(bounds_wgs84: Sequence[float], zooms: Iterable[int]) -> list[Tile]:
    """Return the tiles, each a (x, y, z) named tuple, covering (west, south, east, north) in WGS84 at each zoom."""
    west, south, east, north = bounds_wgs84
    return list(mercantile.tiles(west, south, east, north, list(zooms)))


def tile_box(tile: Tile) -> BaseGeometry:
    """Return the square of `tile` in WGS84."""
    return shapely.box(*mercantile.bounds(tile))


def covering_tiles(geometries_wgs84: Sequence[BaseGeometry], zoom: int) -> list[Tile]:
    """Return the tiles at `zoom` whose square meets any of the geometries (WGS84), not just their extent."""
    union = shapely.union_all(list(geometries_wgs84))
    if union.is_empty:
        return []
    shapely.prepare(union)
    return [t for t in tiles_for(union.bounds, [zoom]) if union.intersects(tile_box(t))]


def probe_tiles(geometries_wgs84: Sequence[BaseGeometry], zoom: int) -> list[Tile]:
    """Return the tile at `zoom` under a point inside each geometry (WGS84), in the geometries' order."""
    return [mercantile.tile(p.x, p.y, zoom) for p in shapely.point_on_surface(list(geometries_wgs84))]


# The Web Mercator world's width in metres, the deepest zoom a tile server is asked for, and a tile's side.
WORLD_M = 2 * mercantile.xy_bounds(0, 0, 0).right
REMOTE_MAX_ZOOM = 19
TILE_PX = 256


def tiles_over_3857(bounds_3857: Sequence[float], zoom: int) -> list[Tile]:
    """Return the tiles at `zoom` covering (west, south, east, north) in EPSG:3857."""
    west, south, east, north = bounds_3857
    (lon0, lat0), (lon1, lat1) = mercantile.lnglat(west, south), mercantile.lnglat(east, north)
    return tiles_for((lon0, lat0, lon1, lat1), [zoom])


def zoom_for(bounds_3857: Sequence[float], width_px: int, max_tiles: int, zooms: tuple[int, int] = (0, REMOTE_MAX_ZOOM)) -> int | None:
    """Return the zoom within `zooms` (low, high) whose tiles show `bounds_3857` at about `width_px` pixels wide
    with at most `max_tiles` tiles, or None when even the shallowest zoom needs more."""
    west, _south, east, _north = bounds_3857
    wanted = round(math.log2(max(width_px, 1) * WORLD_M / (TILE_PX * max(east - west, 1.0))))
    low, high = zooms
    for zoom in range(max(low, min(high, wanted)), low - 1, -1):
        if len(tiles_over_3857(bounds_3857, zoom)) <= max_tiles:
            return zoom
    return None
