"""A commitment's status, computed from its actual value and target, never typed in.

- met: the value reaches the target (at least, or at most, the target value);
- partly: an "at least" target not reached, but the value is above 0;
- not met: an "at least" target with 0, or an "at most" target exceeded;
- no target: the promise sets none for this period (or is not in force then);
- no data: a target, but no published value (withheld by the privacy rules, or no survey entered).

Over several periods or areas: met when all are met, not met when none is met or partly met,
partly otherwise; periods and areas without data or target do not count, unless nothing else is left.
"""

from __future__ import annotations

from typing import Iterable

from geoapp.i18n import N_
from geoapp.promise.document import Target

MET, PARTLY, NOT_MET, NO_TARGET, NO_DATA = "met", "partly", "not_met", "no_target", "no_data"
STATUSES = (MET, PARTLY, NOT_MET, NO_TARGET, NO_DATA)
LABELS = {MET: N_("met"), PARTLY: N_("partly met"), NOT_MET: N_("not met"), NO_TARGET: N_("no target"),
          NO_DATA: N_("no published value")}


def status(actual: float | None, target: Target | None) -> str:
    """Return the status of one value against one target."""
    if target is None:
        return NO_TARGET
    if actual is None:
        return NO_DATA
    if target.direction == "at_most":
        return MET if actual <= target.value else NOT_MET
    if actual >= target.value:
        return MET
    return PARTLY if actual > 0 else NOT_MET


def combined(statuses: Iterable[str]) -> str:
    """Return the status of several periods or areas together."""
    found = list(statuses)
    judged = [s for s in found if s in (MET, PARTLY, NOT_MET)]
    if not judged:
        return NO_DATA if NO_DATA in found else NO_TARGET
    if all(s == MET for s in judged):
        return MET
    if all(s == NOT_MET for s in judged):
        return NOT_MET
    return PARTLY
