"""What may be published of the action list: decided actions only, their redacted words, a coarse point, counts.

- Only actions decided or later (beslutad, pågår, åtgärdad, åtgärdas ej) leave the server; proposals are
  seen by uploaders and admins only.
- Title, notes and reason are redacted with the comment rules again here (they were at storage), so text
  stored before a rule was added is covered too; renderers escape them.
- An action's point is published as the centre of its 250 m grid square, or as the point of its named place
  of the register: never the point someone picked.
- What links an action to a walk, its squares and categories, is never published, nor who made a change.
- The median days from walk to done is a number about walks' dates: it is published only over at least k
  done actions from at least two walks, in whole days, so no one walk's date can be read from it.
- The counts per area and period (decided, done, overdue, open) count published actions only, never a
  proposal, so they tell of no action the list withholds; like the list, they say nothing of walks or
  observations. They leave the server sealed (`ActionFollowup`), for the follow-up table and the promise alike.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import median
from typing import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from geoapp.domain.actions import (COMMITTED_OPEN, DONE, PUBLISHED_STATUSES, HistoryEntry, done_at,
                                   first_reached, is_overdue, overdue_on, status_on)
from geoapp.domain.grid import cell_at
from geoapp.domain.model import STOCKHOLM_TZ, SWEREF99TM, WGS84, transformer
from geoapp.privacy.redact import redact
from geoapp.privacy.rules import MIN_WALKS
from geoapp.privacy.seal import Sealed

PUBLISHED_CELL_M = 250
COORD_DECIMALS = 5


@dataclass(frozen=True)
class PublishedAction:
    """One decided action as anyone may see it."""

    id: int
    title: str
    notes: str
    reason: str
    category: str | None
    status: str
    responsible: str
    due: date | None
    area_code: str
    place_name: str | None
    lon: float
    lat: float
    overdue: bool
    done_on: date | None  # local date it was done, when it is done now


@dataclass(frozen=True)
class PublishedActions(Sealed):
    """The decided actions of some RegSO areas, with their counts per area and status, as the privacy rules allow."""

    actions: tuple[PublishedAction, ...]

    def counts(self, area_codes: Iterable[str] | None = None) -> dict[str, int]:
        """Return the number of published actions per status (and 'overdue'), in the given areas or all."""
        wanted = None if area_codes is None else set(area_codes)
        chosen = [a for a in self.actions if wanted is None or a.area_code in wanted]
        found = Counter(a.status for a in chosen)
        return {**{s: found.get(s, 0) for s in PUBLISHED_STATUSES}, "overdue": sum(a.overdue for a in chosen)}

    def in_areas(self, area_codes: Iterable[str]) -> "PublishedActions":
        """Return only the actions in these RegSO areas."""
        wanted = set(area_codes)
        return PublishedActions(tuple(a for a in self.actions if a.area_code in wanted))


def require_published_actions(value: object) -> PublishedActions:
    """Return `value` when it came from the privacy rules, else raise TypeError."""
    if not isinstance(value, PublishedActions):
        raise TypeError(f"renderers accept only PublishedActions, not {type(value).__name__}")
    return value


def _redacted(text: str) -> str:
    return redact(text or "")[0]


def published_point(row: Mapping) -> tuple[float, float]:
    """Return (lon, lat) to publish: the named place's point, or the centre of the action's 250 m square."""
    if row.get("place_id") is not None and row.get("place_lon") is not None:
        return round(row["place_lon"], COORD_DECIMALS), round(row["place_lat"], COORD_DECIMALS)
    cell = cell_at(row["e"], row["n"], PUBLISHED_CELL_M)
    e, n = (cell.col + 0.5) * PUBLISHED_CELL_M, (cell.row + 0.5) * PUBLISHED_CELL_M
    lon, lat = transformer(SWEREF99TM, WGS84).transform(e, n)
    return round(lon, COORD_DECIMALS), round(lat, COORD_DECIMALS)


def _local_day(moment: datetime | None) -> date | None:
    return moment.astimezone(ZoneInfo(STOCKHOLM_TZ)).date() if moment else None


def publish_actions(rows: Sequence[Mapping], histories: Mapping[int, Sequence[HistoryEntry]], today: date) -> PublishedActions:
    """Return what may be shown of stored actions (rows of store.actions.list_actions) on `today`."""
    published = []
    for row in rows:
        if row["status"] not in PUBLISHED_STATUSES:
            continue
        lon, lat = published_point(row)
        published.append(PublishedAction(
            row["id"], _redacted(row["title"]), _redacted(row["notes"]), _redacted(row["reason"]), row["category"],
            row["status"], row["responsible"], row["due"], row["area_code"],
            row.get("place_name") if row.get("place_id") is not None else None, lon, lat,
            is_overdue(row["status"], row["due"], today), _local_day(done_at(histories.get(row["id"], ())))))
    return PublishedActions(tuple(published))


@dataclass(frozen=True)
class ActionFollowup(Sealed):
    """The actions of one area in one period: decided, done, overdue, open, and the median days from walk to done."""

    decided: int
    done: int
    overdue: int
    median_days: float | None  # None: fewer than k done actions from two walks, or none
    open: int  # decided or in progress at the period's end (or now)


def follow_up_actions(rows: Sequence[Mapping], histories: Mapping[int, Sequence[HistoryEntry]],
                      walk_started: Mapping[int, datetime], start: datetime, end: datetime, now: datetime,
                      k: int) -> ActionFollowup:
    """Count the actions of `rows` (one area's) decided and done in [start, end), overdue and open at its end (or now)."""
    moment = min(end, now)
    day = _local_day(moment)
    decided = done = overdue = still_open = 0
    spans: list[tuple[int, int]] = []  # (days, walk id)
    for row in rows:
        history = histories.get(row["id"], ())
        reached = first_reached(history, PUBLISHED_STATUSES)
        decided += reached is not None and start <= reached < end
        finished = _done_within(history, start, end)
        if finished is not None:
            done += 1
            walked = walk_started.get(row["walk_id"]) if row["walk_id"] is not None else None
            if walked is not None:
                spans.append(((_local_day(finished) - _local_day(walked)).days, row["walk_id"]))
        overdue += overdue_on(history, row["due"], moment, day)
        # A proposal is never committed-open, so it is not counted here either.
        still_open += status_on(history, moment) in COMMITTED_OPEN
    enough = len(spans) >= k and len({walk for _, walk in spans}) >= MIN_WALKS
    return ActionFollowup(decided, done, overdue, float(round(median(d for d, _ in spans))) if enough else None,
                          still_open)


def _done_within(history: Sequence[HistoryEntry], start: datetime, end: datetime) -> datetime | None:
    """Return when the action was marked done within [start, end) and still was at its end, else None."""
    last = None
    for entry in history:
        if entry.at >= end:
            break
        last = entry
    return last.at if last is not None and last.to_status == DONE and start <= last.at else None

