"""Uploading a safety walk's observations: a form page, and the same endpoint for scripts (JSON)."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from geoapp.i18n import _
from geoapp.ingest import import_observations
from geoapp.ingest.importer import KIND
from geoapp.ingest.report import ALREADY_IMPORTED, IMPORTED, REJECTED, ImportReport, RowError, rejected, too_large
from geoapp.site import current_site
from geoapp.views.access import current_actor, require_role, wants_json

bp = Blueprint("observations", __name__, url_prefix="/observations")

STATUS_CODES = {IMPORTED: 201, ALREADY_IMPORTED: 200, REJECTED: 422}


def reply(report: ImportReport, status: int | None = None):
    """Send the report as JSON or as the HTML report page."""
    code = status or STATUS_CODES[report.status]
    if wants_json():
        return jsonify(report.to_json()), code
    return render_template("upload_report.html", report=report), code


@bp.get("/upload")
@require_role("uploader")
def upload_form():
    """Show the upload form."""
    return render_template("upload.html", max_mb=current_site().settings["MAX_UPLOAD_MB"],
                           max_rows=current_site().settings["MAX_ROWS"])


@bp.post("/upload")
@require_role("uploader")
def upload():
    """Import the uploaded file (field `file`, optional `walk`) and report the outcome."""
    walk = request.form.get("walk", "").strip() or None
    return upload_reply(KIND, lambda site, data, name, by, sheet, address: import_observations(
        site, data, name, walk=walk, uploaded_by=by, sheet=sheet, address=address))


def upload_reply(kind: str, run):
    """Import the form's file (field `file`, optional `sheet`) with `run(site, data, name, by, sheet, address)`; reply."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        message = [RowError("(no file)", None, "file", "", _("choose a file to upload"))]
        return reply(rejected("(no file)", message, kind), 400)
    sheet = request.form.get("sheet", "").strip() or None
    actor = current_actor()
    return reply(run(current_site(), upload.read(), upload.filename, actor.name, sheet, actor.address))


def too_large_reply(kind: str = "observations"):
    """Explain the size limit instead of a bare 413, as the report of an upload of `kind`."""
    return reply(too_large(current_site(), "(upload)", kind, column="file"), 413)


@bp.errorhandler(413)
def body_too_large(_error):
    """Explain the size limit instead of a bare 413."""
    return too_large_reply()
