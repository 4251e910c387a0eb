"""The map page."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for

from geoapp.maps import build_area_map, render_parts
from geoapp.security import csp_nonce
from geoapp.views import instance
from geoapp.views.access import require_role

bp = Blueprint("pages", __name__)

DEFAULT_FOCUS = "tjarna-angar"


def asset_url(package: str, filename: str) -> str:
    """Return the app's own URL of a vendored asset."""
    return url_for("assets.asset", package=package, filename=filename)


@bp.get("/")
@require_role("viewer")
def index():
    """Show the map of the chosen area (Tjärna Ängar by default) in its context."""
    areas = instance().area_frame()
    focus = request.args.get("area", DEFAULT_FOCUS)
    if focus not in set(areas["id"]):
        abort(400, description=f"Unknown area {focus!r}; choose one listed at /api/v1/areas.")
    fmap = build_area_map(areas, focus, instance().basemap, asset_url)
    choices = areas[["id", "name", "kind", "approximation"]].to_dict("records")
    return render_template("map.html", parts=render_parts(fmap, nonce=csp_nonce()), areas=choices, focus=focus)
