"""The promise's follow-up for one area and year: the promise in force, each commitment's progress, the trends."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from geoapp.config import ConfigError
from geoapp.domain.model import AREA_KIND_REGSO, STOCKHOLM_TZ
from geoapp.domain.periods import Period
from geoapp.i18n import _
from geoapp.mapview.filters import QueryError
from geoapp.promise.document import Promise, PromiseError, promise_files, promise_for, read_promises
from geoapp.promise.indicators import KnownIndicators, indicator
from geoapp.promise.progress import Progress, commitment_progress
from geoapp.promise.sources import Sources
from geoapp.promise.status import LABELS
from geoapp.promise.trends import build_trends


def promises(site) -> tuple[Promise, ...]:
    """Return the promises of the data folder, read again whenever a file or the boundaries change."""
    files = promise_files(site.data_dir)
    areas = site.areas_by_id()
    key = (tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files), tuple(sorted(areas)))
    # Without stored boundaries (before a first areas import) area ids cannot be checked yet.
    known = areas if any(a["kind"] == AREA_KIND_REGSO for a in areas.values()) else None
    return site.cached("promises", key, lambda: read_promises(site.data_dir, KnownIndicators(), known))


def check_promises(site) -> None:
    """Read the promises once, so that a bad file stops the start naming its file and line."""
    try:
        promises(site)
    except PromiseError as exc:
        raise ConfigError(str(exc)) from None


@dataclass(frozen=True)
class PromiseFollowup:
    """What the follow-up shows of the promise for one area and year."""

    area_id: str
    period: Period
    promise: Promise | None
    progress: tuple[Progress, ...]
    trends: tuple = field(default=())

    @property
    def in_force(self) -> bool:
        return self.promise is not None and self.promise.in_force(self.period.year)

    def to_json(self, language: str) -> dict:
        """Return the follow-up as the API's JSON document (texts in `language`)."""
        promise = self.promise
        body = {"area": self.area_id, "period": self.period.code, "promise": None, "commitments": [],
                "trends": [trend.to_json() for trend in self.trends]}
        if promise is None:
            return body
        body["promise"] = {"id": promise.id, "title": promise.title.in_language(language), "years": list(promise.years),
                           "in_force": self.in_force, "areas": list(promise.areas),
                           "parties": [{"key": p.key, "name": p.name.in_language(language)} for p in promise.parties]}
        for p in self.progress:
            c, target = p.commitment, p.target
            body["commitments"].append({
                "id": c.id, "party": c.party, "wording": c.wording.in_language(language), "indicator": c.indicator,
                "indicator_label": indicator(c.indicator).shown_label, "areas": list(c.areas),
                "target": None if target is None else {"per": target.per, target.direction: target.value},
                "status": p.status, "status_label": _(LABELS[p.status]),
                "readings": [{"area": r.area_id, "period": r.period, "actual": r.actual, "target": r.target,
                              "status": r.status} for r in p.readings]})
        return body


def follow_promise(site, area: dict, period: Period, now: datetime | None = None) -> PromiseFollowup:
    """Follow the promise in force in `period`'s year up for its commitments (and trends of `area`)."""
    if period.kind not in ("year", "tertial"):
        raise QueryError(_("the follow-up is per tertial: choose a year (%(year)s) or a tertial (%(year)s-T1)",
                           year=period.year))
    now = now or datetime.now(timezone.utc)
    today = now.astimezone(ZoneInfo(STOCKHOLM_TZ)).date()
    areas = site.areas_by_id()
    sources = {area["id"]: Sources(site, area, now)}
    trends = build_trends(site, sources[area["id"]], period, today)
    promise = promise_for(promises(site), period.year)
    if promise is None:
        return PromiseFollowup(area["id"], period, None, (), trends)

    def sources_of(area_id: str) -> Sources:
        if area_id not in sources:
            sources[area_id] = Sources(site, areas[area_id], now)
        return sources[area_id]

    progress = tuple(commitment_progress(promise, c, period.year, sources_of, today) for c in promise.commitments)
    return PromiseFollowup(area["id"], period, promise, progress, trends)


__all__ = ["PromiseError", "PromiseFollowup", "check_promises", "follow_promise", "promises"]
