"""Activities in: a CSV/XLSX file or one activity from the form, checked like observations, stored all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy.exc import IntegrityError

from geoapp.domain.activities import DIALOGUE, KINDS, LABELS, Activity, kind_of
from geoapp.domain.model import STOCKHOLM_TZ
from geoapp.domain.users import Actor
from geoapp.i18n import N_, _
from geoapp.ingest import fields as parse
from geoapp.ingest.columns import DATE_ALIASES, Layout
from geoapp.ingest.importer import receive, saved_or_already
from geoapp.ingest.places import clean_name
from geoapp.ingest.report import IMPORTED, ImportReport, RowError, rejected
from geoapp.ingest.rows import Findings, parse_when, read_columns
from geoapp.ingest.table import RawTable
from geoapp.privacy.activities import shown_from
from geoapp.store import activities as stored
from geoapp.store import audit
from geoapp.store.observations import add_upload
from geoapp.store.places import list_places
from geoapp.store.uploads import ACTIVITY_UPLOADS

KIND = ACTIVITY_UPLOADS
LAYOUT = Layout(
    {"place": ("plats", "place", "platsnamn", "place name"),
     "kind": ("aktivitet", "typ", "kind", "type", "activity", "aktivitetstyp"),
     "started_at": ("start", "starttid", "started at", "start time", "tidpunkt", "datum och tid", "datum tid",
                    "datetime", "date time"),
     **DATE_ALIASES,
     "duration": ("varaktighet", "duration", "duration min", "minuter", "minutes", "längd", "längd min",
                  "varaktighet min"),
     "participants": ("deltagare", "participants", "antal deltagare", "number of participants"),
     "announced": ("annonserad", "utannonserad", "offentligt annonserad", "announced", "publicly announced")},
    (("place", N_("no place column (plats/place)")), ("kind", N_("no kind column (aktivitet/kind)"))),
    ("started_at", "date"), N_("no date column (datum/date/start)"), location=False,
)
COUNTS = {  # column: (lowest, highest, message); participants are never shown back, they might be names
    "duration": (1, 24 * 60, N_("the duration must be whole minutes from 1 to 1440")),
    "participants": (0, 100_000, N_("participants are a count (a whole number from 0 to 100000), never names")),
}
ALREADY_RECORDED = N_("this activity is already recorded (same place, kind and start)")
KEY = ["place_id", "kind", "started_at"]
ACCEPTED_KINDS = ", ".join(f"{k} ({LABELS[k][0]})" for k in KINDS)


@dataclass
class CheckedActivities:
    """Clean activities (index = row number) with the rows repeated within the file, or the problems."""

    activities: pd.DataFrame | None
    errors: list[RowError]
    duplicates: list[dict] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def check_activities(table: RawTable, filename: str, places: list[dict]) -> CheckedActivities:
    """Check every row: a known place, a kind, a start time, and counts that are whole numbers."""
    table, found, usable = read_columns(table, filename, LAYOUT, _("the file has no activities"))
    if not usable:
        return CheckedActivities(None, found.errors)
    cell = lambda name: table.cells[found.columns.fields[name]]  # noqa: E731
    frame = pd.DataFrame(index=table.cells.index)
    kinds = parse.as_text(cell("kind")).map(kind_of)
    # An announced dialogue may be recorded ahead, for residents to come; nothing else is ever stored ahead.
    frame["started_at"] = parse_when(table, found, LAYOUT.time_fields, _announced(table, found, kinds))
    ids = {p["name"].casefold(): p["id"] for p in places}
    known = ", ".join(p["name"] for p in places[:5])
    frame["place_id"], problems = parse.parse_choice(
        cell("place"), lambda t: ids.get(clean_name(t).casefold()),
        lambda t: _("no place") if not t else _("unknown place; add it with geoapp places import or on the page Add a "
                                                "place, or use one of: %(places)s …", places=known),
        optional=False)
    found.add(problems, found.header("place"), cell("place"))
    frame["kind"], problems = parse.parse_choice(cell("kind"), kind_of,
                                                 lambda t: _("no kind") if not t else _("unknown kind; use %(kinds)s", kinds=ACCEPTED_KINDS),
                                                 optional=False)
    found.add(problems, found.header("kind"), cell("kind"))
    frame["duration_min"] = _count(table, found, "duration")
    frame["participants"] = _count(table, found, "participants")
    if found.errors:
        return CheckedActivities(None, found.errors)
    first = frame.assign(row=frame.index).groupby(KEY, sort=False)["row"].transform("first")
    repeated = first.index != first.to_numpy()
    duplicates = [{"row": int(r), "message": _("same place, kind and start as row %(row)s", row=int(f))} for r, f in first[repeated].items()]
    return CheckedActivities(frame[~repeated], [], duplicates, found.columns.ignored)


def _announced(table: RawTable, found: Findings, kinds: pd.Series) -> pd.Series:
    """Return which rows are publicly announced dialogues; an announcement of anything else is a problem."""
    if "announced" not in found.columns.fields:
        return pd.Series(False, index=table.cells.index)
    text = table.cells[found.columns.fields["announced"]]
    values, problems = parse.parse_positive(text)
    marked = values.map(lambda v: v is True).astype(bool)
    wrong = marked & (kinds != DIALOGUE)
    problems.update({row: _("only a citizen dialogue can be announced ahead; police presence never is")
                     for row in wrong.index[wrong]})
    found.add(problems, found.header("announced"), text)
    return marked & ~wrong


def _count(table: RawTable, found: Findings, name: str) -> pd.Series:
    """Parse an optional whole-number column; empty cells are None."""
    if name not in found.columns.fields:
        return pd.Series(None, index=table.cells.index, dtype=object)
    lowest, highest, message = COUNTS[name]
    text = parse.as_text(table.cells[found.columns.fields[name]])
    values, _problems = parse.parse_numbers(text, name)
    bad = (text != "") & ~(values.between(lowest, highest) & (values == values.round()))
    found.add({row: _(message) for row in text.index[bad]}, found.header(name), None if name == "participants" else text)
    return pd.Series([None if pd.isna(v) else int(v) for v in values], index=values.index, dtype=object)


def import_activities(site, data: bytes, filename: str | None, uploaded_by: str | None = None,
                      sheet: str | None = None, address: str | None = None) -> ImportReport:
    """Import an activities file (CSV or XLSX); the same function serves the upload page and the command line."""
    received = receive(site, data, filename, KIND, sheet, formats=("csv", "xlsx"))
    if isinstance(received, ImportReport):
        return received
    name, digest, table = received
    with site.store.connect() as conn:
        places = list_places(conn)
    checked = check_activities(table, name, places)
    if checked.errors:
        return rejected(name, checked.errors, KIND)
    by = Actor(uploaded_by, address)
    return saved_or_already(site, KIND, name, digest, lambda: _save(site, checked, name, digest, by))


def _fresh(conn, frame: pd.DataFrame) -> tuple[list[dict], list[dict]]:
    """Split checked activities into those not stored yet and the duplicates of stored ones."""
    known = stored.stored_keys(conn, frame["place_id"].tolist())
    rows = frame.assign(started_at=frame["started_at"].dt.to_pydatetime()).to_dict("index")
    fresh = [r for r in rows.values() if (r["place_id"], r["kind"], r["started_at"]) not in known]
    repeated = [{"row": int(n), "message": _("already stored (same place, kind and start)")}
                for n, r in rows.items() if (r["place_id"], r["kind"], r["started_at"]) in known]
    return fresh, repeated


def held_back(rows: list[dict], delay_days: int, now: datetime | None = None) -> list[date]:
    """Return the Swedish day from which each of `rows` not shown yet (GEOAPP_ACTIVITY_DELAY_DAYS) shows, earliest first."""
    now = now or datetime.now(timezone.utc)
    moments = [shown_from(Activity(r["place_id"], r["kind"], r["started_at"], r["duration_min"]), delay_days)
               for r in rows]
    return sorted(m.astimezone(ZoneInfo(STOCKHOLM_TZ)).date() for m in moments if m > now)


def _save(site, checked: CheckedActivities, name: str, digest: str, by: Actor) -> ImportReport:
    """Store the upload and its new activities in one transaction."""
    with site.store.begin() as conn:
        fresh, repeated = _fresh(conn, checked.activities)
        upload_id = add_upload(conn, KIND, digest, name, by.name, len(fresh), 0)
        rows = stored.insert_activities(conn, fresh, upload_id, by.name)
        audit.record(conn, "upload", actor=by.name, detail=f"activities file {name}: {rows} rows", address=by.address)
    duplicates = sorted(checked.duplicates + repeated, key=lambda d: d["row"])
    delay = site.settings["ACTIVITY_DELAY_DAYS"]
    return ImportReport(IMPORTED, name, rows=rows, duplicates=duplicates, ignored_columns=checked.ignored, kind=KIND,
                        shows_from=held_back(fresh, delay), delay_days=delay)


FORM_FIELDS = ("place", "kind", "date", "time", "duration", "participants", "announced")


def record_activity(site, form: dict[str, str], by: str | None,
                    address: str | None = None) -> tuple[dict[str, str], date | None]:
    """Store one activity from the form's fields; return the problems by field and the day it shows from, if ahead."""
    table = RawTable(headers=list(FORM_FIELDS), cells=pd.DataFrame([[form.get(f, "") for f in FORM_FIELDS]], index=[1]))
    with site.store.connect() as conn:
        places = list_places(conn)
    checked = check_activities(table, "form", places)
    if checked.errors:
        return {e.column or "form": e.message for e in checked.errors}, None
    try:
        with site.store.begin() as conn:
            fresh, repeated = _fresh(conn, checked.activities)
            if repeated:
                return {"form": _(ALREADY_RECORDED)}, None
            stored.insert_activities(conn, fresh, None, by)
            place = next(p["name"] for p in places if p["id"] == fresh[0]["place_id"])
            audit.record(conn, "activity_record", actor=by, detail=f"{fresh[0]['kind']} at {place}", address=address)
    except IntegrityError:
        return {"form": _(ALREADY_RECORDED)}, None
    ahead = held_back(fresh, site.settings["ACTIVITY_DELAY_DAYS"])
    return {}, (ahead[0] if ahead else None)
