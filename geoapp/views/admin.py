"""Admin pages: uploads (and deleting one), accounts, and the audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from geoapp.accounts import administration
from geoapp.accounts import audit_wording
from geoapp.accounts import service as accounts
from geoapp.domain.users import ROLES, AccountError
from geoapp.i18n import _, ngettext
from geoapp.site import current_site
from geoapp.views import role_names
from geoapp.views.access import current_actor, require_role

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/uploads")
@require_role("admin")
def uploads():
    """List every upload with a button to delete it."""
    return render_template("admin/uploads.html", uploads=administration.list_uploads(current_site().store),
                           kinds=administration.UPLOAD_KINDS)


@bp.post("/uploads/<int(max=2147483647):upload_id>/delete")  # ids are 32-bit integers in the database
@require_role("admin")
def delete_upload(upload_id: int):
    """Delete one whole upload and everything that came with it."""
    site = current_site()
    deleted = administration.delete_upload(site.store, upload_id, current_actor())
    if deleted is None:
        abort(404, description=_("There is no upload %(id)d.", id=upload_id))
    site.forget_exports(deleted["shows"])
    flash(ngettext("Deleted upload %(id)d (%(file)s, %(num)d row).", "Deleted upload %(id)d (%(file)s, %(num)d rows).",
                   deleted["rows"], id=upload_id, file=deleted["filename"]))
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
