"""What a view asks for, and the frozen published numbers that renderers and the API accept.

Only `geoapp.privacy` can create a `Published` (see privacy/seal.py), so raw counts cannot reach a
map, a table or an API response by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from geoapp.domain.areas import AreaGroup
from geoapp.domain.periods import Period
from geoapp.privacy.seal import Sealed

ALL = "all"  # every category except places that feel safe
SAFE_PLACE = "safe_place"


# An area as a view uses it: id, display name, and the RegSO codes it is made of (one for a RegSO area).
ViewArea = AreaGroup


@dataclass(frozen=True)
class ViewRequest:
    """One view's filters: area, period, category (None for all) and whether to compare."""

    area: ViewArea
    period: Period
    category: str | None = None
    compare: bool = False

    @property
    def periods(self) -> tuple[Period, ...]:
        return (self.period, self.period.previous()) if self.compare else (self.period,)

    @property
    def key(self) -> tuple:
        return (self.area.id, self.period.code, self.category, self.compare)


@dataclass(frozen=True)
class PublishedCell:
    """A grid square clipped to one RegSO area, with its published count and published category counts."""

    cell: str
    area_code: str
    count: int
    categories: tuple[tuple[str, int], ...]
    geometry: Any  # shapely polygon in SWEREF 99 TM


@dataclass(frozen=True)
class PublishedLayer:
    """The cells of one period: observations (all, or the chosen category) and places that feel safe."""

    period: Period
    cells: tuple[PublishedCell, ...]
    safe_places: tuple[PublishedCell, ...]


@dataclass(frozen=True)
class TableRow:
    """One row of the table: an area, a category key (or 'all'), a period and its count (None: not published)."""

    area_id: str
    area_name: str
    category: str
    period: str
    count: int | None


@dataclass(frozen=True)
class WalkRow:
    """How many walks were made in an area during a period (walks are organised events, not persons)."""

    area_id: str
    area_name: str
    period: str
    walks: int | None  # None: withheld (one walk, or it would date one)


@dataclass(frozen=True)
class Published(Sealed):
    """Everything one view may show, decided by the privacy rules."""

    request: ViewRequest
    k: int
    min_walks: int
    noise: int  # each part of a published count is moved by at most this much, up or down
    grid_size: int
    layers: tuple[PublishedLayer, ...]
    rows: tuple[TableRow, ...]
    walks: tuple[WalkRow, ...]

    @property
    def period_codes(self) -> list[str]:
        return [layer.period.code for layer in self.layers]

    def table(self) -> list[tuple[str, str, str, list[int | None]]]:
        """Return (area id, area name, category, count per period) rows in display order."""
        index = {(r.area_id, r.category, r.period): r.count for r in self.rows}
        order = dict.fromkeys((r.area_id, r.area_name, r.category) for r in self.rows)
        return [(a, name, c, [index[(a, c, p)] for p in self.period_codes]) for a, name, c in order]

    def walks_in(self, area_id: str, period: str) -> int | None:
        """Return the number of walks made in an area during a period, or None when withheld."""
        return next(w.walks for w in self.walks if w.area_id == area_id and w.period == period)

    def area_counts(self, period: str, category: str = ALL) -> dict[str, int | None]:
        """Return the published count per area id for one period and category."""
        return {r.area_id: r.count for r in self.rows if r.period == period and r.category == category}


def require_published(value: object, kind: type = None) -> "Published":
    """Return `value` when it is sealed output of the privacy rules (a `kind`, Published by default), else raise TypeError."""
    kind = kind or Published
    if not isinstance(value, kind):
        raise TypeError(f"renderers accept only {kind.__name__} numbers, not {type(value).__name__}")
    return value
