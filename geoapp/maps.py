"""Folium map building: the only module that uses folium."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Callable

import folium
import geopandas as gpd
from branca.element import MacroElement
from folium.template import Template

from geoapp.activities import KINDS, LABELS, LAYERS, PlaceActivities, PublishedActivities
from geoapp.model import AREA_KIND_GROUP, WGS84

SCB_ATTRIBUTION = "Based on SCB RegSO 2025 (CC0)"
OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
# Boundaries are drawn simplified (metres, in SWEREF 99 TM); stored ones stay exact.
DISPLAY_TOLERANCE_M = 5.0
COORD_DECIMALS = 5
_SCRIPT_OR_STYLE_TAG = re.compile(r"(<(?:script|style)\b)(?![^>]*\bnonce=)", re.IGNORECASE)

STYLE_CONTEXT = {"color": "#6b7280", "weight": 1, "fillColor": "#9ca3af", "fillOpacity": 0.05}
STYLE_GROUP = {"color": "#1d4ed8", "weight": 3, "dashArray": "8 6", "fillOpacity": 0}
STYLE_FOCUS = {"color": "#c2410c", "weight": 4, "fillColor": "#fb923c", "fillOpacity": 0.12}

# Asset URLs are resolved by the caller (the web app or an offline export).
AssetUrl = Callable[[str, str], str]


@dataclass(frozen=True)
class MapParts:
    """A rendered map split for embedding: header links and styles, the map div, its script."""

    header: str
    body: str
    script: str


@dataclass(frozen=True)
class Basemap:
    """Tile source for the map, or none."""

    url: str | None
    attribution: str

    @classmethod
    def from_setting(cls, tiles: str, attribution: str = "") -> "Basemap":
        """Interpret GEOAPP_TILES: 'openstreetmap', 'none' or a tile URL template."""
        key = tiles.strip()
        if key.lower() in {"none", ""}:
            return cls(None, "")
        if key.lower() in {"openstreetmap", "osm"}:
            return cls(OSM_URL, OSM_ATTRIBUTION)
        return cls(key, html.escape(attribution))

    @property
    def origin(self) -> str | None:
        """Return scheme://host of the tile server, for the Content-Security-Policy."""
        if not self.url:
            return None
        scheme, _, rest = self.url.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0].replace('{s}.', '*.')}"


class _Attribution(MacroElement):
    """Add a fixed attribution next to the basemap's."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text|tojson }});
        {% endmacro %}"""
    )

    def __init__(self, text: str):
        super().__init__()
        self.text = text


def _localise(element, asset_url: AssetUrl) -> None:
    """Point folium's asset links at files the app serves itself, never a CDN."""
    element.default_js = [("leaflet", asset_url("leaflet", "leaflet.js"))]
    element.default_css = [("leaflet_css", asset_url("leaflet", "leaflet.css"))]


def display_geojson(frame: gpd.GeoDataFrame, properties: list[str]) -> dict:
    """Return `frame` simplified for display, in WGS84, with only the named properties."""
    simplified = frame.set_geometry(frame.geometry.simplify(DISPLAY_TOLERANCE_M, preserve_topology=True))
    return json.loads(simplified[properties + ["geometry"]].to_crs(WGS84).to_json(drop_id=True, to_wgs84=False))


def _rounded(geojson: dict) -> dict:
    """Round coordinates to about a metre, which keeps the page small."""

    def walk(value):
        if isinstance(value, float):
            return round(value, COORD_DECIMALS)
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    for feature in geojson["features"]:
        feature["geometry"]["coordinates"] = walk(feature["geometry"]["coordinates"])
    return geojson


def _area_tooltip_html(row) -> str:
    """Build the escaped tooltip of one area: name, code, area, and the approximation note."""
    lines = [f"<strong>{html.escape(row.name)}</strong>", f"{html.escape(row.id)}", f"{row.area_km2:.2f} km²"]
    if row.approximation:
        lines.append(html.escape(row.note or "Statistical approximation"))
    return "<br>".join(lines)


def _area_layer(frame: gpd.GeoDataFrame, name: str, style: dict, show: bool = True) -> folium.GeoJson:
    labelled = frame.assign(label=[_area_tooltip_html(r) for r in frame.itertuples()])
    data = _rounded(display_geojson(labelled, ["id", "label"]))
    return folium.GeoJson(
        data,
        name=name,
        style_function=lambda _feature, s=style: s,
        highlight_function=lambda _feature: {"weight": style["weight"] + 2},
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False, sticky=True),
        show=show,
    )


def build_area_map(areas: gpd.GeoDataFrame, focus: str, basemap: Basemap, asset_url: AssetUrl) -> folium.Map:
    """Draw the context areas, the groups and the focus area, with controls and attributions."""
    shown = areas[areas["id"] == focus]
    bounds = (shown if not shown.empty else areas).to_crs(WGS84).total_bounds
    fmap = folium.Map(tiles=None, control_scale=True, prefer_canvas=False, zoom_control=True)
    _localise(fmap, asset_url)
    if basemap.url:
        folium.TileLayer(basemap.url, attr=basemap.attribution, name="Basemap", max_zoom=19, control=False).add_to(fmap)
    _Attribution(SCB_ATTRIBUTION).add_to(fmap)
    inside_focus = set(shown.iloc[0]["members"]) if not shown.empty else set()
    regso = areas[(areas["kind"] != AREA_KIND_GROUP) & ~areas["id"].isin(inside_focus | {focus})]
    groups = areas[(areas["kind"] == AREA_KIND_GROUP) & (areas["id"] != focus)]
    if not regso.empty:
        _area_layer(regso, "RegSO areas", STYLE_CONTEXT).add_to(fmap)
    for row in groups.itertuples():
        label = f"{row.name} (approximation)" if row.approximation else row.name
        _area_layer(groups[groups["id"] == row.id], label, STYLE_GROUP).add_to(fmap)
    if not shown.empty:
        _area_layer(shown, shown.iloc[0]["name"], STYLE_FOCUS).add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    return fmap


def with_nonce(fragment: str, nonce: str) -> str:
    """Give every <script> and <style> tag of an HTML fragment the page's CSP nonce."""
    return _SCRIPT_OR_STYLE_TAG.sub(lambda m: f'{m.group(1)} nonce="{html.escape(nonce)}"', fragment)


def render_parts(fmap: folium.Map, nonce: str | None = None) -> MapParts:
    """Render a map into header, body and script for a Jinja template, nonced when served under a CSP."""
    root = fmap.get_root()
    root.render()
    header = root.header.render()
    return MapParts(header=with_nonce(header, nonce) if nonce else header, body=root.html.render(),
                    script=root.script.render())


ACTIVITY_STYLES = ({"color": "#047857", "fillColor": "#10b981", "weight": 2, "fillOpacity": 0.55},
                   {"color": "#1e3a8a", "fillColor": "#3b82f6", "weight": 2, "fillOpacity": 0.45, "dashArray": "4 3"})


def activity_radius(count: int) -> float:
    """Return a symbol radius in pixels that grows with the square root of the number of activities."""
    return round(5 + 3 * count ** 0.5, 1)


def _activity_tooltip_html(place: PlaceActivities, period: str) -> str:
    """Build the escaped tooltip of one place: name, period, counts per kind, participants in total."""
    lines = [f"<strong>{html.escape(place.name)}</strong>", html.escape(f"{place.place_kind} · {period}")]
    lines += [f"{html.escape(LABELS[kind][0].capitalize())}: {place.counts[kind]}" for kind in KINDS]
    lines.append(f"Deltagare totalt: {place.participants}")
    return "<br>".join(lines)


def add_activity_layers(fmap: folium.Map, published: PublishedActivities) -> None:
    """Add the toggleable activity layers (dialogues with advice; police presence): one symbol per place."""
    for (name, kinds), style in zip(LAYERS, ACTIVITY_STYLES):
        places = [p for p in published.places if p.total(kinds)]
        # Only escaped labels and numbers go into the page's script: never a raw name.
        features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(p.lon, 5), round(p.lat, 5)]},
                     "properties": {"label": _activity_tooltip_html(p, published.period.code),
                                    "radius": activity_radius(p.total(kinds))}} for p in places]
        group = folium.FeatureGroup(name=f"{name}: {sum(p.total(kinds) for p in places)}")
        if features:  # an empty layer still has its switch in the layer control
            folium.GeoJson(
                {"type": "FeatureCollection", "features": features},
                marker=folium.CircleMarker(radius=6, fill=True),
                style_function=lambda feature, s=style: {**s, "radius": feature["properties"]["radius"]},
                tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False, sticky=True),
            ).add_to(group)
        group.add_to(fmap)
    _layer_control_last(fmap)


def _layer_control_last(fmap: folium.Map) -> None:
    """Move the layer control after every layer: its script refers to the layers, which must exist first."""
    for key, child in list(fmap._children.items()):
        if isinstance(child, folium.LayerControl):
            fmap._children.move_to_end(key)
