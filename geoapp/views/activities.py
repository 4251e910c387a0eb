"""Recording activities: one at a time through a short form, or a whole file (same checks as the command line)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from geoapp.domain.activities import KINDS, LABELS, kind_label
from geoapp.i18n import _
from geoapp.ingest.activities import FORM_FIELDS, import_activities, record_activity
from geoapp.ingest.places import FORM_FIELDS as PLACE_FIELDS, add_place, register
from geoapp.maps import build_picker_map, render_parts
from geoapp.mapview.filters import DEFAULT_AREA
from geoapp.mapview.geojson import display_areas
from geoapp.site import current_site
from geoapp.views.access import current_actor, require_role
from geoapp.views.observations import too_large_reply, upload_reply
from geoapp.views.pages import asset_url
from geoapp.views.security import csp_nonce

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
    errors, shows_from = record_activity(current_site(), values, actor.name, actor.address)
    if errors:
        return _page(errors, values, 400)
    flash(_("Recorded: %(kind)s at %(place)s on %(date)s.", kind=kind_label(values["kind"]),
            place=values["place"], date=values["date"]))
    if shows_from:
        flash(_("It ended less than %(days)s days ago: it shows on the map and in the follow-up from %(date)s.",
                days=current_site().settings["ACTIVITY_DELAY_DAYS"], date=shows_from.isoformat()))
    return redirect(url_for("activities.new"))


def _place_page(errors: dict | None = None, values: dict | None = None, status: int = 200):
    site = current_site()
    places = register(site)
    fmap = build_picker_map(site.area_frame(), display_areas(site), DEFAULT_AREA, site.basemap, asset_url, [], {},
                            places)
    return render_template("place_form.html", errors=errors or {}, values=values or {},
                           kinds=sorted({p["kind"] for p in places}, key=str.casefold),
                           map=render_parts(fmap, nonce=csp_nonce())), status


@bp.get("/places/new")
@require_role("uploader")
def new_place():
    """Show the form for adding a place to the register: a name, a kind and a point."""
    return _place_page()


@bp.post("/places/new")
@require_role("uploader")
def add_place_page():
    """Add the place of the form to the register, or show the form again with what to correct."""
    values = {name: request.form.get(name, "").strip() for name in PLACE_FIELDS}
    actor = current_actor()
    errors = add_place(current_site(), values, actor.name, actor.address)
    if errors:
        return _place_page(errors, values, 400)
    flash(_("Added the place %(name)s to the register.", name=" ".join(values["name"].split())))
    return redirect(url_for("activities.new") + "#places")


@bp.post("/upload")
@require_role("uploader")
def upload():
    """Import an activities file (field `file`, optional `sheet`) and report the outcome."""
    return upload_reply("activities", import_activities)


@bp.errorhandler(413)
def too_large(_error):
    """Explain the size limit of an activities file instead of a bare 413."""
    return too_large_reply("activities")
