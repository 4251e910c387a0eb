"""Follow-up per commitment: the indicator's value against the target in each tertial and the year, with a status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from geoapp.domain.periods import Period, periods_of_year
from geoapp.promise.document import Commitment, Promise, Target
from geoapp.promise.indicators import indicator
from geoapp.promise.status import combined, status


@dataclass(frozen=True)
class Reading:
    """One indicator value in one area and period, with the target in force and its status."""

    area_id: str
    period: str
    actual: float | None
    target: float | None
    status: str


@dataclass(frozen=True)
class Progress:
    """A commitment's readings over the year's tertials and the year itself, and its status over the year."""

    commitment: Commitment
    target: Target | None
    readings: tuple[Reading, ...]
    status: str


def periods_followed(year: int, today: date) -> list[Period]:
    """Return the tertials of `year` that have begun by `today`, then the year itself."""
    return [t for t in periods_of_year(year, "tertial") if t.first_day <= today] + [Period("year", year)]


def commitment_progress(promise: Promise, commitment: Commitment, year: int, sources_of, today: date) -> Progress:
    """Read a commitment's indicator in each of its areas (sources_of(area id) gives their Sources) over `year`."""
    target = promise.target_in(commitment, year)
    measure = indicator(commitment.indicator)
    readings, judged = [], []
    for area_id in commitment.areas:
        sources = sources_of(area_id)
        for period in periods_followed(year, today):
            actual = measure.value(sources, area_id, period)
            applies = target if target is not None and target.per == period.kind else None
            reading = Reading(area_id, period.code, actual, None if applies is None else applies.value, status(actual, applies))
            readings.append(reading)
            if applies is not None:
                judged.append(reading.status)
    return Progress(commitment, target, tuple(readings), combined(judged))
