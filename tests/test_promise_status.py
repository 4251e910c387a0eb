"""Status rules: computed from the value and the target, for one period and over several."""

from __future__ import annotations

import pytest

from geoapp.promise.document import Target
from geoapp.promise.status import MET, NO_DATA, NO_TARGET, NOT_MET, PARTLY, combined, status

AT_LEAST_4 = Target("tertial", "at_least", 4)
AT_MOST_3 = Target("year", "at_most", 3)


@pytest.mark.parametrize("actual, target, expected", [
    (4, AT_LEAST_4, MET), (20, AT_LEAST_4, MET), (3, AT_LEAST_4, PARTLY), (0.5, AT_LEAST_4, PARTLY),
    (0, AT_LEAST_4, NOT_MET), (None, AT_LEAST_4, NO_DATA), (7, None, NO_TARGET), (None, None, NO_TARGET),
    (3, AT_MOST_3, MET), (2.9, AT_MOST_3, MET), (3.1, AT_MOST_3, NOT_MET), (None, AT_MOST_3, NO_DATA),
    (0, Target("year", "at_least", 0), MET),
])
def test_status_of_one_value(actual, target, expected):
    assert status(actual, target) == expected


@pytest.mark.parametrize("statuses, expected", [
    ([MET, MET, MET], MET), ([MET, PARTLY], PARTLY), ([MET, NOT_MET], PARTLY), ([NOT_MET, NOT_MET], NOT_MET),
    ([PARTLY, NOT_MET], PARTLY), ([MET, NO_DATA], MET), ([NOT_MET, NO_DATA], NOT_MET), ([NO_DATA, NO_DATA], NO_DATA),
    ([], NO_TARGET), ([NO_TARGET, NO_TARGET], NO_TARGET), ([NO_TARGET, NO_DATA], NO_DATA),
])
def test_status_over_several_periods_or_areas(statuses, expected):
    assert combined(statuses) == expected
