"""Every class of bad input is rejected with a useful message, and nothing at all is saved."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.observation_files import PLACES_WGS84, counts, csv_bytes, geojson_bytes, gpkg_bytes, run, xlsx_bytes

pytestmark = pytest.mark.storage

HEADERS = ["date", "lat", "lon", "category", "severity", "positive", "comment", "walk"]


def good_rows() -> list[list]:
    return [["2025-03-0%d 18:00" % i, str(lat), str(lon), "lighting", "2", "no", "", "W"]
            for i, (lat, lon) in enumerate(PLACES_WGS84 * 2, 1)]


def with_cell(column: str, value: str, row: int = 2) -> bytes:
    """The good file with one cell changed; `row` counts data rows from 0 (file row = row + 2)."""
    rows = good_rows()
    rows[row][HEADERS.index(column)] = value
    return csv_bytes(HEADERS, rows)


def with_headers(headers: list[str]) -> bytes:
    return csv_bytes(headers, [r[: len(headers)] for r in good_rows()])


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def entity_bomb_xlsx() -> bytes:
    """A workbook whose sheet declares XML entities (billion laughs)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(HEADERS, good_rows())))
    members = {name: source.read(name) for name in source.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].replace(b"<t>date</t>", b"<t>&lol2;</t>")
    members["xl/worksheets/sheet1.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>' + sheet)
    return zip_bytes(members)


CASES = [
    # (name, file bytes or builder, filename, expected row, expected text)
    ("unknown category", lambda: with_cell("category", "gäng"), "a.csv", 4, "use one of: belysning, skymmande vegetation"),
    ("mistyped Swedish category", lambda: with_cell("category", "belysnig"), "a.csv", 4,
     "did you mean 'belysning'? Use one of: belysning, skymmande vegetation"),
    ("mistyped English category", lambda: with_cell("category", "litterr"), "a.csv", 4,
     "did you mean 'litter'? Use one of: lighting, vegetation blocking view"),
    ("category missing", lambda: with_cell("category", ""), "a.csv", 4, "no category"),
    ("swapped lat/lon", lambda: with_cell("lat", "15.399") if False else swapped(), "a.csv", 4, "look swapped"),
    ("outside Sweden", lambda: with_cell("lat", "48.85"), "a.csv", 4, "outside Sweden"),
    ("NaN coordinate", lambda: with_cell("lon", "NaN"), "a.csv", 4, "not a number"),
    ("empty coordinate", lambda: with_cell("lat", ""), "a.csv", 4, "no latitude"),
    ("metres in lat/lon", lambda: sweref_in_wgs84_columns(), "a.csv", 4, "look like SWEREF 99 TM"),
    ("outside every area", lambda: with_cell("lat", "60.60"), "a.csv", 4, "outside every loaded area; the nearest"),
    ("bad date", lambda: with_cell("date", "14/3/2025"), "a.csv", 4, "expected a date like 2025-03-14"),
    ("impossible date", lambda: with_cell("date", "2025-02-30"), "a.csv", 4, "no such day in the calendar"),
    ("future date", lambda: with_cell("date", "2999-01-01"), "a.csv", 4, "in the future"),
    ("missing local hour", lambda: with_cell("date", "2025-03-30 02:30"), "a.csv", 4, "daylight-saving"),
    ("severity out of range", lambda: with_cell("severity", "4"), "a.csv", 4, "1 (minor), 2 (notable) or 3"),
    ("positive not yes/no", lambda: with_cell("positive", "kanske"), "a.csv", 4, "expected yes or no"),
    ("empty walk cell", lambda: with_cell("walk", ""), "a.csv", 4, "no walk"),
    ("no walk anywhere", lambda: with_headers(HEADERS[:-1]), "a.csv", None, "no walk"),
    ("duplicate columns", lambda: with_headers(["date", "lat", "latitud", "category"]), "a.csv", 1, "both mean lat"),
    ("ambiguous column", lambda: with_headers(["date", "x", "y", "category", "walk"]), "a.csv", 1, "ambiguous"),
    ("both coordinate systems", lambda: csv_bytes(["date", "lat", "lon", "N", "E", "category", "walk"], []), "a.csv",
     1, "both WGS84"),
    ("no category column", lambda: with_headers(["date", "lat", "lon"]), "a.csv", 1, "no category column"),
    ("no coordinates", lambda: with_headers(["date"]), "a.csv", 1, "no coordinate columns"),
    ("header only", lambda: csv_bytes(HEADERS, []), "a.csv", None, "no observations"),
    ("empty file", lambda: b"", "a.csv", None, "empty"),
    ("binary", lambda: b"\x00\x01\x02garbage", "a.csv", None, "binary"),
    ("not a workbook", lambda: b"this is text", "a.xlsx", None, "not a valid XLSX"),
    ("damaged workbook", lambda: zip_bytes({"hello.txt": b"hi"}), "a.xlsx", None, "not a valid XLSX"),
    ("zip bomb ratio", lambda: zip_bytes({"xl/worksheets/sheet1.xml": b"\0" * (8 * 2**20)}), "a.xlsx", None,
     "zip bomb"),
    ("XML entities", entity_bomb_xlsx, "a.xlsx", None, "entity"),
    ("not JSON", lambda: b"{not json", "a.geojson", None, "not valid JSON"),
    ("JSON but not GeoJSON", lambda: b'{"a": 1}', "a.geojson", None, "not a GeoJSON"),
    ("line instead of point", lambda: line_geojson(), "a.geojson", 2, "not a Point"),
    ("unknown CRS", lambda: geojson_bytes([(1, 2)], [{"date": "2025-01-01", "category": "litter", "walk": "W"}],
                                          crs="urn:ogc:def:crs:EPSG::999999"), "a.geojson", 1, "not known"),
    ("extra cells", lambda: csv_bytes(HEADERS, good_rows()[:1] + [good_rows()[1] + ["surplus"]]), "a.csv", 3,
     "cells but the header"),
]


def swapped() -> bytes:
    rows = good_rows()
    rows[2][1], rows[2][2] = rows[2][2], rows[2][1]
    return csv_bytes(HEADERS, rows)


def sweref_in_wgs84_columns() -> bytes:
    rows = good_rows()
    rows[2][1], rows[2][2] = "6706369", "521927"
    return csv_bytes(HEADERS, rows)


def line_geojson() -> bytes:
    data = geojson_bytes([(15.399, 60.4928)] * 2, [{"date": "2025-01-01", "category": "litter", "walk": "W"}] * 2)
    return data.replace(b'"type": "Point", "coordinates": [15.399, 60.4928]}, "properties": {"date": "2025-01-01", '
                        b'"category": "litter", "walk": "W"}}]',
                        b'"type": "LineString", "coordinates": [[15.399, 60.4928], [15.4, 60.49]]}, "properties": {}}]')


@pytest.mark.parametrize(("name", "build", "filename", "row", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rejected_input_saves_nothing(app, name, build, filename, row, expected):
    before = counts(app)
    report = run(app, build(), filename)
    assert report.status == "rejected"
    messages = [str(e) for e in report.errors]
    assert any(expected in m for m in messages), messages
    if row is not None:
        assert any(e.row == row for e in report.errors if expected in str(e)), messages
    assert counts(app) == before


def test_every_problem_is_listed_with_its_file_row_column_and_value(app):
    rows = good_rows()
    rows[0][3] = "<script>alert(1)</script>"
    rows[3][4] = "9"
    rows[5][0] = "igår"
    report = run(app, csv_bytes(HEADERS, [rows[0], [], *rows[1:]]), "walk.csv")  # a blank line still counts
    assert report.status == "rejected" and report.error_count == 3
    found = {(e.file, e.row, e.column, e.value) for e in report.errors}
    assert found == {("walk.csv", 2, "category", "<script>alert(1)</script>"), ("walk.csv", 6, "severity", "9"),
                     ("walk.csv", 8, "date", "igår")}


def test_one_bad_row_among_many_saves_nothing(app):
    rows = [r for _ in range(200) for r in good_rows()]
    rows = [[f"2025-04-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}", *r[1:]] for i, r in enumerate(rows)]
    rows[-1][3] = "unknown"
    before = counts(app)
    report = run(app, csv_bytes(HEADERS, rows), "big.csv")
    assert report.status == "rejected" and [e.row for e in report.errors] == [len(rows) + 1]
    assert counts(app) == before


def test_row_limit(make_app):
    app = make_app(MAX_ROWS=3)
    report = run(app, csv_bytes(HEADERS, good_rows()), "walk.csv")
    assert report.status == "rejected" and "more than 3 rows" in str(report.errors[0])


def test_size_limit_applies_to_the_command_line_too(make_app):
    app = make_app(MAX_UPLOAD_MB=1)
    report = run(app, csv_bytes(HEADERS, good_rows()) + b" " * 2**20, "walk.csv")
    assert report.status == "rejected" and "larger than 1 MiB" in str(report.errors[0])


def test_unpacked_size_limit(make_app):
    app = make_app(XLSX_MAX_UNPACKED_MB=1)
    data = xlsx_bytes(HEADERS, [r for _ in range(2000) for r in good_rows()])
    report = run(app, data, "walk.xlsx")
    assert report.status == "rejected" and "GEOAPP_XLSX_MAX_UNPACKED_MB" in str(report.errors[0])


def test_geopackage_without_crs(app, tmp_path):
    with pytest.warns(UserWarning, match="crs"):  # writing a CRS-less file is the mistake under test
        data = gpkg_bytes(tmp_path, {"date": ["2025-01-01"], "category": ["litter"], "walk": ["W"]}, [(1, 2)], crs=None)
    report = run(app, data, "nocrs.gpkg")
    assert report.status == "rejected" and "declares no coordinate reference system" in str(report.errors[0])
