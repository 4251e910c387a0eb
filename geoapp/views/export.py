"""Briefing exports of the map page's view: PNG, PDF, offline HTML, GeoJSON and CSV."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from geoapp.export import export_view
from geoapp.export.drawing_pool import shared_pool
from geoapp.mapview.filters import QueryError
from geoapp.site import current_site
from geoapp.views.access import require_role

bp = Blueprint("export", __name__, url_prefix="/export")

# (path, endpoint, format): every route takes the map page's filters, plus `lang` and, for PNG, `dpi`.
ROUTES = (
    ("/map.png", "map_png", "png"),
    ("/map.pdf", "map_pdf", "pdf"),
    ("/map.html", "map_html", "html"),
    ("/cells.geojson", "cells_geojson", "geojson"),
    ("/cells.csv", "cells_csv", "csv"),
)


@bp.errorhandler(QueryError)
def bad_query(exc: QueryError):
    """Answer a filter or option that is not accepted with 400 and the reason as JSON."""
    return jsonify(error=str(exc)), 400


def download(fmt: str) -> Response:
    """Send the current view in `fmt` as an attachment named after its area and period."""
    site = current_site()
    exported = export_view(site, fmt, request.args, shared_pool(site.settings["EXPORT_PROCESSES"]))
    response = Response(exported.content, mimetype=exported.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


def _route(fmt: str):
    def send():
        return download(fmt)

    send.__doc__ = f"Return the current view as {fmt.upper()}."
    return require_role("viewer")(send)


for path, endpoint, fmt in ROUTES:
    bp.add_url_rule(path, endpoint, _route(fmt), methods=["GET"])
