"""The printed pages of the action list: tables of actions, such as the briefing PDF's page on the area's actions."""

from __future__ import annotations

import textwrap

from matplotlib.figure import Figure

from geoapp.domain.actions import status_label
from geoapp.domain.areas import SCB_ATTRIBUTION
from geoapp.export.wording import words

A4_PORTRAIT_INCHES = (8.27, 11.69)
ROWS_PER_PAGE = 14


def _cells(actions, names: dict, language: str, checked: bool) -> list[list[str]]:
    rows = []
    for a in actions:
        row = [str(a.id), textwrap.shorten(a.title, 70, placeholder="…"), status_label(a.status, language),
               textwrap.shorten(names.get(a.responsible, a.responsible), 34, placeholder="…"),
               a.due.isoformat() if a.due else "", textwrap.shorten(a.place_name or "", 28, placeholder="…")]
        rows.append(row + (["☐"] if checked else []))
    return rows


def _table(fig, box, headings, rows, widths) -> None:
    ax = fig.add_axes(box)
    ax.axis("off")
    table = ax.table(cellText=rows, colLabels=headings, colWidths=widths, cellLoc="left", colLoc="left", loc="upper left")
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    table.scale(1, 1.25)
    for (row, _column), cell in table.get_celld().items():
        cell.set_edgecolor("#d1d5db")
        if row == 0:
            cell.set_text_props(fontweight="bold")
            cell.set_facecolor("#f3f4f6")


def sections_figure(title: str, sections, names: dict, language: str, size, note: str, checked: bool = False) -> Figure:
    """Draw one page of headed tables of actions (at most ROWS_PER_PAGE rows each); hold `drawing()` while calling."""
    w = words(language)
    fig = Figure(figsize=size, facecolor="white")
    fig.text(0.04, 0.95, title, fontsize=15, fontweight="bold", va="center")
    headings = list(w["action_columns"]) + ([w["sheet_checked"]] if checked else [])
    widths = [0.05, 0.37, 0.11, 0.2, 0.1, 0.17] if not checked else [0.05, 0.33, 0.1, 0.19, 0.1, 0.14, 0.09]
    top = 0.9
    space = (top - 0.1) / max(len(sections), 1)
    for heading, actions in sections:
        fig.text(0.04, top, f"{heading}: {len(actions)}", fontsize=11, fontweight="bold", va="center")
        rows = _cells(actions[:ROWS_PER_PAGE], names, language, checked)
        if rows:
            height = min(space - 0.04, 0.022 * (len(rows) + 1))
            _table(fig, (0.04, top - 0.02 - height, 0.92, height), headings, rows, widths)
        else:
            fig.text(0.06, top - 0.03, w["actions_none"], fontsize=9, va="center")
        if len(actions) > ROWS_PER_PAGE:
            fig.text(0.06, top - space + 0.015, f"… +{len(actions) - ROWS_PER_PAGE}", fontsize=8)
        top -= space
    fig.text(0.04, 0.05, note, fontsize=8, va="center", wrap=True)
    fig.text(0.04, 0.03, SCB_ATTRIBUTION, fontsize=8, va="center")
    return fig


def period_actions_figure(briefing, size) -> Figure:
    """Draw the briefing's page on the area's actions of the period: done, ongoing, overdue."""
    w, request = words(briefing.language), briefing.published.request
    found = briefing.period_actions
    sections = [(w["actions_done"], found.done), (w["actions_ongoing"], found.ongoing), (w["actions_overdue"], found.overdue)]
    return sections_figure(w["actions_title"].format(area=request.area.name, period=request.period.code), sections,
                           briefing.responsible_names, briefing.language, size, w["actions_note"])
