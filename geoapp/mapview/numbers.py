"""The published numbers of one view: gather raw counts, have the privacy rules decide, cache the result."""

from __future__ import annotations

from typing import Mapping

from geoapp.domain.periods import month_edges
from geoapp.mapview.filters import default_period, parse_request
from geoapp.privacy import AreaYear, AtomCount, decide_area_year, noise_bound, publish
from geoapp.privacy.outlook import PublishedOutlook, publish_outlook
from geoapp.privacy.published import Published, ViewRequest
from geoapp.store import OBSERVATIONS_VERSION
from geoapp.store.aggregates import atom_counts, walks_per_month


def published_view(site, args: Mapping[str, str], version: int | None = None) -> Published:
    """Return the published numbers for the filters in `args`, or raise QueryError."""
    version = site.store.data_version() if version is None else version
    request = parse_request(args, site.areas_by_id(version), site.vocabulary(), default_period(site, version))
    return view(site, request, version)


def build_view(site, request: ViewRequest, version: int) -> Published:
    """Compute one view's published numbers from the privacy decisions of its areas and years."""
    settings = site.settings
    codes = request.area.members
    years = _years(request)
    decisions = {code: {year: decision(site, code, year, version) for year in years} for code in codes}
    areas = site.areas_by_id(version)
    clip = {code: areas[code]["geometry"] for code in codes}
    names = {code: areas[code]["name"] for code in codes}
    return publish(request, decisions, _group_walks(site, codes, request.periods, version), clip, names,
                   site.vocabulary().keys, int(settings["K_MIN"]), noise_bound(settings), int(settings["GRID_SIZE"]))


def decision(site, code: str, year: int, version: int) -> AreaYear:
    """Return what RegSO area `code` publishes in `year`, cached until its observations of that year change."""
    def build() -> AreaYear:
        settings, edges = site.settings, month_edges(year)
        with site.store.connect() as conn:
            atoms = [AtomCount(*row) for row in atom_counts(conn, code, edges, int(settings["GRID_SIZE"]))]
            walks = walks_per_month(conn, [code], edges)
        return decide_area_year(code, year, atoms, walks, site.vocabulary().keys, int(settings["K_MIN"]),
                                noise_bound(settings))

    # An areas import may move observations to other areas, hence the boundaries' version too.
    depends = (site.areas_version(version), _observations_version(site, (code,), [year], version))
    return site.cached(("decision", code, year), depends, build)


def _group_walks(site, codes: tuple[str, ...], periods, version: int) -> dict[str, int]:
    """Return, per period code, the walks across the areas of a group (each walk once a month), for groups only."""
    if len(codes) < 2:
        return {}
    counts = {}
    for period in periods:
        def build(year=period.year) -> dict[int, int]:
            with site.store.connect() as conn:
                return walks_per_month(conn, codes, month_edges(year))

        depends = (site.areas_version(version), _observations_version(site, codes, [period.year], version))
        months = site.cached(("group_walks", codes, period.year), depends, build)
        counts[period.code] = sum(months.get(m, 0) for m in period.months)
    return counts


def _years(request: ViewRequest) -> list[int]:
    return sorted({period.year for period in request.periods})


def _observations_version(site, codes, years, version: int) -> tuple[int, ...]:
    versions = site.versions(version)
    return tuple(versions.get(OBSERVATIONS_VERSION.format(area=code, year=year), 0) for code in codes for year in years)


def view(site, request: ViewRequest, version: int) -> Published:
    """Return one view's published numbers, cached until the boundaries or the observations it draws on change."""
    # Keyed by what the view depends on, so an upload elsewhere or in another year leaves it cached.
    observed = _observations_version(site, request.area.members, _years(request), version)
    depends = (site.areas_version(version), observed)
    return site.cached(("view",) + request.key, depends, lambda: build_view(site, request, version))




def outlook(site, request: ViewRequest, periods, version: int) -> PublishedOutlook:
    """Return what each of `periods` shows of the request's area and category, from the cached decisions."""
    codes = request.area.members
    decisions = {code: {year: decision(site, code, year, version) for year in sorted({p.year for p in periods})}
                 for code in codes}
    return publish_outlook(request.area, request.category, decisions, _group_walks(site, codes, periods, version),
                           periods)
