"""The one place deciding what may be published; maps, tables, the API and exports accept only its output.

Rules (GEOAPP_K_MIN = k, default 5, never below 3):
- every published count is >= k and comes from >= 2 walks; anything else is absent, exactly as if empty;
- published cells of one view never overlap (squares are clipped to RegSO areas);
- any published count minus published counts nested in it (a category within all, a month,
  tertial, quarter or week within its year, and so on), singly or summed, is 0 or >= k;
- an area total minus the published cells inside it is 0 or >= k.
How `rules` guarantees the last two for every combination of filters is explained there.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import shapely

from geoapp.config import MIN_WALKS
from geoapp.grid import Cell
from geoapp.periods import Period
from geoapp.privacy.rules import YearDecision, decide_year, period_values
from geoapp.published import (ALL, SAFE_PLACE, SEAL, Published, PublishedCell, PublishedLayer, TableRow,
                              ViewRequest, WalkRow)
from geoapp.store.aggregates import SegmentCount


def decide(raw: Mapping[int, Sequence[SegmentCount]], codes: Sequence[str], categories: Sequence[str],
           k: int) -> dict[int, YearDecision]:
    """Decide, per calendar year, what the RegSO areas `codes` and their pieces may publish."""
    return {year: decide_year(rows, codes, categories, year, k) for year, rows in raw.items()}


def publish(request: ViewRequest, decisions: Mapping[int, YearDecision], walks: Mapping[str, Mapping[str, int]],
            clip: Mapping[str, Any], names: Mapping[str, str], categories: Sequence[str], k: int,
            grid_size: int) -> Published:
    """Build the published numbers of one view from the decisions for every calendar year its periods touch."""
    problems = [c for c in categories if c != SAFE_PLACE]
    layers = tuple(_layer(request, period, decisions, clip, problems, grid_size) for period in request.periods)
    rows = tuple(r for period in request.periods for r in _rows(request, period, decisions, problems, names))
    walk_rows = tuple(
        WalkRow(area_id, name, period.code, int(walks[period.code].get(code, 0)))
        for period in request.periods for area_id, name, code in _walk_areas(request, names)
    )
    return Published(request, k, MIN_WALKS, grid_size, layers, rows, walk_rows, SEAL)


def _shown(values: Mapping, column: int) -> dict:
    return {key: int(v[column]) for key, (v, ok) in values.items() if ok[column] and v[column] > 0}


def _layer(request: ViewRequest, period: Period, decisions, clip, problems: list[str], size: int) -> PublishedLayer:
    """Build the published cells of one period for the view's category filter."""
    category, breakdown, safe = request.category, {}, {}
    if category == SAFE_PLACE:
        main = _shown(period_values(decisions, period, "safe", False), 0)
    elif category:
        main = _shown(period_values(decisions, period, "cats", False), problems.index(category))
    else:
        main = _shown(period_values(decisions, period, "all", False), 0)
        safe = _shown(period_values(decisions, period, "safe", False), 0)
        for key, (v, ok) in period_values(decisions, period, "cats", False).items():
            if key in main:
                breakdown[key] = tuple((problems[i], int(n)) for i, n in enumerate(v) if n > 0 and ok[i])
    return PublishedLayer(period, _cells(main, breakdown, clip, size), _cells(safe, {}, clip, size))


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


def _table_areas(request: ViewRequest, names: Mapping[str, str]) -> list[tuple[str, str, tuple[str, ...]]]:
    """Return the view's area, then its members when it is a group of several."""
    area = request.area
    members = [(code, names[code], (code,)) for code in area.members] if len(area.members) > 1 else []
    return [(area.id, area.name, area.members)] + members


def _walk_areas(request: ViewRequest, names: Mapping[str, str]) -> list[tuple[str, str, str]]:
    return [(area_id, name, "" if len(members) > 1 else members[0]) for area_id, name, members in _table_areas(request, names)]


def _rows(request: ViewRequest, period: Period, decisions, problems: list[str], names) -> list[TableRow]:
    """Return the table rows (area x category) of one period; None where not published."""
    levels = {
        "all": (period_values(decisions, period, "all", True), 0),
        "safe": (period_values(decisions, period, "safe", True), 0),
    }
    cats = period_values(decisions, period, "cats", True)
    columns = [(ALL, "all", 0)] + [(c, "cats", i) for i, c in enumerate(problems)] + [(SAFE_PLACE, "safe", 0)]
    rows = []
    for area_id, name, members in _table_areas(request, names):
        for category, level, column in columns:
            values = cats if level == "cats" else levels[level][0]
            parts = [values[code] for code in members]
            # A group's total is shown only when every member's is, so it reveals nothing new.
            total = int(sum(v[column] for v, _ in parts)) if all(ok[column] for _, ok in parts) else 0
            rows.append(TableRow(area_id, name, category, period.code, total or None))
    return rows
