"""Load: `geoapp serve` on loopback, 50 map viewers and 2 uploaders for 60 s; latency, errors, uploads stored once.

`python -m bench load [--seconds 60] [--viewers 50] [--uploaders 2] [--think 1.0] [--threads 8] [--workers 2]`
Every viewer logs in before the clock starts; then each asks for the map page, the cells, the summary or an
export with varied filters and waits a random 0 to 2 x `think` seconds before each request, as a person clicking
through filters does.
Each uploader posts distinct generated valid files with an API token. Only 127.0.0.1 is ever used.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests
from sqlalchemy import func, select

from bench.harness import report

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load test password 42"
PLACES = [(60.492869, 15.399074), (60.492310, 15.397251), (60.490818, 15.401562)]
PERIODS = ["2025", "2026", "2025-T1", "2025-T2", "2025-T3", "2026-T1", "2025-03", "2025-06", "2025-09", "2026-02",
           "2025-05", "2025-10"]
CATEGORIES = ["all", "lighting", "vegetation", "litter", "graffiti", "walkway", "safe_place"]
ROWS_PER_UPLOAD = 200


class Recorder:
    """Latencies and failures per route class, from many threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)

    def timed(self, route: str, call, expected: tuple[int, ...] = (200,)):
        start = time.perf_counter()
        try:
            response = call()
            problem = None if response.status_code in expected else f"{response.status_code} {response.text[:120]}"
        except requests.RequestException as exc:
            response, problem = None, f"{type(exc).__name__}: {exc}"[:200]
        with self.lock:
            self.latencies[route].append(time.perf_counter() - start)
            if problem:
                self.errors[route].append(problem)
        return response


def geoapp(folder: Path, *args: str, stdin: str = "") -> str:
    """Run a `geoapp` command against the bench instance and return its output."""
    env = {"GEOAPP_INSTANCE_PATH": str(folder), "GEOAPP_TILES": "none", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "geoapp", *args], input=stdin, capture_output=True, text=True,
                          env=env, cwd=ROOT, check=True, timeout=300)
    return done.stdout


def start_server(folder: Path, threads: int, workers: int) -> tuple[subprocess.Popen, str]:
    """Start `geoapp serve` on a free loopback port; return the process and its base URL."""
    env = {"GEOAPP_INSTANCE_PATH": str(folder), "GEOAPP_TILES": "none", "PATH": "/usr/bin:/bin"}
    process = subprocess.Popen([sys.executable, "-m", "geoapp", "serve", "--host", "127.0.0.1", "--port", "0",
                                "--threads", str(threads), "--workers", str(workers)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)
    for line in process.stdout:
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        if found:
            threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()  # keep draining
            return process, found.group(0)
    raise RuntimeError(f"geoapp serve exited with {process.wait()}")


# What a planner opens, by route class: the map page, its API twins, and briefing exports now and then.
VIEWER_ROUTES = {"map page": "", "api cells": "api/v1/cells", "api summary": "api/v1/summary",
                 "export csv": "export/cells.csv", "export png": "export/map.png"}


def login(base: str) -> requests.Session:
    """Return a session logged in as the bench's viewer."""
    session = requests.Session()
    page = session.get(base + "login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    session.post(base + "login", data={"name": "planner", "password": PASSWORD, "csrf_token": token}, timeout=30)
    return session


def viewer(base: str, session: requests.Session, areas: list[str], until: float, think: float, recorder: Recorder,
           seed: int) -> None:
    """Look at the map and its API with varied filters until `until`, logged in with `session`."""
    rng = random.Random(seed)
    # A pause like those between clicks comes first too: fifty people do not all click in the same millisecond.
    time.sleep(rng.uniform(0, 2 * think))
    while time.monotonic() < until:
        filters = {"area": rng.choice(areas), "period": rng.choice(PERIODS), "category": rng.choice(CATEGORIES)}
        if rng.random() < 0.2:
            filters["compare"] = "1"
        route = rng.choices(list(VIEWER_ROUTES), weights=[4, 3, 3, 1, 1])[0]
        url = VIEWER_ROUTES[route]
        recorder.timed(route, lambda: session.get(base + url, params=filters, timeout=60))
        time.sleep(rng.uniform(0, 2 * think))
    session.close()


def upload_file(uploader: int, number: int) -> bytes:
    """Return a distinct valid CSV: its own walk, each row at its own minute."""
    lines = ["datum;latitud;longitud;kategori;vandring"]
    for i in range(ROWS_PER_UPLOAD):
        lat, lon = PLACES[i % 3]
        lines.append(f"2025-{1 + number % 12:02d}-{1 + i // 60 % 28:02d} {8 + uploader:02d}:{i % 60:02d};"
                     f"{lat + i * 1e-6:.6f};{lon:.6f};{'belysning' if i % 2 else 'klotter'};Last {uploader}-{number}")
    return ("\n".join(lines) + "\n").encode()


def uploader(base: str, token: str, index: int, until: float, think: float, recorder: Recorder, sent: list) -> None:
    """Upload distinct files until `until`; remember every walk the server said it imported."""
    session, number = requests.Session(), 0
    session.headers["Authorization"] = f"Bearer {token}"
    while time.monotonic() < until:
        data = upload_file(index, number)
        response = recorder.timed("upload", lambda: session.post(base + "observations/upload", timeout=120,
                                                                   files={"file": (f"load-{index}-{number}.csv", data)}),
                                  expected=(201,))
        if response is not None and response.status_code == 201:
            sent.append(f"Last {index}-{number}")
        number += 1
        time.sleep(random.uniform(0, 2 * think))
    session.close()


def stored_walks(folder: Path) -> dict[str, int]:
    """Return the observations stored per load-test walk, straight from the database."""
    from geoapp.store import Store, sqlite_url
    from geoapp.store.schema import observations, walks

    store = Store(sqlite_url(folder))
    with store.connect() as conn:
        rows = conn.execute(select(walks.c.name, func.count()).join(observations).where(walks.c.name.like("Last %"))
                            .group_by(walks.c.name)).all()
    store.dispose()
    return dict(rows)


def percentile(values: list[float], share: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1] if len(values) > 1 else values[0]


def run(argv: list[str] | None = None) -> None:
    """Drive a served geoapp and print requests/s, latency percentiles per route class and errors."""
    parser = argparse.ArgumentParser(prog="python -m bench load")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--uploaders", type=int, default=2)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between one viewer's requests (s)")
    parser.add_argument("--threads", type=int, default=8, help="threads (in each server process)")
    parser.add_argument("--workers", type=int, default=2, help="server processes (default: the 2 cores measured on)")
    options = parser.parse_args(argv or [])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        geoapp(folder, "demo")
        geoapp(folder, "users", "add", "planner", "--role", "viewer", stdin=PASSWORD + "\n")
        geoapp(folder, "users", "add", "team", "--role", "uploader", stdin=PASSWORD + "\n")
        token = geoapp(folder, "users", "token", "team").strip()
        process, base = start_server(folder, options.threads, options.workers)
        try:
            figures, sent = drive(base, token, options)
        finally:
            process.terminate()
            process.wait(timeout=30)
        stored = stored_walks(folder)
    once = all(stored.get(walk) == ROWS_PER_UPLOAD for walk in sent) and len(stored) == len(sent)
    figures["uploads stored exactly once"] = f"{once} ({len(sent)} uploads, {len(stored)} walks stored)"
    report(f"load: {options.viewers} viewers, {options.uploaders} uploaders, {options.seconds:.0f} s, "
           f"{options.workers} server processes of {options.threads} threads", figures)


def drive(base: str, token: str, options) -> tuple[dict, list]:
    """Run the viewers and uploaders until the time is up; return the figures and what was uploaded."""
    recorder, sent = Recorder(), []
    areas = [f["properties"]["id"] for f in requests.get(base + "api/v1/areas", timeout=60, auth=None,
                                                        headers={"Authorization": f"Bearer {token}"}).json()["features"]]
    idle = idle_map_page(base, areas)
    # Everyone is logged in before the clock starts: fifty passwords checked in the same second would measure a
    # login storm (each check takes a tenth of a second of CPU on purpose), not people clicking through the map.
    sessions = [login(base) for _ in range(options.viewers)]
    for session in sessions:
        session.close()  # the cookies stay; connections idle past the server's keep-alive would be closed under it
    started = time.monotonic()
    until = started + options.seconds
    threads = [threading.Thread(target=viewer, args=(base, session, areas, until, options.think, recorder, seed))
               for seed, session in enumerate(sessions)]
    threads += [threading.Thread(target=uploader, args=(base, token, i, until, options.think, recorder, sent))
                for i in range(options.uploaders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    total = sum(len(v) for v in recorder.latencies.values())
    figures = {"requests": f"{total}", "requests/s": f"{total / elapsed:.1f}",
               "errors": f"{sum(len(v) for v in recorder.errors.values())}"}
    for route, values in sorted(recorder.latencies.items()):
        figures[f"{route}: n, p50/p95/p99 (ms)"] = (
            f"{len(values)}, {percentile(values, 50) * 1000:.0f} / {percentile(values, 95) * 1000:.0f} / "
            f"{percentile(values, 99) * 1000:.0f}")
    pages = recorder.latencies["map page"]
    figures["map page idle p50, one viewer (ms)"] = f"{idle * 1000:.0f}"
    if pages:
        figures["map page p95 under load / idle p50"] = f"{percentile(pages, 95) / idle:.1f}x"
    for route, problems in recorder.errors.items():
        figures[f"{route}: first error"] = problems[0]
    return figures, sent


def idle_map_page(base: str, areas: list[str], rounds: int = 3) -> float:
    """Return the median time of the map page for one viewer alone on the server (every area, fresh views)."""
    recorder = Recorder()
    session = login(base)
    for period in PERIODS[:rounds]:
        for area in areas:
            recorder.timed("idle", lambda: session.get(base, params={"area": area, "period": period}, timeout=60))
    session.close()
    if recorder.errors:
        raise RuntimeError(f"the idle map page failed: {recorder.errors['idle'][0]}")
    return statistics.median(recorder.latencies["idle"])
