"""The table every reader makes of an uploaded file, the limits it reads within, and what readers share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from geoapp.i18n import _, number

# Half of a UTF-16 pair: JSON's \ud800 escapes make one, and no database or page can encode it.
SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Limits:
    """How much one file may hold."""

    max_rows: int = 100_000
    xlsx_max_unpacked: int = 250 * 1024 * 1024
    xlsx_max_ratio: int = 100


@dataclass
class RawTable:
    """Raw cells indexed by the row number as the file numbers it, with the file's CRS if declared."""

    headers: list[str]
    cells: pd.DataFrame  # columns 0..len(headers)-1, object values as read
    header_row: int | None = 1  # None when the format has no header row (GeoJSON, GeoPackage)
    row_label: str = "row"
    crs: str | None = None
    points: pd.DataFrame | None = None  # x, y of each row's point geometry, in `crs`
    row_problems: dict[int, str] = field(default_factory=dict)


def too_many_rows(limits: Limits) -> str:
    """Return the message for a file over the row limit."""
    return _("the file has more than %(n)s rows (the limit, GEOAPP_MAX_ROWS); split it", n=number(limits.max_rows))


def table_from_records(headers: list[str], records: list, numbers: list[int], header_row: int | None) -> RawTable:
    """Build a RawTable, padding short records and flagging cells beyond the header."""
    width = len(headers)
    problems = {}
    for number, record in zip(numbers, records):
        if len(record) > width and any(str(c).strip() for c in record[width:] if c is not None):
            problems[number] = _("the row has %(cells)d cells but the header only %(columns)d columns", cells=len(record),
                                 columns=width)
    # Short records are padded here: pandas refuses ragged rows when none of them is full width.
    padded = [[*r[:width], *[None] * (width - len(r))] for r in records]
    cells = pd.DataFrame(padded, index=numbers, columns=range(width), dtype=object)
    return RawTable(headers=headers, cells=cells, header_row=header_row, row_problems=problems)


def unpaired_surrogate(value: object) -> str | None:
    """Return the first unpaired surrogate in the strings of a JSON value (keys included) as U+XXXX, or None."""
    stack = [value]
    while stack:  # a loop, not recursion: the value may be nested as deeply as the JSON parser allows
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.items())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, str) and (found := SURROGATE.search(item)):
            return f"U+{ord(found[0]):04X}"
    return None
