"""Languages: Swedish by default, English on request; translated messages and Swedish number and date formats."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import Flask, current_app, has_app_context, has_request_context, request
from flask_babel import Babel, get_locale, gettext, lazy_gettext, ngettext

LANGUAGES = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
LANGUAGE_NAMES = {"sv": "Svenska", "en": "English"}
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
# Swedish dates are ISO dates; English ones spell the month, so that no reader takes 5/4 for 5 April.
DATE_FORMATS = {"sv": "yyyy-MM-dd", "en": "d MMM y"}
# Times are stored in UTC and shown as the clocks in Borlänge read them.
LOCAL_ZONE = ZoneInfo("Europe/Stockholm")

_ = gettext
__all__ = ["_", "N_", "gettext", "lazy_gettext", "ngettext", "init_app", "language", "number", "date", "local_time"]


def N_(message: str) -> str:
    """Mark `message` for the catalogues without translating it yet (it is translated where it is shown)."""
    return message


def select_language() -> str:
    """Return the language of this request: the remembered `lang` cookie, else the configured one (Swedish)."""
    if has_request_context():
        chosen = request.cookies.get(COOKIE)
        if chosen in LANGUAGES:
            return chosen
    if has_app_context() and "geoapp" in current_app.extensions:
        return current_app.extensions["geoapp"].settings["LANGUAGE"]
    return DEFAULT_LANGUAGE


def language() -> str:
    """Return the language messages are shown in now: 'sv' or 'en'."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else DEFAULT_LANGUAGE


def number(value: float | int | None, decimals: int | None = None) -> str:
    """Format a number the way the current language writes it (Swedish: 1 234,5)."""
    if value is None:
        return ""
    pattern = None if decimals is None else "#,##0." + "0" * decimals if decimals else "#,##0"
    return format_decimal(value, format=pattern, locale=language())


def date(value: dt.date | dt.datetime | None) -> str:
    """Format a date the way the current language writes it (Swedish: 2025-05-14)."""
    if value is None:
        return ""
    return format_date(value, DATE_FORMATS[language()], locale=language())


def local_time(value: dt.datetime | None, seconds: bool = False) -> str:
    """Format a stored UTC time as date and time in Europe/Stockholm (a naive time is read as UTC)."""
    if value is None:
        return ""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)
    local = aware.astimezone(LOCAL_ZONE)
    return f"{date(local)} {local.strftime('%H:%M:%S' if seconds else '%H:%M')}"


def init_app(app: Flask) -> Babel:
    """Translate `app` from the catalogues in geoapp/translations, with the `number` and `date` filters."""
    babel = Babel(app, default_locale=DEFAULT_LANGUAGE, default_translation_directories=str(TRANSLATIONS),
                  locale_selector=select_language)
    app.jinja_env.filters.update(number=number, date=date, local_time=local_time)
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.context_processor(lambda: {"lang": language(), "languages": LANGUAGE_NAMES})
    return babel
