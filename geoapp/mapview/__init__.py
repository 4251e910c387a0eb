"""One view of the map: what a planner sees for one parsed request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from geoapp.domain.periods import choices
from geoapp.mapview.filters import data_years
from geoapp.mapview.geojson import display_areas
from geoapp.mapview.numbers import published_view
from geoapp.privacy.published import Published


@dataclass(frozen=True)
class MapPage:
    """What the map page shows: the published numbers, the areas to draw and choose, the periods to offer."""

    published: Published
    areas: object  # the area frame
    features: dict
    period_groups: list


def map_page(site, args: Mapping[str, str]) -> MapPage:
    """Gather the map page's published numbers and choices, reading the data version once."""
    version = site.store.data_version()
    published = published_view(site, args, version)
    return MapPage(published, site.area_frame(version), display_areas(site, version),
                   choices(data_years(site, version)))


