"""The promise's follow-up as JSON: each commitment's status against its target, and the trends."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from geoapp.i18n import language
from geoapp.mapview.filters import QueryError
from geoapp.mapview.filters import area_and_period
from geoapp.promise.document import PromiseError
from geoapp.promise.followup import follow_promise
from geoapp.site import current_site
from geoapp.views.access import require_role

bp = Blueprint("promise", __name__)


@bp.errorhandler(QueryError)
def bad_query(exc: QueryError):
    """Answer a filter that is not accepted with 400 and the reason as JSON."""
    return jsonify(error=str(exc)), 400


@bp.errorhandler(PromiseError)
def bad_promise(exc: PromiseError):
    """Answer 500 naming the promise file and line to correct."""
    return jsonify(error=str(exc)), 500


def requested_promise():
    """Follow the promise up for the request's area and period (QueryError: 400)."""
    area, period = area_and_period(current_site(), request.args)
    return follow_promise(current_site(), area, period)


@bp.get("/api/v1/promise")
@require_role("viewer")
def promise_json():
    """Return the promise in force, each commitment's readings and status, and the trends, as JSON."""
    return jsonify(requested_promise().to_json(language()))
