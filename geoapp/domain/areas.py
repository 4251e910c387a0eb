"""Area boundaries: reading boundary files, and the groups built from stored areas."""

from __future__ import annotations

import re
import tomllib
import unicodedata
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely
from pyproj import CRS

from geoapp.domain.model import AREA_KIND_GROUP, AREA_KIND_REGSO, SWEREF99TM, WGS84
from geoapp.i18n import N_, _

# The boundaries' source, named wherever they are drawn.
SCB_ATTRIBUTION = N_("Based on SCB RegSO 2025 (CC0)")

POLYGONAL = {"Polygon", "MultiPolygon"}
# No map's coordinates come near this (metres or degrees); beyond it a boundary is damage, and repairing it overflows.
MAX_COORDINATE = 1e9


class AreaFileError(ValueError):
    """A boundary file that cannot be imported; the message names the problem."""


@dataclass(frozen=True)
class AreaGroup:
    """A named union of stored areas, such as Västra Borlänge."""

    id: str
    name: str
    members: tuple[str, ...]
    approximation: bool = False
    note: str = ""


@dataclass(frozen=True)
class AreaSource:
    """How to read areas from one boundary file."""

    path: Path
    layer: str | None = None
    code_field: str = "code"
    name_field: str = "name"
    where: str | None = None


def slugify(text: str) -> str:
    """Turn a name like 'Västra Borlänge' into an id like 'vastra-borlange'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def read_area_file(source: AreaSource) -> gpd.GeoDataFrame:
    """Read boundaries as a GeoDataFrame (code, name, geometry) in SWEREF 99 TM, or raise AreaFileError."""
    name = source.path.name
    if not source.path.exists():
        raise AreaFileError(_("%(file)s: no such file", file=name))
    try:
        with quiet_gdal():
            info = pyogrio.read_info(source.path, layer=source.layer)
    except Exception as exc:  # pyogrio raises several GDAL-derived types for unreadable files
        raise AreaFileError(_("%(file)s: cannot be read as GeoPackage, GeoJSON or Shapefile (%(reason)s)", file=name,
                               reason=_first_line(exc))) from None
    fields = list(info["fields"])
    for option, wanted in (("--code-field", source.code_field), ("--name-field", source.name_field)):
        if wanted not in fields:
            raise AreaFileError(_("%(file)s: unknown field %(field)r given as %(option)s; the file has: %(fields)s",
                                   file=name, field=wanted, option=option, fields=", ".join(fields)))
    if not info.get("crs"):
        raise AreaFileError(_("%(file)s: the file declares no coordinate reference system (CRS); add one and retry",
                               file=name))
    try:
        with quiet_gdal():
            frame = pyogrio.read_dataframe(
                source.path, layer=source.layer, columns=[source.code_field, source.name_field], where=source.where
            )
    except Exception as exc:
        raise AreaFileError(_("%(file)s: cannot read the features (%(reason)s); check --where and --layer", file=name,
                               reason=_first_line(exc))) from None
    return _clean(frame, source, name)


@contextmanager
def quiet_gdal():
    """Silence GDAL's warnings about a damaged or unusual file; what matters is raised or checked after."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _clean(frame: gpd.GeoDataFrame, source: AreaSource, name: str) -> gpd.GeoDataFrame:
    """Validate codes and geometries, repair what can be repaired, reproject to SWEREF 99 TM."""
    if frame.empty:
        raise AreaFileError(_("%(file)s: no features to import (check --where and --layer)", file=name))
    types = set(frame.geometry.geom_type.dropna())
    if not types & POLYGONAL:
        raise AreaFileError(_("%(file)s: no polygons in the file (found %(types)s)", file=name,
                               types=", ".join(sorted(types)) or _("no geometry")))
    out = gpd.GeoDataFrame(
        {"code": frame[source.code_field].astype("string").str.strip(), "name": frame[source.name_field].astype("string").str.strip()},
        geometry=frame.geometry.values,
        crs=frame.crs,
    )
    for position, row in enumerate(out.itertuples(), start=1):
        label = _("%(file)s: feature %(n)d", file=name, n=position)
        if not row.code or row.code != row.code:  # empty or missing
            raise AreaFileError(_("%(feature)s: empty %(field)s", feature=label, field=source.code_field))
        if row.geometry is None or row.geometry.is_empty:
            raise AreaFileError(_("%(feature)s (%(code)s): no geometry", feature=label, code=row.code))
        if row.geometry.geom_type not in POLYGONAL:
            raise AreaFileError(_("%(feature)s (%(code)s): a %(type)s, not a polygon", feature=label, code=row.code,
                                   type=row.geometry.geom_type))
        bounds = shapely.bounds(row.geometry)
        if not (abs(bounds) <= MAX_COORDINATE).all():  # also false for NaN and infinity
            raise AreaFileError(_("%(feature)s (%(code)s): coordinates beyond any map's range", feature=label,
                                   code=row.code))
    duplicated = out["code"][out["code"].duplicated()].tolist()
    if duplicated:
        raise AreaFileError(_("%(file)s: the code %(code)r appears more than once", file=name, code=duplicated[0]))
    out["name"] = out["name"].fillna(out["code"])
    out = out.set_geometry([_repair(g, _("%(file)s: feature %(n)d", file=name, n=i) + f" ({c})")
                            for i, (g, c) in enumerate(zip(out.geometry, out["code"]), 1)])
    return out.to_crs(CRS.from_user_input(SWEREF99TM))


def _repair(geom, label: str):
    """Return a valid polygonal version of `geom`, or raise when repair would change what it is."""
    if geom.is_valid:
        return geom
    fixed = shapely.make_valid(geom)
    polygons = [p for p in getattr(fixed, "geoms", [fixed]) if p.geom_type in POLYGONAL]
    repaired = shapely.union_all(polygons) if polygons else None
    # A repair that loses most of the surface is a different boundary, not a fixed one.
    if repaired is None or repaired.is_empty or not repaired.is_valid or repaired.area < 0.5 * abs(shapely.area(geom)):
        raise AreaFileError(_("%(feature)s: invalid geometry that cannot be repaired (%(reason)s)", feature=label,
                               reason=shapely.is_valid_reason(geom)))
    return repaired


def load_groups(path: Path) -> tuple[AreaGroup, ...]:
    """Read the area groups file (TOML with [[group]] tables)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AreaFileError(_("%(file)s: %(reason)s", file=path.name, reason=exc)) from None
    groups = []
    for entry in data.get("group", []):
        groups.append(
            AreaGroup(
                id=entry.get("id") or slugify(entry["name"]),
                name=entry["name"],
                members=tuple(entry["members"]),
                approximation=bool(entry.get("approximation", False)),
                note=entry.get("note", ""),
            )
        )
    return tuple(groups)


def build_area_frame(stored: gpd.GeoDataFrame, groups: tuple[AreaGroup, ...]) -> gpd.GeoDataFrame:
    """Combine stored areas and their groups into one frame (id, name, kind, area_km2, approximation, note, members)."""
    regso = stored.assign(
        id=stored["code"], kind=AREA_KIND_REGSO, approximation=False, note="", members=stored["code"].map(lambda c: (c,))
    )
    by_code = stored.set_index("code").geometry
    rows = []
    for g in groups:
        present = [m for m in g.members if m in by_code.index]
        if not present:
            continue  # a group of another municipality's areas: nothing to show here
        rows.append(
            {"id": g.id, "name": g.name, "kind": AREA_KIND_GROUP, "approximation": g.approximation,
             "note": g.note, "members": tuple(present), "geometry": shapely.union_all(by_code.loc[present].values)}
        )
    grouped = gpd.GeoDataFrame(rows, geometry="geometry", crs=stored.crs) if rows else None
    columns = ["id", "name", "kind", "approximation", "note", "members", "geometry"]
    frame = regso[columns] if grouped is None else gpd.pd.concat([grouped[columns], regso[columns]], ignore_index=True)
    frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=stored.crs)
    frame["area_km2"] = frame.geometry.area / 1e6
    return frame


def areas_geojson(frame: gpd.GeoDataFrame) -> str:
    """Serialise areas and groups as an RFC 7946 FeatureCollection (WGS84, exact boundaries)."""
    out = frame[["id", "name", "kind", "area_km2", "approximation", "note", "members", "geometry"]].copy()
    out["area_km2"] = out["area_km2"].round(3)
    out["members"] = out["members"].map(list)
    return out.to_crs(WGS84).to_json(drop_id=True, to_wgs84=False)
