"""geoapp: anonymised safety-walk maps for a municipality and its local police area."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

import platformdirs
from flask import Flask

from geoapp import config as configuration
from geoapp import owner_only
from geoapp.resources import bundled_dir
from geoapp.site import Site
from geoapp.store import Store, sqlite_url


def instance_folder(configured: str | None) -> str:
    """Return the instance folder: the configured one, or the user's data folder for geoapp."""
    # Not Flask's default, which lies inside the virtual environment: removing the environment would remove the data.
    return os.path.abspath(configured or platformdirs.user_data_dir("geoapp", appauthor=False))


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build a geoapp Flask application; `config` overrides defaults and GEOAPP_* variables."""
    overrides = dict(config or {})
    settings = configuration.resolve({k: v for k, v in overrides.items() if k in configuration.SETTINGS_BY_NAME})
    configuration.check(settings)
    app = Flask(
        __name__,
        instance_path=instance_folder(settings["INSTANCE_PATH"]),
        template_folder=str(bundled_dir("templates")),
        static_folder=None,
    )
    # Block tags leave no blank lines and indentation behind: a tenth of a page's markup was template whitespace.
    app.jinja_options = {**app.jinja_options, "trim_blocks": True, "lstrip_blocks": True}
    app.config.update({k: v for k, v in overrides.items() if k not in configuration.SETTINGS_BY_NAME})
    app.config["GEOAPP"] = settings
    # Room for the multipart envelope; the file itself is held to the exact limit at import.
    app.config["MAX_CONTENT_LENGTH"] = settings["MAX_UPLOAD_MB"] * 1024 * 1024 + 64 * 1024
    owner_only.folder(app.instance_path)  # it holds the secret key and the SQLite database

    store = Store(settings["DATABASE_URL"] or sqlite_url(app.instance_path))
    store.migrate()
    site = Site(settings=settings, store=store, instance_path=Path(app.instance_path))
    if settings["LOAD_DEFAULT_AREAS"]:
        site.load_default_areas()
    if settings["LOAD_DEFAULT_PLACES"]:
        from geoapp.ingest.places import load_default_places

        load_default_places(site)
    from geoapp.promise.followup import check_promises

    try:
        check_promises(site)  # a promise file with a mistake stops the start, naming its file and line
    except configuration.ConfigError:
        store.dispose()
        raise
    app.extensions["geoapp"] = site

    from geoapp import i18n
    from geoapp.views import register, security

    i18n.init_app(app)
    security.init_app(app)
    register(app)
    return app
