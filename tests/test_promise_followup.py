"""The promise followed up on known data: each indicator computed from what geoapp publishes, each status from its target."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from geoapp.domain.users import Actor
from geoapp.actions.records import add_action
from geoapp.domain.periods import periods_of_year
from tests.actions_data import form
from tests.activity_files import HEADERS
from tests.observation_files import csv_bytes
from tests.test_followup import ACTIVITIES, observation_rows

SHIPPED = Path(__file__).resolve().parent.parent / "data"
PROMISE = '''id = "prov-2025"
title.sv = "Provlöfte 2025"
title.en = "Trial promise 2025"
years = [2025]
areas = ["vastra-borlange"]

[[parties]]
key = "kommun"
name.sv = "Borlänge kommun"

[[parties]]
key = "polis"
name.sv = "Lokalpolisområde Borlänge"

[[commitments]]
id = "dialoger"
party = "kommun"
wording.sv = "Minst två dialoger per tertial"
indicator = "dialogues"
target = { per = "tertial", at_least = 2 }
areas = ["vastra-borlange"]

[[commitments]]
id = "rad"
party = "polis"
wording.sv = "Minst två rådgivningar om året"
indicator = "advice_sessions"
target = { per = "year", at_least = 2 }
areas = ["vastra-borlange"]

[[commitments]]
id = "narvaro"
party = "polis"
wording.sv = "Minst en timmes närvaro per tertial"
indicator = "police_presence_hours"
target = { per = "tertial", at_least = 1 }
areas = ["vastra-borlange"]

[[commitments]]
id = "deltagare"
party = "kommun"
wording.sv = "Deltagare i dialogerna"
indicator = "dialogue_participants"
areas = ["vastra-borlange"]

[[commitments]]
id = "vandringar"
party = "kommun"
wording.sv = "Minst fyra trygghetsvandringar om året"
indicator = "walks"
target = { per = "year", at_least = 4 }
areas = ["tjarna-angar", "2081R004"]

[[commitments]]
id = "fynd"
party = "kommun"
wording.sv = "Högst tre observationer per vandring"
indicator = "observations_per_walk"
target = { per = "tertial", at_most = 3 }
areas = ["tjarna-angar"]

[[commitments]]
id = "beslut"
party = "kommun"
wording.sv = "Åtgärder som beslutas efter vandringarna"
indicator = "actions_decided"
areas = ["tjarna-angar"]

[[commitments]]
id = "klara"
party = "kommun"
wording.sv = "Åtgärder som blir klara"
indicator = "actions_done"
areas = ["tjarna-angar"]
'''


@pytest.fixture
def app_language():
    return "en"


@pytest.fixture
def promise_data(tmp_path) -> Path:
    """The shipped data with a promise for 2025 that has targets."""
    folder = tmp_path / "data"
    folder.mkdir()
    for part in ("areas", "vocabulary", "places", "observations", "activities"):
        (folder / part).symlink_to(SHIPPED / part)
    (folder / "promises").mkdir()
    (folder / "promises" / "prov.toml").write_text(PROMISE, encoding="utf-8")
    return folder


@pytest.fixture
def loaded(make_app, promise_data, tmp_path):
    app = make_app(DATA_DIR=str(promise_data))
    runner = app.test_cli_runner()
    from geoapp.cli import main

    (tmp_path / "a.csv").write_bytes(csv_bytes(HEADERS, ACTIVITIES, delimiter=";"))
    (tmp_path / "o.csv").write_bytes(csv_bytes(["date", "lat", "lon", "category", "walk"], observation_rows()))
    assert runner.invoke(main, ["activities", "import", str(tmp_path / "a.csv")]).exit_code == 0
    assert runner.invoke(main, ["observations", "import", str(tmp_path / "o.csv")]).exit_code == 0
    return app


def readings(body: dict, commitment: str) -> dict:
    found = next(c for c in body["commitments"] if c["id"] == commitment)
    return {(r["area"], r["period"]): (r["actual"], r["status"]) for r in found["readings"]}


def status_of(body: dict, commitment: str) -> str:
    return next(c["status"] for c in body["commitments"] if c["id"] == commitment)


def test_activity_indicators_and_their_status_per_tertial_and_year(loaded, as_role):
    body = as_role("viewer", on=loaded).get("/api/v1/promise?area=vastra-borlange&period=2025").get_json()
    assert body["promise"]["id"] == "prov-2025" and body["promise"]["in_force"] is True
    area = "vastra-borlange"
    # The activities of tests/test_followup.py: the same numbers as the follow-up table there.
    assert readings(body, "dialoger") == {(area, "2025-T1"): (2, "met"), (area, "2025-T2"): (1, "partly"),
                                          (area, "2025-T3"): (0, "not_met"), (area, "2025"): (3, "no_target")}
    assert status_of(body, "dialoger") == "partly"
    assert readings(body, "rad")[(area, "2025")] == (2, "met") and status_of(body, "rad") == "met"
    assert readings(body, "rad")[(area, "2025-T3")] == (1, "no_target")
    presence = readings(body, "narvaro")
    assert [presence[(area, t)] for t in ("2025-T1", "2025-T2", "2025-T3", "2025")] == [
        (3.0, "met"), (1.0, "met"), (0.0, "not_met"), (4.0, "no_target")]
    assert status_of(body, "narvaro") == "partly"
    assert readings(body, "deltagare")[(area, "2025")] == (32, "no_target") and status_of(body, "deltagare") == "no_target"


def test_walks_and_observations_per_walk_are_the_maps_numbers(loaded, as_role):
    viewer = as_role("viewer", on=loaded)
    body = viewer.get("/api/v1/promise?area=vastra-borlange&period=2025").get_json()
    walks = readings(body, "vandringar")
    for area, code in (("tjarna-angar", "2081R013"), ("2081R004", "2081R004")):
        summary = viewer.get(f"/api/v1/summary?area={area}&period=2025").get_json()
        assert walks[(area, "2025")][0] == summary["areas"][0]["walks"]
    # Tjärna Ängar: walks A-D, one a month; Jakobsgårdarna: walks E and F.
    assert walks[("tjarna-angar", "2025")] == (4, "met") and walks[("2081R004", "2025")] == (2, "partly")
    assert status_of(body, "vandringar") == "partly"
    per_walk = readings(body, "fynd")
    t1 = viewer.get("/api/v1/summary?area=tjarna-angar&period=2025-T1").get_json()["areas"][0]
    assert per_walk[("tjarna-angar", "2025-T1")] == (round(t1["counts"]["all"] / t1["walks"], 1), "met") == (3.0, "met")
    assert per_walk[("tjarna-angar", "2025-T2")] == (None, "no_data")  # no walks in T2
    assert per_walk[("tjarna-angar", "2025-T3")] == (2.5, "met")
    assert status_of(body, "fynd") == "met"


def test_actions_decided_done_and_open_are_the_stored_actions_of_each_tertial(loaded, as_role):
    with loaded.test_request_context():
        for changes in ({"title": "Förslag", "status": "proposed"}, {"title": "Byt lampor", "due": "2025-01-31"},
                        {"title": "Klipp buskage", "status": "in_progress"}, {"title": "Ta bort klotter", "status": "done"}):
            assert add_action(loaded.extensions["geoapp"], form(**changes), Actor("anna"))[1] == {}
    today = date.today()
    now = [t for t in periods_of_year(today.year, "tertial") if t.first_day <= today][-1].code
    before = periods_of_year(today.year - 1, "tertial")[-1].code
    body = as_role("viewer", on=loaded).get(f"/api/v1/promise?area=vastra-borlange&period={today.year}").get_json()
    # The proposal is not decided; the decided, ongoing and done ones are, in the tertial they were stored in.
    assert readings(body, "beslut")[("tjarna-angar", now)] == (3, "no_target")
    assert readings(body, "klara")[("tjarna-angar", now)] == (1, "no_target")
    assert readings(body, "beslut")[("tjarna-angar", str(today.year))] == (3, "no_target")
    trend = next(t for t in body["trends"] if t["key"] == "actions")
    values = {(v["area"], v["series"], v["period"]): v["value"] for v in trend["values"]}
    assert [values[(area, s, now)] for area in ("vastra-borlange", "2081R013", "2081R004")
            for s in ("actions_done", "actions_open")] == [1, 2, 1, 2, 0, 0]
    assert values[("2081R013", "actions_done", before)] == values[("2081R013", "actions_open", before)] == 0


def test_outside_its_years_a_promise_has_no_target(loaded, as_role):
    body = as_role("viewer", on=loaded).get("/api/v1/promise?area=vastra-borlange&period=2026").get_json()
    assert body["promise"]["id"] == "prov-2025" and body["promise"]["in_force"] is False
    assert {c["status"] for c in body["commitments"]} == {"no_target"}
    assert readings(body, "narvaro")[("vastra-borlange", "2026-T1")] == (0.5, "no_target")


def test_the_shipped_promise_is_followed_up_without_targets(app, as_role):
    body = as_role("viewer").get("/api/v1/promise?area=vastra-borlange&period=2022").get_json()
    assert body["promise"]["id"] == "borlange-2022" and body["promise"]["in_force"] is True
    assert [c["status"] for c in body["commitments"]] == ["no_target"] * 3
    assert body["promise"]["parties"][1] == {"key": "polis", "name": "Borlänge local police area"}


@pytest.mark.parametrize("url, message", [
    ("/api/v1/promise?period=2025-05", "the follow-up is per tertial"),
    ("/api/v1/promise?area=atlantis", "Unknown area 'atlantis'"),
])
def test_bad_filters_are_400(as_role, url, message):
    response = as_role("viewer").get(url)
    assert response.status_code == 400 and message in response.get_json()["error"]
