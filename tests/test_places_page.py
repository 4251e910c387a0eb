"""The page that adds a place to the register, and the day from which an activity inside the delay shows."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from geoapp.store.places import list_places
from geoapp.store.schema import audit
from tests.activity_files import HEADERS, TORGET, stored_counts
from tests.observation_files import csv_bytes

HOSTILE = "<img src=x onerror=alert(1)> & \"Parken\""
NEAR_TORGET = {"name": "Stadsparken", "kind": "park", "lat": "60,4898", "lon": "15.4040"}


def places_named(app, name: str) -> list[dict]:
    with app.extensions["geoapp"].store.connect() as conn:
        return [p for p in list_places(conn) if p["name"] == name]


def test_an_uploader_adds_a_place_picked_on_the_map_and_it_is_audited_and_listed(app, as_role):
    uploader = as_role("uploader")
    uploader.set_cookie("lang", "sv")
    form = uploader.get("/activities/places/new").get_data(as_text=True)
    assert "<h1>Lägg till en plats</h1>" in form and 'name="csrf_token"' in form
    assert '<label for="lat">Latitud</label>' in form and '<option value="torg">' in form  # the register's kinds
    assert "map.on('click'" in form  # a click on the map writes the point into the fields
    # The register's places are on the map, named in their tooltips, and in its legend.
    assert "Torget (exempel)" in form.split('<div class="map action-map"')[1]
    assert '<li data-layer="Registrets platser"><span class="swatch layer-place"' in form
    response = uploader.post("/activities/places/new", data=NEAR_TORGET)
    assert response.status_code == 302 and response.headers["Location"] == "/activities/new#places"
    page = uploader.get("/activities/new").get_data(as_text=True)
    assert "Platsen Stadsparken har lagts till i registret." in page
    assert "<td>Stadsparken</td><td>park</td><td>Tjärna Ängar</td>" in page
    assert f'<option value="Stadsparken" >Stadsparken – park</option>' in page  # activities can be recorded there
    [place] = places_named(app, "Stadsparken")
    assert (place["lat"], place["lon"], place["area_code"]) == (60.4898, 15.404, "2081R013")
    with app.extensions["geoapp"].store.connect() as conn:
        entry = conn.execute(select(audit).where(audit.c.action == "place_add")).mappings().one()
    assert entry["actor"] == uploader.user_name and entry["detail"] == "place Stadsparken in Tjärna Ängar"
    admin = as_role("admin")
    admin.set_cookie("lang", "sv")
    log = admin.get("/admin/audit").get_data(as_text=True)
    assert "plats tillagd" in log and "platsen Stadsparken i Tjärna Ängar" in log


@pytest.mark.parametrize("changes, field, label, message", [
    ({"name": " "}, "name", "Name", "no name"),
    ({"kind": ""}, "kind", "Kind of place", "no kind"),
    ({"name": "x" * 256}, "name", "Name", "the name is longer than 255 characters"),
    ({"lat": "sextio"}, "lat", "Latitude", "the latitude must be degrees north, such as 60.48"),
    ({"lon": "45.1"}, "lon", "Longitude", "the longitude is outside Sweden (10.5 to 24.5 degrees)"),
    ({"lat": "59.33", "lon": "18.07"}, "lat", "Latitude", "the point is outside every loaded area; the nearest"),
    ({"name": TORGET.upper()}, "name", "Name", f"the register already has a place named {TORGET.upper()}"),
])
def test_each_problem_names_its_field_and_keeps_what_was_typed(app, as_role, changes, field, label, message):
    uploader = as_role("uploader")
    uploader.set_cookie("lang", "en")
    before = stored_counts(app)["places"]
    response = uploader.post("/activities/places/new", data={**NEAR_TORGET, **changes})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The place was not added. Correct these fields:" in page
    assert f'<a href="#{field}">{label}</a>: {message}' in page
    assert f'<span id="{field}-error" class="error">{label}: {message}' in page
    assert f'id="{field}"' in page and 'aria-invalid="true"' in page
    typed = {**NEAR_TORGET, **changes}
    assert f'value="{typed["lon"]}"' in page
    assert stored_counts(app)["places"] == before


def test_the_page_is_for_uploaders_and_admins_and_needs_a_csrf_token(app, as_role):
    assert as_role("viewer").get("/activities/places/new").status_code == 403
    assert as_role("viewer").post("/activities/places/new", data=NEAR_TORGET).status_code == 403
    assert as_role("admin").get("/activities/places/new").status_code == 200
    assert app.test_client().get("/activities/places/new").status_code == 302  # to the login
    uploader = as_role("uploader")
    del uploader.environ_base["HTTP_X_CSRFTOKEN"]
    assert uploader.post("/activities/places/new", data=NEAR_TORGET).status_code == 400
    assert places_named(app, "Stadsparken") == []


def test_a_hostile_name_is_stored_as_typed_and_shown_escaped(app, as_role):
    uploader = as_role("uploader")
    assert uploader.post("/activities/places/new", data={**NEAR_TORGET, "name": HOSTILE, "kind": "<b>park</b>"}).status_code == 302
    page = uploader.get("/activities/new").get_data(as_text=True)
    assert "<img src=x" not in page and "<b>park" not in page
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &#34;Parken&#34;" in page
    again = uploader.post("/activities/places/new", data={**NEAR_TORGET, "name": HOSTILE})
    assert again.status_code == 400 and "<img src=x" not in again.get_data(as_text=True)
    assert len(places_named(app, HOSTILE)) == 1


def _local_days_ago(days: int) -> str:
    return (datetime.now(ZoneInfo("Europe/Stockholm")) - timedelta(days=days)).date().isoformat()


def _plus(day: str, days: int) -> str:
    return (datetime.fromisoformat(day) + timedelta(days=days)).date().isoformat()


def test_an_activity_recorded_inside_the_delay_says_from_which_day_it_shows(app, as_role):
    uploader = as_role("uploader")
    uploader.set_cookie("lang", "sv")
    yesterday = _local_days_ago(1)
    form = {"place": TORGET, "kind": "dialogue", "date": yesterday, "time": "10:00", "duration": "60"}
    assert uploader.post("/activities/new", data=form).status_code == 302
    page = uploader.get("/activities/new").get_data(as_text=True)
    assert (f"Den slutade för mindre än 7 dagar sedan: den visas på kartan och i uppföljningen från och med "
            f"{_plus(yesterday, 7)}.") in page
    old = {**form, "date": "2025-04-02"}
    assert uploader.post("/activities/new", data=old).status_code == 302
    page = uploader.get("/activities/new").get_data(as_text=True)
    assert "Registrerad: medborgardialog" in page and "mindre än 7 dagar sedan" not in page


def test_the_upload_report_says_from_when_the_recent_activities_show(app, as_role):
    uploader = as_role("uploader")
    uploader.set_cookie("lang", "sv")
    first, second = _local_days_ago(3), _local_days_ago(1)
    data = csv_bytes(HEADERS, [[TORGET, "medborgardialog", first, "18:00", "60", "5"],
                               [TORGET, "polisnärvaro", second, "20:00", "60", ""],
                               [TORGET, "rådgivning", "2025-01-15", "10:00", "30", "4"]])
    response = uploader.post("/activities/upload", data={"file": (io.BytesIO(data), "recent.csv")},
                             content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 201
    assert (f"2 av dem slutade för mindre än 7 dagar sedan: de visas på kartan och i uppföljningen från och med "
            f"{_plus(first, 7)} till {_plus(second, 7)}, var och en 7 dagar efter att den slutade.") in page
