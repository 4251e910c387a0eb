"""The database layer on SQLite and PostgreSQL: migrations, what it keeps and refuses, ids, secrets, order."""

from __future__ import annotations

import os
import stat
from datetime import datetime, timedelta, timezone

import pytest
import shapely
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from geopandas import GeoDataFrame
from shapely.geometry import Polygon, box
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from geoapp import create_app
from geoapp.accounts import service as accounts
from geoapp.domain.users import COMMAND_LINE, hash_password, hash_token
from geoapp.store import AREAS_VERSION, MIGRATIONS_DIR, Store, all_versions, bump_data_version
from geoapp.store import observations as stored
from geoapp.store import users as stored_users
from geoapp.store.areas import count_areas, load_areas, save_areas
from geoapp.store.audit import record, recent
from geoapp.store.schema import metadata, observations, tokens
from geoapp.store.uploads import delete_upload, list_uploads

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
    anna = accounts.add_account(store, "anna", "admin", "correct horse battery staple", COMMAND_LINE)
    with store.begin() as conn:
        upload = stored.add_upload(conn, "observations", "a" * 64, "walk.csv", "anna", 1, 0)
        bump_data_version(conn)
    store.migrate()
    with store.connect() as conn:
        revision = MigrationContext.configure(conn).get_current_revision()
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
        assert stored.find_upload(conn, "observations", "a" * 64).id == upload
        assert stored_users.find_user(conn, "anna") == anna
    assert revision == max(path.name[:4] for path in (MIGRATIONS_DIR / "versions").glob("0*.py"))
    assert store.data_version() == 1


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


def observation(upload_id: int, walk_id: int, at: datetime, category: str = "litter", e: float = 505_000.0) -> dict:
    return {"upload_id": [upload_id], "walk_id": [walk_id], "observed_at": [at], "category": [category],
            "severity": [2], "positive": [False], "comment": ["by the [address] bench"], "lon": [15.4], "lat": [60.49],
            "e": [e], "n": [6_708_000.0], "area_code": ["2081R013"]}


def test_observations_come_back_as_stored_and_a_second_copy_is_refused_with_nothing_written(store):
    at = datetime(2025, 5, 14, 17, 42, 10, tzinfo=timezone.utc)
    with store.begin() as conn:
        upload = stored.add_upload(conn, "observations", "b" * 64, "walk.csv", "anna", 1, 0)
        walk = stored.walk_ids(conn, ["Kvällsvandring maj"])["Kvällsvandring maj"]
        assert stored.insert_observations(conn, observation(upload, walk, at)) == 1
    with store.connect() as conn:
        row = conn.execute(select(observations)).mappings().one()
        assert stored.walk_ids(conn, ["Kvällsvandring maj"], create=False) == {"Kvällsvandring maj": walk}
        assert stored.stored_keys(conn, [walk]) == {(walk, at, 505_000.0, 6_708_000.0, "litter")}
    assert stored.as_utc(row["observed_at"]) == at
    assert (row["category"], row["severity"], row["positive"], row["comment"], row["area_code"]) == (
        "litter", 2, False, "by the [address] bench", "2081R013")
    assert 0 <= row["record_key"] < 256
    versions = store.data_version(f"observations:2081R013:{at.year}")
    with pytest.raises(IntegrityError):
        with store.begin() as conn:
            later = stored.add_upload(conn, "observations", "c" * 64, "again.csv", "anna", 1, 0)
            stored.insert_observations(conn, observation(later, walk, at))
    with pytest.raises(IntegrityError):
        with store.begin() as conn:
            stored.add_upload(conn, "observations", "b" * 64, "renamed.csv", "bert", 1, 0)
    with store.connect() as conn:
        assert stored.count_observations(conn) == 1
        assert [u["filename"] for u in list_uploads(conn)] == ["walk.csv"]
    assert store.data_version(f"observations:2081R013:{at.year}") == versions


def test_uploads_are_listed_newest_first_and_deleting_one_takes_its_observations_only(store):
    at = datetime(2025, 5, 14, 17, 0, tzinfo=timezone.utc)
    with store.begin() as conn:
        walk = stored.walk_ids(conn, ["Maj"])["Maj"]
        ids = [stored.add_upload(conn, "observations", str(i) * 64, f"walk-{i}.csv", "anna", 1, 0) for i in range(3)]
        for i, upload in enumerate(ids):
            stored.insert_observations(conn, observation(upload, walk, at + timedelta(minutes=i)))
    with store.connect() as conn:
        assert [u["id"] for u in list_uploads(conn)] == ids[::-1]
    before = store.data_version()
    with store.begin() as conn:
        assert delete_upload(conn, ids[1])["filename"] == "walk-1.csv"
        assert delete_upload(conn, ids[1]) is None
    with store.connect() as conn:
        left = conn.execute(select(observations.c.upload_id).order_by(observations.c.upload_id)).scalars().all()
        assert left == [ids[0], ids[2]]
        assert [u["id"] for u in list_uploads(conn)] == [ids[2], ids[0]]
    assert store.data_version() == before + 1


def test_areas_come_back_exactly_by_code_and_a_reimport_updates_them_in_place(store):
    tjarna = Polygon([(505_000.5, 6_708_000.25), (505_600, 6_708_000), (505_600, 6_708_550.125), (505_000.5, 6_708_000.25)])
    frame = GeoDataFrame({"code": ["2081R013", "2081R004"], "name": ["Tjärna Ängar", "Jakobsgårdarna"]},
                         geometry=[tjarna, box(504_000, 6_707_000, 505_000, 6_708_000)], crs=3006)
    with store.begin() as conn:
        assert save_areas(conn, frame, "RegSO_2025.gpkg") == 2
    with store.connect() as conn:
        back = load_areas(conn)
        first_ids = dict(conn.execute(text("SELECT code, id FROM areas")).all())
    assert list(back["code"]) == ["2081R004", "2081R013"]
    assert list(back["name"]) == ["Jakobsgårdarna", "Tjärna Ängar"]
    assert shapely.to_wkb(back.geometry.iloc[1]) == shapely.to_wkb(tjarna)
    assert back["area_m2"].iloc[1] == tjarna.area and back.crs.to_epsg() == 3006
    areas_version = store.data_version(AREAS_VERSION)
    renamed = GeoDataFrame({"code": ["2081R013"], "name": ["Tjärna"]}, geometry=[box(0, 0, 10, 10)], crs=3006)
    with store.begin() as conn:
        save_areas(conn, renamed, "new.gpkg")
        assert count_areas(conn) == 2
        assert conn.execute(text("SELECT id FROM areas WHERE code = '2081R013'")).scalar() == first_ids["2081R013"]
        save_areas(conn, renamed, "new.gpkg", replace=True)
    with store.connect() as conn:
        back = load_areas(conn)
    assert list(back["code"]) == ["2081R013"] and list(back["name"]) == ["Tjärna"] and back["area_m2"].iloc[0] == 100
    assert store.data_version(AREAS_VERSION) == areas_version + 2


def test_account_ids_and_session_secrets_are_never_handed_out_twice(store):
    made = [accounts.add_account(store, name, "viewer", "correct horse battery staple", COMMAND_LINE)
            for name in ("anna", "bert", "cecilia")]
    assert len({user.session_secret for user in made}) == 3
    accounts.remove_account(store, "cecilia", COMMAND_LINE)
    again = accounts.add_account(store, "cecilia", "viewer", "correct horse battery staple", COMMAND_LINE)
    assert again.id > made[2].id and again.session_secret != made[2].session_secret
    with store.begin() as conn:
        stored_users.end_sessions(conn, made[0].id)
        assert stored_users.update_user(conn, "bert", role="admin")
        anna, bert = stored_users.find_user(conn, "anna"), stored_users.find_user(conn, "bert")
    assert anna.id == made[0].id and anna.session_secret not in {u.session_secret for u in made}
    assert bert.role == "admin" and bert.session_secret != made[1].session_secret
    with pytest.raises(IntegrityError):
        with store.begin() as conn:
            stored_users.add_user(conn, "anna", "admin", hash_password("another password entirely"))
    with store.connect() as conn:
        assert [u["name"] for u in stored_users.list_users(conn)] == ["anna", "bert", "cecilia"]
        assert stored_users.find_user(conn, "anna").role == "viewer"


def test_a_token_opens_its_account_until_revoked_and_goes_with_the_account(store):
    anna = accounts.add_account(store, "anna", "uploader", "correct horse battery staple", COMMAND_LINE)
    with store.begin() as conn:
        stored_users.add_token(conn, anna.id, hash_token("first"))
        stored_users.add_token(conn, anna.id, hash_token("second"))
    with pytest.raises(IntegrityError):
        with store.begin() as conn:
            stored_users.add_token(conn, anna.id, hash_token("first"))
    with store.begin() as conn:
        assert stored_users.user_for_token(conn, hash_token("first")) == anna
        assert stored_users.list_users(conn)[0]["tokens"] == 2
        assert stored_users.revoke_tokens(conn, anna.id) == 2
        assert stored_users.revoke_tokens(conn, anna.id) == 0
        assert stored_users.user_for_token(conn, hash_token("first")) is None
        stored_users.add_token(conn, anna.id, hash_token("third"))
    accounts.remove_account(store, "anna", COMMAND_LINE)
    with store.connect() as conn:
        assert conn.execute(select(tokens)).all() == []


def test_counters_count_per_key_and_the_audit_log_keeps_the_newest_within_its_limit(store):
    with store.begin() as conn:
        bump_data_version(conn, AREAS_VERSION)
        bump_data_version(conn)
        bump_data_version(conn)
        for i in range(5):
            record(conn, "login", actor=f"user-{i}", detail="x" * 3000)
    with store.connect() as conn:
        assert all_versions(conn) == {"data_version": 2, AREAS_VERSION: 1}
        entries = recent(conn, limit=3)
    assert [e["actor"] for e in entries] == ["user-4", "user-3", "user-2"]
    assert len(entries[0]["detail"]) == 2000
