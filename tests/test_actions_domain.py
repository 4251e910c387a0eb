"""The rules of an action's life, without a database: statuses, moves, reasons, history and overdue."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from geoapp import create_app
from geoapp.domain.actions import (DECIDED, DONE, IN_PROGRESS, PROPOSED, STATUSES, TRANSITIONS, WONT_DO, Action,
                                   ActionError, HistoryEntry, change_status, creation, done_at, first_reached,
                                   is_overdue, overdue_on, status_label, status_of, status_on)

T0 = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)


@pytest.fixture(autouse=True, scope="module")
def swedish(tmp_path_factory):
    """Messages in Swedish, as users read them."""
    tmp_path = tmp_path_factory.mktemp("domain")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "INSTANCE_PATH": str(tmp_path),
                      "LOAD_DEFAULT_AREAS": False, "LOAD_DEFAULT_PLACES": False, "TESTING": True})
    with app.test_request_context():
        yield
    app.extensions["geoapp"].store.dispose()


def action(status=PROPOSED, due=None, reason="") -> Action:
    return Action(1, "Byt trasig belysning", "lighting", "2081R013", "tunabyggen", due, status, 15.4, 60.49,
                  1.0, 2.0, reason=reason)


def test_an_action_goes_from_proposed_through_decided_and_in_progress_to_done_with_a_history_entry_each():
    current = action()
    entries = [creation(current, "anna", T0, "från vandringen")]
    for step, to in enumerate((DECIDED, IN_PROGRESS, DONE), start=1):
        current, entry = change_status(current, to, "anna", T0 + timedelta(days=step), note=f"steg {step}")
        entries.append(entry)
    assert current.status == DONE
    assert [(e.from_status, e.to_status) for e in entries] == [(None, PROPOSED), (PROPOSED, DECIDED),
                                                               (DECIDED, IN_PROGRESS), (IN_PROGRESS, DONE)]
    assert entries[2] == HistoryEntry(T0 + timedelta(days=2), "anna", DECIDED, IN_PROGRESS, "steg 2")
    assert done_at(entries) == T0 + timedelta(days=3)
    assert first_reached(entries, [DECIDED, IN_PROGRESS, DONE]) == T0 + timedelta(days=1)


@pytest.mark.parametrize("start, to", [(PROPOSED, DONE), (PROPOSED, IN_PROGRESS), (DONE, PROPOSED), (DONE, WONT_DO),
                                       (DECIDED, PROPOSED), (IN_PROGRESS, PROPOSED)])
def test_moves_outside_the_rules_are_refused_naming_the_moves_allowed(start, to):
    with pytest.raises(ActionError) as refused:
        change_status(action(start, reason="x" if start == WONT_DO else ""), to, "anna", T0,
                      reason="skäl" if to == WONT_DO else "")
    message = str(refused.value)
    assert status_label(start) in message and status_label(to) in message
    assert all(status_label(s) in message for s in TRANSITIONS[start])


def test_every_status_can_be_left_and_every_status_but_proposed_reached_from_proposed_in_two_moves():
    reached = {PROPOSED}
    for status in list(reached):
        for to in TRANSITIONS[status]:
            reached |= {to, *TRANSITIONS[to]}
    assert reached == set(STATUSES)
    assert all(TRANSITIONS[s] for s in STATUSES)


def test_will_not_be_done_needs_a_reason_and_keeps_it_only_while_so():
    with pytest.raises(ActionError) as refused:
        change_status(action(DECIDED), WONT_DO, "anna", T0, reason="  ")
    assert refused.value.field == "reason"
    stopped, _ = change_status(action(DECIDED), WONT_DO, "anna", T0, reason="Fastighetsägaren har redan åtgärdat")
    assert stopped.reason == "Fastighetsägaren har redan åtgärdat"
    again, _ = change_status(stopped, DECIDED, "anna", T0)
    assert again.reason == ""
    with pytest.raises(ActionError):
        creation(action(WONT_DO), "anna", T0)


def test_a_done_action_can_be_reopened_and_is_no_longer_done():
    history = [creation(action(DECIDED), "a", T0), HistoryEntry(T0 + timedelta(days=1), "a", DECIDED, DONE)]
    reopened, entry = change_status(action(DONE), IN_PROGRESS, "b", T0 + timedelta(days=5), note="lampan trasig igen")
    assert reopened.status == IN_PROGRESS and done_at(history + [entry]) is None


def test_the_same_status_again_is_refused():
    with pytest.raises(ActionError):
        change_status(action(DECIDED), DECIDED, "a", T0)


def test_only_decided_and_ongoing_actions_past_their_due_date_are_overdue():
    today = date(2026, 5, 10)
    assert is_overdue(DECIDED, date(2026, 5, 9), today) and is_overdue(IN_PROGRESS, date(2026, 1, 1), today)
    assert not is_overdue(DECIDED, today, today)
    assert not is_overdue(PROPOSED, date(2026, 1, 1), today)
    assert not is_overdue(DONE, date(2026, 1, 1), today) and not is_overdue(WONT_DO, date(2026, 1, 1), today)
    assert not is_overdue(DECIDED, None, today)


def test_the_status_at_a_moment_is_read_from_the_history():
    history = [HistoryEntry(T0, "a", None, PROPOSED), HistoryEntry(T0 + timedelta(days=10), "a", PROPOSED, DECIDED),
               HistoryEntry(T0 + timedelta(days=40), "a", DECIDED, DONE)]
    assert status_on(history, T0 - timedelta(seconds=1)) is None
    assert status_on(history, T0 + timedelta(days=20)) == DECIDED
    assert status_on(history, T0 + timedelta(days=50)) == DONE
    due = date(2026, 3, 20)
    assert overdue_on(history, due, T0 + timedelta(days=30), date(2026, 4, 1))
    assert not overdue_on(history, due, T0 + timedelta(days=50), date(2026, 4, 21))


@pytest.mark.parametrize("text, status", [("beslutad", DECIDED), ("Åtgärdad", DONE), ("in_progress", IN_PROGRESS),
                                          ("PÅGÅR", IN_PROGRESS), ("åtgärdas  ej", WONT_DO), ("won't do", WONT_DO),
                                          ("will not be done", WONT_DO), ("föreslagen", PROPOSED), ("klar?", None)])
def test_statuses_are_read_from_keys_and_swedish_or_english_labels(text, status):
    assert status_of(text) == status
