"""The indicators a commitment can be followed up by: one entry each, computed from published numbers or entered.

An entry names the indicator, its unit and how its value in one area and period is read from a
`Sources` (which hands out published numbers only). Adding an indicator is adding an entry here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from geoapp.domain.activities import ADVICE, DIALOGUE, POLICE_PRESENCE
from geoapp.domain.periods import Period
from geoapp.i18n import N_, _

COUNT, HOURS, RATIO, SURVEY = "count", "hours", "ratio", "survey"
SURVEY_PREFIX = "survey:"
SURVEY_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")

Value = Callable[["object", str, Period], float | None]


@dataclass(frozen=True)
class Indicator:
    """A number a commitment is measured by: key, label (English msgid), unit, and how to read it."""

    key: str
    label: str
    unit: str
    value: Value
    computed: bool = True  # False: entered (survey results)

    @property
    def shown_label(self) -> str:
        return _(self.label) if self.computed else self.label


def _activities(kind: str) -> Value:
    return lambda sources, area, period: sum(a.kind == kind for a in sources.activities(area, period))


def _participants(sources, area: str, period: Period) -> int:
    return sum(a.participants or 0 for a in sources.activities(area, period) if a.kind == DIALOGUE)


def _presence_hours(sources, area: str, period: Period) -> float:
    minutes = sum(a.duration_min or 0 for a in sources.activities(area, period) if a.kind == POLICE_PRESENCE)
    return round(minutes / 60, 1)


def per_walk(count: int | None, walks: int | None) -> float | None:
    """Return observations per walk to one decimal, or None when either number is withheld or there were no walks."""
    if count is None or not walks:
        return None
    return round(count / walks, 1)


def _observations_per_walk(sources, area: str, period: Period) -> float | None:
    return per_walk(sources.observations(area, period), sources.walks(area, period))


REGISTRY: dict[str, Indicator] = {i.key: i for i in (
    Indicator("dialogues", N_("Dialogues held"), COUNT, _activities(DIALOGUE)),
    Indicator("dialogue_participants", N_("Participants in dialogues"), COUNT, _participants),
    Indicator("advice_sessions", N_("Advice sessions"), COUNT, _activities(ADVICE)),
    Indicator("police_presence", N_("Police presence occasions"), COUNT, _activities(POLICE_PRESENCE)),
    Indicator("police_presence_hours", N_("Police presence hours"), HOURS, _presence_hours),
    Indicator("walks", N_("Safety walks held"), COUNT, lambda s, area, period: s.walks(area, period)),
    Indicator("observations_per_walk", N_("Observations per walk"), RATIO, _observations_per_walk),
    Indicator("actions_decided", N_("Actions decided"), COUNT, lambda s, area, period: s.actions(area, period).decided),
    Indicator("actions_done", N_("Actions done"), COUNT, lambda s, area, period: s.actions(area, period).done),
    Indicator("actions_open", N_("Actions open"), COUNT, lambda s, area, period: s.actions(area, period).open),
)}


def survey_indicator(name: str) -> Indicator:
    """Return the indicator of an entered survey result named `name` (survey:NAME in a promise)."""
    return Indicator(SURVEY_PREFIX + name, name, SURVEY,
                     lambda sources, area, period: sources.survey_value(area, period, name), computed=False)


def indicator(key: str) -> Indicator:
    """Return the indicator `key`: a registry entry, or survey:NAME for an entered survey result."""
    if key.startswith(SURVEY_PREFIX) and SURVEY_NAME.fullmatch(key[len(SURVEY_PREFIX):]):
        return survey_indicator(key[len(SURVEY_PREFIX):])
    return REGISTRY[key]


class KnownIndicators:
    """What a promise file may name as an indicator: the registry's keys and any survey:NAME."""

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (key in REGISTRY or (key.startswith(SURVEY_PREFIX)
                                                             and bool(SURVEY_NAME.fullmatch(key[len(SURVEY_PREFIX):]))))

    def __iter__(self):
        return iter([*REGISTRY, SURVEY_PREFIX + "NAME"])
