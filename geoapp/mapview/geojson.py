"""Shapes for the browser: SWEREF 99 TM geometry as simplified, rounded WGS84 GeoJSON, and the JSON twins of a view."""

from __future__ import annotations

import html
import json
from functools import lru_cache
from typing import Mapping

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer

from geoapp.actions.listing import published_list
from geoapp.actions.publishing import actions_geojson
from geoapp.domain.actions import PUBLISHED_STATUSES
from geoapp.domain.model import SWEREF99TM, WGS84
from geoapp.i18n import _, language, number
from geoapp.mapview.filters import QueryError
from geoapp.privacy.activities import PublishedActivities
from geoapp.privacy.published import ALL, Published, require_published

# Cells are drawn slightly simplified; a metre is below what the map can show at street level.
DISPLAY_TOLERANCE_M = 1.0
COORD_DECIMALS = 5
# Boundaries are drawn simplified (metres, in SWEREF 99 TM); stored ones stay exact.
AREA_TOLERANCE_M = 5.0
# An area that does not border the chosen one is only context, seen whole at zoom 12 or less (about 20 m a pixel),
# so it is drawn coarser, to about 10 m (4 decimals): its detail was half of a page's bytes.
CONTEXT_TOLERANCE_M, CONTEXT_DECIMALS = 20.0, 4
CONTEXT_GEOMETRY = "context_geometry"  # the key of a display feature's coarser shape; never sent as it is


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


def display_geojson(frame: gpd.GeoDataFrame, properties: list[str], tolerance: float = AREA_TOLERANCE_M) -> dict:
    """Return `frame` simplified for display, in WGS84, with only the named properties."""
    simplified = frame.set_geometry(frame.geometry.simplify(tolerance, preserve_topology=True))
    return json.loads(simplified[properties + ["geometry"]].to_crs(WGS84).to_json(drop_id=True, to_wgs84=False))


def _rounded(geojson: dict, decimals: int = COORD_DECIMALS) -> dict:
    """Round coordinates to about a metre (5 decimals), which keeps the page small."""

    def walk(value):
        if isinstance(value, float):
            return round(value, decimals)
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    for feature in geojson["features"]:
        feature["geometry"]["coordinates"] = walk(feature["geometry"]["coordinates"])
    return geojson


def _area_tooltip_html(row) -> str:
    """Build the escaped tooltip of one area: name, code, area, and the approximation note."""
    lines = [f"<strong>{html.escape(row.name)}</strong>", f"{html.escape(row.id)}", f"{number(row.area_km2, 2)} km²"]
    if row.approximation:
        lines.append(html.escape(_("Statistical approximation")))
    return "<br>".join(lines)


def display_area_features(frame: gpd.GeoDataFrame) -> dict[str, dict]:
    """Return each area's display feature (simplified, WGS84, rounded, with its escaped tooltip and coarser context shape) by id."""
    labelled = frame.assign(label=[_area_tooltip_html(r) for r in frame.itertuples()])
    features = {f["properties"]["id"]: f for f in _rounded(display_geojson(labelled, ["id", "label"]))["features"]}
    for coarse in _rounded(display_geojson(labelled, ["id"], CONTEXT_TOLERANCE_M), CONTEXT_DECIMALS)["features"]:
        features[coarse["properties"]["id"]][CONTEXT_GEOMETRY] = coarse["geometry"]
    return features


def display_areas(site, version: int | None = None) -> dict[str, dict]:
    """Return each area's simplified WGS84 GeoJSON feature, cached per language until the boundaries change."""
    version = site.store.data_version() if version is None else version
    # Tooltips are in the page's language, so each language has its own copy.
    return site.cached(("display_areas", language()), site.areas_version(version),
                       lambda: display_area_features(site.area_frame(version)))


def activities_geojson(published: PublishedActivities) -> dict:
    """Return the published activities as a GeoJSON FeatureCollection of places (WGS84)."""
    published = require_published(published, PublishedActivities)
    features = [
        {"type": "Feature",
         "geometry": {"type": "Point", "coordinates": [round(p.lon, 5), round(p.lat, 5)]},
         "properties": {"name": p.name, "place_kind": p.place_kind, "area_code": p.area_code, "period": published.period.code,
                        **p.counts, "activities": p.total(), "participants": p.participants,
                        "police_presence_hours": p.presence_hours}}
        for p in published.places
    ]
    return {"type": "FeatureCollection", "features": features,
            "area": published.area_id, "period": published.period.code, "delay_days": published.delay_days}


def published_actions_geojson(site, filters: Mapping[str, str], language: str) -> dict:
    """Return the published actions chosen by `area` and `status` as GeoJSON, or raise QueryError naming the bad one."""
    areas = site.areas_by_id()
    area_id = filters.get("area")
    if area_id and area_id not in areas:
        raise QueryError(_("Unknown area %(area)r; choose one listed at /api/v1/areas.", area=area_id))
    status = filters.get("status")
    if status and status not in PUBLISHED_STATUSES:
        raise QueryError(_("status must be one of %(statuses)s", statuses=", ".join(PUBLISHED_STATUSES)))
    published = published_list(site, areas[area_id]["members"] if area_id else None)
    document = actions_geojson(published, {code: a["name"] for code, a in areas.items()},
                               {c.key: c.label(language) for c in site.responsible().categories}, language)
    if status:
        document["features"] = [f for f in document["features"] if f["properties"]["status"] == status]
    return document
