"""What the follow-up page and the committee's report show of the promise: texts, readings and charts, in one language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from geoapp.domain.periods import Period
from geoapp.i18n import N_, _, language
from geoapp.privacy.series import PublishedTrend
from geoapp.promise.charts import chart_uri
from geoapp.promise.followup import PromiseFollowup, follow_promise
from geoapp.promise.indicators import indicator
from geoapp.promise.progress import Progress
from geoapp.promise.status import LABELS

# A symbol beside each status word, so that the status is never told by colour alone.
SYMBOLS = {"met": "✓", "partly": "◐", "not_met": "✗", "no_target": "–", "no_data": "?"}
NO_VALUE = N_("nothing published")


@dataclass(frozen=True)
class CommitmentView:
    """One commitment as shown: party, wording, indicator, target, status, and its readings per area."""

    progress: Progress
    party: str
    wording: str
    indicator: str
    target: str
    status: str
    status_label: str
    rows: list  # (area name, [(value, status) per period])


@dataclass(frozen=True)
class PromisePage:
    """The promise section of the follow-up page and the report."""

    followup: PromiseFollowup
    title: str
    note: str | None
    parties: list[str]
    in_force: bool
    periods: list[str]
    commitments: list[CommitmentView]
    charts: list[tuple[PublishedTrend, str]]  # (trend, SVG data URI)


def status_text(status: str) -> str:
    return f"{SYMBOLS[status]} {_(LABELS[status])}"


def target_text(progress: Progress) -> str:
    target = progress.target
    if target is None:
        return _("none")
    words = {("at_least", "tertial"): _("at least %(value)s per tertial", value=_number(target.value)),
             ("at_least", "year"): _("at least %(value)s per year", value=_number(target.value)),
             ("at_most", "tertial"): _("at most %(value)s per tertial", value=_number(target.value)),
             ("at_most", "year"): _("at most %(value)s per year", value=_number(target.value))}
    return words[(target.direction, target.per)]


def _number(value: float) -> str:
    from geoapp.i18n import number

    return number(int(value) if float(value).is_integer() else value)


def _commitment(site, promise, progress: Progress, periods: list[str], lang: str) -> CommitmentView:
    names = site.areas_by_id()
    by = {(r.area_id, r.period): r for r in progress.readings}
    rows = [(names[a]["name"], [(by[(a, p)].actual, by[(a, p)].status) if (a, p) in by else (None, "no_target")
                                for p in periods]) for a in progress.commitment.areas]
    c = progress.commitment
    return CommitmentView(progress, promise.party(c.party).name.in_language(lang), c.wording.in_language(lang),
                          indicator(c.indicator).shown_label, target_text(progress), progress.status,
                          status_text(progress.status), rows)


def promise_page(site, area_id: str, period: Period, now: datetime | None = None) -> PromisePage:
    """Follow the promise up for an area and period and prepare it for a page in the current language."""
    lang = language()
    followup = follow_promise(site, site.areas_by_id()[area_id], period, now)
    charts = [(t, chart_uri(site, t, _(NO_VALUE), lang)) for t in followup.trends]
    promise = followup.promise
    if promise is None:
        return PromisePage(followup, "", None, [], False, [], [], charts)
    periods = list(dict.fromkeys(r.period for p in followup.progress for r in p.readings))
    return PromisePage(followup, promise.title.in_language(lang), promise.note.in_language(lang) if promise.note else None,
                       [p.name.in_language(lang) for p in promise.parties], followup.in_force, periods,
                       [_commitment(site, promise, p, periods, lang) for p in followup.progress], charts)
