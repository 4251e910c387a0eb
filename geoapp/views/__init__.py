"""Flask blueprints: parse the request, call one domain function, choose a response."""

from __future__ import annotations

from flask import Flask, current_app

from geoapp.instance import Instance


def instance() -> Instance:
    """Return the geoapp instance of the current app."""
    return current_app.extensions["geoapp"]


def register(app: Flask) -> None:
    """Attach every blueprint of geoapp to `app`, each route behind its access rule."""
    from geoapp.views import (access, account, activities, admin, api, assets, export, field, followup, health, login,
                              observations, pages)

    for module in (assets, health, api, pages, export, login, account, admin, observations, field, activities, followup):
        app.register_blueprint(module.bp)
    app.before_request(access.deny_unmarked)
    app.context_processor(lambda: {"current_user": access.current_user})
    login.throttle(app)
