"""Stored area boundaries."""

from __future__ import annotations

from datetime import datetime, timezone

import geopandas as gpd
import shapely
from sqlalchemy import Connection, delete, func, select

from geoapp.domain.model import SWEREF99TM
from geoapp.store import AREAS_VERSION, bump_data_version
from geoapp.store.schema import areas


def save_areas(conn: Connection, frame: gpd.GeoDataFrame, source: str, replace: bool = False) -> int:
    """Insert or update the areas of `frame` (code, name, geometry in SWEREF 99 TM) by code."""
    if replace:
        conn.execute(delete(areas).where(areas.c.code.not_in(list(frame["code"]))))
    existing = set(conn.execute(select(areas.c.code)).scalars())
    now = datetime.now(timezone.utc)
    for row in frame.itertuples():
        values = {
            "name": row.name,
            "geom_wkb": shapely.to_wkb(row.geometry),
            "area_m2": float(row.geometry.area),
            "source": source[:255],
            "imported_at": now,
        }
        if row.code in existing:
            conn.execute(areas.update().where(areas.c.code == row.code).values(**values))
        else:
            conn.execute(areas.insert().values(code=row.code, **values))
    bump_data_version(conn)
    bump_data_version(conn, AREAS_VERSION)
    return len(frame)


def load_areas(conn: Connection) -> gpd.GeoDataFrame:
    """Return every stored area as a GeoDataFrame (code, name, area_m2, geometry) in SWEREF 99 TM."""
    rows = conn.execute(select(areas.c.code, areas.c.name, areas.c.area_m2, areas.c.geom_wkb).order_by(areas.c.code)).all()
    return gpd.GeoDataFrame(
        {"code": [r.code for r in rows], "name": [r.name for r in rows], "area_m2": [r.area_m2 for r in rows]},
        geometry=shapely.from_wkb([r.geom_wkb for r in rows]) if rows else [],
        crs=SWEREF99TM,
    )


def count_areas(conn: Connection) -> int:
    """Return how many areas are stored."""
    return conn.execute(select(func.count()).select_from(areas)).scalar_one()
