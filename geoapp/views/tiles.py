"""The stored basemap's tiles at /tiles/{z}/{x}/{y}.png, for the maps of geoapp itself."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request

from geoapp.basemap.archive import in_grid, media_type
from geoapp.basemap.store import current_basemap
from geoapp.site import current_site
from geoapp.views.access import require_role, same_for_every_account

bp = Blueprint("tiles", __name__)

# A replaced archive gets new URLs (the maps add ?v=<identity>), so a day in the browser's cache is safe.
MAX_AGE = 86400


@bp.get("/tiles/<int(signed=True):z>/<int(signed=True):x>/<int(signed=True):y>.png")
@same_for_every_account
@require_role("viewer")
def tile(z: int, x: int, y: int):
    """Send one tile of the stored archive in its own format (the name ends .png for Leaflet's sake), or 404."""
    if not in_grid(z, x, y):
        abort(400)
    basemap = current_basemap(current_app.instance_path)
    data = basemap.tile(z, x, y) if basemap is not None else None
    if data is None:
        abort(404)
    response = Response(data, mimetype=media_type(data) or "application/octet-stream")
    response.set_etag(f"{basemap.stored.identity}-{z}-{x}-{y}")
    # Open to anyone with a public map; otherwise only the browser may keep a tile, no shared cache (the
    # municipality's map may be licensed to it alone).
    shared = "public" if current_site().settings["PUBLIC_MAP"] else "private"
    response.headers["Cache-Control"] = f"{shared}, max-age={MAX_AGE}"
    return response.make_conditional(request)
