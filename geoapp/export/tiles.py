"""A basemap for printed exports: Web Mercator tiles fetched within a deadline, or nothing."""

from __future__ import annotations

import html
import io
import math
import re
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass

import numpy as np
from PIL import Image

TILE_PX = 256
WORLD_M = 2 * math.pi * 6378137.0  # width of the Web Mercator world in metres
MAX_TILES = 48
MAX_ZOOM = 19
USER_AGENT = "geoapp/0.1 (briefing export)"


@dataclass(frozen=True)
class BasemapImage:
    """A mosaic of tiles and its extent (west, east, south, north) in EPSG:3857."""

    pixels: np.ndarray
    extent: tuple[float, float, float, float]
    attribution: str


def plain_attribution(text: str) -> str:
    """Return an HTML attribution as plain text for print ('&copy; <a>OSM</a>' -> '© OSM')."""
    # Custom attributions arrive escaped for the web page (basemap.source.tile_source), OpenStreetMap's as HTML.
    return html.unescape(re.sub(r"<[^>]+>", "", html.unescape(text))).strip()


def _zoom(bounds: tuple[float, float, float, float], width_px: int) -> int:
    """Return the zoom whose tiles show `bounds` at about `width_px` pixels, with at most MAX_TILES tiles."""
    west, south, east, north = bounds
    zoom = int(round(math.log2(max(width_px, 1) * WORLD_M / (TILE_PX * max(east - west, 1.0)))))
    zoom = max(0, min(MAX_ZOOM, zoom))
    while zoom > 0 and len(_tile_range(bounds, zoom)[0]) * len(_tile_range(bounds, zoom)[1]) > MAX_TILES:
        zoom -= 1
    return zoom


def _tile_range(bounds, zoom: int) -> tuple[range, range]:
    west, south, east, north = bounds
    n = 2 ** zoom

    def index(value: float) -> int:
        return min(n - 1, max(0, int((value + WORLD_M / 2) / WORLD_M * n)))

    # Tile rows count from the north.
    return range(index(west), index(east) + 1), range(n - 1 - index(north), n - 1 - index(south) + 1)


def _tile_url(template: str, zoom: int, x: int, y: int) -> str:
    return template.replace("{z}", str(zoom)).replace("{x}", str(x)).replace("{y}", str(y))


def _fetch(url: str, timeout: float) -> Image.Image:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured tile server
        return Image.open(io.BytesIO(response.read())).convert("RGB")


def fetch_basemap(template: str | None, attribution: str, bounds, width_px: int, timeout: float) -> BasemapImage | None:
    """Return the tiles covering `bounds` (EPSG:3857), or None when any is missing after `timeout` seconds."""
    if not template or timeout <= 0:
        return None
    zoom = _zoom(bounds, width_px)
    columns, rows = _tile_range(bounds, zoom)
    url = template.replace("{s}", "a").replace("{r}", "")
    deadline = time.monotonic() + timeout
    pool = ThreadPoolExecutor(max_workers=4)
    futures = {(x, y): pool.submit(_fetch, _tile_url(url, zoom, x, y), timeout) for x in columns for y in rows}
    done, pending = wait(futures.values(), timeout=max(0.0, deadline - time.monotonic()))
    # A slow server must not hold the export: unfinished fetches are left to end on their own timeout.
    pool.shutdown(wait=False, cancel_futures=True)
    if pending or any(f.exception() for f in done):
        return None
    mosaic = Image.new("RGB", (len(columns) * TILE_PX, len(rows) * TILE_PX))
    for (x, y), future in futures.items():
        mosaic.paste(future.result().resize((TILE_PX, TILE_PX)), ((x - columns[0]) * TILE_PX, (y - rows[0]) * TILE_PX))
    size = WORLD_M / 2 ** zoom
    west, north = columns[0] * size - WORLD_M / 2, WORLD_M / 2 - rows[0] * size
    extent = (west, west + len(columns) * size, north - len(rows) * size, north)
    return BasemapImage(np.asarray(mosaic), extent, plain_attribution(attribution))
