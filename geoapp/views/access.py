"""Who is asking, and whether they may: sessions, bearer tokens and the role each route needs."""

from __future__ import annotations

import time
from functools import wraps

from flask import abort, current_app, g, jsonify, redirect, request, session, url_for

from geoapp.accounts import service as accounts
from geoapp.domain.users import Actor, User, check_role
from geoapp.i18n import _
from geoapp.site import current_site
from geoapp.views.security import SESSION_LIFETIME, bearer_token

# Paths whose clients are programs (harvesters of the catalogue too): they get a JSON 401 rather than the login page.
API_PREFIXES = ("/api/", "/export/", "/catalog.jsonld")


def current_user() -> User | None:
    """Return the account behind this request (bearer token or session), or None."""
    if "user" not in g:
        _answer_as(_token_user() if bearer_token() is not None else _session_user())
    return g.user


def _answer_as(user: User | None) -> None:
    g.user = user
    # Kept after a logout too: that answer was still given to the account.
    g.for_account = g.get("for_account", False) or user is not None


def client_address() -> str | None:
    """Return the address of the client making this request (read through trusted proxies, GEOAPP_TRUSTED_PROXIES)."""
    return request.remote_addr


def current_actor() -> Actor:
    """Return who is making this request, for the audit log."""
    user = current_user()
    return Actor(user.name if user else None, client_address())


def start_session(user: User) -> None:
    """Log `user` in on this browser, in a fresh session that expires after at most 8 hours."""
    session.clear()
    session.permanent = True
    session.update(uid=user.id, key=user.session_secret, at=int(time.time()))
    _answer_as(user)


def end_session() -> None:
    """Forget the login of this browser."""
    session.clear()
    _answer_as(None)


def _token_user() -> User | None:
    return accounts.token_user(current_site().store, bearer_token())


def _session_user() -> User | None:
    uid, secret, started = session.get("uid"), session.get("key"), session.get("at")
    if uid is None:
        return None
    # The cookie's own expiry slides with use; the login time caps the session's whole life.
    fresh = isinstance(started, int) and time.time() - started < SESSION_LIFETIME.total_seconds()
    valid = fresh and isinstance(uid, int) and isinstance(secret, str)
    user = accounts.session_user(current_site().store, uid, secret) if valid else None
    if user is None:
        session.clear()
    return user


def wants_json() -> bool:
    """Return True when the client is a program rather than a browser showing pages."""
    if request.path.startswith(API_PREFIXES) or "Authorization" in request.headers:
        return True
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _deny(status: int):
    if wants_json():
        message = _("log in or send Authorization: Bearer TOKEN") if status == 401 else _("your role does not allow this")
        response = jsonify(error=message)
        response.status_code = status
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="geoapp"'
        return response
    if status == 401:
        return redirect(url_for("login.login", next=request.full_path.rstrip("?")))
    abort(status)


def allowed(role: str, public_map: bool = True, opened_by: str = "PUBLIC_MAP") -> int | None:
    """Return None when this request may use a route needing `role`, else 401 or 403."""
    if role == "viewer" and public_map and current_site().settings[opened_by]:
        return None
    user = current_user()
    if user is None:
        return 401
    return None if user.can(role) else 403


def require_role(role: str, *, public_map: bool = True, opened_by: str = "PUBLIC_MAP"):
    """Let a view answer only users with at least `role`; viewer routes are open when setting `opened_by` is on."""
    # public_map=False keeps a viewer route (such as one's own account) behind a login regardless.
    check_role(role)

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            denied = allowed(role, public_map, opened_by)
            if denied == 401 and _residents_instead():
                return redirect(url_for("residents.areas"))
            return _deny(denied) if denied else view(*args, **kwargs)

        guarded.required_role, guarded.public_map, guarded.opened_by = role, public_map, opened_by
        return guarded

    return decorate


def residents_page(view):
    """Open a residents' page to everyone when GEOAPP_RESIDENTS_PAGE is on, else to accounts (to look before opening)."""
    return require_role("viewer", opened_by="RESIDENTS_PAGE")(view)


def _residents_instead() -> bool:
    # The site's root leads a visitor without a login to the residents' pages when those are open and the map is not.
    return request.endpoint == "pages.index" and current_site().settings["RESIDENTS_PAGE"] and not wants_json()


def public(view):
    """Mark a view as open to everyone (health check, assets, the login page)."""
    view.required_role = None
    return view


def enforce_csrf() -> None:
    """Require a CSRF token on every form request, unless a bearer token or the access rule answers it."""
    # Requests carrying a bearer token are authenticated by it alone, and a browser cannot add that header to a
    # cross-site request, so there is nothing to forge. A request the access rule refuses for want of a login
    # can change nothing either, and programs are promised that rule's 401 rather than a CSRF error.
    if bearer_token() is None and not _needs_login():
        current_app.extensions["csrf"].protect()


def _needs_login() -> bool:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    role = getattr(view, "required_role", None)
    return role is not None and allowed(role, view.public_map, getattr(view, "opened_by", "PUBLIC_MAP")) == 401


def same_for_every_account(view):
    """Mark a view whose answers are the same for every account it admits, so they keep their own Cache-Control."""
    # Basemap tiles: a picture of streets, nothing of the account, and a map fetches dozens at every move.
    view.same_for_every_account = True
    return view


def forbid_caching(response):
    """Tell every cache to keep no copy of an answer given to an account."""
    # It may hold what only that account may see, and a shared proxy or browser cache would hand it on.
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    kept = getattr(view, "same_for_every_account", False) and response.status_code in (200, 304)
    if g.get("for_account", False) and not kept:
        response.headers["Cache-Control"] = "no-store"
    return response


def deny_unmarked():
    """Refuse any route that declares no access rule, so a forgotten decorator fails closed."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if view is not None and not hasattr(view, "required_role"):
        abort(403)
