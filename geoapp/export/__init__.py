"""Exports of a published view for briefings: a small table of exporter functions keyed by format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from geoapp.export import figure, offline_html, pdf, tables
from geoapp.export.briefing import Briefing, export_filename, gather_briefing
from geoapp.export.drawing_pool import DrawingPool


@dataclass(frozen=True)
class Format:
    """One export format: its media type, file extension, the function drawing a Briefing into bytes, and its weight."""

    media_type: str
    extension: str
    render: Callable[[Briefing], bytes]
    drawn: bool = False  # drawn with matplotlib: a quarter of a second of CPU or more, better in a drawing process


FORMATS: dict[str, Format] = {
    "png": Format("image/png", "png", figure.map_png, drawn=True),
    "pdf": Format("application/pdf", "pdf", pdf.briefing_pdf, drawn=True),
    "html": Format("text/html; charset=utf-8", "html", offline_html.map_html),
    "geojson": Format("application/geo+json", "geojson", tables.geojson_document),
    "csv": Format("text/csv; charset=utf-8", "csv", tables.csv_document),
}


@dataclass(frozen=True)
class ExportFile:
    """A finished export: its bytes, media type and a file name saying area and period."""

    content: bytes
    media_type: str
    filename: str


def export_view(site, fmt: str, args: Mapping[str, str], drawing: DrawingPool | None = None) -> ExportFile:
    """Render the view chosen by `args` (filters, lang, dpi) in format `fmt` (drawn formats by `drawing`), or raise QueryError."""
    chosen = FORMATS[fmt]
    briefing = gather_briefing(site, args)
    content = drawing.draw(chosen.render, briefing) if drawing and chosen.drawn else chosen.render(briefing)
    return ExportFile(content, chosen.media_type, export_filename(briefing.published, chosen.extension))
