"""Why a map shows no squares and where to look instead, read from published numbers only."""

from __future__ import annotations

from dataclasses import dataclass

from geoapp.domain.periods import KINDS, Period, choices
from geoapp.mapview.filters import data_years
from geoapp.mapview.numbers import outlook
from geoapp.privacy.outlook import PublishedOutlook
from geoapp.privacy.published import ViewArea, ViewRequest

NO_WALKS, CATEGORY, WITHHELD = "no_walks", "category", "withheld"
FOLLOWUP_KINDS = ("year", "tertial")
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


def view_outlook(site, shown) -> PublishedOutlook:
    """Return what each period of the menu shows of a view's (a MapView's) area and category."""
    offered = [p for _label, periods in shown.period_groups for p in periods]
    return outlook(site, shown.published.request, offered, shown.version)


def period_menu(shown, seen: PublishedOutlook) -> list:
    """Return the period menu's groups with only the periods that had walks in the area, and the one chosen."""
    return _with_walks(shown.period_groups, seen, shown.published.request.period)


def _with_walks(groups, seen: PublishedOutlook, chosen: Period) -> list:
    kept = [(label, [p for p in periods if p == chosen or (seen.of(p) is not None and seen.of(p).walks != 0)])
            for label, periods in groups]
    return [(label, periods) for label, periods in kept if periods]


def followup_period_menu(site, area: dict, chosen: Period) -> list:
    """Return the follow-up's menu: the years and tertials that had walks in `area` (a row of the area frame), and `chosen`."""
    version = site.store.data_version()
    # The map's groups and outlook, without months: the follow-up counts per tertial.
    groups = [group for group, kind in zip(choices(data_years(site, version)), KINDS) if kind in FOLLOWUP_KINDS]
    request = ViewRequest(ViewArea(area["id"], area["name"], tuple(area["members"]), bool(area["approximation"])),
                          chosen)
    seen = outlook(site, request, [p for _label, periods in groups for p in periods], version)
    return _with_walks(groups, seen, chosen)


def empty_answers(shown, seen: PublishedOutlook) -> list[EmptyAnswer | None]:
    """Return, for each map of a view (a MapView), why it draws no squares, or None where it draws some."""
    published = shown.published
    request = published.request
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
