"""Where geoapp keeps its data when no instance folder is set: the user's data folder, never the virtual environment."""

from __future__ import annotations

import sys
from pathlib import Path

from geoapp import create_app


def test_without_an_instance_folder_the_data_lives_in_the_users_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    monkeypatch.delenv("GEOAPP_INSTANCE_PATH", raising=False)
    app = create_app({"TILES": "none", "LOAD_DEFAULT_PLACES": False})
    try:
        folder = tmp_path / "data-home" / "geoapp"
        assert Path(app.instance_path) == folder
        assert (folder / "geoapp.sqlite3").is_file() and (folder / "secret_key").is_file()
        # Removing the virtual environment, or installing a new one, leaves the data where it was.
        assert not Path(app.instance_path).is_relative_to(sys.prefix)
    finally:
        app.extensions["geoapp"].store.dispose()


def test_serve_says_where_its_data_is_kept(serve, tmp_path):
    serve(os_env={"GEOAPP_INSTANCE_PATH": "", "XDG_DATA_HOME": str(tmp_path / "data-home"), "GEOAPP_LANGUAGE": "en"})
    told = serve.process.stdout.readline()
    assert told.strip() == f"its data is kept in {tmp_path / 'data-home' / 'geoapp' / 'geoapp.sqlite3'}"
