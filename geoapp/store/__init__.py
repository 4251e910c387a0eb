"""What geoapp keeps: the database (one engine per app, SQLite by default, PostgreSQL by URL) and its drawn exports."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Connection, Engine, Integer, String, cast, create_engine, event, make_url, select, update

from geoapp import owner_only
from geoapp.store import schema

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DATA_VERSION = "data_version"  # every change of anything published
AREAS_VERSION = "areas_version"  # changes of the stored boundaries only
ACTIVITIES_VERSION = "activities_version"  # changes of activities and places, for caches of what shows them
# One counter per RegSO area and local calendar year of observations: the unit every privacy decision is made on.
OBSERVATIONS_VERSION = "observations:{area}:{year}"


def sqlite_url(instance_path: str | Path) -> str:
    """Return the URL of the default SQLite file in the instance folder."""
    return f"sqlite:///{Path(instance_path) / 'geoapp.sqlite3'}"


def _tune_sqlite(dbapi_connection, _record) -> None:
    # WAL lets readers go on during an upload; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _owner_only_database(url: str) -> None:
    # It holds password and token hashes, raw points and comments. SQLite gives its WAL, shared-memory and
    # journal files the mode of the database file, so creating that owner-only covers them all.
    path = make_url(url).database
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    owner_only.file(path)
    for suffix in ("-wal", "-shm", "-journal"):
        owner_only.existing_file(path + suffix)


def _foreign_keys(conn: Connection, is_sqlite: bool, on: bool) -> None:
    # SQLite migrations rebuild a table by copying it, and dropping the old copy with foreign keys on would
    # delete the rows that refer to it (ON DELETE CASCADE). The pragma works only outside a transaction.
    if is_sqlite:
        conn.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
        conn.commit()


class Store:
    """The database of one geoapp instance."""

    def __init__(self, url: str):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            _owner_only_database(url)
            # Pooled connections spare each request opening the file and setting the pragmas again.
            self.engine: Engine = create_engine(url)
            event.listen(self.engine, "connect", _tune_sqlite)
        else:
            self.engine = create_engine(url, pool_pre_ping=True)

    def migrate(self, revision: str = "head") -> None:
        """Create or upgrade the schema to the newest migration (or to `revision`)."""
        config = AlembicConfig()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with self.engine.connect() as conn:
            _foreign_keys(conn, self.is_sqlite, on=False)
            try:
                with conn.begin():
                    config.attributes["connection"] = conn
                    command.upgrade(config, revision)
            finally:
                _foreign_keys(conn, self.is_sqlite, on=True)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """Yield a connection inside one transaction, committed on success."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """Yield a connection for reading."""
        with self.engine.connect() as conn:
            yield conn

    def location(self) -> str:
        """Return where the data is kept: the SQLite file, or the server's URL without its password."""
        url = self.engine.url
        return url.database if self.is_sqlite else url.render_as_string(hide_password=True)

    def ping(self) -> bool:
        """Return True when the database answers a trivial query."""
        with self.engine.connect() as conn:
            return conn.execute(select(1)).scalar() == 1

    def data_version(self, key: str = DATA_VERSION) -> int:
        """Return the counter that every change of published data increments (or another counter `key`)."""
        with self.connect() as conn:
            return data_version(conn, key)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def data_version(conn: Connection, key: str = DATA_VERSION) -> int:
    """Return the data version (or the counter `key`) as seen by `conn`."""
    value = conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == key)).scalar()
    return int(value or 0)


def all_versions(conn: Connection) -> dict[str, int]:
    """Return every version counter by key."""
    return {key: int(value or 0) for key, value in conn.execute(select(schema.meta.c.key, schema.meta.c.value))}


def bump_data_version(conn: Connection, key: str = DATA_VERSION) -> None:
    """Increment the data version (or the counter `key`) inside the caller's transaction; caches keyed by it expire."""
    table = schema.meta
    # Computed in SQL so that concurrent transactions serialise on the row instead of losing a bump.
    bumped = cast(cast(table.c.value, Integer) + 1, String)
    done = conn.execute(update(table).where(table.c.key == key).values(value=bumped)).rowcount
    if not done:
        conn.execute(table.insert().values(key=key, value="1"))
