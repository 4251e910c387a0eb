"""Every accepted input format, header language and coordinate system imports, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from pyproj import Transformer

from tests.observation_files import (EN_HEADERS, PLACES_SWEREF, PLACES_WGS84, SV_HEADERS, TJARNA, csv_bytes,
                                     en_rows, geojson_bytes, gpkg_bytes, run, stored_rows, sv_rows, xlsx_bytes)

pytestmark = pytest.mark.storage


def assert_imported(report, rows: int):
    assert report.status == "imported", [str(e) for e in report.errors]
    assert report.rows == rows


def test_csv_swedish_headers_semicolons_decimal_commas_windows_1252(app):
    report = run(app, csv_bytes(SV_HEADERS, sv_rows(), delimiter=";", encoding="cp1252"), "vandring.csv")
    assert_imported(report, 3)
    assert report.summary() == "imported: 3 observations from walk Vinter 2025"
    rows = stored_rows(app)
    assert [r["category"] for r in rows] == ["lighting", "litter", "safe_place"]
    assert [r["severity"] for r in rows] == [2, 1, None]
    assert [r["positive"] for r in rows] == [False, False, True]
    assert {r["walk"] for r in rows} == {"Vinter 2025"}
    assert {r["area_code"] for r in rows} == {TJARNA}
    # 18.30 Swedish winter time is 17:30 UTC.
    first = rows[0]["observed_at"]
    assert first.replace(tzinfo=first.tzinfo or timezone.utc) == datetime(2025, 1, 14, 17, 30, tzinfo=timezone.utc)
    assert rows[0]["comment"] == "Mörkt vid gångvägen"


def test_csv_english_headers_commas_utf8_with_bom(app):
    data = b"\xef\xbb\xbf" + csv_bytes(EN_HEADERS, en_rows())
    report = run(app, data, "walk.csv")
    assert_imported(report, 3)
    rows = stored_rows(app)
    assert [r["category"] for r in rows] == ["lighting", "graffiti", "safe_place"]
    assert [r["positive"] for r in rows] == [False, False, True]
    assert rows[1]["comment"] == "mail me: [e-post]"
    # Summer time: 20:15 in Stockholm is 18:15 UTC.
    assert rows[0]["observed_at"].hour == 18


def test_wgs84_and_sweref_are_both_stored(app):
    report = run(app, csv_bytes(EN_HEADERS, en_rows()), "walk.csv")
    assert_imported(report, 3)
    to_sweref = Transformer.from_crs(4326, 3006, always_xy=True)
    for row, (lat, lon) in zip(stored_rows(app), PLACES_WGS84):
        e, n = to_sweref.transform(lon, lat)
        assert (row["lat"], row["lon"]) == pytest.approx((lat, lon), abs=1e-7)
        assert (row["e"], row["n"]) == pytest.approx((e, n), abs=0.01)


def test_sweref_99_tm_columns(app):
    rows = [["2025-03-01T10:00", n, e, "litter", "W1"] for n, e in PLACES_SWEREF]
    report = run(app, csv_bytes(["datum", "N", "E", "kategori", "vandring"], rows), "sweref.csv")
    assert_imported(report, 3)
    stored = stored_rows(app)
    assert [(r["n"], r["e"]) for r in stored] == [pytest.approx(p) for p in PLACES_SWEREF]
    assert stored[0]["lat"] == pytest.approx(PLACES_WGS84[0][0], abs=1e-5)


def test_sweref_written_with_spaces_and_decimal_comma(app):
    rows = [["2025-03-01", "6 706 369,40", "521 927,41", "litter", "W1"]]
    report = run(app, csv_bytes(["Date", "Northing", "Easting", "Category", "Walk"], rows, delimiter=";"), "n.csv")
    assert_imported(report, 1)
    assert stored_rows(app)[0]["e"] == pytest.approx(521927.41)


def test_xlsx_first_sheet(app):
    rows = [[datetime(2025, 9, 1, 19, 0), n, e, "Belysning", 2, "Trasig lampa", "Höstvandring"] for n, e in PLACES_SWEREF]
    report = run(app, xlsx_bytes(["Datum och tid", "Northing", "Easting", "Kategori", "Allvarlighet", "Kommentar",
                                  "Vandring"], rows), "walk.xlsx")
    assert_imported(report, 3)
    assert stored_rows(app)[0]["observed_at"].hour == 17  # 19:00 summer time


def test_xlsx_named_sheet(app):
    rows = [["2025-09-01", lat, lon, "litter", "W"] for lat, lon in PLACES_WGS84]
    data = xlsx_bytes(["date", "lat", "lon", "category", "walk"], rows, sheet="Data", extra_first_sheet=True)
    assert_imported(run(app, data, "two-sheets.xlsx", sheet="Data"), 3)


def test_geojson_wgs84_points(app):
    props = [{"observed_at": "2026-02-01T18:00:00+01:00", "category": "Lighting", "walk": "Feb"} for _ in PLACES_WGS84]
    report = run(app, geojson_bytes([(lon, lat) for lat, lon in PLACES_WGS84], props), "phone.geojson")
    assert_imported(report, 3)
    assert stored_rows(app)[0]["e"] == pytest.approx(PLACES_SWEREF[0][1], abs=0.5)


def test_geojson_with_declared_sweref_crs(app):
    props = [{"datum": "2026-02-01", "kategori": "klotter", "vandring": "Feb"} for _ in PLACES_SWEREF]
    points = [(e, n) for n, e in PLACES_SWEREF]
    report = run(app, geojson_bytes(points, props, crs="urn:ogc:def:crs:EPSG::3006"), "qgis.geojson")
    assert_imported(report, 3)
    assert [r["e"] for r in stored_rows(app)] == [pytest.approx(e) for _, e in PLACES_SWEREF]


def test_geopackage_as_qfield_writes_it(app, tmp_path):
    props = {"tid": ["2025-05-05 18:00"] * 3, "kategori": ["belysning", "nedskräpning", "klotter"],
             "allvarlighet": [1, 2, 3], "vandring": ["Maj"] * 3}
    data = gpkg_bytes(tmp_path, props, [(e, n) for n, e in PLACES_SWEREF])
    report = run(app, data, "qfield.gpkg")
    assert_imported(report, 3)
    assert [r["severity"] for r in stored_rows(app)] == [1, 2, 3]


def test_geopackage_in_wgs84_and_named_layer(app, tmp_path):
    data = gpkg_bytes(tmp_path, {"date": ["2025-05-05"] * 3, "category": ["litter"] * 3, "walk": ["May"] * 3},
                      [(lon, lat) for lat, lon in PLACES_WGS84], crs="EPSG:4326", layer="punkter")
    assert_imported(run(app, data, "points.gpkg", sheet="punkter"), 3)
    assert stored_rows(app)[2]["n"] == pytest.approx(PLACES_SWEREF[2][0], abs=0.5)


def test_kobotoolbox_csv_export(app):
    headers = ["start", "end", "today", "kategori", "kommentar", "gps", "_gps_latitude", "_gps_longitude",
               "_gps_altitude", "_gps_precision", "vandring", "_id", "_uuid", "_submission_time", "_index"]
    rows = [[f"2025-04-0{i}T18:3{i}:12.345+02:00", f"2025-04-0{i}T18:40:00.000+02:00", f"2025-04-0{i}", "Skötsel",
             "", f"{lat} {lon} 120 5", lat, lon, 120, 5, "KoBo april", i, f"uuid-{i}", "2025-04-05T10:00:00", i]
            for i, (lat, lon) in enumerate(PLACES_WGS84, 1)]
    report = run(app, csv_bytes(headers, rows, delimiter=";"), "kobo_export.csv")
    assert_imported(report, 3)
    assert "end" in report.ignored_columns and "_uuid" in report.ignored_columns
    assert stored_rows(app)[0]["observed_at"].minute == 31  # from `start`, not `today` or `end`


def test_odk_geolocation_column(app):
    headers = ["today", "category", "_geolocation", "walk"]
    rows = [["2025-04-01", "litter", f"[{lat}, {lon}]", "ODK"] for lat, lon in PLACES_WGS84]
    assert_imported(run(app, csv_bytes(headers, rows), "odk.csv"), 3)
    assert stored_rows(app)[1]["lat"] == pytest.approx(PLACES_WGS84[1][0])


def test_walk_from_the_upload_form(app):
    rows = [["2025-03-01", lat, lon, "litter"] for lat, lon in PLACES_WGS84]
    report = run(app, csv_bytes(["date", "lat", "lon", "category"], rows), "nowalk.csv", walk="  Mars   2025 ")
    assert report.summary() == "imported: 3 observations from walk Mars 2025"
    assert {r["walk"] for r in stored_rows(app)} == {"Mars 2025"}
