"""Every route's access rule, for anonymous visitors and each role, with the map public or not.

A route added without an entry in RULES fails test_every_route_has_an_access_rule: add one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from geoapp.domain.users import ROLES
from geoapp.views.access import API_PREFIXES
from tests.conftest import csrf_token


@dataclass(frozen=True)
class Rule:
    """Who may use a route (public, map, login or a role) and a request that exercises it."""

    who: str  # "public"; "map" = viewer, or anyone when GEOAPP_PUBLIC_MAP is on; "login" = any account; or a role
    # "residents" = viewer, or anyone when GEOAPP_RESIDENTS_PAGE is on (off here; see tests/test_residents.py)
    url: str
    method: str = "GET"


RULES = {
    "assets.asset": Rule("public", "/assets/geoapp/geoapp.css"),
    "health.healthz": Rule("public", "/healthz"),
    "login.login": Rule("public", "/login"),
    "pages.index": Rule("map", "/"),
    "api.areas": Rule("map", "/api/v1/areas"),
    "api.cells": Rule("map", "/api/v1/cells"),
    "api.summary_json": Rule("map", "/api/v1/summary"),
    "export.map_png": Rule("map", "/export/map.png"),
    "export.map_pdf": Rule("map", "/export/map.pdf"),
    "export.map_html": Rule("map", "/export/map.html"),
    "export.cells_geojson": Rule("map", "/export/cells.geojson"),
    "export.cells_csv": Rule("map", "/export/cells.csv"),
    "account.account": Rule("login", "/account"),
    "account.logout": Rule("login", "/logout", "POST"),
    "admin.uploads": Rule("admin", "/admin/uploads"),
    "admin.delete_upload": Rule("admin", "/admin/uploads/999/delete", "POST"),
    "admin.delete_field": Rule("admin", "/admin/uploads/field/999/2025-05-14/delete", "POST"),
    "admin.accounts_page": Rule("admin", "/admin/accounts"),
    "admin.remove_account": Rule("admin", "/admin/accounts/nobody/remove", "POST"),
    "admin.audit": Rule("admin", "/admin/audit"),
    "observations.upload_form": Rule("uploader", "/observations/upload"),
    "observations.upload": Rule("uploader", "/observations/upload", "POST"),
    "field.form": Rule("uploader", "/observations/field"),
    "field.worker": Rule("public", "/observations/field-sw.js"),
    "field.walk_tiles": Rule("uploader", "/observations/field/tiles.json"),
    "field.submit": Rule("uploader", "/api/v1/observations", "POST"),
    "activities.new": Rule("uploader", "/activities/new"),
    "activities.record": Rule("uploader", "/activities/new", "POST"),
    "activities.upload": Rule("uploader", "/activities/upload", "POST"),
    "activities.new_place": Rule("uploader", "/activities/places/new"),
    "activities.add_place_page": Rule("uploader", "/activities/places/new", "POST"),
    "followup.page": Rule("map", "/followup"),
    "followup.download": Rule("map", "/export/followup.csv"),
    "api.activities": Rule("map", "/api/v1/activities"),
    "api.followup": Rule("map", "/api/v1/followup"),
    "promise.promise_json": Rule("map", "/api/v1/promise"),
    "promise.report": Rule("map", "/export/report.html"),
    "promise.survey_form": Rule("uploader", "/surveys/upload"),
    "promise.upload_surveys": Rule("uploader", "/surveys/upload", "POST"),
    "api.actions": Rule("map", "/api/v1/actions"),
    "actions.list_page": Rule("map", "/actions"),
    "actions.new": Rule("uploader", "/actions/new"),
    "actions.create": Rule("uploader", "/actions/new", "POST"),
    "actions.edit": Rule("uploader", "/actions/999/edit"),
    "actions.update": Rule("uploader", "/actions/999/edit", "POST"),
    "actions.change": Rule("uploader", "/actions/999/status", "POST"),
    "actions.upload": Rule("uploader", "/actions/upload", "POST"),
    "actions.download_csv": Rule("uploader", "/export/actions.csv"),
    "actions.download_xlsx": Rule("uploader", "/export/actions.xlsx"),
    "actions.walk_sheet": Rule("map", "/export/walksheet.pdf"),
    "language.choose": Rule("public", "/language/en"),
    "tiles.tile": Rule("map", "/tiles/12/2223/1178.png"),
    "ogc.landing": Rule("map", "/ogc"),
    "ogc.conformance": Rule("map", "/ogc/conformance"),
    "ogc.collections": Rule("map", "/ogc/collections"),
    "ogc.collection": Rule("map", "/ogc/collections/cells"),
    "ogc.items": Rule("map", "/ogc/collections/cells/items"),
    "ogc.feature": Rule("map", "/ogc/collections/areas/items/tjarna-angar"),
    "openapi.document": Rule("map", "/api/v1/openapi.json"),
    "openapi.page": Rule("map", "/docs/api"),
    "catalog.document": Rule("map", "/catalog.jsonld"),
    "residents.areas": Rule("residents", "/omraden"),
    "residents.area": Rule("residents", "/omraden/tjarna-angar"),
    "residents.area_json": Rule("residents", "/api/v1/residents/tjarna-angar"),
    "residents.flyer": Rule("residents", "/omraden/tjarna-angar/affisch.pdf"),
}
WHO = ["anonymous", *ROLES]


def test_every_route_has_an_access_rule(app):
    routes = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert routes - RULES.keys() == set(), "add these endpoints to RULES with their access rule"
    assert RULES.keys() - routes == set(), "RULES names endpoints that no longer exist"


def may(who: str, rule: Rule, public_map: bool) -> bool:
    """Return whether `who` may use a route with `rule`: the rule table, spelled out."""
    if rule.who == "public" or (rule.who == "map" and public_map):
        return True
    if who == "anonymous":
        return False
    needed = "viewer" if rule.who in {"map", "login", "residents"} else rule.who
    return ROLES.index(who) >= ROLES.index(needed)


def client_for(who: str, app, as_role):
    if who != "anonymous":
        return as_role(who, on=app)
    client = app.test_client()
    # A valid CSRF token, so that what is checked below is the access rule and not the token.
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client.get("/login"))
    return client


@pytest.mark.parametrize("public_map", [False, True], ids=["private-map", "public-map"])
@pytest.mark.parametrize("who", WHO)
def test_each_route_answers_only_those_it_allows(make_app, as_role, who, public_map):
    app = make_app(PUBLIC_MAP=public_map)
    client = client_for(who, app, as_role)
    # Logging out ends the session, so it goes last.
    for endpoint, rule in sorted(RULES.items(), key=lambda item: item[0] == "account.logout"):
        with client.open(rule.url, method=rule.method) as response:
            body = response.get_data().decode("utf-8", "replace")  # exports include PNG and PDF
        location = response.headers.get("Location", "")
        if may(who, rule, public_map):
            assert response.status_code not in (401, 403), endpoint
            assert not location.startswith("/login?next="), endpoint
            if not may("anonymous", rule, public_map):  # it needed a login: no cache may keep a copy
                assert response.headers.get("Cache-Control") == "no-store", endpoint
            continue
        assert "Tjärna" not in body and "FeatureCollection" not in body, endpoint
        if who != "anonymous":
            assert response.status_code == 403, endpoint
        elif rule.url.startswith(API_PREFIXES):
            assert response.status_code == 401 and response.get_json()["error"], endpoint
        else:
            assert response.status_code == 302 and location.startswith("/login?next="), endpoint


def test_a_program_asking_for_json_gets_401_not_the_login_page(client):
    response = client.get("/admin/uploads", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "error" in response.get_json()


POSTS_NEEDING_A_LOGIN = sorted(e for e, rule in RULES.items() if rule.method == "POST" and rule.who != "public")


@pytest.mark.parametrize("endpoint", POSTS_NEEDING_A_LOGIN)
def test_a_post_without_a_login_is_answered_by_the_access_rule_before_csrf(client, endpoint):
    url = RULES[endpoint].url
    program = client.post(url, headers={"Accept": "application/json"})
    assert program.status_code == 401, endpoint
    assert program.get_json() == {"error": "logga in eller skicka Authorization: Bearer TOKEN"}
    assert program.headers["WWW-Authenticate"].startswith("Bearer")
    browser = client.post(url, headers={"Accept": "text/html"})
    if not url.startswith(API_PREFIXES):
        assert browser.status_code == 302 and browser.headers["Location"].startswith("/login?next="), endpoint


def test_the_login_page_returns_to_the_page_asked_for(app, as_role):
    client = app.test_client()
    assert client.get("/admin/audit").headers["Location"] == "/login?next=/admin/audit"
    as_role("admin", name="boss")
    token = csrf_token(client.get("/login"))
    response = client.post("/login", data={"name": "boss", "password": "correct horse battery staple",
                                           "next": "/admin/audit", "csrf_token": token})
    assert response.headers["Location"] == "/admin/audit"


# `next` as sent in a query string. A browser drops tab, CR and LF anywhere in a Location, leading spaces and
# control characters, reads a backslash as a slash, and a proxy on the way may decode %2f: each of these would
# leave the site.
OFF_SITE = ["//evil.example/", "/%09/evil.example/", "/%0d/evil.example/", "/%0a/evil.example/", "%09//evil.example/",
            "/%0d%0a/evil.example/", "%20//evil.example/", "%00//evil.example/", "/%5cevil.example/",
            "%5c%5cevil.example/", "%5c/evil.example/", "/%5c/evil.example/", "%2f%2fevil.example/", "/%2f/evil.example/",
            "/%252f/evil.example/", "/%255C/evil.example/", "https://evil.example/", "https:evil.example",
            "javascript:alert(1)", "evil.example"]


def logged_in_redirect(app, next_query: str):
    """Log in through the login page opened with ?next=…; return where the browser is sent."""
    client = app.test_client()
    token = csrf_token(client.get(f"/login?next={next_query}"))
    response = client.post(f"/login?next={next_query}", data={"name": "walker", "csrf_token": token,
                                                               "password": "correct horse battery staple"})
    assert response.status_code == 302
    return response.headers["Location"]


@pytest.mark.parametrize("next_query", OFF_SITE)
def test_the_login_page_and_the_language_switch_never_redirect_off_site(app, as_role, next_query):
    as_role("viewer", name="walker")
    assert logged_in_redirect(app, next_query) == "/"
    response = app.test_client().get(f"/language/sv?next={next_query}")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_line_break_in_next_is_dropped_as_a_browser_would(app, as_role):
    as_role("viewer", name="walker")
    attack = "/followup%0d%0aSet-Cookie:%20geoapp_session=stolen"
    assert logged_in_redirect(app, attack) == "/followupSet-Cookie:%20geoapp_session=stolen"
    response = app.test_client().get(f"/language/en?next={attack}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/followupSet-Cookie")
    assert response.headers.getlist("Set-Cookie") == [response.headers["Set-Cookie"]]
    assert response.headers["Set-Cookie"].startswith("lang=en;")


def test_next_on_this_site_is_kept(app, as_role):
    as_role("viewer", name="walker")
    assert logged_in_redirect(app, "/followup%3Farea%3Dvastra-borlange") == "/followup?area=vastra-borlange"
    response = app.test_client().get("/language/en?next=/%3Farea%3Dtjarna-angar%26period%3D2025")
    assert response.headers["Location"] == "/?area=tjarna-angar&period=2025"


def test_a_route_without_an_access_rule_is_refused(make_app):
    app = make_app(PUBLIC_MAP=True)
    app.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    response = app.test_client().get("/forgotten")
    assert response.status_code == 403
    assert "secret" not in response.get_data(as_text=True)
