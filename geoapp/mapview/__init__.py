"""One view of the map: everything a page, an API twin or an export shows for one parsed request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from geoapp.domain.periods import choices
from geoapp.i18n import language as page_language
from geoapp.mapview.colors import ColorClass, configured_scale
from geoapp.mapview.filters import data_years
from geoapp.mapview.geojson import display_areas
from geoapp.mapview.numbers import published_view
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
    )
