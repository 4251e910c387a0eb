"""What is published of the activities: per place and period, and only once they ended GEOAPP_ACTIVITY_DELAY_DAYS ago.

An activity is shown only once it ended at least GEOAPP_ACTIVITY_DELAY_DAYS days ago, so no page, API
or export ever tells where the police or the municipality is, or will be, now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from geoapp.domain.activities import KINDS, POLICE_PRESENCE, Activity
from geoapp.domain.periods import Period
from geoapp.privacy.seal import Sealed
from geoapp.store import activities as stored
from geoapp.store.places import list_places


def shown_from(activity: Activity, delay_days: int) -> datetime:
    """Return the moment from which the activity is shown: `delay_days` days after it ended."""
    return activity.ended_at + timedelta(days=delay_days)


def visible(activity: Activity, now: datetime, delay_days: int) -> bool:
    """Return True when the activity ended at least `delay_days` days before `now` (never when in the future)."""
    return shown_from(activity, delay_days) <= now


@dataclass(frozen=True)
class PlaceActivities:
    """The published activities at one place in one period: counts per kind, participants, presence hours."""

    name: str
    place_kind: str
    lon: float
    lat: float
    area_code: str
    counts: dict[str, int]
    participants: int
    presence_hours: float

    def total(self, kinds: tuple[str, ...] = KINDS) -> int:
        return sum(self.counts[k] for k in kinds)


@dataclass(frozen=True)
class PublishedActivities(Sealed):
    """What may be shown of the activities in one area and period: per place, after the delay."""

    area_id: str
    area_name: str
    period: Period
    delay_days: int
    places: tuple[PlaceActivities, ...]


def published_in(conn, codes, start: datetime, end: datetime, now: datetime, delay_days: int) -> list[tuple[dict, Activity]]:
    """Return (place, activity) of every activity started in [start, end) at places in `codes` and visible at `now`."""
    places = {p["id"]: p for p in list_places(conn, codes)}
    rows = stored.activities_between(conn, list(places), start, min(end, now))
    activities = (Activity(**row) for row in rows)
    return [(places[a.place_id], a) for a in activities if visible(a, now, delay_days)]


def publish_activities(site, area, period: Period, now: datetime | None = None) -> PublishedActivities:
    """Count the visible activities per place of `area` (a row of the area frame) started in `period`."""
    now = now or datetime.now(timezone.utc)
    delay = site.settings["ACTIVITY_DELAY_DAYS"]
    start, end = period.bounds_utc()
    with site.store.connect() as conn:
        found = published_in(conn, area["members"], start, end, now, delay)
    per_place: dict[str, list] = {}
    for place, activity in found:
        per_place.setdefault(place["name"], [place]).append(activity)
    return PublishedActivities(area["id"], area["name"], period, delay,
                               tuple(_summarise(entry[0], entry[1:]) for _, entry in sorted(per_place.items())))


def publish_for_periods(site, area, periods) -> tuple[PublishedActivities, ...]:
    """Publish the activities of a view's area (with id, name and members) in each of `periods`."""
    row = {"id": area.id, "name": area.name, "members": area.members}
    return tuple(publish_activities(site, row, period) for period in periods)


def _summarise(place: dict, activities: list[Activity]) -> PlaceActivities:
    counts = {kind: sum(a.kind == kind for a in activities) for kind in KINDS}
    minutes = sum(a.duration_min or 0 for a in activities if a.kind == POLICE_PRESENCE)
    return PlaceActivities(place["name"], place["kind"], place["lon"], place["lat"], place["area_code"], counts,
                           sum(a.participants or 0 for a in activities), round(minutes / 60, 1))
