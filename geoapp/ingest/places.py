"""The register of named public places (square, library, school yard …) where activities happen."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.exc import IntegrityError

from geoapp.domain.model import AREA_KIND_REGSO, SWEREF99TM, WGS84, transformer
from geoapp.i18n import N_, _, number
from geoapp.ingest import fields as parse
from geoapp.ingest.columns import LOCATION_ALIASES, Layout
from geoapp.ingest.importer import clean_filename, receive
from geoapp.ingest.location import LAT_RANGE, LON_RANGE, ObservationsOutside, locate_areas
from geoapp.ingest.report import IMPORTED, ImportReport, RowError, rejected
from geoapp.ingest.rows import Findings, coordinates, has_control_characters, read_columns
from geoapp.store import audit
from geoapp.store import places as stored

KIND = "places"
DEFAULT_FOLDER = "places"
DEFAULT_PATTERN = "*.csv"
MAX_NAME, MAX_KIND = 255, 64
LAYOUT = Layout(
    {"name": ("namn", "name", "plats", "place", "platsnamn", "place name"),
     "kind": ("typ", "kind", "type", "slag", "sort", "platstyp", "place type"),
     **LOCATION_ALIASES},
    (("name", N_("no name column (namn/name)")), ("kind", N_("no kind column (typ/kind)"))),
)
EMPTY = {"name": N_("no name"), "kind": N_("no kind")}
TOO_LONG = {"name": N_("the name is longer than %(n)s characters"), "kind": N_("the kind is longer than %(n)s characters")}
CONTROL = {"name": N_("the name contains control characters"), "kind": N_("the kind contains control characters")}


def clean_name(text: str) -> str:
    """Return a place name with its runs of white space made single spaces."""
    return " ".join(str(text).split())


def check_places(table, filename: str, areas) -> tuple[pd.DataFrame | None, list[RowError]]:
    """Check every row: a name, a kind and a point inside a loaded area; return the places or the problems."""
    table, found, usable = read_columns(table, filename, LAYOUT, _("the file has no places"))
    if not usable:
        return None, found.errors
    frame = pd.DataFrame(index=table.cells.index)
    frame["name"] = _texts(table, found, "name", MAX_NAME)
    frame["kind"] = _texts(table, found, "kind", MAX_KIND)
    repeated = frame["name"].str.casefold().duplicated() & (frame["name"] != "")
    found.add({row: _("this place appears twice in the file") for row in frame.index[repeated]}, found.header("name"), frame["name"])
    placed = coordinates(frame, table, found)
    codes, problems = locate_areas(frame.loc[placed, "e"], frame.loc[placed, "n"], areas)
    found.add(problems, None)
    if found.errors:
        return None, found.errors
    return frame.assign(area_code=codes), []


def _texts(table, found: Findings, name: str, longest: int) -> pd.Series:
    """Return a required text column with spaces tidied, noting empty and too long cells."""
    text = parse.per_unique(parse.as_text(table.cells[found.columns.fields[name]]), clean_name).astype("str")
    problems = {row: _(EMPTY[name]) for row in text.index[text == ""]}
    problems.update({row: _(TOO_LONG[name], n=longest) for row in text.index[text.str.len() > longest]})
    controls = parse.per_unique(text, has_control_characters).astype(bool)
    problems.update({row: _(CONTROL[name]) for row in text.index[controls]})
    found.add(problems, found.header(name), text)
    return text


def import_places(site, data: bytes, filename: str | None, by: str | None = None,
                  sheet: str | None = None, audited: bool = True) -> ImportReport:
    """Add or update the places of a CSV, XLSX, GeoJSON or GeoPackage file, all or nothing."""
    areas = site.area_frame()
    if not (areas["kind"] == AREA_KIND_REGSO).any():
        name = clean_filename(filename)
        return rejected(name, [RowError(name, None, None, "", _("no area boundaries are loaded; run geoapp areas import first"))], KIND)
    received = receive(site, data, filename, KIND, sheet)  # places keep no upload record: never "already imported"
    if isinstance(received, ImportReport):
        return received
    name, _digest, table = received
    frame, errors = check_places(table, name, areas)
    if errors:
        return rejected(name, errors, KIND)
    with site.store.begin() as conn:
        added, updated = stored.save_places(conn, frame.to_dict("records"))
        if audited:  # the shipped starter set, loaded on first start, is not someone's action
            audit.record(conn, "places_import", actor=by, detail=f"places file {name}: {added} added, {updated} updated")
    return ImportReport(IMPORTED, name, rows=added + updated, kind=KIND)


FORM_FIELDS = ("name", "kind", "lat", "lon")
DEGREES = {"lat": (LAT_RANGE, N_("the latitude must be degrees north, such as 60.48")),
           "lon": (LON_RANGE, N_("the longitude must be degrees east, such as 15.42"))}
OUTSIDE_SWEDEN = {"lat": N_("the latitude is outside Sweden (%(low)s to %(high)s degrees)"),
                  "lon": N_("the longitude is outside Sweden (%(low)s to %(high)s degrees)")}


def _degrees(text: str) -> float | None:
    """Read a number of degrees written with a decimal point or a Swedish decimal comma, or None."""
    try:
        value = float(text.strip().replace(",", ".").replace("\u2212", "-"))
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _text_problem(field: str, text: str, longest: int) -> str | None:
    if not text:
        return _(EMPTY[field])
    if len(text) > longest:
        return _(TOO_LONG[field], n=longest)
    return _(CONTROL[field]) if has_control_characters(text) else None


def add_place(site, values: dict[str, str], by: str | None, address: str | None = None) -> dict[str, str]:
    """Add one place (name, kind, WGS84 latitude and longitude) to the register, audited; return problems by field."""
    name, kind = clean_name(values.get("name", "")), clean_name(values.get("kind", ""))
    errors = {field: problem for field, problem in (("name", _text_problem("name", name, MAX_NAME)),
                                                    ("kind", _text_problem("kind", kind, MAX_KIND))) if problem}
    point = {}
    for field, ((low, high), malformed) in DEGREES.items():
        value = _degrees(values.get(field, ""))
        if value is None:
            errors[field] = _(malformed)
        elif not low <= value <= high:
            errors[field] = _(OUTSIDE_SWEDEN[field], low=number(low), high=number(high))
        else:
            point[field] = round(value, 7)
    if len(point) < 2:
        return errors
    areas = site.area_frame()
    e, n = transformer(WGS84, SWEREF99TM).transform(point["lon"], point["lat"])
    codes, problems = locate_areas(pd.Series([e]), pd.Series([n]), areas)
    if problems:
        errors["lat"] = next(iter(problems.values()))
    if errors:
        return errors
    area_name = dict(zip(areas["id"], areas["name"])).get(codes.iloc[0], codes.iloc[0])
    with site.store.begin() as conn:
        # The file import updates a place of the same name; one typed here must not move a known place unseen.
        if any(p["name"].casefold() == name.casefold() for p in stored.list_places(conn)):
            return {"name": _("the register already has a place named %(name)s", name=name)}
        stored.save_places(conn, [{"name": name, "kind": kind, "lon": point["lon"], "lat": point["lat"],
                                   "e": round(e, 2), "n": round(n, 2), "area_code": codes.iloc[0]}])
        audit.record(conn, "place_add", actor=by, detail=f"place {name} in {area_name}", address=address)
    return {}


def register(site) -> list[dict]:
    """Return every place of the register by name: id, name, kind, lon, lat, e, n, area_code."""
    with site.store.connect() as conn:
        return stored.list_places(conn)


def load_default_places(site) -> None:
    """Import the places shipped in the data folder when the database has none and areas are loaded."""
    with site.store.connect() as conn:
        if stored.count_places(conn):
            return
    if not (site.area_frame()["kind"] == AREA_KIND_REGSO).any():
        return
    for path in sorted((site.data_dir / DEFAULT_FOLDER).glob(DEFAULT_PATTERN)):
        try:
            import_places(site, path.read_bytes(), path.name, audited=False)
        except IntegrityError:
            pass  # another process loaded them at the same moment


def recompute_place_areas(conn, areas) -> int:
    """Give every stored place the code of the area now holding it, or refuse when one would be outside all."""
    rows = pd.DataFrame(stored.list_places(conn), columns=["id", "e", "n", "area_code"])
    if rows.empty:
        return 0
    codes, problems = locate_areas(rows["e"], rows["n"], areas)
    if problems:
        raise ObservationsOutside(len(problems), "place")
    changed = codes.to_numpy() != rows["area_code"].to_numpy()
    return stored.set_place_areas(conn, dict(zip(rows["id"][changed].tolist(), codes[changed].tolist())))
