"""Error pages in the visitor's language, and JSON errors for programs."""

from __future__ import annotations

from flask import jsonify, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from geoapp.i18n import N_, _
from geoapp.views.access import wants_json

TITLES = {400: N_("The request cannot be answered"), 403: N_("Not allowed"), 404: N_("Not found"),
          405: N_("Not allowed this way"), 413: N_("Too large"), 429: N_("Too many requests")}
EXPLANATIONS = {400: N_("Something in the request is not accepted."), 403: N_("Your role does not allow this."),
                404: N_("There is no such page here. Check the address."),
                405: N_("This address does not accept this kind of request."),
                413: N_("What was sent is larger than the limit."), 429: N_("Too many requests; wait a while.")}


def explanation(error: HTTPException) -> str:
    """Return why the request failed: the app's own description, else a translated general one."""
    if isinstance(error, CSRFError):
        return _("The form is out of date or did not come from this site; reload the page and try again.")
    if error.description != type(error).description:
        return error.description
    return _(EXPLANATIONS.get(error.code, N_("Something in the request is not accepted.")))


def page(error: HTTPException):
    """Answer an HTTP error with a page (or JSON) that says what went wrong, in the request's language."""
    text = explanation(error)
    if wants_json():
        response = jsonify(error=text)
    else:
        title = _(TITLES.get(error.code, TITLES[400]))
        response = render_template("error.html", title=title, explanation=text)
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return response, error.code, headers
