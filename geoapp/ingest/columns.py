"""Which column holds which field: Swedish and English headers, KoBoToolbox and ODK exports."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from geoapp.i18n import _
from geoapp.ingest.readers import RawTable

ALIASES: dict[str, tuple[str, ...]] = {
    "observed_at": ("observed at", "observerad", "observerat", "tidpunkt", "datum och tid", "datum tid",
                    "datetime", "date time", "timestamp", "tidsstämpel"),
    "date": ("datum", "date", "dag", "day"),
    "time": ("tid", "time", "klockslag", "kl"),
    "lat": ("latitud", "lat", "latitude", "breddgrad"),
    "lon": ("longitud", "lon", "lng", "long", "longitude", "längdgrad"),
    "n": ("n", "northing", "nord", "sweref n", "n sweref", "sweref99tm n"),
    "e": ("e", "easting", "öst", "ost", "sweref e", "e sweref", "sweref99tm e"),
    "category": ("kategori", "category", "typ", "type"),
    "severity": ("allvarlighet", "allvarlighetsgrad", "severity", "grad"),
    "comment": ("kommentar", "kommentarer", "comment", "comments", "anteckning", "anteckningar", "notering",
                "note", "notes", "beskrivning", "description"),
    "walk": ("vandring", "walk", "walk id", "walk name", "vandrings id", "vandringsnamn", "trygghetsvandring"),
    "positive": ("trygg", "positive", "positiv", "känns trygg", "feels safe"),
    # KoBoToolbox / ODK metadata: when the form was opened and the day it was filled in.
    "start": ("start",),
    "today": ("today",),
    "geopoint": ("geolocation",),
}
AMBIGUOUS = ("x", "y", "koordinat", "koordinater", "coordinates", "coords", "position")
FIELD_BY_ALIAS = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
# `_gps_latitude` (KoBoToolbox) or `gps-Latitude` (ODK Central) for a geopoint question named gps.
SPLIT_POINT = re.compile(r"^_?(?P<name>.+?)[ _\-.](?P<part>latitude|longitude|altitude|precision|accuracy)$")
SPLIT_FIELD = {"latitude": "lat", "longitude": "lon"}
TIME_FIELDS = ("observed_at", "date", "start", "today")


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


def map_columns(table: RawTable) -> ColumnMap:
    """Recognise each header, and report duplicate, ambiguous and missing columns."""
    found: dict[str, list[int]] = {}
    result = ColumnMap()
    split_names = {m["name"] for h in table.headers
                   if (h.startswith("_") or "-" in h) and (m := SPLIT_POINT.match(normalise(h).replace(" ", "_")))}
    for position, header in enumerate(table.headers):
        name = _field_of(header, split_names)
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
    _settle_time(result, table)
    _settle_location(result, table)
    if "category" not in result.fields:
        result.problems.append((None, _("no category column (kategori/category)")))
    return result


def _field_of(header: str, split_names: set[str]) -> str | None:
    """Return the field a header means, 'ambiguous', or None for a column to ignore."""
    key = normalise(header)
    if key.replace(" ", "_") in split_names:
        return None  # the combined geopoint text of KoBoToolbox/ODK; its split columns are used
    split = SPLIT_POINT.match(key.replace(" ", "_"))
    if split and (header.startswith("_") or "-" in header):
        return SPLIT_FIELD.get(split["part"])
    if key in AMBIGUOUS:
        return "ambiguous"
    return FIELD_BY_ALIAS.get(key)


def _settle_time(result: ColumnMap, table: RawTable) -> None:
    """Choose the time source: observed_at or date(+time), else KoBoToolbox start, else today."""
    fields = result.fields
    if "observed_at" in fields and "date" in fields:
        both = _(" and ").join((repr(table.headers[fields['observed_at']]), repr(table.headers[fields['date']])))
        result.problems.append((table.headers[fields["date"]], _("the columns %(both)s both give the date; keep one",
                                                                 both=both)))
    chosen = next((name for name in TIME_FIELDS if name in fields), None)
    if chosen is None and "time" in fields:
        fields["observed_at"] = fields.pop("time")
    elif chosen is None:
        result.problems.append((None, _("no date column (datum/date/observed_at)")))
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
