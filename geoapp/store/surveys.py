"""Stored survey results: one aggregate per area, year and indicator, replaced by a newer import of the same."""

from __future__ import annotations

from typing import Iterable, Mapping

from sqlalchemy import Connection, and_, delete, or_, select

from geoapp.store import bump_data_version
from geoapp.store.schema import survey_results

FIELDS = ("area_id", "year", "indicator", "value", "n", "low", "high")


def replace_results(conn: Connection, rows: list[Mapping], upload_id: int) -> tuple[int, int]:
    """Store the results of one upload, replacing those stored for the same area, year and indicator; return (new, replaced)."""
    c = survey_results.c
    keys = [and_(c.area_id == r["area_id"], c.year == r["year"], c.indicator == r["indicator"]) for r in rows]
    replaced = 0
    for first in range(0, len(keys), 500):
        replaced += conn.execute(delete(survey_results).where(or_(*keys[first:first + 500]))).rowcount
    conn.execute(survey_results.insert(), [{**{k: r[k] for k in FIELDS}, "upload_id": upload_id} for r in rows])
    bump_data_version(conn)
    return len(rows) - replaced, replaced


def results_of(conn: Connection, area_ids: Iterable[str]) -> list[dict]:
    """Return the stored results (FIELDS) of these areas, by area, indicator and year."""
    c = survey_results.c
    query = (select(*(c[k] for k in FIELDS)).where(c.area_id.in_(sorted(set(area_ids))))
             .order_by(c.area_id, c.indicator, c.year))
    return [dict(r) for r in conn.execute(query).mappings()]
