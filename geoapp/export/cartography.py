"""One printed map panel: boundaries, published cells, activity symbols, scale bar and north arrow."""

from __future__ import annotations

import hashlib
import math
import textwrap
from collections import OrderedDict

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba
from matplotlib.patches import Patch, Rectangle
from matplotlib.path import Path
from matplotlib.transforms import offset_copy
from pyproj import Geod

from geoapp.domain.actions import status_label
from geoapp.domain.model import AREA_KIND_GROUP, SWEREF99TM, WGS84, transformer
from geoapp.export.wording import words
from geoapp.maps import ACTION_COLOURS, ACTION_SYMBOLS, STYLE_CELL, STYLE_CONTEXT, STYLE_FOCUS, STYLE_GROUP, STYLE_SAFE, label_point
from geoapp.mapview.colors import color_of
from geoapp.privacy.actions import require_published_actions

MARGIN = 0.06
SAFE_HATCH = "////"  # of the focus area's extent, on every side
DIALOGUE_STYLE = {"marker": "o", "color": "#7c3aed"}
PRESENCE_STYLE = {"marker": "s", "color": "#111827"}
_HALO = {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}
# A neighbouring area is named in the panel when at least this share of the panel shows it.
LABEL_MIN_SHARE = 0.01
LABEL_WRAP = 22  # characters per line of an area's name
# What the parts of a panel are called (matplotlib's gid), so that the labels can keep clear of the others.
AREA_NAME, SCALE_BAR, NORTH_ARROW = "area-name", "scale-bar", "north-arrow"


def panel_extent(focus_geometry, crs: str, aspect: float) -> tuple[float, float, float, float]:
    """Return (west, east, south, north) in `crs` framing the focus area, widened to the panel's aspect (width/height)."""
    shape = gpd.GeoSeries([focus_geometry], crs=SWEREF99TM).to_crs(crs).iloc[0]
    west, south, east, north = shape.bounds
    width, height = (east - west) * (1 + 2 * MARGIN), (north - south) * (1 + 2 * MARGIN)
    width, height = max(width, height * aspect), max(height, width / aspect)
    cx, cy = (west + east) / 2, (south + north) / 2
    return cx - width / 2, cx + width / 2, cy - height / 2, cy + height / 2


def _plot(ax, geometries, crs: str, **style) -> None:
    """Draw SWEREF 99 TM polygons in `crs` as one collection (style lists give one value per geometry)."""
    if len(geometries):
        shapes = gpd.GeoSeries(list(geometries), crs=SWEREF99TM)
        if crs != SWEREF99TM:
            shapes = shapes.to_crs(crs)
        ax.add_collection(PathCollection([_path(shape) for shape in shapes], **style), autolim=False)


def _path(shape) -> Path:
    """Return a polygon or multipolygon as one matplotlib path, each hole a ring of its own, as geopandas draws them."""
    rings = [ring for polygon in getattr(shape, "geoms", [shape]) for ring in (polygon.exterior, *polygon.interiors)]
    return Path.make_compound_path(*[Path(np.asarray(ring.coords)[:, :2]) for ring in rings])


def draw_areas(ax, areas, focus_id: str, crs: str) -> bool:
    """Draw the other RegSO areas, the other groups and the focus area; return whether a group was drawn."""
    focus = areas[areas["id"] == focus_id].iloc[0]
    inside = set(focus["members"]) | {focus_id}
    regso, groups = areas[areas["kind"] != AREA_KIND_GROUP], areas[(areas["kind"] == AREA_KIND_GROUP) & (areas["id"] != focus_id)]
    _plot(ax, regso[~regso["id"].isin(inside)].geometry, crs, facecolor=to_rgba(STYLE_CONTEXT["fillColor"], 0.12),
          edgecolor=STYLE_CONTEXT["color"], linewidth=0.5, zorder=1)
    _plot(ax, groups.geometry, crs, facecolor="none", edgecolor=STYLE_GROUP["color"], linewidth=1.2, linestyle="--", zorder=4)
    _plot(ax, [focus.geometry], crs, facecolor="none", edgecolor=STYLE_FOCUS["color"], linewidth=2.2, zorder=5)
    return not groups.empty


def draw_area_names(ax, areas, focus_id: str, crs: str, extent, renderer=None) -> int:
    """Name each neighbouring RegSO area inside its part of the panel, clear of the marks and names; return how many."""
    focus = areas[areas["id"] == focus_id].iloc[0]
    inside = set(focus["members"]) | {focus_id}
    regso = areas[(areas["kind"] != AREA_KIND_GROUP) & ~areas["id"].isin(inside)]
    if regso.empty:
        return 0
    key = _placement_key(regso, crs, extent, ax, renderer) if renderer is not None else None
    placed = _PLACED.get(key) if key is not None else None
    if placed is None:
        placed = _place_names(ax, regso, crs, extent, renderer)
        if key is not None:
            _PLACED[key] = placed
            while len(_PLACED) > PLACED_ENTRIES:
                _PLACED.popitem(last=False)
    else:
        _PLACED.move_to_end(key)
        for x, y, text in placed:
            _name_label(ax, x, y, text)
    return len(placed)


# Where a panel's names go depends only on the areas, the panel and its marks, the same for every export of one area
# in one size: placing them, each name's halo measured against the marks and the names before it, took a quarter of
# the time of a PNG. Kept per drawing process, as (x, y, text) by a digest of everything the placing reads.
_PLACED: OrderedDict[str, list[tuple[float, float, str]]] = OrderedDict()
PLACED_ENTRIES = 512


def _placement_key(regso, crs: str, extent, ax, renderer) -> str:
    panel = ax.get_window_extent(renderer)
    digest = hashlib.sha256(repr((crs, tuple(extent), tuple(panel.bounds), renderer.dpi, list(regso["name"]))).encode())
    for shape in shapely.to_wkb(regso.geometry.values):
        digest.update(shape)
    return digest.hexdigest()


def _name_label(ax, x: float, y: float, text: str):
    return ax.text(x, y, text, ha="center", va="center", fontsize=7.5, color="#1f2937", fontweight="bold", zorder=6,
                   clip_on=True, bbox=_HALO, gid=AREA_NAME)


def _place_names(ax, regso, crs: str, extent, renderer) -> list[tuple[float, float, str]]:
    """Write the names where they fit, and return where each went."""
    west, east, south, north = extent
    panel = shapely.box(west, south, east, north)
    marks = [drawn_box(a, renderer) for a in (*ax.texts, *ax.patches) if a.get_gid() in (SCALE_BAR, NORTH_ARROW)
             ] if renderer is not None else []
    placed = []
    for name, shape in zip(regso["name"], gpd.GeoSeries(list(regso.geometry), crs=SWEREF99TM).to_crs(crs)):
        part = shape.intersection(panel)
        if part.is_empty or part.area < LABEL_MIN_SHARE * panel.area:
            continue
        point = label_point(part, None)
        if point is None:
            continue
        label = _name_label(ax, point.x, point.y, textwrap.fill(str(name), LABEL_WRAP))
        if renderer is not None:
            if not _clear_of(ax, label, part, marks, renderer):
                label.remove()
                continue
            marks.append(drawn_box(label, renderer))  # the next names keep clear of this one too
        placed.append((*label.get_position(), label.get_text()))
    return placed


def drawn_box(artist, renderer):
    """Return the display box an artist covers, its halo included."""
    patch = artist.get_bbox_patch() if hasattr(artist, "get_bbox_patch") else None
    if patch is not None:
        artist.update_bbox_position_size(renderer)
        return patch.get_window_extent(renderer)
    return artist.get_window_extent(renderer)


def _clear_of(ax, label, part, marks, renderer) -> bool:
    """Move `label` within `part` off the display boxes `marks` and the panel's edge; return whether it is clear."""
    box, panel = drawn_box(label, renderer), ax.get_window_extent(renderer)
    on_mark = any(box.overlaps(mark) for mark in marks)
    if not on_mark and panel.x0 <= box.x0 and box.x1 <= panel.x1 and panel.y0 <= box.y0 and box.y1 <= panel.y1:
        return True
    # Where the label's centre may go: the part, less every mark widened by half the label and the panel's rim as
    # wide, in data units.
    to_data = ax.transData.inverted()
    half_w, half_h = box.width / 2 + 2, box.height / 2 + 2

    def data_box(x0, y0, x1, y1):
        return shapely.box(*to_data.transform((x0, y0)), *to_data.transform((x1, y1)))

    if 2 * half_w < panel.width and 2 * half_h < panel.height:
        part = part.intersection(data_box(panel.x0 + half_w, panel.y0 + half_h, panel.x1 - half_w, panel.y1 - half_h))
    free = part.difference(shapely.union_all([data_box(m.x0 - half_w, m.y0 - half_h, m.x1 + half_w, m.y1 + half_h)
                                              for m in marks]))
    point = label_point(free, None) if not free.is_empty else None
    if point is None:
        return not on_mark  # a name cut at the panel's edge stays, one on a mark goes
    label.set_position((point.x, point.y))
    return not any(drawn_box(label, renderer).overlaps(mark) for mark in marks)


def draw_cells(ax, layer, classes, crs: str) -> None:
    """Fill the published cells in the web map's colour classes, and the places that feel safe in green."""
    if layer.cells:
        faces = [to_rgba(color_of(c.count, classes), STYLE_CELL["fillOpacity"]) for c in layer.cells]
        _plot(ax, [c.geometry for c in layer.cells], crs, facecolor=faces, edgecolor=STYLE_CELL["color"], linewidth=0.4,
              zorder=2)
    # Hatched rather than filled: a place that feels safe often shares its square with observed problems.
    _plot(ax, [c.geometry for c in layer.safe_places], crs, facecolor="none", hatch=SAFE_HATCH,
          edgecolor=STYLE_SAFE["color"], linewidth=0.9, linestyle="--", zorder=3)


def draw_activities(ax, activities, crs: str) -> bool:
    """Mark each place with dialogues or advice, and with police presence, with its published count; return whether any."""
    marks: dict[int, list[tuple[float, float]]] = {-1: [], 1: []}
    for place in activities.places if activities is not None else ():
        x, y = transformer(WGS84, crs).transform(place.lon, place.lat)
        counts = place.counts
        for n, dx in ((counts.get("dialogue", 0) + counts.get("advice", 0), -1), (counts.get("police_presence", 0), 1)):
            if n:
                marks[dx].append((x, y))
                ax.annotate(str(n), (x, y), xytext=(13 * dx, 6), textcoords="offset points", fontsize=7, zorder=8,
                            ha="left" if dx > 0 else "right", bbox=_HALO)
    for style, dx in ((DIALOGUE_STYLE, -1), (PRESENCE_STYLE, 1)):
        if marks[dx]:
            # Side by side, the circle left of the place and the square right of it, so neither hides the other;
            # one scatter per kind, as each costs as much to set up as a hundred points.
            beside = offset_copy(ax.transData, fig=ax.figure, x=5 * dx, y=0, units="points")
            xs, ys = zip(*marks[dx])
            ax.scatter(xs, ys, s=60, edgecolors="white", linewidths=1, zorder=7, c=style["color"],
                       marker=style["marker"], transform=beside)
    return bool(marks[-1] or marks[1])


def draw_actions(ax, published, crs: str) -> bool:
    """Mark each published action with its status's symbol and colour; return whether any was drawn."""
    if published is None:
        return False
    for action in require_published_actions(published).actions:
        x, y = transformer(WGS84, crs).transform(action.lon, action.lat)
        colour = ACTION_COLOURS[action.status]
        ax.text(x, y, ACTION_SYMBOLS[action.status], color=colour, fontsize=9, fontweight="bold", ha="center",
                va="center", zorder=9, bbox={"boxstyle": "circle,pad=0.2", "facecolor": "white", "edgecolor": colour})
    return bool(published.actions)


def legend_handles(language: str) -> list[Patch]:
    """Return the legend entries of the action symbols."""
    w = words(language)
    return [Patch(facecolor="white", edgecolor=ACTION_COLOURS[s],
                  label=f"{symbol} " + w["action_symbol"].format(status=status_label(s, language)))
            for s, symbol in ACTION_SYMBOLS.items()]


def _metres_per_unit(crs: str, x: float, y: float) -> float:
    """Return ground metres per map unit at (x, y): 1 in SWEREF 99 TM, about cos(latitude) in Web Mercator."""
    to_wgs84 = transformer(crs, WGS84)
    lon0, lat0 = to_wgs84.transform(x, y)
    lon1, lat1 = to_wgs84.transform(x + 1000.0, y)
    return Geod(ellps="WGS84").inv(lon0, lat0, lon1, lat1)[2] / 1000.0


def _nice(length: float) -> float:
    """Return the largest 1, 2 or 5 times a power of ten not above `length`."""
    power = 10 ** math.floor(math.log10(length))
    return max(m * power for m in (1, 2, 5) if m * power <= length)


def draw_scale_bar(ax, crs: str) -> None:
    """Draw a two-part scale bar of a round ground length, about a quarter of the panel wide, bottom left."""
    # Drawn by hand: a dozen lines, and the ground scale is measured on the ellipsoid for any map projection.
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    per_unit = _metres_per_unit(crs, (x0 + x1) / 2, (y0 + y1) / 2)
    length = _nice((x1 - x0) * per_unit / 4)
    units, height = length / per_unit, (y1 - y0) * 0.012
    left, bottom = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.05
    for i, face in enumerate(("black", "white")):
        ax.add_patch(Rectangle((left + i * units / 2, bottom), units / 2, height, facecolor=face, edgecolor="black",
                               linewidth=0.8, zorder=9, gid=SCALE_BAR))
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    for x, text in ((left, "0"), (left + units, label)):
        ax.text(x, bottom + height * 2, text, ha="center", va="bottom", fontsize=8, zorder=9, bbox=_HALO, gid=SCALE_BAR)


def draw_north_arrow(ax, crs: str) -> None:
    """Draw an arrow to true north, top right, turned by the projection's meridian convergence at the centre."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    lon, lat = transformer(crs, WGS84).transform((x0 + x1) / 2, (y0 + y1) / 2)
    (xa, xb), (ya, yb) = transformer(WGS84, crs).transform([lon, lon], [lat, lat + 0.01])
    angle = math.atan2(xb - xa, yb - ya)
    base = (0.93, 0.82)
    tip = (base[0] + 0.07 * math.sin(angle), base[1] + 0.1 * math.cos(angle))
    ax.annotate("", xy=tip, xytext=base, xycoords="axes fraction", zorder=9, gid=NORTH_ARROW,
                arrowprops={"arrowstyle": "-|>", "linewidth": 2, "mutation_scale": 18, "color": "black"})
    ax.text(tip[0], tip[1] + 0.015, "N", transform=ax.transAxes, ha="center", va="bottom", fontsize=12,
            fontweight="bold", zorder=9, bbox=_HALO, gid=NORTH_ARROW)
