"""The printed map of a published view, for slides (PNG) and page 1 of the PDF, drawn with matplotlib and geopandas."""

from __future__ import annotations

import io
import threading
from contextlib import contextmanager

import matplotlib
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from geoapp.domain.model import SWEREF99TM
from geoapp.export import cartography as carto
from geoapp.export.tiles import print_basemap
from geoapp.export.wording import class_label, panel_text, words
from geoapp.maps import STYLE_CELL, STYLE_CONTEXT, STYLE_FOCUS, STYLE_GROUP, STYLE_SAFE
from geoapp.privacy.published import require_published

WEB_MERCATOR = "EPSG:3857"
SLIDE_INCHES = (12.0, 6.75)  # 16:9
A4_LANDSCAPE_INCHES = (11.69, 8.27)
MAPS_BOX = (0.015, 0.125, 0.74, 0.7)  # left, bottom, width, height as fractions of the figure
LEGEND_BOX = (0.77, 0.125, 0.22, 0.73)
# Area and category names are data: '$' in one must print as it is, not start mathematical text.
RC = {"text.parse_math": False, "pdf.fonttype": 42, "font.family": "DejaVu Sans"}
# rcParams and matplotlib's font and text caches are shared by the whole process: one export draws at a time.
RENDERING = threading.Lock()


@contextmanager
def drawing():
    """Hold the drawing lock with the export's matplotlib settings."""
    with RENDERING, matplotlib.rc_context(RC):
        yield


def _panel_boxes(count: int) -> list[tuple[float, float, float, float]]:
    left, bottom, width, height = MAPS_BOX
    gap = 0.01
    each = (width - gap * (count - 1)) / count
    return [(left + i * (each + gap), bottom, each, height) for i in range(count)]


def _choose_basemap(briefing, focus, box, size):
    """Return the Web Mercator extent and tiles of the stored archive or of a tile server that answers in time, else
    the SWEREF 99 TM extent and None."""
    aspect = box[2] * size[0] / (box[3] * size[1])
    if briefing.basemap.archive is not None or (briefing.basemap.url and briefing.tile_timeout > 0):
        extent = carto.panel_extent(focus, WEB_MERCATOR, aspect)
        width_px = int(box[2] * size[0] * max(briefing.dpi, 150))
        image = print_basemap(briefing.basemap, (extent[0], extent[2], extent[1], extent[3]), width_px, briefing.tile_timeout)
        if image is not None:
            return WEB_MERCATOR, extent, image
    return SWEREF99TM, carto.panel_extent(focus, SWEREF99TM, aspect), None


def _legend(fig, briefing, group_drawn: bool, activities_drawn: bool, w: dict, actions_drawn: bool = False) -> None:
    language, area = briefing.language, briefing.published.request.area
    handles = [Patch(facecolor=to_rgba(c.color, STYLE_CELL["fillOpacity"]), edgecolor=STYLE_CELL["color"],
                     label=w["class"].format(label=class_label(c, language))) for c in briefing.classes]
    handles.append(Patch(facecolor="none", edgecolor=STYLE_SAFE["color"], hatch=carto.SAFE_HATCH, linestyle="--",
                         label=w["safe"]))
    handles.append(Line2D([], [], color=STYLE_FOCUS["color"], linewidth=2.2, label=f"{w['focus']}: {area.name}"))
    if group_drawn:
        handles.append(Line2D([], [], color=STYLE_GROUP["color"], linewidth=1.2, linestyle="--", label=w["group"]))
    handles.append(Patch(facecolor="none", edgecolor=STYLE_CONTEXT["color"], label=w["context"]))
    if activities_drawn:
        for style, key in ((carto.DIALOGUE_STYLE, "dialogue_symbol"), (carto.PRESENCE_STYLE, "presence_symbol")):
            handles.append(Line2D([], [], linestyle="", marker=style["marker"], markersize=8, color=style["color"], label=w[key]))
    if actions_drawn:
        handles += carto.legend_handles(briefing.language)
    box = fig.add_axes(LEGEND_BOX)
    box.axis("off")
    box.legend(handles=handles, loc="upper left", frameon=False, title=w["legend"], fontsize=8.5, title_fontsize=11,
               alignment="left", borderaxespad=0)


def _texts(fig, briefing, basemap_attribution: str | None, w: dict) -> None:
    published = briefing.published
    request = published.request
    category = w["category"].format(label=briefing.labels.get(request.category, request.category)) if request.category else ""
    fig.text(0.015, 0.955, w["title"].format(area=request.area.name, period=request.period.code), fontsize=17,
             fontweight="bold", va="center")
    fig.text(0.015, 0.91, w["subtitle"].format(grid=published.grid_size, category=category), fontsize=10.5, va="center")
    fig.text(0.985, 0.955, w["generated"].format(date=briefing.generated.isoformat()), fontsize=9, ha="right", va="center")
    notes = [w["privacy"].format(k=published.k, walks=published.min_walks, noise=published.noise)]
    if request.area.approximation:
        notes.append(w["approximation"].format(area=request.area.name))
    notes.append(" · ".join([w["attribution"]] + ([basemap_attribution] if basemap_attribution else [])))
    for i, note in enumerate(notes):
        fig.text(0.015, 0.085 - i * 0.028, note, fontsize=8.5, va="center", wrap=False)


def map_figure(briefing, size: tuple[float, float]) -> Figure:
    """Draw the title, one map panel per published period, the legend and the notes; hold `drawing()` while calling."""
    published = require_published(briefing.published)
    w = words(briefing.language)
    fig = Figure(figsize=size, dpi=briefing.dpi, facecolor="white")
    areas = briefing.areas
    focus_id = published.request.area.id
    boxes = _panel_boxes(len(published.layers))
    crs, extent, basemap = _choose_basemap(briefing, areas[areas["id"] == focus_id].geometry.iloc[0], boxes[0], size)
    group_drawn = activities_drawn = actions_drawn = False
    for layer, box in zip(published.layers, boxes):
        ax = fig.add_axes(box)
        ax.set_axis_off()
        if basemap is not None:
            ax.imshow(basemap.pixels, extent=basemap.extent, interpolation="bilinear", zorder=0)
        group_drawn = carto.draw_areas(ax, areas, focus_id, crs)
        carto.draw_area_names(ax, areas, focus_id, crs, extent)
        carto.draw_cells(ax, layer, briefing.classes, crs)
        activities_drawn |= carto.draw_activities(ax, briefing.activities_in(layer.period.code), crs)
        if layer is published.layers[0]:
            actions_drawn = carto.draw_actions(ax, briefing.actions, crs)
        ax.set_xlim(extent[0], extent[1])
        ax.set_ylim(extent[2], extent[3])
        ax.set_aspect("equal", adjustable="box")
        carto.draw_scale_bar(ax, crs)
        carto.draw_north_arrow(ax, crs)
        ax.set_title(panel_text(published, layer.period.code, briefing.language), fontsize=10, loc="left")
        ax.add_patch(Rectangle((0, 0), 1, 1, transform=ax.transAxes, fill=False, edgecolor="#9ca3af", linewidth=0.8,
                               zorder=10))
    _legend(fig, briefing, group_drawn, activities_drawn, w, actions_drawn)
    _texts(fig, briefing, basemap.attribution if basemap is not None else None, w)
    return fig


def map_png(briefing) -> bytes:
    """Return the map of the view as a 16:9 PNG at the briefing's dpi."""
    buffer = io.BytesIO()
    with drawing():
        fig = map_figure(briefing, SLIDE_INCHES)
        fig.savefig(buffer, format="png", dpi=briefing.dpi, metadata={"Software": "geoapp"})
    return buffer.getvalue()
