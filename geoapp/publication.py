"""A planner's view: read its filters, gather raw counts, have the privacy rules decide, cache the result."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Mapping
from zoneinfo import ZoneInfo

import numpy as np
import shapely
from pyproj import Transformer

from geoapp.i18n import _
from geoapp.model import STOCKHOLM_TZ, SWEREF99TM, WGS84, Vocabulary
from geoapp.periods import Period, PeriodError, choices, month_edges, parse_period
from geoapp.privacy import AreaYear, AtomCount, decide_area_year, noise_bound, publish
from geoapp.privacy.published import ALL, Published, ViewArea, ViewRequest, require_published
from geoapp.store import OBSERVATIONS_VERSION
from geoapp.store.aggregates import atom_counts, time_span, walks_per_month

DEFAULT_AREA = "tjarna-angar"
# Cells are drawn slightly simplified; a metre is below what the map can show at street level.
DISPLAY_TOLERANCE_M = 1.0
COORD_DECIMALS = 5
_TRUE, _FALSE = {"1", "true", "on", "yes"}, {"", "0", "false", "off", "no"}


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
    compare = (args.get("compare") or "").strip().lower()
    if compare not in _TRUE | _FALSE:
        raise QueryError(_("compare must be 1 or 0, not %(value)r.", value=compare))
    return ViewRequest(area, period, None if category == ALL else category, compare in _TRUE)


def area_row(areas: Mapping[str, dict], area_id: str | None) -> dict:
    """Return the area with id `area_id` (Tjärna Ängar when none) from Instance.areas_by_id, or raise QueryError."""
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


def _span(instance, version: int):
    def build():
        with instance.store.connect() as conn:
            return time_span(conn)

    return instance._cached("time_span", version, build)


def data_years(instance, version: int) -> list[int]:
    """Return the calendar years from the first stored observation to the current year."""
    span, this_year = _span(instance, version), date.today().year
    return list(range(_local_year(span[0]) if span else this_year, this_year + 1))


def default_period(instance, version: int) -> Period:
    """Return the latest year holding observations, or the current year."""
    span = _span(instance, version)
    return Period("year", _local_year(span[1]) if span else date.today().year)


def _local_year(moment) -> int:
    return moment.astimezone(ZoneInfo(STOCKHOLM_TZ)).year


def published_view(instance, args: Mapping[str, str], version: int | None = None) -> Published:
    """Return the published numbers for the filters in `args`, or raise QueryError."""
    version = instance.store.data_version() if version is None else version
    request = parse_request(args, instance.areas_by_id(version), instance.vocabulary(), default_period(instance, version))
    return view(instance, request, version)


@dataclass(frozen=True)
class MapPage:
    """What the map page shows: the published numbers, the areas to draw and choose, the periods to offer."""

    published: Published
    areas: object  # the area frame
    features: dict
    period_groups: list


def map_page(instance, args: Mapping[str, str]) -> MapPage:
    """Gather the map page's published numbers and choices, reading the data version once."""
    version = instance.store.data_version()
    published = published_view(instance, args, version)
    return MapPage(published, instance.area_frame(version), instance.display_areas(version),
                   choices(data_years(instance, version)))


def build_view(instance, request: ViewRequest, version: int) -> Published:
    """Compute one view's published numbers from the privacy decisions of its areas and years."""
    settings = instance.settings
    codes = request.area.members
    years = _years(request)
    decisions = {code: {year: decision(instance, code, year, version) for year in years} for code in codes}
    areas = instance.areas_by_id(version)
    clip = {code: areas[code]["geometry"] for code in codes}
    names = {code: areas[code]["name"] for code in codes}
    return publish(request, decisions, _group_walks(instance, codes, request.periods, version), clip, names,
                   instance.vocabulary().keys, int(settings["K_MIN"]), noise_bound(settings), int(settings["GRID_SIZE"]))


def decision(instance, code: str, year: int, version: int) -> AreaYear:
    """Return what RegSO area `code` publishes in `year`, cached until its observations of that year change."""
    def build() -> AreaYear:
        settings, edges = instance.settings, month_edges(year)
        with instance.store.connect() as conn:
            atoms = [AtomCount(*row) for row in atom_counts(conn, code, edges, int(settings["GRID_SIZE"]))]
            walks = walks_per_month(conn, [code], edges)
        return decide_area_year(code, year, atoms, walks, instance.vocabulary().keys, int(settings["K_MIN"]),
                                noise_bound(settings))

    # An areas import may move observations to other areas, hence the boundaries' version too.
    depends = (instance.areas_version(version), _observations_version(instance, (code,), [year], version))
    return instance._cached(("decision", code, year), depends, build)


def _group_walks(instance, codes: tuple[str, ...], periods, version: int) -> dict[str, int]:
    """Return, per period code, the walks across the areas of a group (each walk once a month), for groups only."""
    if len(codes) < 2:
        return {}
    counts = {}
    for period in periods:
        def build(year=period.year) -> dict[int, int]:
            with instance.store.connect() as conn:
                return walks_per_month(conn, codes, month_edges(year))

        depends = (instance.areas_version(version), _observations_version(instance, codes, [period.year], version))
        months = instance._cached(("group_walks", codes, period.year), depends, build)
        counts[period.code] = sum(months.get(m, 0) for m in period.months)
    return counts


def _years(request: ViewRequest) -> list[int]:
    return sorted({period.year for period in request.periods})


def _observations_version(instance, codes, years, version: int) -> tuple[int, ...]:
    versions = instance.versions(version)
    return tuple(versions.get(OBSERVATIONS_VERSION.format(area=code, year=year), 0) for code in codes for year in years)


def view(instance, request: ViewRequest, version: int) -> Published:
    """Return one view's published numbers, cached until the boundaries or the observations it draws on change."""
    # Keyed by what the view depends on, so an upload elsewhere or in another year leaves it cached.
    observed = _observations_version(instance, request.area.members, _years(request), version)
    depends = (instance.areas_version(version), observed)
    return instance._cached(("view",) + request.key, depends, lambda: build_view(instance, request, version))


@lru_cache(maxsize=1)
def _to_wgs84() -> Transformer:
    return Transformer.from_crs(SWEREF99TM, WGS84, always_xy=True)


def display_shapes(geometries) -> list[dict]:
    """Return SWEREF 99 TM shapes as rounded WGS84 GeoJSON geometry mappings, for Leaflet."""
    if not len(geometries):
        return []
    simplified = shapely.simplify(np.array(geometries, dtype=object), DISPLAY_TOLERANCE_M, preserve_topology=True)
    # RFC 7946: exterior rings counterclockwise, holes clockwise (both axes keep their direction in WGS84).
    simplified = shapely.orient_polygons(simplified)

    def project(xy):
        lon, lat = _to_wgs84().transform(xy[:, 0], xy[:, 1])
        return np.round(np.column_stack([lon, lat]), COORD_DECIMALS)

    return [shapely.geometry.mapping(g) for g in shapely.transform(simplified, project)]


def cells_geojson(published: Published) -> dict:
    """Return the published cells of every period as a GeoJSON FeatureCollection (EPSG:4326)."""
    published = require_published(published)
    features = []
    for layer in published.layers:
        for name, cells in (("observations", layer.cells), ("safe_place", layer.safe_places)):
            for cell, shape in zip(cells, display_shapes([c.geometry for c in cells])):
                properties = {"layer": name, "period": layer.period.code, "cell": cell.cell, "area": cell.area_code,
                              "count": cell.count}
                if cell.categories:
                    properties["categories"] = dict(cell.categories)
                features.append({"type": "Feature", "geometry": shape, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def summary(published: Published) -> dict:
    """Return the view's area numbers and table as a JSON-ready dict (null: not published)."""
    published = require_published(published)
    request = published.request
    walks = {(w.area_id, w.period): w.walks for w in published.walks}
    areas: dict = {}
    for row in published.rows:
        entry = areas.setdefault((row.area_id, row.period), {
            "id": row.area_id, "name": row.area_name, "period": row.period,
            "walks": walks[(row.area_id, row.period)], "counts": {}})
        entry["counts"][row.category] = row.count
    return {
        "area": request.area.id, "period": request.period.code, "category": request.category or ALL,
        "compare": request.period.previous().code if request.compare else None,
        "k": published.k, "min_walks": published.min_walks, "noise": published.noise,
        "grid_size_m": published.grid_size,
        "areas": list(areas.values()),
    }
