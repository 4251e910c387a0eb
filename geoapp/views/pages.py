"""The map page."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, render_template, request, url_for

from geoapp.activities import ViewError, choose_view, publish_activities
from geoapp.maps import add_activity_layers, build_area_map, render_parts
from geoapp.periods import choices
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
    """Show the map of the chosen area (Tjärna Ängar by default) in its context, with its activities in a period."""
    areas = instance().area_frame()
    try:
        area, period = choose_view(areas, request.args.get("area", DEFAULT_FOCUS), request.args.get("period"))
    except ViewError as exc:
        abort(400, description=str(exc))
    fmap = build_area_map(areas, area["id"], instance().basemap, asset_url)
    add_activity_layers(fmap, publish_activities(instance(), area, period))
    listed = areas[["id", "name", "kind", "approximation"]].to_dict("records")
    periods = choices(sorted({period.year, date.today().year - 1, date.today().year}))
    return render_template("map.html", parts=render_parts(fmap, nonce=csp_nonce()), areas=listed, focus=area["id"],
                           periods=periods, period=period.code, delay=instance().settings["ACTIVITY_DELAY_DAYS"])
