"""The action list in from CSV or XLSX, in the columns a municipality keeps in its spreadsheet.

An import is checked whole first and stored in one transaction, or not at all: rows with a number (Nr) change
that action (its status through the status rules), rows without one add an action.
"""

from __future__ import annotations

from datetime import datetime, timezone

from geoapp.actions.records import Context, _action, check_fields, sweref_point
from geoapp.domain.actions import ActionError, change_status, creation, status_label
from geoapp.domain.users import Actor
from geoapp.i18n import N_, _
from geoapp.ingest import fields as parse
from geoapp.ingest.columns import LOCATION_ALIASES, Layout
from geoapp.ingest.importer import receive
from geoapp.ingest.report import IMPORTED, ImportReport, RowError, rejected
from geoapp.ingest.rows import read_columns
from geoapp.ingest.table import RawTable
from geoapp.store import actions as stored
from geoapp.store import audit

KIND = "actions"
LAYOUT = Layout(
    {"id": ("nr", "id", "nummer", "number", "åtgärdsnummer", "löpnummer"),
     "title": ("åtgärd", "atgard", "action", "title", "titel", "rubrik", "beskrivning av åtgärd"),
     "category": ("kategori", "category"),
     "place": ("plats", "place", "platsnamn", "place name"),
     "responsible": ("ansvarig", "responsible", "ansvarig organisation", "ansvarig aktör", "huvudman", "owner"),
     "due": ("klart senast", "klart", "klart till", "deadline", "due", "due date", "datum klart", "tidplan",
             "slutdatum", "färdigt senast"),
     "status": ("status", "läge"),
     "notes": ("anteckning", "anteckningar", "kommentar", "kommentarer", "notes", "note", "comment", "comments",
               "uppföljning"),
     "reason": ("skäl", "motivering", "reason", "orsak", "varför ej"),
     "walk": ("vandring", "walk", "trygghetsvandring"),
     "area": ("område", "area"),
     **{k: v for k, v in LOCATION_ALIASES.items() if k != "geopoint"}},
    (("title", N_("no action column (åtgärd/action)")), ("responsible", N_("no responsible column (ansvarig/responsible)"))),
    location=False,
)
# The columns of the downloaded list (export.action_list), which an import reads back: the Swedish headers a
# municipality's list has.
EXPORT_COLUMNS = (("id", "Nr"), ("title", "Åtgärd"), ("category", "Kategori"), ("place", "Plats"), ("area", "Område"),
                  ("responsible", "Ansvarig"), ("due", "Klart senast"), ("status", "Status"),
                  ("notes", "Anteckning"), ("reason", "Skäl"), ("walk", "Vandring"), ("lat", "Latitud"),
                  ("lon", "Longitud"))
TEXT_FIELDS = ("title", "category", "place", "responsible", "due", "status", "notes", "reason", "walk", "lat", "lon")


def _cells(table: RawTable, found, name: str):
    if name not in found.columns.fields:
        return None
    return parse.as_text(table.cells[found.columns.fields[name]])


def check_rows(table: RawTable, filename: str, context: Context, known_ids: set[int]) -> tuple[list, list[RowError]]:
    """Check every row; return (row number, action id or None, clean values) for each, or the problems."""
    table, found, usable = read_columns(table, filename, LAYOUT, _("the file has no actions"))
    if not usable:
        return [], found.errors
    columns = {name: _cells(table, found, name) for name in (*TEXT_FIELDS, "id", "n", "e")}
    checked, seen = [], {}
    for row in table.cells.index:
        if row in found.bad_rows:
            continue
        values = {name: (cells[row] if cells is not None else "") for name, cells in columns.items()}
        problems: dict[str, str] = {}
        point = None
        if not values["place"] and columns["n"] is not None and (values["n"] or values["e"]):
            point, problem = sweref_point(values["n"], values["e"])
            if problem:
                problems["n"] = problem
        clean, errors = check_fields(values, context, point)
        problems.update(errors)
        action_id = None
        if values["id"]:
            action_id = int(values["id"]) if values["id"].isdigit() else None
            if action_id is None or action_id not in known_ids:
                problems["id"] = _("no action has this number; leave Nr empty for a new action")
            elif action_id in seen:
                problems["id"] = _("the same action as row %(row)s", row=seen[action_id])
            else:
                seen[action_id] = row
        for name, message in problems.items():
            shown = "" if name in ("notes", "reason") else values.get(name, "")
            found.errors.append(RowError(filename, int(row), _column(found, name), str(shown)[:60], message))
        if not problems:
            checked.append((int(row), action_id, clean))
    return checked, found.errors


def _column(found, name: str) -> str | None:
    """Return the header of the column a field's problem is in (a point's latitude or northing for the place)."""
    fields = found.columns.fields
    for candidate in ((name,) if name != "place" else ("place", "lat", "n")):
        if candidate in fields:
            return found.header(candidate)
    return found.header("n") if name == "n" and "n" in fields else None


def import_actions(site, data: bytes, filename: str | None, by: str | None = None, sheet: str | None = None,
                   address: str | None = None) -> ImportReport:
    """Import an action list (CSV or XLSX); the same function serves the upload page and the command line."""
    received = receive(site, data, filename, KIND, sheet, formats=("csv", "xlsx"))
    if isinstance(received, ImportReport):
        return received
    name, _digest, table = received
    actor = Actor(by, address)
    now = datetime.now(timezone.utc)
    with site.store.begin() as conn:
        current = {a["id"]: a for a in stored.list_actions(conn)}
        rows, errors = check_rows(table, name, Context.load(site, conn), set(current))
        moves = []
        for row, action_id, clean in rows:
            if action_id is not None and clean["status"] != current[action_id]["status"]:
                try:
                    moves.append((action_id, change_status(_action(current[action_id]), clean["status"], actor.name, now,
                                                           _("imported from %(file)s", file=name), clean["reason"])[1]))
                except ActionError as exc:
                    errors.append(RowError(name, row, None, status_label(clean["status"]), str(exc)))
        if errors:
            return rejected(name, errors, KIND)
        added, changed, duplicates = _store(conn, rows, current, dict(moves), actor, now, name)
        audit.record(conn, "actions_import", actor=actor.name,
                     detail=f"actions file {name}: {added} added, {changed} changed", address=actor.address)
    return ImportReport(IMPORTED, name, rows=added + changed, duplicates=duplicates, kind=KIND)


def _same(clean: dict, row: dict) -> bool:
    return all(clean[k] == row[k] for k in ("title", "responsible", "area_code", "place_id", "due"))


def _store(conn, rows, current, moves, actor: Actor, now, name: str) -> tuple[int, int, list[dict]]:
    added = changed = 0
    duplicates = []
    for row, action_id, clean in rows:
        if action_id is None:
            twin = next((a for a in current.values() if _same(clean, a)), None)
            if twin is not None:
                duplicates.append({"row": row, "message": _("already listed as action %(id)s (same title, place, "
                                                            "responsible and due date)", id=twin["id"])})
                continue
            first = creation(_action(clean), actor.name, now, _("imported from %(file)s", file=name))
            new_id = stored.insert_action(conn, clean, first, actor.name)
            current[new_id] = {**clean, "id": new_id}
            added += 1
            continue
        before = current[action_id]
        if clean["walk_id"] is None:
            clean = {**clean, "walk_id": before["walk_id"]}  # a list without the walk keeps the link
        if all(before[k] == clean[k] for k in clean):
            continue
        stored.update_action(conn, action_id, clean, now)
        if action_id in moves:
            stored.add_history(conn, action_id, moves[action_id])
        changed += 1
    return added, changed, duplicates
