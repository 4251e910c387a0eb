"""Observation files of every accepted format, built in code, and queries of what got stored."""

from __future__ import annotations

import csv
import io
import json

import geopandas as gpd
import openpyxl
from shapely.geometry import Point
from sqlalchemy import func, select

from geoapp.ingest import import_observations
from geoapp.store.schema import audit, observations, uploads, walks

# Inside Tjärna Ängar (RegSO 2081R013): the same places in WGS84 and in SWEREF 99 TM.
PLACES_WGS84 = [(60.492869, 15.399074), (60.492310, 15.397251), (60.490818, 15.401562)]
PLACES_SWEREF = [(6706369.40, 521927.41), (6706306.54, 521827.62), (6706141.81, 522065.50)]
TJARNA = "2081R013"

SV_HEADERS = ["Datum", "Tid", "Latitud", "Longitud", "Kategori", "Allvarlighet", "Trygg", "Kommentar", "Vandring"]
EN_HEADERS = ["Observed at", "Lat", "Lon", "Category", "Severity", "Positive", "Comment", "Walk"]


def sv_rows() -> list[list]:
    (a, b), (c, d), (e, f) = PLACES_WGS84
    return [
        ["2025-01-14", "18.30", str(a).replace(".", ","), str(b).replace(".", ","), "Belysning", "2", "nej",
         "Mörkt vid gångvägen", "Vinter 2025"],
        ["2025-01-14", "18.45", str(c).replace(".", ","), str(d).replace(".", ","), "nedskräpning", "1", "nej", "", "Vinter 2025"],
        ["2025-01-14", "19.00", str(e).replace(".", ","), str(f).replace(".", ","), "Trygg plats", "", "ja",
         "Ring 070-174 06 50", "Vinter 2025"],
    ]


def en_rows() -> list[list]:
    return [
        ["2025-06-02 20:15", lat, lon, category, severity, positive, comment, "Summer walk"]
        for (lat, lon), category, severity, positive, comment in zip(
            PLACES_WGS84, ["lighting", "Graffiti / vandalism", "place that feels safe"], ["3", "2", ""],
            ["no", "false", "yes"], ["", "mail me: a.b@example.com", ""])
    ]


def csv_bytes(headers: list[str], rows: list[list], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(headers: list[str], rows: list[list], sheet: str = "Sheet1", extra_first_sheet: bool = False) -> bytes:
    book = openpyxl.Workbook()
    first = book.active
    if extra_first_sheet:
        first.title = "Notes"
        first.append(["not the data"])
        target = book.create_sheet(sheet)
    else:
        first.title = sheet
        target = first
    target.append(headers)
    for row in rows:
        target.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def geojson_bytes(points: list[tuple[float, float]], properties: list[dict], crs: str | None = None) -> bytes:
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(p)}, "properties": props}
        for p, props in zip(points, properties)]}
    if crs:
        document["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(document).encode()


def gpkg_bytes(tmp_path, properties: dict, points: list[tuple[float, float]], crs="EPSG:3006", layer="observations") -> bytes:
    path = tmp_path / "qfield.gpkg"
    frame = gpd.GeoDataFrame(properties, geometry=[Point(x, y) for x, y in points], crs=crs)
    frame.to_file(path, layer=layer, driver="GPKG", engine="pyogrio")
    return path.read_bytes()


def run(app, data: bytes, filename: str, **kwargs):
    """Import through the core function, as the upload page and the command do."""
    return import_observations(app.extensions["geoapp"], data, filename, **kwargs)


def stored_rows(app) -> list[dict]:
    with app.extensions["geoapp"].store.connect() as conn:
        query = select(observations, walks.c.name.label("walk")).join(walks).order_by(observations.c.id)
        return [dict(r) for r in conn.execute(query).mappings()]


def counts(app) -> dict[str, int]:
    """How many observations, uploads, walks and audit entries are stored, and the data version."""
    store = app.extensions["geoapp"].store
    with store.connect() as conn:
        numbers = {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                   for t in (observations, uploads, walks, audit)}
    return {**numbers, "data_version": store.data_version()}

HEADERS_NO_WALK = EN_HEADERS[:-1]


def big_csv(rows: int) -> bytes:
    """A valid file of `rows` observations, each at its own minute, along the three places."""
    lines = ["datum;latitud;longitud;kategori;allvarlighet;kommentar;vandring"]
    for i in range(rows):
        lat, lon = PLACES_WGS84[i % 3]
        minute = f"{2024 + i // 500_000}-{1 + i // 43_200 % 12:02d}-{1 + i // 1440 % 28:02d} {i // 60 % 24:02d}:{i % 60:02d}"
        lines.append(f"{minute};{lat + (i % 97) * 1e-6:.6f};{lon:.6f};{'belysning' if i % 2 else 'litter'};"
                     f"{1 + i % 3};{'Mörkt' if i % 5 == 0 else ''};Stor vandring {i // 10_000}")
    return ("\n".join(lines) + "\n").encode()


def table_dump(store) -> dict[str, list[tuple]]:
    """Return every row of every table, ordered, to compare a database's content before and after."""
    from geoapp.store.schema import metadata

    with store.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.columns))] for t in metadata.sorted_tables}
