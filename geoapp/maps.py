"""Folium map building: the only module that uses folium."""

from __future__ import annotations

import html
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

import branca.element
import folium
import geopandas as gpd
import shapely
import shapely.ops
from branca.element import Element, MacroElement
from folium.map import Layer
from jinja2.utils import htmlsafe_json_dumps
from folium.template import Template

from geoapp.basemap.source import TileSource
from geoapp.domain.activities import KINDS, LAYERS, kind_label
from geoapp.domain.areas import SCB_ATTRIBUTION
from geoapp.domain.model import AREA_KIND_GROUP
from geoapp.i18n import _, ngettext, number
from geoapp.mapview.colors import ColorClass, color_of
from geoapp.mapview.geojson import CONTEXT_GEOMETRY, COORD_DECIMALS, display_shapes
from geoapp.privacy.activities import PlaceActivities, PublishedActivities
from geoapp.i18n import date as format_day
from geoapp.privacy.published import require_published



class _Finished:
    """A finished piece of a page, kept by branca as if it were a template: its render returns the text as it is."""

    def __init__(self, text: str):
        self.text = text

    def render(self, *args, **kwargs) -> str:
        return self.text


# branca keeps every rendered piece of a map (each layer's script, with its data and tooltips) as an Element made
# from the text, which it compiles as a Jinja template and renders again: a place or action named "{{ ... }}"
# would run as code on the server, and the compiling took a quarter of a page's time. Elements made from a string
# keep it as it is instead. (branca's Div and IFrame also pass Element a template of their own this way; geoapp
# uses neither.)
branca.element.Template = _Finished

_SCRIPT_OR_STYLE_TAG = re.compile(r"(<(?:script|style)\b)(?![^>]*\bnonce=)", re.IGNORECASE)
# Folium's own viewport tag forbids zooming (WCAG 1.4.4); the page's template sets its own.
_VIEWPORT_TAG = re.compile(r"<meta\s+name=[\"']viewport[\"'][^>]*>\s*", re.IGNORECASE)

STYLE_CONTEXT = {"color": "#6b7280", "weight": 1, "fillColor": "#9ca3af", "fillOpacity": 0.05}
# Context areas closer than this (degrees, about 10 to 20 m here) to the focus border it and keep its detail.
BORDER_DEGREES = 0.0002
STYLE_GROUP = {"color": "#1d4ed8", "weight": 3, "dashArray": "8 6", "fillOpacity": 0}
STYLE_FOCUS = {"color": "#1e3a8a", "weight": 4, "fillColor": "#93c5fd", "fillOpacity": 0.08}
STYLE_CELL = {"color": "#7c2d12", "weight": 1, "fillOpacity": 0.7}
# Places that feel safe: their own colour, outside the observation classes' orange-to-brown range.
STYLE_SAFE = {"color": "#065f46", "weight": 2, "fillColor": "#10b981", "fillOpacity": 0.6, "dashArray": "4 3"}

# Leaflet zooms no deeper than this; past an archive's deepest zoom it scales that zoom's tiles.
MAX_MAP_ZOOM = 19
# Leaflet scales an archive's shallowest tiles down this many zooms, and shows no basemap further out: scaled further,
# it would lay out millions of tiles and hang the page (Leaflet issue 6504).
SCALED_DOWN_ZOOMS = 2
# Fitting the chosen area in quarter zoom steps lets it fill the map rather than an eighth of it.
ZOOM_SNAP = 0.25
FIT_PADDING_PX = 8
# A page that carries its tiles (the offline HTML) defines them in this script variable: {"z/x/y": data URL}.
EMBEDDED_TILES = "geoappTiles"
# Where an archive has no tile, a transparent pixel, so that Leaflet shows nothing rather than a broken image.
BLANK_TILE = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
# Names of the neighbouring areas are placed in the part of each that lies this many times the chosen area's
# size around it, so that they are on screen when the map opens.
LABEL_REACH = 0.4

# Asset URLs are resolved by the caller (the web app or an offline export).
AssetUrl = Callable[[str, str], str]


@dataclass(frozen=True)
class MapParts:
    """A rendered map split for embedding: header links and styles, the map div, its script."""

    header: str
    body: str
    script: str
    legend: tuple = ()


class _Controls(MacroElement):
    """Add Leaflet's zoom buttons with titles in the page's language and a metric scale bar."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        L.control.zoom({zoomInTitle: {{ this.zoom_in|tojson }}, zoomOutTitle: {{ this.zoom_out|tojson }}})
            .addTo({{ this._parent.get_name() }});
        L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self):
        super().__init__()
        self.zoom_in, self.zoom_out = _("Zoom in"), _("Zoom out")


class _LayerControl(folium.LayerControl):
    """The layer list: open on a wide screen, folded into its button on a phone, its button's title translated."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        var {{ this.get_name() }}_layers = {
            base_layers : { {%- for key, val in this.base_layers.items() %}{{ key|tojson }} : {{val}},{%- endfor %} },
            overlays :  { {%- for key, val in this.overlays.items() %}{{ key|tojson }} : {{val}},{%- endfor %} },
        };
        let {{ this.get_name() }} = L.control.layers({{ this.get_name() }}_layers.base_layers,
            {{ this.get_name() }}_layers.overlays,
            {collapsed: window.matchMedia("(max-width: 48em)").matches, autoZIndex: true}
        ).addTo({{ this._parent.get_name() }});
        (function (toggle) { toggle.title = {{ this.title|tojson }}; toggle.setAttribute("aria-label", {{ this.title|tojson }}); })(
            {{ this.get_name() }}.getContainer().querySelector(".leaflet-control-layers-toggle"));
        {% endmacro %}"""
    )

    def __init__(self):
        super().__init__()
        self.title = _("Layers")


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


class _GeoJsonLayer(Layer):
    """A GeoJSON overlay with one style, per-feature fill colours and escaped HTML tooltips."""

    def __init__(self, features: list[dict], name: str, style: dict, show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "GeoJsonLayer"
        # Only what Leaflet reads goes into the page.
        self.data = {"type": "FeatureCollection",
                     "features": [{"type": "Feature", "geometry": f["geometry"], "properties": f["properties"]}
                                  for f in features]}
        self.style = style

    def render(self, **kwargs) -> None:
        name, parent = self.get_name(), self._parent.get_name()
        script = (
            f"var {name} = L.geoJson({htmlsafe_json_dumps(self.data, separators=(',', ':'))}, {{"
            f"style: function (f) {{ return Object.assign({{}}, {htmlsafe_json_dumps(self.style)},"
            " f.properties.fill ? {fillColor: f.properties.fill} : {}); },"
            " onEachFeature: function (f, layer) { if (f.properties.label) {"
            " layer.bindTooltip(f.properties.label, {sticky: true}); } } });"
            + (f" {name}.addTo({parent});" if self.show else "")
        )
        self.get_root().script.add_child(Element(script), name=name)


def _layer(features: list[dict], name: str, style: dict, show: bool = True) -> _GeoJsonLayer:
    return _GeoJsonLayer(features, name, style, show)


class _EmbeddedTiles(Layer):
    """The basemap from the tiles the page itself carries, in the script variable EMBEDDED_TILES."""

    def __init__(self, basemap: TileSource):
        super().__init__(name="Basemap", overlay=False, control=False)
        self._name = "EmbeddedTiles"
        self.basemap = basemap

    def render(self, **kwargs) -> None:
        low, high = self.basemap.embedded_zooms
        options = {"minNativeZoom": low, "maxNativeZoom": high, "minZoom": max(0, low - SCALED_DOWN_ZOOMS), "maxZoom": MAX_MAP_ZOOM,
                   "attribution": self.basemap.attribution, "errorTileUrl": BLANK_TILE}
        name, parent = self.get_name(), self._parent.get_name()
        script = (
            f"var {name} = L.tileLayer('', {htmlsafe_json_dumps(options)});"
            f" {name}.getTileUrl = function (c) {{ return {EMBEDDED_TILES}[this._getZoomForUrl() + '/' + c.x + '/' + c.y]"
            f" || {htmlsafe_json_dumps(BLANK_TILE)}; }}; {name}.addTo({parent});"
        )
        self.get_root().script.add_child(Element(script), name=name)


def _add_basemap(fmap: folium.Map, basemap: TileSource) -> None:
    """Add the basemap's tile layer: from its URL, or from the tiles the page carries."""
    if basemap.embedded_zooms is not None:
        _EmbeddedTiles(basemap).add_to(fmap)
        return
    if not basemap.url:
        return
    options = {}
    if basemap.archive is not None:
        # Leaflet asks only for the zooms and the extent the archive has, and scales its tiles beyond them.
        west, south, east, north = basemap.archive.bounds
        options = {"min_native_zoom": basemap.archive.min_zoom, "max_native_zoom": basemap.archive.max_zoom,
                   "min_zoom": max(0, basemap.archive.min_zoom - SCALED_DOWN_ZOOMS),
                   "bounds": [[south, west], [north, east]], "error_tile_url": BLANK_TILE}
    folium.TileLayer(basemap.url, attr=basemap.attribution, name="Basemap", max_zoom=MAX_MAP_ZOOM, control=False,
                     **options).add_to(fmap)


def label_point(shape, window):
    """Return where to write an area's name: inside its part within `window` (a geometry), else inside it, or None."""
    part = shape.intersection(window) if window is not None else shape
    if part.is_empty or part.area == 0:
        part = shape
    if part.is_empty:
        return None
    polygons = getattr(part, "geoms", [part])
    largest = max((g for g in polygons if g.geom_type == "Polygon"), key=lambda g: g.area, default=None)
    if largest is None:
        return None
    # The pole of inaccessibility: the point farthest from the edge, where a name reads best.
    return shapely.ops.polylabel(largest, tolerance=(largest.length or 1) / 200)


def near_window(shape, reach: float = LABEL_REACH):
    """Return the box around `shape` widened by `reach` times its larger side on every side."""
    west, south, east, north = shape.bounds
    margin = max(east - west, north - south) * reach
    return shapely.box(west - margin, south - margin, east + margin, north + margin)


class _AreaLabels(Layer):
    """The names of the neighbouring areas written on the map, so that it reads without a basemap."""

    def __init__(self, labels: list[tuple[float, float, str]], name: str):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "AreaLabels"
        self.labels = labels  # (lat, lon, escaped name)

    def render(self, **kwargs) -> None:
        name, parent = self.get_name(), self._parent.get_name()
        script = (
            f"var {name} = L.layerGroup({htmlsafe_json_dumps(self.labels)}.map(function (l) {{"
            " return L.marker([l[0], l[1]], {icon: L.divIcon({className: 'area-label', html: l[2], iconSize: null}),"
            f" interactive: false, keyboard: false}}); }})); {name}.addTo({parent});"
        )
        self.get_root().script.add_child(Element(script), name=name)


@dataclass(frozen=True)
class _AreaFraming:
    """What every map of one chosen area draws of the others: their rows, the context shapes, name points, bounds."""

    rows: list[dict]  # id, name, kind, approximation and members of every area
    context: list[dict]  # the display features of the RegSO areas around the chosen one
    labels: list[tuple[float, float, str]]  # (lat, lon, escaped name) of the neighbours near it
    bounds: tuple[float, float, float, float]  # west, south, east, north of the chosen area (or of all)


# Framings by (areas, features, focus): the same for every view of an area until the boundaries change, and
# working them out (shapes from GeoJSON, the neighbours' name points) took a fifth of a map page's time.
_FRAMINGS: OrderedDict[tuple[int, int, str], tuple[object, object, _AreaFraming]] = OrderedDict()
FRAMING_ENTRIES = 256


def _framing(areas: gpd.GeoDataFrame, features: dict[str, dict], focus: str) -> _AreaFraming:
    """Return the framing of `focus`, worked out once per frame of areas and set of display features."""
    key = (id(areas), id(features), focus)
    hit = _FRAMINGS.get(key)
    if hit is not None and hit[0] is areas and hit[1] is features:  # the very objects, not others at their address
        return hit[2]
    framing = _frame(areas, features, focus)
    _FRAMINGS[key] = (areas, features, framing)
    while len(_FRAMINGS) > FRAMING_ENTRIES:
        _FRAMINGS.popitem(last=False)
    return framing


def _frame(areas: gpd.GeoDataFrame, features: dict[str, dict], focus: str) -> _AreaFraming:
    rows = areas[["id", "name", "kind", "approximation", "members"]].to_dict("records")
    shown = [r for r in rows if r["id"] == focus]
    inside_focus = set(shown[0]["members"]) | {focus} if shown else set()
    context_ids = [r["id"] for r in rows if r["kind"] != AREA_KIND_GROUP and r["id"] not in inside_focus]
    shapes = {area_id: shapely.geometry.shape(feature["geometry"]) for area_id, feature in features.items()}
    names = {r["id"]: r["name"] for r in rows}
    labels = []
    if focus in shapes:
        window = near_window(shapes[focus])
        for area_id in context_ids:
            point = label_point(shapes[area_id], window)
            if point is not None:
                # Leaflet writes a divIcon's html as HTML: the name is escaped here.
                labels.append((round(point.y, COORD_DECIMALS), round(point.x, COORD_DECIMALS), html.escape(names[area_id])))
    # The context areas bordering the focus are drawn as they are, so shared borders meet; the others coarser.
    near = shapes[focus].buffer(BORDER_DEGREES) if focus in shapes else None
    context = [{**features[a], "geometry": features[a][CONTEXT_GEOMETRY]}
               if CONTEXT_GEOMETRY in features[a] and (near is None or not near.intersects(shapes[a])) else features[a]
               for a in context_ids]
    bounds = (shapes[focus] if focus in shapes else shapely.union_all(list(shapes.values()))).bounds
    return _AreaFraming(rows, context, labels, bounds)


def _base_map(areas: gpd.GeoDataFrame, features: dict[str, dict], focus: str, basemap: TileSource,
              asset_url: AssetUrl) -> folium.Map:
    """Draw the context areas, the groups and the focus area, with scale and attributions."""
    fmap = folium.Map(tiles=None, control_scale=False, prefer_canvas=False, zoom_control=False, zoom_snap=ZOOM_SNAP)
    fmap.legend_entries = []
    fmap.framing = framing = _framing(areas, features, focus)
    _localise(fmap, asset_url)
    _Controls().add_to(fmap)
    _add_basemap(fmap, basemap)
    _Attribution(_(SCB_ATTRIBUTION)).add_to(fmap)
    if framing.context:
        _add(fmap, _layer(framing.context, _("RegSO areas"), STYLE_CONTEXT), _("RegSO areas"), "context")
    # Leaflet's layer control shows names as HTML, so they are escaped here.
    for row in framing.rows:
        if row["kind"] == AREA_KIND_GROUP and row["id"] != focus:
            label = _("%(name)s (approximation)", name=row["name"]) if row["approximation"] else row["name"]
            _add(fmap, _layer([features[row["id"]]], html.escape(label), STYLE_GROUP), label, "group",
                 _("an area group"))
    shown = [r for r in framing.rows if r["id"] == focus]
    if shown:
        _add(fmap, _layer([features[focus]], html.escape(shown[0]["name"]), STYLE_FOCUS), shown[0]["name"], "focus",
             _("the chosen area"))
    if framing.labels:
        _add(fmap, _AreaLabels(framing.labels, html.escape(_("Area names"))), _("Area names"), "names",
             _("the names of the neighbouring areas"))
    return fmap


@dataclass(frozen=True)
class LegendEntry:
    """One layer a map draws, as its layer list names it, with the legend's swatch kind and what it shows."""

    name: str
    kind: str
    meaning: str = ""


def _add(fmap: folium.Map, layer, name: str, kind: str, meaning: str = ""):
    """Add `layer` to the map and its entry to the map's legend (`fmap.legend_entries`)."""
    layer.add_to(fmap)
    fmap.legend_entries.append(LegendEntry(name, kind, meaning))
    return layer


def _finish(fmap: folium.Map) -> folium.Map:
    _LayerControl().add_to(fmap)
    west, south, east, north = fmap.framing.bounds
    fmap.fit_bounds([[south, west], [north, east]], padding=(FIT_PADDING_PX, FIT_PADDING_PX))
    return fmap


def _cell_features(cells, classes, labels: dict[str, str], noun: Callable[[int], str]) -> list[dict]:
    """Return display features of published cells with escaped tooltips of published numbers only."""
    features = []
    for cell, shape in zip(cells, display_shapes([c.geometry for c in cells])):
        lines = [f"<strong>{html.escape(noun(cell.count))}</strong>"]
        lines += [f"{html.escape(labels.get(key, key))}: {number(n)}" for key, n in cell.categories]
        features.append({"type": "Feature", "geometry": shape,
                         "properties": {"label": "<br>".join(lines), "fill": color_of(cell.count, classes)}})
    return features


# Dialogues: filled purple circles, far from the green of places that feel safe. Police presence: an orange ring
# with no fill, so a dialogue circle at the same place still shows through it.
ACTIVITY_STYLES = ({"color": "#4c1d95", "fillColor": "#8b5cf6", "weight": 2, "fillOpacity": 0.6},
                   {"color": "#c2410c", "fillColor": "#c2410c", "weight": 4, "fillOpacity": 0, "opacity": 0.95})


def activity_radius(count: int) -> float:
    """Return a symbol radius in pixels that grows with the square root of the number of activities."""
    return round(5 + 3 * count ** 0.5, 1)


def _activity_tooltip_html(place: PlaceActivities, period: str) -> str:
    """Build the escaped tooltip of one place: name, period, counts per kind, participants in total."""
    lines = [f"<strong>{html.escape(place.name)}</strong>", html.escape(f"{place.place_kind} · {period}")]
    lines += [f"{html.escape(kind_label(kind).capitalize())}: {number(place.counts[kind])}" for kind in KINDS]
    lines.append(html.escape(_("Participants in total: %(n)s", n=number(place.participants))))
    return "<br>".join(lines)


def add_activity_layers(fmap: folium.Map, published: PublishedActivities) -> None:
    """Add the toggleable activity layers (dialogues with advice; police presence): one symbol per place."""
    published = require_published(published, PublishedActivities)
    for (name, kinds), style, kind in zip(LAYERS, ACTIVITY_STYLES, ("dialogue", "police")):
        places = [p for p in published.places if p.total(kinds)]
        # Only escaped labels and numbers go into the page's script: never a raw name.
        features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(p.lon, 5), round(p.lat, 5)]},
                     "properties": {"label": _activity_tooltip_html(p, published.period.code),
                                    "radius": activity_radius(p.total(kinds))}} for p in places]
        title = f"{_(name)}: {number(sum(p.total(kinds) for p in places))}"
        group = folium.FeatureGroup(name=title)
        if features:  # an empty layer still has its switch in the layer control
            folium.GeoJson(
                {"type": "FeatureCollection", "features": features},
                marker=folium.CircleMarker(radius=6, fill=True),
                style_function=lambda feature, s=style: {**s, "radius": feature["properties"]["radius"]},
                tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False, sticky=True),
            ).add_to(group)
        meaning = (_("a filled circle per place, larger the more activities in the period") if kind == "dialogue"
                   else _("a ring per place, larger the more occasions in the period"))
        _add(fmap, group, title, kind, meaning)


def build_view_maps(published, areas: gpd.GeoDataFrame, features: dict[str, dict], basemap: TileSource,
                    asset_url: AssetUrl, classes: tuple[ColorClass, ...], labels: dict[str, str],
                    activities: tuple[PublishedActivities, ...] = (), actions=None,
                    action_words: tuple[dict, dict] = ({}, {})) -> list[folium.Map]:
    """Draw one map per published period (the view, then the previous period) on the same colour classes."""
    published = require_published(published)
    focus = published.request.area.id
    maps = []
    for index, layer in enumerate(published.layers):
        fmap = _base_map(areas, features, focus, basemap, asset_url)
        if layer.cells:
            cells = _cell_features(layer.cells, classes, labels, lambda n: ngettext(
                "%(n)s observation", "%(n)s observations", n, n=number(n)))
            name = _("Observations %(period)s", period=layer.period.code)
            _add(fmap, _layer(cells, name, STYLE_CELL), name, "cells", _("coloured by the classes of the legend"))
        if layer.safe_places:
            safe = _cell_features(layer.safe_places, classes, labels, lambda n: ngettext(
                "%(n)s place that feels safe", "%(n)s places that feel safe", n, n=number(n)))
            name = _("Places that feel safe %(period)s", period=layer.period.code)
            _add(fmap, _layer(safe, name, STYLE_SAFE), name, "safe", _("trygg plats, counted the same way"))
        if index < len(activities):
            add_activity_layers(fmap, activities[index])
        if actions is not None and index == 0:
            add_action_layer(fmap, actions, *action_words)
        maps.append(_finish(fmap))
    return maps


def with_nonce(fragment: str, nonce: str) -> str:
    """Give every <script> and <style> tag of an HTML fragment the page's CSP nonce."""
    return _SCRIPT_OR_STYLE_TAG.sub(lambda m: f'{m.group(1)} nonce="{html.escape(nonce)}"', fragment)


def render_parts(fmap: folium.Map, nonce: str | None = None) -> MapParts:
    """Render a map into header, body and script for a Jinja template, nonced when served under a CSP."""
    root = fmap.get_root()
    root.render()
    header = _VIEWPORT_TAG.sub("", root.header.render())
    return MapParts(header=with_nonce(header, nonce) if nonce else header, body=root.html.render(),
                    script=root.script.render(), legend=tuple(getattr(fmap, "legend_entries", ())))


# Decided actions on the map: a symbol and a colour per status, so that neither alone carries the meaning.
ACTION_SYMBOLS = {"decided": "●", "in_progress": "◐", "done": "✓", "wont_do": "✕"}
ACTION_COLOURS = {"decided": "#1d4ed8", "in_progress": "#b45309", "done": "#15803d", "wont_do": "#4b5563"}


def _action_tooltip_html(action, status_name: str, responsible: str) -> str:
    """Build the escaped tooltip of one published action: title, status, responsible, due date, place."""
    lines = [f"<strong>{html.escape(action.title)}</strong>", html.escape(status_name)]
    if action.overdue:
        lines[-1] += " · " + html.escape(_("overdue"))
    lines.append(html.escape(responsible))
    if action.due:
        lines.append(html.escape(_("Due %(date)s", date=format_day(action.due))))
    if action.place_name:
        lines.append(html.escape(action.place_name))
    return "<br>".join(lines)


def add_action_layer(fmap: folium.Map, published, status_names: dict[str, str], responsible: dict[str, str]) -> None:
    """Add the toggleable layer of decided actions (geoapp.privacy.actions output): one symbol per action."""
    title = _("Actions: %(n)s", n=number(len(published.actions)))
    group = folium.FeatureGroup(name=html.escape(title))
    for action in published.actions:
        # Only escaped text and the published point go into the page's script.
        icon = folium.DivIcon(html=f'<span class="action-symbol action-{action.status}" aria-hidden="true">'
                                   f'{ACTION_SYMBOLS[action.status]}</span>', icon_size=(22, 22), icon_anchor=(11, 11),
                              class_name="action-icon")
        folium.Marker([action.lat, action.lon], icon=icon,
                      tooltip=folium.Tooltip(_action_tooltip_html(action, status_names[action.status],
                                                                  responsible.get(action.responsible, action.responsible)),
                                             sticky=True)).add_to(group)
    _add(fmap, group, title, "actions", _("decided actions, a symbol and colour per status"))


class _PickPoint(MacroElement):
    """Write the point clicked on the map into the form's latitude and longitude fields, and toggle a square's box."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function (map) {
          var marker = null;
          map.on('click', function (e) {
            var lat = document.getElementById('lat'), lon = document.getElementById('lon');
            var place = document.getElementById('place');
            if (!lat || !lon) { return; }
            lat.value = e.latlng.lat.toFixed(6); lon.value = e.latlng.lng.toFixed(6);
            if (place) { place.value = ''; }
            if (marker) { marker.setLatLng(e.latlng); } else { marker = L.marker(e.latlng).addTo(map); }
            var shown = document.getElementById('picked-point');
            if (shown) { shown.textContent = lat.value + ', ' + lon.value; }
          });
        })({{ this._parent.get_name() }});
        {% endmacro %}"""
    )


class _WalkSquares(Layer):
    """A walk's squares, each clickable: a click ticks the square's boxes in the form (internal, for uploaders)."""

    def __init__(self, features: list[dict], name: str):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "WalkSquares"
        self.data = {"type": "FeatureCollection", "features": features}

    def render(self, **kwargs) -> None:
        name, parent = self.get_name(), self._parent.get_name()
        script = (
            f"var {name} = L.geoJson({htmlsafe_json_dumps(self.data)}, {{"
            "style: function () { return {color: '#7c2d12', weight: 2, fillColor: '#fdba74', fillOpacity: 0.45}; },"
            " onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.label, {sticky: true});"
            " layer.on('click', function (e) { var boxes = document.querySelectorAll("
            "'input[data-cell=\"' + f.properties.cell + '\"]'); var on = !Array.prototype.some.call(boxes,"
            " function (b) { return b.checked; }); Array.prototype.forEach.call(boxes, function (b) { b.checked = on; });"
            " }); } });"
            f" {name}.addTo({parent});"
        )
        self.get_root().script.add_child(Element(script), name=name)


# The register's places on the map that adds one: small dark rings, apart from every layer of the web map.
STYLE_PLACE = {"color": "#111827", "fillColor": "#ffffff", "weight": 2, "fillOpacity": 0.9, "radius": 5}


def _add_register(fmap: folium.Map, places: list[dict]) -> None:
    """Add the layer of the register's places, each named (escaped) with its kind in a tooltip."""
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(p["lon"], 6), round(p["lat"], 6)]},
                 "properties": {"label": f"<strong>{html.escape(p['name'])}</strong><br>{html.escape(p['kind'])}"}}
                for p in places]
    name = _("Places of the register")
    group = folium.FeatureGroup(name=html.escape(name))
    if features:
        folium.GeoJson({"type": "FeatureCollection", "features": features},
                       marker=folium.CircleMarker(radius=STYLE_PLACE["radius"], fill=True),
                       style_function=lambda _feature: STYLE_PLACE,
                       tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False, sticky=True)).add_to(group)
    _add(fmap, group, name, "place", _("a ring per place already in the register"))


def build_picker_map(areas: gpd.GeoDataFrame, features: dict[str, dict], focus: str, basemap: TileSource,
                     asset_url: AssetUrl, squares: list[dict], labels: dict[str, str],
                     places: list[dict] | None = None) -> folium.Map:
    """Draw the map of the action or place form: the area, a walk's squares or the register's places, a click's point."""
    from geoapp.domain.grid import parse_cell_id

    fmap = _base_map(areas, features, focus, basemap, asset_url)
    if places is not None:
        _add_register(fmap, places)
    if squares:
        shapes = display_shapes([parse_cell_id(s["cell"]).polygon() for s in squares])
        found = [{"type": "Feature", "geometry": shape,
                  "properties": {"cell": s["cell"], "label": html.escape(f"{i}: " + ", ".join(labels.get(c, c) for c in s["categories"]))}}
                 for i, (s, shape) in enumerate(zip(squares, shapes), start=1)]
        name = _("Squares of the walk")
        _add(fmap, _WalkSquares(found, html.escape(name)), name, "cells", _("click one to tick its categories"))
    _PickPoint().add_to(fmap)
    fmap = _finish(fmap)
    if squares:  # the walk's squares, rather than the whole area, are what the user picks from
        west, south, east, north = shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in found]).bounds
        fmap.fit_bounds([[south, west], [north, east]], padding=(30, 30))
    return fmap
