"""What each period shows of one area and category, read from the privacy decisions, so an empty map can say where to look.

Every number here is one the map of that period publishes (its walk count, its squares drawn, its
total), so pointing at periods that show something tells nothing the maps themselves do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from geoapp.domain.periods import KINDS, Period
from geoapp.privacy import _walks
from geoapp.privacy.published import ALL, SAFE_PLACE, ViewArea
from geoapp.privacy.seal import Sealed


@dataclass(frozen=True)
class PeriodShows(Sealed):
    """What the map of one period shows: its published walks, how many squares it draws, and for all categories."""

    period: Period
    walks: int | None  # None: withheld
    squares: int  # squares drawn for the chosen category (with places that feel safe, for all)
    all_squares: int  # squares drawn for all categories


@dataclass(frozen=True)
class PublishedOutlook(Sealed):
    """What every period offered shows of one area and category."""

    area_id: str
    category: str | None  # None: all
    periods: tuple[PeriodShows, ...]

    def of(self, period: Period) -> PeriodShows | None:
        """Return what `period` shows, or None when it is not offered."""
        return next((p for p in self.periods if p.period == period), None)

    def showing(self) -> list[Period]:
        """Return the periods that draw squares for the category, coarse to fine and newest first."""
        order = {kind: i for i, kind in enumerate(KINDS)}
        found = [p.period for p in self.periods if p.squares]
        return sorted(found, key=lambda p: (order[p.kind], -p.year, -p.index))

    def coarser(self, period: Period) -> Period | None:
        """Return the finest period containing `period` that draws squares for the category, or None."""
        around = [p for p in self.showing() if p != period and p.contains(period)]
        return max(around, key=lambda p: KINDS.index(p.kind), default=None)

    def all_categories_show(self, period: Period) -> bool:
        """Return whether the map of `period` for all categories draws squares."""
        shown = self.of(period)
        return bool(shown and shown.all_squares)


def publish_outlook(area: ViewArea, category: str | None, decisions: Mapping[str, Mapping[int, object]],
                    group_walks: Mapping[str, int], periods: Sequence[Period]) -> PublishedOutlook:
    """Seal what each of `periods` shows of `area` for `category`, from the decisions of its areas (per code, year).

    `group_walks` holds, per period code, the walks across the areas of a group, as `publish` takes them.
    """
    squares: dict[tuple[Period, str], set] = {}
    for code in area.members:
        for year_decision in decisions[code].values():
            for piece, period, key in year_decision.counts:
                if piece is not None:
                    squares.setdefault((period, key), set()).add((code, piece))
    result = []
    for period in periods:
        every = squares.get((period, ALL), set()) | squares.get((period, SAFE_PLACE), set())
        drawn = every if category is None else squares.get((period, category), set())
        walks = _walks(decisions, area.members, period, group_walks.get(period.code))
        result.append(PeriodShows(period, walks, len(drawn), len(every)))
    return PublishedOutlook(area.id, category, tuple(result))
