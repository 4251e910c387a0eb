"""Trend series as published: every value read from the privacy rules' own outputs, sealed for the renderers.

A series value is read through `geoapp.promise.sources.Sources`, which hands out only published
numbers (the map's published views, activities after the delay, surveys above the smallest n), or
a number computed from them (observations per walk). Charts, tables, the API and the report accept
only a `PublishedTrend`, so nothing else can reach them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Sequence

from geoapp.privacy.seal import Sealed


@dataclass(frozen=True)
class PublishedTrend(Sealed):
    """One trend: its values per area, series and period (None where nothing may be shown)."""

    key: str
    title: str
    unit: str
    periods: tuple[str, ...]
    areas: tuple[tuple[str, str], ...]  # (id, name)
    series: tuple[tuple[str, str], ...]  # (key, label)
    values: dict  # (area id, series key, period code) -> number or None

    def value(self, area_id: str, series: str, period: str) -> float | None:
        return self.values[(area_id, series, period)]

    def table(self) -> list[tuple[str, str, list[float | None]]]:
        """Return (area name, period, value per series) rows: the same numbers the chart draws."""
        return [(name, period, [self.values[(area, s, period)] for s, _label in self.series])
                for area, name in self.areas for period in self.periods]

    def to_json(self) -> dict:
        return {"key": self.key, "title": self.title, "unit": self.unit, "periods": list(self.periods),
                "areas": [{"id": a, "name": n} for a, n in self.areas],
                "series": [{"key": s, "label": label} for s, label in self.series],
                "values": [{"area": a, "series": s, "period": p, "value": self.values[(a, s, p)]}
                           for a, _n in self.areas for s, _l in self.series for p in self.periods]}


def publish_trend(key: str, title: str, unit: str, periods: Sequence[str], areas: Sequence[tuple[str, str]],
                  series: Sequence[tuple[str, str]], read: Callable[[str, str, str], float | None]) -> PublishedTrend:
    """Read every value of a trend with `read(area id, series key, period code)` from published numbers and seal it."""
    values = {}
    for area, _name in areas:
        for s, _label in series:
            for period in periods:
                value = read(area, s, period)
                if value is not None and (not isinstance(value, (int, float)) or not math.isfinite(value)):
                    raise ValueError(f"trend {key}: {value!r} is not a published number")
                values[(area, s, period)] = value
    return PublishedTrend(key, title, unit, tuple(periods), tuple(areas), tuple(series), values)


def require_trend(value: object) -> PublishedTrend:
    """Return `value` when it is a published trend, else raise TypeError."""
    if not isinstance(value, PublishedTrend):
        raise TypeError(f"trend renderers accept only PublishedTrend, not {type(value).__name__}")
    return value
