"""The XYZ tiles (Web Mercator, rows from the north) over an extent, over geometries, or under their points."""

from __future__ import annotations

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
