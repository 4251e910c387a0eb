"""The committee's report: the promise and each commitment's status, the trends, the map of the period beside the
previous one, the action list summary, the activities and the privacy note, as a PDF or an offline HTML file."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import render_template
from flask_babel import force_locale
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from geoapp.domain.areas import SCB_ATTRIBUTION
from geoapp.domain.model import STOCKHOLM_TZ
from geoapp.export.briefing import Briefing, gather_briefing, parse_options
from geoapp.export.figure import A4_LANDSCAPE_INCHES, drawing, map_figure, map_png
from geoapp.export.tables import CSV_HEADER
from geoapp.export.wording import words
from geoapp.i18n import _
from geoapp.mapview.filters import QueryError, area_and_period
from geoapp.mapview.followup import Followup, build_followup
from geoapp.promise.charts import trend_figure
from geoapp.promise.presentation import SYMBOLS, NO_VALUE, PromisePage, promise_page

WIDTH, HEIGHT = A4_LANDSCAPE_INCHES
ROWS_PER_PAGE = 16


@dataclass(frozen=True)
class Report:
    """Everything the report shows, in its language: published numbers only."""

    language: str
    area: dict
    period: object
    promise: PromisePage
    briefing: Briefing  # the map of the period beside the previous one
    activities: Followup
    actions: dict | None  # published action counts per status, when there are actions
    generated: date

    @property
    def title(self) -> str:
        return _("Follow-up of the citizen promise: %(area)s, %(period)s", area=self.area["name"], period=self.period.code)


def gather_report(site, args) -> Report:
    """Collect the report of `args` (area, period: a year or tertial, lang), or raise QueryError."""
    language, _dpi = parse_options({"lang": args.get("lang")})
    area, period = area_and_period(site, args)
    if period.kind not in ("year", "tertial"):
        raise QueryError(_("the follow-up is per tertial: choose a year (%(year)s) or a tertial (%(year)s-T1)", year=period.year))
    with force_locale(language):
        page = promise_page(site, area["id"], period)
        briefing = gather_briefing(site, {"area": area["id"], "period": period.code, "compare": "1", "lang": language})
        activities = build_followup(site, area, period)
        return Report(language, area, period, page, briefing, activities, _action_counts(site, area),
                      datetime.now(ZoneInfo(STOCKHOLM_TZ)).date())


def _action_counts(site, area) -> dict | None:
    """Return the published actions of the area per status, or None when it has none."""
    from geoapp.privacy.actions import publish_actions
    from geoapp.store.actions import histories, list_actions

    with site.store.connect() as conn:
        rows = list_actions(conn, area_codes=area["members"])
        history = histories(conn, [r["id"] for r in rows])
    counts = publish_actions(rows, history, date.today()).counts()
    return counts if any(counts.values()) else None


def _text_page(title: str, lines: list[str]) -> Figure:
    fig = Figure(figsize=A4_LANDSCAPE_INCHES, facecolor="white")
    fig.text(0.04, 0.94, title, fontsize=15, fontweight="bold", va="center")
    for i, line in enumerate(lines):
        fig.text(0.04, 0.88 - i * 0.035, line, fontsize=9.5, va="center", wrap=True)
    return fig


def _table_page(title: str, headings: list[str], rows: list[list[str]], notes: list[str] = ()) -> Figure:
    fig = Figure(figsize=A4_LANDSCAPE_INCHES, facecolor="white")
    fig.text(0.04, 0.94, title, fontsize=14, fontweight="bold", va="center")
    ax = fig.add_axes((0.04, 0.14, 0.92, 0.74))
    ax.axis("off")
    height = min(1.0, 0.06 * (len(rows) + 1))
    table = ax.table(cellText=rows or [[""] * len(headings)], colLabels=headings, cellLoc="left", colLoc="left",
                     bbox=(0, 1 - height, 1, height))
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    for (row, _column), cell in table.get_celld().items():
        cell.set_edgecolor("#d1d5db")
        if row == 0:
            cell.set_text_props(fontweight="bold")
            cell.set_facecolor("#f3f4f6")
    for i, note in enumerate(notes):
        fig.text(0.04, 0.09 - i * 0.03, note, fontsize=8.5, va="center")
    return fig


def _value(value) -> str:
    from geoapp.i18n import number

    return "–" if value is None else number(value)


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def _pages(report: Report) -> list[Figure]:
    """Draw every page of the report; hold `drawing()` and the report's locale while calling."""
    page, pages = report.promise, []
    intro = [_("Made %(date)s for the municipality's committee and the police's management group.",
               date=report.generated.isoformat())]
    if page.followup.promise is not None:
        intro += [page.title, _("Parties: %(parties)s.", parties=", ".join(page.parties)),
                  _("In force in %(year)s.", year=report.period.year) if page.in_force else
                  _("Not in force in %(year)s (in force: %(years)s); no target applies.", year=report.period.year,
                    years=", ".join(map(str, page.followup.promise.years)))]
        if page.note:
            intro.append(page.note)
    pages.append(_text_page(report.title, [_wrap(line, 150) for line in intro]))
    if page.commitments:
        rows = [[c.party, _wrap(c.wording, 70), c.indicator, c.target, c.status_label] for c in page.commitments]
        pages.append(_table_page(_("Commitments and their status in %(year)s", year=report.period.year),
                                 [_("Party"), _("Commitment"), _("Indicator"), _("Target"), _("Status")], rows,
                                 [_("✓ met, ◐ partly met, ✗ not met, ? no published value; – without a symbol: no target. "
                                    "A status is computed from the value and the target, never entered.")]))
        readings = [[c.indicator, area] + [_value(v) + ("" if s == "no_target" else f" {SYMBOLS[s]}") for v, s in cells]
                    for c in page.commitments for area, cells in c.rows]
        pages.append(_table_page(_("Value of each indicator per tertial and year (status against the target)"),
                                 [_("Indicator"), _("Area")] + page.periods, readings))
    for trend, _uri in page.charts:
        pages.append(_trend_page(trend, report.language))
    pages.append(map_figure(report.briefing, A4_LANDSCAPE_INCHES))
    if report.actions is not None:
        from geoapp.domain.actions import status_label

        pages.append(_table_page(_("Actions: the action list of %(area)s", area=report.area["name"]),
                                 [_("Status"), _("Actions")],
                                 [[_("overdue") if s == "overdue" else status_label(s, report.language), str(n)]
                                  for s, n in report.actions.items()]))
    activity_rows = [[r.tertial, r.area_name, str(r.dialogues), str(r.dialogue_participants), str(r.police_presence),
                      _value(r.police_presence_hours), str(r.advice)] for r in report.activities.rows]
    for first in range(0, max(len(activity_rows), 1), ROWS_PER_PAGE):
        pages.append(_table_page(_("Activities per tertial and area"), [_wrap(_(h), 16) for h in CSV_HEADER[:7]],
                                 activity_rows[first:first + ROWS_PER_PAGE]))
    pages.append(_text_page(_("About the numbers"), [_wrap(line, 150) for line in _privacy_lines(report)]))
    return pages


def _trend_page(trend, language: str) -> Figure:
    fig = Figure(figsize=A4_LANDSCAPE_INCHES, facecolor="white")
    fig.text(0.04, 0.95, trend.title, fontsize=14, fontweight="bold", va="center")
    top, bottom = fig.subfigures(2, 1, height_ratios=[1.1, 1])
    trend_figure(trend, _(NO_VALUE), language, top)
    rows = [[f"{name}: {label}" if len(trend.series) > 1 else name] + [_value(trend.value(a, s, p)) for p in trend.periods]
            for a, name in trend.areas for s, label in trend.series]
    ax = bottom.add_axes((0.04, 0.04, 0.92, 0.9))
    ax.axis("off")
    height = min(1.0, 0.09 * (len(rows) + 1))
    table = ax.table(cellText=rows, colLabels=[_("Area")] + list(trend.periods), cellLoc="left", colLoc="left",
                     bbox=(0, 1 - height, 1, height))
    table.auto_set_font_size(False)
    table.set_fontsize(7 if len(rows) > 8 else 8)
    for (row, _column), cell in table.get_celld().items():
        cell.set_edgecolor("#d1d5db")
    return fig


def _privacy_lines(report: Report) -> list[str]:
    published = report.briefing.published
    w = words(report.language)
    return [w["privacy"].format(k=published.k, walks=published.min_walks, noise=published.noise),
            _("Activities count only once they ended at least %(days)s days ago; no future activity is ever shown.",
              days=report.activities.delay_days),
            _("Survey results are aggregates of at least %(n)s respondents, shown as entered.", n=_survey_min_n()),
            _("Observations per walk are the published observations divided by the published walks; "
              "– means the privacy rules publish nothing there."),
            SCB_ATTRIBUTION]


def _survey_min_n() -> int:
    from flask import current_app

    return current_app.extensions["geoapp"].settings["SURVEY_MIN_N"]


def report_pdf(report: Report) -> bytes:
    """Return the report as an A4 landscape PDF."""
    buffer = io.BytesIO()
    with force_locale(report.language), drawing(), PdfPages(buffer, metadata={"Title": report.title,
                                                                              "Creator": "geoapp"}) as pdf:
        for figure in _pages(report):
            pdf.savefig(figure)
    return buffer.getvalue()


def report_html(report: Report) -> bytes:
    """Return the report as one offline HTML file: styles, charts and the map inside it."""
    from geoapp.resources import PACKAGE_DIR

    with force_locale(report.language):
        map_uri = "data:image/png;base64," + base64.b64encode(map_png(report.briefing)).decode("ascii")
        from geoapp.domain.actions import status_label

        def action_label(status: str) -> str:
            return _("overdue") if status == "overdue" else status_label(status, report.language)

        page = render_template("report.html", report=report, promise=report.promise, promise_problem=None,
                               action_label=action_label,
                               symbols=SYMBOLS, map_uri=map_uri, headers=CSV_HEADER, lang=report.language,
                               css=(PACKAGE_DIR / "static" / "geoapp.css").read_text(encoding="utf-8"),
                               privacy=_privacy_lines(report))
    return page.encode("utf-8")


FORMATS = {"pdf": ("application/pdf", report_pdf), "html": ("text/html; charset=utf-8", report_html)}


def report_filename(report: Report, extension: str) -> str:
    """Return an ASCII file name saying area and period, e.g. geoapp_rapport_vastra-borlange_2025-T2.pdf."""
    from geoapp.domain.areas import slugify

    return f"geoapp_rapport_{slugify(report.area['id']) or 'area'}_{report.period.code}.{extension}"
