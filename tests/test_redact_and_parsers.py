"""Redaction of comments, and parsers that answer any input with a verdict, never a crash."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geoapp.domain.areas import AreaSource, build_area_frame, load_groups, read_area_file
from geoapp.domain.model import load_vocabulary
from geoapp.ingest.readers import read_table
from geoapp.ingest.report import FileRejected
from geoapp.ingest.rows import check_table
from geoapp.ingest.table import Limits, RawTable
from geoapp.privacy.redact import luhn_valid, redact
from tests.conftest import ROOT

DATA = ROOT / "data"


def check_digit(nine: str) -> str:
    return next(d for d in "0123456789" if luhn_valid(nine + d))


@st.composite
def identity_numbers(draw, coordination: bool = False) -> str:
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date(2024, 12, 31)))
    day = born.day + (60 if coordination else 0)
    serial = f"{draw(st.integers(0, 999)):03d}"
    short = f"{born:%y%m}{day:02d}"
    number = short + serial + check_digit(short + serial)
    form = draw(st.sampled_from(["long-dash", "long", "short-dash", "short", "short-plus"]))
    century = f"{born.year // 100}"
    return {"long-dash": f"{century}{short}-{number[6:]}", "long": f"{century}{number}",
            "short-dash": f"{short}-{number[6:]}", "short": number, "short-plus": f"{short}+{number[6:]}"}[form]


SURROUNDING = st.text(alphabet=st.characters(blacklist_categories=("Nd",), blacklist_characters="@+-"), max_size=30)


@given(SURROUNDING, identity_numbers(), SURROUNDING)
def test_any_valid_personnummer_is_removed(before, number, after):
    clean, counts = redact(f"{before} {number} {after}")
    assert counts["personnummer"] == 1
    assert number not in clean and "[personnummer]" in clean


@given(identity_numbers(coordination=True))
def test_any_valid_samordningsnummer_is_removed(number):
    clean, counts = redact(f"nr {number}.")
    assert counts["samordningsnummer"] == 1 and clean == "nr [samordningsnummer]."


@given(st.text(max_size=200))
def test_redaction_is_idempotent(text):
    once, _ = redact(text)
    twice, counts = redact(once)
    assert twice == once and not counts


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd", "No", "Nl"), blacklist_characters="@"), max_size=200))
def test_text_without_digits_or_at_signs_is_untouched(text):
    assert redact(text) == (text, {})


@pytest.mark.parametrize(("text", "expected"), [
    ("Ring 070-174 06 50 i kväll", "Ring [telefonnummer] i kväll"),
    ("tel +46 70 174 06 50", "tel [telefonnummer]"),
    ("växel 023-123 45", "växel [telefonnummer]"),
    ("mejla anna.e+walk@example.com nu", "mejla [e-post] nu"),
    ("Bil ABC 123 och abc12d", "Bil [registreringsnummer] och [registreringsnummer]"),
    ("Ny skylt MLB 12A", "Ny skylt [registreringsnummer]"),
    ("personnr 19121212-1212", "personnr [personnummer]"),
    ("felaktigt 19121212-1213", "felaktigt 19121212-1213"),  # checksum fails: not a personnummer
])
def test_redaction_examples(text, expected):
    assert redact(text)[0] == expected


@pytest.mark.parametrize("text", ["2025-03-14 kl 18.30", "lampa nr 12 av 40", "100 meter från tunneln", "3 av 5 lampor"])
def test_ordinary_numbers_stay(text):
    assert redact(text) == (text, {})


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["a.csv", "a.xlsx", "a.geojson", "a.json", "a.gpkg", "a"]))
def test_reading_any_bytes_gives_a_table_or_a_rejection(data, filename):
    try:
        table = read_table(data, filename, Limits(max_rows=50))
    except FileRejected:
        return
    assert isinstance(table, RawTable)


@pytest.fixture(scope="module")
def context():
    areas = read_area_file(AreaSource(DATA / "areas" / "borlange_regso_2025.gpkg"))
    frame = build_area_frame(areas, load_groups(DATA / "areas" / "groups.toml"))
    return load_vocabulary(DATA / "vocabulary" / "categories.csv"), frame


HEADERS = st.sampled_from(["date", "tid", "lat", "Longitud", "N", "E", "kategori", "severity", "trygg", "comment",
                           "walk", "_geolocation", "x", "start", "anything"])
CELL = st.one_of(st.text(max_size=25), st.sampled_from(["60,49", "15.399", "2025-03-01 18:00", "litter", "ja", "2",
                                                        "6706369", "521927", "nan", "inf", "[60.49, 15.39]"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(HEADERS, min_size=1, max_size=8), st.lists(st.lists(CELL, min_size=8, max_size=8), max_size=6),
       st.one_of(st.none(), st.text(max_size=10)))
def test_checking_any_cells_gives_observations_or_errors(context, headers, rows, walk):
    vocabulary, areas = context
    cells = pd.DataFrame([r[: len(headers)] for r in rows], index=range(2, len(rows) + 2),
                         columns=range(len(headers)), dtype=object)
    checked = check_table(RawTable(headers, cells), "f.csv", vocabulary, areas, walk)
    assert (checked.observations is None) == bool(checked.errors)
    if checked.observations is not None:
        assert checked.observations["area_code"].notna().all()
        assert (checked.observations["observed_at"] > pd.Timestamp("2000-01-01", tz="UTC") - timedelta(0)).all()
