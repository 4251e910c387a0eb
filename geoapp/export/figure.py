"""The printed map of a published view, for slides (PNG) and page 1 of the PDF, drawn with matplotlib and geopandas."""

from __future__ import annotations

import io
import math
import re
import threading
import zlib
from collections import OrderedDict
from contextlib import contextmanager
from functools import lru_cache
from typing import Callable

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.textpath import TextToPath
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from geoapp.domain.model import SWEREF99TM
from geoapp.export import cartography as carto
from geoapp.export.tiles import print_basemap
from geoapp.export.wording import class_label, panel_text, words
from geoapp.maps import STYLE_CELL, STYLE_CONTEXT, STYLE_FOCUS, STYLE_GROUP, STYLE_SAFE
from geoapp.privacy.published import require_published

WEB_MERCATOR = "EPSG:3857"
SLIDE_INCHES = (12.0, 6.75)  # 16:9
A4_LANDSCAPE_INCHES = (11.69, 8.27)
PNG_COMPRESSION = 1  # zlib's level
MAPS_BOX = (0.015, 0.125, 0.74, 0.7)  # left, bottom, width, height as fractions of the figure
LEGEND_BOX = (0.77, 0.125, 0.22, 0.73)
# The notes under the maps (privacy, approximation, attribution): from the figure's left edge to as far from its right.
NOTES_X, NOTES_TOP_GAP, NOTES_BOTTOM = 0.015, 0.012, 0.012  # figure fractions
NOTES_SIZES, NOTES_SPACING = (8.5, 8.0, 7.5, 7.0), 1.25  # points, matplotlib's linespacing
FONT_LINE = 1.17  # DejaVu Sans's ascent and descent, in font sizes: a line's height before linespacing
TEXT_PATH = TextToPath()
# Points; the legend's pad, symbol and the gap before an entry's words, in font sizes (matplotlib's 0.4 + 2 + 0.8);
# the least white right of the longest entry, as a fraction of the figure's width.
LEGEND_SIZE, LEGEND_HANDLE, LEGEND_RIM = 8.5, 3.2, 0.005
TITLE_SIZES = (17, 16, 15, 14, 13, 12)  # points, the largest that fits
# Area and category names are data: '$' in one must print as it is, not start mathematical text.
RC = {"text.parse_math": False, "pdf.fonttype": 42, "font.family": "DejaVu Sans"}
# rcParams and matplotlib's font and text caches are shared by the whole process: one export draws at a time.
RENDERING = threading.Lock()


@contextmanager
def drawing():
    """Hold the drawing lock with the export's matplotlib settings."""
    with RENDERING, matplotlib.rc_context(RC):
        yield


class _PrintCanvas(FigureCanvasAgg):
    """An Agg canvas that draws only when asked to, on the one renderer of its size that every printed map shares."""

    def draw_idle(self, *args, **kwargs) -> None:
        """Draw nothing now: geopandas asks after every plot, and Agg would draw the whole figure each time."""

    def get_renderer(self):
        """Return this process's renderer of the figure's size, so that matplotlib's text measurements carry over."""
        # matplotlib keeps each text's measured size per renderer: with one per figure, every export measured its
        # legend, notes and names anew. The drawing lock lets one figure at a time use it.
        self.renderer = _renderer(*self.figure.bbox.size, self.figure.dpi)
        return self.renderer


@lru_cache(maxsize=4)  # the PNG's and the PDF's sizes at the dpi most asked for
def _renderer(width: float, height: float, dpi: float) -> RendererAgg:
    return RendererAgg(width, height, dpi)


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


def _legend(fig, briefing, group_drawn: bool, activities_drawn: bool, w: dict, actions_drawn: bool, kept) -> None:
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
    # An entry longer than the legend's column is broken into lines rather than run past the figure's edge.
    room = (1 - LEGEND_BOX[0] - LEGEND_RIM) * fig.get_figwidth() * 72 - LEGEND_HANDLE * LEGEND_SIZE
    for handle in handles:
        handle.set_label("\n".join(_wrapped(handle.get_label(), LEGEND_SIZE, room)))
    # The entries' words and the classes' colours name everything else the legend shows.
    key = ("legend", w["legend"], tuple(h.get_label() for h in handles), tuple(c.color for c in briefing.classes))

    def build():
        box = fig.add_axes(LEGEND_BOX, gid="legend")
        box.axis("off")
        return box.legend(handles=handles, loc="upper left", frameon=False, title=w["legend"], fontsize=LEGEND_SIZE,
                          title_fontsize=11, alignment="left", borderaxespad=0)

    _static_part(fig, key, kept, build)


def _texts(fig, briefing, basemap_attribution: str | None, w: dict, kept) -> None:
    published = briefing.published
    request = published.request
    category = w["category"].format(label=briefing.labels.get(request.category, request.category)) if request.category else ""
    generated = w["generated"].format(date=briefing.generated.isoformat())
    fig.text(1 - NOTES_X, 0.955, generated, fontsize=9, ha="right", va="center", gid="generated")
    # A long area name makes the title smaller rather than run into the date or past the edge.
    title = w["title"].format(area=request.area.name, period=request.period.code)
    room = (1 - 2 * NOTES_X) * fig.get_figwidth() * 72 - _width(generated, 9) - 18
    size = next((size for size in TITLE_SIZES if len(_wrapped(title, size, room, bold=True)) == 1), TITLE_SIZES[-1])
    fig.text(NOTES_X, 0.955, "\n".join(_wrapped(title, size, room, bold=True)), fontsize=size, fontweight="bold",
             va="center", gid="title")
    fig.text(NOTES_X, 0.91, w["subtitle"].format(grid=published.grid_size, category=category), fontsize=10.5,
             va="center", gid="subtitle")
    if briefing.demo:
        # Beside the subtitle rather than among the notes, which would then have to shrink.
        fig.text(1 - NOTES_X, 0.91, w["demo_mark"], fontsize=10.5, fontweight="bold", color="#b45309", ha="right",
                 va="center", gid="demo")
    notes = [w["privacy"].format(k=published.k, walks=published.min_walks, noise=published.noise)]
    if request.area.approximation:
        notes.append(w["approximation"].format(area=request.area.name))
    notes.append(" · ".join([w["attribution"]] + ([basemap_attribution] if basemap_attribution else [])))
    _static_part(fig, ("notes", tuple(notes)), kept, lambda: _notes(fig, notes))


def _notes(fig, notes: list[str]):
    """Write the notes under the maps, each broken into lines as wide as the figure, smaller when they are many."""
    width = (1 - 2 * NOTES_X) * fig.get_figwidth() * 72  # points
    room = (MAPS_BOX[1] - NOTES_TOP_GAP - NOTES_BOTTOM) * fig.get_figheight() * 72
    for size in NOTES_SIZES:  # the largest size at which every line fits between the maps and the figure's foot
        lines = [line for note in notes for line in _wrapped(note, size, width)]
        if len(lines) * size * NOTES_SPACING * FONT_LINE <= room or size == NOTES_SIZES[-1]:
            break
    return fig.text(NOTES_X, MAPS_BOX[1] - NOTES_TOP_GAP, "\n".join(lines), fontsize=size, va="top", ha="left",
                    linespacing=NOTES_SPACING, gid="notes")


def _static_part(fig, key: tuple, kept, build: Callable) -> None:
    """Build a part that many views share (the legend, the notes), unless `kept` holds a drawing of it."""
    key = (*key, tuple(fig.get_size_inches()), fig.dpi)
    fig.static_parts.append((key, None if key in kept else build()))


@lru_cache(maxsize=4096)
def _width(text: str, size: float, bold: bool = False) -> float:
    """Return how many points wide `text` is in the export's font at `size` points."""
    font = FontProperties(family=RC["font.family"], size=size, weight="bold" if bold else "normal")
    return TEXT_PATH.get_text_width_height_descent(text, font, ismath=False)[0]


def _wrapped(text: str, size: float, width: float, bold: bool = False) -> list[str]:
    """Break `text` at spaces and after hyphens into lines no wider than `width` points at `size` points."""
    # A line's width is taken as its pieces' and spaces' widths, measured once each, with a little to spare for
    # the kerning between them. Names such as Medväga-Hönsarvet-Domnarvet break after a hyphen, as in print.
    space, room = _width(" ", size, bold), width * 0.98
    lines, line, used = [], "", 0.0
    for word in text.split():
        for i, piece in enumerate(re.findall(r"[^-]+-*|-+", word)):
            gap = space if line and i == 0 else 0.0
            wide = _width(piece, size, bold)
            if line and used + gap + wide > room:
                lines.append(line)
                line, used, gap = "", 0.0, 0.0
            line += (" " if gap else "") + piece
            used += gap + wide
    return [*lines, line]


def map_figure(briefing, size: tuple[float, float], kept=()) -> Figure:
    """Draw the title, one map panel per published period, the legend and the notes; hold `drawing()` while calling.

    A legend or notes whose key is in `kept` are left out; `fig.static_parts` lists (key, artist or None) of both.
    """
    published = require_published(briefing.published)
    w = words(briefing.language)
    fig = Figure(figsize=size, dpi=briefing.dpi, facecolor="white")
    fig.static_parts = []
    canvas = _PrintCanvas(fig)  # measures the texts as they will be drawn; savefig still writes PDF as well
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
        carto.draw_cells(ax, layer, briefing.classes, crs)
        activities_drawn |= carto.draw_activities(ax, briefing.activities_in(layer.period.code), crs)
        if layer is published.layers[0]:
            actions_drawn = carto.draw_actions(ax, briefing.actions, crs)
        ax.set_xlim(extent[0], extent[1])
        ax.set_ylim(extent[2], extent[3])
        ax.set_aspect("equal", adjustable="box")
        carto.draw_scale_bar(ax, crs)
        carto.draw_north_arrow(ax, crs)
        # The names come last, once the panel has its final place, so they can be measured against the marks.
        ax.apply_aspect()
        carto.draw_area_names(ax, areas, focus_id, crs, extent, canvas.get_renderer())
        # At the panel's top edge, where matplotlib would put it after measuring the ticks of the hidden axes.
        ax.set_title(panel_text(published, layer.period.code, briefing.language), fontsize=10, loc="left", y=1)
        ax.add_patch(Rectangle((0, 0), 1, 1, transform=ax.transAxes, fill=False, edgecolor="#9ca3af", linewidth=0.8,
                               zorder=10))
    _legend(fig, briefing, group_drawn, activities_drawn, w, actions_drawn, kept)
    _texts(fig, briefing, basemap.attribution if basemap is not None else None, w, kept)
    return fig


def map_png(briefing) -> bytes:
    """Return the map of the view as a 16:9 PNG at the briefing's dpi."""
    with drawing():
        fig = map_figure(briefing, SLIDE_INCHES, _KEPT_PARTS)
        canvas = fig.canvas
        canvas.draw()
        pixels = np.array(canvas.buffer_rgba())[:, :, :3]  # the figure is opaque: its alpha channel says nothing
        _reuse_parts(pixels, fig.static_parts, canvas.get_renderer())
    metadata = PngInfo()
    metadata.add_text("Software", "geoapp")
    buffer = io.BytesIO()
    # At zlib's fastest level, the file is about as small as matplotlib's RGBA at level 6 and written in half the time.
    Image.fromarray(pixels).save(buffer, format="png", compress_level=PNG_COMPRESSION, compress_type=zlib.Z_FILTERED,
                                 dpi=(briefing.dpi, briefing.dpi), pnginfo=metadata)
    return buffer.getvalue()


# Drawn legends and notes of PNG exports, as ((top row, left column), pixels) by what they show: the same for every
# view of one area in one language, and laying their text out and drawing it took a fifth of the export's time.
# The region of each holds nothing else, so a kept drawing put back in place gives the very same pixels.
_KEPT_PARTS: OrderedDict[tuple, tuple[tuple[int, int], np.ndarray]] = OrderedDict()
KEPT_PARTS_BYTES = 48 * 2**20  # per drawing process


def _reuse_parts(pixels: np.ndarray, parts: list[tuple[tuple, object]], renderer) -> None:
    """Put the kept parts left out of the figure into `pixels`, then keep the ones drawn this time."""
    drawn = []
    for key, artist in parts:
        if artist is None:
            (top, left), part = _KEPT_PARTS[key]
            pixels[top:top + part.shape[0], left:left + part.shape[1]] = part
            _KEPT_PARTS.move_to_end(key)
        else:
            drawn.append((key, artist))
    height = pixels.shape[0]
    for key, artist in drawn:
        box = artist.get_window_extent(renderer).padded(2)  # and the antialiased rim of its letters
        top, bottom = max(0, int(height - box.y1)), min(height, int(math.ceil(height - box.y0)))
        left, right = max(0, int(box.x0)), min(pixels.shape[1], int(math.ceil(box.x1)))
        _KEPT_PARTS[key] = ((top, left), pixels[top:bottom, left:right].copy())
    while sum(part.nbytes for _, part in _KEPT_PARTS.values()) > KEPT_PARTS_BYTES:
        _KEPT_PARTS.popitem(last=False)
