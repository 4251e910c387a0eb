"""OGC API – Features, Part 1 Core: the landing page, conformance, collections and their items, from published output.

Every feature of a collection is a feature of a /api/v1 twin (cells, areas, activities, actions) with an `id` added,
so a GIS client reads the same numbers as the map; `bbox`, `datetime`, `limit` and `offset` only choose
among them.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Mapping
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

import shapely
from shapely.geometry import shape

from geoapp.domain.areas import areas_geojson
from geoapp.domain.model import STOCKHOLM_TZ, WGS84
from geoapp.domain.periods import parse_period
from geoapp.i18n import N_, _, language
from geoapp.mapview.filters import QueryError, data_years
from geoapp.mapview.filters import area_and_period
from geoapp.mapview.geojson import activities_geojson, published_actions_geojson
from geoapp.mapview.geojson import cells_geojson
from geoapp.mapview.numbers import published_view
from geoapp.privacy.activities import publish_activities

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
)
GEOJSON, JSON, HTML = "application/geo+json", "application/json", "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
DEFAULT_LIMIT, MAX_LIMIT = 10, 10000
# Parameters every items request takes; each collection adds the filters of its /api/v1 twin.
PAGING = ("f", "bbox", "datetime", "limit", "offset")


Features = Callable[[object, Mapping[str, str]], list[dict]]


@dataclass(frozen=True)
class Collection:
    """One feature collection: what it is called, which view filters it takes, and where its features come from."""

    id: str
    title: str  # a message id, translated where shown
    description: str
    filters: tuple[str, ...]
    features: Features  # (instance, filters) -> GeoJSON features with ids, as the /api/v1 twin publishes them
    locate: Callable[[str], dict[str, str] | None]  # feature id -> the filters whose view holds it
    temporal: bool  # whether its features belong to a period (cells, activities) or to no time (areas)


def _cell_features(site, filters: Mapping[str, str]) -> list[dict]:
    document = cells_geojson(published_view(site, filters))
    return [_with_id(f, ".".join(f["properties"][k] for k in ("period", "layer", "area", "cell")))
            for f in document["features"]]


def _locate_cell(feature_id: str) -> dict[str, str] | None:
    # A cell's count depends on its RegSO area, period and category only, so the id names a view that holds it.
    parts = feature_id.split(".", 3)
    return {"area": parts[2], "period": parts[0]} if len(parts) == 4 else None


def _area_features(site, filters: Mapping[str, str]) -> list[dict]:
    document = json.loads(areas_geojson(site.area_frame()))
    return [_with_id(f, f["properties"]["id"]) for f in document["features"]]


def _activity_features(site, filters: Mapping[str, str]) -> list[dict]:
    area, period = area_and_period(site, filters)
    document = activities_geojson(publish_activities(site, area, period))
    return [_with_id(f, ".".join((f["properties"]["period"], f["properties"]["area_code"], f["properties"]["name"])))
            for f in document["features"]]


def _locate_activity(feature_id: str) -> dict[str, str] | None:
    parts = feature_id.split(".", 2)
    return {"area": parts[1], "period": parts[0]} if len(parts) == 3 else None


def _action_features(site, filters: Mapping[str, str]) -> list[dict]:
    document = published_actions_geojson(site, filters, language())
    return [_with_id(f, str(f["properties"]["id"])) for f in document["features"]]


def _with_id(feature: dict, feature_id: str) -> dict:
    return {"type": "Feature", "id": feature_id, "geometry": feature["geometry"], "properties": feature["properties"]}


COLLECTIONS = {c.id: c for c in (
    Collection("cells", N_("Observations per grid cell"),
               N_("The published safety-walk observations per grid cell of the chosen area, period and category "
                  "(as on the map): the layer (observations, or places that feel safe), the count and the counts per "
                  "category."),
               ("area", "period", "category"), _cell_features, _locate_cell, True),
    Collection("areas", N_("Areas"),
               N_("Every RegSO area and area group of the map, with its name, kind and area in km²."),
               (), _area_features, lambda feature_id: {}, False),
    Collection("activities", N_("Activities per place"),
               N_("The places of the chosen area with the published dialogues, police presence and advice of the "
                  "chosen period, counted once they ended at least the delay ago."),
               ("area", "period"), _activity_features, _locate_activity, True),
    Collection("actions", N_("Decided actions"),
               N_("The actions decided after the safety walks, with where, who is responsible, the due date and the "
                  "status (decided, ongoing, done or not to be done)."),
               ("area", "status"), _action_features,
               lambda feature_id: {} if feature_id.isascii() and feature_id.isdigit() else None, False),
)}


def collection(collection_id: str) -> Collection | None:
    """Return the collection called `collection_id`, or None."""
    return COLLECTIONS.get(collection_id)


@dataclass(frozen=True)
class ItemsQuery:
    """An items request: the view filters, the bounding box, the time interval and the page."""

    filters: dict[str, str]
    bbox: tuple[float, float, float, float] | None
    interval: tuple[datetime | None, datetime | None] | None
    limit: int
    offset: int


def parse_items_query(found: Collection, args: Mapping[str, str]) -> ItemsQuery:
    """Read an items request's parameters, or raise QueryError naming the one not accepted."""
    unknown = sorted(set(args) - set(PAGING) - set(found.filters))
    if unknown:
        raise QueryError(_("Unknown parameter %(name)r; this collection takes: %(names)s.", name=unknown[0],
                           names=", ".join((*found.filters, *PAGING[1:]))))
    return ItemsQuery({k: args[k] for k in found.filters if k in args}, parse_bbox(args.get("bbox")),
                      parse_datetime(args.get("datetime")), _whole(args, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
                      _whole(args, "offset", 0, 0, None))


def _whole(args: Mapping[str, str], name: str, default: int, low: int, high: int | None) -> int:
    text = args.get(name)
    if text is None:
        return default
    value = int(text) if text.strip().isascii() and text.strip().isdigit() else None
    if value is None or value < low or (high is not None and value > high):
        upper = f"{high}" if high is not None else "…"
        raise QueryError(_("%(name)s must be a whole number from %(low)d to %(high)s, not %(value)r.", name=name,
                           low=low, high=upper, value=text))
    return value


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """Read `bbox` (minimum lon, lat, maximum lon, lat in CRS84; 6 numbers with heights), or raise QueryError."""
    if text is None:
        return None
    try:
        numbers = [float(part) for part in text.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    valid = (len(numbers) == 4 and all(math.isfinite(n) for n in numbers)
             and all(-180 <= numbers[i] <= 180 for i in (0, 2)) and -90 <= numbers[1] <= numbers[3] <= 90)
    if not valid:
        raise QueryError(_("bbox must be four numbers: minimum longitude, latitude, maximum longitude, latitude "
                           "(CRS84), not %(value)r.", value=text))
    return tuple(numbers)


def parse_datetime(text: str | None) -> tuple[datetime | None, datetime | None] | None:
    """Read `datetime` (an RFC 3339 instant or interval, '..' for an open end), or raise QueryError."""
    if text is None:
        return None
    parts = text.split("/")
    try:
        if len(parts) == 1:
            moment = _moment(parts[0], open_allowed=False)
            return moment, moment
        if len(parts) == 2:
            start, end = _moment(parts[0]), _moment(parts[1])
            if start is None and end is None or (start and end and start > end):
                raise ValueError(text)
            return start, end
    except ValueError:
        pass
    raise QueryError(_("datetime must be a time such as 2025-05-14T18:00:00Z, or an interval such as "
                       "2025-01-01T00:00:00Z/2025-04-30T23:59:59Z with '..' for an open end, not %(value)r.",
                       value=text))


def _moment(text: str, open_allowed: bool = True) -> datetime | None:
    if text in ("", "..") and open_allowed:
        return None
    moment = datetime.fromisoformat(text)
    # A time without an offset is Swedish time, as everywhere else in geoapp.
    return (moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(STOCKHOLM_TZ))).astimezone(timezone.utc)


def select(features: list[dict], query: ItemsQuery, temporal: bool) -> list[dict]:
    """Return the features inside the query's bounding box and time interval."""
    if query.bbox is not None:
        features = _in_bbox(features, query.bbox)
    if query.interval is not None and temporal:
        features = [f for f in features if _overlaps(f["properties"]["period"], query.interval)]
    return features


def _in_bbox(features: list[dict], bbox: tuple[float, float, float, float]) -> list[dict]:
    west, south, east, north = bbox
    # A box whose west edge lies east of its east edge crosses the antimeridian.
    box = (shapely.box(west, south, east, north) if west <= east
           else shapely.union(shapely.box(west, south, 180, north), shapely.box(-180, south, east, north)))
    return [f for f in features if box.intersects(shape(f["geometry"]))]


def _overlaps(period_code: str, interval: tuple[datetime | None, datetime | None]) -> bool:
    start, end = parse_period(period_code).bounds_utc()
    low, high = interval
    return (high is None or start <= high) and (low is None or low < end)


def items(site, found: Collection, query: ItemsQuery, url: str) -> dict:
    """Return one page of a collection's features as a GeoJSON FeatureCollection with its paging links."""
    matched = select(found.features(site, query.filters), query, found.temporal)
    page = matched[query.offset:query.offset + query.limit]

    def link(rel: str, offset: int, media: str = GEOJSON, **extra) -> dict:
        params = {**query.filters, **_query_echo(query), "limit": query.limit, "offset": offset, **extra}
        return {"rel": rel, "type": media, "title": _(_LINK_TITLES[rel]), "href": f"{url}?{urlencode(params)}"}

    links = [link("self", query.offset), link("alternate", query.offset, HTML, f="html")]
    if query.offset + query.limit < len(matched):
        links.append(link("next", query.offset + query.limit))
    if query.offset > 0:
        links.append(link("prev", max(0, query.offset - query.limit)))
    links.append({"rel": "collection", "type": JSON, "title": _(found.title), "href": url.rsplit("/items", 1)[0]})
    return {"type": "FeatureCollection", "features": page, "links": links,
            "timeStamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "numberMatched": len(matched), "numberReturned": len(page)}


_LINK_TITLES = {"self": N_("This document"), "alternate": N_("This document as HTML"), "next": N_("Next page"),
                "prev": N_("Previous page")}


def _query_echo(query: ItemsQuery) -> dict:
    echo = {}
    if query.bbox is not None:
        echo["bbox"] = ",".join(f"{n:g}" for n in query.bbox)
    if query.interval is not None:
        low, high = query.interval
        echo["datetime"] = _rfc3339(low) if low == high else f"{_rfc3339(low)}/{_rfc3339(high)}"
    return echo


def _rfc3339(moment: datetime | None) -> str:
    return ".." if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def item(site, found: Collection, feature_id: str, args: Mapping[str, str], url: str) -> dict | None:
    """Return one feature with its links, or None when no view of the collection publishes it."""
    accepted = ("category", "f") if "category" in found.filters else ("f",)
    unknown = sorted(set(args) - set(accepted))
    if unknown:
        raise QueryError(_("Unknown parameter %(name)r; a feature takes: %(names)s.", name=unknown[0],
                           names=", ".join(accepted)))
    filters = found.locate(feature_id)
    if filters is None:
        return None
    try:
        features = found.features(site, filters)
    except QueryError:
        return None  # the id names no area or period
    if "category" in args:
        # A category that is not accepted is a bad request, not a missing feature.
        features = found.features(site, {**filters, "category": args["category"]})
    feature = next((f for f in features if f["id"] == feature_id), None)
    if feature is None:
        return None
    extra = {"category": args["category"]} if "category" in args else {}
    return {**feature, "links": [
        _link("self", GEOJSON, _("This document"), _with_query(url, extra)),
        _link("alternate", HTML, _("This document as HTML"), _with_query(url, {**extra, "f": "html"})),
        _link("collection", JSON, _(found.title), url.rsplit("/items/", 1)[0]),
    ]}


def _and(query: str) -> str:
    return f"{query}&" if query else ""


def _with_query(url: str, params: Mapping[str, str]) -> str:
    return f"{url}?{urlencode(params)}" if params else url


def feature_url(items_url: str, feature_id: str) -> str:
    """Return the URL of one feature of the collection whose items are at `items_url`."""
    return f"{items_url}/{quote(feature_id, safe=':')}"


def _link(rel: str, media: str, title: str, href: str) -> dict:
    return {"rel": rel, "type": media, "title": title, "href": href}


def landing(base: str, openapi_url: str, openapi_html_url: str) -> dict:
    """Return the landing page of the API rooted at `base` (/ogc)."""
    return {
        "title": _("geoapp: safety-walk maps of Borlänge"),
        "description": _("The published numbers of the map as a feature service (OGC API – Features): observations "
                         "per grid cell, areas, activities per place and decided actions."),
        "links": [
            _link("self", JSON, _("This document"), base),
            _link("alternate", HTML, _("This document as HTML"), f"{base}?f=html"),
            _link("service-desc", OPENAPI, _("The API definition (OpenAPI 3)"), openapi_url),
            _link("service-doc", HTML, _("The API documentation"), openapi_html_url),
            _link("conformance", JSON, _("Conformance classes implemented"), f"{base}/conformance"),
            _link("data", JSON, _("The feature collections"), f"{base}/collections"),
        ],
    }


def conformance() -> dict:
    """Return the conformance classes the API implements."""
    return {"conformsTo": list(CONFORMANCE)}


def extent(site, found: Collection) -> dict:
    """Return a collection's spatial extent (the areas' bounding box in CRS84) and, for periods, its temporal one."""
    west, south, east, north = (round(float(n), 5) for n in site.area_frame().to_crs(WGS84).total_bounds)
    spatial = {"bbox": [[west, south, east, north]], "crs": CRS84}
    if not found.temporal:
        return {"spatial": spatial}
    version = site.store.data_version()
    first = parse_period(str(data_years(site, version)[0])).bounds_utc()[0]
    return {"spatial": spatial, "temporal": {"interval": [[_rfc3339(first), None]], "trs": GREGORIAN}}


def describe(site, found: Collection, base: str, filters: Mapping[str, str] | None = None) -> dict:
    """Return the description of one collection with its links, whose items links keep the view `filters`."""
    url = f"{base}/collections/{found.id}"
    query = urlencode(filters or {})
    return {
        "id": found.id, "title": _(found.title), "description": _(found.description),
        "links": [
            _link("self", JSON, _("This document"), _with_query(url, filters or {})),
            _link("alternate", HTML, _("This document as HTML"), f"{url}?{_and(query)}f=html"),
            _link("items", GEOJSON, _("The features as GeoJSON"), _with_query(f"{url}/items", filters or {})),
            _link("items", HTML, _("The features as HTML"), f"{url}/items?{_and(query)}f=html"),
        ],
        "extent": extent(site, found), "itemType": "feature", "crs": [CRS84],
    }


def collections(site, base: str) -> dict:
    """Return every collection's description."""
    return {
        "links": [_link("self", JSON, _("This document"), f"{base}/collections"),
                  _link("alternate", HTML, _("This document as HTML"), f"{base}/collections?f=html")],
        "collections": [describe(site, found, base) for found in COLLECTIONS.values()],
    }
