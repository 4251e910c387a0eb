"""`geoapp activities import` and `geoapp export` killed with SIGKILL mid-way leave nothing partial behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from pypdf import PdfReader

from geoapp.store import Store
from tests.activity_files import HEADERS, JAKOB, TORGET
from tests.crash import writing
from tests.observation_files import csv_bytes, table_dump

pytestmark = [pytest.mark.slow, pytest.mark.storage]
ACTIVITY_ROWS = 30_000


def many_activities(rows: int) -> bytes:
    """A valid activities file: dialogues and police presence at two places, each at its own minute of 2024-2025."""
    records = []
    for i in range(rows):
        day, minute = divmod(i, 600)
        records.append([(TORGET, JAKOB)[i % 2], ("medborgardialog", "polisnärvaro")[i // 2 % 2],
                        f"{2024 + day // 336}-{1 + day // 28 % 12:02d}-{1 + day % 28:02d}",
                        f"{8 + minute // 60:02d}.{minute % 60:02d}", "30", str(i % 40)])
    return csv_bytes(HEADERS, records, delimiter=";")


def environment(tmp_path, url: str) -> dict:
    return {**os.environ, "GEOAPP_DATABASE_URL": url, "GEOAPP_INSTANCE_PATH": str(tmp_path / "instance"),
            "GEOAPP_TILES": "none", "TMPDIR": str(tmp_path / "scratch")}


def command(tmp_path, url: str, *args: str) -> subprocess.Popen:
    """Start one `geoapp` command against the test database, as an operator would."""
    return subprocess.Popen([sys.executable, "-m", "geoapp", *args], env=environment(tmp_path, url),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run(tmp_path, url: str, *args: str) -> subprocess.CompletedProcess:
    """Run one `geoapp` command to its end."""
    return subprocess.run([sys.executable, "-m", "geoapp", *args], env=environment(tmp_path, url),
                          capture_output=True, text=True, timeout=300)


def test_sigkill_mid_activity_import_stores_none_of_it(database_url, tmp_path):
    application = f"crash-{uuid.uuid4().hex[:8]}"
    url = database_url if database_url.startswith("sqlite") else f"{database_url}&application_name={application}"
    (tmp_path / "scratch").mkdir()
    (tmp_path / "many.csv").write_bytes(many_activities(ACTIVITY_ROWS))
    assert run(tmp_path, url, "config").returncode == 0  # the first start: schema, areas and places
    store = Store(url)
    before = table_dump(store)
    with writing(url, application, table="activities", wal_growth=2**20) as ready:
        process = command(tmp_path, url, "activities", "import", str(tmp_path / "many.csv"))
        deadline = time.monotonic() + 120
        while not ready() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert ready() and process.poll() is None, "the import ended before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    after = table_dump(store)
    assert {t: after[t] for t in ("activities", "uploads")} == {t: before[t] for t in ("activities", "uploads")}
    assert list((tmp_path / "scratch").iterdir()) == []
    # Nothing half-done blocks the same import now: it is stored once, whole.
    done = run(tmp_path, url, "activities", "import", str(tmp_path / "many.csv"))
    assert done.returncode == 0, done.stderr
    assert len(table_dump(store)["activities"]) == ACTIVITY_ROWS
    store.dispose()


@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0])
def test_sigkill_mid_export_leaves_no_partial_file(database_url, tmp_path, delay):
    (tmp_path / "scratch").mkdir()
    out = tmp_path / "out"
    out.mkdir()
    assert run(tmp_path, database_url, "demo").returncode == 0
    process = command(tmp_path, database_url, "export", "--format", "pdf", "--area", "vastra-borlange",
                      "--period", "2025", "-o", str(out / "briefing.pdf"))
    time.sleep(delay)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    left = sorted(p.name for p in out.iterdir())
    # Either nothing, or the whole PDF: never a half-written one, never a stray part file.
    assert left in ([], ["briefing.pdf"])
    assert list((tmp_path / "scratch").iterdir()) == []
    if left:
        # The whole PDF is the one an export left to its end writes, page for page.
        whole = tmp_path / "whole.pdf"
        done = run(tmp_path, database_url, "export", "--format", "pdf", "--area", "vastra-borlange",
                   "--period", "2025", "-o", str(whole))
        assert done.returncode == 0, done.stderr
        assert len(PdfReader(out / "briefing.pdf").pages) == len(PdfReader(whole).pages) >= 2
