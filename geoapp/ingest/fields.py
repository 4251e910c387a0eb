"""Column-at-a-time parsing of cells into typed values; each returns values and per-row problems."""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable

import numpy as np
import pandas as pd

from geoapp.domain.model import STOCKHOLM_TZ, Vocabulary
from geoapp.i18n import N_, _

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
ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[ T])")
DATE_HINT = N_("expected a date like 2025-03-14 or a date and time like 2025-03-14 18:30")


def to_text(cells: pd.Series) -> pd.Series:
    """Return every cell as stripped text (pandas str dtype); missing cells become ''."""
    if pd.api.types.infer_dtype(cells, skipna=False) == "string":
        return cells.str.strip().astype("str")
    return cells.map(_cell_text).astype("str")


def as_text(cells: pd.Series) -> pd.Series:
    """Return cells as text, at no cost when they already are (see to_text)."""
    return cells if cells.dtype == "str" else to_text(cells)


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
    values = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce").astype(float)
    values[~np.isfinite(values.to_numpy())] = np.nan  # 'nan' and 'inf' are not coordinates
    retry = values.isna() & (text != "")
    if retry.any():  # the rare cell written with thousands separators, e.g. '6 706 369,40'
        cleaned = text[retry].str.replace(r"[\s\u00a0\u202f]", "", regex=True).str.replace(",", ".", regex=False)
        plain = cleaned.where(cleaned.str.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"), "")
        values[retry] = pd.to_numeric(plain, errors="coerce")
    missing, wrong = _("no %(what)s", what=what), _("the %(what)s is not a number", what=what)
    problems = {row: missing if not t else wrong for row, t in text[values.isna()].items()}
    return values, problems


def parse_times(cells: pd.Series, ahead: pd.Series | None = None) -> tuple[pd.Series, Problems]:
    """Parse dates or datetimes; times without an offset are Swedish time (Europe/Stockholm).

    Rows marked True in `ahead` may lie up to a year in the future (an announced dialogue); no other row may.
    """
    text = as_text(cells)
    swedish = text.str.contains(".", regex=False) | text.str.contains("kl", regex=False)
    if swedish.any():  # '18.30' and 'kl. 18.30' as Swedes write the time of day
        text = text.where(~swedish, text[swedish].map(_iso_clock))
    explicit = text.str.contains(OFFSET)
    with_offset = pd.to_datetime(text[explicit], format="ISO8601", errors="coerce", utc=True)
    naive = pd.to_datetime(text[~explicit], format="ISO8601", errors="coerce")
    local = naive.dt.tz_localize(STOCKHOLM_TZ, ambiguous="NaT", nonexistent="NaT").dt.tz_convert("UTC")
    values = pd.concat([with_offset, local]).reindex(text.index)
    problems: Problems = {}
    now = pd.Timestamp.now(tz="UTC")
    latest = pd.Series(now + pd.Timedelta(days=1), index=values.index)
    if ahead is not None:
        latest = latest.where(~ahead.reindex(values.index, fill_value=False).astype(bool), now + pd.Timedelta(days=366))
    for row in values.index[values.isna() | (values < EARLIEST) | (values > latest)]:
        problems[row] = _time_problem(text[row], values[row], naive.get(row))
    return values, problems


def _time_problem(text: str, value, naive) -> str:
    """Explain why one date cell was refused."""
    if not text:
        return _("no date")
    if pd.notna(value):
        return _("the date is in the future") if value > EARLIEST else _("the date is before the year 2000")
    if naive is not None and pd.notna(naive):
        return _("this local time does not exist or occurs twice at a daylight-saving change; add the offset (+01:00 or +02:00)")
    day = ISO_DAY.match(text)
    if day and not _is_calendar_day(*map(int, day.groups())):
        return _("there is no such day in the calendar")
    return _(DATE_HINT)


def _is_calendar_day(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def combine_date_time(dates: pd.Series, times: pd.Series) -> pd.Series:
    """Join a date column and a time column into one text per row."""
    date_text = per_unique(as_text(dates), lambda d: d[:10])
    time_text = per_unique(as_text(times), lambda t: t.split(" ")[-1] if t else "")
    joined = (date_text + " " + time_text).str.strip()
    return joined.where(date_text != "", "").astype("str")


def _iso_clock(text: str) -> str:
    """Rewrite a Swedish time of day ('18.30', 'kl. 18.30') after a date as 18:30."""
    return SWEDISH_CLOCK.sub(lambda m: f" {m[1]}:{m[2]}" + (f":{m[3]}" if m[3] else ""), text)


def per_unique(text: pd.Series, function: Callable[[str], object]) -> pd.Series:
    """Apply `function` once per distinct value and spread the results over the rows (as objects)."""
    codes, uniques = pd.factorize(text)
    results = np.empty(len(uniques), dtype=object)
    results[:] = [function(u) for u in uniques]
    return pd.Series(results[codes], index=text.index, dtype=object)


def parse_choice(cells: pd.Series, lookup: Callable[[str], object], problem: Callable[[str], str],
                 optional: bool = True) -> tuple[pd.Series, Problems]:
    """Map each distinct cell through `lookup` (None means refused); empty cells are None."""
    text = as_text(cells)
    values = per_unique(text, lambda t: lookup(t) if t else None)
    refused = values.isna() & ((text != "") | (not optional))
    problems = {row: problem(text[row]) for row in text.index[refused.to_numpy()]}
    return values, problems


def parse_categories(cells: pd.Series, vocabulary: Vocabulary) -> tuple[pd.Series, Problems]:
    """Map keys or Swedish/English labels (case ignored) to vocabulary keys."""

    def problem(text: str) -> str:
        if not text:
            return _("no category")
        # Named as the file names them: in the language of the closest label (Swedish unless it looks English).
        near = vocabulary.nearest(text)
        language = near[1] if near else "sv"
        accepted = ", ".join(vocabulary.labels(language).values())
        if near:
            return _("unknown category; did you mean %(label)r? Use one of: %(labels)s", label=near[0], labels=accepted)
        return _("unknown category; use one of: %(labels)s", labels=accepted)

    return parse_choice(cells, vocabulary.lookup, problem, optional=False)


def parse_severity(cells: pd.Series) -> tuple[pd.Series, Problems]:
    """Map 1–3 (or minor/notable/serious, låg/medel/hög) to 1, 2 or 3; empty is allowed."""
    return parse_choice(cells, lambda t: SEVERITY.get(t.casefold().removesuffix(".0")),
                        lambda t: _("the severity must be 1 (minor), 2 (notable) or 3 (serious)"))


def parse_positive(cells: pd.Series) -> tuple[pd.Series, Problems]:
    """Map yes/no, ja/nej, true/false, 1/0 to True or False; empty is allowed."""
    return parse_choice(cells, lambda t: POSITIVE.get(t.casefold().removesuffix(".0")),
                        lambda t: _("expected yes or no (ja/nej, true/false, 1/0)"))
