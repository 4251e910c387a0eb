"""The OpenAPI 3 document of /api/v1 and /ogc: every path, parameter and answer as the endpoints really give them."""

from __future__ import annotations

from geoapp.standards.features import COLLECTIONS, DEFAULT_LIMIT, GEOJSON, HTML, JSON, MAX_LIMIT, OPENAPI

VERSION = "3.0.3"
PERIOD_PATTERN = r"^\s*[0-9]{4}(-[Tt][1-3]|-(0[1-9]|1[0-2]))?\s*$"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _content(schema: dict, *media: str) -> dict:
    return {m: {"schema": schema} for m in media}


def _answer(description: str, schema: dict | None = None, *media: str) -> dict:
    return {"description": description, **({"content": _content(schema, *media)} if schema else {})}


def _query(name: str, description: str, schema: dict, **extra) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema, **extra}


AREA = _query("area", "An area `id` from /api/v1/areas (default `tjarna-angar`).", {"type": "string"})
PERIOD = _query("period", "A year `2025`, tertial `2025-T2` or month `2025-05` (default: the latest year with "
                "observations; for activities and the follow-up, this year).", {"type": "string"})
CATEGORY = _query("category", "`all` (every category but places that feel safe) or a key of the vocabulary.",
                  {"type": "string"})
COMPARE = _query("compare", "`1`: also the previous period of the same kind.",
                 {"type": "string", "enum": ["0", "1", "true", "false", "on", "off", "yes", "no", ""]})
STATUS = _query("status", "Only actions of this status.", {"type": "string"})
FILTERS = {"area": AREA, "period": PERIOD, "category": CATEGORY, "status": STATUS}
F = _query("f", "The format: `json` (GeoJSON for features) or `html`; without it, the Accept header decides.",
           {"type": "string", "enum": ["json", "html"]})
OGC_PAGING = [
    _query("bbox", "Only features meeting this box: minimum longitude, latitude, maximum longitude, latitude (CRS84).",
           {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}, style="form", explode=False),
    _query("datetime", "Only features whose period meets this RFC 3339 time or interval (`..` for an open end); "
           "areas hold for every time.", {"type": "string"}),
    _query("limit", "The most features on one page.",
           {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
    _query("offset", "How many matched features come before this page (the `next` link counts it for you).",
           {"type": "integer", "minimum": 0, "default": 0}),
]

ERROR = {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}
OGC_EXCEPTION = {"type": "object", "required": ["code", "description"],
                 "properties": {"code": {"type": "string"}, "description": {"type": "string"}}}
NOT_LOGGED_IN = _answer("Not logged in (the map is not public): log in or send Authorization: Bearer TOKEN.",
                        _ref("Error"), JSON)
BAD_FILTER = _answer("A filter that is not accepted; `error` says why, in the page's language.", _ref("Error"), JSON)
OGC_BAD = _answer("A parameter that is not accepted; `description` says why.", _ref("Exception"), JSON, HTML)
OGC_MISSING = _answer("No such collection or feature.", _ref("Exception"), JSON, HTML)
PAGE = {"type": "string", "description": "An HTML page"}

NUMBER_OR_NULL = {"type": "integer", "nullable": True}
POINT = {"type": "object", "required": ["type", "coordinates"],
         "properties": {"type": {"type": "string", "enum": ["Point"]},
                        "coordinates": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "number"}}}}
SURFACE = {"type": "object", "required": ["type", "coordinates"],
           "properties": {"type": {"type": "string", "enum": ["Polygon", "MultiPolygon"]},
                          "coordinates": {"type": "array", "items": {"type": "array"}}}}


def _feature(geometry: dict, properties: dict, required: list[str], with_id: bool = False) -> dict:
    return {"type": "object", "required": ["type", "geometry", "properties", *(["id"] if with_id else [])],
            "properties": {"type": {"type": "string", "enum": ["Feature"]}, "geometry": geometry,
                           **({"id": {"type": "string"}} if with_id else {}),
                           "properties": {"type": "object", "required": required, "properties": properties}}}


CELL_PROPERTIES = {
    "layer": {"type": "string", "enum": ["observations", "safe_place"]}, "period": {"type": "string"},
    "cell": {"type": "string", "description": "The grid square, e.g. 250m:E537500N6706250 (SWEREF 99 TM)"},
    "area": {"type": "string", "description": "The RegSO area code the square is cut to"},
    "count": {"type": "integer", "minimum": 0},
    "categories": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
}
AREA_PROPERTIES = {
    "id": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string", "enum": ["regso", "group"]},
    "area_km2": {"type": "number"}, "approximation": {"type": "boolean"}, "note": {"type": "string", "nullable": True},
    "members": {"type": "array", "items": {"type": "string"}},
}
ACTIVITY_PROPERTIES = {
    "name": {"type": "string"}, "place_kind": {"type": "string"}, "area_code": {"type": "string"},
    "period": {"type": "string"}, "dialogue": {"type": "integer"}, "police_presence": {"type": "integer"},
    "advice": {"type": "integer"}, "activities": {"type": "integer"}, "participants": {"type": "integer"},
    "police_presence_hours": {"type": "number"},
}
ACTION_PROPERTIES = {
    "id": {"type": "integer"}, "title": {"type": "string"}, "status": {"type": "string"},
    "area": {"type": "string"}, "area_name": {"type": "string"},
}
FEATURE_NAMES = {"cells": "Cell", "areas": "Area", "activities": "Activity", "actions": "Action"}
FEATURES = {
    "cells": (SURFACE, CELL_PROPERTIES, ["layer", "period", "cell", "area", "count"]),
    "areas": (SURFACE, AREA_PROPERTIES, ["id", "name", "kind", "area_km2", "approximation", "members"]),
    "activities": (POINT, ACTIVITY_PROPERTIES, list(ACTIVITY_PROPERTIES)),
    "actions": (POINT, ACTION_PROPERTIES, list(ACTION_PROPERTIES)),
}
LINK = {"type": "object", "required": ["href", "rel"],
        "properties": {"href": {"type": "string"}, "rel": {"type": "string"}, "type": {"type": "string"},
                       "title": {"type": "string"}}}
LINKS = {"type": "array", "items": _ref("Link")}


def _collection_of(feature: dict, **extra) -> dict:
    return {"type": "object", "required": ["type", "features"],
            "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                           "features": {"type": "array", "items": feature}, **extra}}


def schemas() -> dict:
    """Return the document's named schemas."""
    named = {"Error": ERROR, "Exception": OGC_EXCEPTION, "Link": LINK}
    for name, (geometry, properties, required) in FEATURES.items():
        title = FEATURE_NAMES[name]
        named[f"{title}Feature"] = _feature(geometry, properties, required)
        named[f"Ogc{title}Feature"] = _feature(geometry, properties, required, with_id=True)
    named["Collection"] = {
        "type": "object", "required": ["id", "links"],
        "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
                       "links": LINKS, "itemType": {"type": "string"},
                       "crs": {"type": "array", "items": {"type": "string"}},
                       "extent": {"type": "object", "properties": {
                           "spatial": {"type": "object", "properties": {
                               "bbox": {"type": "array", "items": {"type": "array", "minItems": 4, "maxItems": 4,
                                                                     "items": {"type": "number"}}},
                               "crs": {"type": "string"}}},
                           "temporal": {"type": "object", "properties": {
                               "interval": {"type": "array", "items": {"type": "array", "minItems": 2, "maxItems": 2,
                                                                         "items": {"type": "string",
                                                                                   "nullable": True}}},
                               "trs": {"type": "string"}}}}}}}
    named["Summary"] = {
        "type": "object", "required": ["area", "period", "category", "compare", "k", "min_walks", "noise", "areas"],
        "properties": {
            "area": {"type": "string"}, "period": {"type": "string"}, "category": {"type": "string"},
            "compare": {"type": "string", "nullable": True}, "k": {"type": "integer"},
            "min_walks": {"type": "integer"}, "noise": {"type": "integer"}, "grid_size_m": {"type": "integer"},
            "areas": {"type": "array", "items": {
                "type": "object", "required": ["id", "name", "period", "walks", "counts"],
                "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "period": {"type": "string"},
                               "walks": NUMBER_OR_NULL,
                               "counts": {"type": "object", "additionalProperties": NUMBER_OR_NULL}}}}}}
    named["Followup"] = {
        "type": "object", "required": ["area", "period", "delay_days", "k", "rows"],
        "properties": {
            "area": {"type": "string"}, "period": {"type": "string"}, "delay_days": {"type": "integer"},
            "k": {"type": "integer"},
            "rows": {"type": "array", "items": {
                "type": "object",
                "required": ["tertial", "area_id", "area_name", "dialogues", "dialogue_participants",
                             "police_presence", "police_presence_hours", "advice", "observations",
                             "observations_note"],
                "properties": {"tertial": {"type": "string"}, "area_id": {"type": "string"},
                               "area_name": {"type": "string"}, "dialogues": {"type": "integer"},
                               "dialogue_participants": {"type": "integer"},
                               "police_presence": {"type": "integer"}, "police_presence_hours": {"type": "number"},
                               "advice": {"type": "integer"}, "observations": NUMBER_OR_NULL,
                               "observations_note": {"type": "string", "nullable": True}}}}}}
    named["Promise"] = {
        "type": "object", "required": ["area", "period", "promise", "commitments", "trends"],
        "properties": {
            "area": {"type": "string"}, "period": {"type": "string"},
            "promise": {"type": "object", "nullable": True, "required": ["id", "title", "years", "in_force"],
                        "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                                       "years": {"type": "array", "items": {"type": "integer"}},
                                       "in_force": {"type": "boolean"},
                                       "areas": {"type": "array", "items": {"type": "string"}},
                                       "parties": {"type": "array", "items": {"type": "object"}}}},
            "commitments": {"type": "array", "items": {
                "type": "object", "required": ["id", "indicator", "status", "readings"],
                "properties": {"id": {"type": "string"}, "indicator": {"type": "string"},
                               "status": {"type": "string"}, "readings": {"type": "array", "items": {
                                   "type": "object", "required": ["area", "period", "status"],
                                   "properties": {"area": {"type": "string"}, "period": {"type": "string"},
                                                  "status": {"type": "string"}}}}}}},
            "trends": {"type": "array", "items": {"type": "object"}}}}
    cell = {"type": "object", "required": ["cell", "area", "count"],
            "properties": {"cell": {"type": "string"}, "area": {"type": "string"}, "count": {"type": "integer"}}}
    named["Residents"] = {
        "type": "object", "required": ["area", "name", "k", "noise", "delay_days", "periods"],
        "properties": {
            "area": {"type": "string"}, "name": {"type": "string"}, "k": {"type": "integer"},
            "noise": {"type": "integer"}, "delay_days": {"type": "integer"},
            "periods": {"type": "array", "items": {
                "type": "object", "required": ["period", "walks", "counts", "cells", "safe_place_cells", "activities"],
                "properties": {"period": {"type": "string"}, "label": {"type": "string"}, "walks": NUMBER_OR_NULL,
                               "counts": {"type": "object", "additionalProperties": NUMBER_OR_NULL},
                               "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                               "cells": {"type": "array", "items": cell},
                               "safe_place_cells": {"type": "array", "items": cell},
                               "activities": {"type": "object",
                                              "additionalProperties": {"type": "number", "nullable": True}}}}}}}
    named["EntryReply"] = {"type": "object", "required": ["status"],
                           "properties": {"status": {"type": "string"}, "errors": {"type": "array"}}}
    named["Entry"] = {
        "type": "object", "required": ["idempotency_key", "walk", "observed_at", "lat", "lon"],
        "properties": {"idempotency_key": {"type": "string"}, "walk": {"type": "string"},
                       "observed_at": {"type": "string", "format": "date-time"}, "lat": {"type": "number"},
                       "lon": {"type": "number"}, "accuracy_m": {"type": "number"}, "category": {"type": "string"},
                       "severity": {"type": "integer"}, "positive": {"type": "boolean"},
                       "comment": {"type": "string"}}}
    return named


def _get(summary: str, parameters: list, answers: dict, tag: str) -> dict:
    return {"get": {"summary": summary, "tags": [tag], "parameters": parameters, "responses": answers}}


def api_paths() -> dict:
    """Return the paths of /api/v1."""
    cells = _collection_of(_ref("CellFeature"))
    areas = _collection_of(_ref("AreaFeature"))
    activities = _collection_of(_ref("ActivityFeature"), area={"type": "string"}, period={"type": "string"},
                                delay_days={"type": "integer"})
    view = [AREA, PERIOD, CATEGORY, COMPARE]
    return {
        "/api/v1/areas": _get("Every RegSO area and area group (WGS84)", [], {
            "200": _answer("The areas", areas, GEOJSON), "401": NOT_LOGGED_IN}, "api"),
        "/api/v1/cells": _get("The published cells of a view (WGS84)", view, {
            "200": _answer("The published cells", cells, GEOJSON), "400": BAD_FILTER, "401": NOT_LOGGED_IN}, "api"),
        "/api/v1/summary": _get("The published numbers per area of a view", view, {
            "200": _answer("The numbers per area", _ref("Summary"), JSON), "400": BAD_FILTER,
            "401": NOT_LOGGED_IN}, "api"),
        "/api/v1/activities": _get("The published activities per place of an area and period", [AREA, PERIOD], {
            "200": _answer("The places with their activities", activities, GEOJSON), "400": BAD_FILTER,
            "401": NOT_LOGGED_IN}, "api"),
        "/api/v1/actions": _get("The published (decided or later) actions", [AREA, STATUS], {
            "200": _answer("The actions", _collection_of(_ref("ActionFeature")), GEOJSON), "400": BAD_FILTER,
            "401": NOT_LOGGED_IN}, "api"),
        "/api/v1/followup": _get("The follow-up table per tertial and area", [AREA, PERIOD], {
            "200": _answer("The follow-up rows", _ref("Followup"), JSON), "400": BAD_FILTER,
            "401": NOT_LOGGED_IN}, "api"),
        "/api/v1/promise": _get("The promise in force in the period's year, each commitment's readings and status",
                                [AREA, PERIOD], {
            "200": _answer("The promise's follow-up", _ref("Promise"), JSON), "400": BAD_FILTER,
            "401": NOT_LOGGED_IN}, "api"),
        "/api/v1/residents/{area_id}": _get("The numbers of an area's residents' page", [
            {"name": "area_id", "in": "path", "required": True, "schema": {"type": "string"},
             "description": "An area `id` from /api/v1/areas"}], {
            "200": _answer("The residents' page's numbers per tertial", _ref("Residents"), JSON),
            "401": NOT_LOGGED_IN, "404": _answer("No such area", _ref("Error"), JSON)}, "api"),
        "/api/v1/observations": {"post": {
            "summary": "Store one observation (uploaders; the same idempotency key again changes nothing)",
            "tags": ["api"], "security": [{"bearer": []}, {"session": []}],
            "requestBody": {"required": True, "content": _content(_ref("Entry"), JSON)},
            "responses": {
                "201": _answer("Stored", _ref("EntryReply"), JSON),
                "200": _answer("Already stored under this idempotency key", _ref("EntryReply"), JSON),
                "400": _answer("A session without a valid CSRF token", _ref("EntryReply"), JSON),
                "401": NOT_LOGGED_IN, "403": _answer("The role does not allow this", _ref("Error"), JSON),
                "413": _answer("The body is over the size limit", _ref("EntryReply"), JSON),
                "422": _answer("Refused; `errors` names each field and problem", _ref("EntryReply"), JSON)}}},
        "/api/v1/openapi.json": _get("This document", [], {
            "200": _answer("The OpenAPI 3 document", {"type": "object"}, OPENAPI), "401": NOT_LOGGED_IN}, "api"),
    }


def ogc_paths() -> dict:
    """Return the paths of OGC API – Features at /ogc, one items path per collection with its own filters."""
    resource = {"type": "object", "required": ["links"], "properties": {"links": LINKS}}
    paths = {
        "/ogc": _get("The landing page", [F], {
            "200": {"description": "The landing page", "content": {
                **_content({**resource, "properties": {"title": {"type": "string"}, "description": {"type": "string"},
                                                       "links": LINKS}}, JSON), **_content(PAGE, HTML)}},
            "400": OGC_BAD, "401": NOT_LOGGED_IN}, "ogc"),
        "/ogc/conformance": _get("The conformance classes implemented", [F], {
            "200": {"description": "The conformance classes", "content": {
                **_content({"type": "object", "required": ["conformsTo"], "properties": {
                    "conformsTo": {"type": "array", "items": {"type": "string"}}}}, JSON), **_content(PAGE, HTML)}},
            "400": OGC_BAD, "401": NOT_LOGGED_IN}, "ogc"),
        "/ogc/collections": _get("The feature collections", [F], {
            "200": {"description": "The collections", "content": {
                **_content({"type": "object", "required": ["links", "collections"], "properties": {
                    "links": LINKS, "collections": {"type": "array", "items": _ref("Collection")}}}, JSON),
                **_content(PAGE, HTML)}},
            "400": OGC_BAD, "401": NOT_LOGGED_IN}, "ogc"),
    }
    for found in COLLECTIONS.values():
        title = FEATURE_NAMES[found.id]
        url = f"/ogc/collections/{found.id}"
        page = _collection_of(_ref(f"Ogc{title}Feature"), links=LINKS, timeStamp={"type": "string"},
                              numberMatched={"type": "integer", "minimum": 0},
                              numberReturned={"type": "integer", "minimum": 0})
        feature = {"allOf": [_ref(f"Ogc{title}Feature"), {"type": "object", "properties": {"links": LINKS}}]}
        filters = [FILTERS[name] for name in found.filters]
        paths[url] = _get(f"The collection {found.id}", [F], {
            "200": {"description": "The collection", "content": {**_content(_ref("Collection"), JSON),
                                                                 **_content(PAGE, HTML)}},
            "400": OGC_BAD, "401": NOT_LOGGED_IN}, "ogc")
        paths[f"{url}/items"] = _get(f"The features of {found.id}", [*filters, *OGC_PAGING, F], {
            "200": {"description": "A page of features", "content": {**_content(page, GEOJSON),
                                                                     **_content(PAGE, HTML)}},
            "400": OGC_BAD, "401": NOT_LOGGED_IN}, "ogc")
        feature_parameters = [{"name": "featureId", "in": "path", "required": True, "schema": {"type": "string"},
                               "description": "A feature's `id`"}]
        if "category" in found.filters:
            feature_parameters.append(CATEGORY)
        paths[f"{url}/items/{{featureId}}"] = _get(f"One feature of {found.id}", [*feature_parameters, F], {
            "200": {"description": "The feature", "content": {**_content(feature, GEOJSON), **_content(PAGE, HTML)}},
            "400": OGC_BAD, "401": NOT_LOGGED_IN, "404": OGC_MISSING}, "ogc")
    return paths


def document(server_url: str) -> dict:
    """Return the OpenAPI 3 document, with `server_url` (the site's root) as its server."""
    return {
        "openapi": VERSION,
        "info": {"title": "geoapp", "version": "1",
                 "description": "The published numbers of the safety-walk map of Borlänge: the map's JSON and GeoJSON "
                                "twins (/api/v1) and OGC API – Features (/ogc). Every number comes from the privacy "
                                "rules: counts of at least k observations from at least two walks, with small noise."},
        "servers": [{"url": server_url}],
        "tags": [{"name": "api", "description": "The map's twins"},
                 {"name": "ogc", "description": "OGC API – Features, Part 1 Core"}],
        "paths": {**api_paths(), **ogc_paths()},
        "components": {"schemas": schemas(), "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "description": "A token from `geoapp users token NAME`"},
            "session": {"type": "apiKey", "in": "cookie", "name": "geoapp_session",
                        "description": "The login session of the web pages"}}},
    }
