"""Check every row of a table and build the observations it describes, or the list of problems."""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace

import pandas as pd

from geoapp.domain.model import WGS84, SWEREF99TM, Vocabulary
from geoapp.i18n import _, number
from geoapp.ingest import fields as parse
from geoapp.ingest.columns import OBSERVATIONS, TIME_FIELDS, ColumnMap, Layout, map_columns
from geoapp.ingest.location import check_sweref, check_wgs84, locate_areas, place, valid_crs
from geoapp.ingest.report import RowError, show_value
from geoapp.ingest.table import RawTable
from geoapp.privacy.redact import redact_all

MAX_WALK_NAME = 255
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MAX_COMMENT = 2000
# A safety walk covers a neighbourhood: a point this far from the middle of its walk is most likely mistyped.
FAR_FROM_WALK_M = 3000
MIN_POINTS_FOR_MIDDLE = 3  # with fewer, no point can be told apart as the odd one
OBSERVATION_COLUMNS = ["walk", "observed_at", "category", "severity", "positive", "comment", "lon", "lat", "e", "n",
                       "area_code"]


@dataclass
class Checked:
    """The outcome of checking a table: clean observations (index = row number) or errors."""

    observations: pd.DataFrame | None
    errors: list[RowError]
    columns: ColumnMap
    redactions: Counter = field(default_factory=Counter)
    duplicates: list[dict] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # rows kept, but far from the rest of their walk


class Findings:
    """Collects problems as RowErrors that name the file, row and column."""

    def __init__(self, filename: str, table: RawTable, columns: ColumnMap):
        self.filename, self.table, self.columns = filename, table, columns
        self.errors: list[RowError] = []
        self.bad_rows: set[int] = set()
        self.add(table.row_problems, None)

    def header(self, name: str) -> str:
        return self.table.headers[self.columns.fields[name]]

    def add(self, problems: parse.Problems, column: str | None, shown: pd.Series | None = None) -> set[int]:
        """Record `problems` (row -> message) against `column`, showing that row's value from `shown`."""
        for row, message in problems.items():
            value = show_value(shown[row]) if shown is not None else ""
            self.errors.append(RowError(self.filename, int(row), column, value, message))  # not numpy's int64
        self.bad_rows.update(problems)
        return set(problems)


def read_columns(table: RawTable, filename: str, layout: Layout, empty: str) -> tuple[RawTable, Findings, bool]:
    """Map the headers and, when they are usable and there are rows, turn every used column into stripped text."""
    columns = map_columns(table, layout)
    found = Findings(filename, table, columns)
    for header, message in columns.problems:
        found.errors.append(RowError(filename, table.header_row, header, "", message))
    if table.cells.empty:
        found.errors.append(RowError(filename, None, None, "", empty))
    if columns.problems or table.cells.empty:
        return table, found, False
    used = sorted(set(columns.fields.values()))
    # Every used column becomes stripped text once, so that each parser works on the same text.
    text = pd.DataFrame({p: parse.to_text(table.cells[p]) for p in used}, index=table.cells.index)
    return replace(table, cells=text), found, True


def check_table(table: RawTable, filename: str, vocabulary: Vocabulary, areas, walk: str | None) -> Checked:
    """Check headers, then every cell; return observations only when nothing is wrong."""
    table, found, usable = read_columns(table, filename, OBSERVATIONS, _("the file has no observations"))
    columns = found.columns
    if "walk" not in columns.fields and not walk:
        found.errors.append(RowError(filename, None, None, "", _("no walk: add a walk (vandring) column or give the walk's name")))
        usable = False
    if not usable:
        return Checked(None, found.errors, columns)
    frame = pd.DataFrame(index=table.cells.index)
    frame["observed_at"] = parse_when(table, found, TIME_FIELDS)
    cell = lambda name: table.cells[columns.fields[name]]  # noqa: E731
    frame["category"], problems = parse.parse_categories(cell("category"), vocabulary)
    found.add(problems, found.header("category"), cell("category"))
    for name, parser in (("severity", parse.parse_severity), ("positive", parse.parse_positive)):
        frame[name] = None
        if name in columns.fields:
            frame[name], problems = parser(cell(name))
            found.add(problems, found.header(name), cell(name))
    frame["walk"] = _walks(table, found, walk)
    frame["comment"], redactions = _comments(table, found)
    placed_rows = coordinates(frame, table, found)
    return _finish(frame, found, areas, placed_rows, redactions)


def parse_when(table: RawTable, found: Findings, names: tuple[str, ...], ahead: pd.Series | None = None) -> pd.Series:
    """Parse the time from a date and a time column, else from the first of `names` the file has (see parse_times)."""
    fields, cells = found.columns.fields, table.cells
    if "date" in fields and "time" in fields:
        text = parse.combine_date_time(cells[fields["date"]], cells[fields["time"]])
        column = found.header("date")
    else:
        name = next(n for n in names if n in fields)
        text, column = cells[fields[name]], found.header(name)
    values, problems = parse.parse_times(text, ahead)
    found.add(problems, column, text)
    return values


def _walks(table: RawTable, found: Findings, walk: str | None) -> pd.Series:
    """Return each row's walk: its own cell, else the walk given with the upload."""
    given = " ".join((walk or "").split())
    problem = _walk_problem(given, "") if given else None
    if problem:
        message = _("the walk given with the upload: %(problem)s", problem=problem)
        found.errors.append(RowError(found.filename, None, None, show_value(given), message))
    if "walk" not in found.columns.fields:
        return pd.Series(given, index=table.cells.index, dtype=object)
    column = found.header("walk")
    text = parse.per_unique(parse.as_text(table.cells[found.columns.fields["walk"]]), lambda t: " ".join(t.split()))
    problem = parse.per_unique(text, lambda name: _walk_problem(name, given))
    found.add(problem[problem.notna()].to_dict(), column, text)
    return text.where(text != "", given)


def _walk_problem(name: str, given: str) -> str | None:
    """Explain why a walk cell cannot be used, or return None."""
    if not name and not given:
        return _("no walk")
    if given and name and name != given:
        return _("this row's walk differs from the walk given with the upload (%(walk)s)", walk=show_value(given))
    if len(name) > MAX_WALK_NAME:
        return _("the walk name is longer than %(n)d characters", n=MAX_WALK_NAME)
    if has_control_characters(name):
        return _("the walk name contains control characters")
    return None


def has_control_characters(text: str) -> bool:
    """Return True when `text` holds a control character or a bidirectional override."""
    # Terminal escapes and bidirectional overrides would make a name print as something else; PostgreSQL refuses NUL.
    return any(unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS for c in text)


def _comments(table: RawTable, found: Findings) -> tuple[pd.Series, Counter]:
    """Redact every comment; the raw text goes no further than this function."""
    if "comment" not in found.columns.fields:
        return pd.Series(None, index=table.cells.index, dtype=object), Counter()
    # Control characters (NUL above all, which PostgreSQL refuses in text) carry nothing a reader needs.
    text = parse.as_text(table.cells[found.columns.fields["comment"]]).str.replace(CONTROL, "", regex=True)
    clean, counts = redact_all(text)
    too_long = _("the comment is longer than %(n)s characters", n=number(MAX_COMMENT))
    long = {row: too_long for row, t in clean.items() if len(t) > MAX_COMMENT}
    found.add(long, found.header("comment"), clean)
    return clean.where(clean != "", None), counts


def coordinates(frame: pd.DataFrame, table: RawTable, found: Findings) -> pd.Index:
    """Parse and check coordinates in the file's system, add lon/lat and e/n; return the rows placed."""
    location = found.columns.location
    if location == "geometry":
        problem = valid_crs(table.crs)
        if problem:
            found.add({row: problem for row in table.cells.index}, None)
            frame[["lon", "lat", "e", "n"]] = float("nan")
            return table.cells.index[:0]
        x, y, crs = table.points["x"], table.points["y"], table.crs
        no_point = _("the feature has no point geometry")
        bad = found.add({r: no_point for r in x.index[x.isna() | y.isna()]
                         if r not in table.row_problems}, None) | set(table.row_problems)
    else:
        x, y, crs, bad = _coordinate_columns(table, found)
    placed = place(x, y, crs)
    frame["lon"], frame["lat"], frame["e"], frame["n"] = placed.lon, placed.lat, placed.e, placed.n
    if location == "geometry":
        usable = ~frame.index.isin(list(bad))
        bad |= found.add(check_wgs84(frame["lat"][usable], frame["lon"][usable]), None)
    return frame.index[~frame.index.isin(list(bad))]


def _coordinate_columns(table: RawTable, found: Findings):
    """Return x, y, their CRS and the rows refused, from lat/lon, N/E or a combined location column."""
    fields, cells, location = found.columns.fields, table.cells, found.columns.location
    if location == "geopoint":
        text = parse.as_text(cells[fields["geopoint"]])
        number = r"([+-]?\d+(?:\.\d+)?)"
        parts = text.str.extract(rf"^\[?\s*{number}\s*[,;\s]\s*{number}")
        y, x = pd.to_numeric(parts[0], errors="coerce"), pd.to_numeric(parts[1], errors="coerce")
        column = found.header("geopoint")
        missing = _("no latitude and longitude in the location")
        bad = found.add({r: missing for r in x.index[x.isna() | y.isna()]}, column, text)
        return x, y, WGS84, bad | found.add(check_wgs84(y, x), column, text)
    names = ("lat", "lon") if location == "wgs84" else ("n", "e")
    (y, problems_y), (x, problems_x) = (parse.parse_numbers(cells[fields[n]], _what(n)) for n in names)
    bad = found.add(problems_y, found.header(names[0]), cells[fields[names[0]]])
    bad |= found.add(problems_x, found.header(names[1]), cells[fields[names[1]]])
    shown = parse.as_text(cells[fields[names[0]]]) + ", " + parse.as_text(cells[fields[names[1]]])
    column = f"{found.header(names[0])}/{found.header(names[1])}"
    crs, check = (WGS84, check_wgs84) if location == "wgs84" else (SWEREF99TM, check_sweref)
    return x, y, crs, bad | found.add(check(y, x), column, shown)


def _what(name: str) -> str:
    return {"lat": _("latitude"), "lon": _("longitude"), "n": _("northing (N)"), "e": _("easting (E)")}[name]


def _finish(frame: pd.DataFrame, found: Findings, areas, placed_rows: pd.Index, redactions: Counter) -> Checked:
    """Find each point's area and the duplicates within the file; return the verdict."""
    placed = frame.loc[placed_rows]
    codes, problems = locate_areas(placed["e"], placed["n"], areas)
    found.add(problems, None)
    if found.errors:
        return Checked(None, found.errors, found.columns)
    frame = frame.assign(area_code=codes)[OBSERVATION_COLUMNS]
    key = ["walk", "observed_at", "e", "n", "category"]
    first = frame.assign(row=frame.index).groupby(key, sort=False)["row"].transform("first")
    repeated = first.index != first.to_numpy()
    duplicates = [{"row": int(r), "message": _("same walk, time, place and category as row %(row)d", row=int(f))}
                  for r, f in first[repeated].items()]
    return Checked(frame[~repeated], [], found.columns, redactions, duplicates, far_from_walk(frame, found, areas))


def far_from_walk(frame: pd.DataFrame, found: Findings, areas) -> list[RowError]:
    """Warn of each row whose point lies far from the middle of its walk's points, naming the coordinate to check."""
    names = dict(zip(areas["id"], areas["name"])) if "id" in areas else {}
    warnings = []
    for walk, rows in frame.groupby("walk", sort=False):
        if len(rows) < MIN_POINTS_FOR_MIDDLE:
            continue
        de, dn = rows["e"] - rows["e"].median(), rows["n"] - rows["n"].median()
        distance = (de**2 + dn**2) ** 0.5
        for row in distance.index[distance > FAR_FROM_WALK_M]:
            column, value = _coordinate_cell(found, int(row), abs(dn[row]) >= abs(de[row]))
            message = _("the point lies %(km)s km from the middle of walk %(walk)s, in %(area)s; check the %(what)s",
                        km=number(distance[row] / 1000, 1), walk=show_value(walk),
                        area=names.get(frame.at[row, "area_code"], frame.at[row, "area_code"]),
                        what=_what_to_check(found.columns.location, abs(dn[row]) >= abs(de[row])))
            warnings.append(RowError(found.filename, int(row), column, value, message))
    return sorted(warnings, key=lambda w: w.row)


def _coordinate_cell(found: Findings, row: int, north: bool) -> tuple[str | None, str]:
    """Return the header and the shown value of the coordinate most off in `row` (north-south when `north`)."""
    location, fields = found.columns.location, found.columns.fields
    if location == "geometry":
        return None, ""
    name = "geopoint" if location == "geopoint" else ("lat" if north else "lon") if location == "wgs84" else (
        "n" if north else "e")
    return found.header(name), show_value(found.table.cells.at[row, fields[name]])


def _what_to_check(location: str, north: bool) -> str:
    if location in ("geometry", "geopoint"):
        return _("coordinates")
    if location == "wgs84":
        return _("latitude") if north else _("longitude")
    return _("northing (N)") if north else _("easting (E)")
