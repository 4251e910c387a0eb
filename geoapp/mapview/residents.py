"""What residents see of an area ("Ni sa – vi gjorde"): the last two closed tertials, in published numbers only.

Every count comes from the privacy rules' published view of the area (the same numbers as the planners' map
and its API) or from the follow-up's activities after their delay; nothing finer than a published grid square,
no comment, walk name, person or time of an observation reaches the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from geoapp.actions.listing import published_list
from geoapp.domain.actions import DONE, IN_PROGRESS, DECIDED
from geoapp.domain.activities import DIALOGUE
from geoapp.domain.model import STOCKHOLM_TZ
from geoapp.domain.periods import Period
from geoapp.i18n import _, language, ngettext, number
from geoapp.mapview.filters import QueryError
from geoapp.mapview.followup import build_followup
from geoapp.mapview.numbers import published_view
from geoapp.privacy.actions import PublishedAction, require_published_actions
from geoapp.privacy.published import ALL, SAFE_PLACE, Published, require_published
from geoapp.store import activities as stored
from geoapp.store.places import list_places

TERTIAL_MONTHS = 4
INVITATIONS = 5  # the next announced dialogues shown
ANNOUNCED_DAYS = 366  # as far ahead as a dialogue may be announced
# How the areas are listed: the groups the promise names first, then the RegSO areas by name.
KIND_ORDER = {"group": 0, "regso": 1}


@dataclass(frozen=True)
class Findings:
    """What the safety walks found in one tertial: published counts only (None: not shown)."""

    period: Period
    walks: int | None
    problems: int | None  # every problem category together
    safe_places: int | None
    categories: tuple[tuple[str, int], ...]  # (category key, published count), largest first
    withheld: bool  # some category had too few to show


@dataclass(frozen=True)
class Efforts:
    """What the municipality and the police did in one tertial, counted once the activities' delay has passed."""

    period: Period
    dialogues: int
    participants: int
    advice: int
    presence: int
    presence_hours: float


@dataclass(frozen=True)
class Invitation:
    """A citizen dialogue announced to everyone: where, and when it starts."""

    place: str
    starts: datetime  # UTC


@dataclass(frozen=True)
class AreaPage:
    """Everything one area's residents' page and flyer show."""

    area_id: str
    area_name: str
    approximation: bool
    periods: tuple[Period, ...]  # the latest closed tertial first, then the one before
    findings: tuple[Findings, ...]
    efforts: tuple[Efforts, ...]
    invitations: tuple[Invitation, ...]  # the next announced dialogues, soonest first
    done: tuple[tuple[PublishedAction, ...], ...]  # per period: the published actions done in it
    under_way: tuple[PublishedAction, ...]  # the published actions decided or in progress now, soonest due first
    published: Published  # the view the findings and the small map come from
    boundary: Any  # the area's outline in SWEREF 99 TM, public data
    delay_days: int
    made: date

    @property
    def k(self) -> int:
        return self.published.k


def closed_tertials(today: date) -> tuple[Period, Period]:
    """Return the latest tertial that has ended before `today`, and the one before it."""
    current = Period("tertial", today.year, (today.month - 1) // TERTIAL_MONTHS + 1)
    latest = current.previous()
    return latest, latest.previous()


def area_list(site) -> list[dict]:
    """Return the areas residents can choose (id, name, approximation), groups first, then by name."""
    rows = site.areas_by_id().values()
    ordered = sorted(rows, key=lambda r: (KIND_ORDER.get(r["kind"], 2), r["name"]))
    return [{"id": r["id"], "name": r["name"], "approximation": bool(r["approximation"])} for r in ordered]


def area_page(site, area_id: str, now: datetime | None = None) -> AreaPage:
    """Gather the residents' page of area `area_id`, or raise QueryError for an unknown area."""
    now = now or datetime.now(timezone.utc)
    areas = site.areas_by_id()
    if area_id not in areas:
        raise QueryError(area_id)
    row = areas[area_id]
    latest, earlier = closed_tertials(now.date())
    published = require_published(published_view(site, {"area": area_id, "period": latest.code, "compare": "1"}))
    periods = (latest, earlier)
    actions = require_published_actions(published_list(site, row["members"])).actions
    done = tuple(tuple(a for a in actions if a.status == DONE and a.done_on
                       and period.first_day <= a.done_on < period.end_day) for period in periods)
    under_way = tuple(sorted((a for a in actions if a.status in (DECIDED, IN_PROGRESS)),
                             key=lambda a: (a.due or date.max, a.id)))
    return AreaPage(row["id"], row["name"], bool(row["approximation"]), periods,
                    tuple(findings(published, period) for period in periods),
                    tuple(efforts(site, row, period, now) for period in periods),
                    invitations(site, row["members"], now), done, under_way, published, row["geometry"],
                    site.settings["ACTIVITY_DELAY_DAYS"], now.date())


def findings(published: Published, period: Period) -> Findings:
    """Read what walks found in the view's own area in `period` from its published numbers."""
    area = published.request.area.id
    counts = {r.category: r.count for r in published.rows if r.area_id == area and r.period == period.code}
    shown = [(key, value) for key, value in counts.items() if key not in (ALL, SAFE_PLACE) and value is not None]
    hidden = any(value is None for key, value in counts.items() if key not in (ALL, SAFE_PLACE))
    shown.sort(key=lambda item: (-item[1], item[0]))
    return Findings(period, published.walks_in(area, period.code), counts.get(ALL), counts.get(SAFE_PLACE),
                    tuple(shown), hidden)


def efforts(site, row: dict, period: Period, now: datetime) -> Efforts:
    """Count the area's dialogues, advice sessions and police presence of `period` that may be shown at `now`."""
    followup = build_followup(site, row, period, now)
    mine = next((r for r in followup.rows if r.area_id == row["id"]), None)
    if mine is None:
        return Efforts(period, 0, 0, 0, 0, 0.0)
    return Efforts(period, mine.dialogues, mine.dialogue_participants, mine.advice, mine.police_presence,
                   mine.police_presence_hours)


def invitations(site, codes, now: datetime, most: int = INVITATIONS) -> tuple[Invitation, ...]:
    """Return the next citizen dialogues announced at places of the areas `codes`, soonest first."""
    # Only a dialogue marked as announced can be stored ahead (see ingest.activities); police presence never is,
    # and is never looked for here.
    with site.store.connect() as conn:
        places = {p["id"]: p["name"] for p in list_places(conn, codes)}
        rows = stored.activities_between(conn, list(places), now, now + timedelta(days=ANNOUNCED_DAYS))
    return tuple(Invitation(places[r["place_id"]], r["started_at"]) for r in rows if r["kind"] == DIALOGUE)[:most]


def invitation_words(invitation: Invitation) -> str:
    """Say when and where an announced dialogue is, in the language shown now: 'tisdag 8 december 2026 kl. 18.00'."""
    local = invitation.starts.astimezone(ZoneInfo(STOCKHOLM_TZ))
    pattern = "EEEE d MMMM y 'kl.' HH.mm" if language() == "sv" else "EEEE d MMMM y, HH:mm"
    return f"{format_datetime(local, pattern, locale=language())}: {invitation.place}"


MONTHS = {
    "sv": ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
}


def period_words(period: Period) -> str:
    """Name a tertial the way people say it, in the language shown now: 'maj–augusti 2026'."""
    months = MONTHS[language()]
    return f"{months[period.months.start]}–{months[period.months.stop - 1]} {period.year}"


def action_words(action: PublishedAction, labels: dict[str, str]) -> str:
    """Say what an action is, its kind and its named place: 'Byt belysning (belysning, Torget)'."""
    kind = labels.get(action.category, action.category) if action.category else None
    place = action.place_name or _("no named place")
    return f"{action.title} ({kind}, {place})" if kind else f"{action.title} ({place})"


def due_words(action: PublishedAction) -> str:
    """Say in which month an action under way is to be ready, in the language shown now."""
    if action.due is None:
        return _("No date is set yet.")
    return _("Ready in %(month)s.", month=f"{MONTHS[language()][action.due.month - 1]} {action.due.year}")


def _action_json(action: PublishedAction, labels: dict[str, str]) -> dict:
    return {"title": action.title, "category": action.category,
            "category_label": labels.get(action.category, action.category) if action.category else None,
            "place": action.place_name}


def page_json(page: AreaPage, labels: dict[str, str]) -> dict:
    """Return the page's numbers as JSON, the twin of the HTML page (null: not shown)."""
    cells = {layer.period.code: layer for layer in page.published.layers}
    return {
        "area": page.area_id, "name": page.area_name, "k": page.k, "noise": page.published.noise,
        "delay_days": page.delay_days,
        "periods": [
            {"period": f.period.code, "label": period_words(f.period), "walks": f.walks,
             "counts": {ALL: f.problems, SAFE_PLACE: f.safe_places, **dict(f.categories)},
             "labels": {key: labels.get(key, key) for key, _ in f.categories},
             "cells": [{"cell": c.cell, "area": c.area_code, "count": c.count} for c in cells[f.period.code].cells],
             "safe_place_cells": [{"cell": c.cell, "area": c.area_code, "count": c.count}
                                  for c in cells[f.period.code].safe_places],
             "activities": {"dialogues": e.dialogues, "participants": e.participants, "advice": e.advice,
                            "police_presence": e.presence, "police_presence_hours": e.presence_hours},
             "actions_done": [_action_json(a, labels) for a in done]}
            for f, e, done in zip(page.findings, page.efforts, page.done)
        ],
        "actions_under_way": [{**_action_json(a, labels), "status": a.status,
                               "due_month": a.due.strftime("%Y-%m") if a.due else None} for a in page.under_way],
        "invitations": [{"place": i.place, "starts": i.starts.astimezone(ZoneInfo(STOCKHOLM_TZ)).isoformat()}
                        for i in page.invitations],
    }


def walk_sentences(found: Findings) -> list[str]:
    """Say in plain words how many walks there were and how much they noted, before the list of categories."""
    if found.walks == 0:
        return [_("No safety walks were made here then.")]
    lines = []
    if found.walks:
        lines.append(ngettext("We made %(n)s safety walk.", "We made %(n)s safety walks.", found.walks,
                              n=number(found.walks)))
    if found.problems and found.categories:
        lines.append(ngettext("We noted %(n)s thing that can make a place feel unsafe:",
                              "We noted %(n)s things that can make a place feel unsafe:", found.problems,
                              n=number(found.problems)))
    elif found.problems:  # no category is large enough to show on its own
        lines.append(ngettext("We noted %(n)s thing that can make a place feel unsafe.",
                              "We noted %(n)s things that can make a place feel unsafe.", found.problems,
                              n=number(found.problems)))
    else:
        lines.append(_("The walks noted too few things to show here."))
    return lines


def after_list(found: Findings) -> list[str]:
    """Say what follows the list of categories: what was too small to show, and the places that feel safe."""
    lines = []
    if found.problems and found.withheld:
        lines.append(_("Some things were noted too few times to show here."))
    if found.walks != 0 and found.safe_places:
        lines.append(ngettext("%(n)s place felt safe.", "%(n)s places felt safe.", found.safe_places,
                              n=number(found.safe_places)))
    return lines


def effort_sentences(done: Efforts) -> list[str]:
    """Say in plain words what the municipality and the police did in one tertial."""
    return [
        ngettext("%(n)s citizen dialogue, with %(people)s taking part in all.",
                 "%(n)s citizen dialogues, with %(people)s taking part in all.", done.dialogues,
                 n=number(done.dialogues), people=number(done.participants)),
        ngettext("%(n)s time with advice on safety.", "%(n)s times with advice on safety.", done.advice,
                 n=number(done.advice)),
        ngettext("The police were here %(n)s time, %(hours)s hours in all.",
                 "The police were here %(n)s times, %(hours)s hours in all.", done.presence,
                 n=number(done.presence), hours=number(done.presence_hours)),
    ]
