"""Liveness check for load balancers and monitoring."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy.exc import SQLAlchemyError

from geoapp.site import current_site
from geoapp.views.access import public

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@public
def healthz():
    """Answer 200 when the app and its database answer, else 503."""
    try:
        ok = current_site().store.ping()
    except SQLAlchemyError:
        ok = False
    return jsonify(status="ok" if ok else "database unavailable"), 200 if ok else 503
