"""Property-based fuzzing of every input parser: only geoapp's own validation errors, never a crash or a 500.

GEOAPP_FUZZ_EXAMPLES (default 40) sets the examples per property; raise it for a deeper run, e.g.
`GEOAPP_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py`.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from urllib.parse import urljoin, urlsplit

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from geoapp.domain.areas import AreaFileError, AreaSource, load_groups, read_area_file
from geoapp.domain.model import load_vocabulary
from geoapp.domain.periods import PeriodError, parse_period
from geoapp.ingest import fields
from geoapp.ingest.columns import map_columns
from geoapp.ingest.geofiles import read_geojson, read_geopackage
from geoapp.ingest.readers import read_csv, read_table
from geoapp.ingest.report import FileRejected
from geoapp.ingest.spreadsheet import read_xlsx
from geoapp.ingest.table import Limits, RawTable
from tests.conftest import ROOT, TEST_PASSWORD, csrf_token
from tests.corpus import FILES

FUZZ = settings(max_examples=int(os.environ.get("GEOAPP_FUZZ_EXAMPLES", "40")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
LIMITS = Limits(max_rows=200, xlsx_max_unpacked=8 * 2**20)
VOCABULARY = load_vocabulary(ROOT / "data" / "vocabulary" / "categories.csv")



def text(max_size: int):
    """Any text that can be sent in a form (no lone surrogates)."""
    return st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=max_size)


# Cells a safety-walk file really holds, mixed with anything at all.
CELL = st.one_of(
    text(30),
    st.sampled_from(["60,492869", "15.399074", "6706369,40", "521927", "2025-03-14", "2025-03-14 18.30", "kl. 18.30",
                     "2025-02-30", "2025-03-30 02:30", "2025-10-26 02:30", "1e308", "-0", "NaN", "inf", "belysning",
                     "Trygg plats", "ja", "nej", "3", "=1+1", "<script>alert(1)</script>", "", " ", "\x00", "\u202e"]),
    st.from_regex(r"-?[0-9]{1,9}([.,][0-9]{0,12})?", fullmatch=True),
    st.from_regex(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}( [0-9]{1,2}[:.][0-9]{2}([+-][0-9]{2}:?[0-9]{2}|Z)?)?", fullmatch=True),
)
HEADER = st.one_of(text(20), st.sampled_from(
    ["datum", "Date", "tid", "observed_at", "lat", "Latitud", "lon", "lng", "N", "E", "x", "y", "kategori", "category",
     "severity", "trygg", "kommentar", "walk", "vandring", "_gps_latitude", "_gps_longitude", "gps-Latitude",
     "_geolocation", "start", "today", "", " "]))


def only_rejections(action):
    """Run `action`; a FileRejected is a verdict, anything else propagates and fails the test."""
    try:
        return action()
    except FileRejected as exc:
        assert str(exc), "a rejection must say why"
        return None


@FUZZ
@given(st.lists(HEADER, min_size=1, max_size=8), st.lists(st.lists(CELL, max_size=9), max_size=8),
       st.sampled_from([",", ";", "\t"]), st.booleans())
def test_csv_reader(headers, rows, delimiter, quote_all):
    quote = '"' if quote_all else ""
    text = "\n".join(delimiter.join(f"{quote}{c}{quote}" for c in row) for row in [headers, *rows])
    table = only_rejections(lambda: read_csv(text, LIMITS))
    assert table is None or isinstance(table, RawTable)


@FUZZ
@given(st.lists(HEADER, min_size=1, max_size=6),
       st.lists(st.lists(st.one_of(CELL, st.integers(-10**12, 10**12), st.floats(allow_nan=True), st.none(),
                                   st.booleans(), st.datetimes()), max_size=7), max_size=6))
def test_xlsx_reader(headers, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [headers, *rows]:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row])
    data = io.BytesIO()
    book.save(data)
    table = only_rejections(lambda: read_xlsx(data.getvalue(), LIMITS))
    assert table is None or isinstance(table, RawTable)


JSON_VALUE = st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=10),
                          lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
                          max_leaves=20)
FEATURE = st.fixed_dictionaries({
    "type": st.sampled_from(["Feature", "feature", None]),
    "geometry": st.one_of(JSON_VALUE, st.fixed_dictionaries({
        "type": st.sampled_from(["Point", "LineString", "MultiPoint"]),
        "coordinates": st.one_of(JSON_VALUE, st.lists(st.one_of(st.floats(), st.integers(), st.text(max_size=5)), max_size=3))})),
    "properties": st.one_of(JSON_VALUE, st.dictionaries(HEADER, st.one_of(CELL, JSON_VALUE), max_size=6)),
})


@FUZZ
@given(st.one_of(JSON_VALUE, st.fixed_dictionaries({
    "type": st.sampled_from(["FeatureCollection", "Feature"]), "features": st.one_of(JSON_VALUE, st.lists(FEATURE, max_size=5)),
    "crs": st.one_of(JSON_VALUE, st.fixed_dictionaries({"properties": st.fixed_dictionaries(
        {"name": st.sampled_from(["EPSG:3006", "urn:ogc:def:crs:OGC:1.3:CRS84", "EPSG:999999", "nonsense"])})}))})))
def test_geojson_reader(document):
    table = only_rejections(lambda: read_geojson(json.dumps(document), LIMITS))
    assert table is None or isinstance(table, RawTable)


def mutated(data: bytes, draw) -> bytes:
    """Return `data` with a few bytes overwritten, a slice removed or the file cut short."""
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(data) - 1))
        data[position] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        start = draw(st.integers(0, len(data) - 1))
        del data[start:start + draw(st.integers(1, 4096))]
    return bytes(data)


VALID_XLSX = (FILES / "name_nul.xlsx").read_bytes()
VALID_GPKG = (FILES / "xss_walk.gpkg").read_bytes()


@FUZZ
@given(st.data())
def test_damaged_workbooks(data):
    table = only_rejections(lambda: read_xlsx(mutated(VALID_XLSX, data.draw), LIMITS))
    assert table is None or isinstance(table, RawTable)


@FUZZ
@given(st.data())
def test_damaged_geopackages(data):
    table = only_rejections(lambda: read_geopackage(mutated(VALID_GPKG, data.draw), LIMITS))
    assert table is None or isinstance(table, RawTable)


@FUZZ
@given(st.data(), st.sampled_from(["a.csv", "a.xlsx", "a.geojson", "a.gpkg", "a"]))
def test_damaged_files_of_any_kind(data, filename):
    source = data.draw(st.sampled_from(sorted(p for p in FILES.iterdir() if 0 < p.stat().st_size < 200_000)))
    table = only_rejections(lambda: read_table(mutated(source.read_bytes(), data.draw), filename, LIMITS))
    assert table is None or isinstance(table, RawTable)


@FUZZ
@given(st.lists(HEADER, max_size=12))
def test_column_matching(headers):
    columns = map_columns(RawTable(headers, pd.DataFrame(columns=range(len(headers)))))
    assert set(columns.fields.values()) <= set(range(len(headers)))
    assert all(message for _, message in columns.problems)


@FUZZ
@given(st.lists(CELL, min_size=1, max_size=12), st.lists(CELL, min_size=1, max_size=12))
def test_field_parsers(cells, more):
    series = pd.Series(cells, index=range(2, len(cells) + 2), dtype=object)
    other = pd.Series((more * len(cells))[: len(cells)], index=series.index, dtype=object)
    for values, problems in (fields.parse_numbers(series, "latitude"), fields.parse_times(series),
                             fields.parse_times(fields.combine_date_time(series, other)),
                             fields.parse_categories(series, VOCABULARY), fields.parse_severity(series),
                             fields.parse_positive(series)):
        assert len(values) == len(series) and set(problems) <= set(series.index)
        assert all(isinstance(m, str) and m for m in problems.values())


@FUZZ
@given(st.one_of(st.text(max_size=20), st.from_regex(r"-?[0-9]{1,6}(-[TQWtqw]?[0-9]{1,3})?", fullmatch=True)))
def test_period_parser(text):
    try:
        period = parse_period(text)
    except PeriodError as exc:
        assert text[:10].upper().strip() in str(exc).upper() or "period" in str(exc)
        return
    assert parse_period(period.code) == period


@FUZZ
@given(st.data())
def test_area_file_reader(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("areas") / "areas.gpkg"
    path.write_bytes(mutated((ROOT / "data" / "areas" / "borlange_regso_2025.gpkg").read_bytes(), data.draw))
    try:
        frame = read_area_file(AreaSource(path))
    except AreaFileError as exc:
        assert str(exc).startswith("areas.gpkg")
        return
    assert frame.crs.to_epsg() == 3006


@FUZZ
@given(st.text(max_size=300))
def test_area_groups_file(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("groups") / "groups.toml"
    path.write_text(text, encoding="utf-8")
    try:
        groups = load_groups(path)
    except AreaFileError as exc:
        assert str(exc).startswith("groups.toml")
        return
    assert isinstance(groups, tuple)


# --- the web endpoints: any request is answered with 2xx, 3xx or 4xx, never 500

QUERY_VALUE = st.one_of(text(20), st.sampled_from(
    ["tjarna-angar", "vastra-borlange", "2081R013", "2025", "2025-T2", "2025-Q4", "2025-05", "2025-W53", "2026-W53",
     "1999", "2101", "all", "lighting", "safe_place", "1", "0", "yes", "", "<script>", "%00", "\x00"]))
QUERY = st.dictionaries(st.sampled_from(["area", "period", "category", "compare", "format", "page", "area[]"]),
                        QUERY_VALUE, max_size=5)


@pytest.fixture
def viewer(as_role):
    return as_role("viewer")


@FUZZ
@given(st.sampled_from(["/", "/api/v1/cells", "/api/v1/summary", "/api/v1/areas"]), QUERY)
def test_filters_of_the_map_and_api(viewer, url, query):
    response = viewer.get(url, query_string=query)
    assert response.status_code in (200, 400), (url, query, response.status_code)
    if url.startswith("/api/") and response.status_code == 400:
        assert response.get_json()["error"]


# Export options and the filters of the follow-up, beside what the map and the API take.
OPTION_VALUE = st.one_of(QUERY_VALUE, st.from_regex(r"[0-9]{1,6}", fullmatch=True), st.sampled_from(
    ["72", "150", "300", "0150", " 150 ", "1e3", "150.0", "\u00b2", "\u0661\u0665\u0660", "1" * 4301, "sv", "EN", "de"]))
OPTIONS = st.dictionaries(st.sampled_from(["area", "period", "category", "compare", "lang", "dpi"]), OPTION_VALUE,
                          max_size=4)
OPTION_URLS = ["/export/map.png", "/export/map.pdf", "/export/map.html", "/export/cells.geojson", "/export/cells.csv",
               "/export/followup.csv", "/followup", "/api/v1/activities", "/api/v1/followup"]


@FUZZ
@given(st.sampled_from(OPTION_URLS), OPTIONS)
@example("/export/map.png", {"dpi": "\u00b2"})  # had been a 500: a digit to str.isdigit, not to int
@example("/export/cells.csv", {"dpi": "1" * 4301})  # had been a 500: more digits than int() reads
def test_filters_and_options_of_the_exports_and_follow_up(viewer, url, query):
    response = viewer.get(url, query_string=query)
    assert response.status_code in (200, 400), (url, query, response.status_code)
    if url.startswith(("/api/", "/export/")) and response.status_code == 400:
        assert response.get_json()["error"]


def lands_on_site(location: str) -> bool:
    """Return True when a browser sent to `location` stays on this site (it drops tab, CR, LF; reads \\ as /)."""
    read = re.sub(r"[\t\r\n]", "", location).replace("\\", "/")
    return urlsplit(urljoin("http://geoapp.test/page", read)).netloc == "geoapp.test"


NEXT = st.one_of(text(40), st.lists(st.sampled_from(["/", "\\", "\t", "\r", "\n", " ", "\x00", "%2f", "%5c", "%09", "%0d",
                                                     "%25", ":", "?", "#", ".", "evil.example", "https"]),
                                    max_size=8).map("".join))


@FUZZ
@given(st.sampled_from(["sv", "en", "de"]), NEXT)
@example("sv", "/\r\n/evil.example/")  # had been a 500: a line break in the Location header
@example("sv", "/\t/evil.example/")  # had been a redirect off the site
def test_next_of_the_language_switch(client, code, next_page):
    response = client.get(f"/language/{code}", query_string={"next": next_page})
    assert response.status_code in (302, 404), response.status_code
    assert response.status_code == 404 or lands_on_site(response.headers["Location"])


@settings(FUZZ, max_examples=max(5, FUZZ.max_examples // 4))  # every attempt costs a password hash
@given(NEXT)
@example("/\r\n/evil.example/")  # had been a 500 after a correct login
@example("/\t/evil.example/")  # had been a redirect off the site
def test_next_after_a_login(app, as_role, next_page):
    if not getattr(app, "_fuzz_walker", False):
        as_role("viewer", name="walker")
        app._fuzz_walker = True
    client = app.test_client()
    token = csrf_token(client.get("/login", query_string={"next": next_page}))
    response = client.post("/login", query_string={"next": next_page},
                           data={"name": "walker", "password": TEST_PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and lands_on_site(response.headers["Location"])


@settings(FUZZ, max_examples=max(5, FUZZ.max_examples // 4))  # every attempt costs a password hash
@given(text(80), text(80), st.one_of(st.none(), text(40)), st.integers(1, 2**24))
@example("a\x00b", "\x00", "//evil.example", 1)  # PostgreSQL refuses NUL in text outright
def test_login_form(client, name, password, next_page, address):
    # A fresh client address each time, so that throttling does not answer every later attempt alone.
    client.environ_base["REMOTE_ADDR"] = f"10.{address >> 16}.{address >> 8 & 255}.{address & 255}"
    form = {"name": name, "password": password, "csrf_token": csrf_token(client.get("/login"))}
    response = client.post("/login", data=form, query_string={"next": next_page} if next_page is not None else {})
    assert response.status_code in (401, 429), response.status_code


@FUZZ
@given(st.lists(st.lists(CELL, min_size=7, max_size=7), min_size=1, max_size=6), st.sampled_from(["a.csv", "b.xlsx"]),
       st.one_of(st.none(), text(30)))
def test_upload_endpoint(as_role, app, rows, filename, walk):
    client = getattr(app, "_fuzz_uploader", None) or as_role("uploader")
    app._fuzz_uploader = client
    body = "\n".join(";".join(c.replace(";", ",").replace("\n", " ") for c in row)
                     for row in [["datum", "lat", "lon", "kategori", "allvarlighet", "kommentar", "vandring"], *rows])
    form = {"file": (io.BytesIO(body.encode()), filename)}
    if walk is not None:
        form["walk"] = walk
    response = client.post("/observations/upload", data=form, headers={"Accept": "application/json"},
                           content_type="multipart/form-data")
    assert response.status_code in (200, 201, 400, 422), response.get_data(as_text=True)[:500]
    assert response.get_json()["status"] in ("imported", "already_imported", "rejected")




# --- activity and place files, and the field API's JSON: mostly valid, so that the junk reaches the database

def mostly(valid, junk):
    """Draw from `valid` four times in five, else from `junk`."""
    return st.integers(0, 4).flatmap(lambda i: junk if i == 0 else valid)


PLACE_NAMES = ["Torget (exempel)", "Jakobsgårdstorget (exempel)", "<script>alert(1)</script>"]
ACTIVITY_HEADERS = ["plats", "aktivitet", "datum", "tid", "varaktighet", "deltagare"]
ACTIVITY_HEADER = mostly(st.sampled_from(ACTIVITY_HEADERS), st.one_of(text(20), st.sampled_from(
    ["Place", "kind", "typ", "date", "time", "start", "starttid", "duration", "minuter", "participants", "", " "])))
ACTIVITY_VALUES = [st.sampled_from([*PLACE_NAMES, "torget (EXEMPEL)", "Månen"]),
                   st.sampled_from(["medborgardialog", "polisnärvaro", "Rådgivning", "dialogue", "razzia"]),
                   st.sampled_from(["2025-02-10", "2025-02-30", "2099-01-01", "1999-12-31", "2025-03-30"]),
                   st.sampled_from(["18.00", "02:30", "25:00", ""]),
                   st.sampled_from(["90", "1441", "12,5", "0", "", "NaN", "1e308"]),
                   st.sampled_from(["12", "-3", "", "Anna Andersson", "1e308", "100001"])]
ACTIVITY_ROW = st.tuples(*(mostly(values, CELL) for values in ACTIVITY_VALUES)).map(list)


def activity_csv(headers: list[str], rows: list[list[str]], delimiter: str) -> str:
    """Join cells as they come: a delimiter, quote or line break inside one is part of the test."""
    return "\n".join(delimiter.join(row) for row in [headers, *rows])


@FUZZ
@given(st.lists(ACTIVITY_HEADER, min_size=6, max_size=6), st.lists(ACTIVITY_ROW, max_size=8), st.sampled_from([",", ";", "\t"]))
def test_activity_file_checks(headers, rows, delimiter):
    from geoapp.ingest.activities import check_activities
    from geoapp.ingest.report import RowError

    table = only_rejections(lambda: read_csv(activity_csv(headers, rows, delimiter), LIMITS))
    if table is None:
        return
    places = [{"id": i, "name": name} for i, name in enumerate(PLACE_NAMES, 1)]
    checked = check_activities(table, "a.csv", places)
    assert (checked.activities is None) == bool(checked.errors)
    assert all(isinstance(e, RowError) and e.message for e in checked.errors)
    if checked.activities is not None:
        assert set(checked.activities["place_id"]) <= {1, 2, 3}
        assert checked.activities["duration_min"].dropna().between(1, 1440).all()


@FUZZ
@given(st.lists(ACTIVITY_ROW, min_size=1, max_size=6), st.sampled_from(["a.csv", "b.xlsx", "c.geojson"]))
def test_activities_upload_endpoint(as_role, app, rows, filename):
    client = getattr(app, "_fuzz_activities", None) or as_role("uploader")
    app._fuzz_activities = client
    body = "\n".join(";".join(c.replace(";", ",").replace("\n", " ") for c in row) for row in [ACTIVITY_HEADERS, *rows])
    response = client.post("/activities/upload", data={"file": (io.BytesIO(body.encode()), filename)},
                           headers={"Accept": "application/json"}, content_type="multipart/form-data")
    assert response.status_code in (200, 201, 422), response.get_data(as_text=True)[:500]
    assert response.get_json()["status"] in ("imported", "already_imported", "rejected")


# Text as JSON can carry it, which Python's strings hold but no database or page can encode (half a surrogate pair).
ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=()), max_size=20)
ANY_JSON = st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | ANY_TEXT,
                        lambda children: st.lists(children, max_size=3) | st.dictionaries(ANY_TEXT, children, max_size=3),
                        max_leaves=12)


def place_file(rows: list[list], filename: str) -> bytes:
    """Write name, kind, lat, lon rows as a CSV, XLSX or GeoJSON file (lat and lon as its point)."""
    headers = ["name", "kind", "lat", "lon"]
    if filename.endswith(".geojson"):
        features = [{"type": "Feature", "properties": {"namn": name, "typ": kind},
                     "geometry": {"type": "Point", "coordinates": [lon, lat]}} for name, kind, lat, lon in rows]
        return json.dumps({"type": "FeatureCollection", "features": features}).encode()
    cells = [[c if isinstance(c, str) else json.dumps(c) for c in row] for row in rows]
    if filename.endswith(".xlsx"):
        book = openpyxl.Workbook()
        for row in [headers, *cells]:
            book.active.append([ILLEGAL_CHARACTERS_RE.sub("", c) for c in row])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    return activity_csv(headers, cells, ",").encode("utf-8", "surrogatepass")


PLACE_ROW = st.tuples(mostly(st.sampled_from(["Parkleken", "Skolgården", "Torget (exempel)"]), ANY_JSON),
                      mostly(st.sampled_from(["lekplats", "torg"]), ANY_JSON),
                      mostly(st.floats(60.488, 60.494), ANY_JSON), mostly(st.floats(15.396, 15.402), ANY_JSON)).map(list)


@FUZZ
@given(st.lists(PLACE_ROW, min_size=1, max_size=4), st.sampled_from(["p.csv", "p.xlsx", "p.geojson"]))
@example([["Park\ud800", "lekplats", 60.492869, 15.399074]], "p.geojson")  # had failed to be stored
@example([["Park\x00", "lekplats", 60.492869, 15.399074]], "p.geojson")  # PostgreSQL refuses NUL
def test_place_file_import(app, rows, filename):
    from geoapp.ingest.places import import_places

    report = import_places(app.extensions["geoapp"], place_file(rows, filename), filename)
    assert report.status in ("imported", "rejected")
    assert report.status == "imported" or all(e.message for e in report.errors)


VALID_ENTRY = {"walk": "Fältvandring", "observed_at": "2025-05-14T19:42:10+02:00", "lat": 60.492869, "lon": 15.399074,
               "accuracy_m": 8.5, "category": "belysning", "severity": 2, "positive": None, "comment": "Trasig lampa"}


@st.composite
def field_entries(draw) -> dict:
    """A valid entry with a fresh key, up to three of its fields replaced by any JSON and up to two taken out."""
    entry = {"idempotency_key": str(draw(st.uuids())), **VALID_ENTRY}
    for name in draw(st.lists(st.sampled_from(sorted(entry)), max_size=3, unique=True)):
        entry[name] = draw(ANY_JSON)
    for name in draw(st.lists(st.sampled_from(sorted(entry)), max_size=2, unique=True)):
        del entry[name]
    return entry


@FUZZ
@given(st.one_of(field_entries().map(lambda e: json.dumps(e).encode()), ANY_JSON.map(lambda v: json.dumps(v).encode()),
                 st.binary(max_size=200), st.integers(1, 200_000).map(lambda n: b"[" * n)),
       st.sampled_from(["application/json", "application/json", "text/plain"]))
@example(b'{"idempotency_key": "0123456789", "walk": "\\ud800", "observed_at": "2025-05-14", "lat": 60.492869, '
         b'"lon": 15.399074, "category": "litter"}', "application/json")  # had failed to be stored
@example(b"[" * 100_000, "application/json")  # had been a RecursionError, a 500
def test_field_api(as_role, app, body, content_type):
    client = getattr(app, "_fuzz_field", None) or as_role("uploader")
    app._fuzz_field = client
    response = client.post("/api/v1/observations", data=body, content_type=content_type)
    assert response.status_code in (200, 201, 422), response.get_data(as_text=True)[:500]
    answer = response.get_json()
    assert answer["status"] in ("imported", "already_imported", "rejected")
    assert answer["status"] != "rejected" or all(e["message"] for e in answer["errors"])
