"""The residents' pages ("Ni sa – vi gjorde"): the list of areas, one page per area, its JSON twin and its flyer."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify, render_template, request, url_for

from geoapp.export.flyer import flyer_pdf
from geoapp.export.sketch import sketch
from geoapp.i18n import _, language
from geoapp.mapview.colors import configured_scale
from geoapp.mapview.filters import QueryError
from geoapp.mapview.residents import (action_words, after_list, area_list, area_page, due_words, effort_sentences,
                                     invitation_words, page_json, period_words, walk_sentences)
from geoapp.site import current_site
from geoapp.views.access import residents_page

bp = Blueprint("residents", __name__)


def _page(area_id: str):
    try:
        return area_page(current_site(), area_id)
    except QueryError:
        abort(404, description=_("There is no area with that name."))


def site_url(path: str) -> str:
    """Return the address of a path of this site as residents reach it (GEOAPP_SITE_URL, else this request's host)."""
    base = current_site().settings["SITE_URL"] or request.host_url
    return base.rstrip("/") + path


@bp.get("/omraden")
@residents_page
def areas():
    """List the areas that have a residents' page."""
    return render_template("residents/areas.html", areas=area_list(current_site()))


@bp.get("/omraden/<area_id>")
@residents_page
def area(area_id: str):
    """Show what walks found in an area, what was done, and how to take part."""
    page = _page(area_id)
    geoapp = current_site()
    classes = configured_scale(geoapp.settings, page.k)
    sketches = [sketch(page.published, page.boundary, period, classes) for period in page.periods]
    return render_template("residents/area.html", page=page, sketches=sketches, classes=classes,
                           labels=geoapp.vocabulary().labels(language()), period_words=period_words,
                           walk_sentences=walk_sentences, after_list=after_list, effort_sentences=effort_sentences,
                           invitation_words=invitation_words, action_words=action_words, due_words=due_words,
                           contact=geoapp.settings["RESIDENTS_CONTACT"])


@bp.get("/api/v1/residents/<area_id>")
@residents_page
def area_json(area_id: str):
    """Return the numbers of an area's residents' page as JSON."""
    page = _page(area_id)
    return jsonify(page_json(page, current_site().vocabulary().labels(language())))


@bp.get("/omraden/<area_id>/affisch.pdf")
@residents_page
def flyer(area_id: str):
    """Send the area's page as one A4 PDF for notice boards, with a QR code to the page."""
    page = _page(area_id)
    geoapp = current_site()
    classes = configured_scale(geoapp.settings, page.k)
    path = url_for("residents.area", area_id=area_id)
    other = "en" if language() == "sv" else "sv"
    body = flyer_pdf(page, sketch(page.published, page.boundary, page.periods[0], classes), classes,
                     geoapp.vocabulary().labels(language()), site_url(path),
                     site_url(url_for("language.choose", code=other, next=path)), geoapp.settings["RESIDENTS_CONTACT"])
    name = f"affisch_{page.area_id}.pdf"
    return Response(body, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})
