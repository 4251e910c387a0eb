"""The filters of a view of the map: read area, period, category and compare from a request, with their defaults."""

from __future__ import annotations

from datetime import date
from typing import Mapping
from zoneinfo import ZoneInfo

from geoapp.config import parse_bool
from geoapp.domain.model import STOCKHOLM_TZ, Vocabulary
from geoapp.domain.periods import Period, PeriodError, parse_period
from geoapp.i18n import _
from geoapp.privacy.published import ALL, ViewArea, ViewRequest
from geoapp.store.aggregates import time_span

DEFAULT_AREA = "tjarna-angar"


class QueryError(ValueError):
    """A filter value that is not accepted; the message says what is."""


def parse_request(args: Mapping[str, str], areas: Mapping[str, dict], vocabulary: Vocabulary, default_period: Period) -> ViewRequest:
    """Read `area`, `period`, `category` and `compare` from query parameters, or raise QueryError."""
    row = area_row(areas, args.get("area"))
    area = ViewArea(row["id"], row["name"], tuple(row["members"]), bool(row["approximation"]))
    period = choose_period(args.get("period"), default_period)
    category = (args.get("category") or ALL).strip()
    if category != ALL and category not in vocabulary.keys:
        raise QueryError(_("Unknown category %(category)r; use 'all' or one of: %(keys)s.", category=category,
                           keys=", ".join(vocabulary.keys)))
    written = args.get("compare") or ""
    try:
        compare = parse_bool(written)
    except ValueError:
        raise QueryError(_("compare must be 1 or 0, not %(value)r.", value=written.strip().lower())) from None
    return ViewRequest(area, period, None if category == ALL else category, compare)


def area_row(areas: Mapping[str, dict], area_id: str | None) -> dict:
    """Return the area with id `area_id` (Tjärna Ängar when none) from Site.areas_by_id, or raise QueryError."""
    area_id = area_id or DEFAULT_AREA
    if area_id not in areas:
        raise QueryError(_("Unknown area %(area)r; choose one listed at /api/v1/areas.", area=area_id))
    return areas[area_id]


def choose_period(text: str | None, default: Period) -> Period:
    """Return the period written as `text`, or `default` when there is none; raise QueryError if it is not one."""
    try:
        return parse_period(text) if text else default
    except PeriodError as exc:
        raise QueryError(str(exc)) from None


def _span(site, version: int):
    def build():
        with site.store.connect() as conn:
            return time_span(conn)

    return site.cached("time_span", version, build)


def data_years(site, version: int) -> list[int]:
    """Return the calendar years from the first stored observation to the current year."""
    span, this_year = _span(site, version), date.today().year
    return list(range(_local_year(span[0]) if span else this_year, this_year + 1))


def default_period(site, version: int) -> Period:
    """Return the latest year holding observations, or the current year."""
    span = _span(site, version)
    return Period("year", _local_year(span[1]) if span else date.today().year)


def _local_year(moment) -> int:
    return moment.astimezone(ZoneInfo(STOCKHOLM_TZ)).year


def area_and_period(site, args: Mapping[str, str], version: int | None = None) -> tuple[dict, Period]:
    """Return the area row and the period of `args`, each with the map's default, or raise QueryError."""
    version = site.store.data_version() if version is None else version
    return area_row(site.areas_by_id(version), args.get("area")), choose_period(args.get("period"),
                                                                              default_period(site, version))
