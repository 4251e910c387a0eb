"""Where each observation is: WGS84 and SWEREF 99 TM coordinates, and the area holding it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from geoapp.domain.model import AREA_KIND_REGSO, SWEREF99TM, WGS84, transformer
from geoapp.i18n import _, ngettext, number
from geoapp.ingest.fields import Problems

# Generous boxes around Sweden; a point outside them is a typing or export mistake.
LAT_RANGE = (55.0, 69.2)
LON_RANGE = (10.5, 24.5)
N_RANGE = (6_100_000.0, 7_700_000.0)
E_RANGE = (250_000.0, 950_000.0)


@dataclass(frozen=True)
class Placed:
    """Coordinates in both systems, one row per observation (NaN where refused)."""

    lon: pd.Series
    lat: pd.Series
    e: pd.Series
    n: pd.Series


def _inside(values: pd.Series, bounds: tuple[float, float]) -> pd.Series:
    return values.between(*bounds)


def _check(y: pd.Series, x: pd.Series, y_range, x_range, other_units: pd.Series, swapped_message: str,
           units_message: str, outside) -> Problems:
    """Explain every y/x pair outside the ranges: swapped, in the other system's units, or outside Sweden."""
    ok = _inside(y, y_range) & _inside(x, x_range)
    swapped = _inside(x, y_range) & _inside(y, x_range)
    problems = {}
    for row in y.index[~ok & y.notna() & x.notna()]:
        if swapped[row]:
            problems[row] = swapped_message
        elif other_units[row]:
            problems[row] = units_message
        else:
            problems[row] = outside(y[row], x[row])
    return problems


def check_wgs84(lat: pd.Series, lon: pd.Series) -> Problems:
    """Explain every latitude/longitude pair that cannot be a place in Sweden."""
    return _check(lat, lon, LAT_RANGE, LON_RANGE, (lat.abs() > 1000) | (lon.abs() > 1000),
                  _("latitude and longitude look swapped"), _("these look like SWEREF 99 TM metres; name the columns N and E"),
                  lambda a, b: _("the point (%(lat)s, %(lon)s) is outside Sweden", lat=number(a, 5), lon=number(b, 5)))


def check_sweref(n: pd.Series, e: pd.Series) -> Problems:
    """Explain every northing/easting pair that cannot be a place in Sweden."""
    return _check(n, e, N_RANGE, E_RANGE, (n.abs() <= 180) & (e.abs() <= 180),
                  _("N (northing) and E (easting) look swapped"), _("these look like degrees; name the columns lat and lon (WGS84)"),
                  lambda a, b: _("the point (N %(n)s, E %(e)s) is outside Sweden (SWEREF 99 TM)", n=number(a, 0), e=number(b, 0)))


def place(x: pd.Series, y: pd.Series, crs: str) -> Placed:
    """Compute lon/lat and E/N from x/y in `crs` (lon/lat for geographic CRS), rounded for storage."""
    if CRS.from_user_input(crs).is_geographic:
        lon, lat = x.to_numpy(float), y.to_numpy(float)
    else:
        lon, lat = transformer(crs, WGS84).transform(x.to_numpy(float), y.to_numpy(float))
    e, n = transformer(WGS84, SWEREF99TM).transform(lon, lat)
    if CRS.from_user_input(crs).equals(CRS.from_user_input(SWEREF99TM)):
        e, n = x.to_numpy(float), y.to_numpy(float)  # exactly as given, not via a round trip
    index = x.index
    # Centimetres and about a centimetre in degrees: finer than any phone, stable for duplicate checks.
    # Absurd inputs such as 1e308 overflow here; the range checks refuse those rows anyway.
    with np.errstate(over="ignore", invalid="ignore"):
        return Placed(pd.Series(np.round(lon, 7), index), pd.Series(np.round(lat, 7), index),
                      pd.Series(np.round(e, 2), index), pd.Series(np.round(n, 2), index))


def valid_crs(crs: str | None) -> str | None:
    """Return a problem with a declared CRS, or None when it can be used."""
    if crs is None:
        return _("the file declares no coordinate reference system (CRS)")
    try:
        CRS.from_user_input(crs)
    except CRSError:
        return _("the file's coordinate reference system %(crs)r is not known", crs=crs[:60])
    return None


def locate_areas(e: pd.Series, n: pd.Series, areas) -> tuple[pd.Series, Problems]:
    """Return the RegSO code holding each point, or a problem naming the nearest area and its distance."""
    regso = areas[areas["kind"] == AREA_KIND_REGSO].reset_index(drop=True) if "kind" in areas else areas.reset_index(drop=True)
    codes = regso["id"] if "id" in regso else regso["code"]
    points = shapely.points(e.to_numpy(float), n.to_numpy(float))
    # Areas query a tree of points, so each of the few complex polygons is prepared once.
    hits = shapely.STRtree(points).query(regso.geometry.values, predicate="intersects")
    found = pd.Series(hits[0], index=hits[1])
    found = found[~found.index.duplicated()]  # a point on a shared border belongs to the first area
    result = pd.Series([None] * len(e), index=e.index, dtype=object)
    result.iloc[found.index] = codes.iloc[found.values].values
    outside = np.flatnonzero(result.isna().to_numpy())
    problems: Problems = {}
    if len(outside):
        tree = shapely.STRtree(regso.geometry.values)
        nearest, distances = tree.query_nearest(points[outside], return_distance=True, all_matches=False)
        for position, area, distance in zip(nearest[0], nearest[1], distances):
            problems[e.index[outside[position]]] = _(
                "the point is outside every loaded area; the nearest, %(area)s, is %(distance)s m away",
                area=regso['name'].iloc[area], distance=number(round(distance)))
    return result, problems


class ObservationsOutside(ValueError):
    """New boundaries would leave stored observations outside every area."""

    def __init__(self, count: int, what: str = "observation"):
        super().__init__(ngettext("%(num)d stored observation would fall outside every area",
                                  "%(num)d stored observations would fall outside every area", count)
                         if what == "observation" else
                         ngettext("%(num)d stored place would fall outside every area",
                                  "%(num)d stored places would fall outside every area", count))
        self.count = count


def recompute_area_codes(conn, areas) -> int:
    """Give every stored observation the code of the area now holding it; return how many changed."""
    from geoapp.store.observations import observation_points, set_area_codes

    points = observation_points(conn)
    if points.empty:
        return 0
    codes, problems = locate_areas(points["e"], points["n"], areas)
    if problems:
        raise ObservationsOutside(len(problems))
    changed = codes[codes.to_numpy() != points["area_code"].to_numpy()]
    return set_area_codes(conn, pd.Series(changed.to_numpy(), index=points["id"][changed.index].to_numpy()))
