"""Exports of a published view for briefings: a small table of exporter functions keyed by format."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from typing import Callable, Mapping

from geoapp.export import figure, offline_html, pdf, tables
from geoapp.export.briefing import Briefing, export_filename, gather_briefing
from geoapp.export.drawing_pool import DrawingPool
from geoapp.store import ACTIVITIES_VERSION, AREAS_VERSION, OBSERVATIONS_VERSION, all_versions
from geoapp.store.actions import ACTIONS_VERSION


@dataclass(frozen=True)
class Format:
    """One export format: its media type, file extension, the function drawing a Briefing into bytes, and its weight."""

    media_type: str
    extension: str
    render: Callable[[Briefing], bytes]
    drawn: bool = False  # drawn with matplotlib: a quarter of a second of CPU or more, better in a drawing process
    cached: bool = False  # worth keeping: drawing it costs far more than reading it back


FORMATS: dict[str, Format] = {
    "png": Format("image/png", "png", figure.map_png, drawn=True, cached=True),
    "pdf": Format("application/pdf", "pdf", pdf.briefing_pdf, drawn=True, cached=True),
    "html": Format("text/html; charset=utf-8", "html", offline_html.map_html, cached=True),
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
    # Read before the view is gathered: a change after this point gives a newer key, never old bytes under it.
    with site.store.connect() as conn:
        versions = all_versions(conn)
    briefing = gather_briefing(site, args)

    def render() -> bytes:
        return drawing.draw(chosen.render, briefing) if drawing and chosen.drawn else chosen.render(briefing)

    cache = site.exports if chosen.cached else None
    if cache is None:
        content = render()
    else:
        content = cache.get_or_draw(*cache_key(site, fmt, briefing, versions), render)
    return ExportFile(content, chosen.media_type, export_filename(briefing.published, chosen.extension, briefing.dpi))


def cache_key(site, fmt: str, briefing: Briefing, versions: Mapping[str, int]) -> tuple[str, list[tuple[str, int]]]:
    """Return the key naming everything an export of `briefing` depends on, and the (area, year) pairs it shows."""
    request = briefing.published.request
    periods = [published.request.period for _, published in briefing.columns if published is not None]
    shows = sorted({(code, period.year) for code in request.area.members for period in periods})
    observed = {pair: versions.get(OBSERVATIONS_VERSION.format(area=pair[0], year=pair[1]), 0) for pair in shows}
    key = {
        "format": fmt, "view": request.key, "language": briefing.language, "dpi": briefing.dpi,
        # The day: the activity delay and the date printed on the export move with it.
        "made": briefing.generated.isoformat(), "basemap": [briefing.basemap.url, briefing.basemap.attribution],
        "areas": versions.get(AREAS_VERSION, 0), "observations": sorted(observed.items()),
        "activities": versions.get(ACTIVITIES_VERSION, 0), "actions": versions.get(ACTIONS_VERSION, 0),
        "demo": briefing.demo,  # deleting the demo files elsewhere leaves this view's versions as they were
        # Settings (k, noise, colour classes, grid) and the code decide the drawing too, and the folder outlives both.
        "settings": sorted((name, str(value)) for name, value in site.settings.items()), "code": _code_version(),
    }
    return json.dumps(key, sort_keys=True, default=str), shows


@lru_cache(maxsize=1)
def _code_version() -> str:
    return version("geoapp")
