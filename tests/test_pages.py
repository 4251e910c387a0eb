"""The map page, its GeoJSON twin and the health check, as a browser or client sees them."""

from __future__ import annotations

import re

import geopandas as gpd
import pytest
from shapely.geometry import Point
from sqlalchemy import create_engine

from geoapp.cli import main


@pytest.fixture
def viewer(as_role):
    return as_role("viewer")


def test_areas_api_lists_regso_areas_and_groups(viewer):
    response = viewer.get("/api/v1/areas")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    features = {f["properties"]["id"]: f for f in response.get_json()["features"]}
    assert len([f for f in features.values() if f["properties"]["kind"] == "regso"]) == 17
    tjarna = features["2081R013"]["properties"]
    assert tjarna["name"] == "Tjärna Ängar" and tjarna["kind"] == "regso"
    assert tjarna["area_km2"] == pytest.approx(0.331, abs=0.001)
    vastra = features["vastra-borlange"]["properties"]
    assert vastra["kind"] == "group" and vastra["approximation"] is True
    assert vastra["area_km2"] == pytest.approx(2.13, abs=0.01)
    assert sorted(vastra["members"]) == ["2081R004", "2081R013"]
    lon, lat = features["2081R013"]["geometry"]["coordinates"][0][0]
    assert 15.3 < lon < 15.5 and 60.4 < lat < 60.6  # WGS84, lon/lat order


def test_map_page_shows_areas_with_local_assets_only(viewer):
    response = viewer.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Västra Borlänge" in page and "Tjärna Ängar" in page
    assert "Bygger p\\u00e5 SCB RegSO 2025 (CC0)" in page  # JSON in the map's script
    assert "statistisk approximation" in page.lower()
    assert "L.control.scale" in page
    assert "L.control.layers" in page
    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', page)
    assert external == []
    for url in re.findall(r'(?:src|href)="(/assets/[^"]+)"', page):
        with viewer.get(url) as asset:
            assert asset.status_code == 200, url


def test_unknown_area_is_a_400(viewer):
    response = viewer.get("/?area=nowhere")
    assert response.status_code == 400
    assert "Okänt område &#39;nowhere&#39;" in response.get_data(as_text=True)


def test_openstreetmap_basemap_is_attributed(make_app):
    page = make_app(TILES="openstreetmap", PUBLIC_MAP=True).test_client().get("/").get_data(as_text=True)
    assert "tile.openstreetmap.org" in page
    assert "OpenStreetMap" in page


def test_area_names_are_escaped_in_tooltips(make_app, tmp_path):
    app = make_app(LOAD_DEFAULT_AREAS=False, PUBLIC_MAP=True)
    path = tmp_path / "evil.gpkg"
    gpd.GeoDataFrame(
        {"code": ["E1"], "name": ['<img src=x onerror="alert(1)">']},
        geometry=[Point(500000, 6700000).buffer(300)], crs=3006,
    ).to_file(path)
    assert app.test_cli_runner().invoke(main, ["areas", "import", str(path)]).exit_code == 0
    page = app.test_client().get("/?area=E1").get_data(as_text=True)
    assert "<img src=x" not in page
    assert "&lt;img src=x" in page


def test_healthz_answers_when_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_reports_a_missing_database(app, client):
    store = app.extensions["geoapp"].store
    store.engine.dispose()
    # Point the app at a port where no database listens, as when the server has gone away.
    store.engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1})
    response = client.get("/healthz")
    assert response.status_code == 503
