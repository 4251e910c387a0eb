"""Published numbers come from the privacy module only: they cannot be made, replaced, copied or pickled elsewhere."""

import copy
import dataclasses
import pickle

import pytest

from geoapp.export.drawing_pool import DrawingPool
from geoapp.mapview.filters import area_and_period
from geoapp.mapview.numbers import published_view
from geoapp.privacy.activities import PublishedActivities, publish_activities
from geoapp.privacy.published import Published
from geoapp.privacy.seal import SealError, receive, ship
from tests.exporting import mapped  # noqa: F401


@pytest.fixture
def published(mapped):
    site = mapped.extensions["geoapp"]
    with mapped.app_context():
        area, period = area_and_period(site, {"area": "vastra-borlange", "period": "2025-05"})
        return published_view(site, {"area": "vastra-borlange", "period": "2025-05"}), publish_activities(site, area, period)


def test_published_numbers_cannot_be_made_outside_privacy(published):
    numbers, activities = published
    fields = [getattr(numbers, f.name) for f in dataclasses.fields(numbers)]
    with pytest.raises(SealError, match="made by geoapp.privacy only"):
        Published(*fields)
    with pytest.raises(SealError, match="made by geoapp.privacy only"):
        PublishedActivities(activities.area_id, activities.area_name, activities.period, 0, ())


def test_published_numbers_cannot_be_replaced_copied_or_pickled(published):
    for value in published:
        with pytest.raises(SealError):
            dataclasses.replace(value, k=0) if isinstance(value, Published) else dataclasses.replace(value, delay_days=0)
        with pytest.raises(SealError, match="cannot be copied"):
            copy.copy(value)
        with pytest.raises(SealError, match="cannot be copied"):
            copy.deepcopy(value)
        with pytest.raises(SealError, match="cannot be pickled"):
            pickle.dumps(value)


def test_a_shipment_opens_as_the_same_published_numbers(published):
    numbers, activities = published
    opened = receive(ship({"numbers": numbers, "activities": activities}))
    assert opened["numbers"] == numbers and opened["activities"] == activities
    assert isinstance(opened["numbers"], Published)


def test_a_drawing_process_receives_the_published_numbers(published):
    pool = DrawingPool(1)
    try:
        assert pool.draw(repr, published[0]) == repr(published[0])
    finally:
        pool.shutdown()
