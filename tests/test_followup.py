"""The follow-up per tertial and area on a known dataset, its CSV and JSON, and the observation rule k."""

from __future__ import annotations

import csv
import re
import io

import pytest

from geoapp.export.tables import followup_csv, neutralise

from tests.activity_files import HEADERS, JAKOB, JAKOB_LATLON, TORGET, TORGET_LATLON
from tests.observation_files import csv_bytes

@pytest.fixture
def app_language():
    """These checks quote the English messages; their Swedish translations are checked in test_i18n."""
    return "en"

ACTIVITIES = [
    # T1 2025
    [TORGET, "medborgardialog", "2025-02-10", "18:00", "90", "12"],
    [TORGET, "medborgardialog", "2025-03-03", "18:00", "", ""],
    [TORGET, "polisnärvaro", "2025-03-05", "20:00", "120", ""],
    [JAKOB, "polisnärvaro", "2025-04-30", "21:00", "60", ""],
    [JAKOB, "rådgivning", "2025-01-15", "10:00", "30", "4"],
    # T2 2025; the last one starts in August and ends in September
    [JAKOB, "medborgardialog", "2025-06-01", "17:00", "60", "20"],
    [TORGET, "polisnärvaro", "2025-08-31", "23:30", "60", ""],
    # T3 2025, and one a minute after New Year in Swedish time (still 2025 in UTC): 2026, not 2025
    [TORGET, "rådgivning", "2025-12-31", "23:00", "", "2"],
    [TORGET, "polisnärvaro", "2026-01-01", "00:01", "30", ""],
]


def observation_rows() -> list[list[str]]:
    """Tjärna Ängar: 6 (2 walks) in T1, 0 in T2, 5 (2 walks) in T3, plus places that feel safe (never counted).
    Jakobsgårdarna: 3 (1 walk) in T1, 7 (1 walk) in T2, 0 in T3. The map publishes a zero like a small count."""
    rows = []
    t_lat, t_lon = TORGET_LATLON
    j_lat, j_lon = JAKOB_LATLON
    for walk, day, n, (lat, lon) in [("A", "2025-02-01", 3, TORGET_LATLON), ("B", "2025-03-01", 3, TORGET_LATLON),
                                     ("C", "2025-10-01", 4, TORGET_LATLON), ("D", "2025-11-01", 1, TORGET_LATLON),
                                     ("E", "2025-02-02", 3, JAKOB_LATLON), ("F", "2025-06-02", 7, JAKOB_LATLON)]:
        rows += [[f"{day} 18:{i:02d}", str(lat), str(lon), "lighting", walk] for i in range(n)]
    rows += [[f"2025-02-01 19:{i:02d}", str(t_lat), str(t_lon), "safe_place", "A"] for i in range(2)]
    return rows


@pytest.fixture
def loaded(app, runner, tmp_path):
    (tmp_path / "a.csv").write_bytes(csv_bytes(HEADERS, ACTIVITIES, delimiter=";"))
    (tmp_path / "o.csv").write_bytes(csv_bytes(["date", "lat", "lon", "category", "walk"], observation_rows()))
    assert runner("activities", "import", str(tmp_path / "a.csv")).exit_code == 0
    assert runner("observations", "import", str(tmp_path / "o.csv")).exit_code == 0
    return app


EXPECTED = [  # tertial, area, dialogues, participants, presence, hours, advice, observations (no actions: 0, 0, 0, -)
    ["2025-T1", "Västra Borlänge", 2, 12, 2, 3.0, 1, "fewer than 5 or protected"],
    ["2025-T1", "Tjärna Ängar", 2, 12, 1, 2.0, 0, 6],
    ["2025-T1", "Jakobsgårdarna-Paradiset-Nygårdsdalen", 0, 0, 1, 1.0, 1, "fewer than 5 or protected"],
    ["2025-T2", "Västra Borlänge", 1, 20, 1, 1.0, 0, "fewer than 5 or protected"],
    ["2025-T2", "Tjärna Ängar", 0, 0, 1, 1.0, 0, "fewer than 5 or protected"],  # none, shown like too few, as on the map
    ["2025-T2", "Jakobsgårdarna-Paradiset-Nygårdsdalen", 1, 20, 0, 0.0, 0, "fewer than 5 or protected"],
    # Jakobsgårdarna had no walk in T3, which the map says, so the group's total is Tjärna Ängar's.
    ["2025-T3", "Västra Borlänge", 0, 0, 0, 0.0, 1, 5],
    ["2025-T3", "Tjärna Ängar", 0, 0, 0, 0.0, 1, 5],
    ["2025-T3", "Jakobsgårdarna-Paradiset-Nygårdsdalen", 0, 0, 0, 0.0, 0, "fewer than 5 or protected"],
]


def test_followup_totals_per_tertial_and_area(loaded, as_role):
    body = as_role("viewer", on=loaded).get("/api/v1/followup?area=vastra-borlange&period=2025").get_json()
    assert (body["area"], body["period"], body["delay_days"], body["k"]) == ("vastra-borlange", "2025", 7, 5)
    got = [[r["tertial"], r["area_name"], r["dialogues"], r["dialogue_participants"], r["police_presence"],
            r["police_presence_hours"], r["advice"],
            r["observations"] if r["observations"] is not None else r["observations_note"]] for r in body["rows"]]
    assert got == EXPECTED


def test_one_tertial_and_one_area(loaded, as_role):
    body = as_role("viewer", on=loaded).get("/api/v1/followup?area=tjarna-angar&period=2025-T3").get_json()
    assert [(r["tertial"], r["area_id"], r["advice"], r["observations"]) for r in body["rows"]] == [
        ("2025-T3", "tjarna-angar", 1, 5)]
    t1_2026 = as_role("viewer", on=loaded).get("/api/v1/followup?area=tjarna-angar&period=2026-T1").get_json()
    assert t1_2026["rows"][0]["police_presence"] == 1


def test_followup_page_and_csv(loaded, as_role):
    viewer = as_role("viewer", on=loaded)
    page = viewer.get("/followup?area=vastra-borlange&period=2025").get_data(as_text=True)
    assert "Follow-up" in page and "fewer than 5" in page and "<td>Jakobsgårdarna-Paradiset-Nygårdsdalen</td>" in page
    response = viewer.get("/export/followup.csv?area=vastra-borlange&period=2025")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0][:3] == ["Tertial", "Area", "Dialogues held"]
    assert table[1:] == [[str(v) for v in row] + ["0", "0", "0", "0", "fewer than 5 or protected"] for row in EXPECTED]


def test_csv_neutralises_formulas():
    assert [neutralise(v) for v in ("=1+1", "+46", "-2", "@SUM(A1)", "Tjärna", 3)] == [
        "'=1+1", "'+46", "'-2", "'@SUM(A1)", "Tjärna", 3]


def test_csv_of_an_area_named_like_a_formula_is_neutralised(loaded):
    from dataclasses import replace

    from geoapp.mapview.filters import area_and_period
    from geoapp.mapview.followup import build_followup

    site = loaded.extensions["geoapp"]
    area, period = area_and_period(site, {"area": "tjarna-angar", "period": "2025-T1"})
    followup = build_followup(site, area, period)
    hostile = replace(followup, rows=tuple(replace(r, area_name="=HYPERLINK(\"x\")") for r in followup.rows))
    assert "\r\n2025-T1,\"'=HYPERLINK(\"\"x\"\")\"," in followup_csv(hostile)


@pytest.mark.parametrize("url, message", [
    ("/api/v1/followup?period=2025-05", "the follow-up is per tertial"),
    ("/api/v1/followup?period=last-year", "is not a fixed calendar period"),
    ("/api/v1/followup?area=atlantis", "Unknown area 'atlantis'"),
    ("/api/v1/activities?period=2025-W20", "quarters and weeks are not shown"),
    ("/api/v1/activities?area=atlantis", "Unknown area"),
])
def test_invalid_parameters_are_400_with_a_message(as_role, url, message):
    response = as_role("viewer").get(url)
    assert response.status_code == 400
    assert message in response.get_json()["error"]


@pytest.mark.parametrize("url", ["/followup?period=2025-Q1", "/export/followup.csv?area=nowhere", "/?period=soon"])
def test_invalid_parameters_on_pages_are_400(as_role, url):
    assert as_role("viewer").get(url).status_code == 400


def test_observations_are_exactly_what_the_map_publishes(loaded, as_role):
    viewer = as_role("viewer", on=loaded)
    rows = viewer.get("/api/v1/followup?area=vastra-borlange&period=2025").get_json()["rows"]
    for tertial in ("2025-T1", "2025-T2", "2025-T3"):
        summary = viewer.get(f"/api/v1/summary?area=vastra-borlange&period={tertial}").get_json()
        on_map = {a["id"]: a["counts"]["all"] for a in summary["areas"]}
        shown = {r["area_id"]: r["observations"] for r in rows if r["tertial"] == tertial}
        assert shown == {key: on_map[key] for key in shown}


def followup_periods(page: str) -> list[tuple[str, list[str]]]:
    """Return the follow-up's period menu: each group's label and the periods it offers."""

    menu = re.search(r'<select id="period" name="period">(.*?)</select>', page, re.S).group(1)
    return [(label, re.findall(r'<option value="([^"]+)"', body))
            for label, body in re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', menu, re.S)]


def test_the_followup_offers_the_years_and_tertials_with_walks_as_the_map_does(loaded, as_role):
    viewer = as_role("viewer", on=loaded)
    viewer.set_cookie("lang", "sv")
    page = viewer.get("/followup?area=tjarna-angar&period=2025-T2").get_data(as_text=True)
    # Walks in every tertial of 2025 and none since; no month, as the follow-up counts per tertial.
    assert followup_periods(page) == [("År", ["2025"]), ("Tertial", ["2025-T3", "2025-T2", "2025-T1"])]
    assert '<option value="2025-T2" selected>' in page and 'pattern=' not in page
    map_page = viewer.get("/?area=tjarna-angar&period=2025-T2").get_data(as_text=True)
    assert [p for _label, ps in followup_periods(page) for p in ps] == [
        p for p in re.findall(r'<option value="(\d{4}(?:-T\d)?)"', map_page.split('id="period"')[1].split("</select>")[0])]
    # Jakobsgårdarna had no walk in T3; a period asked for by its address stays chosen.
    page = viewer.get("/followup?area=2081R004&period=2026").get_data(as_text=True)
    assert followup_periods(page) == [("År", ["2026", "2025"]), ("Tertial", ["2025-T2", "2025-T1"])]
    assert '<option value="2026" selected>' in page
