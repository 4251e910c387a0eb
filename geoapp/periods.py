"""Fixed calendar periods (year, tertial, quarter, month, ISO week) in Europe/Stockholm time.

Only these bins can be asked for: free date ranges would let two queries be subtracted to
isolate single observations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np

from geoapp.i18n import N_, _
from geoapp.model import STOCKHOLM_TZ

# Coarse to fine; the privacy ladder tries the kinds in this order.
KINDS = ("year", "tertial", "quarter", "month", "week")
FIRST_YEAR, LAST_YEAR = 2000, 2100
_MONTHS_PER = {"tertial": 4, "quarter": 3, "month": 1}
_PATTERNS = (
    ("year", re.compile(r"([0-9]{4})")),
    ("tertial", re.compile(r"([0-9]{4})-T([1-3])")),
    ("quarter", re.compile(r"([0-9]{4})-Q([1-4])")),
    ("month", re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")),
    ("week", re.compile(r"([0-9]{4})-W([0-9]{2})")),
)
_LABELS = {"year": N_("Years"), "tertial": N_("Tertials"), "quarter": N_("Quarters"), "month": N_("Months"),
           "week": N_("Weeks (ISO)")}
KIND_NAMES = {"year": N_("year"), "tertial": N_("tertial"), "quarter": N_("quarter"), "month": N_("month"),
              "week": N_("week")}


class PeriodError(ValueError):
    """A period that is not one of the fixed calendar bins; the message says what is accepted."""


def weeks_in(year: int) -> int:
    """Return the number of ISO weeks (52 or 53) of ISO year `year`."""
    return date(year, 12, 28).isocalendar().week


@dataclass(frozen=True, order=True)
class Period:
    """One fixed calendar bin: `index` is 1 for a year, else the tertial, quarter, month or ISO week."""

    kind: str
    year: int
    index: int = 1

    @property
    def code(self) -> str:
        suffix = {"year": "", "tertial": f"-T{self.index}", "quarter": f"-Q{self.index}",
                  "month": f"-{self.index:02d}", "week": f"-W{self.index:02d}"}[self.kind]
        return f"{self.year}{suffix}"

    def __str__(self) -> str:
        return self.code

    @property
    def first_day(self) -> date:
        if self.kind == "week":
            return date.fromisocalendar(self.year, self.index, 1)
        months = _MONTHS_PER.get(self.kind, 12)
        return date(self.year, 1 + (self.index - 1) * months, 1)

    @property
    def end_day(self) -> date:
        """Return the first day after the period."""
        if self.kind == "week":
            return self.first_day + timedelta(days=7)
        if self.kind == "year":
            return date(self.year + 1, 1, 1)
        month = self.first_day.month + _MONTHS_PER[self.kind]
        return date(self.year + (month > 12), (month - 1) % 12 + 1, 1)

    def bounds_utc(self) -> tuple[datetime, datetime]:
        """Return [start, end) in UTC, the way observation times are stored and compared."""
        return local_midnight_utc(self.first_day), local_midnight_utc(self.end_day)

    def calendar_years(self) -> tuple[int, ...]:
        """Return the calendar years the period touches (two for an ISO week across New Year)."""
        return tuple(range(self.first_day.year, (self.end_day - timedelta(days=1)).year + 1))

    def previous(self) -> "Period":
        """Return the period of the same kind just before this one."""
        if self.kind == "week":
            return week_of(self.first_day - timedelta(days=7))
        count = {"year": 1, "tertial": 3, "quarter": 4, "month": 12}[self.kind]
        if self.index > 1:
            return Period(self.kind, self.year, self.index - 1)
        return Period(self.kind, self.year - 1, count)

    def contains(self, other: "Period") -> bool:
        """Return True when every day of `other` lies in this period."""
        return self.first_day <= other.first_day and other.end_day <= self.end_day


def local_midnight_utc(day: date) -> datetime:
    """Return the start of `day` in Stockholm, expressed in UTC."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(STOCKHOLM_TZ)).astimezone(timezone.utc)


def week_of(day: date) -> Period:
    """Return the ISO week holding `day`."""
    iso = day.isocalendar()
    return Period("week", iso.year, iso.week)


def parse_period(text: str) -> Period:
    """Read '2025', '2025-T2', '2025-Q2', '2025-05' or '2025-W20', or raise PeriodError."""
    cleaned = (text or "").strip().upper()
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(cleaned)
        if not match:
            continue
        year = int(match.group(1))
        index = int(match.group(2)) if match.lastindex == 2 else 1
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise PeriodError(_("period %(text)r: the year must be between %(first)d and %(last)d", text=text,
                                first=FIRST_YEAR, last=LAST_YEAR))
        if kind == "week" and not 1 <= index <= weeks_in(year):
            raise PeriodError(_("period %(text)r: %(year)d has ISO weeks 1 to %(weeks)d", text=text, year=year,
                                weeks=weeks_in(year)))
        return Period(kind, year, index)
    raise PeriodError(_(
        "period %(text)r is not a fixed calendar period; use a year (2025), tertial (2025-T2), "
        "quarter (2025-Q2), month (2025-05) or ISO week (2025-W20)", text=text
    ))


def periods_of_year(year: int, kind: str) -> tuple[Period, ...]:
    """Return the periods of `kind` that touch calendar year `year`, in time order."""
    if kind == "week":
        first, last = week_of(date(year, 1, 1)), week_of(date(year, 12, 31))
        weeks, current = [first], first
        while current != last:
            current = week_of(current.end_day)
            weeks.append(current)
        return tuple(weeks)
    count = {"year": 1, "tertial": 3, "quarter": 4, "month": 12}[kind]
    return tuple(Period(kind, year, i) for i in range(1, count + 1))


def choices(years: list[int]) -> list[tuple[str, list[Period]]]:
    """Return the periods offered in the filter form, newest first, grouped by kind."""
    today = date.today()
    groups = []
    for kind in KINDS:
        periods = [p for y in sorted(set(years), reverse=True) for p in reversed(periods_of_year(y, kind))
                   if p.first_day <= today and (kind != "week" or p.year == y)]
        groups.append((_(_LABELS[kind]), periods))
    return groups


@dataclass(frozen=True)
class YearGrid:
    """The segments of one calendar year and where each period of each kind starts."""

    year: int
    edges: tuple  # UTC datetimes, one more than segments
    periods: dict
    starts: dict  # kind -> first segment of each period

    @property
    def size(self) -> int:
        return len(self.edges) - 1

    def span(self, period: Period) -> tuple[int, int]:
        """Return the segments [a, b) of `period` that fall in this year."""
        i = self.periods[period.kind].index(period)
        starts = self.starts[period.kind]
        return int(starts[i]), int(starts[i + 1]) if i + 1 < len(starts) else self.size


@lru_cache(maxsize=64)
def year_grid(year: int) -> YearGrid:
    """Split `year` at every month start and every Monday (Stockholm dates)."""
    first, last = date(year, 1, 1), date(year + 1, 1, 1)
    periods = {kind: periods_of_year(year, kind) for kind in KINDS}
    days = sorted({first, last} | {max(p.first_day, first) for ps in periods.values() for p in ps})
    position = {day: i for i, day in enumerate(days)}
    starts = {kind: np.array([position[max(p.first_day, first)] for p in ps]) for kind, ps in periods.items()}
    return YearGrid(year, tuple(local_midnight_utc(d) for d in days), periods, starts)
