"""Admin work on stored data: list and delete uploads, read the audit log."""

from __future__ import annotations

from geoapp.domain.users import Actor
from geoapp.i18n import N_
from geoapp.store import Store
from geoapp.store import uploads as stored
from geoapp.store.audit import recent, record

AUDIT_PAGE_SIZE = 500
# What each stored kind of upload is called on the uploads page (the stored keys never change).
UPLOAD_KINDS = {"observations": N_("observations file"), "activities": N_("activities file"),
                "field": N_("field form entry"), "surveys": N_("survey results file")}


def list_uploads(store: Store) -> list[dict]:
    """Return every upload, newest first."""
    with store.connect() as conn:
        return stored.list_uploads(conn)


def delete_upload(store: Store, upload_id: int, by: Actor) -> dict | None:
    """Delete one whole upload and record who did it; return what was deleted, or None."""
    with store.begin() as conn:
        deleted = stored.delete_upload(conn, upload_id)
        if deleted is not None:
            # The file name and row count only: never comments or coordinates.
            detail = f"upload {upload_id} ({deleted['kind']}, {deleted['filename']}, {deleted['rows']} rows)"
            record(conn, "upload_delete", actor=by.name, detail=detail, address=by.address)
    return deleted


def audit_log(store: Store, limit: int = AUDIT_PAGE_SIZE) -> list[dict]:
    """Return the newest audit entries first."""
    with store.connect() as conn:
        return recent(conn, limit)
