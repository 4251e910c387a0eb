"""Briefing exports of the map page's view: PNG, PDF, offline HTML, GeoJSON and CSV."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from geoapp.export import export_view
from geoapp.publication import QueryError
from geoapp.views import instance
from geoapp.views.access import require_role

bp = Blueprint("export", __name__, url_prefix="/export")


@bp.errorhandler(QueryError)
def bad_query(exc: QueryError):
    """Answer a filter or option that is not accepted with 400 and the reason as JSON."""
    return jsonify(error=str(exc)), 400


def download(fmt: str) -> Response:
    """Send the current view in `fmt` as an attachment named after its area and period."""
    exported = export_view(instance(), fmt, request.args)
    response = Response(exported.content, mimetype=exported.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


@bp.get("/map.png")
@require_role("viewer")
def map_png():
    """Return the map as a 16:9 PNG for slides (`dpi` 72 to 300, default 150)."""
    return download("png")


@bp.get("/map.pdf")
@require_role("viewer")
def map_pdf():
    """Return the A4 landscape briefing: the map, then the summary table."""
    return download("pdf")


@bp.get("/map.html")
@require_role("viewer")
def map_html():
    """Return the interactive map as one self-contained HTML file that works offline."""
    return download("html")


@bp.get("/cells.geojson")
@require_role("viewer")
def cells_geojson():
    """Return the published cells as an RFC 7946 GeoJSON file."""
    return download("geojson")


@bp.get("/cells.csv")
@require_role("viewer")
def cells_csv():
    """Return the published cells as CSV (UTF-8 with BOM, semicolon-separated)."""
    return download("csv")
