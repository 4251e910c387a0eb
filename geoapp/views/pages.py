"""The map page."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for

from geoapp.domain.periods import KIND_NAMES
from geoapp.i18n import _
from geoapp.maps import ACTION_SYMBOLS, build_view_maps, render_parts
from geoapp.mapview import map_view
from geoapp.mapview.answers import empty_answers, period_menu, view_outlook
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
        shown = map_view(site, request.args)
    except QueryError as exc:
        abort(400, description=str(exc))
    seen = view_outlook(site, shown)
    maps = build_view_maps(shown.published, shown.areas, shown.features, site.basemap, asset_url, shown.classes,
                           shown.labels, shown.activities, shown.actions, shown.action_words)
    return render_template(
        "map.html", published=shown.published, maps=[render_parts(m, nonce=csp_nonce()) for m in maps],
        classes=shown.classes, labels=shown.labels,
        areas=shown.areas[["id", "name", "kind", "approximation"]].to_dict("records"),
        categories=site.vocabulary().categories, period_groups=period_menu(shown, seen),
        period_kinds={kind: _(name) for kind, name in KIND_NAMES.items()},
        delay=site.settings["ACTIVITY_DELAY_DAYS"], actions=shown.actions, action_names=shown.action_words,
        action_symbols=ACTION_SYMBOLS, answers=empty_answers(shown, seen),
    )
