"""Survey results: imported whole or not at all, refused below the smallest n, shown as trends and indicators."""

from __future__ import annotations

import html
import io
import re

import pytest

from tests.observation_files import csv_bytes

pytestmark = pytest.mark.storage

HEADERS = ["Område", "År", "Indikator", "Värde", "Antal svarande", "Lägre", "Övre"]
GOOD = [
    ["vastra-borlange", "2024", "trygghetsindex", "3,4", "412", "3,2", "3,6"],
    ["Västra Borlänge", "2025", "Trygghetsindex", "3,1", "398", "", ""],
    ["tjarna-angar", "2025", "andel_otrygga", "41,5", "120", "", ""],
    ["2081R004", "2025", "andel_otrygga", "37", "", "", ""],
]


@pytest.fixture
def app_language():
    return "en"


def write(tmp_path, rows, name="enkat.csv", headers=HEADERS):
    path = tmp_path / name
    path.write_bytes(csv_bytes(headers, rows, delimiter=";"))
    return path


def test_a_survey_file_is_imported_and_published_as_entered(app, runner, as_role, tmp_path):
    result = runner("surveys", "import", str(write(tmp_path, GOOD)))
    assert result.exit_code == 0, result.output
    assert "imported: 4 survey results" in result.output
    body = as_role("viewer").get("/api/v1/promise?area=vastra-borlange&period=2025").get_json()
    trends = {t["key"]: t for t in body["trends"]}
    index = {(v["area"], v["period"]): v["value"] for v in trends["survey:trygghetsindex"]["values"]}
    assert index[("vastra-borlange", "2024")] == 3.4 and index[("vastra-borlange", "2025")] == 3.1
    assert index[("2081R013", "2025")] is None  # never derived from another area's result
    share = {(v["area"], v["period"]): v["value"] for v in trends["survey:andel_otrygga"]["values"]}
    assert share[("2081R013", "2025")] == 41.5 and share[("2081R004", "2025")] == 37


def test_a_new_file_replaces_results_of_the_same_area_year_and_indicator(app, runner, tmp_path):
    assert runner("surveys", "import", str(write(tmp_path, GOOD))).exit_code == 0
    again = runner("surveys", "import", str(write(tmp_path, GOOD)))
    assert again.exit_code == 0 and "already imported" in again.output
    corrected = [["vastra-borlange", "2025", "trygghetsindex", "3,3", "398", "", ""]]
    assert runner("surveys", "import", str(write(tmp_path, corrected, "rattad.csv"))).exit_code == 0
    from geoapp.store.surveys import results_of

    with app.extensions["geoapp"].store.connect() as conn:
        found = {(r["year"], r["indicator"]): r["value"] for r in results_of(conn, ["vastra-borlange"])}
    assert found == {(2024, "trygghetsindex"): 3.4, (2025, "trygghetsindex"): 3.3}


@pytest.mark.parametrize("row, column, message", [
    (["vastra-borlange", "2025", "trygghetsindex", "3,1", "12", "", ""], "Antal svarande",
     "n is 12: only results from at least 30 respondents are accepted"),
    (["atlantis", "2025", "trygghetsindex", "3,1", "100", "", ""], "Område", "unknown area"),
    (["vastra-borlange", "1999", "trygghetsindex", "3,1", "100", "", ""], "År", "the year must be a whole number"),
    (["vastra-borlange", "2025", "trygghets index!", "3,1", "100", "", ""], "Indikator", "the indicator must be a name"),
    (["vastra-borlange", "2025", "trygghetsindex", "hög", "100", "", ""], "Värde", "the value is not a number"),
    (["vastra-borlange", "2025", "trygghetsindex", "3,1", "100", "3,3", "3,6"], "Lägre", "the interval needs both bounds"),
    (["vastra-borlange", "2025", "trygghetsindex", "3,1", "100", "3,0", ""], "Lägre", "the interval needs both bounds"),
    (["vastra-borlange", "2025", "trygghetsindex", "3,1", "12,5", "", ""], "Antal svarande", "n is the number of respondents"),
])
def test_a_bad_row_refuses_the_whole_file_naming_row_and_column(app, runner, tmp_path, row, column, message):
    result = runner("surveys", "import", str(write(tmp_path, GOOD + [row])))
    assert result.exit_code == 1
    assert f"enkat.csv, row 6, column '{column}': {message}" in result.stderr
    from geoapp.store.surveys import results_of

    with app.extensions["geoapp"].store.connect() as conn:
        assert results_of(conn, ["vastra-borlange", "tjarna-angar", "2081R004"]) == []


def test_the_same_key_twice_in_one_file_is_refused(app, runner, tmp_path):
    result = runner("surveys", "import", str(write(tmp_path, GOOD + [GOOD[0]])))
    assert result.exit_code == 1 and "row 6, column 'Indikator': the same area, year and indicator as row 2" in result.stderr


def test_results_stored_before_the_smallest_n_was_raised_are_withheld(make_app, tmp_path):
    from geoapp.ingest.surveys import import_surveys
    from geoapp.promise.sources import Sources

    app = make_app()
    site = app.extensions["geoapp"]
    assert import_surveys(site, write(tmp_path, GOOD).read_bytes(), "enkat.csv").status == "imported"
    site.settings["SURVEY_MIN_N"] = 400
    with app.app_context():
        shown = Sources(site, site.areas_by_id()["vastra-borlange"]).surveys()
    # 412 respondents, and the one without n, are shown; 398 and 120 are not.
    assert sorted(shown) == [("2081R004", 2025, "andel_otrygga"), ("vastra-borlange", 2024, "trygghetsindex")]


def test_a_commitment_followed_by_a_survey_gets_a_status(make_app, tmp_path, as_role):
    from tests.test_promise_followup import SHIPPED

    data = tmp_path / "data"
    data.mkdir()
    for part in ("areas", "vocabulary", "places"):
        (data / part).symlink_to(SHIPPED / part)
    (data / "promises").mkdir()
    (data / "promises" / "p.toml").write_text('''id = "p"
title.sv = "Löfte"
years = [2024, 2025]
areas = ["vastra-borlange"]
[[parties]]
key = "polis"
name.sv = "Polisen"
[[commitments]]
id = "index"
party = "polis"
wording.sv = "Trygghetsindex högst 3,2"
indicator = "survey:trygghetsindex"
target = { per = "year", at_most = 3.2 }
areas = ["vastra-borlange"]
''', encoding="utf-8")
    app = make_app(DATA_DIR=str(data))
    from geoapp.ingest.surveys import import_surveys

    assert import_surveys(app.extensions["geoapp"], write(tmp_path, GOOD).read_bytes(), "enkat.csv").status == "imported"
    viewer = as_role("viewer", on=app)
    for year, value, state in (("2024", 3.4, "not_met"), ("2025", 3.1, "met")):
        body = viewer.get(f"/api/v1/promise?area=vastra-borlange&period={year}").get_json()
        [commitment] = body["commitments"]
        assert commitment["status"] == state
        assert [r["actual"] for r in commitment["readings"] if r["period"] == year] == [value]


STORED = {"sv": "Enkätresultat sparade: 4", "en": "Survey results stored: 4"}
SURVEY_PAGE = {"sv": ("Ladda upp enkätresultat", "högst 20 MiB", "Inget sparades", "rad", "Värde"),
               "en": ("Upload survey results", "at most 20 MiB", "Nothing was saved", "row", "Värde")}


def _upload(client, rows, name="enkat.csv"):
    return client.post("/surveys/upload", data={"file": (io.BytesIO(csv_bytes(HEADERS, rows, delimiter=";")), name)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_upload_page_stores_a_survey_file_whole_or_names_the_row_and_column_to_correct(app, as_role, lang):
    from geoapp.store.surveys import results_of

    client = as_role("uploader")
    client.set_cookie("lang", lang)
    title, limit, nothing, _row, column = SURVEY_PAGE[lang]
    page = client.get("/surveys/upload")
    text = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 200 and title in text and limit in text
    assert 'action="/surveys/upload"' in text and 'name="csrf_token"' in text and 'name="sheet"' in text
    assert 'href="/surveys/upload"' in html.unescape(client.get("/followup").get_data(as_text=True))
    refused = _upload(client, GOOD + [["vastra-borlange", "2025", "trygghetsindex", "hög", "100", "", ""]])
    shown = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422 and nothing in shown and "enkat.csv" in shown
    [cells] = re.findall(r"<tr><td>6</td><td>([^<]*)</td><td><code>([^<]*)</code></td><td>([^<]*)</td>", shown)
    assert cells[:2] == (column, "hög")
    with app.extensions["geoapp"].store.connect() as conn:
        assert results_of(conn, ["vastra-borlange", "tjarna-angar", "2081R013", "2081R004"]) == []
    stored = _upload(client, GOOD)
    shown = html.unescape(stored.get_data(as_text=True))
    assert stored.status_code == 201 and STORED[lang] in shown and "Observations" not in shown
    assert 'href="/surveys/upload"' in shown  # upload another file: this form again
    with app.extensions["geoapp"].store.connect() as conn:
        assert len(results_of(conn, ["vastra-borlange", "tjarna-angar", "2081R013", "2081R004"])) == 4


def test_the_survey_upload_page_is_for_uploaders_and_needs_the_forms_token(app, as_role):
    assert as_role("viewer").get("/surveys/upload").status_code == 403
    client = as_role("uploader")
    del client.environ_base["HTTP_X_CSRFTOKEN"]
    assert _upload(client, GOOD).status_code == 400
