"""The audit log: who did what and when; never comments or coordinates."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Connection, select

from geoapp.store.schema import audit


def record(conn: Connection, action: str, actor: str | None = None, detail: str = "", address: str | None = None) -> None:
    """Append one entry to the audit log inside the caller's transaction."""
    conn.execute(
        audit.insert().values(at=datetime.now(timezone.utc), actor=actor, action=action, detail=detail[:2000], address=address)
    )


def recent(conn: Connection, limit: int = 500) -> list[dict]:
    """Return the newest audit entries first."""
    rows = conn.execute(select(audit).order_by(audit.c.id.desc()).limit(limit)).mappings()
    return [dict(r) for r in rows]
