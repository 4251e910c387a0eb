"""The map page."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for

from geoapp.activities import publish_for_periods
from geoapp.colors import configured_scale
from geoapp.i18n import _, language
from geoapp.maps import build_view_maps, render_parts
from geoapp.periods import KIND_NAMES
from geoapp.publication import QueryError, map_page
from geoapp.security import csp_nonce
from geoapp.views import instance
from geoapp.views.access import require_role

bp = Blueprint("pages", __name__)


def asset_url(package: str, filename: str) -> str:
    """Return the app's own URL of a vendored asset."""
    return url_for("assets.asset", package=package, filename=filename)


@bp.get("/")
@require_role("viewer")
def index():
    """Show the published cells, area numbers and table for the chosen area, period and category."""
    geoapp = instance()
    try:
        page = map_page(geoapp, request.args)
    except QueryError as exc:
        abort(400, description=str(exc))
    vocabulary = geoapp.vocabulary()
    labels = vocabulary.labels(language())
    classes = configured_scale(geoapp.settings, page.published.k)
    chosen = page.published.request
    activities = publish_for_periods(geoapp, chosen.area, chosen.periods)
    maps = build_view_maps(page.published, page.areas, page.features, geoapp.basemap, asset_url, classes, labels,
                           activities)
    return render_template(
        "map.html", published=page.published, maps=[render_parts(m, nonce=csp_nonce()) for m in maps], classes=classes, labels=labels,
        areas=page.areas[["id", "name", "kind", "approximation"]].to_dict("records"), categories=vocabulary.categories,
        period_groups=page.period_groups, period_kinds={kind: _(name) for kind, name in KIND_NAMES.items()},
        delay=geoapp.settings["ACTIVITY_DELAY_DAYS"],
    )
