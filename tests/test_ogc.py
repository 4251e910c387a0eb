"""OGC API – Features at /ogc: the same features as /api/v1, paged, filtered by bbox and time, and read by GDAL."""

from __future__ import annotations

from urllib.parse import quote

import pytest
import requests
import shapely
from shapely.geometry import shape

from geoapp import create_app
from geoapp.actions.records import add_action
from geoapp.domain.users import Actor
from geoapp.ingest.demo import load_demo
from tests.actions_data import TJARNA, form

VIEWS = ["", "area=vastra-borlange&period=2025", "area=vastra-borlange&period=2025&category=lighting",
         "area=2081R004&period=2025-T2", "area=vastra-borlange&period=2025-05"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A public app over SQLite with the demo walks and activities, in English."""
    folder = tmp_path_factory.mktemp("ogc")
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'ogc.sqlite3'}", "INSTANCE_PATH": str(folder),
                      "TILES": "none", "PUBLIC_MAP": True, "TESTING": True, "LANGUAGE": "en"})
    load_demo(app.extensions["geoapp"])
    yield app
    app.extensions["geoapp"].store.dispose()


@pytest.fixture
def client(demo):
    return demo.test_client()


def every_page(client, url: str) -> list[dict]:
    """Follow an items URL's next links to the end; return every feature, checking the counts of each page."""
    features, pages = [], 0
    while url:
        page = client.get(url, headers={"Accept": "application/geo+json"})
        assert page.status_code == 200 and page.mimetype == "application/geo+json", page.get_data(as_text=True)
        body = page.get_json()
        assert body["numberReturned"] == len(body["features"])
        features += body["features"]
        pages += 1
        nexts = [link["href"] for link in body["links"] if link["rel"] == "next"]
        url = nexts[0].removeprefix("http://localhost") if nexts else None
    assert len(features) == body["numberMatched"]
    return features


def without_ids(features: list[dict]) -> list[dict]:
    return [{"type": f["type"], "geometry": f["geometry"], "properties": f["properties"]} for f in features]


@pytest.mark.parametrize("view", VIEWS)
def test_the_cells_collection_pages_through_exactly_the_published_cells(client, view):
    published = client.get(f"/api/v1/cells?{view}").get_json()["features"]
    assert published, "the demo publishes cells in every view tested"
    paged = every_page(client, f"/ogc/collections/cells/items?{view}&limit=2")
    assert without_ids(paged) == published
    assert len({f["id"] for f in paged}) == len(paged)


def test_areas_and_activities_are_those_of_the_api(client):
    areas = client.get("/api/v1/areas").get_json()["features"]
    assert without_ids(every_page(client, "/ogc/collections/areas/items?limit=5")) == areas
    for view in ("area=vastra-borlange&period=2025", "area=2081R013&period=2025-T1"):
        activities = client.get(f"/api/v1/activities?{view}").get_json()["features"]
        assert activities
        assert without_ids(every_page(client, f"/ogc/collections/activities/items?{view}&limit=3")) == activities


def test_paging_links_say_where_the_neighbouring_pages_are(client):
    body = client.get("/ogc/collections/areas/items?limit=4&offset=4").get_json()
    links = {link["rel"]: link["href"] for link in body["links"]}
    assert body["numberReturned"] == 4 and body["numberMatched"] == 19
    assert links["next"].endswith("/ogc/collections/areas/items?limit=4&offset=8")
    assert links["prev"].endswith("/ogc/collections/areas/items?limit=4&offset=0")
    last = client.get("/ogc/collections/areas/items?limit=4&offset=16").get_json()
    assert last["numberReturned"] == 3 and "next" not in {link["rel"] for link in last["links"]}
    default = client.get("/ogc/collections/areas/items").get_json()
    assert default["numberReturned"] == 10


def test_bbox_keeps_only_the_features_it_meets(client):
    every = client.get("/ogc/collections/cells/items?area=vastra-borlange&period=2025&limit=1000").get_json()
    box = (15.38, 60.48, 15.395, 60.495)
    inside = client.get("/ogc/collections/cells/items?area=vastra-borlange&period=2025&limit=1000"
                        f"&bbox={','.join(map(str, box))}").get_json()
    expected = [f for f in every["features"] if shapely.box(*box).intersects(shape(f["geometry"]))]
    assert 0 < len(expected) < len(every["features"])
    assert inside["features"] == expected and inside["numberMatched"] == len(expected)
    nowhere = client.get("/ogc/collections/areas/items?bbox=11.0,55.0,11.1,55.1").get_json()
    assert nowhere["features"] == [] and nowhere["numberMatched"] == 0


def test_datetime_keeps_the_features_of_the_periods_it_meets(client):
    url = "/ogc/collections/cells/items?area=vastra-borlange&period=2025-05&limit=1000"
    may = client.get(url).get_json()["features"]
    assert may
    assert client.get(f"{url}&datetime=2025-05-14T18:00:00Z").get_json()["features"] == may
    assert client.get(f"{url}&datetime=../2025-04-30T21:59:59Z").get_json()["features"] == []
    # Midnight of 1 June in Stockholm is 22:00 UTC on 31 May: the month of May has ended.
    assert client.get(f"{url}&datetime=2025-05-31T22:00:00Z/..").get_json()["features"] == []
    assert client.get(f"{url}&datetime=2025-05-31T21:59:59Z/..").get_json()["features"] == may


def test_one_feature_is_the_one_listed(client):
    listed = client.get("/ogc/collections/cells/items?area=vastra-borlange&period=2025&category=lighting"
                        "&limit=1").get_json()["features"][0]
    url = f"/ogc/collections/cells/items/{quote(listed['id'], safe=':')}"
    alone = client.get(f"{url}?category=lighting")
    assert alone.status_code == 200 and alone.mimetype == "application/geo+json"
    body = alone.get_json()
    assert {k: body[k] for k in listed} == listed
    activities = client.get("/ogc/collections/activities/items?area=vastra-borlange&period=2025").get_json()
    activity = activities["features"][0]
    found = client.get(f"/ogc/collections/activities/items/{quote(activity['id'])}").get_json()
    assert found["properties"] == activity["properties"]
    assert client.get("/ogc/collections/areas/items/tjarna-angar").get_json()["properties"]["name"] == "Tjärna Ängar"


@pytest.mark.parametrize("url", [
    "/ogc/collections/rivers", "/ogc/collections/cells/items/2025.observations.2081R013.250m:E0N0",
    "/ogc/collections/cells/items/nonsense", "/ogc/collections/cells/items/2025.observations.nowhere.250m:E0N0",
    "/ogc/collections/areas/items/atlantis"])
def test_what_is_not_there_is_404_with_an_ogc_exception(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.get_json()["code"] == "NotFound" and response.get_json()["description"]


@pytest.mark.parametrize("query, named", [
    ("limit=0", "limit"), ("limit=10001", "limit"), ("limit=ten", "limit"), ("offset=-1", "offset"),
    ("bbox=1,2,3", "bbox"), ("bbox=15,61,16,60", "bbox"), ("bbox=a,b,c,d", "bbox"), ("datetime=yesterday", "datetime"),
    ("datetime=2025-06-01T00:00:00Z/2025-05-01T00:00:00Z", "datetime"), ("colour=red", "colour"),
    ("area=atlantis", "atlantis"), ("period=2025-Q2", "2025-Q2"), ("category=noise", "noise"), ("f=xml", "xml")])
def test_a_parameter_not_accepted_is_400_naming_it(client, query, named):
    response = client.get(f"/ogc/collections/cells/items?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["code"] == "InvalidParameterValue" and named in body["description"]


def test_the_landing_page_links_the_definition_conformance_and_collections(client):
    body = client.get("/ogc", headers={"Accept": "application/json"}).get_json()
    links = {link["rel"]: link for link in body["links"]}
    assert links["service-desc"]["href"] == "http://localhost/api/v1/openapi.json"
    assert links["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert links["conformance"]["href"] == "http://localhost/ogc/conformance"
    assert links["data"]["href"] == "http://localhost/ogc/collections"
    conforms = client.get("/ogc/conformance").get_json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conforms
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in conforms
    collections = client.get("/ogc/collections").get_json()["collections"]
    assert [c["id"] for c in collections] == ["cells", "areas", "activities", "actions"]
    for found in collections:
        assert found["crs"] == ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"]
        west, south, east, north = found["extent"]["spatial"]["bbox"][0]
        assert 15.0 < west < east < 15.8 and 60.2 < south < north < 60.7  # Borlänge


def test_a_browser_gets_pages_in_swedish_and_english(client):
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    client.set_cookie("lang", "sv")
    swedish = client.get("/ogc/collections", headers=browser)
    page = swedish.get_data(as_text=True)
    assert swedish.mimetype == "text/html" and '<html lang="sv">' in page
    assert "Observationer per ruta" in page and "Samlingarna av objekt" in page
    client.set_cookie("lang", "en")
    english = client.get("/ogc/collections/cells/items?area=vastra-borlange&period=2025", headers=browser)
    page = english.get_data(as_text=True)
    assert english.mimetype == "text/html" and '<html lang="en">' in page and "Observations per grid cell" in page
    assert "2025.observations.2081R004" in page
    assert client.get("/ogc/collections/cells/items?f=html").mimetype == "text/html"
    assert client.get("/ogc/collections/cells/items", headers={"Accept": "*/*"}).mimetype == "application/geo+json"


def test_the_actions_collection_holds_the_published_actions_and_no_proposal(make_app):
    app = make_app(PUBLIC_MAP=True, LANGUAGE="en")
    with app.test_request_context():
        ids = {}
        for key, status in (("decided", "decided"), ("proposal", "proposed"), ("done", "done")):
            ids[key], errors = add_action(app.extensions["geoapp"], form(title=f"Action {key}", status=status),
                                          Actor("anna"))
            assert errors == {}
    client = app.test_client()
    for view in ("", f"?area={TJARNA}", "?status=decided"):
        published = client.get(f"/api/v1/actions{view}").get_json()["features"]
        served = client.get(f"/ogc/collections/actions/items{view}", headers={"Accept": "application/geo+json"})
        assert served.status_code == 200 and served.mimetype == "application/geo+json"
        features = served.get_json()["features"]
        assert [f["id"] for f in features] == [str(f["properties"]["id"]) for f in published]
        assert [(f["geometry"], f["properties"]) for f in features] == [(f["geometry"], f["properties"])
                                                                       for f in published]
    everything = client.get("/ogc/collections/actions/items").get_json()
    assert sorted(f["id"] for f in everything["features"]) == sorted([str(ids["decided"]), str(ids["done"])])
    assert [f["id"] for f in client.get("/ogc/collections/actions/items?status=decided").get_json()["features"]] == [
        str(ids["decided"])]
    one = client.get(f"/ogc/collections/actions/items/{ids['decided']}")
    assert one.status_code == 200 and one.get_json()["properties"]["title"] == "Action decided"
    assert client.get(f"/ogc/collections/actions/items/{ids['proposal']}").status_code == 404
    refused = client.get("/ogc/collections/actions/items?status=proposed")
    assert refused.status_code == 400 and "status must be one of" in refused.get_json()["description"]


@pytest.fixture
def served_demo(serve):
    """A served public instance with the demo walks; return its base URL."""
    return serve("--demo", PUBLIC_MAP="true")


def test_gdal_lists_the_collections_and_reads_the_published_cells(served_demo):
    import pyogrio

    base = served_demo.rstrip("/")
    layers = {name for name, _ in pyogrio.list_layers(f"OAPIF:{base}/ogc")}
    assert layers == {"cells", "areas", "activities", "actions"}
    for view in ("", "?area=vastra-borlange&period=2025", "?area=vastra-borlange&period=2025-T2&category=lighting"):
        read = pyogrio.read_dataframe(f"OAPIF:{base}/ogc/collections/cells{view}", layer="cells")
        published = requests.get(f"{base}/api/v1/cells{view}", timeout=30).json()["features"]
        assert len(read) == len(published) > 0, view
        for row, feature in zip(read.itertuples(), published):
            properties = feature["properties"]
            assert (row.layer, row.period, row.cell, row.area, row.count) == (
                properties["layer"], properties["period"], properties["cell"], properties["area"], properties["count"])
            # GDAL reads the nested counts as a JSON field, which pyogrio hands over parsed.
            read_categories = getattr(row, "categories", None)
            read_categories = read_categories if isinstance(read_categories, dict) else None
            assert read_categories == properties.get("categories")
            assert row.geometry.equals_exact(shape(feature["geometry"]), 1e-9)
