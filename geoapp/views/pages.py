"""The map page."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for

from geoapp.domain.activities import publish_for_periods
from geoapp.domain.periods import KIND_NAMES
from geoapp.i18n import _, language
from geoapp.maps import build_view_maps, render_parts
from geoapp.mapview import map_page
from geoapp.mapview.colors import configured_scale
from geoapp.mapview.filters import QueryError
from geoapp.site import current_site
from geoapp.views.access import require_role
from geoapp.views.security import csp_nonce

bp = Blueprint("pages", __name__)


def asset_url(package: str, filename: str) -> str:
    """Return the app's own URL of a vendored asset."""
    return url_for("assets.asset", package=package, filename=filename)


@bp.get("/")
@require_role("viewer")
def index():
    """Show the published cells, area numbers and table for the chosen area, period and category."""
    site = current_site()
    try:
        page = map_page(site, request.args)
    except QueryError as exc:
        abort(400, description=str(exc))
    vocabulary = site.vocabulary()
    labels = vocabulary.labels(language())
    classes = configured_scale(site.settings, page.published.k)
    chosen = page.published.request
    activities = publish_for_periods(site, chosen.area, chosen.periods)
    maps = build_view_maps(page.published, page.areas, page.features, site.basemap, asset_url, classes, labels,
                           activities)
    return render_template(
        "map.html", published=page.published, maps=[render_parts(m, nonce=csp_nonce()) for m in maps], classes=classes, labels=labels,
        areas=page.areas[["id", "name", "kind", "approximation"]].to_dict("records"), categories=vocabulary.categories,
        period_groups=page.period_groups, period_kinds={kind: _(name) for kind, name in KIND_NAMES.items()},
        delay=site.settings["ACTIVITY_DELAY_DAYS"],
    )
