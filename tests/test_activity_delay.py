"""The delay rule: an activity is shown only once it ended at least the delay ago, and a future one never."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from geoapp.domain.activities import Activity, kind_of
from geoapp.mapview.filters import area_and_period
from geoapp.privacy.activities import publish_activities, visible
from geoapp.store.activities import insert_activities
from geoapp.store.places import list_places

from tests.activity_files import TORGET

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=timezone.utc)


def test_exactly_seven_days_after_the_end_is_shown_one_second_earlier_is_not():
    ended = NOW - timedelta(days=7)
    with_duration = Activity(1, "dialogue", ended - timedelta(minutes=90), duration_min=90)
    without_duration = Activity(1, "police_presence", ended)
    for activity in (with_duration, without_duration):
        assert visible(activity, NOW, 7) is True
        assert visible(activity, NOW - timedelta(seconds=1), 7) is False


def test_the_duration_counts_a_long_activity_from_its_end():
    started = NOW - timedelta(days=7, minutes=60)
    assert visible(Activity(1, "police_presence", started, duration_min=60), NOW, 7) is True
    assert visible(Activity(1, "police_presence", started, duration_min=61), NOW, 7) is False


@given(st.integers(-10**7, 10**7), st.integers(0, 1440), st.integers(0, 60))
def test_a_future_or_running_activity_is_never_shown(offset_s, duration, delay):
    start = NOW + timedelta(seconds=offset_s)
    activity = Activity(1, "advice", start, duration_min=duration or None)
    shown = visible(activity, NOW, delay)
    assert shown == (start + timedelta(minutes=duration) <= NOW - timedelta(days=delay))
    if activity.ended_at > NOW:
        assert not shown


def test_kinds_are_read_from_keys_and_swedish_or_english_labels():
    assert [kind_of(t) for t in ("Medborgardialog", "dialogue", "police_presence", "Polisnärvaro",
                                 "police presence", " RÅDGIVNING ", "advice", "patrol")] == [
        "dialogue", "dialogue", "police_presence", "police_presence", "police_presence", "advice", "advice", None]


def test_publishing_applies_the_delay_at_the_boundary(app):
    site = app.extensions["geoapp"]
    with site.store.begin() as conn:
        place = next(p for p in list_places(conn) if p["name"] == TORGET)
        ended = NOW - timedelta(days=7)
        insert_activities(conn, [
            {"place_id": place["id"], "kind": "dialogue", "started_at": ended - timedelta(minutes=30),
             "duration_min": 30, "participants": 9},
            {"place_id": place["id"], "kind": "police_presence", "started_at": ended + timedelta(seconds=1),
             "duration_min": None, "participants": None},
            {"place_id": place["id"], "kind": "advice", "started_at": NOW + timedelta(days=30),
             "duration_min": 60, "participants": 3},
        ], None, "tests")
    area, period = area_and_period(site, {"area": "tjarna-angar", "period": "2026"})
    published = publish_activities(site, area, period, now=NOW)
    assert [(p.name, p.counts, p.participants) for p in published.places] == [
        (TORGET, {"dialogue": 1, "police_presence": 0, "advice": 0}, 9)]
    later = publish_activities(site, area, period, now=NOW + timedelta(seconds=1))
    assert later.places[0].counts == {"dialogue": 1, "police_presence": 1, "advice": 0}
    # The advice session a month ahead stays hidden until a week after it ended.
    assert publish_activities(site, area, period, now=NOW + timedelta(days=37)).places[0].counts["advice"] == 0
    assert publish_activities(site, area, period, now=NOW + timedelta(days=37, hours=1)).places[0].counts["advice"] == 1
