"""Actions stored on SQLite and PostgreSQL: added, changed and moved with their history, audited, links kept inside."""

from __future__ import annotations

import pytest

from geoapp.actions.records import add_action, edit_action, move_action
from geoapp.domain.actions import DECIDED, DONE, IN_PROGRESS, PROPOSED, WONT_DO
from geoapp.domain.users import Actor
from geoapp.store import actions as stored
from geoapp.store.audit import recent
from tests.actions_data import PLACE, TJARNA, form, store_walk

pytestmark = pytest.mark.storage
ANNA = Actor("anna", "10.0.0.7")


def test_an_action_at_a_place_of_the_register_is_stored_in_its_area_with_its_first_history_entry(app):
    geoapp = app.extensions["geoapp"]
    with app.test_request_context():
        action_id, errors = add_action(geoapp, form(status="proposed"), ANNA, note="från vandringen")
    assert errors == {}
    with geoapp.store.connect() as conn:
        row = stored.get_action(conn, action_id)
        history = stored.histories(conn)[action_id]
    assert (row["place_name"], row["area_code"], row["status"], row["responsible"]) == (PLACE, TJARNA, PROPOSED, "tunabyggen")
    assert row["due"].isoformat() == "2026-06-30"
    assert [(h.actor, h.from_status, h.to_status, h.note) for h in history] == [("anna", None, PROPOSED, "från vandringen")]


def test_a_point_picked_on_the_map_finds_its_area_and_one_outside_every_area_is_refused(app):
    geoapp = app.extensions["geoapp"]
    with app.test_request_context():
        action_id, errors = add_action(geoapp, form(place="", lat="60.4900", lon="15.4056"), ANNA)
        _, outside = add_action(geoapp, form(place="", lat="59.33", lon="18.07"), ANNA)
        _, missing = add_action(geoapp, form(place=""), ANNA)
    assert errors == {}
    with geoapp.store.connect() as conn:
        assert stored.get_action(conn, action_id)["area_code"] == TJARNA
    assert "utanför alla inlästa områden" in outside["place"]
    assert "place" in missing


def test_every_change_is_kept_as_history_and_audited_with_who_and_from_where(app):
    geoapp = app.extensions["geoapp"]
    with app.test_request_context():
        action_id, _ = add_action(geoapp, form(), ANNA)
        assert move_action(geoapp, action_id, IN_PROGRESS, ANNA, note="beställt") == {}
        assert edit_action(geoapp, action_id, form(status="done", title="Bytt belysning vid torget"), Actor("bo")) == {}
        refused = move_action(geoapp, action_id, PROPOSED, ANNA)
    assert refused["status"]
    with geoapp.store.connect() as conn:
        history = stored.histories(conn)[action_id]
        row = stored.get_action(conn, action_id)
        log = recent(conn)
    assert [(h.actor, h.from_status, h.to_status) for h in history] == [
        ("anna", None, DECIDED), ("anna", DECIDED, IN_PROGRESS), ("bo", IN_PROGRESS, DONE)]
    assert history[1].note == "beställt" and row["title"] == "Bytt belysning vid torget" and row["status"] == DONE
    entries = [(e["action"], e["actor"], e["detail"], e["address"]) for e in log if e["action"].startswith("action")]
    assert entries[::-1] == [("action_add", "anna", f"action {action_id} (decided)", "10.0.0.7"),
                             ("action_status", "anna", f"action {action_id}: decided -> in_progress", "10.0.0.7"),
                             ("action_edit", "bo", f"action {action_id}, in_progress -> done", None)]


def test_will_not_be_done_without_a_reason_changes_nothing(app):
    geoapp = app.extensions["geoapp"]
    with app.test_request_context():
        action_id, _ = add_action(geoapp, form(), ANNA)
        assert "reason" in move_action(geoapp, action_id, WONT_DO, ANNA)
        assert "reason" in edit_action(geoapp, action_id, form(status="wont_do"), ANNA)
        assert move_action(geoapp, action_id, WONT_DO, ANNA, reason="Trafikverket har redan bytt") == {}
    with geoapp.store.connect() as conn:
        row = stored.get_action(conn, action_id)
        assert len(stored.histories(conn)[action_id]) == 2
    assert (row["status"], row["reason"]) == (WONT_DO, "Trafikverket har redan bytt")


def test_title_notes_and_reason_are_redacted_before_they_are_stored(app):
    geoapp = app.extensions["geoapp"]
    with app.test_request_context():
        action_id, errors = add_action(geoapp, form(title="Ring 070-123 45 67 om lampan",
                                                    notes="Kontakt: anna.svensson@example.se, ABC 123"), ANNA)
    assert errors == {}
    with geoapp.store.connect() as conn:
        row = stored.get_action(conn, action_id)
    assert row["title"] == "Ring [telefonnummer] om lampan"
    assert row["notes"] == "Kontakt: [e-post], [registreringsnummer]"


def test_the_squares_an_action_answers_must_be_those_the_walk_found(app):
    geoapp = app.extensions["geoapp"]
    squares = store_walk(app)
    with app.test_request_context():
        action_id, errors = add_action(geoapp, form(walk="Vårvandring Tjärna"), ANNA,
                                       links=[f"{squares[0]}|lighting", f"{squares[1]}|"])
        _, wrong = add_action(geoapp, form(walk="Vårvandring Tjärna"), ANNA, links=["250m:E0N0|lighting"])
        _, no_walk = add_action(geoapp, form(), ANNA, links=[f"{squares[0]}|lighting"])
        _, unknown = add_action(geoapp, form(walk="Ingen sådan"), ANNA)
    assert errors == {} and wrong["links"] and no_walk["links"] and unknown["walk"]
    with geoapp.store.connect() as conn:
        assert stored.links_of(conn, action_id) == sorted([(squares[0], "lighting"), (squares[1], "")])
        assert stored.get_action(conn, action_id)["walk_name"] == "Vårvandring Tjärna"
        assert len(stored.list_actions(conn)) == 1


def test_unknown_responsible_category_and_due_date_are_each_named(app):
    geoapp = app.extensions["geoapp"]
    with app.test_request_context():
        _, errors = add_action(geoapp, form(responsible="Grannen", category="gäng", due="2026-02-30", title=""), ANNA)
    assert set(errors) == {"responsible", "category", "due", "title"}
    assert "Tunabyggen" in errors["responsible"] and "kalendern" in errors["due"]
