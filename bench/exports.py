"""Briefing exports of the demo walks: PNG and PDF against a bare GeoDataFrame.plot of the same cells.

`python -m bench exports` loads the synthetic demo walks into a temporary SQLite database and times
the exports of Västra Borlänge, 2025 (targets: PNG under 2 s, PDF under 3 s); the published numbers are
cached after the first export, as on a running server, so the figures are the drawing.
"""

from __future__ import annotations

import io
import tempfile

import geopandas as gpd
from matplotlib.figure import Figure

from bench.harness import median_seconds, report
from geoapp import create_app
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


def run() -> None:
    """Print the median time of each export, of the bare plot, and their ratio."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "TILES": "none", "PUBLIC_MAP": True})
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
        site.store.dispose()
    report("briefing exports, demo walks, Västra Borlänge 2025", figures)
