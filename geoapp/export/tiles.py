"""The basemap of a printed export: the stored archive's tiles, or a tile server's fetched within a deadline, or nothing."""

from __future__ import annotations

import io
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor, wait

from PIL import Image

from geoapp.basemap.grid import tiles_over_3857, zoom_for
from geoapp.basemap.mosaic import MAX_TILES, BasemapImage, archive_image, join
from geoapp.basemap.source import plain_attribution
from geoapp.basemap.store import current_basemap

USER_AGENT = "geoapp/0.1 (briefing export)"


def _tile_url(template: str, zoom: int, x: int, y: int) -> str:
    return template.replace("{z}", str(zoom)).replace("{x}", str(x)).replace("{y}", str(y))


def _fetch(url: str, timeout: float) -> Image.Image:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured tile server
        return Image.open(io.BytesIO(response.read())).convert("RGB")


def fetch_basemap(template: str | None, attribution: str, bounds, width_px: int, timeout: float) -> BasemapImage | None:
    """Return a tile server's tiles covering `bounds` (EPSG:3857), or None when any is missing after `timeout` seconds."""
    if not template or timeout <= 0:
        return None
    tiles = tiles_over_3857(bounds, zoom_for(bounds, width_px, MAX_TILES) or 0)
    url = template.replace("{s}", "a").replace("{r}", "")
    deadline = time.monotonic() + timeout
    pool = ThreadPoolExecutor(max_workers=4)
    futures = {t: pool.submit(_fetch, _tile_url(url, t.z, t.x, t.y), timeout) for t in tiles}
    done, pending = wait(futures.values(), timeout=max(0.0, deadline - time.monotonic()))
    # A slow server must not hold the export: unfinished fetches are left to end on their own timeout.
    pool.shutdown(wait=False, cancel_futures=True)
    if pending or any(f.exception() for f in done):
        return None
    return join(tiles, lambda t: futures[t].result(), plain_attribution(attribution))


def print_basemap(basemap, bounds, width_px: int, timeout: float) -> BasemapImage | None:
    """Return the basemap (a TileSource) under `bounds` (EPSG:3857) about `width_px` wide, or None without one."""
    if basemap.archive is not None:
        # The stored archive, reopened here: a drawing process gets the briefing, not the open file.
        local = current_basemap(basemap.archive.folder.parent)
        return archive_image(local, bounds, width_px) if local is not None else None
    return fetch_basemap(basemap.url, basemap.attribution, bounds, width_px, timeout)
