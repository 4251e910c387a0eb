"""Re-uploads, duplicates, the audit trail and area codes that follow re-imported boundaries."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from zoneinfo import ZoneInfo

import geopandas as gpd
import pytest
from shapely.geometry import box
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from geoapp.ingest.importer import saved_or_already
from geoapp.store.audit import recent
from geoapp.store.schema import uploads
from tests.observation_files import EN_HEADERS, PLACES_SWEREF, TJARNA, counts, csv_bytes, en_rows, run, stored_rows

pytestmark = pytest.mark.storage


def test_reupload_is_a_harmless_no_op(app):
    data = csv_bytes(EN_HEADERS, en_rows())
    first = run(app, data, "walk.csv")
    before = counts(app)
    again = run(app, data, "renamed.csv")
    assert again.status == "already_imported"
    assert again.uploaded_at is not None and again.uploaded_at.tzinfo is not None
    # Said in Swedish time (Europe/Stockholm), one or two hours ahead of the stored UTC.
    local = again.uploaded_at.astimezone(ZoneInfo("Europe/Stockholm"))
    assert local.utcoffset() in (timedelta(hours=1), timedelta(hours=2))
    with app.test_request_context("/", headers={"Cookie": "lang=sv"}):
        assert again.summary() == f"redan importerad {local:%Y-%m-%d %H:%M}"
    assert again.rows == first.rows == 3
    assert counts(app) == before


def test_an_upload_that_loses_a_race_to_the_same_file_reports_the_one_that_won(app):
    data = csv_bytes(EN_HEADERS, en_rows())
    first = run(app, data, "walk.csv")
    saves = []

    def save_after_the_other():
        # What the database raises when a concurrent upload committed the same file between the check and the save.
        saves.append(1)
        raise IntegrityError("INSERT INTO uploads", {}, Exception("UNIQUE constraint failed: uploads.sha256"))

    site = app.extensions["geoapp"]
    report = saved_or_already(site, "observations", "walk.csv", hashlib.sha256(data).hexdigest(), save_after_the_other)
    assert report.status == "already_imported" and report.rows == first.rows == 3 and saves == [1]


def test_duplicate_rows_in_the_file_and_in_the_store_are_reported_not_stored(app):
    run(app, csv_bytes(EN_HEADERS, en_rows()), "first.csv")
    rows = en_rows()
    new = [*rows[0][:3], "litter", "1", "no", "", "Summer walk"]
    report = run(app, csv_bytes(EN_HEADERS, [rows[0], new, new, rows[2]]), "second.csv")
    assert report.status == "imported" and report.rows == 1
    assert report.duplicates == [
        {"row": 2, "message": "already stored (same walk, time, place and category)"},
        {"row": 4, "message": "same walk, time, place and category as row 3"},
        {"row": 5, "message": "already stored (same walk, time, place and category)"},
    ]
    assert len(stored_rows(app)) == 4


def test_upload_is_recorded_and_audited_without_comments_or_coordinates(app):
    report = run(app, csv_bytes(EN_HEADERS, en_rows()), "C:\\Users\\anna\\walk\x00<b>.csv", uploaded_by="anna")
    assert report.file == "walk<b>.csv"
    with app.extensions["geoapp"].store.connect() as conn:
        upload = conn.execute(select(uploads)).mappings().one()
        entry = recent(conn)[0]
    assert (upload["filename"], upload["uploaded_by"], upload["rows"], upload["redactions"]) == ("walk<b>.csv", "anna", 3, 1)
    assert len(upload["sha256"]) == 64
    assert (entry["action"], entry["actor"]) == ("upload", "anna")
    assert "walk<b>.csv" in entry["detail"] and "3 rows" in entry["detail"] and "1 walk" in entry["detail"]
    assert "example.com" not in entry["detail"] and "60.49" not in entry["detail"] and "15.39" not in entry["detail"]


def test_raw_comments_are_never_stored(app):
    rows = en_rows()
    rows[0][6] = "Ring 0701740650 eller 19121212-1212, bil ABC 123"
    report = run(app, csv_bytes(EN_HEADERS, rows), "walk.csv")
    assert report.redactions == {"email": 1, "personnummer": 1, "phone": 1, "registration_plate": 1}
    assert stored_rows(app)[0]["comment"] == "Ring [telefonnummer] eller [personnummer], bil [registreringsnummer]"


def areas_file(tmp_path, code: str, geometry) -> str:
    path = tmp_path / "areas.gpkg"
    gpd.GeoDataFrame({"code": [code], "name": ["Testområde"]}, geometry=[geometry], crs=3006).to_file(path)
    return str(path)


def invoke(app, *args):
    from geoapp.cli import main

    return app.test_cli_runner().invoke(main, [str(a) for a in args])


def test_areas_import_moves_observations_to_the_area_now_holding_them(make_app, tmp_path):
    app = make_app(LOAD_DEFAULT_PLACES=False)  # the shipped places lie outside the new boundary
    run(app, csv_bytes(EN_HEADERS, en_rows()), "walk.csv")
    n, e = PLACES_SWEREF[0]
    # New boundaries replacing the old ones: one area over all three points.
    result = invoke(app, "areas", "import", areas_file(tmp_path, "NEW1", box(e - 500, n - 500, e + 500, n + 500)),
                    "--replace")
    assert result.exit_code == 0, result.output
    assert [r["area_code"] for r in stored_rows(app)] == ["NEW1"] * 3


def test_areas_import_that_would_strand_observations_is_refused(app, tmp_path):
    run(app, csv_bytes(EN_HEADERS, en_rows()), "walk.csv")
    before = counts(app)
    far_away = box(400000, 6500000, 401000, 6501000)
    result = invoke(app, "areas", "import", areas_file(tmp_path, "FAR", far_away), "--replace")
    assert result.exit_code == 1
    assert "3 lagrade observationer skulle hamna utanför alla områden" in result.output
    assert counts(app) == before
    assert {r["area_code"] for r in stored_rows(app)} == {TJARNA}
