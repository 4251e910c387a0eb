"""`geoapp serve` killed with SIGKILL in the middle of work: after the next start, nothing partial and no stray files.

Temporary files could live in two places: the server's TMPDIR (waitress and werkzeug spool request bodies
there, as anonymous files) and the instance folder. Both are checked after the restart; geoapp itself
writes no temporary file (GeoPackages are read in memory).
To cover another kind of work, add a function to KILLS that starts it against the server and returns
the tables that must hold nothing of it afterwards (activity import, export).
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid

import pytest
import requests

from geoapp.store import Store
from tests.conftest import TEST_PASSWORD
from tests.crash import writing
from tests.observation_files import big_csv, table_dump

pytestmark = pytest.mark.storage

ROWS = 40_000
# What may be in the instance folder of a healthy instance (the SQLite database lives elsewhere here).
INSTANCE_FILES = {"secret_key"}


def upload_observations(base: str, token: str, data: bytes, outcome: list) -> None:
    """POST a big valid observations file as a field app would; record the answer or the broken connection."""
    try:
        response = requests.post(base + "observations/upload", files={"file": ("big.csv", data)},
                                 headers={"Authorization": f"Bearer {token}"}, timeout=300)
        outcome.append(response.status_code)
    except requests.ConnectionError as exc:
        outcome.append(type(exc).__name__)


KILLS = {"observations upload": (upload_observations, ("observations", "uploads"))}


@pytest.mark.slow
@pytest.mark.parametrize("work", KILLS)
def test_sigkill_of_the_server_mid_work_leaves_nothing_behind(serve, database_url, tmp_path, work):
    application = f"crash-{uuid.uuid4().hex[:8]}"
    url = database_url if database_url.startswith("sqlite") else f"{database_url}&application_name={application}"
    scratch = tmp_path / "server-tmp"
    scratch.mkdir()
    env = {"DATABASE_URL": url}
    assert serve.run("users", "add", "team", "--role", "uploader", stdin=TEST_PASSWORD + "\n", **env).returncode == 0
    token = serve.run("users", "token", "team", **env).stdout.strip()
    base = serve(os_env={"TMPDIR": str(scratch)}, **env)
    store = Store(url)
    before = table_dump(store)
    start, tables = KILLS[work]
    data, outcome = big_csv(ROWS), []
    with writing(url, application) as ready:
        client = threading.Thread(target=start, args=(base, token, data, outcome))
        client.start()
        deadline = time.monotonic() + 120
        while not ready() and client.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert ready() and client.is_alive(), f"the work ended before it could be killed: {outcome}"
        os.kill(serve.process.pid, signal.SIGKILL)
        serve.process.wait(timeout=30)
        client.join(timeout=60)
    assert outcome == ["ConnectionError"]
    base = serve(os_env={"TMPDIR": str(scratch)}, **env)
    assert requests.get(base + "healthz", timeout=10).json() == {"status": "ok"}
    after = table_dump(store)
    assert {t: after[t] for t in tables} == {t: before[t] for t in tables}
    assert list(scratch.iterdir()) == []
    assert {p.name for p in (tmp_path / "served").iterdir()} <= INSTANCE_FILES
    # Nothing half-done blocks the same work now: the upload is stored once, whole.
    outcome.clear()
    upload_observations(base, token, data, outcome)
    assert outcome == [201]
    assert len(table_dump(store)["observations"]) == ROWS
    store.dispose()
