"""The register of places: the shipped starter set, `geoapp places import`, and what it refuses."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from geoapp.store.schema import audit
from geoapp.store.schema import places as table

from tests.activity_files import TORGET, stored_counts
from tests.observation_files import csv_bytes, gpkg_bytes

@pytest.fixture
def app_language():
    """These checks quote the English messages; their Swedish translations are checked in test_i18n."""
    return "en"

HEADERS = ["name", "kind", "lat", "lon"]


def stored(app) -> dict[str, tuple]:
    with app.extensions["geoapp"].store.connect() as conn:
        return {r.name: (r.kind, r.area_code) for r in conn.execute(select(table))}


def test_the_synthetic_starter_set_is_loaded_on_first_start(app):
    places = stored(app)
    assert len(places) == 11 and all(name.endswith("(exempel)") for name in places)
    assert {code for _, code in places.values()} == {"2081R013", "2081R004"}
    assert places[TORGET] == ("torg", "2081R013")


def test_no_starter_set_when_turned_off(make_app):
    assert stored_counts(make_app(LOAD_DEFAULT_PLACES=False))["places"] == 0


def test_import_adds_new_places_and_updates_known_ones_by_name(app, runner, tmp_path):
    path = tmp_path / "places.csv"
    path.write_bytes(csv_bytes(HEADERS, [[TORGET.upper(), "square", "60.490285", "15.405604"],
                                         ["Ny plats", "park", "60,4800", "15,4000"]]))
    result = runner("places", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "imported: 2 places" in result.output
    places = stored(app)
    assert len(places) == 12 and places[TORGET.upper()] == ("square", "2081R013") and places["Ny plats"][1] == "2081R004"
    with app.extensions["geoapp"].store.connect() as conn:
        details = conn.execute(select(audit.c.detail).where(audit.c.action == "places_import")).scalars().all()
    assert details == ["places file places.csv: 1 added, 1 updated"]  # the starter set's own load is not audited


def test_import_reads_sweref_and_geopackage(app, runner, tmp_path):
    sweref = tmp_path / "sweref.csv"
    sweref.write_bytes(csv_bytes(["Namn", "Typ", "N", "E"], [["Skolan", "skolgård", "6706369,40", "521927,41"]]))
    assert runner("places", "import", str(sweref)).exit_code == 0
    gpkg = tmp_path / "places.gpkg"
    gpkg.write_bytes(gpkg_bytes(tmp_path, {"namn": ["Parken"], "typ": ["park"]}, [(15.399074, 60.492869)], "EPSG:4326"))
    result = runner("places", "import", str(gpkg))
    assert result.exit_code == 0, result.output
    assert stored(app)["Parken"] == ("park", "2081R013") and stored(app)["Skolan"] == ("skolgård", "2081R013")


CASES = [
    ("outside every area", [["Stortorget", "torg", "59.3250", "18.0710"]], 2, None, "outside every loaded area; the nearest"),
    ("no name", [["", "torg", "60.490285", "15.405604"]], 2, "name", "no name"),
    ("no kind", [["Torg", "", "60.490285", "15.405604"]], 2, "kind", "no kind"),
    ("twice in the file", [["Torg", "torg", "60.490285", "15.405604"], ["torg ", "torg", "60.490285", "15.405604"]],
     3, "name", "appears twice in the file"),
    ("swapped", [["Torg", "torg", "15.405604", "60.490285"]], 2, "lat/lon", "look swapped"),
    ("not a number", [["Torg", "torg", "norr", "15.405604"]], 2, "lat", "not a number"),
    ("long name", [["x" * 256, "torg", "60.490285", "15.405604"]], 2, "name", "longer than 255"),
]


@pytest.mark.parametrize("what, rows, row, column, message", CASES, ids=[c[0] for c in CASES])
def test_rejected_places_exit_1_and_change_nothing(app, runner, tmp_path, what, rows, row, column, message):
    path = tmp_path / "p.csv"
    path.write_bytes(csv_bytes(HEADERS, rows))
    before = stored(app)
    result = runner("places", "import", str(path))
    assert result.exit_code == 1
    where = f"p.csv, row {row}" + (f", column {column!r}" if column else "")
    assert any(line.strip().startswith(where + ":") and message in line for line in result.stderr.splitlines()), result.stderr
    assert stored(app) == before


def test_missing_columns_are_named(runner, tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(csv_bytes(["plats", "x", "y"], [["Torg", "1", "2"]]))
    result = runner("places", "import", str(path))
    assert result.exit_code == 1
    for text in ("no kind column", "is ambiguous", "no coordinate columns"):
        assert text in result.stderr


def test_new_boundaries_that_would_leave_a_place_outside_are_refused(app, runner, tmp_path):
    import geopandas as gpd

    areas = gpd.read_file(app.extensions["geoapp"].data_dir / "areas" / "borlange_regso_2025.gpkg")
    only_one = tmp_path / "one.geojson"
    only_one.write_text(areas[areas["code"] == "2081R013"].to_json())
    result = runner("areas", "import", str(only_one), "--replace")
    assert result.exit_code == 1
    assert "stored places would fall outside every area" in result.stderr
