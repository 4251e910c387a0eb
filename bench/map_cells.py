"""The planners' map against a naive folium map with one marker per observation, and at a million rows.

`python -m bench map_cells` runs the 10 000-observation comparison (about a minute, mostly the naive map);
`python -m bench map_cells_1m` also stores 1 000 000 observations in SQLite and times one uncached
view (2 to 3 minutes, most of it generating and inserting the rows).
"""

from __future__ import annotations

import tempfile
import time
from datetime import datetime, timedelta, timezone

import folium
import numpy as np
import shapely
from folium.plugins import MarkerCluster
from pyproj import Transformer

from bench.harness import median_seconds, page, report, stock_folium
from geoapp import create_app
from geoapp.store import bump_data_version
from geoapp.store.observations import record_keys
from geoapp.store.schema import uploads, walks

VIEW = "/?area=vastra-borlange&period=2025"
PER_WALK = 40


def random_rows(frame, codes: list[str], count: int, years: range, seed: int = 1) -> list[tuple]:
    """Return `count` observation rows spread over the areas `codes` and `years`, PER_WALK per walk."""
    rng = np.random.default_rng(seed)
    by_code = frame.set_index("id").geometry
    vocabulary = ["lighting", "vegetation", "visibility", "walkway", "underpass", "litter", "graffiti",
                  "maintenance", "traffic", "deserted", "wayfinding", "safe_place"]
    to_wgs84 = Transformer.from_crs("EPSG:3006", "EPSG:4326", always_xy=True)
    rows = []
    share = count // len(codes)
    for c, code in enumerate(codes):
        polygon = by_code[code]
        west, south, east, north = polygon.bounds
        e, n = np.empty(0), np.empty(0)
        while len(e) < share:
            x, y = rng.uniform(west, east, share * 2), rng.uniform(south, north, share * 2)
            inside = shapely.contains_xy(polygon, x, y)
            e, n = np.concatenate([e, x[inside]]), np.concatenate([n, y[inside]])
        e, n = e[:share], n[:share]
        lon, lat = to_wgs84.transform(e, n)
        walk = c * (share // PER_WALK + 1) + np.arange(share) // PER_WALK + 1
        start = datetime(years.start, 1, 1, tzinfo=timezone.utc)
        days = (len(years) * 365 * rng.random(share // PER_WALK + 1)).astype(int)[np.arange(share) // PER_WALK]
        seconds = rng.integers(0, 7200, share) + 17 * 3600
        cats = rng.integers(0, len(vocabulary), share)
        for i in range(share):
            at = start + timedelta(days=int(days[i]), seconds=int(seconds[i]))
            rows.append((1, int(walk[i]), at, vocabulary[cats[i]], float(lon[i]), float(lat[i]), float(e[i]), float(n[i]), code))
    return rows


def store_rows(store, rows: list[tuple]) -> None:
    """Bulk-insert rows (upload, walk, time, category, lon, lat, e, n, area) with executemany, then bump the version."""
    with store.begin() as conn:
        conn.execute(uploads.insert().values(id=1, kind="observations", sha256="bench", filename="bench.csv",
                                             uploaded_at=datetime.now(timezone.utc), rows=len(rows), redactions=0))
        conn.execute(walks.insert(), [{"id": w, "name": f"walk {w}"} for w in sorted({r[1] for r in rows})])
        columns = ("upload_id", "walk_id", "observed_at", "category", "lon", "lat", "e", "n", "area_code", "record_key")
        sql = f"INSERT INTO observations ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        stamp = "%Y-%m-%d %H:%M:%S.%f"
        for start in range(0, len(rows), 100_000):
            part = rows[start:start + 100_000]
            chunk = [(*r[:2], r[2].strftime(stamp), *r[3:], key) for r, key in zip(part, record_keys(len(part)))]
            conn.exec_driver_sql(sql, chunk)
        bump_data_version(conn)


def naive_page(rows: list[tuple]) -> str:
    """Build the map a first attempt would: one clustered marker per observation, with its category."""
    with stock_folium():
        fmap = folium.Map(location=[60.49, 15.40], zoom_start=14)
        cluster = MarkerCluster().add_to(fmap)
        for row in rows:
            folium.Marker([row[5], row[4]], tooltip=row[3]).add_to(cluster)
        return fmap.get_root().render()


def _app(tmp: str):
    app = create_app({"INSTANCE_PATH": tmp, "TILES": "none", "PUBLIC_MAP": True})
    return app, app.extensions["geoapp"]


def _uncached(site, client, url: str) -> bytes:
    """Fetch `url` after forgetting every cached view and privacy decision (boundaries stay cached, as in a running server)."""
    computed = {"view", "decision", "group_walks"}
    for key in [key for key in site._cache if isinstance(key, tuple) and key[0] in computed]:
        del site._cache[key]
    return page(client, url)


def run() -> None:
    """Print build time and size of the 10 000-observation view and of the naive marker map."""
    with tempfile.TemporaryDirectory() as tmp:
        app, site = _app(tmp)
        rows = random_rows(site.area_frame(), ["2081R013", "2081R004"], 10_000, range(2025, 2026))
        store_rows(site.store, rows)
        client = app.test_client()
        uncached = median_seconds(lambda: _uncached(site, client, VIEW))
        cached = median_seconds(lambda: page(client, VIEW))
        size = len(page(client, VIEW))
        naive_time = median_seconds(lambda: naive_page(rows), repeat=3, warmup=0)
        naive_size = len(naive_page(rows).encode())
        site.store.dispose()
    report("planners' map, 10 000 observations in Västra Borlänge, 2025", {
        "GET / first view, uncached (s)": f"{uncached:.4f}",
        "GET / repeated view, cached numbers (s)": f"{cached:.4f}",
        "naive MarkerCluster map (s)": f"{naive_time:.4f}",
        "speed ratio, uncached (naive / ours)": f"{naive_time / uncached:.1f}",
        "speed ratio, cached (naive / ours)": f"{naive_time / cached:.1f}",
        "GET / size (bytes)": f"{size}",
        "naive size (bytes)": f"{naive_size}",
        "size ratio (naive / ours)": f"{naive_size / size:.1f}",
    })


def run_million() -> None:
    """Store 1 000 000 observations in SQLite and time one uncached view, server side."""
    codes = None
    with tempfile.TemporaryDirectory() as tmp:
        app, site = _app(tmp)
        frame = site.area_frame()
        codes = list(frame[frame["kind"] == "regso"]["id"])
        started = time.perf_counter()
        store_rows(site.store, random_rows(frame, codes, 1_000_000, range(2021, 2026)))
        inserted = time.perf_counter() - started
        client = app.test_client()
        timings = {}
        for url in (VIEW, VIEW + "-05&compare=1", VIEW.replace("2025", "2025-T2&category=lighting")):
            timings[url] = median_seconds(lambda u=url: _uncached(site, client, u), repeat=3)
        size = len(_uncached(site, client, VIEW + "-05&compare=1"))
        site.store.dispose()
    figures = {"observations stored": "1000000", "areas": str(len(codes)), "bulk insert (s)": f"{inserted:.1f}"}
    figures.update({f"uncached {url} (s)": f"{t:.3f}" for url, t in timings.items()})
    figures["largest page above, HTML without static assets (bytes)"] = str(size)
    report("planners' map, 1 000 000 observations in SQLite", figures)
