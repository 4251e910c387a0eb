"""The published action list as the API, the map and the exports give it: GeoJSON, per area and per period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from geoapp.actions.listing import published_list
from geoapp.domain.actions import DECIDED, DONE, IN_PROGRESS, PUBLISHED_STATUSES, status_label
from geoapp.domain.periods import Period
from geoapp.privacy.actions import PublishedAction, PublishedActions, require_published_actions


def actions_geojson(published: PublishedActions, area_names: dict[str, str], responsible: dict[str, str],
                    language: str) -> dict:
    """Return the published actions as a GeoJSON FeatureCollection (EPSG:4326) with the count per area and status."""
    published = require_published_actions(published)
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [a.lon, a.lat]},
                 "properties": {"id": a.id, "title": a.title, "notes": a.notes, "reason": a.reason,
                                "category": a.category, "status": a.status,
                                "status_label": status_label(a.status, language), "responsible": a.responsible,
                                "responsible_name": responsible.get(a.responsible, a.responsible),
                                "due": a.due.isoformat() if a.due else None, "overdue": a.overdue,
                                "done_on": a.done_on.isoformat() if a.done_on else None,
                                "area": a.area_code, "area_name": area_names.get(a.area_code, a.area_code),
                                "place": a.place_name}}
                for a in published.actions]
    codes = sorted({a.area_code for a in published.actions})
    counts = [{"area": code, "area_name": area_names.get(code, code), **published.counts([code])} for code in codes]
    return {"type": "FeatureCollection", "features": features, "counts": counts, "statuses": list(PUBLISHED_STATUSES)}


@dataclass(frozen=True)
class PeriodActions:
    """An area's published actions for a period's report: done in it, ongoing at its end, overdue today."""

    period: Period
    done: tuple[PublishedAction, ...]
    ongoing: tuple[PublishedAction, ...]
    overdue: tuple[PublishedAction, ...]


def period_actions(site, members, period: Period) -> PeriodActions:
    """Return the published actions of the RegSO areas `members` for the PDF's page on `period`."""
    published = published_list(site, members)
    done = tuple(a for a in published.actions if a.status == DONE and a.done_on
                 and period.first_day <= a.done_on < period.end_day)
    ongoing = tuple(a for a in published.actions if a.status in (DECIDED, IN_PROGRESS) and not a.overdue)
    overdue = tuple(a for a in published.actions if a.overdue)
    return PeriodActions(period, done, ongoing, overdue)


def open_of(published: PublishedActions) -> tuple[PublishedAction, ...]:
    """Return the published actions not finished yet (decided or ongoing), overdue first, then by due date."""
    chosen = [a for a in require_published_actions(published).actions if a.status in (DECIDED, IN_PROGRESS)]
    return tuple(sorted(chosen, key=lambda a: (not a.overdue, a.due or date.max, a.id)))

