"""The activity form, the map's activity layers and the activities API, as a browser or client sees them."""

from __future__ import annotations

import pytest

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from geoapp.store.activities import insert_activities
from geoapp.store.places import list_places
from geoapp.store.schema import audit

from tests.activity_files import HEADERS, TORGET, stored_counts
from tests.exporting import mapped  # noqa: F401
from tests.observation_files import csv_bytes

@pytest.fixture
def app_language():
    """These checks quote the English messages; their Swedish translations are checked in test_i18n."""
    return "en"

HOSTILE = "<img src=x onerror=alert(1)> `${x}` & \"Torget\""


def add_hostile_place(runner, tmp_path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(csv_bytes(["name", "kind", "lat", "lon"], [[HOSTILE, "<b>torg</b>", "60.4915", "15.4030"]]))
    assert runner("places", "import", str(path)).exit_code == 0


def form(**changes) -> dict:
    return {"place": TORGET, "kind": "dialogue", "date": "2025-04-02", "time": "18:00", "duration": "90",
            "participants": "14", **changes}


def test_an_uploader_records_one_activity_and_it_is_audited(app, as_role):
    uploader = as_role("uploader")
    page = uploader.get("/activities/new").get_data(as_text=True)
    assert f'<option value="{TORGET}"' in page and "Police presence" in page
    response = uploader.post("/activities/new", data=form())
    assert response.status_code == 302 and response.headers["Location"] == "/activities/new"
    assert f"Recorded: citizen dialogue at {TORGET} on 2025-04-02." in uploader.get("/activities/new").get_data(as_text=True)
    assert stored_counts(app)["activities"] == 1
    with app.extensions["geoapp"].store.connect() as conn:
        entry = conn.execute(select(audit).where(audit.c.action == "activity_record")).mappings().one()
    assert entry["actor"] == uploader.user_name and entry["detail"] == f"dialogue at {TORGET}"
    again = uploader.post("/activities/new", data=form())
    assert again.status_code == 400 and "already recorded" in again.get_data(as_text=True)


def test_the_form_explains_each_problem_and_keeps_what_was_typed(app, as_role):
    response = as_role("uploader").post("/activities/new", data=form(place="", kind="parade", date="2025-02-30",
                                                                      duration="0", participants="Anna"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("no place", "unknown kind", "there is no such day in the calendar", "whole minutes from 1 to 1440",
                    "a count (a whole number from 0 to 100000), never names"):
        assert message in page
    assert 'value="2025-02-30"' in page and 'aria-invalid="true"' in page
    assert as_role("uploader").post("/activities/new", data=form(date="2099-01-01")).status_code == 400
    assert stored_counts(app)["activities"] == 0


def test_the_form_needs_a_csrf_token(app, as_role):
    uploader = as_role("uploader")
    del uploader.environ_base["HTTP_X_CSRFTOKEN"]
    assert uploader.post("/activities/new", data=form()).status_code == 400
    assert stored_counts(app)["activities"] == 0


def test_place_names_are_escaped_on_the_form_the_map_and_in_the_api(app, runner, tmp_path, as_role):
    add_hostile_place(runner, tmp_path)
    uploader = as_role("uploader")
    form_page = uploader.get("/activities/new").get_data(as_text=True)
    assert "<img src=x" not in form_page and "&lt;img src=x onerror=alert(1)&gt;" in form_page
    assert uploader.post("/activities/new", data=form(place=HOSTILE)).status_code == 302
    map_page = uploader.get("/?area=tjarna-angar&period=2025").get_data(as_text=True)
    assert "<img src=x" not in map_page and "<b>torg" not in map_page
    # The tooltip's HTML is escaped, then carried as JSON with <, > and & escaped again for the script block.
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in map_page
    feature = next(f for f in uploader.get("/api/v1/activities?area=tjarna-angar&period=2025").get_json()["features"]
                   if f["properties"]["dialogue"])
    assert feature["properties"]["name"] == HOSTILE and feature["properties"]["place_kind"] == "<b>torg</b>"
    response = uploader.get("/api/v1/activities?area=tjarna-angar&period=2025")
    assert response.mimetype == "application/geo+json" and response.headers["X-Content-Type-Options"] == "nosniff"


TEMPLATE_SYNTAX = "Torget {{ 6*7 }} {{ lipsum.__globals__ }}"


def test_template_syntax_in_a_place_name_is_shown_as_typed_not_run(app, runner, tmp_path, as_role):
    path = tmp_path / "p.csv"
    path.write_bytes(csv_bytes(["name", "kind", "lat", "lon"], [[TEMPLATE_SYNTAX, "{% if 1 %}torg{% endif %}", "60.4915",
                                                                "15.4030"]]))
    assert runner("places", "import", str(path)).exit_code == 0
    uploader = as_role("uploader")
    assert uploader.post("/activities/new", data=form(place=TEMPLATE_SYNTAX)).status_code == 302
    response = uploader.get("/?area=tjarna-angar&period=2025")
    page = response.get_data(as_text=True)
    # The map's tooltips carry the name and kind as typed; a template engine would have printed 42 and a module.
    assert response.status_code == 200 and "Torget {{ 6*7 }} {{ lipsum.__globals__ }}" in page
    assert "{% if 1 %}torg{% endif %}" in page and "Torget 42" not in page and "__builtins__" not in page


def test_map_and_api_show_counts_per_place_and_period(app, as_role, runner, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(HEADERS, [[TORGET, "dialog", "2025-02-10", "18:00", "90", "12"],
                                         [TORGET, "rådgivning", "2025-02-11", "10:00", "", "3"],
                                         [TORGET, "polisnärvaro", "2025-06-05", "20:00", "150", ""]]))
    assert runner("activities", "import", str(path)).exit_code == 0
    viewer = as_role("viewer")
    body = viewer.get("/api/v1/activities?area=vastra-borlange&period=2025-T1").get_json()
    assert (body["area"], body["period"], body["delay_days"]) == ("vastra-borlange", "2025-T1", 7)
    [feature] = body["features"]
    assert feature["properties"] == {
        "name": TORGET, "place_kind": "torg", "area_code": "2081R013", "period": "2025-T1", "dialogue": 1,
        "police_presence": 0, "advice": 1, "activities": 2, "participants": 15, "police_presence_hours": 0.0}
    assert feature["geometry"] == {"type": "Point", "coordinates": [15.4056, 60.49029]}
    year = viewer.get("/api/v1/activities?area=tjarna-angar&period=2025").get_json()["features"][0]["properties"]
    assert (year["activities"], year["police_presence_hours"]) == (3, 2.5)
    assert viewer.get("/api/v1/activities?area=2081R004&period=2025").get_json()["features"] == []
    viewer.set_cookie("lang", "sv")  # the layer names and tooltips in Swedish, as most users see them
    page = viewer.get("/?area=tjarna-angar&period=2025").get_data(as_text=True)
    assert "Medborgardialog och r\\u00e5dgivning: 2" in page
    assert "Polisn\\u00e4rvaro: 1" in page
    assert "Medborgardialog: 1\\u003cbr\\u003ePolisn\\u00e4rvaro: 1\\u003cbr\\u003eR\\u00e5dgivning: 1" in page
    assert "Deltagare totalt: 15" in page


def test_a_future_activity_is_never_shown_anywhere(app, as_role):
    site = app.extensions["geoapp"]
    soon = datetime.now(timezone.utc) + timedelta(hours=2)
    with site.store.begin() as conn:
        place = next(p for p in list_places(conn) if p["name"] == TORGET)
        insert_activities(conn, [{"place_id": place["id"], "kind": k, "started_at": t, "duration_min": 60, "participants": 5}
                                 for k, t in (("police_presence", soon), ("dialogue", datetime(2030, 5, 1, 12, tzinfo=timezone.utc)))],
                          None, "tests")
    viewer = as_role("viewer")
    for period in (str(soon.year), f"{soon.year}-T{(soon.month - 1) // 4 + 1}", "2030", "2030-T2"):
        assert viewer.get(f"/api/v1/activities?area=tjarna-angar&period={period}").get_json()["features"] == []
        rows = viewer.get(f"/api/v1/followup?area=tjarna-angar&period={period}").get_json()["rows"]
        assert all(r["police_presence"] == r["dialogues"] == 0 for r in rows)
        assert TORGET not in viewer.get(f"/?area=tjarna-angar&period={period}").get_data(as_text=True)
        csv_text = viewer.get(f"/export/followup.csv?area=tjarna-angar&period={period}").get_data(as_text=True)
        assert all(line.split(",")[2:6] == ["0", "0", "0", "0.0"] for line in csv_text.splitlines()[1:])


def test_without_a_period_the_page_and_its_activities_twin_show_the_latest_year_with_walks(mapped):
    client = mapped.test_client()  # walks of May 2025 only, read in a later year
    page = client.get("/?area=vastra-borlange").get_data(as_text=True)
    twin = client.get("/api/v1/activities?area=vastra-borlange").get_json()
    assert '<option value="2025" selected>' in page
    assert twin["period"] == "2025"
    assert client.get("/api/v1/summary?area=vastra-borlange").get_json()["period"] == "2025"


def test_the_places_are_listed_with_their_area_names_and_kind_once(app, as_role):
    page = as_role("uploader").get("/activities/new").get_data(as_text=True)
    table = page[page.index('<table class="listing">'):]
    assert "<td>Tjärna Ängar</td>" in table and "<td>2081R" not in table  # names, not RegSO codes
    assert ") (" not in page  # "Lekplatsen (exempel) – lekplats", never "(exempel) (lekplats)"
