"""The residents' small map: an area's outline and its published squares of one period, as a plain SVG.

Drawn on the server so that it shows without JavaScript and prints on the flyer; it holds the published
squares (each a fixed grid cell cut at the boundary) in the map's colour classes and nothing finer.
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from markupsafe import Markup, escape

from geoapp.domain.periods import Period
from geoapp.mapview.colors import ColorClass, color_of
from geoapp.privacy.published import Published, require_published

WIDTH = 320.0  # the SVG's own units; it scales to its box
MARGIN = 6.0
SAFE_COLOR = "#15803d"
OUTLINE_COLOR = "#1f2937"


@dataclass(frozen=True)
class Sketch:
    """The outline and squares of one period as SVG path data in a box of width x height."""

    width: float
    height: float
    outline: str
    squares: tuple[tuple[str, str], ...]  # (path data, fill colour)
    safe_places: tuple[str, ...]  # path data

    def svg(self, title: str, element_id: str) -> Markup:
        """Return the sketch as an inline SVG element titled `title` for screen readers."""
        return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width:.0f} {self.height:.0f}" '
                      f'role="img" aria-labelledby="{element_id}" class="sketch">'
                      f'<title id="{element_id}">{escape(title)}</title>{self._shapes()}</svg>')

    def print_svg(self) -> str:
        """Return the sketch as a stand-alone SVG document for the flyer."""
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width:.0f}" height="{self.height:.0f}" '
                f'viewBox="0 0 {self.width:.0f} {self.height:.0f}">{self._shapes()}</svg>')

    def _shapes(self) -> str:
        squares = "".join(f'<path d="{d}" fill="{fill}" stroke="#ffffff" stroke-width="0.6"/>' for d, fill in self.squares)
        safe = "".join(f'<path d="{d}" fill="none" stroke="{SAFE_COLOR}" stroke-width="1.6" stroke-dasharray="3 2"/>'
                       for d in self.safe_places)
        return (f'<path d="{self.outline}" fill="#f3f4f6" stroke="none" fill-rule="evenodd"/>{squares}{safe}'
                f'<path d="{self.outline}" fill="none" stroke="{OUTLINE_COLOR}" stroke-width="1.4"/>')


def sketch(published: Published, boundary, period: Period, classes: tuple[ColorClass, ...]) -> Sketch:
    """Draw the published squares of `period` inside `boundary` (SWEREF 99 TM), north up."""
    layer = next(layer for layer in require_published(published).layers if layer.period == period)
    west, south, east, north = boundary.bounds
    scale = (WIDTH - 2 * MARGIN) / max(east - west, 1.0)
    height = (north - south) * scale + 2 * MARGIN

    def path(shape) -> str:
        moved = shapely.transform(shape, lambda xy: (xy - [west, north]) * [scale, -scale] + MARGIN)
        return _path_data(moved)

    return Sketch(WIDTH, round(height, 1), path(boundary),
                  tuple((path(c.geometry), color_of(c.count, classes)) for c in layer.cells),
                  tuple(path(c.geometry) for c in layer.safe_places))


def _path_data(shape) -> str:
    """Return SVG path data of a polygon or multipolygon, holes included."""
    polygons = getattr(shape, "geoms", [shape])
    parts = []
    for polygon in polygons:
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            points = " ".join(f"{x:.1f} {y:.1f}" for x, y in ring.coords[:-1])
            parts.append(f"M{points}Z")
    return "".join(parts)
