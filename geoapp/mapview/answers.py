"""Why a map shows no squares and where to look instead, read from published numbers only."""

from __future__ import annotations

from dataclasses import dataclass

from geoapp.domain.periods import Period
from geoapp.mapview.numbers import outlook

NO_WALKS, CATEGORY, WITHHELD = "no_walks", "category", "withheld"
ELSEWHERE = 6  # other periods offered as links, nearest first


@dataclass(frozen=True)
class EmptyAnswer:
    """An empty map's answer: why (NO_WALKS, CATEGORY or WITHHELD), its published numbers and the views to try."""

    reason: str
    period: Period
    walks: int | None  # published walks of the area in the period; None: withheld
    total: int | None  # the chosen category's published count in the area, for CATEGORY
    coarser: Period | None  # the finest period around it that draws squares for the category
    all_categories: bool  # the map of all categories in the period draws squares
    elsewhere: tuple[Period, ...]  # other periods drawing squares for the category, nearest in time first


def empty_answers(site, shown) -> list[EmptyAnswer | None]:
    """Return, for each map of a view (a MapView), why it draws no squares, or None where it draws some."""
    published = shown.published
    request = published.request
    empty = [layer for layer in published.layers if not layer.cells and not layer.safe_places]
    if not empty:
        return [None] * len(published.layers)
    offered = [p for _label, periods in shown.period_groups for p in periods]
    seen = outlook(site, request, offered, shown.version)
    answers = []
    for layer in published.layers:
        if layer.cells or layer.safe_places:
            answers.append(None)
            continue
        period, area = layer.period, request.area.id
        walks = published.walks_in(area, period.code)
        total = published.area_counts(period.code, request.category)[area] if request.category else None
        reason = NO_WALKS if walks == 0 else CATEGORY if total is not None else WITHHELD
        coarser = seen.coarser(period)
        others = [p for p in seen.showing() if p not in (period, coarser)]
        others.sort(key=lambda p: (p.kind != period.kind, abs(_months(p) - _months(period))))
        answers.append(EmptyAnswer(reason, period, walks, total, coarser,
                                   bool(request.category) and seen.all_categories_show(period),
                                   tuple(others[:ELSEWHERE])))
    return answers


def _months(period: Period) -> int:
    return period.year * 12 + period.months.start
