"""The database layer on SQLite and PostgreSQL: migrations, transactions, data version."""

from __future__ import annotations

import os
import stat

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from geoapp import accounts, create_app
from geoapp.store import Store, bump_data_version
from geoapp.store.audit import record, recent
from geoapp.store.schema import metadata
from geoapp.users import COMMAND_LINE, hash_password, hash_token

pytestmark = pytest.mark.storage


@pytest.fixture
def store(database_url):
    s = Store(database_url)
    s.migrate()
    yield s
    s.dispose()


def test_migrations_create_exactly_the_declared_schema(store):
    with store.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def test_migrating_twice_changes_nothing(store):
    store.migrate()
    with store.connect() as conn:
        assert "observations" in inspect(conn).get_table_names()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with s.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    s.dispose()


def test_data_version_counts_committed_changes_only(store):
    assert store.data_version() == 0
    with store.begin() as conn:
        bump_data_version(conn)
        bump_data_version(conn)
    assert store.data_version() == 2
    with pytest.raises(RuntimeError):
        with store.begin() as conn:
            bump_data_version(conn)
            raise RuntimeError("abort the transaction")
    assert store.data_version() == 2


def test_audit_log_keeps_newest_first(store):
    with store.begin() as conn:
        record(conn, "login", actor="anna", address="127.0.0.1")
        record(conn, "upload", actor="anna", detail="walk file accepted")
    with store.connect() as conn:
        entries = recent(conn)
    assert [e["action"] for e in entries] == ["upload", "login"]
    assert entries[1]["address"] == "127.0.0.1"


def test_accounts_and_tokens_outlive_the_migration_to_session_secrets(database_url):
    s = Store(database_url)
    s.migrate("0001")
    with s.begin() as conn:
        for name in ("anna", "bert"):
            conn.execute(text("INSERT INTO users (name, role, password_hash, session_version, created_at) "
                              "VALUES (:name, 'uploader', :hash, 3, CURRENT_TIMESTAMP)"),
                         {"name": name, "hash": hash_password("correct horse battery staple")})
        conn.execute(text("INSERT INTO tokens (user_id, token_hash, created_at) "
                          "SELECT id, :hash, CURRENT_TIMESTAMP FROM users WHERE name = 'anna'"),
                     {"hash": hash_token("anna's token")})
    s.migrate()
    with s.connect() as conn:
        secrets = conn.execute(text("SELECT session_secret FROM users ORDER BY name")).scalars().all()
    assert len(set(secrets)) == 2 and all(len(secret) == 64 for secret in secrets)
    assert accounts.token_user(s, "anna's token").name == "anna"
    assert accounts.log_in(s, "bert", "correct horse battery staple", None).name == "bert"
    accounts.remove_account(s, "bert", COMMAND_LINE)
    again = accounts.add_account(s, "cecilia", "viewer", "correct horse battery staple", COMMAND_LINE)
    with s.connect() as conn:
        assert again.id > conn.execute(text("SELECT max(id) FROM users WHERE name = 'anna'")).scalar() + 1
    s.dispose()


@pytest.fixture
def umask_022():
    """The usual umask, under which files are made readable by everyone unless asked otherwise."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def modes(folder) -> dict[str, int]:
    return {path.name: stat.S_IMODE(path.stat().st_mode) for path in [folder, *folder.iterdir()]}


def test_the_instance_folder_and_the_sqlite_database_are_owner_only(tmp_path, umask_022):
    folder = tmp_path / "instance"
    app = create_app({"INSTANCE_PATH": str(folder), "TILES": "none", "LOAD_DEFAULT_PLACES": False})
    accounts.add_account(app.extensions["geoapp"].store, "anna", "admin", "correct horse battery staple", COMMAND_LINE)
    assert modes(folder) == {"instance": 0o700, "secret_key": 0o600, "geoapp.sqlite3": 0o600,
                             "geoapp.sqlite3-wal": 0o600, "geoapp.sqlite3-shm": 0o600}
    app.extensions["geoapp"].store.dispose()


def test_a_world_readable_database_of_an_earlier_version_is_made_owner_only(tmp_path, umask_022):
    folder = tmp_path / "instance"
    create_app({"INSTANCE_PATH": str(folder), "TILES": "none"}).extensions["geoapp"].store.dispose()
    folder.chmod(0o755)
    (folder / "geoapp.sqlite3").chmod(0o644)
    create_app({"INSTANCE_PATH": str(folder), "TILES": "none"}).extensions["geoapp"].store.dispose()
    assert modes(folder)["instance"] == 0o700 and modes(folder)["geoapp.sqlite3"] == 0o600


def test_file_names_stored_before_they_were_redacted_are_redacted_by_the_migration(database_url):
    s = Store(database_url)
    s.migrate("0001")
    with s.begin() as conn:
        conn.execute(text("INSERT INTO uploads (kind, sha256, filename, uploaded_at, rows, redactions) "
                          "VALUES ('observations', :sha, 'walk 811218-9876.csv', CURRENT_TIMESTAMP, 1, 0)"),
                     {"sha": "0" * 64})
        record(conn, "upload", actor="anna", detail="observations file walk 811218-9876.csv: 1 rows, 1 walk(s)")
        record(conn, "login", actor="anna", address="192.0.2.7")
    s.migrate()
    with s.connect() as conn:
        assert conn.execute(text("SELECT filename FROM uploads")).scalar() == "walk [personnummer].csv"
        entries = recent(conn)
    assert [e["detail"] for e in entries] == ["", "observations file walk [personnummer].csv: 1 rows, 1 walk(s)"]
    s.dispose()
