"""The follow-up page (Uppföljning) and its CSV download."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from geoapp.export.tables import CSV_HEADER, followup_csv
from geoapp.mapview.answers import followup_period_menu
from geoapp.mapview.filters import QueryError
from geoapp.mapview.filters import area_and_period
from geoapp.mapview.followup import build_followup
from geoapp.promise.document import PromiseError
from geoapp.promise.presentation import SYMBOLS, promise_page
from geoapp.site import current_site
from geoapp.views.access import require_role

bp = Blueprint("followup", __name__)


def requested_followup():
    """Build the follow-up for the request's area and period, or answer 400 naming the problem."""
    try:
        area, period = area_and_period(current_site(), request.args)
        return build_followup(current_site(), area, period)
    except QueryError as exc:
        abort(400, description=str(exc))


@bp.get("/followup")
@require_role("viewer")
def page():
    """Show the table per tertial and area: activities held and safety-walk observations."""
    areas = current_site().area_frame()[["id", "name", "approximation"]].to_dict("records")
    followup = requested_followup()
    try:
        promise, problem = promise_page(current_site(), followup.area_id, followup.period), None
    except PromiseError as exc:
        promise, problem = None, str(exc)
    area = current_site().areas_by_id()[followup.area_id]
    return render_template("followup.html", followup=followup, areas=areas, headers=CSV_HEADER, promise=promise,
                           promise_problem=problem, symbols=SYMBOLS,
                           period_groups=followup_period_menu(current_site(), area, followup.period))


@bp.get("/export/followup.csv")
@require_role("viewer")
def download():
    """Send the follow-up table as CSV (UTF-8 with BOM, for Excel)."""
    followup = requested_followup()
    name = f"uppfoljning_{followup.area_id}_{followup.period.code}.csv"
    return Response(followup_csv(followup), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
