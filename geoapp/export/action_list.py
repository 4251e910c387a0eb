"""The action list as a file to download: CSV for Excel in Swedish and XLSX, under the headers an import reads back."""

from __future__ import annotations

import csv
import io

import openpyxl

from geoapp.actions.files import EXPORT_COLUMNS
from geoapp.domain.actions import status_label
from geoapp.export.tables import neutralise


def export_rows(site, rows: list[dict], language: str) -> list[list[str]]:
    """Return the action list as rows of text under EXPORT_COLUMNS' headers (what an import reads back)."""
    areas = site.areas_by_id()
    labels, responsible = site.vocabulary().labels(language), site.responsible()
    names = {c.key: c.label(language) for c in responsible.categories}
    out = []
    for a in rows:
        values = {"id": str(a["id"]), "title": a["title"], "category": labels.get(a["category"], "") if a["category"] else "",
                  "place": a.get("place_name") or "", "area": areas.get(a["area_code"], {}).get("name", a["area_code"]),
                  "responsible": names.get(a["responsible"], a["responsible"]),
                  "due": a["due"].isoformat() if a["due"] else "", "status": status_label(a["status"], language),
                  "notes": a["notes"], "reason": a["reason"], "walk": a.get("walk_name") or "",
                  "lat": "" if a.get("place_id") else f"{a['lat']:.6f}", "lon": "" if a.get("place_id") else f"{a['lon']:.6f}"}
        out.append([values[key] for key, _header in EXPORT_COLUMNS])
    return out


def actions_csv(rows: list[list[str]]) -> bytes:
    """Return the list as CSV for Excel in Swedish: UTF-8 with BOM, semicolons, formulas neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([header for _key, header in EXPORT_COLUMNS])
    writer.writerows([[neutralise(v) for v in row] for row in rows])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def actions_xlsx(rows: list[list[str]]) -> bytes:
    """Return the list as an XLSX workbook of one sheet, every cell text (never a formula)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Åtgärdslista"
    sheet.append([header for _key, header in EXPORT_COLUMNS])
    for row in rows:
        sheet.append([neutralise(v) for v in row])
    for column, width in zip("ABCDEFGHIJKLM", (6, 40, 18, 24, 18, 30, 12, 12, 40, 30, 20, 11, 11)):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
