"""`geoapp activities import` and the upload: accepted files, re-uploads, duplicates, and every rejected-input class."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from geoapp.store.schema import activities, audit

from tests.activity_files import HEADERS, JAKOB, TORGET, rows, stored_counts
from tests.observation_files import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.storage


def write(tmp_path, data: bytes, name: str = "activities.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_import_stores_every_activity_once(app, runner, tmp_path):
    path = write(tmp_path, csv_bytes(HEADERS, rows(), delimiter=";"))
    result = runner("activities", "import", path)
    assert result.exit_code == 0, result.output
    assert "importerade: 3 aktiviteter" in result.output
    again = runner("activities", "import", path)
    assert again.exit_code == 0 and "redan importerad " in again.output
    assert stored_counts(app)["activities"] == 3 and stored_counts(app)["uploads"] == 1
    with app.extensions["geoapp"].store.connect() as conn:
        stored = sorted(conn.execute(select(activities.c.kind, activities.c.duration_min, activities.c.participants)).all())
        assert stored == [("advice", 30, 4), ("dialogue", 90, 12), ("police_presence", 120, None)]
        assert "activities file activities.csv: 3 rows" in conn.execute(select(audit.c.detail)).scalars().all()


def test_duplicates_in_the_file_and_already_stored_are_reported_not_stored(app, runner, tmp_path):
    runner("activities", "import", write(tmp_path, csv_bytes(HEADERS, rows()[:1], delimiter=";"), "first.csv"))
    repeated = rows() + [[TORGET.upper(), "Polisnärvaro", "2025-03-05", "20.00", "", ""]]
    result = runner("activities", "import", write(tmp_path, csv_bytes(HEADERS, repeated, delimiter=";")))
    assert result.exit_code == 0, result.output
    assert "importerade: 2 aktiviteter" in result.output
    assert "dubblett, lagras inte igen: activities.csv, rad 2: redan sparad (samma plats, typ och start)" in result.output
    assert "rad 5: samma plats, typ och start som rad 3" in result.output
    assert stored_counts(app)["activities"] == 3


def test_xlsx_with_english_headers_and_date_time_cells(app, runner, tmp_path):
    from datetime import datetime

    data = xlsx_bytes(["Place", "Kind", "Start", "Duration", "Participants"],
                      [[JAKOB, "dialogue", datetime(2025, 5, 6, 18, 0), 60, 25]], sheet="Aktiviteter")
    result = runner("activities", "import", write(tmp_path, data, "a.xlsx"), "--sheet", "Aktiviteter")
    assert result.exit_code == 0, result.output
    assert stored_counts(app)["activities"] == 1


def with_cell(column: str, value: str) -> bytes:
    table = rows()
    table[1][HEADERS.index(column)] = value
    return csv_bytes(HEADERS, table, delimiter=";")


CASES = [
    # (what, bytes, file name, row, column, message)
    ("unknown place", lambda: with_cell("Plats", "Månen"), "a.csv", 3, "Plats", "okänd plats; lägg till den med geoapp places import"),
    ("no place", lambda: with_cell("Plats", ""), "a.csv", 3, "Plats", "ingen plats"),
    ("unknown kind", lambda: with_cell("Aktivitet", "razzia"), "a.csv", 3, "Aktivitet", "okänd typ; använd dialogue (medborgardialog)"),
    ("bad date", lambda: with_cell("Datum", "5/3/2025"), "a.csv", 3, "Datum", "väntade ett datum som 2025-03-14"),
    ("future date", lambda: with_cell("Datum", "2099-01-01"), "a.csv", 3, "Datum", "datumet ligger i framtiden"),
    ("duration not a number", lambda: with_cell("Varaktighet", "två timmar"), "a.csv", 3, "Varaktighet", "hela minuter från 1 till 1440"),
    ("duration too long", lambda: with_cell("Varaktighet", "1441"), "a.csv", 3, "Varaktighet", "hela minuter från 1 till 1440"),
    ("duration fraction", lambda: with_cell("Varaktighet", "12,5"), "a.csv", 3, "Varaktighet", "hela minuter"),
    ("names as participants", lambda: with_cell("Deltagare", "Anna, Bo"), "a.csv", 3, "Deltagare", "ett antal (ett heltal"),
    ("negative participants", lambda: with_cell("Deltagare", "-3"), "a.csv", 3, "Deltagare", "aldrig namn"),
    ("ingen platskolumn", lambda: csv_bytes(["Aktivitet", "Datum"], [["dialog", "2025-01-01"]]), "a.csv", 1, None, "ingen platskolumn"),
    ("ingen datumkolumn", lambda: csv_bytes(["Plats", "Aktivitet"], [[TORGET, "dialog"]]), "a.csv", 1, None, "ingen datumkolumn"),
    ("two date columns", lambda: csv_bytes(["Plats", "Aktivitet", "Datum", "Start"], [[TORGET, "dialog", "2025-01-01", "2025-01-01"]]),
     "a.csv", 1, "Datum", "anger båda datumet"),
    ("no rows", lambda: csv_bytes(HEADERS, []), "a.csv", None, None, "filen har inga aktiviteter"),
    ("empty file", lambda: b"", "a.csv", None, None, "filen är tom"),
    ("GeoJSON", lambda: b'{"type": "FeatureCollection", "features": []}', "a.geojson", None, None, "aktiviteter kommer som CSV eller XLSX, inte GEOJSON"),
    ("damaged XLSX", lambda: b"PK\x03\x04broken", "a.xlsx", None, None, "inte en giltig XLSX-arbetsbok"),
]


@pytest.mark.parametrize("what, data, filename, row, column, message", CASES, ids=[c[0] for c in CASES])
def test_rejected_input_exits_1_names_file_row_column_and_stores_nothing(app, runner, tmp_path, what, data, filename,
                                                                         row, column, message):
    before = stored_counts(app)
    result = runner("activities", "import", write(tmp_path, data(), filename))
    assert result.exit_code == 1, result.output
    assert "inget sparades" in result.stderr and result.stdout == ""
    where = f"{filename}" + (f", rad {row}" if row is not None else "") + (f", kolumn {column!r}" if column else "")
    assert any(line.strip().startswith(where + ":") and message in line for line in result.stderr.splitlines()), result.stderr
    assert stored_counts(app) == before


def test_participant_names_are_never_echoed(runner, tmp_path):
    result = runner("activities", "import", write(tmp_path, with_cell("Deltagare", "Anna Andersson")))
    assert result.exit_code == 1 and "Anna" not in result.stderr


def test_upload_endpoint_uses_the_same_checks(app, as_role):
    uploader = as_role("uploader")
    ok = uploader.post("/activities/upload", data={"file": (io.BytesIO(csv_bytes(HEADERS, rows())), "a.csv")},
                       headers={"Accept": "application/json"})
    assert ok.status_code == 201 and ok.get_json()["kind"] == "activities" and ok.get_json()["rows"] == 3
    bad = uploader.post("/activities/upload", data={"file": (io.BytesIO(with_cell("Plats", "Månen")), "b.csv")},
                        headers={"Accept": "application/json"})
    assert bad.status_code == 422
    assert bad.get_json()["errors"][0]["row"] == 3 and bad.get_json()["errors"][0]["column"] == "Plats"
    page = uploader.post("/activities/upload", data={"file": (io.BytesIO(with_cell("Plats", "<b>Månen</b>")), "c.csv")})
    assert page.status_code == 422 and "&lt;b&gt;Månen&lt;/b&gt;" in page.get_data(as_text=True)
    assert uploader.post("/activities/upload", data={}).status_code == 400
    assert stored_counts(app)["activities"] == 3


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(make_app, tmp_path):
    from geoapp.cli import main

    app = make_app(MAX_UPLOAD_MB=1)
    big = tmp_path / "big.csv"
    with big.open("wb") as f:
        f.truncate(2 * 2**20)
    for command in ("activities", "places"):
        result = app.test_cli_runner().invoke(main, [command, "import", str(big)])
        assert result.exit_code == 1
        assert "1 MiB" in result.stderr and "big.csv" in result.stderr
