"""Stored actions, their history and their internal links to the cells and categories of a walk."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, Mapping, Sequence

from sqlalchemy import Connection, delete, func, select

from geoapp.domain.actions import HistoryEntry
from geoapp.store import bump_data_version
from geoapp.store.observations import as_utc
from geoapp.store.schema import action_history, action_links, actions, observations, places, walks

ACTION_FIELDS = ("title", "notes", "category", "place_id", "lon", "lat", "e", "n", "area_code", "responsible", "due",
                 "status", "reason", "walk_id")
ACTIONS_VERSION = "actions_version"  # every change of an action, for caches of what shows them


def _changed(conn: Connection) -> None:
    bump_data_version(conn)
    bump_data_version(conn, ACTIONS_VERSION)


def insert_action(conn: Connection, values: Mapping, created: HistoryEntry, by: str | None) -> int:
    """Store a new action (ACTION_FIELDS) with its first history entry; return its id."""
    row = {key: values.get(key) for key in ACTION_FIELDS}
    row.update(notes=row["notes"] or "", reason=row["reason"] or "", created_by=by, created_at=created.at,
               updated_at=created.at)
    action_id = conn.execute(actions.insert().values(**row)).inserted_primary_key[0]
    add_history(conn, action_id, created)
    return action_id


def update_action(conn: Connection, action_id: int, values: Mapping, at: datetime) -> None:
    """Change the given fields of a stored action."""
    row = {key: values[key] for key in ACTION_FIELDS if key in values}
    conn.execute(actions.update().where(actions.c.id == action_id).values(**row, updated_at=at))
    _changed(conn)


def add_history(conn: Connection, action_id: int, entry: HistoryEntry) -> None:
    """Append one history entry of an action."""
    conn.execute(action_history.insert().values(action_id=action_id, at=entry.at, actor=entry.actor,
                                                from_status=entry.from_status, to_status=entry.to_status,
                                                note=entry.note))
    _changed(conn)


def _query():
    return (select(actions, places.c.name.label("place_name"), places.c.lon.label("place_lon"),
                   places.c.lat.label("place_lat"), walks.c.name.label("walk_name"))
            .select_from(actions.outerjoin(places, places.c.id == actions.c.place_id)
                         .outerjoin(walks, walks.c.id == actions.c.walk_id)))


def list_actions(conn: Connection, statuses: Iterable[str] | None = None,
                 area_codes: Iterable[str] | None = None) -> list[dict]:
    """Return the stored actions (every column, place and walk name), oldest first, filtered if asked."""
    query = _query().order_by(actions.c.id)
    if statuses is not None:
        query = query.where(actions.c.status.in_(list(statuses)))
    if area_codes is not None:
        query = query.where(actions.c.area_code.in_(list(area_codes)))
    return [_plain(r) for r in conn.execute(query).mappings()]


def get_action(conn: Connection, action_id: int) -> dict | None:
    """Return one stored action with its place and walk name, or None."""
    row = conn.execute(_query().where(actions.c.id == action_id)).mappings().first()
    return _plain(row) if row else None


def existing_ids(conn: Connection, ids: Iterable[int]) -> set[int]:
    """Return which of `ids` are stored actions."""
    wanted = sorted(set(ids))
    return set(conn.execute(select(actions.c.id).where(actions.c.id.in_(wanted))).scalars()) if wanted else set()


def _plain(row) -> dict:
    found = dict(row)
    for key in ("created_at", "updated_at"):
        found[key] = as_utc(found[key])
    return found


def histories(conn: Connection, action_ids: Iterable[int] | None = None) -> dict[int, list[HistoryEntry]]:
    """Return each action's history, oldest first, by action id."""
    c = action_history.c
    query = select(c.action_id, c.at, c.actor, c.from_status, c.to_status, c.note).order_by(c.action_id, c.at, c.id)
    if action_ids is not None:
        query = query.where(c.action_id.in_(sorted(set(action_ids))))
    found: dict[int, list[HistoryEntry]] = {}
    for action_id, at, actor, from_status, to_status, note in conn.execute(query):
        found.setdefault(action_id, []).append(HistoryEntry(as_utc(at), actor, from_status, to_status, note or ""))
    return found


def set_links(conn: Connection, action_id: int, links: Iterable[tuple[str, str]]) -> None:
    """Replace the cells and categories (category '' for all) an action answers."""
    conn.execute(delete(action_links).where(action_links.c.action_id == action_id))
    rows = [{"action_id": action_id, "cell": cell, "category": category or ""} for cell, category in sorted(set(links))]
    if rows:
        conn.execute(action_links.insert(), rows)


def links_of(conn: Connection, action_id: int) -> list[tuple[str, str]]:
    """Return the (cell, category) pairs an action answers."""
    c = action_links.c
    return [(cell, category) for cell, category in
            conn.execute(select(c.cell, c.category).where(c.action_id == action_id).order_by(c.cell, c.category))]


def walk_names(conn: Connection) -> list[dict]:
    """Return every walk that has observations: id, name and the time of its first observation (UTC), newest first."""
    first = func.min(observations.c.observed_at)
    query = (select(walks.c.id, walks.c.name, first.label("first_at"))
             .select_from(walks.join(observations, observations.c.walk_id == walks.c.id))
             .group_by(walks.c.id, walks.c.name).order_by(first.desc()))
    return [{"id": i, "name": name, "first_at": as_utc(at)} for i, name, at in conn.execute(query)]


def walk_started(conn: Connection, walk_ids: Sequence[int]) -> dict[int, datetime]:
    """Return the time of the first observation of each walk (UTC), by walk id."""
    ids = sorted({w for w in walk_ids if w is not None})
    if not ids:
        return {}
    c = observations.c
    query = select(c.walk_id, func.min(c.observed_at)).where(c.walk_id.in_(ids)).group_by(c.walk_id)
    return {walk_id: as_utc(at) for walk_id, at in conn.execute(query)}


def walk_observations(conn: Connection, walk_id: int) -> list[tuple[float, float, str]]:
    """Return (e, n, category) of every observation of one walk: internal, for placing an action from it."""
    c = observations.c
    return [tuple(r) for r in conn.execute(select(c.e, c.n, c.category).where(c.walk_id == walk_id))]


def set_action_areas(conn: Connection, codes: Mapping[int, str]) -> int:
    """Give actions (by id) the code of the area now holding them."""
    for action_id, code in codes.items():
        conn.execute(actions.update().where(actions.c.id == action_id).values(area_code=code))
    if codes:
        _changed(conn)
    return len(codes)
