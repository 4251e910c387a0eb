"""Trend charts drawn on the server as SVG small multiples (one panel per area), with matplotlib.

Each point carries its area, series, period and value in its SVG id (`point|area|series|period|value`),
so what a chart draws can be checked against the table beside it and the API.
"""

from __future__ import annotations

import base64
import io
import math

import matplotlib
from babel.numbers import get_decimal_symbol
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, ScalarFormatter

from geoapp.export.figure import drawing
from geoapp.privacy.series import PublishedTrend, require_trend
from geoapp.promise.indicators import COUNT

COLORS = ("#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c", "#0f766e")
MARKERS = ("o", "s", "^", "D", "v", "P")
LINESTYLES = ("-", (0, (4, 2)), (0, (1, 1.5)), "-.")
PANEL_INCHES = (2.9, 2.2)
# Text stays text (searchable in the PDF, small in SVG); fixed ids make the same trend the same file.
SVG_RC = {"svg.fonttype": "none", "svg.hashsalt": "geoapp-trend", "font.size": 8}


def _period_label(code: str) -> str:
    return code.replace("-", "\n", 1) if "-T" in code else code


class DecimalFormatter(ScalarFormatter):
    """Axis tick labels as matplotlib chooses them, written with a language's decimal separator (Swedish 12,5)."""

    def __init__(self, language: str):
        super().__init__(useOffset=False)
        self.decimal = get_decimal_symbol(language)

    def __call__(self, x, pos=None):
        return super().__call__(x, pos).replace(".", self.decimal)


def trend_figure(trend: PublishedTrend, no_value: str, language: str, into=None) -> Figure:
    """Draw one panel per area of `trend` on a shared scale, into a new figure or a subfigure; hold `drawing()`.

    Tick labels are written the way `language` writes numbers; the drawing processes have no request to ask.
    """
    trend = require_trend(trend)
    count = len(trend.areas)
    fig = into if into is not None else Figure(
        figsize=(PANEL_INCHES[0] * count + 0.4, PANEL_INCHES[1] + (0.35 if len(trend.series) > 1 else 0)),
        facecolor="white")
    axes = fig.subplots(1, count, sharey=True, squeeze=False)[0]
    known = [v for v in trend.values.values() if v is not None]
    top = max(known) if known else 1
    x = list(range(len(trend.periods)))
    for ax, (area_id, name) in zip(axes, trend.areas):
        for i, (series, label) in enumerate(trend.series):
            ys = [trend.value(area_id, series, p) for p in trend.periods]
            color, marker = COLORS[i % len(COLORS)], MARKERS[i % len(MARKERS)]
            # Earlier series are drawn wider and dashed differently, so two series with the same values (as many
            # actions done as open) still show both, not one line over the other.
            wider = min(len(trend.series) - 1 - i, 2)  # at most two steps, so that many series stay thin
            ax.plot(x, [math.nan if y is None else y for y in ys], color=color, linewidth=1.4 + 1.2 * wider,
                    linestyle=LINESTYLES[i % len(LINESTYLES)], label=label if ax is axes[0] else None)
            for xi, period, y in zip(x, trend.periods, ys):
                if y is None:
                    continue
                point, = ax.plot([xi], [y], linestyle="", marker=marker, markersize=4 + 1.8 * wider, color=color)
                point.set_gid(f"point|{area_id}|{series}|{period}|{y:g}")
        ax.set_title(name, fontsize=8.5, loc="left")
        ax.set_xticks(x, [_period_label(p) for p in trend.periods], fontsize=6.5)
        ax.set_ylim(0, top * 1.15 if top > 0 else 1)
        if trend.unit == COUNT:
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # no tick at half a walk or action
        ax.yaxis.set_major_formatter(DecimalFormatter(language))
        ax.grid(axis="y", color="#e5e7eb", linewidth=0.6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        missing = sum(trend.value(area_id, s, p) is None for s, _l in trend.series for p in trend.periods)
        if missing == len(trend.series) * len(trend.periods):
            ax.text(0.5, 0.5, no_value, transform=ax.transAxes, ha="center", va="center", fontsize=7.5, color="#6b7280")
    if len(trend.series) > 1:
        fig.legend(loc="lower center", ncol=min(len(trend.series), 5), fontsize=7, frameon=False)
        fig.subplots_adjust(bottom=0.33)
    else:
        fig.subplots_adjust(bottom=0.2)
    fig.subplots_adjust(left=0.06 if count > 1 else 0.15, right=0.98, top=0.86, wspace=0.12)
    return fig


def trend_svg(trend: PublishedTrend, no_value: str, language: str) -> bytes:
    """Return the trend's small multiples as an SVG document, its numbers written as `language` writes them."""
    buffer = io.BytesIO()
    with drawing(), matplotlib.rc_context(SVG_RC):
        trend_figure(trend, no_value, language).savefig(buffer, format="svg", metadata={"Date": None, "Creator": "geoapp"})
    return buffer.getvalue()


def svg_data_uri(svg: bytes) -> str:
    """Return an SVG as a data: URI, which the pages' Content-Security-Policy lets an <img> show."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def chart_uri(site, trend: PublishedTrend, no_value: str, language: str) -> str:
    """Return the trend's SVG as a data: URI, drawn once for the same numbers, words and language."""
    trend = require_trend(trend)
    key = ("trend_svg", trend.key, trend.title, trend.periods, trend.areas, trend.series,
           tuple(sorted(trend.values.items())), no_value, language)
    return site.cached(key, None, lambda: svg_data_uri(trend_svg(trend, no_value, language)))
