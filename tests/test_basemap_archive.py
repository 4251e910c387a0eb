"""Reading tile archives: MBTiles, PMTiles and GeoPackage tile layers give each tile at its XYZ address; mosaics of them."""

from __future__ import annotations

import io
import sqlite3

import mercantile
import numpy as np
import pytest
import shapely
from PIL import Image
from pmtiles.tile import TileType

from geoapp.basemap.archive import ArchiveError, open_archive
from geoapp.basemap.grid import probe_tiles, tiles_for
from geoapp.basemap.mosaic import BLANK, mosaic
from geoapp.basemap.store import current_basemap, import_basemap
from tests.basemap_archives import (ATTRIBUTION, BOUNDARIES, CENTRE, borlange_tiles, boundaries, bounds_of,
                                    write_geopackage, write_mbtiles, write_pmtiles)

WRITERS = {"mbtiles": write_mbtiles, "pmtiles": write_pmtiles, "gpkg": write_geopackage}


@pytest.fixture(params=list(WRITERS))
def packed(request, tmp_path):
    """An archive of the Borlänge test tiles in each format."""
    return request.param, WRITERS[request.param](tmp_path / f"basemap.{request.param}", borlange_tiles())


def test_each_format_says_what_it_holds(packed):
    kind, path = packed
    with open_archive(path) as archive:
        info = archive.info
    assert (info.format, info.tile_format, info.min_zoom, info.max_zoom) == (kind, "png", 12, 16)
    assert info.tile_count == len(borlange_tiles())
    assert info.bounds == pytest.approx(bounds_of(borlange_tiles()), abs=1e-6)  # PMTiles keeps 7 decimals
    assert info.attribution == ("" if kind == "gpkg" else ATTRIBUTION)  # a GeoPackage has no place for one
    assert info.scheme == ("tms" if kind == "mbtiles" else "xyz")


def test_every_tile_reads_back_at_its_xyz_address(packed):
    _kind, path = packed
    with open_archive(path) as archive:
        for tile, data in borlange_tiles().items():
            assert archive.tile(tile.z, tile.x, tile.y) == data, tile
        assert archive.tile(12, CENTRE.x, 2 ** 12 - 1 - CENTRE.y) is None  # the TMS row is not an XYZ row
        assert archive.tile(14, 8894, 4714) is None  # a zoom the archive does not hold
        assert archive.tile(12, 4096, 0) is None and archive.tile(31, 0, 0) is None


def one_tile_mbtiles(path, row: int, **metadata) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
        db.executemany("INSERT INTO metadata VALUES (?, ?)", {"format": "png", **metadata}.items())
        db.execute("INSERT INTO tiles VALUES (12, 2223, ?, ?)", (row, b"the centre of Borlange"))
    db.close()


def test_mbtiles_rows_counted_from_the_south_are_flipped(tmp_path):
    # The MBTiles specification numbers rows as TMS does, from the south: row 4095 - 1178 at zoom 12.
    one_tile_mbtiles(tmp_path / "tms.mbtiles", 2917)
    with open_archive(tmp_path / "tms.mbtiles") as archive:
        assert archive.tile(12, 2223, 1178) == b"the centre of Borlange"
        assert archive.tile(12, 2223, 2917) is None
        assert archive.info.bounds == pytest.approx(tuple(mercantile.bounds(CENTRE)))


def test_mbtiles_that_say_xyz_are_read_as_they_are(tmp_path):
    one_tile_mbtiles(tmp_path / "xyz.mbtiles", 1178, scheme="xyz")
    with open_archive(tmp_path / "xyz.mbtiles") as archive:
        assert archive.tile(12, 2223, 1178) == b"the centre of Borlange"
    one_tile_mbtiles(tmp_path / "odd.mbtiles", 1178, scheme="quadkey")
    with pytest.raises(ArchiveError, match="unknown tile scheme quadkey"):
        open_archive(tmp_path / "odd.mbtiles")


def test_a_geopackage_with_several_tile_layers_is_read_by_name(tmp_path):
    path = write_geopackage(tmp_path / "two.gpkg", borlange_tiles(), table="baskarta")
    ortho = {t: data[::-1] for t, data in borlange_tiles().items()}
    write_geopackage(path, ortho, table="ortofoto")
    with pytest.raises(ArchiveError, match=r"several tile layers \(baskarta, ortofoto\): choose one with --layer"):
        open_archive(path)
    with open_archive(path, layer="ortofoto") as archive:
        assert archive.info.layer == "ortofoto" and archive.tile(CENTRE.z, CENTRE.x, CENTRE.y) == ortho[CENTRE]
    with pytest.raises(ArchiveError, match="no tile layer flygfoto"):
        open_archive(path, layer="flygfoto")


def test_a_geopackage_outside_the_web_mercator_grid_is_refused(tmp_path):
    path = write_geopackage(tmp_path / "wgs84.gpkg", borlange_tiles(), srs_id=4326)
    with pytest.raises(ArchiveError, match="not in the Web Mercator tile grid .*TILING_SCHEME=GoogleMapsCompatible"):
        open_archive(path)


def pmtiles_start(tmp_path) -> bytes:
    return write_pmtiles(tmp_path / "whole.pmtiles", borlange_tiles()).read_bytes()[:300]


def sqlite_without_tiles(path):
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    db.close()


@pytest.mark.parametrize("make, message", [
    (lambda tmp: (tmp / "x.mbtiles").write_text("name,lat,lon\n"), "not an MBTiles, PMTiles or GeoPackage"),
    (lambda tmp: (tmp / "x.mbtiles").write_bytes(b""), "not an MBTiles, PMTiles or GeoPackage"),
    (lambda tmp: (tmp / "x.mbtiles").write_bytes(b"SQLite format 3\x00" + b"\xff" * 200), "a damaged SQLite file"),
    (lambda tmp: (tmp / "x.mbtiles").write_bytes(pmtiles_start(tmp)), "a damaged or unsupported PMTiles file"),
    (lambda tmp: (tmp / "x.mbtiles").write_bytes(BOUNDARIES.read_bytes()), "a GeoPackage without a tile layer"),
    (lambda tmp: sqlite_without_tiles(tmp / "x.mbtiles"), "neither the tiles table of MBTiles"),
    (lambda tmp: write_mbtiles(tmp / "x.mbtiles", {}, bounds=(15, 60, 16, 61)), "it holds no tiles"),
], ids=["text", "empty", "damaged-sqlite", "truncated-pmtiles", "features-only-gpkg", "other-sqlite", "no-tiles"])
def test_what_is_not_a_readable_archive_is_named(tmp_path, make, message):
    make(tmp_path)
    with pytest.raises(ArchiveError, match=message):
        open_archive(tmp_path / "x.mbtiles")


def test_pmtiles_of_vector_tiles_say_so(tmp_path):
    path = write_pmtiles(tmp_path / "vector.pmtiles", borlange_tiles(), tile_type=TileType.MVT)
    with open_archive(path) as archive:
        assert archive.info.tile_format == "pbf"


def test_tiles_for_an_extent_cover_it_at_each_zoom():
    west, south, east, north = boundaries().total_bounds
    tiles = tiles_for((west, south, east, north), [11, 12])
    extent = shapely.box(west, south, east, north)
    assert {t.z for t in tiles} == {11, 12}
    for zoom in (11, 12):
        at_zoom = [t for t in tiles if t.z == zoom]
        corners = [mercantile.tile(lon, lat, zoom) for lon in (west, east) for lat in (south, north)]
        assert set(corners) <= set(at_zoom)
        columns = {t.x for t in at_zoom}
        rows = {t.y for t in at_zoom}
        assert len(at_zoom) == len(columns) * len(rows) == (max(columns) - min(columns) + 1) * (max(rows) - min(rows) + 1)
        assert all(shapely.box(*mercantile.bounds(t)).intersects(extent) for t in at_zoom)
    assert CENTRE in tiles


def test_probe_tiles_give_one_tile_for_each_geometry_in_order():
    near = [shapely.box(15.430, 60.480, 15.431, 60.481), shapely.box(15.4302, 60.4802, 15.4312, 60.4812)]
    far = shapely.box(15.2, 60.35, 15.21, 60.36)
    tiles = probe_tiles([near[0], far, near[1]], 16)  # an area's name is matched to its tile by position
    assert tiles[0] == tiles[2] != tiles[1]
    assert tiles[0] == mercantile.tile(15.4305, 60.4805, 16)


@pytest.fixture
def local(tmp_path):
    """The Borlänge test tiles stored as the basemap of an instance folder, opened."""

    def check(path):
        with open_archive(path) as archive:
            return archive.info, "© test"

    source = write_mbtiles(tmp_path / "basemap.mbtiles", borlange_tiles())
    import_basemap(tmp_path / "instance", source, check, replace=False, max_bytes=2 ** 30, source_name="basemap.mbtiles")
    return current_basemap(tmp_path / "instance")


def decoded(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def test_a_mosaic_puts_each_tile_where_it_lies(local):
    centre = mercantile.xy_bounds(CENTRE)
    bounds = (centre.left - 5000, centre.bottom - 5000, centre.right + 5000, centre.top + 5000)
    image = mosaic(local, bounds, 12)
    assert image.pixels.shape == (3 * 256, 3 * 256, 3)  # the centre tile and one on each side
    assert np.array_equal(image.pixels[256:512, 256:512], decoded(borlange_tiles()[CENTRE]))
    west, east, south, north = image.extent
    assert (west, north) == pytest.approx((centre.left - (centre.right - centre.left), centre.top + (centre.top - centre.bottom)))
    assert west <= bounds[0] and east >= bounds[2] and south <= bounds[1] and north >= bounds[3]
    assert image.attribution == "© test"


def test_a_mosaic_leaves_missing_tiles_blank_and_is_none_without_any(local):
    deep = next(t for t in borlange_tiles() if t.z == 16)
    box = mercantile.xy_bounds(deep)
    image = mosaic(local, (box.left - 100, box.bottom + 10, box.right - 10, box.top - 10), 16)
    assert image.pixels.shape == (256, 512, 3)
    assert np.array_equal(image.pixels[:, 256:], decoded(borlange_tiles()[deep]))
    assert (image.pixels[:, :256] == BLANK).all()
    stockholm = mercantile.xy_bounds(mercantile.tile(18.07, 59.33, 12))
    assert mosaic(local, tuple(stockholm), 12) is None
    with pytest.raises(ValueError, match="choose a shallower zoom"):
        mosaic(local, tuple(mercantile.xy_bounds(CENTRE)), 17)  # 32 × 32 tiles
