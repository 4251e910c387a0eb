"""Admin pages: uploads (and deleting one), accounts, and the audit log."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from geoapp.accounts import administration
from geoapp.accounts import audit_wording
from geoapp.accounts import service as accounts
from geoapp.domain.users import ROLES, AccountError
from geoapp.i18n import _, ngettext
from geoapp.i18n import date as format_date
from geoapp.site import current_site
from geoapp.views import role_names
from geoapp.views.access import current_actor, require_role

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/uploads")
@require_role("admin")
def uploads():
    """List every upload (field form entries per walk and day) with a link to delete it."""
    return render_template("admin/uploads.html", uploads=administration.uploads_listed(current_site().store),
                           kinds=administration.UPLOAD_KINDS)


# One rule answers both methods: a GET and a POST rule over the same bounded id would answer 405, not 404, to
# an id beyond it.
@bp.route("/uploads/<int(max=2147483647):upload_id>/delete", methods=["GET", "POST"])  # ids are 32-bit integers
@require_role("admin")
def delete_upload(upload_id: int):
    """Ask to confirm deleting an upload, saying what goes with it (GET); delete it and all it brought (POST)."""
    site = current_site()
    if request.method == "GET":
        upload = administration.describe_upload(site.store, upload_id)
        if upload is None:
            abort(404, description=_("There is no upload %(id)d.", id=upload_id))
        return render_template("admin/delete_upload.html", upload=upload, kinds=administration.UPLOAD_KINDS)
    deleted = administration.delete_upload(site.store, upload_id, current_actor())
    if deleted is None:
        abort(404, description=_("There is no upload %(id)d.", id=upload_id))
    site.forget_exports(deleted["shows"])
    flash(ngettext("Deleted upload %(id)d (%(file)s, %(num)d row).", "Deleted upload %(id)d (%(file)s, %(num)d rows).",
                   deleted["rows"], id=upload_id, file=deleted["filename"]))
    return redirect(url_for("admin.uploads"))


def _field_group(walk_id: int, day: str):
    """Return the field form entries of walk `walk_id` on `day` (an ISO date), or answer 404."""
    try:
        when = date.fromisoformat(day)
    except ValueError:
        when = None
    group = administration.field_group(current_site().store, walk_id, when) if when else None
    if group is None:
        abort(404, description=_("There are no field form entries of that walk on that day."))
    return group


@bp.route("/uploads/field/<int(max=2147483647):walk_id>/<day>/delete", methods=["GET", "POST"])
@require_role("admin")
def delete_field(walk_id: int, day: str):
    """Ask to confirm deleting the field form entries of one walk on one day (GET); delete each, audited (POST)."""
    site = current_site()
    group = _field_group(walk_id, day)
    if request.method == "GET":
        return render_template("admin/delete_field.html", group=group)
    deleted = administration.delete_field_group(site.store, walk_id, group["day"], current_actor())
    site.forget_exports(deleted["shows"])
    flash(ngettext("Deleted %(num)d observation of walk %(walk)s entered in the field form on %(day)s.",
                   "Deleted %(num)d observations of walk %(walk)s entered in the field form on %(day)s.",
                   deleted["rows"], walk=deleted["walk"], day=format_date(deleted["day"])))
    return redirect(url_for("admin.uploads"))


@bp.route("/accounts", methods=["GET", "POST"])
@require_role("admin")
def accounts_page():
    """List the accounts, or add one."""
    store = current_site().store
    if request.method == "POST":
        form = request.form
        try:
            accounts.add_account(store, form.get("name", "").strip(), form.get("role", ""), form.get("password", ""),
                                 current_actor())
        except AccountError as exc:
            return render_template("admin/accounts.html", accounts=accounts.list_accounts(store), roles=ROLES,
                                   error=str(exc)), 400
        flash(_("Added %(name)s as %(role)s.", name=form["name"].strip(), role=role_names()[form["role"]]))
        return redirect(url_for("admin.accounts_page"))
    return render_template("admin/accounts.html", accounts=accounts.list_accounts(store), roles=ROLES)


@bp.post("/accounts/<name>/remove")
@require_role("admin")
def remove_account(name: str):
    """Remove an account and its tokens."""
    try:
        accounts.remove_account(current_site().store, name, current_actor())
    except AccountError as exc:
        flash(_("Not removed: %(reason)s.", reason=exc))
    else:
        flash(_("Removed %(name)s.", name=name))
    return redirect(url_for("admin.accounts_page"))


@bp.get("/audit")
@require_role("admin")
def audit():
    """Show who did what and when, newest first."""
    return render_template("admin/audit.html", entries=administration.audit_log(current_site().store),
                           action_text=audit_wording.action_text, detail_text=audit_wording.detail_text,
                           actor_text=audit_wording.actor_text)
