"""GEOAPP_TILES resolved: the tile URL template and attribution the maps use, the stored archive's by default."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace

from geoapp.basemap.store import StoredBasemap

LOCAL = "local"
OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
OPENSTREETMAP = ("openstreetmap", "osm")
NO_TILES = ("none", "")
# The path geoapp.views.tiles serves; `v` changes with the archive, so a browser never shows a replaced one's tiles.
LOCAL_TEMPLATE = "/tiles/{z}/{x}/{y}.png?v=%s"


@dataclass(frozen=True)
class TileSource:
    """Where a map's tiles come from (a Leaflet URL template, or None for no basemap) and whose they are."""

    url: str | None
    attribution: str  # HTML, escaped where it came from a setting or an archive
    local: bool = False  # the archive stored in the instance folder, served by geoapp at /tiles/
    # The stored archive the URL serves: its zoom range and bounds bound what a map asks for, the printed exports
    # draw it and the offline ones carry its tiles.
    archive: StoredBasemap | None = None
    # Tiles carried inside the page (script variable maps.EMBEDDED_TILES), from this zoom to that one, instead of a URL.
    embedded_zooms: tuple[int, int] | None = None

    def embedded(self, zooms: tuple[int, int]) -> "TileSource":
        """Return this source drawn from the tiles the page carries (zooms from..to) instead of its URL."""
        return replace(self, url=None, embedded_zooms=zooms)

    @property
    def origin(self) -> str | None:
        """Return scheme://host of the tile server, for the Content-Security-Policy."""
        if not self.url or "://" not in self.url:
            return None  # geoapp's own /tiles/, which 'self' covers
        scheme, _, rest = self.url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0].replace('{s}.', '*.')}"


def effective_tiles(tiles: str | None, stored: StoredBasemap | None) -> str:
    """Return the GEOAPP_TILES in force: as set, else 'local' once an archive is imported, else 'openstreetmap'."""
    if tiles is None:
        return LOCAL if stored is not None else OPENSTREETMAP[0]
    return tiles.strip()


def tile_source(tiles: str | None, attribution: str, stored: StoredBasemap | None) -> TileSource:
    """Resolve GEOAPP_TILES (and GEOAPP_TILES_ATTRIBUTION for a URL template) given the stored archive, if any."""
    key = effective_tiles(tiles, stored)
    if key.lower() == LOCAL:
        if stored is None:
            return TileSource(None, "")  # set to local before any archive was imported: no basemap yet
        return TileSource(LOCAL_TEMPLATE % stored.identity, html.escape(stored.attribution), local=True, archive=stored)
    if key.lower() in NO_TILES:
        return TileSource(None, "")
    if key.lower() in OPENSTREETMAP:
        return TileSource(OSM_URL, OSM_ATTRIBUTION)
    return TileSource(key, html.escape(attribution))


def plain_attribution(text: str) -> str:
    """Return an HTML attribution as plain text for print ('&copy; <a>OSM</a>' -> '© OSM')."""
    # Custom attributions arrive escaped for the web page (tile_source), OpenStreetMap's as HTML.
    return html.unescape(re.sub(r"<[^>]+>", "", html.unescape(text))).strip()
