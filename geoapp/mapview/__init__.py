"""One view of the map: everything a page, an API twin or an export shows for one parsed request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from geoapp.actions.listing import published_list
from geoapp.domain.actions import STATUSES, status_label
from geoapp.domain.periods import choices
from geoapp.i18n import language as page_language
from geoapp.mapview.colors import ColorClass, configured_scale
from geoapp.mapview.filters import data_years
from geoapp.mapview.geojson import display_areas
from geoapp.mapview.numbers import published_view
from geoapp.privacy.actions import PublishedActions
from geoapp.privacy.activities import PublishedActivities, publish_for_periods
from geoapp.privacy.published import Published


@dataclass(frozen=True)
class MapView:
    """What a view of the map shows: the published numbers, the areas to draw and choose, colours, words, activities."""

    published: Published
    areas: object  # the area frame
    features: dict  # each area's display feature by id
    classes: tuple[ColorClass, ...]
    labels: dict[str, str]  # category labels in the view's language
    activities: tuple[PublishedActivities, ...]  # one per period shown
    period_groups: list
    version: int  # the data version everything above was read at
    actions: PublishedActions | None = None  # the decided actions of the view's area
    action_words: tuple[dict, dict] = ({}, {})  # status names and responsible organisations in the view's language


def map_view(site, args: Mapping[str, str], language: str | None = None, periods=None) -> MapView:
    """Build the view of `args` (activities of the view's periods, or of `periods`), reading the data version once."""
    version = site.store.data_version()
    published = published_view(site, args, version)
    request = published.request
    return MapView(
        published=published, areas=site.area_frame(version), features=display_areas(site, version),
        classes=configured_scale(site.settings, published.k),
        labels=site.vocabulary().labels(language or page_language()),
        activities=publish_for_periods(site, request.area, request.periods if periods is None else periods(request)),
        period_groups=choices(data_years(site, version)), version=version,
        actions=published_list(site, request.area.members, version), action_words=action_words(site, language or page_language()),
    )


def action_words(site, language: str) -> tuple[dict, dict]:
    """Return the names of the action statuses and of the responsible organisations in `language`."""
    return ({s: status_label(s, language) for s in STATUSES},
            {c.key: c.label(language) for c in site.responsible().categories})
