"""The DCAT-AP-SE catalogue of the published datasets at /catalog.jsonld, for open-data portals to harvest."""

from __future__ import annotations

import json

from flask import Blueprint, Response, request

from geoapp.site import current_site
from geoapp.standards.catalog import catalog
from geoapp.views.access import require_role

bp = Blueprint("catalog", __name__)


@bp.get("/catalog.jsonld")
@require_role("viewer")
def document():
    """Send the catalogue as JSON-LD, its addresses those of GEOAPP_SITE_URL or else of this request."""
    site = current_site()
    body = catalog(site.settings["SITE_URL"] or request.host_url, site.settings)
    return Response(json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/ld+json")
