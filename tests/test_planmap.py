"""The planners' map, its table and its JSON twins over a real database, as a planner or a client sees them."""

from __future__ import annotations

import logging
import random
import re
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import shapely
from pyproj import Transformer
from geoapp import create_app
from geoapp.accounts.administration import delete_upload
from geoapp.config import ConfigError
from geoapp.domain.users import Actor
from geoapp.maps import build_view_maps
from geoapp.mapview import geojson as view_geojson
from geoapp.mapview import numbers as view_numbers
from tests.observations import Obs, random_points, store_observations

pytestmark = pytest.mark.storage

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TJARNA, JAKOBS = "2081R013", "2081R004"
# Three busy squares in Tjärna Ängar (south-west corners, SWEREF 99 TM), one in its neighbour, one quiet one.
BUSY = [(TJARNA, 522000, 6706000), (TJARNA, 522000, 6706250), (TJARNA, 522250, 6706000), (JAKOBS, 521250, 6706000)]
QUIET = (TJARNA, 521750, 6706250)
SENTINEL_TEXT = "Sentinel-kommentar-4f9c2e"
SENTINEL_WALK = "Sentinel walk Qx7"


def inside(app, place) -> shapely.Geometry:
    """Return the part of a square lying in its area, 10 m in from every edge."""
    code, e, n = place
    area = app.extensions["geoapp"].area_frame().set_index("id").geometry[code]
    return area.intersection(shapely.box(e, n, e + 250, n + 250)).buffer(-10)


def walk_data(app, rng: random.Random, per_square: int = 20) -> list[Obs]:
    """Observations from three walks in May 2025, clustered in the busy squares, plus a quiet one."""
    rows = []
    for place in BUSY:
        for i, (e, n) in enumerate(random_points(inside(app, place), per_square, rng)):
            at = datetime(2025, 5, 5 + i % 3, 18, 30, tzinfo=STOCKHOLM) + timedelta(minutes=i)
            category = ["lighting", "vegetation", "lighting", "safe_place"][i % 4]
            rows.append(Obs(f"walk-5-{i % 3}", at, category, e, n, place[0]))
    (e, n), = random_points(inside(app, QUIET), 1, rng)
    rows.append(Obs("walk-5-0", datetime(2025, 5, 6, 19, tzinfo=STOCKHOLM), "litter", e, n, TJARNA))
    return rows


@pytest.fixture
def app(make_app):
    """An app whose municipality has opened the anonymised map to everyone (access is tested elsewhere)."""
    return make_app(PUBLIC_MAP=True)


@pytest.fixture
def mapped(app):
    """The app with a month of walks in Västra Borlänge stored."""
    store_observations(app.extensions["geoapp"].store, walk_data(app, random.Random(5)))
    return app


def test_summary_gives_area_totals_walks_and_categories(mapped):
    body = mapped.test_client().get("/api/v1/summary?area=vastra-borlange&period=2025-05").get_json()
    assert body["k"] == 5 and body["min_walks"] == 2 and body["period"] == "2025-05"
    areas = {a["id"]: a for a in body["areas"]}
    assert set(areas) == {"vastra-borlange", TJARNA, JAKOBS}
    assert areas[TJARNA]["walks"] == 3 and areas["vastra-borlange"]["walks"] == 3
    # 45 observations (other than places that feel safe) in three busy squares and one in a quiet one.
    assert areas[TJARNA]["counts"]["all"] == 46
    assert areas[TJARNA]["counts"]["lighting"] == 30
    # Litter (1) is hidden; vegetation (15) too, or all minus lighting would reveal the single litter one.
    assert areas[TJARNA]["counts"]["litter"] is None and areas[TJARNA]["counts"]["vegetation"] is None
    assert areas[TJARNA]["counts"]["safe_place"] == 15
    assert areas[JAKOBS]["counts"] == {**{key: None for key in areas[JAKOBS]["counts"]},
                                       "all": 15, "lighting": 10, "vegetation": 5, "safe_place": 5}
    assert areas["vastra-borlange"]["counts"]["all"] == 61


def test_cells_are_published_squares_in_wgs84(mapped):
    response = mapped.test_client().get("/api/v1/cells?area=vastra-borlange&period=2025-05")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    features = response.get_json()["features"]
    observed = [f["properties"] for f in features if f["properties"]["layer"] == "observations"]
    # Tjärna Ängar's total (46) minus its three busy squares would single out the quiet one's
    # observation, so one busy square is withheld instead.
    assert sorted((p["area"], p["count"]) for p in observed) == [(JAKOBS, 15), (TJARNA, 15), (TJARNA, 15)]
    # The shown squares' categories leave the withheld square's vegetation (5) and the quiet litter (1)
    # together, 6: safe, where Tjärna Ängar's vegetation total would have split them.
    assert [p["categories"] for p in observed] == [{"lighting": 10, "vegetation": 5}] * 3
    for feature in features:
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
        lon, lat = feature["geometry"]["coordinates"][0][0]
        assert 15.3 < lon < 15.5 and 60.4 < lat < 60.6
        assert feature["properties"]["count"] >= 5
    safe = [f["properties"]["count"] for f in features if f["properties"]["layer"] == "safe_place"]
    assert safe == [5, 5, 5, 5]


def test_category_filter_and_breakdown_agree(mapped):
    client = mapped.test_client()
    lighting = client.get("/api/v1/cells?area=2081R013&period=2025-05&category=lighting").get_json()["features"]
    # The square withheld from "all" shows its lighting: what it leaves hidden is still 6 from two walks.
    assert sorted(f["properties"]["count"] for f in lighting) == [10, 10, 10]
    assert all("categories" not in f["properties"] for f in lighting)


@pytest.mark.parametrize("query, message", [
    ("period=2025-13", "är ingen fast kalenderperiod"),
    ("period=2025-05-01", "är ingen fast kalenderperiod"),
    ("period=2020-05&area=nowhere", "Okänt område"),
    ("period=2025-Q2", "kvartal och veckor visas inte"),
    ("period=2025-W20", "kvartal och veckor visas inte"),
    ("category=people", "Okänd kategori"),
    ("compare=maybe", "compare måste vara"),
])
def test_bad_filters_are_a_400_with_a_message(client, query, message):
    for url in ("/api/v1/cells", "/api/v1/summary"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400
        assert message in response.get_json()["error"]
    page = client.get(f"/?{query}")
    assert page.status_code == 400 and message in page.get_data(as_text=True)


def test_map_page_has_filters_legend_table_and_comparison(mapped):
    client = mapped.test_client()
    client.set_cookie("lang", "en")  # the English page; test_i18n covers the Swedish default
    page = client.get("/?area=vastra-borlange&period=2025-05&compare=1").get_data(as_text=True)
    assert '<html lang="en">' in page
    for label in ('for="area"', 'for="period"', 'for="category"', 'for="compare"'):
        assert label in page
    assert '<optgroup label="Months">' in page and '<option value="2025-05" selected>' in page
    assert "5–9" in page and "40 or more" in page and "Places that feel safe" in page
    assert page.count('class="folium-map"') == 2  # 2025-05 and 2025-04 side by side
    assert "fewer than 5 or protected" in page
    assert re.search(r"Västra Borlänge, 2025-05:\s+61 observations\s+from 3 walks", page)
    assert "onclick" not in page and "onchange" not in page
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', page) == []


def test_views_are_cached_until_their_own_observations_change(mapped, monkeypatch):
    builds = []
    original = view_numbers.build_view
    monkeypatch.setattr(view_numbers, "build_view", lambda *a: builds.append(a) or original(*a))
    client, store = mapped.test_client(), mapped.extensions["geoapp"].store
    url = "/api/v1/summary?area=2081R013&period=2025-05"
    first = client.get(url).get_json()
    assert client.get(url).get_json() == first and len(builds) == 1
    # Walks in another area, or in the same area a year later, leave the view as it was, without rebuilding it.
    elsewhere = walk_data(mapped, random.Random(7))
    store_observations(store, [r for r in elsewhere if r.area_code != TJARNA])
    store_observations(store, [replace(r, at=r.at.replace(year=2026)) for r in elsewhere if r.area_code == TJARNA])
    assert client.get(url).get_json() == first and len(builds) == 1
    upload = store_observations(store, walk_data(mapped, random.Random(6)))
    assert client.get(url).get_json()["areas"][0]["counts"]["all"] == 2 * first["areas"][0]["counts"]["all"]
    assert len(builds) == 2
    delete_upload(store, upload, Actor("owner"))
    assert client.get(url).get_json() == first and len(builds) == 3


def test_renderers_refuse_raw_numbers(mapped):
    with pytest.raises(TypeError, match="Published"):
        build_view_maps({"cells": [1]}, None, {}, None, None, (), {})
    with pytest.raises(TypeError, match="Published"):
        view_geojson.cells_geojson({"features": []})


@pytest.mark.parametrize("settings, variable", [({"K_MIN": 2}, "GEOAPP_K_MIN"), ({"GRID_SIZE": 300}, "GEOAPP_GRID_SIZE"),
                                                ({"COLOR_CLASSES": "10,5"}, "GEOAPP_COLOR_CLASSES")])
def test_unsafe_settings_stop_the_app(tmp_path, settings, variable):
    with pytest.raises(ConfigError, match=variable):
        create_app({"INSTANCE_PATH": str(tmp_path), **settings})


def test_k_from_the_environment_is_applied(make_app, monkeypatch):
    monkeypatch.setenv("GEOAPP_K_MIN", "10")
    app = make_app(PUBLIC_MAP=True)
    store_observations(app.extensions["geoapp"].store, walk_data(app, random.Random(5)))
    body = app.test_client().get("/api/v1/summary?area=2081R013&period=2025-05").get_json()
    assert body["k"] == 10 and body["areas"][0]["counts"]["vegetation"] is None


def _sentinels(app, rng: random.Random) -> list[Obs]:
    """Observations with unique comments at exact points inside busy squares, partly on a named walk."""
    rows = []
    for i, place in enumerate(BUSY[:2] * 3):
        (e, n), = random_points(inside(app, place), 1, rng)
        at = datetime(2025, 5, 14, 10, 17, 23, tzinfo=STOCKHOLM)
        rows.append(Obs(SENTINEL_WALK if i % 2 else "walk-5-1", at + timedelta(seconds=i), "lighting",
                        e, n, place[0], f"{SENTINEL_TEXT}-{i}"))
    return rows


def _near_sentinel(text: str, sentinels: list[Obs]) -> list[tuple[float, float]]:
    """Return number pairs in `text` that, read as lon/lat or as SWEREF 99 TM, lie within 1 m of a sentinel."""
    to_sweref = Transformer.from_crs("EPSG:4326", "EPSG:3006", always_xy=True)
    numbers = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", text)]
    close = []
    for a, b in zip(numbers, numbers[1:]):
        if 10 < a < 30 and 55 < b < 70:
            e, n = to_sweref.transform(a, b)
        elif 2e5 < a < 1e6 and 6e6 < b < 8e6:
            e, n = a, b
        else:
            continue
        close += [(a, b) for s in sentinels if (s.e - e) ** 2 + (s.n - n) ** 2 < 1.0]
    return close


def test_no_page_response_or_log_line_reveals_an_observation(mapped, caplog):
    sentinels = _sentinels(mapped, random.Random(7))
    caplog.set_level(logging.DEBUG)
    store_observations(mapped.extensions["geoapp"].store, sentinels)
    client = mapped.test_client()
    texts = []
    for area in ("vastra-borlange", "tjarna-angar", TJARNA):
        for query in ("period=2025-05", "period=2025-05&compare=1", "period=2025&category=lighting", "period=2025-T2",
                      "period=2025-T2&compare=1", "category=lighting&period=2025-05"):
            for url in ("/", "/api/v1/cells", "/api/v1/summary"):
                response = client.get(f"{url}?area={area}&{query}")
                assert response.status_code == 200
                texts.append(response.get_data(as_text=True))
    texts.append(client.get("/api/v1/areas").get_data(as_text=True))
    texts += [record.getMessage() for record in caplog.records]
    published = [t for t in texts if '"count"' in t]
    assert any('"count": 18' in t for t in published)  # the sentinels' squares are shown
    for text in texts:
        assert SENTINEL_TEXT not in text and SENTINEL_WALK not in text
        assert "2025-05-14" not in text and "10:17" not in text
        assert _near_sentinel(text, sentinels) == []
