"""Recording activities: one at a time through a short form, or a whole file (same checks as the command line)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from geoapp.domain.activities import KINDS, LABELS, kind_label
from geoapp.i18n import _
from geoapp.ingest.activities import FORM_FIELDS, import_activities, record_activity
from geoapp.ingest.places import register
from geoapp.site import current_site
from geoapp.views.access import current_actor, require_role
from geoapp.views.observations import too_large_reply, upload_reply

bp = Blueprint("activities", __name__, url_prefix="/activities")


def _page(errors: dict | None = None, values: dict | None = None, status: int = 200):
    kinds = [(k, LABELS[k][0], LABELS[k][1]) for k in KINDS]
    site = current_site()
    areas = site.area_frame()
    area_names = dict(zip(areas["id"], areas["name"]))
    return render_template("activities.html", places=register(site), kinds=kinds, errors=errors or {},
                           values=values or {}, delay=site.settings["ACTIVITY_DELAY_DAYS"], area_names=area_names), status


@bp.get("/new")
@require_role("uploader")
def new():
    """Show the form for one activity and the file upload."""
    return _page()


@bp.post("/new")
@require_role("uploader")
def record():
    """Store one activity from the form, or show the form again with what to correct."""
    values = {name: request.form.get(name, "").strip() for name in FORM_FIELDS}
    actor = current_actor()
    errors = record_activity(current_site(), values, actor.name, actor.address)
    if errors:
        return _page(errors, values, 400)
    flash(_("Recorded: %(kind)s at %(place)s on %(date)s.", kind=kind_label(values["kind"]),
            place=values["place"], date=values["date"]))
    return redirect(url_for("activities.new"))


@bp.post("/upload")
@require_role("uploader")
def upload():
    """Import an activities file (field `file`, optional `sheet`) and report the outcome."""
    return upload_reply("activities", import_activities)


@bp.errorhandler(413)
def too_large(_error):
    """Explain the size limit of an activities file instead of a bare 413."""
    return too_large_reply("activities")
