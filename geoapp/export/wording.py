"""The words of printed and offline exports, Swedish by default and English on request."""

from __future__ import annotations

LANGUAGES = ("sv", "en")

_TEXTS = {
    "sv": {
        "title": "Trygghetsvandringar: {area}, {period}",
        "subtitle": "Observationer per ruta ({grid} m, SWEREF 99 TM){category}",
        "category": ", kategori: {label}",
        "generated": "Skapad {date}",
        "privacy": "Tal under {k} observationer visas inte, inte heller tal från färre än {walks} vandringar eller tal "
                   "som skulle avslöja ett dolt tal. Varje tal består av delar som flyttats upp eller ned med högst "
                   "{noise}, så att skillnader mellan vyer och dagar aldrig ger en vandrings exakta antal.",
        "legend": "Teckenförklaring",
        "class": "{label} observationer per ruta",
        "or_more": "{lower} eller fler",
        "safe": "Trygg plats (räknas på samma sätt)",
        "focus": "Valt område",
        "group": "Områdesgrupp",
        "context": "Övriga RegSO-områden",
        "panel": "{period}: {count} observationer, {walks}",
        "walks": "{n} vandringar",
        "no_walks": "inga vandringar",
        "hidden_walks": "antal vandringar skyddat",
        "approximation": "{area} har ingen officiell gräns: området visas som en union av RegSO-områden "
                         "(statistisk approximation).",
        "hidden_count": "färre än {k}",
        "tiles_capped": "Bakgrundskartan finns i filen till zoomnivå {zoom}, inte till {wanted}: djupare nivåer skulle "
                        "ta mer än {mib} MiB (GEOAPP_EXPORT_HTML_TILES_MB). Närmare än så förstoras kartan.",
        "tiles_none": "Bakgrundskartan finns inte i filen: redan dess grundaste nivå här tar mer än {mib} MiB "
                      "(GEOAPP_EXPORT_HTML_TILES_MB).",
        "table_title": "Sammanfattning: {area}, {period}",
        "table_heading": "Observationer per kategori",
        "column_category": "Kategori",
        "column_period": "Vald period",
        "column_previous": "Föregående period",
        "column_year_before": "Samma period föregående år",
        "row_all": "Alla kategorier (utom trygg plats)",
        "row_walks": "Vandringar",
        "activities": "Aktiviteter (visas med fördröjning)",
        "dash_note": "– = färre än {k} observationer eller skyddat tal, som inte publiceras.",
        "dialogue": "Medborgardialoger",
        "police_presence": "Polisnärvaro",
        "advice": "Rådgivning",
        "dialogue_symbol": "Medborgardialog eller rådgivning (talet: antal under perioden)",
        "presence_symbol": "Polisnärvaro (talet: antal tillfällen under perioden)",
        "observations": "observationer",
        "safe_layer": "trygg plats",
        "actions_title": "Åtgärder: {area}, {period}",
        "actions_done": "Åtgärdade under perioden",
        "actions_ongoing": "Beslutade eller pågående",
        "actions_overdue": "Försenade (slutdatum passerat)",
        "actions_none": "Inga.",
        "action_columns": ("Nr", "Åtgärd", "Status", "Ansvarig", "Klart senast", "Plats"),
        "actions_note": "Beslutade åtgärder visas; förslag publiceras inte. En åtgärd visas på sin namngivna plats "
                        "eller mitt i sin ruta om 250 m.",
        "action_symbol": "Åtgärd: {status}",
        "sheet_title": "Vandringsunderlag: {area}",
        "sheet_open": "Åtgärder som ännu inte är klara: kontrollera på plats",
        "sheet_checked": "Kontrollerad",
        "sheet_found": "Vad de senaste vandringarna hittade ({period}, publicerade tal)",
        "csv_header": ("period", "lager", "ruta", "områdeskod", "område", "antal"),
        "attribution": "Bygger på SCB RegSO 2025 (CC0)",
    },
    "en": {
        "title": "Safety walks: {area}, {period}",
        "subtitle": "Observations per square ({grid} m, SWEREF 99 TM){category}",
        "category": ", category: {label}",
        "generated": "Generated {date}",
        "privacy": "Numbers below {k} observations are not shown, nor numbers from fewer than {walks} walks or numbers "
                   "that would reveal a hidden one. Every number is made of parts moved up or down by at most {noise}, "
                   "so differences between views and days never give one walk's exact count.",
        "legend": "Legend",
        "class": "{label} observations in a square",
        "or_more": "{lower} or more",
        "safe": "Place that feels safe (counted the same way)",
        "focus": "Chosen area",
        "group": "Area group",
        "context": "Other RegSO areas",
        "panel": "{period}: {count} observations, {walks}",
        "walks": "{n} walks",
        "no_walks": "no walks",
        "hidden_walks": "number of walks protected",
        "approximation": "{area} has no official boundary: it is shown as a union of RegSO areas "
                         "(a statistical approximation).",
        "hidden_count": "fewer than {k}",
        "tiles_capped": "The basemap is in the file down to zoom level {zoom}, not {wanted}: deeper levels would take "
                        "more than {mib} MiB (GEOAPP_EXPORT_HTML_TILES_MB). Closer in, the map is enlarged.",
        "tiles_none": "The basemap is not in the file: even its shallowest level here takes more than {mib} MiB "
                      "(GEOAPP_EXPORT_HTML_TILES_MB).",
        "table_title": "Summary: {area}, {period}",
        "table_heading": "Observations per category",
        "column_category": "Category",
        "column_period": "Chosen period",
        "column_previous": "Previous period",
        "column_year_before": "Same period a year earlier",
        "row_all": "All categories (except places that feel safe)",
        "row_walks": "Walks",
        "activities": "Activities (shown after a delay)",
        "dash_note": "– = fewer than {k} observations or a protected number, not published.",
        "dialogue": "Citizen dialogues",
        "police_presence": "Police presence",
        "advice": "Advice",
        "dialogue_symbol": "Citizen dialogue or advice (the number: how many in the period)",
        "presence_symbol": "Police presence (the number: occasions in the period)",
        "observations": "observations",
        "safe_layer": "place that feels safe",
        "actions_title": "Actions: {area}, {period}",
        "actions_done": "Done in the period",
        "actions_ongoing": "Decided or in progress",
        "actions_overdue": "Overdue (past the due date)",
        "actions_none": "None.",
        "action_columns": ("No.", "Action", "Status", "Responsible", "Due", "Place"),
        "actions_note": "Decided actions are shown; proposals are not published. An action is shown at its named "
                        "place or at the centre of its 250 m square.",
        "action_symbol": "Action: {status}",
        "sheet_title": "Walk sheet: {area}",
        "sheet_open": "Actions not finished yet: check them on the spot",
        "sheet_checked": "Checked",
        "sheet_found": "What the last walks found ({period}, published numbers)",
        "csv_header": ("period", "layer", "cell", "area_code", "area", "count"),
        "attribution": "Based on SCB RegSO 2025 (CC0)",
    },
}


def words(language: str) -> dict:
    """Return the export texts of `language` (sv or en)."""
    return _TEXTS[language]


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
