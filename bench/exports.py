"""Briefing exports of the demo walks: PNG and PDF against a bare GeoDataFrame.plot of the same cells.

`python -m bench exports` loads the synthetic demo walks into a temporary SQLite database and times
the exports of Västra Borlänge, 2025 (targets: PNG under 2 s, PDF under 3 s), without a basemap and then over a
stored basemap archive made here; the published numbers are
cached after the first export, as on a running server, so the figures are the drawing.
"""

from __future__ import annotations

import io
import sqlite3
import tempfile
from pathlib import Path

import geopandas as gpd
from matplotlib.figure import Figure
from PIL import Image, ImageDraw

from bench.harness import median_seconds, report
from geoapp import create_app
from geoapp.basemap.checks import COVERAGE_ZOOM, MAX_ZOOM_AT_LEAST
from geoapp.basemap.grid import covering_tiles, probe_tiles, tiles_for
from geoapp.cli import main as cli_main
from geoapp.domain.model import SWEREF99TM
from geoapp.export import export_view
from geoapp.ingest.demo import load_demo
from geoapp.mapview.numbers import published_view

VIEW = {"area": "vastra-borlange", "period": "2025"}
TARGETS = {"png": 2.0, "pdf": 3.0}


def bare_plot(cells: gpd.GeoDataFrame, fmt: str) -> bytes:
    """Draw the cells coloured by count with no boundaries, legend or text: the least a printed map is."""
    buffer = io.BytesIO()
    fig = Figure(figsize=(12, 6.75), dpi=150)
    cells.plot(ax=fig.add_subplot(), column="count", cmap="Oranges")
    fig.savefig(buffer, format=fmt)
    return buffer.getvalue()


def _tile(tile) -> bytes:
    """Draw one tile: a colour of its own and its address, about as large as a plain rendered map tile."""
    image = Image.new("RGB", (256, 256), ((tile.x * 37) % 96 + 140, (tile.y * 53) % 96 + 140, 200))
    ImageDraw.Draw(image).text((8, 8), f"{tile.z}/{tile.x}/{tile.y}", fill=(40, 40, 40))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def write_basemap(path: Path, areas: gpd.GeoDataFrame) -> Path:
    """Write an MBTiles basemap that passes the import checks: Borlänge at zoom 12, Västra Borlänge to zoom 16."""
    shapes = list(areas.to_crs(4326).geometry)
    west, south, east, north = areas[areas["id"] == VIEW["area"]].to_crs(4326).total_bounds
    dx, dy = east - west, north - south
    tiles = set(covering_tiles(shapes, COVERAGE_ZOOM)) | set(probe_tiles(shapes, MAX_ZOOM_AT_LEAST))
    tiles |= set(tiles_for((west - dx, south - dy, east + dx, north + dy), range(COVERAGE_ZOOM + 1, MAX_ZOOM_AT_LEAST + 1)))
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
        db.executemany("INSERT INTO metadata VALUES (?, ?)", [
            ("name", "bench"), ("format", "png"), ("minzoom", str(COVERAGE_ZOOM)), ("maxzoom", str(MAX_ZOOM_AT_LEAST)),
            ("bounds", "15.0,60.2,15.8,60.7"), ("attribution", "bench tiles")])
        db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)", [(t.z, t.x, 2 ** t.z - 1 - t.y, _tile(t)) for t in tiles])
    db.close()
    return path


def run() -> None:
    """Print the median time of each export, of the bare plot, and their ratio."""
    with tempfile.TemporaryDirectory() as tmp:
        # No export cache: each export is drawn, as the first one asked for a view is.
        app = create_app({"INSTANCE_PATH": tmp, "TILES": "none", "PUBLIC_MAP": True, "EXPORT_CACHE_MB": 0})
        site = app.extensions["geoapp"]
        load_demo(site)
        layer = published_view(site, VIEW).layers[0]
        cells = gpd.GeoDataFrame({"count": [c.count for c in layer.cells]}, geometry=[c.geometry for c in layer.cells],
                                 crs=SWEREF99TM)
        figures = {"published cells drawn": str(len(cells))}
        for fmt in TARGETS:
            ours = median_seconds(lambda f=fmt: export_view(site, f, VIEW))
            bare = median_seconds(lambda f=fmt: bare_plot(cells, f))
            figures[f"{fmt}: geoapp export (s)"] = f"{ours:.3f}"
            figures[f"{fmt}: bare GeoDataFrame.plot + savefig (s)"] = f"{bare:.3f}"
            figures[f"{fmt}: ratio (export / bare)"] = f"{ours / bare:.1f}"
            figures[f"{fmt}: within the {TARGETS[fmt]:.0f} s target"] = "yes" if ours < TARGETS[fmt] else "NO"
        # The same exports drawn over the stored basemap (GEOAPP_TILES=local).
        imported = app.test_cli_runner().invoke(cli_main, ["basemap", "import", str(write_basemap(Path(tmp) / "b.mbtiles",
                                                                                                  site.area_frame()))])
        if imported.exit_code != 0:
            raise RuntimeError(imported.output)
        site.settings.update(TILES=None)
        for fmt in TARGETS:
            ours = median_seconds(lambda f=fmt: export_view(site, f, VIEW))
            figures[f"{fmt} with the stored basemap (s)"] = f"{ours:.3f}"
            figures[f"{fmt} with the stored basemap: within target"] = "yes" if ours < TARGETS[fmt] else "NO"
        site.store.dispose()
    report("briefing exports, demo walks, Västra Borlänge 2025", figures)
