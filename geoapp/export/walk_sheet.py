"""The walk sheet: a printable A4 PDF for the next walk in an area, the map, the open actions, the last numbers."""

from __future__ import annotations

import io

from matplotlib.backends.backend_pdf import PdfPages

from geoapp.actions.publishing import open_of
from geoapp.export.actions_pages import sections_figure
from geoapp.export.figure import A4_LANDSCAPE_INCHES, drawing, map_figure
from geoapp.export.pdf import table_figure
from geoapp.export.wording import words


def walk_sheet_pdf(briefing) -> bytes:
    """Return the walk sheet, A4: the map with the actions, the open actions to check, what the last walks found."""
    request = briefing.published.request
    w = words(briefing.language)
    title = w["sheet_title"].format(area=request.area.name)
    buffer = io.BytesIO()
    with drawing(), PdfPages(buffer, metadata={"Title": title, "Creator": "geoapp"}) as pages:
        pages.savefig(map_figure(briefing, A4_LANDSCAPE_INCHES))
        pages.savefig(sections_figure(title, [(w["sheet_open"], open_of(briefing.actions))], briefing.responsible_names,
                                      briefing.language, A4_LANDSCAPE_INCHES, w["actions_note"], checked=True))
        found = table_figure(briefing, A4_LANDSCAPE_INCHES)
        found.texts[0].set_text(w["sheet_found"].format(period=request.period.code))
        pages.savefig(found)
    return buffer.getvalue()
