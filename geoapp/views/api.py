"""JSON and GeoJSON twins of the map page."""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, request

from geoapp.domain.areas import areas_geojson
from geoapp.i18n import language
from geoapp.mapview.filters import QueryError
from geoapp.mapview.filters import area_and_period
from geoapp.mapview.followup import build_followup
from geoapp.mapview.geojson import activities_geojson, published_actions_geojson
from geoapp.mapview.geojson import cells_geojson, summary
from geoapp.mapview.numbers import published_view
from geoapp.privacy.activities import publish_activities
from geoapp.site import current_site
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
    return geojson_response(areas_geojson(current_site().area_frame()))


@bp.get("/cells")
@require_role("viewer")
def cells():
    """Return the published cells of the filtered view as GeoJSON (EPSG:4326)."""
    return geojson_response(json.dumps(cells_geojson(published_view(current_site(), request.args))))


@bp.get("/summary")
@require_role("viewer")
def summary_json():
    """Return the published area numbers of the filtered view as JSON."""
    return jsonify(summary(published_view(current_site(), request.args)))


def requested_view():
    """Return the area row and period of the request (a QueryError answers 400 naming the problem)."""
    return area_and_period(current_site(), request.args)


@bp.get("/activities")
@require_role("viewer")
def activities():
    """Return the places of an area with their published activity counts in a period, as GeoJSON."""
    area, period = requested_view()
    return geojson_response(json.dumps(activities_geojson(publish_activities(current_site(), area, period)), ensure_ascii=False))


@bp.get("/actions")
@require_role("viewer")
def actions():
    """Return the published (decided or later) actions as GeoJSON, with their count per area and status."""
    document = published_actions_geojson(current_site(), request.args, language())
    return geojson_response(json.dumps(document, ensure_ascii=False))


@bp.get("/followup")
@require_role("viewer")
def followup():
    """Return the follow-up table (per tertial and area) as JSON."""
    area, period = requested_view()
    return jsonify(build_followup(current_site(), area, period).to_json())
