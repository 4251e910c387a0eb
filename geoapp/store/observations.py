"""Stored uploads, walks and observations."""

from __future__ import annotations

import secrets
from datetime import datetime, timezone
from typing import Iterable, NamedTuple
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import Connection, case, func, select, update

from geoapp.domain.model import RECORD_KEY_RANGE, STOCKHOLM_TZ
from geoapp.store import OBSERVATIONS_VERSION, bump_data_version
from geoapp.store.schema import observations, uploads, walks

CHUNK = 5_000


class UploadRecord(NamedTuple):
    """An upload already stored."""

    id: int
    filename: str
    uploaded_at: datetime
    rows: int


def as_utc(value: datetime) -> datetime:
    """Return a stored timestamp as an aware UTC datetime (SQLite hands them back naive, in UTC)."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def find_upload(conn: Connection, kind: str, sha256: str) -> UploadRecord | None:
    """Return the upload of this kind with this content hash, if any."""
    row = conn.execute(
        select(uploads.c.id, uploads.c.filename, uploads.c.uploaded_at, uploads.c.rows)
        .where(uploads.c.kind == kind, uploads.c.sha256 == sha256)
    ).first()
    return UploadRecord(row.id, row.filename, as_utc(row.uploaded_at), row.rows) if row else None


def add_upload(conn: Connection, kind: str, sha256: str, filename: str, uploaded_by: str | None,
               rows: int, redactions: int) -> int:
    """Record an upload and return its id."""
    values = dict(kind=kind, sha256=sha256, filename=filename[:255], uploaded_by=uploaded_by,
                  uploaded_at=datetime.now(timezone.utc), rows=rows, redactions=redactions)
    return conn.execute(uploads.insert().values(**values)).inserted_primary_key[0]


def walk_ids(conn: Connection, names: Iterable[str], create: bool = True) -> dict[str, int]:
    """Return the id of each named walk, creating the missing ones when `create` is set."""
    wanted = sorted(set(names))
    found = {}
    for start in range(0, len(wanted), CHUNK):
        part = wanted[start:start + CHUNK]
        found.update(conn.execute(select(walks.c.name, walks.c.id).where(walks.c.name.in_(part))).all())
    missing = [n for n in wanted if n not in found]
    if missing and create:
        conn.execute(walks.insert(), [{"name": n} for n in missing])
        found.update(conn.execute(select(walks.c.name, walks.c.id).where(walks.c.name.in_(missing))).all())
    return found


def stored_keys(conn: Connection, walk_id_list: Iterable[int]) -> set[tuple]:
    """Return (walk_id, observed_at UTC, e, n, category) of every stored observation of these walks."""
    c = observations.c
    keys: set[tuple] = set()
    ids = sorted(set(walk_id_list))
    for start in range(0, len(ids), CHUNK):
        query = select(c.walk_id, c.observed_at, c.e, c.n, c.category).where(c.walk_id.in_(ids[start:start + CHUNK]))
        keys.update((w, as_utc(t), e, n, cat) for w, t, e, n, cat in conn.execute(query))
    return keys


def record_keys(count: int) -> list[int]:
    """Draw the record keys of `count` new observations from a freshly seeded generator."""
    return np.random.default_rng(secrets.randbits(128)).integers(0, RECORD_KEY_RANGE, count).tolist()


def insert_observations(conn: Connection, columns: dict[str, list]) -> int:
    """Insert observations given column by column (name -> values), in chunks, each with a new record key; return how many."""
    columns = {**columns, "record_key": record_keys(len(columns["upload_id"]))}
    dialect = conn.dialect
    names = list(columns)
    values = {}
    for name in names:
        process = observations.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        values[name] = [process(v) for v in columns[name]] if process else columns[name]
    # Compiled once and sent as one executemany per chunk: per-row statement handling dominated the import.
    compiled = observations.insert().compile(dialect=dialect, column_keys=names)
    if compiled.positional:
        rows = list(zip(*(values[key] for key in compiled.positiontup)))
    else:
        rows = [dict(zip(names, row)) for row in zip(*values.values())]
    for start in range(0, len(rows), CHUNK):
        conn.exec_driver_sql(str(compiled), rows[start:start + CHUNK])
    for upload_id in set(columns["upload_id"]):
        bump_upload_versions(conn, upload_id)
    return len(rows)


def count_observations(conn: Connection, upload_id: int | None = None) -> int:
    """Return how many observations are stored (of one upload, if given)."""
    query = select(func.count()).select_from(observations)
    if upload_id is not None:
        query = query.where(observations.c.upload_id == upload_id)
    return conn.execute(query).scalar_one()


def observation_points(conn: Connection) -> pd.DataFrame:
    """Return id, e, n and area_code of every stored observation."""
    rows = conn.execute(select(observations.c.id, observations.c.e, observations.c.n, observations.c.area_code)).all()
    return pd.DataFrame(rows, columns=["id", "e", "n", "area_code"])


def set_area_codes(conn: Connection, codes: pd.Series) -> int:
    """Set the area code of each observation id in `codes` (id -> code); return how many changed."""
    for code, ids in codes.groupby(codes).groups.items():
        ids = [int(i) for i in ids]
        for start in range(0, len(ids), CHUNK):
            conn.execute(update(observations).where(observations.c.id.in_(ids[start:start + CHUNK])).values(area_code=code))
    return len(codes)



def counts_per_bin(conn: Connection, codes: Iterable[str], edges: list[datetime], left_out: Iterable[str] = ()) -> list[tuple]:
    """Return (area_code, bin, observations, distinct walks) per area and time bin [edges[i], edges[i+1])."""
    c = observations.c
    time_bin = case(*[(c.observed_at < edge, i) for i, edge in enumerate(edges[1:-1])], else_=len(edges) - 2)
    query = (select(c.area_code, time_bin, func.count(), func.count(c.walk_id.distinct()))
             .where(c.area_code.in_(list(codes)), c.observed_at >= edges[0], c.observed_at < edges[-1],
                    c.category.not_in(list(left_out)))
             .group_by(c.area_code, time_bin))
    return [tuple(r) for r in conn.execute(query)]


def bump_upload_versions(conn: Connection, upload_id: int) -> set[tuple[str, int]]:
    """Bump the version of every area and local calendar year holding observations of the upload; return those pairs."""
    spans = conn.execute(
        select(observations.c.area_code, func.min(observations.c.observed_at), func.max(observations.c.observed_at))
        .where(observations.c.upload_id == upload_id).group_by(observations.c.area_code))
    touched = {(area, year) for area, first, last in spans for year in range(local_year(first), local_year(last) + 1)}
    for area, year in touched:
        bump_data_version(conn, OBSERVATIONS_VERSION.format(area=area, year=year))
    return touched


def local_year(moment: datetime) -> int:
    """Return the calendar year of `moment` in Swedish time, the year every privacy decision is made for."""
    return as_utc(moment).astimezone(ZoneInfo(STOCKHOLM_TZ)).year
