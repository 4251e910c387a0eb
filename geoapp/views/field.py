"""The field form for entering observations one at a time during a walk, and the API it sends them to."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request, send_from_directory
from flask_wtf.csrf import CSRFError

from geoapp.ingest import import_entry
from geoapp.ingest.entry import ENTRY_NAME, entry_reply, read_body
from geoapp.ingest.field_form import field_form, walk_area_tiles
from geoapp.ingest.report import too_large
from geoapp.site import current_site
from geoapp.views.access import current_actor, public, require_role
from geoapp.views.assets import package_dir
from geoapp.views.errors import explanation
from geoapp.views.observations import STATUS_CODES

bp = Blueprint("field", __name__)


@bp.get("/observations/field")
@require_role("uploader")
def form():
    """Show the field form (Swedish first)."""
    return render_template("field.html", form=field_form(current_site()))


@bp.get("/observations/field/tiles.json")
@require_role("uploader")
def walk_tiles():
    """List the stored basemap's tiles of the walk area for the phone to keep, within GEOAPP_FIELD_TILES_MB."""
    chosen = walk_area_tiles(current_site())
    if chosen is None:
        return jsonify(tiles=[], total=0, capped=False)
    return jsonify(tiles=[[t.z, t.x, t.y] for t in chosen.tiles], total=chosen.total, capped=chosen.capped)


@bp.get("/observations/field-sw.js")
@public
def worker():
    """Send the service worker that keeps the field form usable offline; its scope is /observations/."""
    # Always revalidated, so a new version reaches the phones on their next visit.
    response = send_from_directory(package_dir("geoapp"), "field-sw.js", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.post("/api/v1/observations")
@require_role("uploader")
def submit():
    """Store one observation sent as JSON; the same idempotency key again changes nothing."""
    entry = read_body(request.get_data(cache=False), request.is_json)
    actor = current_actor()
    report = import_entry(current_site(), entry, uploaded_by=actor.name, address=actor.address)
    return jsonify(entry_reply(report)), STATUS_CODES[report.status]


@bp.errorhandler(413)
def body_too_large(_error):
    """Tell a field app, in the answer it reads for any refused entry, that the body is over the limit."""
    return jsonify(entry_reply(too_large(current_site(), ENTRY_NAME))), 413


@bp.errorhandler(CSRFError)
def csrf_failed(error: CSRFError):
    """Tell a field app in JSON that its CSRF token is missing or stale, so it can fetch a new one."""
    return jsonify(status="csrf", error=explanation(error)), 400
