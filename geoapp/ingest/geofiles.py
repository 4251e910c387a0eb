"""GeoJSON and GeoPackage files: attributes as cells, the point geometry as coordinates."""

from __future__ import annotations

import json
import math

import pandas as pd

from geoapp.domain.areas import quiet_gdal
from geoapp.domain.model import WGS84
from geoapp.i18n import _
from geoapp.ingest.report import FileRejected
from geoapp.ingest.table import Limits, RawTable, table_from_records, too_many_rows, unpaired_surrogate


def read_geojson(text: str, limits: Limits) -> RawTable:
    """Read a GeoJSON Feature or FeatureCollection of points; features are numbered from 1."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise FileRejected(_("the file is not valid JSON (%(reason)s)", reason=str(exc)[:80])) from None
    surrogate = unpaired_surrogate(document) if "\\u" in text else None  # only a \u escape can make one
    if surrogate:
        raise FileRejected(_("the file holds %(code)s, half of a UTF-16 surrogate pair, which is not a character; "
                             "save it again as UTF-8", code=surrogate))
    if not isinstance(document, dict) or document.get("type") not in {"FeatureCollection", "Feature"}:
        raise FileRejected(_("the JSON is not a GeoJSON Feature or FeatureCollection"))
    features = document.get("features") if document["type"] == "FeatureCollection" else [document]
    if not isinstance(features, list):
        raise FileRejected(_("the FeatureCollection has no list of features"))
    if len(features) > limits.max_rows:
        raise FileRejected(too_many_rows(limits))
    headers: dict[str, None] = {}
    records, xs, ys, problems = [], [], [], {}
    for number, feature in enumerate(features, 1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        properties = properties if isinstance(properties, dict) else {}
        headers.update(dict.fromkeys(properties))
        records.append(properties)
        x, y, problem = _point(feature.get("geometry") if isinstance(feature, dict) else None)
        xs.append(x)
        ys.append(y)
        if problem:
            problems[number] = problem
    names = list(headers)
    rows = [[_cell(p.get(h)) for h in names] for p in records]
    numbers = list(range(1, len(features) + 1))
    table = table_from_records(names, rows, numbers, header_row=None)
    table.row_label = "feature"
    table.crs = _declared_crs(document) or WGS84
    table.points = pd.DataFrame({"x": xs, "y": ys}, index=numbers, dtype=float)
    table.row_problems.update(problems)
    return table


def _cell(value):
    """Return a property value as a cell: scalars as they are, anything nested as JSON text."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def _point(geometry) -> tuple[float, float, str | None]:
    """Return x, y of a Point geometry, or NaNs and the reason it is not one."""
    nan = math.nan
    if not isinstance(geometry, dict):
        return nan, nan, _("the feature has no geometry")
    if geometry.get("type") != "Point":
        return nan, nan, _("the geometry is a %(type)s, not a Point", type=str(geometry.get('type'))[:20])
    coords = geometry.get("coordinates")
    try:
        x, y = float(coords[0]), float(coords[1])
    except (TypeError, ValueError, IndexError, KeyError, OverflowError):
        return nan, nan, _("the Point has no usable coordinates")
    if not (math.isfinite(x) and math.isfinite(y)):  # JSON as Python reads it allows NaN and Infinity
        return nan, nan, _("the Point's coordinates are not finite numbers")
    return x, y, None


def _declared_crs(document: dict) -> str | None:
    """Return the CRS named by a (pre-RFC 7946) `crs` member, if any."""
    crs = document.get("crs")
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) and isinstance(crs.get("properties"), dict) else None
    if not isinstance(name, str):
        return None
    if name.upper().endswith(("CRS84", "EPSG::4326", "EPSG:4326")):
        return WGS84
    return name


def read_geopackage(data: bytes, limits: Limits, layer: str | None = None) -> RawTable:
    """Read the first (or the named) layer of a GeoPackage as QField and QGIS write it."""
    import pyogrio

    # Read from memory (GDAL's /vsimem/, which warns of the missing .gpkg extension): no temporary file
    # exists that a crash could leave behind.
    with quiet_gdal():
        try:
            layers = [str(name) for name, _ in pyogrio.list_layers(data)]
        except Exception:  # GDAL reports damaged files with several exception types
            raise FileRejected(_("the file is not a valid GeoPackage")) from None
        if not layers:
            raise FileRejected(_("the GeoPackage has no layers"))
        if layer is not None and layer not in layers:
            raise FileRejected(_("no layer named %(layer)r; the GeoPackage has: %(layers)s", layer=layer, layers=", ".join(layers)))
        try:
            info = pyogrio.read_info(data, layer=layer or layers[0])
            if info["features"] > limits.max_rows:
                raise FileRejected(too_many_rows(limits))
            frame = pyogrio.read_dataframe(data, layer=layer or layers[0], fid_as_index=True)
        except FileRejected:
            raise
        except Exception:
            raise FileRejected(_("the GeoPackage layer cannot be read")) from None
    return _table_from_frame(frame)


def _table_from_frame(frame) -> RawTable:
    """Turn a (Geo)DataFrame of features into a RawTable numbered by feature."""
    geometry = frame.geometry if hasattr(frame, "geometry") and "geometry" in frame else None
    attributes = frame.drop(columns="geometry") if geometry is not None else frame
    numbers = [int(fid) for fid in frame.index]  # the feature ids QGIS and QField show
    records = attributes.astype(object).where(attributes.notna(), None).values.tolist()
    table = table_from_records([str(c) for c in attributes.columns], records, numbers, header_row=None)
    table.row_label = "feature"
    if geometry is None:
        return table
    table.crs = geometry.crs.to_string() if geometry.crs is not None else None
    table.points = _points(geometry)
    table.points.index = numbers
    for number, g in zip(numbers, geometry):
        if g is None or g.is_empty:
            table.row_problems[number] = _("the feature has no geometry")
        elif g.geom_type != "Point":
            table.row_problems[number] = _("the geometry is a %(type)s, not a Point", type=g.geom_type)
    return table


def _points(geometry) -> pd.DataFrame:
    """Return x, y of every point geometry, NaN for anything else."""
    xs = [g.x if g is not None and g.geom_type == "Point" and not g.is_empty else math.nan for g in geometry]
    ys = [g.y if g is not None and g.geom_type == "Point" and not g.is_empty else math.nan for g in geometry]
    return pd.DataFrame({"x": xs, "y": ys}, dtype=float)
