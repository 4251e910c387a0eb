"""Fixed, nested calendar periods (year ⊃ tertial ⊃ month) in Europe/Stockholm time.

Only these bins can be asked for: free date ranges would let two queries be subtracted to isolate
single observations, and bins that cross each other (quarters across tertials, ISO weeks across
months and years) would let one hidden bin come back as a difference of others. Every period lies
inside one calendar year, and every tertial is four whole months.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from geoapp.domain.model import STOCKHOLM_TZ
from geoapp.i18n import N_, _

# Coarse to fine; each period of a kind lies inside exactly one period of every coarser kind.
KINDS = ("year", "tertial", "month")
FIRST_YEAR, LAST_YEAR = 2000, 2100
MONTHS = 12
MONTHS_PER = {"year": 12, "tertial": 4, "month": 1}
_PATTERNS = (
    ("year", re.compile(r"([0-9]{4})")),
    ("tertial", re.compile(r"([0-9]{4})-T([1-3])")),
    ("month", re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")),
)
# Bins earlier versions offered; asking for one gets a message saying why it is gone.
_RETIRED = re.compile(r"[0-9]{4}-[QW][0-9]{1,2}")
_LABELS = {"year": N_("Years"), "tertial": N_("Tertials"), "month": N_("Months")}
KIND_NAMES = {"year": N_("year"), "tertial": N_("tertial"), "month": N_("month")}


class PeriodError(ValueError):
    """A period that is not one of the fixed calendar bins; the message says what is accepted."""


@dataclass(frozen=True, order=True)
class Period:
    """One fixed calendar bin: `index` is 1 for a year, else the tertial (1-3) or month (1-12)."""

    kind: str
    year: int
    index: int = 1

    @property
    def code(self) -> str:
        suffix = {"year": "", "tertial": f"-T{self.index}", "month": f"-{self.index:02d}"}[self.kind]
        return f"{self.year}{suffix}"

    def __str__(self) -> str:
        return self.code

    @property
    def months(self) -> range:
        """Return the months of the year (0-11) the period covers."""
        size = MONTHS_PER[self.kind]
        return range((self.index - 1) * size, self.index * size)

    @property
    def first_day(self) -> date:
        return date(self.year, 1 + self.months.start, 1)

    @property
    def end_day(self) -> date:
        """Return the first day after the period."""
        month = self.months.stop
        return date(self.year + month // MONTHS, month % MONTHS + 1, 1)

    def bounds_utc(self) -> tuple[datetime, datetime]:
        """Return [start, end) in UTC, the way observation times are stored and compared."""
        return local_midnight_utc(self.first_day), local_midnight_utc(self.end_day)

    def previous(self) -> "Period":
        """Return the period of the same kind just before this one."""
        if self.index > 1:
            return Period(self.kind, self.year, self.index - 1)
        return Period(self.kind, self.year - 1, MONTHS // MONTHS_PER[self.kind])

    def year_before(self) -> "Period | None":
        """Return the same period one year earlier, or None before the first year accepted."""
        return Period(self.kind, self.year - 1, self.index) if self.year > FIRST_YEAR else None

    def contains(self, other: "Period") -> bool:
        """Return True when every day of `other` lies in this period."""
        return self.year == other.year and self.months.start <= other.months.start and other.months.stop <= self.months.stop


def local_midnight_utc(day: date) -> datetime:
    """Return the start of `day` in Stockholm, expressed in UTC."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(STOCKHOLM_TZ)).astimezone(timezone.utc)


def parse_period(text: str) -> Period:
    """Read '2025', '2025-T2' or '2025-05', or raise PeriodError."""
    cleaned = (text or "").strip().upper()
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(cleaned)
        if not match:
            continue
        year = int(match.group(1))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise PeriodError(_("period %(text)r: the year must be between %(first)d and %(last)d", text=text,
                                first=FIRST_YEAR, last=LAST_YEAR))
        return Period(kind, year, int(match.group(2)) if match.lastindex == 2 else 1)
    if _RETIRED.fullmatch(cleaned):
        raise PeriodError(_(
            "period %(text)r: quarters and weeks are not shown, since they cross tertials and months and would let "
            "hidden numbers be worked out; use a year (2025), tertial (2025-T2) or month (2025-05)", text=text))
    raise PeriodError(_(
        "period %(text)r is not a fixed calendar period; use a year (2025), tertial (2025-T2) or month (2025-05)",
        text=text))


def periods_of_year(year: int, kind: str) -> tuple[Period, ...]:
    """Return the periods of `kind` in calendar year `year`, in time order."""
    return tuple(Period(kind, year, i) for i in range(1, MONTHS // MONTHS_PER[kind] + 1))


def choices(years: list[int], today: date | None = None) -> list[tuple[str, list[Period]]]:
    """Return the periods offered in the filter form, newest first, grouped by kind; none lies in the future."""
    today = today or date.today()
    groups = []
    for kind in KINDS:
        periods = [p for y in sorted(set(years), reverse=True) for p in reversed(periods_of_year(y, kind))
                   if p.first_day <= today]
        groups.append((_(_LABELS[kind]), periods))
    return groups


def finest_holding(first: date, last: date) -> Period:
    """Return the finest fixed period holding every day from `first` to `last`, which lie in one calendar year."""
    for kind in reversed(KINDS):
        size = MONTHS_PER[kind]
        if (first.month - 1) // size == (last.month - 1) // size:
            return Period(kind, first.year, (first.month - 1) // size + 1)
    raise AssertionError("a year holds every month")  # the year's one period always matches


@lru_cache(maxsize=64)
def month_edges(year: int) -> tuple[datetime, ...]:
    """Return the 13 UTC instants at which the months of `year` begin and the year ends (Stockholm dates)."""
    return tuple(local_midnight_utc(date(year + m // MONTHS, m % MONTHS + 1, 1)) for m in range(MONTHS + 1))
