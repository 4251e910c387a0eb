"""The login page, throttled after repeated failures."""

from __future__ import annotations

from flask import Blueprint, Flask, g, redirect, render_template, request, url_for
from flask_limiter import Limiter

from geoapp.accounts import service as accounts
from geoapp.site import current_site
from geoapp.views.access import client_address, current_user, public, start_session
from geoapp.views.security import safe_next

bp = Blueprint("login", __name__)

# Failed attempts per account name and per client address.
LOGIN_LIMIT = "5 per 15 minutes"


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Show the login form, or log in with the posted name and password."""
    target = safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("login.html", next=target, name="", user=current_user())
    name = request.form.get("name", "").strip()
    user = accounts.log_in(current_site().store, name, request.form.get("password", ""), client_address())
    if user is None:
        g.login_failed = True
        return render_template("login.html", next=target, name=name, error=True), 401
    start_session(user)
    return redirect(target or url_for("pages.index"))


def _address_key() -> str:
    return f"address:{client_address()}"


def _name_key() -> str:
    return f"name:{request.form.get('name', '').strip().lower()}"


def _failed(_response) -> bool:
    return g.get("login_failed", False)


def throttle(app: Flask) -> Limiter:
    """Answer 429 to login attempts after too many failures for one name or one address."""
    limiter = Limiter(
        _address_key, app=app, storage_uri=app.config["GEOAPP"]["RATELIMIT_STORAGE"], strategy="moving-window",
    )
    for key in (_address_key, _name_key):
        limiter.limit(LOGIN_LIMIT, key_func=key, methods=["POST"], deduct_when=_failed)(bp)
    app.cli.commands.pop("limiter", None)  # its maintenance commands have no use for geoapp
    return limiter


@bp.app_errorhandler(429)
def too_many_attempts(_error):
    """Explain that logging in is paused."""
    return render_template("login.html", next=None, name="", throttled=True), 429
