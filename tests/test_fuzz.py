"""Property-based fuzzing of every input parser: only geoapp's own validation errors, never a crash or a 500.

GEOAPP_FUZZ_EXAMPLES (default 40) sets the examples per property; raise it for a deeper run, e.g.
`GEOAPP_FUZZ_EXAMPLES=2000 python -m pytest tests/test_fuzz.py`.
"""

from __future__ import annotations

import io
import os
import zipfile

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from geoapp.areas import AreaFileError, AreaSource, load_groups, read_area_file
from geoapp.ingest import fields
from geoapp.ingest.columns import map_columns
from geoapp.ingest.geofiles import read_geojson, read_geopackage
from geoapp.ingest.readers import Limits, RawTable, read_csv, read_table
from geoapp.ingest.report import FileRejected
from geoapp.ingest.spreadsheet import read_xlsx
from geoapp.model import load_vocabulary
from geoapp.periods import PeriodError, parse_period
from tests.conftest import ROOT, csrf_token
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
    import json

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

