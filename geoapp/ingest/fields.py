"""Column-at-a-time parsing of cells into typed values; each returns values and per-row problems."""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable

import pandas as pd

from geoapp.model import STOCKHOLM_TZ, Vocabulary

Problems = dict[int, str]  # row number -> message

SEVERITY_WORDS = {
    1: ("1", "minor", "låg", "liten", "lindrig", "low"),
    2: ("2", "notable", "medel", "märkbar", "medium"),
    3: ("3", "serious", "hög", "allvarlig", "high"),
}
SEVERITY = {word: level for level, words in SEVERITY_WORDS.items() for word in words}
YES = ("yes", "y", "ja", "j", "true", "sant", "1", "x")
NO = ("no", "n", "nej", "false", "falskt", "0")
POSITIVE = {**{w: True for w in YES}, **{w: False for w in NO}}
OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$", re.IGNORECASE)
SWEDISH_CLOCK = re.compile(r"(?:\s+kl\.?)?\s+(\d{1,2})[.:](\d{2})(?:[.:](\d{2}))?$", re.IGNORECASE)
EARLIEST = pd.Timestamp("2000-01-01", tz="UTC")
DATE_HINT = "expected a date like 2025-03-14 or a date and time like 2025-03-14 18:30"


def as_text(cells: pd.Series) -> pd.Series:
    """Return every cell as stripped text; missing cells become ''."""
    if cells.map(type).eq(str).all():
        return cells.str.strip()
    return cells.map(_cell_text).astype(object)


def _cell_text(value) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.isoformat(sep=" ")
    return str(value).strip()


def parse_numbers(cells: pd.Series, what: str) -> tuple[pd.Series, Problems]:
    """Parse numbers written with a decimal point or comma (spaces as thousands separators)."""
    text = as_text(cells)
    cleaned = text.str.replace(r"[\s\u00a0\u202f]", "", regex=True).str.replace(",", ".", regex=False)
    values = pd.to_numeric(cleaned.where(cleaned.str.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")),
                           errors="coerce").astype(float)
    problems = {row: f"no {what}" if not t else f"the {what} is not a number"
                for row, t in text[values.isna()].items()}
    return values, problems


def parse_times(cells: pd.Series) -> tuple[pd.Series, Problems]:
    """Parse dates or datetimes; times without an offset are Swedish time (Europe/Stockholm)."""
    text = as_text(cells).map(lambda t: SWEDISH_CLOCK.sub(lambda m: f" {m[1]}:{m[2]}" + (f":{m[3]}" if m[3] else ""), t))
    explicit = text.str.contains(OFFSET)
    with_offset = pd.to_datetime(text[explicit], format="ISO8601", errors="coerce", utc=True)
    naive = pd.to_datetime(text[~explicit], format="ISO8601", errors="coerce")
    local = naive.dt.tz_localize(STOCKHOLM_TZ, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
    values = pd.concat([with_offset, local]).reindex(text.index)
    problems: Problems = {}
    now = pd.Timestamp.now(tz="UTC")
    for row in values.index[values.isna() | (values < EARLIEST) | (values > now + pd.Timedelta(days=1))]:
        problems[row] = _time_problem(text[row], values[row], naive.get(row))
    return values, problems


def _time_problem(text: str, value, naive) -> str:
    """Explain why one date cell was refused."""
    if not text:
        return "no date"
    if pd.notna(value):
        return "the date is in the future" if value > EARLIEST else "the date is before the year 2000"
    if naive is not None and pd.notna(naive):
        return "this local time does not exist or occurs twice at a daylight-saving change; add the offset (+01:00 or +02:00)"
    return DATE_HINT


def combine_date_time(dates: pd.Series, times: pd.Series) -> pd.Series:
    """Join a date column and a time column into one text per row."""
    date_text = as_text(dates).str.slice(0, 10).where(as_text(dates).str.len() > 0, "")
    time_text = as_text(times).map(lambda t: t.split(" ")[-1] if t else "")
    return (date_text + " " + time_text).str.strip().where(date_text != "", "")


def parse_choice(cells: pd.Series, lookup: Callable[[str], object], problem: Callable[[str], str],
                 optional: bool = True) -> tuple[pd.Series, Problems]:
    """Map each distinct cell through `lookup` (None means refused); empty cells are None."""
    text = as_text(cells)
    table = {t: lookup(t) for t in text.unique() if t}
    # Built as objects so that integers and booleans stay themselves next to None.
    values = pd.Series([table.get(t) if t else None for t in text], index=text.index, dtype=object)
    problems = {row: problem(t) for row, t in text.items() if (t and table[t] is None) or (not t and not optional)}
    return values, problems


def parse_categories(cells: pd.Series, vocabulary: Vocabulary) -> tuple[pd.Series, Problems]:
    """Map keys or Swedish/English labels (case ignored) to vocabulary keys."""
    accepted = ", ".join(vocabulary.keys)
    return parse_choice(cells, vocabulary.lookup,
                        lambda t: "no category" if not t else f"unknown category; use one of: {accepted}",
                        optional=False)


def parse_severity(cells: pd.Series) -> tuple[pd.Series, Problems]:
    """Map 1–3 (or minor/notable/serious, låg/medel/hög) to 1, 2 or 3; empty is allowed."""
    return parse_choice(cells, lambda t: SEVERITY.get(t.casefold().removesuffix(".0")),
                        lambda t: "the severity must be 1 (minor), 2 (notable) or 3 (serious)")


def parse_positive(cells: pd.Series) -> tuple[pd.Series, Problems]:
    """Map yes/no, ja/nej, true/false, 1/0 to True or False; empty is allowed."""
    return parse_choice(cells, lambda t: POSITIVE.get(t.casefold().removesuffix(".0")),
                        lambda t: "expected yes or no (ja/nej, true/false, 1/0)")
