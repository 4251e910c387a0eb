"""The language switch: remember Swedish or English in a cookie and go back to the page."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for

from geoapp.i18n import COOKIE, COOKIE_MAX_AGE, LANGUAGES
from geoapp.views.access import public
from geoapp.views.security import safe_next

bp = Blueprint("language", __name__)


@bp.get("/language/<code>")
@public
def choose(code: str):
    """Remember the language `code` (sv or en) for a year and return to `next` on this site."""
    if code not in LANGUAGES:
        abort(404)
    response = redirect(safe_next(request.args.get("next")) or url_for("pages.index"))
    response.set_cookie(COOKIE, code, max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True,
                        secure=request.is_secure)
    return response
