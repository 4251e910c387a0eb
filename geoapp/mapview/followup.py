"""The follow-up (uppföljning) per tertial and area: activities held next to safety-walk observations.

The promise is followed up per tertial by the municipality's committee and the police's management group.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timezone

from geoapp.domain.activities import ADVICE, DIALOGUE, POLICE_PRESENCE
from geoapp.domain.periods import Period, periods_of_year
from geoapp.i18n import _
from geoapp.mapview.filters import QueryError
from geoapp.mapview.numbers import published_view
from geoapp.actions.listing import action_rows
from geoapp.privacy.actions import follow_up_actions
from geoapp.privacy.activities import published_in



@dataclass(frozen=True)
class FollowupRow:
    """One tertial in one area; observations is None when not publishable, with observations_note saying why."""

    tertial: str
    area_id: str
    area_name: str
    dialogues: int
    dialogue_participants: int
    police_presence: int
    police_presence_hours: float
    advice: int
    observations: int | None
    observations_note: str | None
    actions_decided: int = 0
    actions_done: int = 0
    actions_overdue: int = 0
    actions_open: int = 0  # decided or in progress at the tertial's end (today for the current one)
    median_days_to_done: float | None = None  # None: fewer than k done actions from two walks


@dataclass(frozen=True)
class Followup:
    """The follow-up table of one area (a group with its members) and period."""

    area_id: str
    area_name: str
    period: Period
    delay_days: int
    k: int
    rows: tuple[FollowupRow, ...]

    def to_json(self) -> dict:
        return {"area": self.area_id, "period": self.period.code, "delay_days": self.delay_days, "k": self.k,
                "rows": [asdict(r) for r in self.rows]}


def tertials(period: Period, today: date | None = None) -> list[Period]:
    """Return the tertials a year or tertial holds that have begun, or raise QueryError for other periods."""
    if period.kind not in ("year", "tertial"):
        raise QueryError(_("the follow-up is per tertial: choose a year (%(year)s) or a tertial (%(year)s-T1)", year=period.year))
    chosen = periods_of_year(period.year, "tertial") if period.kind == "year" else (period,)
    return [t for t in chosen if t.first_day <= (today or date.today())]


def published_observations(site, area_id: str, tertial: Period) -> dict[str, int | None]:
    """Return the observations per area id (the area and its members) that the privacy rules publish for a tertial."""
    # The same decision as the map's, so the follow-up can never show a number the map protects.
    return published_view(site, {"area": area_id, "period": tertial.code}).area_counts(tertial.code)


def build_followup(site, area, period: Period, now: datetime | None = None) -> Followup:
    """Build the follow-up table of `area` (a row of the area frame, with its members) for `period`."""
    now = now or datetime.now(timezone.utc)
    settings, names = site.settings, site.area_frame().set_index("id")["name"]
    delay, k = settings["ACTIVITY_DELAY_DAYS"], settings["K_MIN"]
    members = list(area["members"])
    rows_for = [(area["id"], area["name"], members)]
    if len(members) > 1:  # a group: its total first, then each member
        rows_for += [(code, names.get(code, code), [code]) for code in members]
    with site.store.connect() as conn:
        activities = {t: published_in(conn, members, *t.bounds_utc(), now, delay) for t in tertials(period, now.date())}
        actions = action_rows(conn, members)
    rows = []
    for tertial, found in activities.items():
        shown = published_observations(site, area["id"], tertial)
        for area_id, name, codes in rows_for:
            here = [a for place, a in found if place["area_code"] in codes]
            value = shown.get(area_id)
            note = None if value is not None else _("fewer than %(k)s or protected", k=k)
            counted = follow_up_actions([r for r in actions.rows if r["area_code"] in codes], actions.histories,
                                        actions.walks, *tertial.bounds_utc(), now, k)
            rows.append(replace(_row(tertial, area_id, name, here, value, note), actions_decided=counted.decided,
                                actions_done=counted.done, actions_overdue=counted.overdue,
                                actions_open=counted.open, median_days_to_done=counted.median_days))
    return Followup(area["id"], area["name"], period, delay, k, tuple(rows))


def _row(tertial: Period, area_id: str, name: str, found: list, value: int | None, note: str | None) -> FollowupRow:
    dialogues = [a for a in found if a.kind == DIALOGUE]
    presence = [a for a in found if a.kind == POLICE_PRESENCE]
    return FollowupRow(tertial.code, area_id, name, len(dialogues), sum(a.participants or 0 for a in dialogues),
                       len(presence), round(sum(a.duration_min or 0 for a in presence) / 60, 1),
                       sum(a.kind == ADVICE for a in found), value, note)
