"""The words of printed and offline exports, Swedish by default and English on request."""

from __future__ import annotations

import re
from functools import lru_cache

from babel.support import Translations

from geoapp.i18n import LANGUAGES, TRANSLATIONS


@lru_cache(maxsize=len(LANGUAGES))
def words(language: str) -> dict:
    """Return the export texts of `language` (sv or en) from the catalogues, with {name} placeholders to format."""
    # Exports are drawn in processes without a Flask app, so the catalogue is read here rather than through Flask-Babel.
    t = Translations.load(str(TRANSLATIONS), [language])
    texts = {
        "title": t.pgettext("export", "Safety walks: %(area)s, %(period)s"),
        "subtitle": t.pgettext("export", "Observations per square (%(grid)s m, SWEREF 99 TM)%(category)s"),
        "category": t.pgettext("export", ", category: %(label)s"),
        "generated": t.pgettext("export", "Generated %(date)s"),
        "privacy": t.pgettext("export", "Numbers below %(k)s observations are not shown, nor numbers from fewer than "
                                        "%(walks)s walks or numbers that would reveal a hidden one. Every number is "
                                        "made of parts moved up or down by at most %(noise)s, so differences between "
                                        "views and days never give one walk's exact count."),
        "legend": t.pgettext("export", "Legend"),
        "layers": t.pgettext("export", "Layers of the map"),
        "class": t.pgettext("export", "%(label)s observations in a square"),
        "or_more": t.pgettext("export", "%(lower)s or more"),
        "safe": t.pgettext("export", "Place that feels safe (counted the same way)"),
        "focus": t.pgettext("export", "Chosen area"),
        "group": t.pgettext("export", "Area group"),
        "context": t.pgettext("export", "Other RegSO areas"),
        "panel": t.pgettext("export", "%(period)s: %(count)s observations, %(walks)s"),
        "walks": t.pgettext("export", "%(n)s walks"),
        "no_walks": t.pgettext("export", "no walks"),
        "hidden_walks": t.pgettext("export", "number of walks protected"),
        "approximation": t.pgettext("export", "%(area)s has no official boundary: it is shown as a union of RegSO "
                                              "areas (a statistical approximation)."),
        "hidden_count": t.pgettext("export", "fewer than %(k)s"),
        "tiles_capped": t.pgettext("export", "The basemap is in the file down to zoom level %(zoom)s, not "
                                             "%(wanted)s: deeper levels would take more than %(mib)s MiB "
                                             "(GEOAPP_EXPORT_HTML_TILES_MB). Closer in, the map is enlarged."),
        "tiles_none": t.pgettext("export", "The basemap is not in the file: even its shallowest level here takes "
                                           "more than %(mib)s MiB (GEOAPP_EXPORT_HTML_TILES_MB)."),
        "table_title": t.pgettext("export", "Summary: %(area)s, %(period)s"),
        "table_heading": t.pgettext("export", "Observations per category"),
        "column_category": t.pgettext("export", "Category"),
        "column_period": t.pgettext("export", "Chosen period"),
        "column_previous": t.pgettext("export", "Previous period"),
        "column_year_before": t.pgettext("export", "Same period a year earlier"),
        "row_all": t.pgettext("export", "All categories (except places that feel safe)"),
        "row_walks": t.pgettext("export", "Walks"),
        "activities": t.pgettext("export", "Activities (shown after a delay)"),
        "dash_note": t.pgettext("export", "– = fewer than %(k)s observations or a protected number, not published."),
        "dialogue": t.pgettext("export", "Citizen dialogues"),
        "police_presence": t.pgettext("export", "Police presence"),
        "advice": t.pgettext("export", "Advice"),
        "dialogue_symbol": t.pgettext("export", "Citizen dialogue or advice (the number: how many in the period)"),
        "presence_symbol": t.pgettext("export", "Police presence (the number: occasions in the period)"),
        "observations": t.pgettext("export", "observations"),
        "safe_layer": t.pgettext("export", "place that feels safe"),
        "actions_title": t.pgettext("export", "Actions: %(area)s, %(period)s"),
        "actions_done": t.pgettext("export", "Done in the period"),
        "actions_ongoing": t.pgettext("export", "Decided or in progress"),
        "actions_overdue": t.pgettext("export", "Overdue (past the due date)"),
        "actions_none": t.pgettext("export", "None."),
        "action_columns": (t.pgettext("export", "No."),
                           t.pgettext("export", "Action"),
                           t.pgettext("export", "Status"),
                           t.pgettext("export", "Responsible"),
                           t.pgettext("export", "Due"),
                           t.pgettext("export", "Place")),
        "actions_note": t.pgettext("export", "Decided actions are shown; proposals are not published. An action is "
                                             "shown at its named place or at the centre of its 250 m square."),
        "action_symbol": t.pgettext("export", "Action: %(status)s"),
        "sheet_title": t.pgettext("export", "Walk sheet: %(area)s"),
        "sheet_open": t.pgettext("export", "Actions not finished yet: check them on the spot"),
        "sheet_checked": t.pgettext("export", "Checked"),
        "sheet_found": t.pgettext("export", "What the last walks found (%(period)s, published numbers)"),
        "csv_header": (t.pgettext("export", "period"),
                       t.pgettext("export", "layer"),
                       t.pgettext("export", "cell"),
                       t.pgettext("export", "area_code"),
                       t.pgettext("export", "area"),
                       t.pgettext("export", "count")),
        "attribution": t.pgettext("export", "Based on SCB RegSO 2025 (CC0)"),
        "demo_mark": t.pgettext("export", "Demo: invented data"),
        "demo": t.pgettext("export", "Demo: every walk, observation and activity here is invented (synthetic data), "
                                     "not what happened in Borlänge."),
    }
    return {key: _placeholders(text) for key, text in texts.items()}


def _placeholders(text: str | tuple[str, ...]) -> str | tuple[str, ...]:
    # The catalogues write placeholders as %(name)s, checked against the source; the exporters fill them by str.format.
    if isinstance(text, tuple):
        return tuple(_placeholders(t) for t in text)
    return re.sub(r"%\((\w+)\)s", r"{\1}", text)


def panel_text(published, period: str, language: str) -> str:
    """Return a map panel's caption: the area's count and walks in `period`, or that it had no walks."""
    w, request = words(language), published.request
    walks = published.walks_in(request.area.id, period)
    if walks == 0:
        return f"{period}: {w['no_walks']}"
    n = published.area_counts(period, request.category or "all").get(request.area.id)
    count = str(n) if n is not None else w["hidden_count"].format(k=published.k)
    return w["panel"].format(period=period, count=count,
                             walks=w["hidden_walks"] if walks is None else w["walks"].format(n=walks))


def class_label(color_class, language: str) -> str:
    """Return a colour class's range ('5–9', '40 eller fler') in `language`."""
    if color_class.upper is None:
        return words(language)["or_more"].format(lower=color_class.lower)
    return color_class.label
