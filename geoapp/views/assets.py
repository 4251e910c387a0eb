"""Serve Leaflet, jQuery, Swagger UI and geoapp's own styles from installed packages, never a CDN."""

from __future__ import annotations

import importlib
from pathlib import Path

from flask import Blueprint, abort, send_from_directory

from geoapp.views.access import public

bp = Blueprint("assets", __name__, url_prefix="/assets")

# Each served package: the xstatic module whose BASE_DIR holds its files.
VENDORED = {
    "leaflet": "xstatic.pkg.leaflet",
    "jquery": "xstatic.pkg.jquery",
}
# Packages whose files sit in a folder of their own rather than an xstatic BASE_DIR: (module, folder).
VENDORED_FOLDERS = {
    "swagger-ui": ("flask_swagger_ui", "dist"),
}
OWN_DIR = Path(__file__).resolve().parent.parent / "static"


def package_dir(package: str) -> Path:
    """Return the folder that holds the files of a vendored package, or of geoapp itself."""
    if package == "geoapp":
        return OWN_DIR
    if package in VENDORED_FOLDERS:
        module, folder = VENDORED_FOLDERS[package]
        return Path(importlib.import_module(module).__file__).resolve().parent / folder
    return Path(importlib.import_module(VENDORED[package]).BASE_DIR)


@bp.get("/<package>/<path:filename>")
@public
def asset(package: str, filename: str):
    """Send one static file, cached for a day."""
    if package != "geoapp" and package not in VENDORED and package not in VENDORED_FOLDERS:
        abort(404)
    return send_from_directory(package_dir(package), filename, max_age=86400)
