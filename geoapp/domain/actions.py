"""The rules of an action's life: its statuses, the moves between them, its history, and when it is overdue.

Pure functions over plain values: no database, no request. The store and the pages call them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from statistics import median
from typing import Iterable, Sequence

from geoapp.i18n import _, language

PROPOSED, DECIDED, IN_PROGRESS, DONE, WONT_DO = "proposed", "decided", "in_progress", "done", "wont_do"
STATUSES = (PROPOSED, DECIDED, IN_PROGRESS, DONE, WONT_DO)
LABELS = {
    PROPOSED: ("föreslagen", "proposed"),
    DECIDED: ("beslutad", "decided"),
    IN_PROGRESS: ("pågår", "in progress"),
    DONE: ("åtgärdad", "done"),
    WONT_DO: ("åtgärdas ej", "will not be done"),
}
# Decided or later: what may be published. A proposal is seen by uploaders and admins only.
PUBLISHED_STATUSES = (DECIDED, IN_PROGRESS, DONE, WONT_DO)
OPEN_STATUSES = (PROPOSED, DECIDED, IN_PROGRESS)
# Committed and not finished: these alone can be overdue (a proposal has promised nothing yet).
COMMITTED_OPEN = (DECIDED, IN_PROGRESS)
# Where each status may go. A done action may be reopened (it came back), and one that will not be done may be
# proposed again or decided after all; nothing goes back to being a mere proposal once decided.
TRANSITIONS = {
    PROPOSED: (DECIDED, WONT_DO),
    DECIDED: (IN_PROGRESS, DONE, WONT_DO),
    IN_PROGRESS: (DONE, WONT_DO, DECIDED),
    DONE: (IN_PROGRESS,),
    WONT_DO: (PROPOSED, DECIDED),
}
MAX_TITLE, MAX_NOTES, MAX_REASON, MAX_NOTE = 200, 2000, 500, 500
WORDS = {key.casefold(): key for key in STATUSES}
WORDS.update({label.casefold(): key for key, pair in LABELS.items() for label in pair})
WORDS.update({"in progress": IN_PROGRESS, "wont do": WONT_DO, "won't do": WONT_DO, "will not be done": WONT_DO,
              "atgardad": DONE, "klar": DONE, "pagar": IN_PROGRESS, "foreslagen": PROPOSED, "förslag": PROPOSED,
              "atgardas ej": WONT_DO, "ej åtgärdad": WONT_DO, "avslutad": DONE})


class ActionError(ValueError):
    """A change the rules do not allow; the message says why, `field` which input it concerns."""

    def __init__(self, message: str, field: str = "status"):
        super().__init__(message)
        self.field = field


def status_label(status: str, lang: str | None = None) -> str:
    """Return the name of a status in the language shown now (or `lang`)."""
    sv, en = LABELS[status]
    return sv if (lang or language()) == "sv" else en


def status_of(text: str) -> str | None:
    """Return the status for a key or a Swedish or English label (case and spacing ignored), or None."""
    return WORDS.get(" ".join(str(text).replace("_", " ").split()).casefold()) or WORDS.get(str(text).strip().casefold())


@dataclass(frozen=True)
class HistoryEntry:
    """One change of an action: who, when (UTC), from which status (None when created) to which, and a note."""

    at: datetime
    actor: str | None
    from_status: str | None
    to_status: str
    note: str = ""


@dataclass(frozen=True)
class Action:
    """What someone will do about what walks found; `reason` is required when it will not be done."""

    id: int | None
    title: str
    category: str | None
    area_code: str
    responsible: str
    due: date | None
    status: str
    lon: float
    lat: float
    e: float
    n: float
    place_id: int | None = None
    place_name: str | None = None
    notes: str = ""
    reason: str = ""
    walk_id: int | None = None
    created_at: datetime | None = None


def check_status(status: str, reason: str) -> None:
    """Refuse a status that is not one, or 'will not be done' without a reason."""
    if status not in STATUSES:
        raise ActionError(_("unknown status; use one of: %(statuses)s", statuses=", ".join(
            f"{s} ({LABELS[s][0]})" for s in STATUSES)))
    if status == WONT_DO and not reason.strip():
        raise ActionError(_("say why it will not be done (a reason is required)"), "reason")


def allowed_moves(status: str) -> tuple[str, ...]:
    """Return the statuses an action of `status` may move to."""
    return TRANSITIONS[status]


def change_status(action: Action, to: str, actor: str | None, at: datetime, note: str = "",
                  reason: str = "") -> tuple[Action, HistoryEntry]:
    """Move `action` to status `to`, or raise ActionError; return the changed action and its history entry."""
    check_status(to, reason)
    if to == action.status:
        raise ActionError(_("the action already has this status"))
    if to not in TRANSITIONS[action.status]:
        raise ActionError(_("an action that is %(from)s cannot become %(to)s; it can become: %(allowed)s",
                            **{"from": status_label(action.status), "to": status_label(to),
                               "allowed": ", ".join(status_label(s) for s in TRANSITIONS[action.status])}))
    changed = replace(action, status=to, reason=reason.strip() if to == WONT_DO else "")
    return changed, HistoryEntry(at, actor, action.status, to, note.strip())


def creation(action: Action, actor: str | None, at: datetime, note: str = "") -> HistoryEntry:
    """Return the first history entry of a new action, after checking its status and reason."""
    check_status(action.status, action.reason)
    return HistoryEntry(at, actor, None, action.status, note.strip())


def status_on(history: Sequence[HistoryEntry], moment: datetime) -> str | None:
    """Return the status an action had at `moment` from its history (oldest first), or None before it existed."""
    status = None
    for entry in history:
        if entry.at > moment:
            break
        status = entry.to_status
    return status


def first_reached(history: Sequence[HistoryEntry], statuses: Iterable[str]) -> datetime | None:
    """Return when the action first reached one of `statuses`, or None."""
    wanted = set(statuses)
    return next((entry.at for entry in history if entry.to_status in wanted), None)


def done_at(history: Sequence[HistoryEntry]) -> datetime | None:
    """Return when the action was last marked done, if it is done now."""
    if not history or history[-1].to_status != DONE:
        return None
    return history[-1].at


def is_overdue(status: str, due: date | None, today: date) -> bool:
    """Return True when a decided or ongoing action's due date has passed."""
    return status in COMMITTED_OPEN and due is not None and due < today


def overdue_on(history: Sequence[HistoryEntry], due: date | None, moment: datetime, day: date) -> bool:
    """Return True when, at `moment` (whose local date is `day`), the action was committed, open and past due."""
    status = status_on(history, moment)
    return status is not None and is_overdue(status, due, day)


def median_days(spans: Iterable[int]) -> float | None:
    """Return the median of whole-day spans, or None when there are none."""
    values = list(spans)
    return float(median(values)) if values else None

