"""OGC API – Features at /ogc: JSON and GeoJSON for GIS clients, HTML pages for browsers."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, make_response, render_template, request, url_for
from werkzeug.exceptions import BadRequest, NotFound

from geoapp.i18n import _
from geoapp.mapview.filters import QueryError
from geoapp.site import current_site
from geoapp.standards import features as ogc
from geoapp.views import errors
from geoapp.views.access import require_role

bp = Blueprint("ogc", __name__, url_prefix="/ogc")
FORMATS = ("json", "html")
HTTP_ERRORS = {400: BadRequest, 404: NotFound}


def html_asked() -> bool:
    """Return True when this request asks for HTML: f=html, or a browser's Accept without f."""
    chosen = request.args.get("f")
    if chosen is not None:
        return chosen == "html"
    return request.accept_mimetypes.best_match([ogc.JSON, ogc.GEOJSON, ogc.HTML]) == ogc.HTML


def exception(status: int, code: str, description: str):
    """Answer with an OGC exception document, or the error page when HTML was asked for."""
    if html_asked():
        # Rendered here rather than raised: this also answers from the blueprint's error handler.
        return make_response(errors.page(HTTP_ERRORS[status](description=description)))
    return Response(json.dumps({"code": code, "description": description}, ensure_ascii=False), status,
                    mimetype=ogc.JSON)


@bp.errorhandler(QueryError)
def bad_query(exc: QueryError):
    """Answer a parameter that is not accepted with 400 and the reason."""
    return exception(400, "InvalidParameterValue", str(exc))


def base_url() -> str:
    """Return the absolute URL of the landing page, which every link starts from."""
    return url_for("ogc.landing", _external=True).rstrip("/")


def answer(document: dict, template: str, media: str = ogc.JSON, **context):
    """Send a document as JSON (or GeoJSON), or its HTML page."""
    chosen = request.args.get("f")
    if chosen is not None and chosen not in FORMATS:
        raise QueryError(_("f must be json or html, not %(value)r.", value=chosen))
    if html_asked():
        return render_template(f"ogc/{template}", document=document, **context)
    return Response(json.dumps(document, ensure_ascii=False), mimetype=media)


def found_collection(collection_id: str) -> ogc.Collection:
    """Return the collection asked for, or answer 404."""
    found = ogc.collection(collection_id)
    if found is None:
        abort(exception(404, "NotFound", _("There is no collection %(id)r; see /ogc/collections.", id=collection_id)))
    return found


def no_other_parameters(*allowed: str) -> None:
    """Refuse a request carrying a parameter this resource does not take."""
    unknown = sorted(set(request.args) - {"f", *allowed})
    if unknown:
        raise QueryError(_("Unknown parameter %(name)r; this resource takes: %(names)s.", name=unknown[0],
                           names=", ".join((*allowed, "f"))))


@bp.get("")
@bp.get("/")
@require_role("viewer")
def landing():
    """Show the landing page: what the API offers and where its definition is."""
    no_other_parameters()
    document = ogc.landing(base_url(), url_for("openapi.document", _external=True),
                           url_for("openapi.page", _external=True))
    return answer(document, "landing.html")


@bp.get("/conformance")
@require_role("viewer")
def conformance():
    """List the conformance classes implemented."""
    no_other_parameters()
    return answer(ogc.conformance(), "conformance.html")


@bp.get("/collections")
@require_role("viewer")
def collections():
    """List the feature collections."""
    no_other_parameters()
    return answer(ogc.collections(current_site(), base_url()), "collections.html")


@bp.get("/collections/<collection_id>")
@require_role("viewer")
def collection(collection_id: str):
    """Describe one feature collection."""
    found = found_collection(collection_id)
    # The collection's filters are taken here too, so that a client given this URL with filters reads their view.
    no_other_parameters(*found.filters)
    filters = {name: request.args[name] for name in found.filters if name in request.args}
    return answer(ogc.describe(current_site(), found, base_url(), filters), "collection.html")


@bp.get("/collections/<collection_id>/items")
@require_role("viewer")
def items(collection_id: str):
    """Return a page of a collection's features, filtered like the map and by bbox and datetime."""
    found = found_collection(collection_id)
    query = ogc.parse_items_query(found, request.args)
    url = f"{base_url()}/collections/{found.id}/items"
    document = ogc.items(current_site(), found, query, url)
    return answer(document, "items.html", ogc.GEOJSON, collection=found, query=query, items_url=url,
                  feature_url=ogc.feature_url, areas=_area_choices() if "area" in found.filters else [],
                  categories=current_site().vocabulary().categories if "category" in found.filters else [])


@bp.get("/collections/<collection_id>/items/<path:feature_id>")
@require_role("viewer")
def feature(collection_id: str, feature_id: str):
    """Return one feature of a collection."""
    found = found_collection(collection_id)
    url = ogc.feature_url(f"{base_url()}/collections/{found.id}/items", feature_id)
    document = ogc.item(current_site(), found, feature_id, request.args, url)
    if document is None:
        return exception(404, "NotFound", _("There is no feature %(id)r in %(collection)r.", id=feature_id,
                                            collection=found.id))
    return answer(document, "item.html", ogc.GEOJSON, collection=found)


def _area_choices() -> list[dict]:
    return current_site().area_frame()[["id", "name"]].to_dict("records")
