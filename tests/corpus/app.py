"""The app every corpus test runs against: the corpus limits, English, an uploader's and an admin's browser."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from geoapp import create_app
from tests.conftest import client_as, fresh_database
from tests.corpus.generate import LIMITS


@dataclass
class Corpus:
    """An app with the corpus limits, an uploader's and an admin's browser, and the generated files' folder."""

    app: object
    uploader: object
    admin: object
    generated: Path

    @property
    def store(self):
        return self.app.extensions["geoapp"].store


@contextmanager
def open_corpus(backend: str, folder: Path, generated: Path):
    """Yield a Corpus over a fresh database of `backend`, speaking English.

    The manifest quotes the English messages; their Swedish translations are checked in test_i18n.
    """
    with fresh_database(backend, folder) as url:
        app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(folder / "instance"), "TILES": "none",
                          "TESTING": True, "LANGUAGE": "en", **LIMITS})
        try:
            yield Corpus(app, client_as(app, "uploader", "team"), client_as(app, "admin", "owner"), generated)
        finally:
            app.extensions["geoapp"].store.dispose()
