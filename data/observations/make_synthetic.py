"""Generate the SYNTHETIC demo walks in this folder (fixed seed: the same files every run).

Run from the project root:  python data/observations/make_synthetic.py
Nothing here was observed by anyone: places, times, categories and comments are invented, placed on
paths inside Tjärna Ängar (2081R013) and Jakobsgårdarna-Paradiset-Nygårdsdalen (2081R004), which
together approximate Västra Borlänge.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import geopandas as gpd
import numpy as np
import openpyxl
import shapely
from pyproj import Transformer

HERE = Path(__file__).resolve().parent
AREAS = HERE.parent / "areas" / "borlange_regso_2025.gpkg"
SEED = 20250114
STOCKHOLM = ZoneInfo("Europe/Stockholm")
TEAMS = {
    "2081R013": ["Tjärna Ängar kvällsvandring", "Tjärna Ängar föräldrar"],
    "2081R004": ["Jakobsgårdarna bostadsbolag", "Paradiset fritidsgård", "Nygårdsdalen skola"],
}
SPOTS_PER_AREA = {"2081R013": 9, "2081R004": 14}
CATEGORIES = ["lighting", "vegetation", "visibility", "wayfinding", "walkway", "underpass", "litter", "graffiti",
              "maintenance", "traffic", "deserted", "safe_place"]
SV = {"lighting": "Belysning", "vegetation": "Skymmande vegetation", "visibility": "Dålig överblick",
      "wayfinding": "Orienterbarhet", "walkway": "Framkomlighet", "underpass": "Gångtunnel",
      "litter": "Nedskräpning", "graffiti": "Klotter", "maintenance": "Skötsel", "traffic": "Trafik",
      "deserted": "Ödslig plats", "safe_place": "Trygg plats"}
EN = {"lighting": "Lighting", "vegetation": "Vegetation blocking view", "visibility": "Poor visibility",
      "wayfinding": "Wayfinding", "walkway": "Walkway", "underpass": "Underpass", "litter": "Litter",
      "graffiti": "Graffiti", "maintenance": "Maintenance", "traffic": "Traffic", "deserted": "Deserted place",
      "safe_place": "Place that feels safe"}
COMMENTS = {
    "lighting": ["Trasig gatlykta vid gångvägen", "Mörkt mellan husen", "Belysningen släckt efter 22"],
    "vegetation": ["Buskar skymmer sikten", "Häcken behöver klippas"],
    "visibility": ["Svårt att se vem som kommer", "Skymd sikt runt hörnet"],
    "underpass": ["Tunneln känns otrygg på kvällen", "Mörk gångtunnel"],
    "litter": ["Mycket skräp vid återvinningen", "Fulla papperskorgar"],
    "graffiti": ["Klotter på tunnelväggen", "Nytt klotter vid busshållplatsen"],
    "safe_place": ["Bra belysning och folk i rörelse", "Känns tryggt vid torget"],
}
# Fictitious personal details (test personnummer, a phone number from the range reserved for fiction,
# example.com) so the demo shows redaction at work.
PERSONAL = ["Boende 19121212-1212 vill bli kontaktad", "Ring fastighetsvärden på 070-174 06 50",
            "Skicka svar till anna.exempel@example.com", "Bil ABC 123 står parkerad på gångvägen"]


def load_areas() -> dict[str, shapely.Geometry]:
    frame = gpd.read_file(AREAS, engine="pyogrio").to_crs(3006)
    return {code: frame.set_index("code").geometry[code] for code in TEAMS}


def random_inside(rng, polygon, count: int, margin: float = 40.0) -> list[shapely.Point]:
    """Return points drawn uniformly inside `polygon` shrunk by `margin` metres."""
    inner = polygon.buffer(-margin)
    x0, y0, x1, y1 = inner.bounds
    points = []
    while len(points) < count:
        p = shapely.Point(rng.uniform(x0, x1), rng.uniform(y0, y1))
        if inner.contains(p):
            points.append(p)
    return points


def route(spots: list[shapely.Point]) -> list[shapely.Point]:
    """Order spots around their centre, as a loop a walk would follow."""
    cx, cy = np.mean([p.x for p in spots]), np.mean([p.y for p in spots])
    return sorted(spots, key=lambda p: np.arctan2(p.y - cy, p.x - cx))


def walk_observations(rng, area, spots, spot_category, start: datetime) -> list[dict]:
    """Invent one walk: stops at most spots of the loop, a few observations between them."""
    loop = route(spots)
    first = int(rng.integers(len(loop)))
    loop = loop[first:] + loop[:first]
    when, out = start, []
    for here, there in zip(loop, loop[1:] + loop[:1]):
        when += timedelta(minutes=int(rng.integers(3, 9)))
        if rng.random() < 0.8:
            out.append(observation(rng, area, here, spot_category[here.wkt], when, jitter=12))
        if rng.random() < 0.25:
            between = shapely.Point((here.x + there.x) / 2, (here.y + there.y) / 2)
            out.append(observation(rng, area, between, str(rng.choice(CATEGORIES)), when + timedelta(minutes=2), jitter=25))
    return out


def observation(rng, area, point, category, when: datetime, jitter: float) -> dict:
    """One invented observation near `point`, inside `area`."""
    while True:
        p = shapely.Point(point.x + rng.normal(0, jitter), point.y + rng.normal(0, jitter))
        if area.contains(p):
            break
    comment = ""
    if rng.random() < 0.35:
        comment = str(rng.choice(COMMENTS.get(category, ["Noterat under vandringen"])))
    if rng.random() < 0.02:
        comment = str(rng.choice(PERSONAL))
    positive = category == "safe_place"
    return {"e": round(p.x, 1), "n": round(p.y, 1), "category": category, "when": when, "comment": comment,
            "severity": None if positive else int(rng.choice([1, 2, 2, 3])), "positive": positive}


def generate() -> list[dict]:
    """Invent every walk from January 2025 to June 2026."""
    rng = np.random.default_rng(SEED)
    areas = load_areas()
    spots = {code: random_inside(rng, areas[code], n) for code, n in SPOTS_PER_AREA.items()}
    spot_category = {p.wkt: str(rng.choice(CATEGORIES, p=_weights())) for ps in spots.values() for p in ps}
    rows = []
    for month in range(18):
        year, mon = 2025 + month // 12, month % 12 + 1
        for _ in range(int(rng.integers(3, 6))):
            code = str(rng.choice(list(TEAMS), p=[0.45, 0.55]))
            team = str(rng.choice(TEAMS[code]))
            start = datetime(year, mon, int(rng.integers(1, 28)), int(rng.integers(17, 20)), int(rng.integers(0, 4)) * 15,
                             tzinfo=STOCKHOLM)
            walk = f"{start:%Y-%m-%d} {team} (synthetic)"
            for obs in walk_observations(rng, areas[code], spots[code], spot_category, start):
                rows.append({**obs, "walk": walk})
    return rows


def _weights() -> list[float]:
    weights = np.array([5, 3, 3, 1, 2, 3, 4, 3, 2, 1, 2, 3], dtype=float)
    return list(weights / weights.sum())


def write_csv(rows: list[dict], path: Path) -> None:
    """Swedish headers, semicolons, decimal commas, WGS84, Windows-1252: as Excel saves it in Sweden."""
    to_wgs84 = Transformer.from_crs(3006, 4326, always_xy=True)
    with path.open("w", encoding="cp1252", newline="") as f:
        out = csv.writer(f, delimiter=";")
        out.writerow(["Datum", "Tid", "Latitud", "Longitud", "Kategori", "Allvarlighet", "Trygg", "Kommentar", "Vandring"])
        for r in rows:
            lon, lat = to_wgs84.transform(r["e"], r["n"])
            out.writerow([f"{r['when']:%Y-%m-%d}", f"{r['when']:%H.%M}", f"{lat:.6f}".replace(".", ","),
                          f"{lon:.6f}".replace(".", ","), SV[r["category"]], r["severity"] or "",
                          "ja" if r["positive"] else "nej", r["comment"], r["walk"]])


def write_xlsx(rows: list[dict], path: Path) -> None:
    """English headers, SWEREF 99 TM easting/northing, date-time cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Observations"
    sheet.append(["Observed at", "Easting", "Northing", "Category", "Severity", "Comment", "Walk"])
    for r in rows:
        sheet.append([r["when"].replace(tzinfo=None), r["e"], r["n"], r["category"], r["severity"], r["comment"] or None,
                      r["walk"]])
    book.properties.creator = "geoapp make_synthetic.py"
    book.properties.created = datetime(2026, 7, 1)
    book.properties.modified = datetime(2026, 7, 1)
    book.save(path)


def write_geojson(rows: list[dict], path: Path) -> None:
    """An RFC 7946 FeatureCollection (WGS84 lon/lat) with English labels, as a phone app exports."""
    to_wgs84 = Transformer.from_crs(3006, 4326, always_xy=True)
    features = []
    for r in rows:
        lon, lat = to_wgs84.transform(r["e"], r["n"])
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]},
                         "properties": {"observed_at": r["when"].isoformat(), "category": EN[r["category"]],
                                        "severity": r["severity"], "positive": r["positive"],
                                        "comment": r["comment"] or None, "walk": r["walk"]}})
    document = {"type": "FeatureCollection", "name": "synthetic_walks_2026", "features": features}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    rows = generate()
    periods = {"2025_h1": (2025, range(1, 7)), "2025_h2": (2025, range(7, 13)), "2026_h1": (2026, range(1, 7))}
    part = {k: [r for r in rows if r["when"].year == y and r["when"].month in months] for k, (y, months) in periods.items()}
    write_csv(part["2025_h1"], HERE / "synthetic_walks_2025_h1.csv")
    write_xlsx(part["2025_h2"], HERE / "synthetic_walks_2025_h2.xlsx")
    write_geojson(part["2026_h1"], HERE / "synthetic_walks_2026_h1.geojson")
    walks = len({r["walk"] for r in rows})
    print(f"{len(rows)} synthetic observations in {walks} synthetic walks written to {HERE}")


if __name__ == "__main__":
    main()
