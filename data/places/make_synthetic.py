"""Write synthetic_places.csv: invented public places inside the two RegSO areas of Västra Borlänge.

The names are made up and marked "(exempel)"; the points are drawn with a fixed seed inside the
shipped boundaries (at least 40 m from their edges). Run from the project root:
    python data/places/make_synthetic.py
"""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

HERE = Path(__file__).resolve().parent
AREAS = HERE.parent / "areas" / "borlange_regso_2025.gpkg"
PLACES = {
    "2081R013": [("Torget (exempel)", "torg"), ("Biblioteksfilialen (exempel)", "bibliotek"),
                 ("Skolgården Ängsskolan (exempel)", "skolgård"), ("Fritidsgården Ängen (exempel)", "fritidsgård"),
                 ("Busshållplats Ängsvägen (exempel)", "busshållplats"), ("Lekplatsen Tjärnparken (exempel)", "lekplats")],
    "2081R004": [("Idrottsplatsen Paradiset (exempel)", "idrottsplats"), ("Jakobsgårdstorget (exempel)", "torg"),
                 ("Skolgården Nygårdsskolan (exempel)", "skolgård"), ("Gångtunneln vid Nygårdsdalen (exempel)", "gångtunnel"),
                 ("Busshållplats Paradisvägen (exempel)", "busshållplats")],
}


def points_inside(polygon, count: int, rng: np.random.Generator) -> list:
    """Return `count` random points at least 40 m inside `polygon`, spread apart by at least 120 m."""
    inner = polygon.buffer(-40)
    xmin, ymin, xmax, ymax = inner.bounds
    chosen: list = []
    while len(chosen) < count:
        point = shapely.Point(rng.uniform(xmin, xmax), rng.uniform(ymin, ymax))
        if inner.contains(point) and all(point.distance(p) >= 120 for p in chosen):
            chosen.append(point)
    return chosen


def main() -> None:
    areas = gpd.read_file(AREAS).set_index("code")
    rng = np.random.default_rng(2081)
    rows = []
    for code, places in PLACES.items():
        for (name, kind), point in zip(places, points_inside(areas.geometry[code], len(places), rng)):
            lon, lat = gpd.GeoSeries([point], crs=areas.crs).to_crs("EPSG:4326").iloc[0].coords[0]
            rows.append([name, kind, f"{lat:.6f}".replace(".", ","), f"{lon:.6f}".replace(".", ",")])
    with (HERE / "synthetic_places.csv").open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
        writer.writerow(["Namn", "Typ", "Latitud", "Longitud"])
        writer.writerows(rows)


if __name__ == "__main__":
    main()
