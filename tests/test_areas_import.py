"""`geoapp areas import`: the real SCB file (cut to Borlänge, see tests/data), and every class of rejected file."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point, Polygon

from geoapp.store.areas import load_areas
from tests.conftest import SCB_FILE

pytestmark = pytest.mark.storage

BORLANGE = ["--layer", "RegSO_2025", "--code-field", "regsokod", "--name-field", "regsonamn",
            "--where", "kommunkod = '2081'"]


def stored(app) -> gpd.GeoDataFrame:
    with app.extensions["geoapp"].store.connect() as conn:
        return load_areas(conn)


def snapshot(app) -> list[tuple]:
    frame = stored(app)
    return sorted(zip(frame["code"], frame["name"], shapely.to_wkb(frame.geometry.values)))


@pytest.fixture
def empty_app(make_app):
    return make_app(LOAD_DEFAULT_AREAS=False)


def invoke(app, *args):
    from geoapp.cli import main

    return app.test_cli_runner().invoke(main, [str(a) for a in args])


def test_real_scb_file_gives_17_borlange_areas(empty_app):
    result = invoke(empty_app, "areas", "import", SCB_FILE, *BORLANGE)
    assert result.exit_code == 0, result.output
    assert "importerat: 17 områden" in result.output
    frame = stored(empty_app).set_index("code")
    assert len(frame) == 17
    assert "2080R018" not in frame.index  # Vika, Falun's area in the file, is left out by the --where
    assert frame.crs.to_epsg() == 3006
    assert frame.geometry.is_valid.all()
    assert frame.loc["2081R013", "name"] == "Tjärna Ängar"
    assert frame.loc["2081R013"].geometry.area / 1e6 == pytest.approx(0.33, abs=0.01)


def test_shipped_boundaries_are_loaded_on_first_start(app):
    frame = stored(app)
    assert len(frame) == 17
    assert frame.geometry.area.sum() / 1e6 == pytest.approx(632.0, abs=0.1)


def test_reimport_updates_in_place(app):
    result = invoke(app, "areas", "import", SCB_FILE, *BORLANGE)
    assert result.exit_code == 0, result.output
    assert len(stored(app)) == 17


def test_other_crs_is_reprojected(empty_app, tmp_path):
    path = tmp_path / "wgs84.geojson"
    square = Polygon([(15.40, 60.49), (15.41, 60.49), (15.41, 60.495), (15.40, 60.495)])
    gpd.GeoDataFrame({"code": ["X1"], "name": ["Test"]}, geometry=[square], crs="EPSG:4326").to_file(path)
    assert invoke(empty_app, "areas", "import", path).exit_code == 0
    geom = stored(empty_app).geometry.iloc[0]
    # 0.01° of longitude at 60.49° N is about 548 m; 0.005° of latitude about 557 m.
    assert geom.area / 1e6 == pytest.approx(0.548 * 0.557, rel=0.02)
    assert 1_400_000 < geom.bounds[0] < 1_600_000 or 400_000 < geom.bounds[0] < 600_000


def write(frame: gpd.GeoDataFrame, path, **kwargs):
    frame.to_file(path, **kwargs)
    return path


def no_crs_file(tmp_path):
    frame = gpd.GeoDataFrame({"code": ["A"], "name": ["a"]}, geometry=[Point(0, 0).buffer(10)])
    # Writing a file without a CRS is exactly the mistake under test, so pyogrio's warning is expected.
    with pytest.warns(UserWarning, match="crs"):
        return write(frame, tmp_path / "nocrs.shp"), []


def points_file(tmp_path):
    frame = gpd.GeoDataFrame({"code": ["A"], "name": ["a"]}, geometry=[Point(500000, 6700000)], crs=3006)
    return write(frame, tmp_path / "points.gpkg"), []


def unknown_field_file(tmp_path):
    frame = gpd.GeoDataFrame({"code": ["A"], "name": ["a"]}, geometry=[Point(500000, 6700000).buffer(50)], crs=3006)
    return write(frame, tmp_path / "fields.gpkg"), ["--code-field", "regsokod"]


def unrepairable_file(tmp_path):
    flat = Polygon([(500000, 6700000), (500100, 6700000), (500200, 6700000), (500000, 6700000)])
    frame = gpd.GeoDataFrame({"code": ["A"], "name": ["a"]}, geometry=[flat], crs=3006)
    return write(frame, tmp_path / "flat.gpkg"), []


def overflowing_file(tmp_path):
    damaged = Polygon([(500000, 6700000), (1e300, 6700100), (500100, 6700000), (500000, 6700100), (500000, 6700000)])
    frame = gpd.GeoDataFrame({"code": ["C"], "name": ["c"]}, geometry=[damaged], crs=3006)
    return write(frame, tmp_path / "huge.gpkg"), []


def not_geodata_file(tmp_path):
    path = tmp_path / "areas.geojson"
    path.write_text("this is not GeoJSON", encoding="utf-8")
    return path, []


def bad_where_file(tmp_path):
    return SCB_FILE, ["--code-field", "regsokod", "--name-field", "regsonamn", "--where", "no_such_column = 1"]


@pytest.mark.parametrize(
    ("make_file", "expected", "ending"),
    [
        (no_crs_file, "avvisat: nocrs.shp: filen anger inget koordinatsystem (CRS); lägg till ett och försök igen\n", ""),
        (points_file, "avvisat: points.gpkg: inga polygoner i filen (hittade Point)\n", ""),
        (unknown_field_file,
         "avvisat: fields.gpkg: okänt fält 'regsokod' angivet som --code-field; filen har: code, name\n", ""),
        (unrepairable_file, "avvisat: flat.gpkg: objekt 1 (A): ogiltig geometri som inte kan lagas (Self-intersection", ")\n"),
        (overflowing_file, "avvisat: huge.gpkg: objekt 1 (C): koordinater utanför varje kartas område\n", ""),
        # GDAL's own reason follows in brackets; its wording is GDAL's, not geoapp's.
        (not_geodata_file, "avvisat: areas.geojson: kan inte läsas som GeoPackage, GeoJSON eller Shapefile (", ")\n"),
        (bad_where_file, "avvisat: RegSO_2025_Borlange.gpkg: objekten kan inte läsas (",
         "no such column: no_such_column); kontrollera --where och --layer\n"),
    ],
)
def test_rejected_file_changes_nothing(app, tmp_path, make_file, expected, ending):
    before = snapshot(app)
    version = app.extensions["geoapp"].store.data_version()
    path, options = make_file(tmp_path)
    result = invoke(app, "areas", "import", path, *options)
    assert result.exit_code == 1
    if ending:
        assert result.output.startswith(expected) and result.output.endswith(ending), result.output
        assert result.output.count("\n") == 1
    else:
        assert result.output == expected
    assert snapshot(app) == before
    assert app.extensions["geoapp"].store.data_version() == version


def test_repairable_geometry_is_repaired(empty_app, tmp_path):
    bowtie = Polygon([(500000, 6700000), (500100, 6700100), (500100, 6700000), (500000, 6700100), (500000, 6700000)])
    path = write(gpd.GeoDataFrame({"code": ["B"], "name": ["b"]}, geometry=[bowtie], crs=3006), tmp_path / "bowtie.gpkg")
    result = invoke(empty_app, "areas", "import", path)
    assert result.exit_code == 0, result.output
    geom = stored(empty_app).geometry.iloc[0]
    assert geom.is_valid
    assert geom.area == pytest.approx(5000)


def test_a_missing_file_is_rejected_by_name_and_changes_nothing(app):
    before = snapshot(app)
    result = invoke(app, "areas", "import", "does-not-exist.gpkg")
    assert result.exit_code == 1
    assert result.output == "avvisat: does-not-exist.gpkg: filen finns inte\n"
    assert snapshot(app) == before


def test_an_unknown_option_is_a_usage_error_naming_it(app):
    result = invoke(app, "areas", "import", SCB_FILE, "--code-column", "regsokod")
    assert result.exit_code == 2
    assert result.output.endswith("\nError: No such option '--code-column'. Did you mean '--code-field'?\n")
