"""Stored activities: what the municipality and the police did, where and when."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, Mapping

from sqlalchemy import Connection, select

from geoapp.store import ACTIVITIES_VERSION, bump_data_version
from geoapp.store.observations import as_utc
from geoapp.store.schema import activities

ACTIVITY_FIELDS = ("place_id", "kind", "started_at", "duration_min", "participants")
CHUNK = 5_000


def activities_between(conn: Connection, place_ids: list[int], start: datetime, end: datetime) -> list[dict]:
    """Return ACTIVITY_FIELDS of the activities at these places that started in [start, end), times in UTC."""
    c = activities.c
    rows = []
    for first in range(0, len(place_ids), CHUNK):
        query = (select(*(c[key] for key in ACTIVITY_FIELDS))
                 .where(c.place_id.in_(place_ids[first:first + CHUNK]), c.started_at >= start, c.started_at < end)
                 .order_by(c.started_at))
        rows.extend(dict(r) for r in conn.execute(query).mappings())
    for row in rows:
        row["started_at"] = as_utc(row["started_at"])
    return rows


def stored_keys(conn: Connection, place_ids: Iterable[int]) -> set[tuple[int, str, datetime]]:
    """Return (place_id, kind, started_at UTC) of every stored activity at these places."""
    c = activities.c
    ids = sorted(set(place_ids))
    keys: set[tuple[int, str, datetime]] = set()
    for first in range(0, len(ids), CHUNK):
        query = select(c.place_id, c.kind, c.started_at).where(c.place_id.in_(ids[first:first + CHUNK]))
        keys.update((p, k, as_utc(t)) for p, k, t in conn.execute(query))
    return keys


def insert_activities(conn: Connection, rows: list[Mapping], upload_id: int | None, recorded_by: str | None) -> int:
    """Insert activities (ACTIVITY_FIELDS each) of one upload, or recorded one by one when upload_id is None."""
    if rows:
        conn.execute(activities.insert(), [{**{k: r[k] for k in ACTIVITY_FIELDS}, "upload_id": upload_id,
                                            "recorded_by": recorded_by} for r in rows])
        bump_data_version(conn)
        bump_data_version(conn, ACTIVITIES_VERSION)
    return len(rows)
