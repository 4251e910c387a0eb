"""JSON and GeoJSON twins of the map page."""

from __future__ import annotations

from flask import Blueprint, Response

from geoapp.areas import areas_geojson
from geoapp.views import instance
from geoapp.views.access import require_role

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def geojson_response(document: str) -> Response:
    """Send a GeoJSON document with its media type."""
    return Response(document, mimetype="application/geo+json")


@bp.get("/areas")
@require_role("viewer")
def areas():
    """Return every area and group as a GeoJSON FeatureCollection in WGS84."""
    return geojson_response(areas_geojson(instance().area_frame()))
