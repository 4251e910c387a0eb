"""Logging out and changing one's own password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from geoapp.accounts import service as accounts
from geoapp.domain.users import AccountError
from geoapp.i18n import _
from geoapp.site import current_site
from geoapp.views.access import client_address, current_actor, current_user, end_session, require_role

bp = Blueprint("account", __name__)


@bp.post("/logout")
@require_role("viewer", public_map=False)
def logout():
    """End every session of the account, this one included."""
    accounts.log_out(current_site().store, current_user(), client_address())
    end_session()
    flash(_("You are logged out."))
    return redirect(url_for("login.login"))


@bp.route("/account", methods=["GET", "POST"])
@require_role("viewer", public_map=False)
def account():
    """Show the account page, or change the password (which logs out every session)."""
    if request.method == "GET":
        return render_template("account.html")
    new = request.form.get("new_password", "")
    try:
        if new != request.form.get("confirm_password", ""):
            raise AccountError(_("the new password and its confirmation differ"))
        accounts.change_password(current_site().store, current_user().name, new, current_actor(),
                                 current=request.form.get("current_password", ""))
    except AccountError as exc:
        return render_template("account.html", error=str(exc)), 400
    end_session()
    flash(_("Your password is changed. Log in again with the new one."))
    return redirect(url_for("login.login"))
