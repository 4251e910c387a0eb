"""Trends for the follow-up: per area (the area and its members) over tertials, read from published numbers only."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from geoapp.domain.periods import Period, parse_period, periods_of_year
from geoapp.i18n import N_, _, language
from geoapp.mapview.filters import data_years
from geoapp.privacy.series import PublishedTrend, publish_trend
from geoapp.promise.indicators import COUNT, HOURS, RATIO, SURVEY, REGISTRY, per_walk
from geoapp.promise.sources import Sources

YEARS_SHOWN = 3  # the chosen year and the two before it
ALL_CATEGORIES = "all"


@dataclass(frozen=True)
class CategoryGroup:
    key: str
    names: dict[str, str]
    categories: tuple[str, ...]


def category_groups(path: Path, known: tuple[str, ...]) -> tuple[CategoryGroup, ...]:
    """Read the category groups of the trend of observations per walk; categories not in `known` are left out."""
    if not path.is_file():
        return ()
    with path.open("rb") as file:
        groups = tomllib.load(file).get("group", [])
    found = []
    for group in groups:
        categories = tuple(c for c in group.get("categories", []) if c in known)
        if categories:
            found.append(CategoryGroup(group["key"], dict(group.get("name", {})), categories))
    return tuple(found)


def trend_years(period: Period, first_year: int) -> list[int]:
    """Return the years a trend covers: up to YEARS_SHOWN years up to `period`'s, none before the first with data."""
    return list(range(max(period.year - YEARS_SHOWN + 1, min(first_year, period.year)), period.year + 1))


def trend_tertials(period: Period, today: date, first_year: int) -> list[Period]:
    """Return the tertials of the trend's years up to `period`'s end, none not yet begun."""
    last = period if period.kind == "tertial" else periods_of_year(period.year, "tertial")[-1]
    tertials = [t for year in trend_years(period, first_year) for t in periods_of_year(year, "tertial")]
    return [t for t in tertials if t <= last and t.first_day <= today]


@dataclass(frozen=True)
class TrendSpec:
    """One chart: its key, title (msgid), unit, and its series as (key, label, read(sources, area id, period))."""

    key: str
    title: str
    unit: str
    series: tuple[tuple[str, str, Callable], ...]


def _indicator(key: str) -> tuple[str, str, Callable]:
    entry = REGISTRY[key]
    return key, entry.label, entry.value


def trend_specs(groups: tuple[CategoryGroup, ...]) -> list[TrendSpec]:
    """Return the trend charts, in the order shown."""
    def group_read(categories):
        return lambda s, area, p: per_walk(s.observations(area, p, categories), s.walks(area, p))

    per_group = [(g.key, g.names.get(language()) or g.names.get("sv") or g.key, group_read(g.categories)) for g in groups]
    return [
        TrendSpec("observations_per_walk", N_("Observations per walk by category group"), RATIO,
                  ((ALL_CATEGORIES, N_("All categories"), group_read(None)), *per_group)),
        TrendSpec("walks", N_("Safety walks held"), COUNT, (_indicator("walks"),)),
        TrendSpec("dialogues", N_("Dialogues held"), COUNT, (_indicator("dialogues"),)),
        TrendSpec("dialogue_participants", N_("Participants in dialogues"), COUNT, (_indicator("dialogue_participants"),)),
        TrendSpec("police_presence_hours", N_("Police presence hours"), HOURS, (_indicator("police_presence_hours"),)),
        TrendSpec("actions", N_("Actions done and open"), COUNT, (_indicator("actions_done"), _indicator("actions_open"))),
    ]


def build_trends(site, sources: Sources, period: Period, today: date) -> tuple[PublishedTrend, ...]:
    """Return the trends of the sources' area and its members up to `period`, as published trends."""
    names = site.areas_by_id()
    area = sources.area
    areas = [(area["id"], area["name"])] + ([(m, names[m]["name"]) for m in area["members"]] if len(area["members"]) > 1 else [])
    vocabulary = site.vocabulary().keys
    groups = category_groups(site.data_dir / "vocabulary" / "category_groups.toml", vocabulary)
    first_year = data_years(site, site.store.data_version())[0]
    codes = [t.code for t in trend_tertials(period, today, first_year)]
    trends = []
    for spec in trend_specs(groups):
        reads = {key: read for key, _label_text, read in spec.series}
        labels = [(key, _(label) if key in REGISTRY or key == ALL_CATEGORIES else label)
                  for key, label, _read in spec.series]
        trends.append(publish_trend(spec.key, _(spec.title), spec.unit, codes, areas, labels,
                                    lambda a, s, p, reads=reads: reads[s](sources, a, parse_period(p))))
    trends.extend(survey_trends(sources, areas, period, first_year))
    return tuple(trends)


def survey_trends(sources: Sources, areas, period: Period, first_year: int) -> list[PublishedTrend]:
    """Return one yearly trend per survey indicator entered for these areas, over the trend's years."""
    ids = {a for a, _n in areas} | {c for a, _n in areas for c in sources.codes(a) if len(sources.codes(a)) == 1}
    entered = [year for (area, year, _name) in sources.surveys() if area in ids]
    years = [str(y) for y in trend_years(period, min([first_year, *entered]))]
    names = sorted({name for (area, _year, name) in sources.surveys() if area in ids})
    return [publish_trend(f"survey:{name}", name, SURVEY, years, areas, [("value", name)],
                          lambda a, _s, y, name=name: sources.survey_value(a, Period("year", int(y)), name))
            for name in names]
