"""Counts of stored observations per area, grid cell, category and month, computed in SQL.

Observation times are stored in UTC and compared with UTC bounds, on SQLite (naive UTC text)
and PostgreSQL (timestamptz) alike.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Sequence

from sqlalchemy import Connection, Integer, and_, case, cast, func, literal, literal_column, select

from geoapp.store.schema import observations as obs


def _cell_index(conn: Connection, column, size: int):
    # SWEREF 99 TM coordinates in Sweden are positive, so truncation is floor on SQLite;
    # PostgreSQL would round when casting, hence its explicit floor.
    if conn.dialect.name == "sqlite":
        return cast(column / float(size), Integer)
    return cast(func.floor(column / float(size)), Integer)


def _in_time(edges: Sequence[datetime]):
    return and_(obs.c.observed_at >= edges[0], obs.c.observed_at < edges[-1])


def _segment(edges: Sequence[datetime], low: int, high: int):
    """Return the index of the segment holding observed_at among segments low..high-1, by bisection."""
    if high - low == 1:
        return literal(low)
    middle = (low + high) // 2
    return case((obs.c.observed_at < edges[middle], _segment(edges, low, middle)), else_=_segment(edges, middle, high))


def atom_counts(conn: Connection, code: str, edges: Sequence[datetime], size: int) -> list[tuple]:
    """Count observations of one area per grid cell, category and month [edges[i], edges[i+1]).

    Each row is (col, row, category, month, count, lowest walk id, highest walk id, sum of record keys).
    """
    labels = ("cell_col", "cell_row", "time_segment")
    col, row = _cell_index(conn, obs.c.e, size).label(labels[0]), _cell_index(conn, obs.c.n, size).label(labels[1])
    segment = _segment(edges, 0, len(edges) - 1).label(labels[2])
    # Grouping by the output names spares SQLite evaluating each expression twice per row.
    col_name, row_name, segment_name = (literal_column(name) for name in labels)
    query = (
        select(col, row, obs.c.category, segment, func.count(), func.min(obs.c.walk_id), func.max(obs.c.walk_id),
               func.sum(obs.c.record_key))
        .where(obs.c.area_code == code, _in_time(edges))
        .group_by(col_name, row_name, obs.c.category, segment_name)
    )
    return [tuple(r) for r in conn.execute(query)]


def walks_per_month(conn: Connection, codes: Sequence[str], edges: Sequence[datetime]) -> dict[int, int]:
    """Return the number of distinct walks per month [edges[i], edges[i+1]) across the areas `codes`."""
    segment = _segment(edges, 0, len(edges) - 1).label("time_segment")
    query = (select(segment, func.count(obs.c.walk_id.distinct()))
             .where(obs.c.area_code.in_(list(codes)), _in_time(edges))
             .group_by(literal_column("time_segment")))
    return {int(month): int(n) for month, n in conn.execute(query)}


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def time_span(conn: Connection) -> tuple[datetime, datetime] | None:
    """Return the first and last stored observation times in UTC, or None when there are none."""
    first, last = conn.execute(select(func.min(obs.c.observed_at), func.max(obs.c.observed_at))).one()
    if first is None:
        return None
    return _as_utc(first), _as_utc(last)
