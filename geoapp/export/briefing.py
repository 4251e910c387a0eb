"""What an export shows: one published view, the periods its table compares, boundaries, colours and words."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Mapping
from zoneinfo import ZoneInfo

import geopandas as gpd

from geoapp.basemap.source import TileSource
from geoapp.domain.areas import slugify
from geoapp.domain.model import STOCKHOLM_TZ
from geoapp.actions.publishing import period_actions
from geoapp.export.wording import words
from geoapp.i18n import LANGUAGES, _
from geoapp.mapview import map_view
from geoapp.mapview.colors import ColorClass
from geoapp.mapview.filters import QueryError
from geoapp.mapview.numbers import view
from geoapp.privacy.activities import PublishedActivities
from geoapp.privacy.published import ALL, SAFE_PLACE, Published, require_published

DEFAULT_DPI, DPI_RANGE = 150, (72, 300)
DPI_DIGITS = re.compile(r"[0-9]{1,4}")
DASH = "–"
ACTIVITY_KINDS = ("dialogue", "police_presence", "advice")


@dataclass(frozen=True)
class Briefing:
    """Everything an exporter may draw: published numbers only, plus boundaries, colours and wording."""

    published: Published
    # (column key, Published or None) for the chosen period, the previous one and the same one a year earlier.
    columns: tuple[tuple[str, Published | None], ...]
    areas: gpd.GeoDataFrame
    features: dict
    classes: tuple[ColorClass, ...]
    labels: dict[str, str]
    basemap: TileSource
    tile_timeout: float
    offline_tiles_bytes: int = 0  # how much of the stored basemap an offline HTML export may carry
    language: str = "sv"
    generated: date = date(2000, 1, 1)
    dpi: int = DEFAULT_DPI
    # Published activities, one per period shown (the view's, the previous and a year earlier).
    activities: tuple[PublishedActivities, ...] = ()

    # The published actions of the view's area (drawn on the map), those of its period (the PDF's page) and the
    # names of the organisations responsible, in the export's language.
    actions: object = None
    period_actions: object = None
    responsible_names: dict = field(default_factory=dict)
    demo: bool = False  # the synthetic demo files are stored: the export says its data is invented

    def activities_in(self, period_code: str):
        """Return the published activities of one period, or None."""
        return next((a for a in self.activities if a.period.code == period_code), None)


def parse_options(args: Mapping[str, str]) -> tuple[str, int]:
    """Read `lang` (sv or en) and `dpi` (72 to 300) from query parameters, or raise QueryError."""
    language = (args.get("lang") or "sv").strip().lower()
    if language not in LANGUAGES:
        raise QueryError(_("lang must be one of %(languages)s, not %(value)r.", languages=", ".join(LANGUAGES),
                           value=language))
    text = (args.get("dpi") or str(DEFAULT_DPI)).strip()
    # ASCII digits only, and few of them: int() refuses other digits such as ² and numbers over 4,300 digits.
    if not DPI_DIGITS.fullmatch(text) or not DPI_RANGE[0] <= int(text) <= DPI_RANGE[1]:
        raise QueryError(_("dpi must be a whole number from %(low)d to %(high)d, not %(value)r.", low=DPI_RANGE[0],
                           high=DPI_RANGE[1], value=text))
    return language, int(text)


def gather_briefing(site, args: Mapping[str, str]) -> Briefing:
    """Collect the published view of `args` and its comparison periods, or raise QueryError."""
    language, dpi = parse_options(args)
    shown = map_view(site, args, language, periods=_compared)
    published, version = shown.published, shown.version
    request = published.request
    previous, earlier = request.period.previous(), request.period.year_before()
    columns = [("period", published), ("previous", view(site, replace(request, period=previous, compare=False), version)),
               ("year_before", earlier and view(site, replace(request, period=earlier, compare=False), version))]
    return Briefing(
        published=published, columns=tuple(columns), areas=shown.areas, features=shown.features, classes=shown.classes,
        labels=shown.labels, basemap=site.basemap, tile_timeout=float(site.settings["EXPORT_TILE_TIMEOUT"]),
        offline_tiles_bytes=int(site.settings["EXPORT_HTML_TILES_MB"]) * 2**20,
        language=language, generated=datetime.now(ZoneInfo(STOCKHOLM_TZ)).date(), dpi=dpi, activities=shown.activities,
        actions=shown.actions, period_actions=period_actions(site, request.area.members, request.period),
        responsible_names=shown.action_words[1], demo=site.shows_demo_data(),
    )


def _compared(request) -> list:
    """Return the periods an export's table compares: the view's, the previous one and the same a year earlier."""
    return [p for p in (request.period, request.period.previous(), request.period.year_before()) if p]


def export_filename(published: Published, extension: str, dpi: int = DEFAULT_DPI) -> str:
    """Return an ASCII file name saying area and period, e.g. geoapp_vastra-borlange_2025-05.pdf."""
    request = require_published(published).request
    parts = ["geoapp", slugify(request.area.id) or "area", request.period.code]
    if request.category:
        parts.append(slugify(request.category))
    if request.compare:
        parts.append("compare")
    if extension == "png" and dpi != DEFAULT_DPI:
        parts.append(f"{dpi}dpi")  # so the print PNG does not overwrite the slide PNG in the downloads folder
    return "_".join(parts) + "." + extension


def _number(value) -> str:
    return DASH if value is None else str(value)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def summary_rows(briefing) -> tuple[list[str], list[list[str]]]:
    """Return the table's headings and rows: counts per category, walks and activities for each compared period."""
    w = words(briefing.language)
    area_id = briefing.published.request.area.id
    columns = [(key, require_published(p), p.request.period.code) for key, p in briefing.columns if p is not None]
    headings = [w["column_category"]] + [f"{w['column_' + key]}\n{code}" for key, _, code in columns]
    keys = [ALL] + [key for key in briefing.labels if key != SAFE_PLACE] + [SAFE_PLACE]
    rows = [[w["row_all"] if key == ALL else _capital(briefing.labels[key])]
            + [_number(p.area_counts(code, key).get(area_id)) for _, p, code in columns] for key in keys]
    rows.append([w["row_walks"]] + [_number(p.walks_in(area_id, code)) for _, p, code in columns])
    if briefing.activities:
        rows.append([w["activities"]] + [""] * len(columns))
        for kind in ACTIVITY_KINDS:
            found = [briefing.activities_in(code) for _, _, code in columns]
            rows.append([w[kind]] + ["" if a is None else str(sum(p.counts.get(kind, 0) for p in a.places)) for a in found])
    return headings, rows
