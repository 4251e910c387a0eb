"""Which column holds which field: Swedish and English headers, KoBoToolbox and ODK exports."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from geoapp.i18n import N_, _
from geoapp.ingest.table import RawTable

LOCATION_ALIASES: dict[str, tuple[str, ...]] = {
    "lat": ("latitud", "lat", "latitude", "breddgrad"),
    "lon": ("longitud", "lon", "lng", "long", "longitude", "längdgrad"),
    "n": ("n", "northing", "nord", "sweref n", "n sweref", "sweref99tm n"),
    "e": ("e", "easting", "öst", "ost", "sweref e", "e sweref", "sweref99tm e"),
    "geopoint": ("geolocation",),
}
DATE_ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("datum", "date", "dag", "day"),
    "time": ("tid", "time", "klockslag", "kl"),
}
ALIASES: dict[str, tuple[str, ...]] = {
    "observed_at": ("observed at", "observerad", "observerat", "tidpunkt", "datum och tid", "datum tid",
                    "datetime", "date time", "timestamp", "tidsstämpel"),
    **DATE_ALIASES,
    **LOCATION_ALIASES,
    "category": ("kategori", "category", "typ", "type"),
    "severity": ("allvarlighet", "allvarlighetsgrad", "severity", "grad"),
    "comment": ("kommentar", "kommentarer", "comment", "comments", "anteckning", "anteckningar", "notering",
                "note", "notes", "beskrivning", "description"),
    "walk": ("vandring", "walk", "walk id", "walk name", "vandrings id", "vandringsnamn", "trygghetsvandring"),
    "positive": ("trygg", "positive", "positiv", "känns trygg", "feels safe"),
    # KoBoToolbox / ODK metadata: when the form was opened and the day it was filled in.
    "start": ("start",),
    "today": ("today",),
}
AMBIGUOUS = ("x", "y", "koordinat", "koordinater", "coordinates", "coords", "position")
# `_gps_latitude` (KoBoToolbox) or `gps-Latitude` (ODK Central) for a geopoint question named gps.
SPLIT_POINT = re.compile(r"^_?(?P<name>.+?)[ _\-.](?P<part>latitude|longitude|altitude|precision|accuracy)$")
SPLIT_FIELD = {"latitude": "lat", "longitude": "lon"}
TIME_FIELDS = ("observed_at", "date", "start", "today")


@dataclass(frozen=True)
class Layout:
    """What one kind of file holds: header aliases per field, required fields, its time and point columns."""

    aliases: dict[str, tuple[str, ...]]
    required: tuple[tuple[str, str], ...] = ()  # (field, message when there is no such column)
    time_fields: tuple[str, ...] = ()  # date(time) fields by preference; the first is the combined one
    time_missing: str = ""
    location: bool = True

    @cached_property
    def field_by_alias(self) -> dict[str, str]:
        return {alias: name for name, aliases in self.aliases.items() for alias in aliases}


OBSERVATIONS = Layout(ALIASES, (("category", N_("no category column (kategori/category)")),), TIME_FIELDS,
                      N_("no date column (datum/date/observed_at)"))


def normalise(header: str) -> str:
    """Fold case, and treat runs of spaces, underscores, hyphens and dots as one space."""
    return re.sub(r"[\s_\-.]+", " ", header.casefold()).strip()


@dataclass
class ColumnMap:
    """Field name to column position, what was ignored, and header problems."""

    fields: dict[str, int] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    problems: list[tuple[str | None, str]] = field(default_factory=list)  # (header, message)

    @property
    def location(self) -> str:
        """Return where points come from: geometry, wgs84, sweref or geopoint."""
        if "lat" in self.fields:
            return "wgs84"
        if "n" in self.fields:
            return "sweref"
        return "geopoint" if "geopoint" in self.fields else "geometry"


def map_columns(table: RawTable, layout: Layout = OBSERVATIONS) -> ColumnMap:
    """Recognise each header, and report duplicate, ambiguous and missing columns."""
    found: dict[str, list[int]] = {}
    result = ColumnMap()
    split_names = {m["name"] for h in table.headers
                   if (h.startswith("_") or "-" in h) and (m := SPLIT_POINT.match(normalise(h).replace(" ", "_")))}
    for position, header in enumerate(table.headers):
        name = _field_of(header, split_names, layout)
        if name == "ambiguous":
            result.problems.append((header, _("the column %(header)r is ambiguous; name it lat/lon (WGS84) "
                                    "or N/E (SWEREF 99 TM)", header=header)))
        elif name:
            found.setdefault(name, []).append(position)
        elif header.strip():
            result.ignored.append(header)
    for name, positions in found.items():
        if len(positions) > 1:
            shown = _(" and ").join(repr(table.headers[p]) for p in positions)
            result.problems.append((table.headers[positions[1]], _("the columns %(shown)s both mean %(field)s; keep one",
                                                                     shown=shown, field=name)))
        result.fields[name] = positions[0]
    if layout.time_fields:
        _settle_time(result, table, layout)
    if layout.location:
        _settle_location(result, table)
    result.problems.extend((None, _(message)) for name, message in layout.required if name not in result.fields)
    return result


def _field_of(header: str, split_names: set[str], layout: Layout) -> str | None:
    """Return the field a header means, 'ambiguous', or None for a column to ignore."""
    key = normalise(header)
    if not layout.location:
        return layout.field_by_alias.get(key)
    if key.replace(" ", "_") in split_names:
        return None  # the combined geopoint text of KoBoToolbox/ODK; its split columns are used
    split = SPLIT_POINT.match(key.replace(" ", "_"))
    if split and (header.startswith("_") or "-" in header):
        return SPLIT_FIELD.get(split["part"])
    if key in AMBIGUOUS:
        return "ambiguous"
    return layout.field_by_alias.get(key)


def _settle_time(result: ColumnMap, table: RawTable, layout: Layout) -> None:
    """Choose the time source: a date-time or date(+time) column, else (observations) KoBoToolbox start or today."""
    fields, combined = result.fields, layout.time_fields[0]
    if combined in fields and "date" in fields:
        both = _(" and ").join((repr(table.headers[fields[combined]]), repr(table.headers[fields['date']])))
        result.problems.append((table.headers[fields["date"]], _("the columns %(both)s both give the date; keep one",
                                                                 both=both)))
    chosen = next((name for name in layout.time_fields if name in fields), None)
    if chosen is None and "time" in fields:
        fields[combined] = fields.pop("time")
    elif chosen is None:
        result.problems.append((None, _(layout.time_missing)))
    for fallback in ("start", "today"):
        if fallback in fields and fallback != chosen:
            result.ignored.append(table.headers[fields.pop(fallback)])


def _settle_location(result: ColumnMap, table: RawTable) -> None:
    """Check the coordinate columns form exactly one pair, unless the file has point geometry."""
    fields = result.fields
    names = [n for n in ("lat", "lon", "n", "e", "geopoint") if n in fields]
    if table.points is not None:
        result.ignored.extend(table.headers[fields.pop(n)] for n in names)
        return
    if "geopoint" in fields and ("lat" in fields or "lon" in fields):
        result.ignored.append(table.headers[fields.pop("geopoint")])
    pairs = {"WGS84 lat/lon": ("lat", "lon"), "SWEREF 99 TM N/E": ("n", "e")}
    present = [label for label, pair in pairs.items() if any(p in fields for p in pair)]
    if len(present) > 1:
        result.problems.append((None, _("the file has both WGS84 (lat/lon) and SWEREF 99 TM (N/E) columns; keep one pair")))
    for label, (first, second) in pairs.items():
        if (first in fields) != (second in fields):
            have, lack = (first, second) if first in fields else (second, first)
            result.problems.append((table.headers[fields[have]], _("a %(have)s column without a %(lack)s column (%(pair)s)",
                                                                    have=have, lack=lack, pair=label)))
    if not present and "geopoint" not in fields:
        result.problems.append((None, _("no coordinate columns (lat/lon for WGS84, or N/E for SWEREF 99 TM)")))
