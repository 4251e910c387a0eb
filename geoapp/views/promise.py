"""The promise's follow-up as JSON, the committee's report, and the upload of survey results."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, render_template, request

from geoapp.i18n import language
from geoapp.ingest.surveys import KIND, import_surveys
from geoapp.mapview.filters import QueryError, area_and_period
from geoapp.promise.document import PromiseError
from geoapp.promise.followup import follow_promise
from geoapp.promise.report import FORMATS, gather_report, report_filename
from geoapp.site import current_site
from geoapp.views.access import require_role
from geoapp.views.observations import too_large_reply, upload_reply

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


@bp.get("/export/report.<fmt>")
@require_role("viewer")
def report(fmt: str):
    """Send the committee's report (PDF or offline HTML) of the request's area and period."""
    if fmt not in FORMATS:
        abort(404)
    media_type, render = FORMATS[fmt]
    made = gather_report(current_site(), request.args)
    return Response(render(made), mimetype=media_type.split(";")[0],
                    headers={"Content-Disposition": f'attachment; filename="{report_filename(made, fmt)}"'})


@bp.get("/surveys/upload")
@require_role("uploader")
def survey_form():
    """Show the form for a file of survey results, beside the other upload pages."""
    settings = current_site().settings
    return render_template("surveys_upload.html", max_mb=settings["MAX_UPLOAD_MB"], max_rows=settings["MAX_ROWS"],
                           min_n=int(settings["SURVEY_MIN_N"]))


@bp.post("/surveys/upload")
@require_role("uploader")
def upload_surveys():
    """Import a file of survey results (field `file`, optional `sheet`) and report the outcome."""
    return upload_reply(KIND, import_surveys)


@bp.errorhandler(413)
def too_large(_error):
    """Explain the size limit of a survey file instead of a bare 413."""
    return too_large_reply(KIND)
