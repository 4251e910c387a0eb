"""The published numbers indicators are read from, gathered once per request for one area and its members.

Everything here comes out of the privacy rules: observation and walk counts from the map's own
published views, activities only once the delay has passed, action counts as the action list's
rules publish them (the follow-up table's own numbers), survey results only as the aggregates
the survey rule lets through. An indicator can therefore never show more than the map does.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable

from geoapp.actions.listing import action_rows
from geoapp.domain.activities import Activity
from geoapp.domain.periods import Period
from geoapp.mapview.numbers import published_view
from geoapp.privacy.actions import ActionFollowup, follow_up_actions
from geoapp.privacy.activities import published_in
from geoapp.privacy.published import ALL, Published
from geoapp.privacy.surveys import PublishedSurveys, publish_surveys
from geoapp.store.surveys import results_of


class Sources:
    """Published numbers of one area (a row of the area frame) and its members, read lazily and kept."""

    def __init__(self, site, area: dict, now: datetime | None = None):
        self.instance, self.area = site, area
        self.now = now or datetime.now(timezone.utc)
        self.members = tuple(area["members"])
        self._kept: dict = {}

    def once(self, key: Any, build: Callable[[], Any]) -> Any:
        """Return what `build` gives, building it only the first time `key` is asked for."""
        if key not in self._kept:
            self._kept[key] = build()
        return self._kept[key]

    def codes(self, area_id: str) -> tuple[str, ...]:
        """Return the RegSO codes of `area_id`: the area's own members, or one member."""
        if area_id == self.area["id"]:
            return self.members
        if area_id in self.members:
            return (area_id,)
        raise KeyError(area_id)

    def view(self, period: Period) -> Published:
        """Return the map's published numbers of the area (with its members) in `period`."""
        return self.once(("view", period), lambda: published_view(self.instance, {"area": self.area["id"],
                                                                                   "period": period.code}))

    def walks(self, area_id: str, period: Period) -> int | None:
        """Return the published number of walks, or None when withheld."""
        return self.view(period).walks_in(area_id, period.code)

    def observations(self, area_id: str, period: Period, categories: tuple[str, ...] | None = None) -> int | None:
        """Return the published observations of all categories, or the sum of some, or None when any is withheld."""
        view = self.view(period)
        values = [view.area_counts(period.code, c).get(area_id) for c in (categories or (ALL,))]
        if any(v is None for v in values):
            return None
        return sum(values)

    def activities(self, area_id: str, period: Period) -> list[Activity]:
        """Return the activities of the period at the area's places that the delay rule lets be shown."""
        def build():
            delay = self.instance.settings["ACTIVITY_DELAY_DAYS"]
            with self.instance.store.connect() as conn:
                return published_in(conn, self.members, *period.bounds_utc(), self.now, delay)

        found = self.once(("activities", period), build)
        codes = self.codes(area_id)
        return [a for place, a in found if place["area_code"] in codes]

    def actions(self, area_id: str, period: Period) -> ActionFollowup:
        """Return the action counts of the area in `period` (decided, done, open), as the follow-up table has them."""
        def build():
            with self.instance.store.connect() as conn:
                return action_rows(conn, self.members)

        found = self.once("actions", build)
        codes = self.codes(area_id)
        return self.once(("actions", area_id, period), lambda: follow_up_actions(
            [r for r in found.rows if r["area_code"] in codes], found.histories, found.walks, *period.bounds_utc(),
            self.now, int(self.instance.settings["K_MIN"])))

    def survey_value(self, area_id: str, period: Period, name: str) -> float | None:
        """Return the published survey result `name` of the area in a year (surveys are yearly), or None."""
        result = self.survey(area_id, period, name)
        return None if result is None else result.value

    def survey(self, area_id: str, period: Period, name: str):
        """Return the published survey result of the area and year, or None."""
        if period.kind != "year":
            return None
        codes = self.codes(area_id)
        same = codes[0] if len(codes) == 1 else area_id  # a group of one area is that area
        return self.surveys().get((same, period.year, name))

    def surveys(self) -> PublishedSurveys:
        """Return the published survey results of the area and its members, by (area id, year, indicator)."""
        def build() -> PublishedSurveys:
            with self.instance.store.connect() as conn:
                rows = results_of(conn, [self.area["id"], *self.members])
            return publish_surveys(rows, int(self.instance.settings["SURVEY_MIN_N"]))

        return self.once("surveys", build)
