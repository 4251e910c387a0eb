"""Stored uploads: one row per accepted file, owning its observations or activities."""

from __future__ import annotations

from sqlalchemy import Connection, delete, func, select

from geoapp.store import ACTIVITIES_VERSION, bump_data_version
from geoapp.store.observations import bump_upload_versions
from geoapp.store.schema import activities, observations, uploads, walks

ACTIVITY_UPLOADS = "activities"  # the kind of upload whose rows are activities
DEMO_UPLOADER = "demo"  # who the synthetic demo files are uploaded by (no account has that name)
_LISTED = (uploads.c.id, uploads.c.kind, uploads.c.filename, uploads.c.uploaded_by, uploads.c.uploaded_at, uploads.c.rows)


def list_uploads(conn: Connection) -> list[dict]:
    """Return every upload, newest first: id, kind, filename, uploaded_by, uploaded_at, rows."""
    rows = conn.execute(select(*_LISTED).order_by(uploads.c.uploaded_at.desc(), uploads.c.id.desc())).mappings()
    return [dict(r) for r in rows]


def delete_upload(conn: Connection, upload_id: int) -> dict | None:
    """Delete one upload with its observations or activities; return what it was and the (area, year) pairs it showed in, or None."""
    found = conn.execute(select(*_LISTED).where(uploads.c.id == upload_id)).mappings().first()
    if found is None:
        return None
    touched = bump_upload_versions(conn, upload_id)
    if found["kind"] == ACTIVITY_UPLOADS:
        bump_data_version(conn, ACTIVITIES_VERSION)
    # Observations and activities go with it through ON DELETE CASCADE.
    conn.execute(delete(uploads).where(uploads.c.id == upload_id))
    bump_data_version(conn)
    return {**found, "shows": sorted(touched)}


def upload_walks(conn: Connection, upload_ids=None, kind: str | None = None) -> dict[int, list[dict]]:
    """Return, per upload (of `upload_ids`, or of `kind`), its walks: walk_id, walk, observations, first and last time."""
    query = (select(observations.c.upload_id, walks.c.id.label("walk_id"), walks.c.name.label("walk"),
                    func.count().label("observations"), func.min(observations.c.observed_at).label("first"),
                    func.max(observations.c.observed_at).label("last"))
             .join(walks, walks.c.id == observations.c.walk_id)
             .group_by(observations.c.upload_id, walks.c.id, walks.c.name).order_by(walks.c.name))
    if upload_ids is not None:
        query = query.where(observations.c.upload_id.in_(list(upload_ids)))
    if kind is not None:
        query = query.join(uploads, uploads.c.id == observations.c.upload_id).where(uploads.c.kind == kind)
    found: dict[int, list[dict]] = {}
    for row in conn.execute(query).mappings():
        found.setdefault(row["upload_id"], []).append({k: row[k] for k in ("walk_id", "walk", "observations", "first", "last")})
    return found


def upload_activities(conn: Connection, upload_id: int) -> dict:
    """Return how many activities an upload brought and when the first and the last began."""
    row = conn.execute(select(func.count().label("activities"), func.min(activities.c.started_at).label("first"),
                              func.max(activities.c.started_at).label("last"))
                       .where(activities.c.upload_id == upload_id)).mappings().one()
    return dict(row)


def find_upload(conn: Connection, upload_id: int) -> dict | None:
    """Return one upload as list_uploads lists it, or None."""
    found = conn.execute(select(*_LISTED).where(uploads.c.id == upload_id)).mappings().first()
    return dict(found) if found is not None else None


def has_demo_uploads(conn: Connection) -> bool:
    """Return whether any of the synthetic demo files is stored."""
    return conn.execute(select(uploads.c.id).where(uploads.c.uploaded_by == DEMO_UPLOADER).limit(1)).first() is not None
