"""The OpenAPI document of /api/v1 and /ogc, and its HTML view drawn by the vendored Swagger UI."""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template, request, url_for

from geoapp.standards.features import OPENAPI
from geoapp.standards.openapi import document as openapi_document
from geoapp.views.access import require_role

bp = Blueprint("openapi", __name__)


@bp.get("/api/v1/openapi.json")
@require_role("viewer")
def document():
    """Send the OpenAPI 3 document, its server being this site."""
    body = json.dumps(openapi_document(request.host_url.rstrip("/")), ensure_ascii=False)
    return Response(body, mimetype=OPENAPI)


@bp.get("/docs/api")
@require_role("viewer")
def page():
    """Show the OpenAPI document as a page to read and try."""
    return render_template("openapi.html", document_url=url_for("openapi.document"))
