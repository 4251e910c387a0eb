"""Flask blueprints: parse the request, call one domain function, choose a response."""

from __future__ import annotations

from flask import Flask

from geoapp.domain.users import ROLE_LABELS
from geoapp.i18n import _


def role_names() -> dict[str, str]:
    """Return each role's name in the page's language."""
    return {role: _(label) for role, label in ROLE_LABELS.items()}


def shows_demo_data(app: Flask) -> bool:
    """Return whether the pages say their data is invented: while the synthetic demo files are stored."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return app.extensions["geoapp"].shows_demo_data()
    except SQLAlchemyError:
        # The error page saying the database cannot be reached must still be drawn.
        return False


def register(app: Flask) -> None:
    """Attach every blueprint of geoapp to `app`, each route behind its access rule."""
    from werkzeug.exceptions import HTTPException

    from geoapp.views import (access, account, actions, activities, admin, api, assets, catalog, errors, export, field,
                              followup, health, language, login, observations, ogc, openapi, pages, promise, tiles)

    for module in (assets, health, api, pages, export, login, account, admin, observations, field, activities, actions,
                   followup, language, tiles, ogc, openapi, promise, catalog):
        app.register_blueprint(module.bp)
    from geoapp.views import residents

    app.register_blueprint(residents.bp)
    app.before_request(access.deny_unmarked)
    app.before_request(access.enforce_csrf)
    app.after_request(access.forbid_caching)
    app.register_error_handler(HTTPException, errors.page)
    app.context_processor(lambda: {"current_user": access.current_user, "role_names": role_names,
                                   "demo_data": lambda: shows_demo_data(app)})
    login.throttle(app)
