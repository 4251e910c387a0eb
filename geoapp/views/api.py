"""JSON and GeoJSON twins of the map page."""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, request

from geoapp.areas import areas_geojson
from geoapp.publication import QueryError, cells_geojson, published_view, summary
from geoapp.views import instance
from geoapp.views.access import require_role

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def geojson_response(document: str) -> Response:
    """Send a GeoJSON document with its media type."""
    return Response(document, mimetype="application/geo+json")


@bp.errorhandler(QueryError)
def bad_query(exc: QueryError):
    """Answer a filter that is not accepted with 400 and the reason as JSON."""
    return jsonify(error=str(exc)), 400


@bp.get("/areas")
@require_role("viewer")
def areas():
    """Return every area and group as a GeoJSON FeatureCollection in WGS84."""
    return geojson_response(areas_geojson(instance().area_frame()))


@bp.get("/cells")
@require_role("viewer")
def cells():
    """Return the published cells of the filtered view as GeoJSON (EPSG:4326)."""
    return geojson_response(json.dumps(cells_geojson(published_view(instance(), request.args))))


@bp.get("/summary")
@require_role("viewer")
def summary_json():
    """Return the published area numbers of the filtered view as JSON."""
    return jsonify(summary(published_view(instance(), request.args)))
