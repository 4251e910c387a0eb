"""Knowing when a process is in the middle of writing, so that killing it then tests crash safety."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool


@contextmanager
def writing(database_url: str, application: str, table: str = "observations", wal_growth: int = 2 * 2**20):
    """Yield a check that is true once a process is inserting into `table` inside its transaction.

    SQLite: its write-ahead log has grown by `wal_growth` bytes. PostgreSQL: a connection named `application`
    (application_name in the URL) is running an INSERT INTO `table`.
    """
    if database_url.startswith("sqlite"):
        wal = Path(database_url.removeprefix("sqlite:///") + "-wal")
        start = wal.stat().st_size if wal.exists() else 0
        yield lambda: wal.exists() and wal.stat().st_size > start + wal_growth
        return
    engine = create_engine(database_url.split("?")[0], poolclass=NullPool)
    query = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :a AND query ILIKE :insert")

    def check() -> bool:
        with engine.connect() as conn:
            return conn.execute(query, {"a": application, "insert": f"INSERT INTO {table}%"}).scalar() > 0
    try:
        yield check
    finally:
        engine.dispose()
