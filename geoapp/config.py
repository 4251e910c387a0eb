"""Every setting geoapp knows, with its default and help line, and how overrides are read."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Mapping

ENV_PREFIX = "GEOAPP_"
WORKERS_RANGE = (1, 64)
TRUSTED_PROXIES_RANGE = (0, 10)


def parse_bool(text: str) -> bool:
    """Read a yes/no value the way people write it (in an environment file or a query), or raise ValueError."""
    value = text.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, got {text!r}")


def _parse_choice(text: str, choices: tuple[str, ...]) -> str:
    """Read one of a few fixed words."""
    value = text.strip().lower()
    if value not in choices:
        raise ValueError(f"expected one of {', '.join(choices)}, got {text!r}")
    return value


def _parse_between(text: str, lowest: int, highest: int) -> int:
    """Read a whole number from `lowest` to `highest`."""
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not lowest <= value <= highest:
        raise ValueError(f"expected a whole number from {lowest} to {highest}, got {text!r}")
    return value


def _parse_at_least(text: str, lowest: int) -> int:
    """Read a whole number no smaller than `lowest`."""
    value = int(text)
    if value < lowest:
        raise ValueError(f"expected a whole number of at least {lowest}, got {text!r}")
    return value


@dataclass(frozen=True)
class Setting:
    """One configuration key: its name without prefix, default, parser and help line."""

    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str

    @property
    def env_name(self) -> str:
        return ENV_PREFIX + self.name


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        None,
        "SQLAlchemy database URL, e.g. postgresql+psycopg://user@host/db; "
        "unset means an SQLite file geoapp.sqlite3 in the instance folder.",
    ),
    Setting(
        "INSTANCE_PATH",
        None,
        "Folder for the SQLite database and generated secrets, made readable by its owner only; unset means "
        "the user's data folder for geoapp (~/.local/share/geoapp on Linux), outside any virtual environment.",
    ),
    Setting(
        "DATA_DIR",
        None,
        "Folder holding areas/, places/, observations/, activities/ and vocabulary/; unset "
        "means the data shipped with geoapp.",
    ),
    Setting(
        "AREA_GROUPS",
        None,
        "TOML file defining area groups such as Västra Borlänge; unset means "
        "areas/groups.toml in the data folder.",
    ),
    Setting(
        "LOAD_DEFAULT_AREAS",
        True,
        "Load the boundaries shipped in the data folder when the database has none.",
        parse_bool,
    ),
    Setting(
        "LOAD_DEFAULT_PLACES",
        True,
        "Load the places shipped in places/ of the data folder when the database has none.",
        parse_bool,
    ),
    Setting(
        "TILES",
        None,
        "Basemap: 'local' (the archive imported with `geoapp basemap import`, served by geoapp at /tiles/), "
        "'openstreetmap', 'none', or a tile URL template such as https://tiles.example.se/{z}/{x}/{y}.png; "
        "unset means 'local' once an archive is imported, else 'openstreetmap'.",
    ),
    Setting(
        "TILES_ATTRIBUTION",
        "",
        "Attribution shown for a custom tile URL (required by most tile servers).",
    ),
    Setting(
        "BASEMAP_MAX_MB",
        2048,
        "Largest tile archive `geoapp basemap import` accepts, in MiB, checked before it is read.",
        lambda text: _parse_at_least(text, 1),
    ),
    Setting(
        "EXPORT_PROCESSES",
        1,
        "Processes (at lower priority) that draw the PNG and PDF exports of each server process, so that drawing "
        "does not slow the map down; 0 draws them in the request's own thread.",
        int,
    ),
    Setting(
        "EXPORT_CACHE_MB",
        256,
        "Room in MiB for drawn exports (PNG, PDF, offline HTML) kept in the instance folder's `exports` and shared "
        "by the server processes, so a view is drawn once per options and data; 0 draws every request anew.",
        lambda text: _parse_at_least(text, 0),
    ),
    Setting(
        "EXPORT_TILE_TIMEOUT",
        3.0,
        "Seconds a PNG or PDF export waits for basemap tiles from a tile server (GEOAPP_TILES set to a URL or "
        "openstreetmap) before it is made without a basemap; 0 never asks one. The stored archive is always drawn.",
        float,
    ),
    Setting(
        "EXPORT_HTML_TILES_MB",
        8,
        "Most MiB of the stored basemap's tiles an offline HTML export carries inside the file; the deeper zooms "
        "are left out past it, and the file says so. 0 carries none.",
        lambda text: _parse_at_least(text, 0),
    ),
    Setting(
        "FIELD_TILES_MB",
        16,
        "Most MiB of the stored basemap's tiles the field form keeps on the phone for the area of the walk, for "
        "use without a network; the deeper zooms are left out past it. 0 keeps none.",
        lambda text: _parse_at_least(text, 0),
    ),
    Setting(
        "LANGUAGE",
        "sv",
        "Language of pages, messages, exports and the command line when a visitor has chosen none: sv or en.",
        lambda text: _parse_choice(text, ("sv", "en")),
    ),
    Setting(
        "PUBLIC_MAP",
        False,
        "Let anonymous visitors see the anonymised map, table, API and exports; "
        "upload and admin pages always need a login.",
        parse_bool,
    ),
    Setting(
        "RESIDENTS_PAGE",
        False,
        "Let anonymous visitors see the residents' pages (/omraden: what walks found in each area, what was done, "
        "how to take part) and their flyers; independent of GEOAPP_PUBLIC_MAP. Off, they need a login.",
        parse_bool,
    ),
    Setting(
        "RESIDENTS_CONTACT",
        "",
        "Whom residents may contact, shown as plain text on the residents' pages and flyers in both languages "
        "(e.g. a name, a phone number and an e-mail address); unset shows only the police's and the emergency number.",
    ),
    Setting(
        "SITE_URL",
        None,
        "Address residents reach geoapp at, e.g. https://trygghet.example.se, for the QR code and the link on the "
        "flyers and the addresses in the DCAT-AP-SE catalogue; unset means the address the request came to.",
    ),
    Setting(
        "CATALOG_PUBLISHER",
        "Borlänge kommun",
        "Publisher of the open data, named in the DCAT-AP-SE catalogue (/catalog.jsonld) and as its contact point.",
    ),
    Setting(
        "CATALOG_CONTACT",
        "",
        "E-mail address of the contact point of every dataset in the DCAT-AP-SE catalogue; dataportal.se asks for "
        "one. Unset names the publisher only.",
    ),
    Setting(
        "CATALOG_LICENSE",
        "http://creativecommons.org/publicdomain/zero/1.0/",
        "Licence of the published numbers, as a URI, stated for every distribution in the DCAT-AP-SE catalogue; "
        "the default is CC0 1.0.",
    ),
    Setting(
        "SECRET_KEY",
        None,
        "Key that signs sessions and CSRF tokens; unset means one generated once into "
        "the file secret_key in the instance folder (readable by its owner only).",
    ),
    Setting(
        "SECURE_COOKIES",
        False,
        "Mark the session cookie Secure and send Strict-Transport-Security; turn on when "
        "served over HTTPS.",
        parse_bool,
    ),
    Setting(
        "TRUSTED_PROXIES",
        0,
        "Reverse proxies in front of geoapp (0 to 10) that each add the address they were reached from to "
        "X-Forwarded-For; the audit log and login throttling read the client's address from there. 0 ignores "
        "the header, which anyone can send, and uses the address of the connection.",
        lambda text: _parse_between(text, TRUSTED_PROXIES_RANGE[0], TRUSTED_PROXIES_RANGE[1]),
    ),
    Setting(
        "RATELIMIT_STORAGE",
        "memory://",
        "Where login throttling counts failed attempts: memory:// counts in each process on its own, so with "
        "GEOAPP_WORKERS=N a name or an address gets up to N times the attempts; give e.g. redis://host:6379 "
        "to share the counts between processes (install geoapp with its redis extra: pip install '.[redis]').",
    ),
    Setting(
        "WORKERS",
        1,
        "Processes `geoapp serve` answers requests with, each with its own threads (from 1 to 64); more than one "
        "uses more than one CPU core and is served by gunicorn (Linux and other Unix systems). "
        "`geoapp serve --workers N` overrides it.",
        lambda text: _parse_between(text, WORKERS_RANGE[0], WORKERS_RANGE[1]),
    ),
    Setting(
        "MAX_UPLOAD_MB",
        20,
        "Largest observation file accepted, in MiB (larger uploads get 413).",
        int,
    ),
    Setting(
        "MAX_ROWS",
        100_000,
        "Most observation rows accepted from one file.",
        int,
    ),
    Setting(
        "XLSX_MAX_UNPACKED_MB",
        250,
        "Largest total unpacked size of an XLSX file, in MiB, checked before parsing.",
        int,
    ),
    Setting(
        "XLSX_MAX_RATIO",
        100,
        "Largest unpacked-to-packed size ratio of any member of an XLSX file (zip bomb guard).",
        int,
    ),
    Setting(
        "SURVEY_MIN_N",
        30,
        "Smallest number of respondents (n) an imported survey result may come from; rows with a smaller n are "
        "refused, and results stored before it was raised are no longer shown. Refused below GEOAPP_K_MIN.",
        lambda text: _parse_at_least(text, 1),
    ),
    Setting(
        "K_MIN",
        5,
        "Smallest number of observations ever published for a cell, area or table row "
        "(k); refused below 3.",
        int,
    ),
    Setting(
        "NOISE",
        None,
        "Largest amount by which the deterministic noise moves each part of a published count, up or down; "
        "unset means (k-1)/2 rounded up (2 for k = 5); refused below (k-1)/4, which a difference of two "
        "readings needs to stay blurred, and from k up.",
        int,
    ),
    Setting(
        "GRID_SIZE",
        250,
        "Side of the map's grid cells in metres, aligned to SWEREF 99 TM: 100, 125, 250, 500 or 1000.",
        int,
    ),
    Setting(
        "COLOR_CLASSES",
        "5,10,20,40",
        "Lower bounds of the map's fixed colour classes, ascending, comma-separated; "
        "the same classes for every period so maps compare at a glance.",
    ),
    Setting(
        "ACTIVITY_DELAY_DAYS",
        7,
        "Days after its end before an activity (dialogue, police presence, advice) is shown "
        "anywhere; future activities are never shown.",
        lambda text: _parse_at_least(text, 0),
    ),
)

SETTINGS_BY_NAME: Mapping[str, Setting] = {s.name: s for s in SETTINGS}


class ConfigError(ValueError):
    """A configuration value that cannot be used."""


K_MIN_FLOOR = 3
GRID_SIZES = (100, 125, 250, 500, 1000)


def parse_color_classes(text: str) -> tuple[int, ...]:
    """Read GEOAPP_COLOR_CLASSES such as '5,10,20,40' into ascending lower bounds."""
    try:
        bounds = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise ConfigError(f"{ENV_PREFIX}COLOR_CLASSES: expected whole numbers separated by commas, got {text!r}") from None
    if not bounds or list(bounds) != sorted(set(bounds)) or bounds[0] < 1:
        raise ConfigError(f"{ENV_PREFIX}COLOR_CLASSES: expected ascending positive numbers, got {text!r}")
    return bounds


def check(values: Mapping[str, Any]) -> None:
    """Refuse settings that would break the privacy rules or the grid, naming the variable."""
    if int(values["K_MIN"]) < K_MIN_FLOOR:
        raise ConfigError(
            f"{ENV_PREFIX}K_MIN is {values['K_MIN']}: below {K_MIN_FLOOR} single observations could be singled out; "
            f"use {K_MIN_FLOOR} or more (default 5)"
        )
    if type(values["SURVEY_MIN_N"]) is not int or values["SURVEY_MIN_N"] < int(values["K_MIN"]):
        raise ConfigError(f"{ENV_PREFIX}SURVEY_MIN_N is {values['SURVEY_MIN_N']!r}: use a whole number no smaller than "
                          f"GEOAPP_K_MIN ({values['K_MIN']}), so that no result stands for fewer persons than a map number")
    if values["NOISE"] is not None and not (int(values["K_MIN"]) - 1) / 4 <= int(values["NOISE"]) < int(values["K_MIN"]):
        raise ConfigError(
            f"{ENV_PREFIX}NOISE is {values['NOISE']}: with k = {values['K_MIN']} use at least "
            f"{-(-(int(values['K_MIN']) - 1) // 4)}, or a difference between two readings could give a walk's exact "
            f"count, and below k, or a shown count could read 0 or less"
        )
    if int(values["GRID_SIZE"]) not in GRID_SIZES:
        sizes = ", ".join(map(str, GRID_SIZES))
        raise ConfigError(f"{ENV_PREFIX}GRID_SIZE is {values['GRID_SIZE']}: choose one of {sizes} (metres)")
    parse_color_classes(str(values["COLOR_CLASSES"]))
    if not 0 <= int(values["EXPORT_PROCESSES"]) <= 16:
        raise ConfigError(f"{ENV_PREFIX}EXPORT_PROCESSES is {values['EXPORT_PROCESSES']}: use 0 to 16")
    low, high = WORKERS_RANGE
    if type(values["WORKERS"]) is not int or not low <= values["WORKERS"] <= high:
        raise ConfigError(f"{ENV_PREFIX}WORKERS is {values['WORKERS']!r}: use a whole number from {low} to {high}")
    low, high = TRUSTED_PROXIES_RANGE
    if type(values["TRUSTED_PROXIES"]) is not int or not low <= values["TRUSTED_PROXIES"] <= high:
        raise ConfigError(f"{ENV_PREFIX}TRUSTED_PROXIES is {values['TRUSTED_PROXIES']!r}: use a whole number from {low} to {high}")
    if type(values["BASEMAP_MAX_MB"]) is not int or values["BASEMAP_MAX_MB"] < 1:
        raise ConfigError(f"{ENV_PREFIX}BASEMAP_MAX_MB is {values['BASEMAP_MAX_MB']!r}: use a whole number of MiB, 1 or more")
    if float(values["EXPORT_TILE_TIMEOUT"]) < 0:
        raise ConfigError(f"{ENV_PREFIX}EXPORT_TILE_TIMEOUT is {values['EXPORT_TILE_TIMEOUT']}: use 0 (no basemap) or more seconds")


def defaults() -> dict[str, Any]:
    """Return every setting at its default value."""
    return {s.name: s.default for s in SETTINGS}


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Return the settings given as GEOAPP_* variables, parsed."""
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.env_name)
        if raw is None:
            continue
        try:
            values[setting.name] = setting.parse(raw)
        except ValueError as exc:
            raise ConfigError(f"{setting.env_name}: {exc}") from None
    return values


def resolve(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Combine defaults, environment variables and explicit overrides, in that order."""
    values = defaults()
    values.update(from_environment(os.environ if environ is None else environ))
    values.update(overrides or {})
    return values


def markdown_table() -> str:
    """Render the settings as the README's configuration table."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for s in SETTINGS:
        default = "(unset)" if s.default is None else f"`{s.default}`"
        if s.default == "":
            default = "(empty)"
        lines.append(f"| `{s.env_name}` | {default} | {s.help} |")
    return "\n".join(lines)
