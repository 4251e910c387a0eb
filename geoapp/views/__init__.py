"""Flask blueprints: parse the request, call one domain function, choose a response."""

from __future__ import annotations

from flask import Flask, current_app

from geoapp.instance import Instance


def instance() -> Instance:
    """Return the geoapp instance of the current app."""
    return current_app.extensions["geoapp"]


def register(app: Flask) -> None:
    """Attach every blueprint of geoapp to `app`."""
    from geoapp.views import api, assets, health, observations, pages

    for module in (assets, health, api, pages, observations):
        app.register_blueprint(module.bp)
