"""Locate the templates and data that ship with geoapp, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_dir(name: str) -> Path:
    """Return the shipped folder `name` (templates or data) wherever geoapp is installed."""
    # A wheel carries them inside the package; an editable install or a checkout
    # keeps them at the project root next to the package.
    inside = PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    beside = PACKAGE_DIR.parent / name
    if beside.is_dir():
        return beside
    raise FileNotFoundError(f"geoapp is installed without its {name}/ folder (looked in {inside} and {beside})")


def data_dir(configured: str | None) -> Path:
    """Return the data folder: the configured one, else the shipped one."""
    return Path(configured) if configured else bundled_dir("data")
