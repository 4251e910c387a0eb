"""Counts of stored observations per area, grid cell, category and time segment, computed in SQL.

Observation times are stored in UTC and compared with UTC bounds, on SQLite (naive UTC text)
and PostgreSQL (timestamptz) alike.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import NamedTuple, Sequence

from sqlalchemy import Connection, Integer, and_, case, cast, func, literal, literal_column, select

from geoapp.store.schema import observations as obs


class SegmentCount(NamedTuple):
    """Observations of one category in one area's grid cell during one time segment, with their walk range."""

    area_code: str
    col: int
    row: int
    category: str
    segment: int
    count: int
    first_walk: int
    last_walk: int


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


def segment_counts(conn: Connection, codes: Sequence[str], edges: Sequence[datetime], size: int) -> list[SegmentCount]:
    """Count observations per area, cell, category and segment [edges[i], edges[i+1]) in the given areas."""
    labels = ("cell_col", "cell_row", "time_segment")
    col, row = _cell_index(conn, obs.c.e, size).label(labels[0]), _cell_index(conn, obs.c.n, size).label(labels[1])
    segment = _segment(edges, 0, len(edges) - 1).label(labels[2])
    # Grouping by the output names spares SQLite evaluating each expression twice per row.
    col_name, row_name, segment_name = (literal_column(name) for name in labels)
    query = (
        select(obs.c.area_code, col, row, obs.c.category, segment,
               func.count(), func.min(obs.c.walk_id), func.max(obs.c.walk_id))
        .where(obs.c.area_code.in_(list(codes)), _in_time(edges))
        .group_by(obs.c.area_code, col_name, row_name, obs.c.category, segment_name)
    )
    return conn.execute(query).all()  # rows in SegmentCount's field order


def walk_counts(conn: Connection, codes: Sequence[str], start: datetime, end: datetime) -> dict[str, int]:
    """Return the number of distinct walks per area code, and under '' across all the given areas."""
    where = (obs.c.area_code.in_(list(codes)), _in_time([start, end]))
    per_area = select(obs.c.area_code, func.count(obs.c.walk_id.distinct())).where(*where).group_by(obs.c.area_code)
    counts = {code: int(n) for code, n in conn.execute(per_area)}
    counts[""] = int(conn.execute(select(func.count(obs.c.walk_id.distinct())).where(*where)).scalar_one())
    return counts


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def time_span(conn: Connection) -> tuple[datetime, datetime] | None:
    """Return the first and last stored observation times in UTC, or None when there are none."""
    first, last = conn.execute(select(func.min(obs.c.observed_at), func.max(obs.c.observed_at))).one()
    if first is None:
        return None
    return _as_utc(first), _as_utc(last)
