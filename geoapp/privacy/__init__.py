"""The one place deciding what may be published; maps, tables, the API and exports accept only its output.

What is guaranteed (k = GEOAPP_K_MIN, default 5; D = GEOAPP_NOISE, default 2), against a viewer who
knows every number geoapp publishes, for every area, group, period, category and filter, and solves
them together as exact sums of non-negative whole counts:
- every published count covers at least k observations from at least two walks;
- no combination of published numbers pins a set of 1 to k-1 observations (its possible range
  always holds 0 or a number of at least k), and none pins the exact count of observations that
  all come from one walk (`rules` and `partition` say why);
- numbers read before and after an upload or a deletion differ by the change plus noise of up to
  ±D per part, so the difference never gives a walk's exact count;
- walk counts are 0 or at least 2, and no difference of them is 1.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import shapely

from geoapp.domain.grid import Cell
from geoapp.domain.periods import Period
from geoapp.privacy.published import (ALL, SAFE_PLACE, Published, PublishedCell, PublishedLayer, TableRow,
                                      ViewRequest, WalkRow)
from geoapp.privacy.rules import MIN_WALKS, AreaYear, AtomCount, decide_area_year, noise_bound

__all__ = ["AtomCount", "AreaYear", "decide_area_year", "noise_bound", "publish"]


def publish(request: ViewRequest, decisions: Mapping[str, Mapping[int, AreaYear]], group_walks: Mapping[str, int],
            clip: Mapping[str, Any], names: Mapping[str, str], categories: Sequence[str], k: int, noise: int,
            grid_size: int) -> Published:
    """Build the published numbers of one view from the decisions of its RegSO areas in the years it shows.

    `group_walks` holds, per period code, the walks counted across the areas of a group view (a walk
    through two of them counts once).
    """
    problems = [c for c in categories if c != SAFE_PLACE]
    layers = tuple(_layer(request, period, decisions, clip, problems, grid_size) for period in request.periods)
    rows, walk_rows = [], []
    for period in request.periods:
        for area_id, name, members in _table_areas(request, names):
            for category in (ALL, *problems, SAFE_PLACE):
                rows.append(TableRow(area_id, name, category, period.code,
                                     _total(decisions, members, period, category)))
            walks = _walks(decisions, members, period, group_walks.get(period.code))
            walk_rows.append(WalkRow(area_id, name, period.code, walks))
    return Published(request, k, MIN_WALKS, noise, grid_size, layers, tuple(rows), tuple(walk_rows))


def _table_areas(request: ViewRequest, names: Mapping[str, str]) -> list[tuple[str, str, tuple[str, ...]]]:
    """Return the view's area, then its members when it is a group of several."""
    area = request.area
    members = [(code, names[code], (code,)) for code in area.members] if len(area.members) > 1 else []
    return [(area.id, area.name, area.members)] + members


def _total(decisions, members: Sequence[str], period: Period, category: str) -> int | None:
    """Return an area's (or a group's) published count, or None where a member withholds it."""
    total = 0
    for code in members:
        decision = decisions[code][period.year]
        value = decision.count(None, period, category)
        if value is None and decision.walks.get(period) != 0:
            # A group shows its sum only when each member's part is published or known to be empty
            # (no walks there): it then reveals nothing its members do not.
            return None
        total += value or 0
    return total or None


def _walks(decisions, members: Sequence[str], period: Period, across_group: int | None) -> int | None:
    counts = [decisions[code][period.year].walks.get(period) for code in members]
    if any(c is None for c in counts):
        return None
    return counts[0] if len(members) == 1 else across_group


def _layer(request: ViewRequest, period: Period, decisions, clip, problems: list[str], size: int) -> PublishedLayer:
    """Build the published cells of one period for the view's category filter."""
    main = request.category or ALL
    cells, safe = {}, {}
    breakdown: dict = {}
    for code in request.area.members:
        for (piece, p, category), value in decisions[code][period.year].counts.items():
            if piece is None or p != period:
                continue
            key = (code, *piece)
            if category == main:
                cells[key] = value
            if main == ALL and category == SAFE_PLACE:
                safe[key] = value
            elif main == ALL and category != ALL:
                breakdown.setdefault(key, {})[category] = value
    order = {c: i for i, c in enumerate(problems)}
    ordered = {key: tuple(sorted(found.items(), key=lambda item: order[item[0]])) for key, found in breakdown.items()
               if key in cells}
    return PublishedLayer(period, _cells(cells, ordered, clip, size), _cells(safe, {}, clip, size))


def _cells(counts: Mapping[tuple, int], breakdown: Mapping, clip, size: int) -> tuple[PublishedCell, ...]:
    keys = sorted(counts)
    if not keys:
        return ()
    squares = [Cell(size, col, row) for _, col, row in keys]
    shapes = shapely.intersection(np.array([c.polygon() for c in squares]), np.array([clip[code] for code, _, _ in keys]))
    return tuple(
        PublishedCell(square.id, key[0], counts[key], breakdown.get(key, ()), shape)
        for key, square, shape in zip(keys, squares, shapes)
    )
