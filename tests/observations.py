"""Put observations straight into the database for tests and benchmarks, as ingest would store them."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timezone

import shapely
from pyproj import Transformer
from sqlalchemy import select

from geoapp.store import observations as stored
from geoapp.store import bump_data_version
from geoapp.store.observations import bump_upload_versions
from geoapp.store.schema import observations, uploads, walks


@dataclass(frozen=True)
class Obs:
    """One observation: walk name, time (tz-aware), category, SWEREF 99 TM point, RegSO code, comment."""

    walk: str
    at: datetime
    category: str
    e: float
    n: float
    area_code: str
    comment: str | None = None


def random_points(polygon, count: int, rng: random.Random) -> list[tuple[float, float]]:
    """Return `count` points drawn uniformly inside `polygon` (SWEREF 99 TM)."""
    west, south, east, north = polygon.bounds
    prepared, points = shapely.prepared.prep(polygon), []
    while len(points) < count:
        point = (rng.uniform(west, east), rng.uniform(south, north))
        if prepared.contains(shapely.Point(point)):
            points.append(point)
    return points


def store_observations(store, rows: list[Obs], chunk: int = 50_000) -> int:
    """Insert `rows` as one upload (times in UTC, WGS84 derived), bumping the data versions; return its id."""
    to_wgs84 = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
    digest = hashlib.sha256(repr((len(rows), rows[:3], random.random())).encode()).hexdigest()
    with store.begin() as conn:
        upload_id = conn.execute(uploads.insert().values(
            kind="observations", sha256=digest, filename="test.csv", uploaded_at=datetime.now(timezone.utc),
            rows=len(rows), redactions=0)).inserted_primary_key[0]
        known = dict(conn.execute(select(walks.c.name, walks.c.id)).all())
        for name in sorted({r.walk for r in rows} - set(known)):
            known[name] = conn.execute(walks.insert().values(name=name)).inserted_primary_key[0]
        for start in range(0, len(rows), chunk):
            part = rows[start:start + chunk]
            lon, lat = to_wgs84.transform([r.e for r in part], [r.n for r in part])
            conn.execute(observations.insert(), [
                {"upload_id": upload_id, "walk_id": known[r.walk], "observed_at": r.at.astimezone(timezone.utc),
                 "category": r.category, "comment": r.comment, "lon": x, "lat": y, "e": r.e, "n": r.n,
                 "area_code": r.area_code, "record_key": key} for r, x, y, key in zip(part, lon, lat, stored.record_keys(len(part)))])
        bump_data_version(conn)
        bump_upload_versions(conn, upload_id)
    return upload_id
