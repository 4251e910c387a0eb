"""One image of an archive's tiles over an extent, for the printed exports to draw under the cells."""

from __future__ import annotations

import io
from typing import Sequence

import mercantile
import numpy as np
from PIL import Image

from geoapp.basemap.archive import TILE_PX
from geoapp.basemap.grid import tiles_for
from geoapp.basemap.store import LocalBasemap
from geoapp.export.tiles import MAX_TILES, BasemapImage

# Where the archive has no tile (outside the municipality's map), the mosaic stays this colour.
BLANK = (255, 255, 255)


def mosaic(basemap: LocalBasemap, bounds_3857: Sequence[float], zoom: int, max_tiles: int = MAX_TILES) -> BasemapImage | None:
    """Return the tiles at `zoom` over (west, south, east, north) in EPSG:3857 as one image, or None when it has none."""
    west, south, east, north = bounds_3857
    (lon0, lat0), (lon1, lat1) = mercantile.lnglat(west, south), mercantile.lnglat(east, north)
    tiles = tiles_for((lon0, lat0, lon1, lat1), [zoom])
    if len(tiles) > max_tiles:
        raise ValueError(f"{len(tiles)} tiles at zoom {zoom} is more than {max_tiles}: choose a shallower zoom")
    x0, y0 = min(t.x for t in tiles), min(t.y for t in tiles)
    x1, y1 = max(t.x for t in tiles), max(t.y for t in tiles)
    image = Image.new("RGB", ((x1 - x0 + 1) * TILE_PX, (y1 - y0 + 1) * TILE_PX), BLANK)
    found = 0
    for t in tiles:
        data = basemap.tile(t.z, t.x, t.y)
        if data is None:
            continue
        with Image.open(io.BytesIO(data)) as tile:
            # Tiles at the edge of a municipality's map are often partly transparent.
            tile = tile.convert("RGBA").resize((TILE_PX, TILE_PX))
            image.paste(tile, ((t.x - x0) * TILE_PX, (t.y - y0) * TILE_PX), tile)
        found += 1
    if not found:
        return None
    top_left, bottom_right = mercantile.xy_bounds(x0, y0, zoom), mercantile.xy_bounds(x1, y1, zoom)
    extent = (top_left.left, bottom_right.right, bottom_right.bottom, top_left.top)
    return BasemapImage(np.asarray(image), extent, basemap.stored.attribution)
