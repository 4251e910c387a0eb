"""One image of tiles over an extent, for the printed exports to draw under the cells: from the stored archive, or
from any source of tiles (a tile server)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Callable, Sequence

import mercantile
import numpy as np
from PIL import Image

from geoapp.basemap.grid import TILE_PX, Tile, tiles_over_3857, zoom_for
from geoapp.basemap.store import LocalBasemap

# Where there is no tile (outside the municipality's map), the mosaic stays this colour.
BLANK = (255, 255, 255)
# The most tiles one printed map joins: 48 tiles of 256 pixels are wider than a 300 dpi slide.
MAX_TILES = 48


@dataclass(frozen=True)
class BasemapImage:
    """A mosaic of tiles and its extent (west, east, south, north) in EPSG:3857."""

    pixels: np.ndarray
    extent: tuple[float, float, float, float]
    attribution: str  # plain text


def join(tiles: Sequence[Tile], image_of: Callable[[Tile], Image.Image | None], attribution: str) -> BasemapImage | None:
    """Return the tiles (one zoom) as one image, each from `image_of` (None: none there), or None when none was."""
    x0, y0 = min(t.x for t in tiles), min(t.y for t in tiles)
    x1, y1 = max(t.x for t in tiles), max(t.y for t in tiles)
    zoom = tiles[0].z
    image = Image.new("RGB", ((x1 - x0 + 1) * TILE_PX, (y1 - y0 + 1) * TILE_PX), BLANK)
    found = 0
    for t in tiles:
        tile = image_of(t)
        if tile is None:
            continue
        # Tiles at the edge of a municipality's map are often partly transparent.
        tile = tile.convert("RGBA").resize((TILE_PX, TILE_PX))
        image.paste(tile, ((t.x - x0) * TILE_PX, (t.y - y0) * TILE_PX), tile)
        found += 1
    if not found:
        return None
    top_left, bottom_right = mercantile.xy_bounds(x0, y0, zoom), mercantile.xy_bounds(x1, y1, zoom)
    extent = (top_left.left, bottom_right.right, bottom_right.bottom, top_left.top)
    return BasemapImage(np.asarray(image), extent, attribution)


def mosaic(basemap: LocalBasemap, bounds_3857: Sequence[float], zoom: int, max_tiles: int = MAX_TILES) -> BasemapImage | None:
    """Return the archive's tiles at `zoom` over (west, south, east, north) in EPSG:3857 as one image, or None when it has none."""
    tiles = tiles_over_3857(bounds_3857, zoom)
    if len(tiles) > max_tiles:
        raise ValueError(f"{len(tiles)} tiles at zoom {zoom} is more than {max_tiles}: choose a shallower zoom")

    def image_of(tile: Tile) -> Image.Image | None:
        data = basemap.tile(tile.z, tile.x, tile.y)
        return Image.open(io.BytesIO(data)) if data is not None else None

    return join(tiles, image_of, basemap.stored.attribution)


def archive_image(basemap: LocalBasemap, bounds_3857: Sequence[float], width_px: int) -> BasemapImage | None:
    """Return the archive's tiles over `bounds_3857` at the deepest zoom up to the one that shows it about `width_px`
    wide where the archive has them all (else where it has the most), or None when it has none there."""
    stored = basemap.stored
    # Deeper than the archive goes, its deepest tiles are scaled up when drawn.
    wanted = zoom_for(bounds_3857, width_px, MAX_TILES, (stored.min_zoom, stored.max_zoom))
    if wanted is None:
        return None
    best, best_share = None, 0.0
    for zoom in range(wanted, stored.min_zoom - 1, -1):
        tiles = tiles_over_3857(bounds_3857, zoom)
        share = sum(basemap.tile(t.z, t.x, t.y) is not None for t in tiles) / len(tiles)
        if share == 1.0:
            return mosaic(basemap, bounds_3857, zoom)
        if share > best_share:
            best, best_share = zoom, share
    return mosaic(basemap, bounds_3857, best) if best is not None else None
