"""Admin work on stored data: list and delete uploads, read the audit log."""

from __future__ import annotations

import datetime as dt

from geoapp.domain.users import Actor
from geoapp.i18n import LOCAL_ZONE, N_
from geoapp.store import Store
from geoapp.store import uploads as stored
from geoapp.store.audit import recent, record

AUDIT_PAGE_SIZE = 500
# What each stored kind of upload is called on the uploads page (the stored keys never change).
UPLOAD_KINDS = {"observations": N_("observations file"), "activities": N_("activities file"),
                "field": N_("field form entry"), "surveys": N_("survey results file")}


FIELD = "field"  # the kind of upload one field form entry is


def local_day(moment: dt.datetime) -> dt.date:
    """Return the date in Borlänge of a stored time (a naive one is UTC, as SQLite returns them)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)
    return aware.astimezone(LOCAL_ZONE).date()


def list_uploads(store: Store) -> list[dict]:
    """Return every upload, newest first."""
    with store.connect() as conn:
        return stored.list_uploads(conn)


def uploads_listed(store: Store) -> list[dict]:
    """Return the uploads page's rows, newest first: each upload, the field form entries of one walk and day as one."""
    with store.connect() as conn:
        listed = stored.list_uploads(conn)
        entries = stored.upload_walks(conn, kind=FIELD)
    groups: dict[tuple, dict] = {}
    shown = []
    for upload in listed:
        walk = entries.get(upload["id"], [None])[0] if upload["kind"] == FIELD else None
        if walk is None:
            shown.append({**upload, "group": False})
            continue
        key = (walk["walk_id"], local_day(walk["first"]))
        group = groups.get(key)
        if group is None:  # the newest entry of the group comes first
            group = groups[key] = {"kind": FIELD, "group": True, "walk_id": key[0], "walk": walk["walk"], "day": key[1],
                                   "ids": [], "rows": 0, "names": set(), "uploaded_at": upload["uploaded_at"]}
            shown.append(group)
        group["ids"].append(upload["id"])
        group["rows"] += walk["observations"]
        group["names"].add(upload["uploaded_by"] or "—")
    for group in groups.values():
        group["uploaded_by"] = ", ".join(sorted(group.pop("names")))
    return shown


def describe_upload(store: Store, upload_id: int) -> dict | None:
    """Return what deleting an upload takes away: the upload, its walks with their dates, or its activities; or None."""
    with store.connect() as conn:
        upload = stored.find_upload(conn, upload_id)
        if upload is None:
            return None
        walks = stored.upload_walks(conn, [upload_id]).get(upload_id, [])
        activities = stored.upload_activities(conn, upload_id) if upload["kind"] == stored.ACTIVITY_UPLOADS else None
    total = {"observations": sum(w["observations"] for w in walks), "walks": len(walks),
             "first": min((w["first"] for w in walks), default=None), "last": max((w["last"] for w in walks), default=None)}
    return {**upload, "walks": [_dated(w) for w in walks], "total": _dated(total),
            "activities": _dated(activities) if activities else None}


def _dated(found: dict) -> dict:
    return {**found, "first": found["first"] and local_day(found["first"]), "last": found["last"] and local_day(found["last"])}


def field_group(store: Store, walk_id: int, day: dt.date) -> dict | None:
    """Return the field form entries of one walk on one day (ids, walk, observations, uploaders), or None."""
    return next((g for g in uploads_listed(store) if g["group"] and g["walk_id"] == walk_id and g["day"] == day), None)


def delete_upload(store: Store, upload_id: int, by: Actor) -> dict | None:
    """Delete one whole upload and record who did it; return what was deleted, or None."""
    with store.begin() as conn:
        return _delete(conn, upload_id, by)


def delete_field_group(store: Store, walk_id: int, day: dt.date, by: Actor) -> dict | None:
    """Delete the field form entries of one walk on one day, each recorded; return the group and what it showed in."""
    group = field_group(store, walk_id, day)
    if group is None:
        return None
    shows = set()
    with store.begin() as conn:
        for upload_id in group["ids"]:
            deleted = _delete(conn, upload_id, by)
            if deleted is not None:
                shows.update(deleted["shows"])
    return {**group, "shows": sorted(shows)}


def _delete(conn, upload_id: int, by: Actor) -> dict | None:
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
