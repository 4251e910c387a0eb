"""Stored named public places, each with a point and the RegSO area holding it."""

from __future__ import annotations

from typing import Iterable, Mapping

from sqlalchemy import Connection, func, select, update

from geoapp.store import ACTIVITIES_VERSION, bump_data_version
from geoapp.store.schema import places

PLACE_FIELDS = ("name", "kind", "lon", "lat", "e", "n", "area_code")


def save_places(conn: Connection, rows: Iterable[Mapping]) -> tuple[int, int]:
    """Add new places and update known ones by name (case ignored); return (added, updated)."""
    known = {name.casefold(): pid for pid, name in conn.execute(select(places.c.id, places.c.name))}
    added = updated = 0
    for row in rows:
        values = {key: row[key] for key in PLACE_FIELDS}
        pid = known.get(values["name"].casefold())
        if pid is None:
            conn.execute(places.insert().values(**values))
            added += 1
        else:
            conn.execute(update(places).where(places.c.id == pid).values(**values))
            updated += 1
    bump_data_version(conn)
    bump_data_version(conn, ACTIVITIES_VERSION)
    return added, updated


def list_places(conn: Connection, area_codes: Iterable[str] | None = None) -> list[dict]:
    """Return the places (id and PLACE_FIELDS) by name, only those in the given RegSO areas if named."""
    query = select(places.c.id, *(places.c[key] for key in PLACE_FIELDS)).order_by(places.c.name)
    if area_codes is not None:
        query = query.where(places.c.area_code.in_(list(area_codes)))
    return [dict(r) for r in conn.execute(query).mappings()]


def count_places(conn: Connection) -> int:
    """Return how many places are stored."""
    return conn.execute(select(func.count()).select_from(places)).scalar_one()


def set_place_areas(conn: Connection, codes: Mapping[int, str]) -> int:
    """Set the RegSO code of each place id in `codes`; return how many were set."""
    for pid, code in codes.items():
        conn.execute(update(places).where(places.c.id == pid).values(area_code=code))
    return len(codes)
