"""The published numbers as data files: GeoJSON (RFC 7946) and CSV that Excel opens with å ä ö intact."""

from __future__ import annotations

import csv
import io
import json

from geoapp.export.wording import words
from geoapp.i18n import N_, _
from geoapp.mapview.geojson import cells_geojson
from geoapp.privacy.published import SAFE_PLACE, require_published

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection); a leading apostrophe stops it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Return a cell a spreadsheet shows as it is, never evaluates: text like a formula gets an apostrophe in front."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def neutralised(value) -> str:
    """Return a CSV field as text a spreadsheet shows as it is, never evaluates."""
    return neutralise("" if value is None else str(value))


def geojson_document(briefing) -> bytes:
    """Return the published cells of the view as an RFC 7946 GeoJSON document (WGS84 lon/lat, no crs member)."""
    return json.dumps(cells_geojson(require_published(briefing.published)), ensure_ascii=False).encode("utf-8")


def csv_document(briefing) -> bytes:
    """Return one row per published cell (period, layer, cell, area, count, counts per category), UTF-8 with BOM."""
    published = require_published(briefing.published)
    w = words(briefing.language)
    names = dict(zip(briefing.areas["id"], briefing.areas["name"]))
    categories = [key for key in briefing.labels if key != SAFE_PLACE]
    buffer = io.StringIO()
    # Semicolons: Excel set to Swedish (decimal comma) splits columns on them, and so does every CSV reader told to.
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralised(h) for h in (*w["csv_header"], *(briefing.labels[c] for c in categories))])
    for layer in published.layers:
        for name, cells in ((w["observations"], layer.cells), (w["safe_layer"], layer.safe_places)):
            for cell in cells:
                shown = dict(cell.categories)
                row = [layer.period.code, name, cell.cell, cell.area_code, names.get(cell.area_code, ""), cell.count]
                writer.writerow([neutralised(v) for v in row + [shown.get(c, "") for c in categories]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


CSV_HEADER = [N_("Tertial"), N_("Area"), N_("Dialogues held"), N_("Participants in dialogues"),
              N_("Police presence occasions"), N_("Police presence hours"), N_("Advice sessions"),
              N_("Safety-walk observations"), N_("Actions decided"), N_("Actions done"), N_("Actions overdue"),
              N_("Actions open"), N_("Median days from walk to done")]


def followup_csv(followup) -> str:
    """Return the follow-up table as CSV text with a BOM, so that Excel reads it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_(title) for title in CSV_HEADER])
    for r in followup.rows:
        observations = r.observations if r.observations is not None else r.observations_note
        median = r.median_days_to_done if r.median_days_to_done is not None else _("fewer than %(k)s or protected",
                                                                                        k=followup.k)
        writer.writerow([neutralise(v) for v in (r.tertial, r.area_name, r.dialogues, r.dialogue_participants,
                                                  r.police_presence, r.police_presence_hours, r.advice, observations,
                                                  r.actions_decided, r.actions_done, r.actions_overdue,
                                                  r.actions_open, median)])
    return "\ufeff" + out.getvalue()
