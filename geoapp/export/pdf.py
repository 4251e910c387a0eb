"""The briefing PDF: A4 landscape, the map on page 1, the summary table on page 2, the area's actions on page 3."""

from __future__ import annotations

import io

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from geoapp.domain.areas import SCB_ATTRIBUTION
from geoapp.export.actions_pages import period_actions_figure
from geoapp.export.briefing import summary_rows
from geoapp.export.figure import A4_LANDSCAPE_INCHES, drawing, map_figure
from geoapp.export.wording import words
from geoapp.privacy.published import require_published

def table_figure(briefing, size: tuple[float, float]) -> Figure:
    """Draw page 2: title, the summary table and its notes; hold `drawing()` while calling."""
    published = briefing.published
    request, w = published.request, words(briefing.language)
    fig = Figure(figsize=size, facecolor="white")
    fig.text(0.04, 0.94, w["table_title"].format(area=request.area.name, period=request.period.code), fontsize=16,
             fontweight="bold", va="center")
    fig.text(0.04, 0.895, w["table_heading"], fontsize=12, va="center")
    headings, rows = summary_rows(briefing)
    ax = fig.add_axes((0.04, 0.15, 0.92, 0.71))
    ax.axis("off")
    widths = [0.34] + [0.66 / (len(headings) - 1)] * (len(headings) - 1)
    table = ax.table(cellText=rows, colLabels=headings, colWidths=widths, cellLoc="left", colLoc="left", bbox=(0, 0, 1, 1))
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    for (row, column), cell in table.get_celld().items():
        cell.set_edgecolor("#d1d5db")
        if row == 0 or rows[row - 1][1:] == [""] * (len(headings) - 1):
            cell.set_text_props(fontweight="bold")
            cell.set_facecolor("#f3f4f6")
    notes = [w["dash_note"].format(k=published.k), w["privacy"].format(k=published.k, walks=published.min_walks, noise=published.noise),
             f"{w['generated'].format(date=briefing.generated.isoformat())} · {w['attribution']}"]
    if briefing.demo:
        notes.insert(0, w["demo"])
    for i, note in enumerate(notes):
        fig.text(0.04, 0.1 - i * 0.03, note, fontsize=8.5, va="center")
    return fig


def briefing_pdf(briefing) -> bytes:
    """Return the A4 landscape PDF of the view: the map, the summary table and the area's actions of the period."""
    request = require_published(briefing.published).request
    title = words(briefing.language)["title"].format(area=request.area.name, period=request.period.code)
    buffer = io.BytesIO()
    with drawing(), PdfPages(buffer, metadata={"Title": title, "Creator": "geoapp"}) as pages:
        pages.savefig(map_figure(briefing, A4_LANDSCAPE_INCHES))
        pages.savefig(table_figure(briefing, A4_LANDSCAPE_INCHES))
        if briefing.period_actions is not None:
            pages.savefig(period_actions_figure(briefing, A4_LANDSCAPE_INCHES))
    return buffer.getvalue()
