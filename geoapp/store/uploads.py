"""Stored uploads: one row per accepted file, owning its observations or activities."""

from __future__ import annotations

from sqlalchemy import Connection, delete, select

from geoapp.store import ACTIVITIES_VERSION, bump_data_version
from geoapp.store.observations import bump_upload_versions
from geoapp.store.schema import uploads

ACTIVITY_UPLOADS = "activities"  # the kind of upload whose rows are activities
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
