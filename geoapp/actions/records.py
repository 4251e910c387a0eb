"""Adding, editing and moving actions: each change checked, stored with its history and audited in one transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Mapping

import pandas as pd

from geoapp.domain.actions import (MAX_NOTE, MAX_NOTES, MAX_REASON, MAX_TITLE, PROPOSED, WONT_DO, Action,
                                   ActionError, change_status, creation, status_of, STATUSES, LABELS)
from geoapp.domain.grid import cell_at, parse_cell_id
from geoapp.domain.model import SWEREF99TM, WGS84, Vocabulary, transformer
from geoapp.domain.users import Actor
from geoapp.i18n import _
from geoapp.ingest.location import LAT_RANGE, LON_RANGE, locate_areas
from geoapp.ingest.places import clean_name
from geoapp.ingest.rows import has_control_characters
from geoapp.privacy.redact import redact
from geoapp.store import actions as stored
from geoapp.store import audit
from geoapp.store.places import list_places

FORM_FIELDS = ("title", "category", "place", "lat", "lon", "responsible", "due", "status", "notes", "reason", "walk")
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
FIRST_YEAR = 2000


@dataclass(frozen=True)
class Context:
    """What an action's fields are checked against: the register, the vocabularies, the areas and the walks."""

    places: dict[str, dict]  # by name, case folded
    categories: Vocabulary
    responsible: Vocabulary
    areas: object  # the area frame
    walks: dict[str, int]  # walk id by name, case folded, and by id as text

    @classmethod
    def load(cls, site, conn) -> "Context":
        walks = {}
        for walk in stored.walk_names(conn):
            walks[walk["name"].casefold()] = walk["id"]
            walks[str(walk["id"])] = walk["id"]
        return cls({p["name"].casefold(): p for p in list_places(conn)}, site.vocabulary(),
                   site.responsible(), site.area_frame(), walks)


def clean_text(text: str, longest: int, too_long: str) -> tuple[str, str | None]:
    """Return free text without control characters and with what identifies a person redacted, or a problem."""
    kept = "".join(c for c in str(text) if c in "\n\t" or not has_control_characters(c)).strip()
    cleaned, _counts = redact(kept)
    return cleaned, (_(too_long, n=longest) if len(cleaned) > longest else None)


def parse_due(text: str) -> tuple[date | None, str | None]:
    """Read a due date written 2026-03-14 (a spreadsheet's date cell reads so too); empty is none."""
    text = text.strip()
    if not text:
        return None, None
    match = ISO_DATE.match(text)
    if match and text[match.end():].strip() in ("", "00:00:00", "00:00"):
        try:
            day = date(*map(int, match.groups()))
        except ValueError:
            return None, _("there is no such day in the calendar")
        if day.year < FIRST_YEAR:
            return None, _("the date is before the year 2000")
        return day, None
    return None, _("expected a date like 2026-03-14")


def _number(text: str) -> float | None:
    try:
        value = float(text.strip().replace(",", ".").replace("\u2212", "-"))
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def parse_point(lat_text: str, lon_text: str) -> tuple[tuple[float, float] | None, str | None]:
    """Read a WGS84 latitude and longitude inside Sweden; return (lon, lat) or a problem."""
    lat, lon = _number(lat_text), _number(lon_text)
    if lat is None or lon is None:
        return None, _("the point needs a latitude and a longitude in degrees")
    if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
        return None, _("the point is outside Sweden")
    return (round(lon, 7), round(lat, 7)), None


def sweref_point(n_text: str, e_text: str) -> tuple[tuple[float, float] | None, str | None]:
    """Read SWEREF 99 TM northing and easting; return (lon, lat) or a problem."""
    n, e = _number(n_text), _number(e_text)
    if n is None or e is None:
        return None, _("the point needs N and E in metres (SWEREF 99 TM)")
    lon, lat = transformer(SWEREF99TM, WGS84).transform(e, n)
    if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]):
        return None, _("the point is outside Sweden")
    return (round(lon, 7), round(lat, 7)), None


def _short_forms(label: str) -> set[str]:
    """Return a label with its prefix ('Borlänge kommun: '), its parenthesis and 'förvaltningen' left out, too."""
    forms = {label, label.split(":", 1)[-1]}
    forms |= {re.sub(r"\s*\(.*?\)", "", f) for f in forms}
    forms |= {re.sub(r"s?förvaltningen$", "", f.strip()) for f in forms}
    forms |= {re.sub(r"^AB\s+(Stora\s+)?", "", f.strip()) for f in forms}
    return {" ".join(f.split()).casefold() for f in forms if f.strip()}


def responsible_of(text: str, organisations: Vocabulary) -> str | None:
    """Return the key of an organisation named by its key, its full or its short name in either language."""
    found = organisations.lookup(text)
    if found:
        return found
    wanted = " ".join(text.split()).casefold()
    return next((o.key for o in organisations.categories if wanted in _short_forms(o.sv) | _short_forms(o.en)), None)


def check_fields(values: Mapping[str, str], context: Context, point=None) -> tuple[dict, dict[str, str]]:
    """Check one action's fields (FORM_FIELDS as text); return the clean values and the problems by field.

    `point` is (lon, lat) when the caller read it already (from N/E columns, say); a place of the register
    gives the point otherwise, else the form's lat and lon.
    """
    get = lambda name: str(values.get(name) or "").strip()  # noqa: E731
    errors: dict[str, str] = {}
    clean: dict = {}
    clean["title"], problem = clean_text(get("title"), MAX_TITLE, _("the title is longer than %(n)s characters"))
    if problem or not clean["title"]:
        errors["title"] = problem or _("no title: say in a few words what will be done")
    clean["notes"], problem = clean_text(get("notes"), MAX_NOTES, _("the notes are longer than %(n)s characters"))
    if problem:
        errors["notes"] = problem
    clean["reason"], problem = clean_text(get("reason"), MAX_REASON, _("the reason is longer than %(n)s characters"))
    if problem:
        errors["reason"] = problem
    clean["category"] = None
    if get("category"):
        clean["category"] = context.categories.lookup(get("category"))
        if clean["category"] is None:
            errors["category"] = _("unknown category; use one of: %(keys)s", keys=", ".join(context.categories.keys))
    clean["responsible"] = responsible_of(get("responsible"), context.responsible) if get("responsible") else None
    if clean["responsible"] is None:
        names = ", ".join(c.sv for c in context.responsible.categories)
        errors["responsible"] = (_("unknown organisation; use one of the list in data/vocabulary/responsible.csv: %(names)s", names=names)
                                 if get("responsible") else _("say who is responsible"))
    clean["due"], problem = parse_due(get("due"))
    if problem:
        errors["due"] = problem
    status = status_of(get("status")) if get("status") else PROPOSED
    if status is None:
        errors["status"] = _("unknown status; use one of: %(statuses)s",
                             statuses=", ".join(f"{s} ({LABELS[s][0]})" for s in STATUSES))
    elif status == WONT_DO and not clean["reason"] and "reason" not in errors:
        errors["reason"] = _("say why it will not be done (a reason is required)")
    clean["status"] = status
    clean["walk_id"] = None
    if get("walk"):
        clean["walk_id"] = context.walks.get(get("walk").casefold())
        if clean["walk_id"] is None:
            errors["walk"] = _("unknown walk; use the name of a walk with uploaded observations")
    _place(get, context, point, clean, errors)
    return clean, errors


def _place(get, context: Context, point, clean: dict, errors: dict) -> None:
    """Set the action's place or point and the area holding it, or note what is wrong."""
    clean["place_id"] = None
    if get("place"):
        found = context.places.get(clean_name(get("place")).casefold())
        if found is None:
            errors["place"] = _("unknown place; add it with geoapp places import or on the page Add a place, or pick a "
                                "point on the map")
            return
        clean.update(place_id=found["id"], lon=found["lon"], lat=found["lat"], e=found["e"], n=found["n"],
                     area_code=found["area_code"])
        return
    if point is None:
        if not (get("lat") or get("lon")):
            errors["place"] = _("choose a place of the register or pick a point on the map")
            return
        point, problem = parse_point(get("lat"), get("lon"))
        if problem:
            errors["place"] = problem
            return
    lon, lat = point
    e, n = transformer(WGS84, SWEREF99TM).transform(lon, lat)
    codes, problems = locate_areas(pd.Series([e]), pd.Series([n]), context.areas)
    if problems:
        errors["place"] = next(iter(problems.values()))
        return
    clean.update(lon=lon, lat=lat, e=round(e, 2), n=round(n, 2), area_code=codes.iloc[0])


def check_links(texts, walk_id: int | None, conn, categories: Vocabulary, grid_size: int) -> tuple[list, str | None]:
    """Check the picked 'cell|category' pairs against the walk's own observations; return the pairs or a problem."""
    picked = [t for t in texts if t]
    if not picked:
        return [], None
    if walk_id is None:
        return [], _("choose the walk first: the squares are those of its map")
    found = {(cell_at(e, n, grid_size).id, category) for e, n, category in stored.walk_observations(conn, walk_id)}
    cells = {cell for cell, _category in found}
    links = []
    for text in picked:
        cell, _bar, category = str(text).partition("|")
        try:
            parse_cell_id(cell)
        except ValueError:
            return [], _("a picked square is not one of the grid")
        if cell not in cells or (category and (cell, category) not in found):
            return [], _("a picked square or category is not one the walk found")
        links.append((cell, category))
    return links, None


def _action(row: Mapping) -> Action:
    return Action(row.get("id"), row["title"], row["category"], row["area_code"], row["responsible"], row["due"],
                  row["status"], row["lon"], row["lat"], row["e"], row["n"], row["place_id"], None, row["notes"],
                  row["reason"], row["walk_id"])


def add_action(site, form: Mapping[str, str], by: Actor, links=(), note: str = "") -> tuple[int | None, dict]:
    """Store a new action from the form's fields; return its id, or None and the problems by field."""
    now = datetime.now(timezone.utc)
    with site.store.begin() as conn:
        clean, errors = check_fields(form, Context.load(site, conn))
        picked, problem = check_links(links, clean.get("walk_id"), conn, site.vocabulary(), int(site.settings["GRID_SIZE"]))
        if problem:
            errors["links"] = problem
        if errors:
            return None, errors
        action = _action(clean)
        try:
            first = creation(action, by.name, now, note)
        except ActionError as exc:
            return None, {exc.field: str(exc)}
        action_id = stored.insert_action(conn, clean, first, by.name)
        stored.set_links(conn, action_id, picked)
        audit.record(conn, "action_add", actor=by.name, detail=f"action {action_id} ({clean['status']})", address=by.address)
    return action_id, {}


def edit_action(site, action_id: int, form: Mapping[str, str], by: Actor, links=None) -> dict:
    """Change an action's fields (its status through the status rules); return the problems by field."""
    now = datetime.now(timezone.utc)
    with site.store.begin() as conn:
        current = stored.get_action(conn, action_id)
        if current is None:
            return {"form": _("there is no such action")}
        clean, errors = check_fields(form, Context.load(site, conn))
        if links is not None:
            picked, problem = check_links(links, clean.get("walk_id"), conn, site.vocabulary(),
                                          int(site.settings["GRID_SIZE"]))
            if problem:
                errors["links"] = problem
        if errors:
            return errors
        entry = None
        if clean["status"] != current["status"]:
            try:
                _moved, entry = change_status(_action(current), clean["status"], by.name, now, reason=clean["reason"])
            except ActionError as exc:
                return {exc.field: str(exc)}
        stored.update_action(conn, action_id, clean, now)
        if entry is not None:
            stored.add_history(conn, action_id, entry)
        if links is not None:
            stored.set_links(conn, action_id, picked)
        moved = f", {current['status']} -> {clean['status']}" if entry else ""
        audit.record(conn, "action_edit", actor=by.name, detail=f"action {action_id}{moved}", address=by.address)
    return {}


def move_action(site, action_id: int, to: str, by: Actor, note: str = "", reason: str = "") -> dict:
    """Change an action's status by the status rules, with a note; return the problems by field."""
    now = datetime.now(timezone.utc)
    note, note_problem = clean_text(note, MAX_NOTE, _("the note is longer than %(n)s characters"))
    reason, reason_problem = clean_text(reason, MAX_REASON, _("the reason is longer than %(n)s characters"))
    if note_problem or reason_problem:
        return {k: v for k, v in (("note", note_problem), ("reason", reason_problem)) if v}
    with site.store.begin() as conn:
        current = stored.get_action(conn, action_id)
        if current is None:
            return {"form": _("there is no such action")}
        try:
            moved, entry = change_status(_action(current), status_of(to) or to, by.name, now, note, reason)
        except ActionError as exc:
            return {exc.field: str(exc)}
        stored.update_action(conn, action_id, {"status": moved.status, "reason": moved.reason}, now)
        stored.add_history(conn, action_id, entry)
        audit.record(conn, "action_status", actor=by.name,
                     detail=f"action {action_id}: {entry.from_status} -> {entry.to_status}", address=by.address)
    return {}


def action_form_values(row: Mapping, lookup_walk: Mapping[int, str] | None = None) -> dict[str, str]:
    """Return a stored action as the edit form's field texts."""
    return {"title": row["title"], "category": row["category"] or "", "place": row.get("place_name") or "",
            "lat": "" if row.get("place_id") else str(row["lat"]), "lon": "" if row.get("place_id") else str(row["lon"]),
            "responsible": row["responsible"], "due": row["due"].isoformat() if row["due"] else "",
            "status": row["status"], "notes": row["notes"], "reason": row["reason"],
            "walk": row.get("walk_name") or ""}

