"""The map page of the shipped boundaries against a naive folium map of the same areas."""

from __future__ import annotations

import tempfile

import folium

from bench.harness import median_seconds, page, report, stock_folium
from geoapp import create_app
from geoapp.domain.model import WGS84


def naive_page(frame) -> str:
    """Build the map as a first attempt would: exact boundaries, one layer, folium defaults."""
    with stock_folium():
        fmap = folium.Map(location=[60.49, 15.40], zoom_start=13)
        folium.GeoJson(frame[["id", "name", "geometry"]].to_crs(WGS84).to_json(),
                       tooltip=folium.GeoJsonTooltip(fields=["name"])).add_to(fmap)
        return fmap.get_root().render()


def run() -> None:
    """Print build time and size of `/` and of the naive baseline."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "TILES": "none", "PUBLIC_MAP": True})
        client = app.test_client()
        frame = app.extensions["geoapp"].area_frame()
        ours = median_seconds(lambda: page(client, "/"))
        baseline = median_seconds(lambda: naive_page(frame))
        our_size = len(page(client, "/"))
        base_size = len(naive_page(frame).encode())
        app.extensions["geoapp"].store.dispose()
    report("map page, shipped Borlänge boundaries", {
        "GET / median (s)": f"{ours:.4f}",
        "naive folium map median (s)": f"{baseline:.4f}",
        "speed ratio (baseline / ours)": f"{baseline / ours:.2f}",
        "GET / size (bytes)": f"{our_size}",
        "naive size (bytes)": f"{base_size}",
        "size ratio (baseline / ours)": f"{base_size / our_size:.2f}",
    })
