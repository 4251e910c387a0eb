"""An import killed with SIGKILL half-way leaves all of the file or none of it, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest

from tests.conftest import ROOT
from tests.crash import writing
from tests.observation_files import big_csv, counts, run

pytestmark = pytest.mark.storage

ROWS = 40_000


@pytest.mark.slow
def test_sigkill_mid_import_leaves_all_or_nothing(make_app, database_url, tmp_path):
    application = f"crash-{uuid.uuid4().hex[:8]}"
    url = database_url if not database_url.startswith("sqlite") else f"sqlite:///{tmp_path / 'crash.sqlite3'}"
    url = url if url.startswith("sqlite") else f"{url}&application_name={application}"
    app = make_app(DATABASE_URL=url)  # migrated, boundaries loaded
    path = tmp_path / "big.csv"
    path.write_bytes(big_csv(ROWS))
    env = {**os.environ, "GEOAPP_DATABASE_URL": url, "GEOAPP_INSTANCE_PATH": str(tmp_path / "instance"), "GEOAPP_TILES": "none"}
    with writing(url, application) as ready:
        process = subprocess.Popen([sys.executable, "-m", "geoapp", "observations", "import", str(path)], cwd=ROOT,
                                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while not ready() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL, process.stderr.read().decode()
        process.stderr.close()
    after = counts(app)
    assert (after["observations"], after["uploads"]) == (0, 0)
    # The database is whole: the same file now imports completely.
    report = run(app, path.read_bytes(), "big.csv")
    assert report.status == "imported" and report.rows == ROWS
    assert counts(app)["observations"] == ROWS
