"""The suite's own promise: storage tests run on SQLite and PostgreSQL, the rest on SQLite, and never skip."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

STORAGE_TEST = "tests/test_ingest_cli.py::test_import_prints_the_verdict"
OTHER_TEST = "tests/test_login.py::test_logout_ends_the_session_on_the_server"


def test_storage_tests_fail_without_postgresql_and_the_rest_run_on_sqlite_only():
    # Port 9 (discard) has no PostgreSQL behind it on any test machine.
    env = {**os.environ, "GEOAPP_TEST_POSTGRES_URL": "postgresql+psycopg://postgres@127.0.0.1:9/test"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:cacheprovider", "-p", "no:xdist", STORAGE_TEST, OTHER_TEST],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    lines = result.stdout.splitlines()
    assert result.returncode == 1, result.stdout
    assert f"PASSED {STORAGE_TEST}[sqlite]" in lines
    assert f"PASSED {OTHER_TEST}[sqlite]" in lines
    assert any(line.startswith(f"ERROR {STORAGE_TEST}[postgresql]") for line in lines), result.stdout
    assert "PostgreSQL is not there at postgresql+psycopg://postgres@127.0.0.1:9/test" in result.stdout
    assert f"{OTHER_TEST}[postgresql]" not in result.stdout
    assert "skipped" not in result.stdout
    assert lines[-1].startswith("2 passed, 1 error in ")
