"""Survey results in: aggregated results (area, year, indicator, value, n, interval) from CSV/XLSX, all or nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from geoapp.domain.periods import FIRST_YEAR
from geoapp.domain.users import Actor
from geoapp.i18n import N_, _
from geoapp.ingest import fields as parse
from geoapp.ingest.columns import Layout
from geoapp.ingest.importer import receive, saved_or_already
from geoapp.ingest.report import IMPORTED, ImportReport, RowError, rejected
from geoapp.ingest.rows import Findings, read_columns
from geoapp.ingest.table import RawTable
from geoapp.store import audit
from geoapp.store import surveys as stored
from geoapp.store.observations import add_upload

KIND = "surveys"
LAYOUT = Layout(
    {"area": ("område", "omrade", "area", "area id", "områdeskod", "area code", "regso"),
     "year": ("år", "ar", "year", "mätår", "survey year"),
     "indicator": ("indikator", "indicator", "mått", "measure"),
     "value": ("värde", "varde", "value", "resultat", "result"),
     "n": ("n", "antal svarande", "svarande", "respondents", "number of respondents", "antal"),
     "low": ("lägre", "nedre", "undre gräns", "ci low", "low", "lower", "konfidensintervall lägre"),
     "high": ("övre", "övre gräns", "ci high", "high", "upper", "konfidensintervall övre")},
    (("area", N_("no area column (område/area)")), ("year", N_("no year column (år/year)")),
     ("indicator", N_("no indicator column (indikator/indicator)")), ("value", N_("no value column (värde/value)"))),
    location=False,
)
INDICATOR = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
MAX_N = 10_000_000


@dataclass
class CheckedSurveys:
    """Clean results (index = row number), or the problems."""

    results: pd.DataFrame | None
    errors: list[RowError]
    ignored: list[str] = field(default_factory=list)


def indicator_key(text: str) -> str | None:
    """Return the indicator's key (lower case, spaces as _), or None when it is not a plain name."""
    key = re.sub(r"\s+", "_", text.strip().casefold())
    return key if INDICATOR.fullmatch(key) else None


def area_lookup(areas: dict[str, dict]):
    """Return a function finding an area id from its id, RegSO code or name (case ignored)."""
    # A group of one RegSO area (Tjärna Ängar) is that area: its results are stored under the RegSO code.
    same = {area_id: row["members"][0] if len(row["members"]) == 1 else area_id for area_id, row in areas.items()}
    names = {}
    for area_id, row in areas.items():
        names[area_id.casefold()] = same[area_id]
        names.setdefault(str(row["name"]).casefold(), same[area_id])
    return lambda text: names.get(" ".join(text.split()).casefold())


def check_surveys(table: RawTable, filename: str, areas: dict[str, dict], min_n: int, this_year: int) -> CheckedSurveys:
    """Check every row: a known area, a year, an indicator name, a value, n of at least `min_n`, an interval around it."""
    table, found, usable = read_columns(table, filename, LAYOUT, _("the file has no survey results"))
    if not usable:
        return CheckedSurveys(None, found.errors)
    fields = found.columns.fields
    cell = lambda name: table.cells[fields[name]]  # noqa: E731
    frame = pd.DataFrame(index=table.cells.index)
    known = ", ".join(sorted(areas)[:6])
    frame["area_id"], problems = parse.parse_choice(
        cell("area"), area_lookup(areas),
        lambda t: _("no area") if not t else _("unknown area; use an id from /api/v1/areas, such as %(areas)s", areas=known),
        optional=False)
    found.add(problems, found.header("area"), cell("area"))
    frame["year"] = _whole(found, cell("year"), "year", FIRST_YEAR, this_year,
                           _("the year must be a whole number from %(first)d to %(last)d", first=FIRST_YEAR, last=this_year))
    frame["indicator"], problems = parse.parse_choice(
        cell("indicator"), indicator_key,
        lambda t: _("no indicator") if not t else _("the indicator must be a name of letters a-z, digits, - and _, such as trygghetsindex"),
        optional=False)
    found.add(problems, found.header("indicator"), cell("indicator"))
    values, problems = parse.parse_numbers(cell("value"), _("value"))
    found.add(problems, found.header("value"), cell("value"))
    frame["value"] = values
    frame["n"] = _whole(found, cell("n"), "n", 0, MAX_N, _("n is the number of respondents, a whole number"), optional=True) \
        if "n" in fields else None
    if "n" in fields:
        small = {row: _("n is %(n)d: only results from at least %(min)d respondents are accepted (GEOAPP_SURVEY_MIN_N), "
                        "since fewer could tell about single persons", n=n, min=min_n)
                 for row, n in frame["n"].items() if n is not None and n < min_n}
        found.add(small, found.header("n"), cell("n"))
    _interval(found, frame, cell, fields)
    if found.errors:
        return CheckedSurveys(None, found.errors)
    key = ["area_id", "year", "indicator"]
    first = frame.assign(row=frame.index).groupby(key, sort=False)["row"].transform("first")
    twice = {int(r): _("the same area, year and indicator as row %(row)s", row=int(f))
             for r, f in first[first.index != first.to_numpy()].items()}
    if twice:
        found.add(twice, found.header("indicator"), cell("indicator"))
        return CheckedSurveys(None, found.errors)
    return CheckedSurveys(frame, [], found.columns.ignored)


def _whole(found: Findings, cells: pd.Series, name: str, lowest: int, highest: int, message: str,
           optional: bool = False) -> pd.Series:
    """Parse a column of whole numbers from `lowest` to `highest`; empty cells are None when optional."""
    text = parse.as_text(cells)
    values, _problems = parse.parse_numbers(text, name)
    bad = ~(values.between(lowest, highest) & (values == values.round()))
    if optional:
        bad &= text != ""
    found.add({row: message for row in text.index[bad]}, found.header(name), text)
    return pd.Series([None if pd.isna(v) else int(v) for v in values], index=values.index, dtype=object)


def _interval(found: Findings, frame: pd.DataFrame, cell, fields) -> None:
    """Read the optional interval: both bounds or neither, around the value."""
    for name in ("low", "high"):
        frame[name] = None
        if name in fields:
            text = parse.as_text(cell(name))
            values, problems = parse.parse_numbers(text, name)
            found.add({r: m for r, m in problems.items() if text[r] != ""}, found.header(name), text)
            frame[name] = pd.Series([None if pd.isna(v) else float(v) for v in values], index=values.index, dtype=object)
    for row, (value, low, high) in frame[["value", "low", "high"]].iterrows():
        low, high = (None if pd.isna(v) else v for v in (low, high))
        if pd.isna(value) or (low is None and high is None):
            continue
        if low is None or high is None or not low <= value <= high:
            column = found.header("low") if "low" in fields else found.header("high")
            found.add({row: _("the interval needs both bounds, the lower one at most the value and the upper one at least it")},
                      column, None)


def import_surveys(site, data: bytes, filename: str | None, uploaded_by: str | None = None,
                   sheet: str | None = None, address: str | None = None, today: date | None = None) -> ImportReport:
    """Import a file of survey results (CSV or XLSX); the same function serves the upload page and the command line."""
    received = receive(site, data, filename, KIND, sheet, formats=("csv", "xlsx"))
    if isinstance(received, ImportReport):
        return received
    name, digest, table = received
    this_year = (today or date.today()).year
    checked = check_surveys(table, name, site.areas_by_id(), int(site.settings["SURVEY_MIN_N"]), this_year)
    if checked.errors:
        return rejected(name, checked.errors, KIND)
    by = Actor(uploaded_by, address)
    return saved_or_already(site, KIND, name, digest, lambda: _save(site, checked, name, digest, by))


def _save(site, checked: CheckedSurveys, name: str, digest: str, by: Actor) -> ImportReport:
    """Store the upload and its results in one transaction, replacing earlier results of the same keys."""
    rows = [{k: (None if v is None or (isinstance(v, float) and v != v) else v) for k, v in r.items()}
            for r in checked.results.to_dict("records")]
    with site.store.begin() as conn:
        upload_id = add_upload(conn, KIND, digest, name, by.name, len(rows), 0)
        new, replaced = stored.replace_results(conn, rows, upload_id)
        audit.record(conn, "upload", actor=by.name, detail=f"survey file {name}: {new} new, {replaced} replaced",
                     address=by.address)
    return ImportReport(IMPORTED, name, rows=len(rows), ignored_columns=checked.ignored, kind=KIND)
