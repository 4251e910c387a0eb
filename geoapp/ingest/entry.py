"""One observation entered in the field: checked, redacted and stored exactly like a row of a file, once per key."""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass

import pandas as pd

from geoapp.domain.users import Actor
from geoapp.i18n import _, number
from geoapp.ingest.importer import Source, import_table
from geoapp.ingest.report import ALREADY_IMPORTED, IMPORTED, ImportReport, RowError, rejected, show_value
from geoapp.ingest.table import RawTable, unpaired_surrogate

FIELD_KIND = "field"
ENTRY_NAME = "field form"
# The fields of an entry that are columns of a file, named as file headers the ingest recognises.
COLUMNS = ("walk", "observed_at", "lat", "lon", "category", "severity", "positive", "comment")
KEY = re.compile(r"[A-Za-z0-9._:-]{8,100}")
# Far beyond any field the checks accept; refused before redaction has to scan it.
MAX_TEXT = 10_000


@dataclass(frozen=True)
class Unreadable:
    """A request body that holds no JSON value; `reason` says why."""

    reason: str


def read_body(data: bytes, is_json: bool) -> object:
    """Return the JSON value a request body holds, or Unreadable saying why it holds none."""
    if not is_json:
        return Unreadable(_("send the observation as JSON (Content-Type: application/json)"))
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        return Unreadable(_("the body is not valid JSON (line %(line)d, column %(column)d)", line=exc.lineno,
                            column=exc.colno))
    except ValueError:  # bytes that are neither UTF-8, UTF-16 nor UTF-32
        return Unreadable(_("the body is not valid JSON (it is not UTF-8 text)"))
    except RecursionError:
        return Unreadable(_("the body is nested too deeply to be one observation"))


def import_entry(site, entry: object, uploaded_by: str | None = None, address: str | None = None) -> ImportReport:
    """Import one observation given as a JSON object; the same idempotency key again changes nothing."""
    problems = shape_problems(entry)
    if problems:
        return rejected(ENTRY_NAME, problems)
    key = entry["idempotency_key"]
    digest = hashlib.sha256(f"{FIELD_KIND}:{key}".encode()).hexdigest()
    source = Source(FIELD_KIND, digest, ENTRY_NAME, "field form entry")
    return import_table(site, source, lambda: entry_table(entry), None, Actor(uploaded_by, address))


def shape_problems(entry: object) -> list[RowError]:
    """Return what makes `entry` unusable before its values are checked: not an object, no key, nested values."""
    if isinstance(entry, Unreadable):
        return [RowError(ENTRY_NAME, None, None, "", entry.reason)]
    if not isinstance(entry, dict):
        return [RowError(ENTRY_NAME, None, None, "", _("send one observation as a JSON object"))]
    problems = []
    key = entry.get("idempotency_key")
    if not isinstance(key, str) or not KEY.fullmatch(key):
        problems.append(RowError(ENTRY_NAME, None, "idempotency_key", show_value(key),
                                 _("give a unique key of 8 to 100 letters, digits or -._: (such as a UUID)")))
    for name in COLUMNS:
        problem = _value_problem(entry.get(name))
        if problem:
            problems.append(RowError(ENTRY_NAME, None, name, "", problem))
    accuracy = entry.get("accuracy_m")
    if accuracy is not None and (isinstance(accuracy, bool) or not isinstance(accuracy, (int, float))
                                 or not math.isfinite(accuracy) or accuracy < 0):
        problems.append(RowError(ENTRY_NAME, None, "accuracy_m", show_value(accuracy),
                                 _("the accuracy must be a number of metres, 0 or more")))
    return problems


def _value_problem(value: object) -> str | None:
    """Explain why a field's JSON value cannot be read as a file's cell would be, or return None."""
    if not (value is None or isinstance(value, (str, int, float))):
        return _("expected text, a number or true/false")
    if isinstance(value, float) and not math.isfinite(value):  # Python's JSON reads NaN and Infinity
        return _("NaN and Infinity are not numbers")
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return _("longer than %(n)s characters", n=number(MAX_TEXT))
    surrogate = unpaired_surrogate(value)
    if surrogate:
        return _("the text holds %(code)s, half of a UTF-16 surrogate pair, which is not a character", code=surrogate)
    return None


def entry_table(entry: dict) -> RawTable:
    """Return the entry as a one-row table whose headers are its field names."""
    cells = pd.DataFrame([[entry.get(name) for name in COLUMNS]], index=[1], columns=range(len(COLUMNS)), dtype=object)
    return RawTable(headers=list(COLUMNS), cells=cells, header_row=None, row_label="entry")


def entry_reply(report: ImportReport) -> dict:
    """Return the JSON answer to one entry: its status, and for a refused one each field's problem."""
    if report.status == IMPORTED:
        return {"status": IMPORTED, "stored": report.rows, "redactions": report.redactions,
                "duplicate": bool(report.duplicates)}
    if report.status == ALREADY_IMPORTED:
        return {"status": ALREADY_IMPORTED, "uploaded_at": report.uploaded_at.isoformat()}
    # A row's problem without a column comes from the place check (outside every area).
    return {"status": report.status,
            "errors": [{"field": e.column or ("lat/lon" if e.row is not None else None), "message": e.message}
                       for e in report.errors]}
