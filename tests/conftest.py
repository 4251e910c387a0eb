"""Shared fixtures: an app over a fresh database, on SQLite and, for tests marked `storage`, the local PostgreSQL."""

from __future__ import annotations

import itertools
import os
import re
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from geoapp import create_app
from geoapp.accounts.service import add_account
from geoapp.cli import main as cli_main
from geoapp.domain.users import Actor

ROOT = Path(__file__).resolve().parent.parent
# SCB's RegSO 2025 file cut to Borlänge and one Falun neighbour (see tests/data/README.md).
SCB_FILE = ROOT / "tests" / "data" / "RegSO_2025_Borlange.gpkg"
POSTGRES_URL = os.environ.get("GEOAPP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]


@contextmanager
def fresh_database(backend: str, folder: Path):
    """Yield the URL of an empty database: an SQLite file in `folder`, or a fresh PostgreSQL schema."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'test.sqlite3'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        missing = None
    except OperationalError as error:
        missing = error.orig
    if missing is not None:
        # A storage test that cannot reach its second backend has not passed: fail it, never skip it.
        admin.dispose()
        pytest.fail(f"PostgreSQL is not there at {POSTGRES_URL} (set GEOAPP_TEST_POSTGRES_URL): {missing}", pytrace=False)
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def backends_of(item) -> list[str]:
    """Return the backends a test runs on: both for a storage-facing test, SQLite for the rest."""
    return BACKENDS if item.get_closest_marker("storage") is not None else ["sqlite"]


def pytest_generate_tests(metafunc):
    """Run every test that takes `database_url` once per backend it is meant for."""
    if "database_url" in metafunc.fixturenames:
        metafunc.parametrize("database_url", backends_of(metafunc.definition), indirect=True)


@pytest.fixture
def database_url(request, tmp_path):
    """Yield the URL of an empty database: an SQLite file, or a fresh PostgreSQL schema."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(autouse=True)
def unperturbed(request, monkeypatch):
    """Give stored observations the record key 0, whose noise is 0, so tests can check exact counts.

    Tests of the noise itself, and of what an attacker can do with it, are marked `perturbed` and keep
    the random keys that geoapp draws.
    """
    if request.node.get_closest_marker("perturbed") is None:
        from geoapp.store import observations

        monkeypatch.setattr(observations, "record_keys", lambda count: [0] * count)


@pytest.fixture
def app_language():
    """The language the test apps speak when nobody chose one: Swedish, as for users; a module may read English."""
    return "sv"


@pytest.fixture
def make_app(database_url, tmp_path, app_language):
    """Return a factory of apps over the test database, with extra settings."""
    apps = []

    def factory(**settings):
        config = {"DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path / "instance"),
                  "TILES": "none", "TESTING": True, "LANGUAGE": app_language, **settings}
        app = create_app(config)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        app.extensions["geoapp"].store.dispose()


@pytest.fixture
def app(make_app):
    """An app with the shipped Borlänge boundaries loaded."""
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


TEST_PASSWORD = "correct horse battery staple"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(response) -> str:
    """Return the CSRF token of the first form on a page."""
    return CSRF_FIELD.search(response.get_data(as_text=True)).group(1)


def log_in(client, name: str, password: str = TEST_PASSWORD):
    """Log `client` in through the login form; return the response."""
    token = csrf_token(client.get("/login"))
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token})


def client_as(app, role: str, name: str):
    """Return a test client of `app` logged in as a new account `name` of `role`."""
    # The client sends its session's CSRF token with every request, so tests can post forms directly.
    add_account(app.extensions["geoapp"].store, name, role, TEST_PASSWORD, Actor("tests"))
    client = app.test_client()
    assert log_in(client, name).status_code == 302
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client.get("/account"))
    client.user_name = name
    return client


@pytest.fixture
def as_role(app):
    """Return a factory of test clients logged in as a new account of a role, on `app` or another app."""
    names = itertools.count(1)

    def login(role: str, on=None, name: str | None = None):
        return client_as(on or app, role, name or f"{role}-{next(names)}")

    return login


@pytest.fixture
def runner(app):
    """Invoke the `geoapp` command against `app`."""
    cli_runner = app.test_cli_runner()

    def invoke(*args, **kwargs):
        return cli_runner.invoke(cli_main, list(args), **kwargs)

    return invoke


CHROMIUM = os.environ.get("GEOAPP_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def serve(tmp_path):
    """Start `geoapp serve` on a free loopback port with extra environment; return its base URL."""
    import re
    import subprocess
    import sys

    processes = []

    def environment(env, os_env=None) -> dict:
        return {**os.environ, "GEOAPP_TILES": "none", "GEOAPP_INSTANCE_PATH": str(tmp_path / "served"),
                **(os_env or {}), **{f"GEOAPP_{k}": str(v) for k, v in env.items()}}

    def run(*args, stdin: str = "", **env) -> subprocess.CompletedProcess:
        """Run another `geoapp` command against the same instance, e.g. to add an account."""
        return subprocess.run([sys.executable, "-m", "geoapp", *args], input=stdin, capture_output=True, text=True,
                              env=environment(env), timeout=120)

    def start(*args, os_env: dict | None = None, **env) -> str:
        """Return the base URL; the lines printed before it are kept in start.output, the process in start.process."""
        process = subprocess.Popen(
            [sys.executable, "-m", "geoapp", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment(env, os_env),
        )
        processes.append(process)
        start.process = process
        start.output = []
        for line in process.stdout:
            start.output.append(line)
            match = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if match:
                return match.group(0)
        raise AssertionError(f"geoapp serve exited with {process.wait()} before printing its address")

    start.run = run
    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=30)  # a graceful stop on a busy machine
        process.stdout.close()


@pytest.fixture
def browser():
    """A headless Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
