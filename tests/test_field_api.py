"""POST /api/v1/observations: one field entry, checked like a file row, stored once per idempotency key."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from geoapp.accounts import service as accounts
from geoapp.domain.users import COMMAND_LINE
from geoapp.store.audit import recent
from geoapp.store.schema import uploads
from tests.observation_files import PLACES_WGS84, TJARNA, counts, stored_rows

API = "/api/v1/observations"


@pytest.fixture
def client(as_role):
    """A walk team member's phone, logged in as an uploader (its CSRF token in the X-CSRFToken header), in English."""
    phone = as_role("uploader", name="anna")
    phone.set_cookie("lang", "en")  # the messages below are the English source texts; test_i18n covers Swedish
    return phone


def entry(**changes) -> dict:
    lat, lon = PLACES_WGS84[0]
    base = {"idempotency_key": str(uuid.uuid4()), "walk": "Kvällsvandring maj", "observed_at": "2025-05-14T19:42:10+02:00",
            "lat": lat, "lon": lon, "accuracy_m": 8.5, "category": "belysning", "severity": 2, "positive": None,
            "comment": "Trasig lampa vid tunneln"}
    return {**base, **changes}


@pytest.mark.storage
def test_an_entry_is_stored_and_the_same_key_again_changes_nothing(app, client):
    sent = entry()
    first = client.post(API, json=sent)
    assert first.status_code == 201
    assert first.get_json() == {"status": "imported", "stored": 1, "redactions": {}, "duplicate": False}
    [row] = stored_rows(app)
    assert (row["walk"], row["category"], row["severity"], row["positive"], row["area_code"]) == (
        "Kvällsvandring maj", "lighting", 2, None, TJARNA)
    assert row["observed_at"].replace(tzinfo=timezone.utc) == datetime(2025, 5, 14, 17, 42, 10, tzinfo=timezone.utc)
    assert (row["lat"], row["lon"], row["comment"]) == (*PLACES_WGS84[0], "Trasig lampa vid tunneln")
    before = counts(app)
    again = client.post(API, json=sent)
    assert again.status_code == 200 and again.get_json()["status"] == "already_imported"
    # Even with other content, a key already used stores nothing.
    changed = client.post(API, json={**sent, "category": "nedskräpning"})
    assert changed.status_code == 200 and changed.get_json()["status"] == "already_imported"
    assert counts(app) == before


def test_each_entry_is_an_upload_of_its_own_kind_by_its_sender(app, client):
    for category in ("trygg plats", "klotter", "traffic"):
        assert client.post(API, json=entry(category=category, positive=True if category == "trygg plats" else None)).status_code == 201
    with app.extensions["geoapp"].store.connect() as conn:
        rows = conn.execute(select(uploads.c.kind, uploads.c.uploaded_by, uploads.c.rows)).all()
    assert rows == [("field", "anna", 1)] * 3
    assert [(r["category"], r["positive"]) for r in stored_rows(app)] == [
        ("safe_place", True), ("graffiti", None), ("traffic", None)]


@pytest.mark.storage
def test_the_same_observation_under_a_new_key_is_not_stored_twice(app, client):
    assert client.post(API, json=entry()).status_code == 201
    second = client.post(API, json=entry())
    assert second.status_code == 201 and second.get_json()["stored"] == 0 and second.get_json()["duplicate"] is True
    assert len(stored_rows(app)) == 1


@pytest.mark.parametrize("changes, field, message", [
    ({"category": "gäng"}, "category", "unknown category"),
    ({"category": None}, "category", "no category"),
    ({"walk": "  "}, "walk", "no walk"),
    ({"observed_at": "igår"}, "observed_at", "expected a date"),
    ({"observed_at": "2999-01-01T10:00:00+01:00"}, "observed_at", "in the future"),
    ({"lat": "sextio"}, "lat", "the latitude is not a number"),
    ({"lon": None}, "lon", "no longitude"),
    ({"lat": 15.399074, "lon": 60.492869}, "lat/lon", "look swapped"),
    ({"lat": 59.3293, "lon": 18.0686}, "lat/lon", "outside every loaded area"),
    ({"severity": 5}, "severity", "the severity must be 1"),
    ({"positive": "kanske"}, "positive", "expected yes or no"),
    ({"comment": "x" * 2001}, "comment", "longer than 2,000"),
    ({"comment": {"text": "nested"}}, "comment", "expected text"),
    ({"accuracy_m": -3}, "accuracy_m", "number of metres"),
    ({"idempotency_key": "short"}, "idempotency_key", "unique key"),
    ({"idempotency_key": None}, "idempotency_key", "unique key"),
])
def test_an_invalid_entry_is_refused_by_the_file_rules_and_nothing_is_stored(app, client, changes, field, message):
    before = counts(app)
    response = client.post(API, json=entry(**changes))
    assert response.status_code == 422
    body = response.get_json()
    assert body["status"] == "rejected"
    assert [e["field"] for e in body["errors"]] == [field]
    assert message in body["errors"][0]["message"]
    assert counts(app) == before


def test_every_problem_of_an_entry_is_listed(client):
    response = client.post(API, json=entry(category="", severity="hög!", lat="x"))
    assert response.status_code == 422
    assert sorted(e["field"] for e in response.get_json()["errors"]) == ["category", "lat", "severity"]


@pytest.mark.parametrize("body, content_type, message", [
    ("not json", "application/json", "the body is not valid JSON (line 1, column 1)"),
    ('{"walk": "W",\n "lat": 60.4', "application/json", "the body is not valid JSON (line 2, column 13)"),
    ("[1, 2]", "application/json", "send one observation as a JSON object"),
    ("null", "application/json", "send one observation as a JSON object"),
    ('{"walk": "W"}', "text/plain", "send the observation as JSON (Content-Type: application/json)"),
])
def test_a_body_that_is_not_one_json_object_is_refused(client, body, content_type, message):
    response = client.post(API, data=body, content_type=content_type)
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"field": None, "message": message}]


def test_the_comment_is_redacted_and_the_audit_log_has_neither_comment_nor_place(app, client):
    response = client.post(API, json=entry(comment="Ring Kim på 070-174 06 50 eller kim@example.se"))
    assert response.get_json()["redactions"] == {"email": 1, "phone": 1}
    assert stored_rows(app)[0]["comment"] == "Ring Kim på [telefonnummer] eller [e-post]"
    with app.extensions["geoapp"].store.connect() as conn:
        logged = recent(conn)[0]
    assert (logged["action"], logged["actor"]) == ("upload", "anna")
    assert "field form entry" in logged["detail"] and "1 rows" in logged["detail"]
    for secret in ("Kim", "070", "example", "60.49", "15.39", "Kvällsvandring"):
        assert secret not in logged["detail"]


def test_a_bearer_token_needs_no_csrf_token_but_a_session_does(app, client):
    token = accounts.issue_token(app.extensions["geoapp"].store, "anna", COMMAND_LINE)
    phone_app = app.test_client()
    response = phone_app.post(API, json=entry(), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201
    del client.environ_base["HTTP_X_CSRFTOKEN"]
    refused = client.post(API, json=entry(idempotency_key=str(uuid.uuid4()), category="litter"))
    assert refused.status_code == 400 and refused.get_json()["status"] == "csrf"
    assert refused.get_json()["error"].startswith("The form is out of date")  # the client reads English
    assert len(stored_rows(app)) == 1


def test_viewers_and_strangers_may_not_send_entries(app, as_role):
    viewer = as_role("viewer").post(API, json=entry())
    stranger = app.test_client().post(API, json=entry(), headers={"Authorization": "Bearer nothing-valid"})
    assert (viewer.status_code, stranger.status_code) == (403, 401)
    assert stored_rows(app) == []
