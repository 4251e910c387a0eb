"""Small basemap archives for the tests: tiles of the shipped boundaries drawn with matplotlib, packed three ways."""

from __future__ import annotations

import functools
import gzip
import io
import random
import sqlite3
from pathlib import Path
from typing import Mapping

import geopandas as gpd
import mercantile
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image, ImageDraw
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import write as pmtiles_write

from geoapp.basemap.checks import COVERAGE_ZOOM, MAX_ZOOM_AT_LEAST
from geoapp.basemap.grid import Tile, covering_tiles, probe_tiles, tiles_for
from tests.conftest import ROOT

BOUNDARIES = ROOT / "data" / "areas" / "borlange_regso_2025.gpkg"
ATTRIBUTION = "© Borlänge kommun, test tiles"
WORLD_HALF_M = mercantile.xy_bounds(0, 0, 0).right
Tiles = Mapping[Tile, bytes]
# The tile over central Borlänge (15.43 E, 60.49 N) at zoom 12, its row counted from the north as in XYZ.
CENTRE = Tile(2223, 1178, 12)


@functools.cache
def boundaries() -> gpd.GeoDataFrame:
    """Return the shipped RegSO boundaries in WGS84."""
    return gpd.read_file(BOUNDARIES).to_crs(4326)


@functools.cache
def _drawn() -> gpd.GeoDataFrame:
    return boundaries().to_crs(3857)


def render_tile(tile: Tile) -> bytes:
    """Draw the boundaries within one tile as a 256-pixel PNG, its address written on it so that no two are alike."""
    figure = Figure(figsize=(2.56, 2.56), dpi=100, facecolor="#d9ead3")
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_axis_off()
    _drawn().plot(ax=axes, facecolor="#f4efe1", edgecolor="#5b5b5b", linewidth=1.5)
    box = mercantile.xy_bounds(tile)
    axes.set_xlim(box.left, box.right)
    axes.set_ylim(box.bottom, box.top)
    axes.text(0.5, 0.5, f"{tile.z}/{tile.x}/{tile.y}", transform=axes.transAxes, ha="center", va="center", fontsize=14)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=100, facecolor=figure.get_facecolor())
    return out.getvalue()


@functools.cache
def borlange_tiles() -> dict[Tile, bytes]:
    """Return the tiles a basemap of the shipped areas needs: all over them at zoom 12, one inside each at zoom 16."""
    shapes = list(boundaries().geometry)
    wanted = covering_tiles(shapes, COVERAGE_ZOOM) + probe_tiles(shapes, MAX_ZOOM_AT_LEAST)
    return {tile: render_tile(tile) for tile in dict.fromkeys(wanted)}


def plain_tile(tile: Tile) -> bytes:
    """Draw one tile quickly: a colour of its own and its address, for archives too deep to draw with matplotlib."""
    image = Image.new("RGB", (256, 256), ((tile.x * 37) % 96 + 140, (tile.y * 53) % 96 + 140, 200))
    ImageDraw.Draw(image).text((8, 8), f"{tile.z}/{tile.x}/{tile.y}", fill=(40, 40, 40))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def noisy_tile(tile: Tile) -> bytes:
    """Draw a tile that does not compress: about 200 kB, so that a few of them fill a MiB."""
    noise = random.Random(f"{tile.z}/{tile.x}/{tile.y}").randbytes(256 * 256 * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (256, 256), noise).save(out, format="PNG")
    return out.getvalue()


def tiles_around(codes: list[str], zooms: range, reach: float = 1.0, render=render_tile) -> dict[Tile, bytes]:
    """Return the tiles at each zoom over the RegSO areas `codes`, widened by `reach` times their size on every side."""
    west, south, east, north = boundaries()[boundaries()["code"].isin(codes)].total_bounds
    dx, dy = (east - west) * reach, (north - south) * reach
    return {t: render(t) for t in tiles_for((west - dx, south - dy, east + dx, north + dy), zooms)}


def as_jpeg(tiles: Tiles) -> dict[Tile, bytes]:
    """Return the same tiles as JPEG."""
    converted = {}
    for tile, data in tiles.items():
        out = io.BytesIO()
        Image.open(io.BytesIO(data)).convert("RGB").save(out, format="JPEG", quality=80)
        converted[tile] = out.getvalue()
    return converted


def shifted(tiles: Tiles, dx: int, zooms: set[int] | None = None) -> dict[Tile, bytes]:
    """Return the tiles moved `dx` columns east (at the given zooms, or all): somewhere that is not Borlänge."""
    return {(Tile(t.x + dx, t.y, t.z) if zooms is None or t.z in zooms else t): data for t, data in tiles.items()}


def bounds_of(tiles: Tiles) -> tuple[float, float, float, float]:
    """Return the WGS84 bounds of the tiles (west, south, east, north)."""
    boxes = [mercantile.bounds(t) for t in tiles]
    return min(b.west for b in boxes), min(b.south for b in boxes), max(b.east for b in boxes), max(b.north for b in boxes)


def write_mbtiles(path: Path, tiles: Tiles, *, tile_format: str = "png", attribution: str | None = ATTRIBUTION,
                  bounds: tuple[float, float, float, float] | None = None, **metadata: str) -> Path:
    """Pack tiles as MBTiles 1.3: rows counted from the south (TMS), metadata as given."""
    values = {"name": "test basemap", "format": tile_format, "type": "baselayer",
              "bounds": ",".join(str(v) for v in (bounds or bounds_of(tiles))),
              "minzoom": str(min((t.z for t in tiles), default=0)), "maxzoom": str(max((t.z for t in tiles), default=0)),
              **metadata}
    if attribution is not None:
        values["attribution"] = attribution
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
        db.execute("CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)")
        db.executemany("INSERT INTO metadata VALUES (?, ?)", values.items())
        flip = metadata.get("scheme", "tms") == "tms"
        db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                       [(t.z, t.x, (2 ** t.z - 1 - t.y) if flip else t.y, data) for t, data in tiles.items()])
    db.close()
    return path


def write_pmtiles(path: Path, tiles: Tiles, *, tile_type: TileType = TileType.PNG, attribution: str = ATTRIBUTION,
                  compression: Compression = Compression.NONE) -> Path:
    """Pack tiles as PMTiles 3 with the pmtiles writer (tiles written in the order of their ids, as it needs)."""
    west, south, east, north = bounds_of(tiles)
    with pmtiles_write(str(path)) as writer:
        for tile, data in sorted(tiles.items(), key=lambda item: zxy_to_tileid(item[0].z, item[0].x, item[0].y)):
            writer.write_tile(zxy_to_tileid(tile.z, tile.x, tile.y), data)
        writer.finalize({
            "tile_type": tile_type, "tile_compression": compression,
            "min_lon_e7": int(west * 1e7), "min_lat_e7": int(south * 1e7),
            "max_lon_e7": int(east * 1e7), "max_lat_e7": int(north * 1e7),
            "center_zoom": COVERAGE_ZOOM, "center_lon_e7": int((west + east) / 2 * 1e7),
            "center_lat_e7": int((south + north) / 2 * 1e7),
        }, {"attribution": attribution, "name": "test basemap"})
    return path


GPKG_SRS = [
    ("Undefined cartesian SRS", -1, "NONE", -1, "undefined"),
    ("Undefined geographic SRS", 0, "NONE", 0, "undefined"),
    ("WGS 84 geodetic", 4326, "EPSG", 4326, 'GEOGCS["WGS 84"]'),
    ("WGS 84 / Pseudo-Mercator", 3857, "EPSG", 3857, 'PROJCS["WGS 84 / Pseudo-Mercator"]'),
]


def write_geopackage(path: Path, tiles: Tiles, *, table: str = "baskarta", srs_id: int = 3857) -> Path:
    """Add tiles as a GeoPackage 1.3 tile layer in the GoogleMapsCompatible grid, table by table as the standard says."""
    zooms = range(min(t.z for t in tiles), max(t.z for t in tiles) + 1)
    west, south, east, north = bounds_of(tiles)
    (x0, y0), (x1, y1) = mercantile.xy(west, south), mercantile.xy(east, north)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA application_id = 1196444487")  # 'GPKG'
        db.execute("PRAGMA user_version = 10300")
        db.execute("CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, "
                   "organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, "
                   "description TEXT)")
        db.executemany("INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, NULL)", GPKG_SRS)
        db.execute("CREATE TABLE IF NOT EXISTS gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, "
                   "identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT "
                   "(strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, "
                   "srs_id INTEGER REFERENCES gpkg_spatial_ref_sys(srs_id))")
        db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id) "
                   "VALUES (?, 'tiles', ?, ?, ?, ?, ?, ?)", (table, table, x0, y0, x1, y1, srs_id))
        db.execute("CREATE TABLE IF NOT EXISTS gpkg_tile_matrix_set (table_name TEXT NOT NULL PRIMARY KEY, srs_id INTEGER NOT NULL, "
                   "min_x DOUBLE NOT NULL, min_y DOUBLE NOT NULL, max_x DOUBLE NOT NULL, max_y DOUBLE NOT NULL)")
        db.execute("INSERT INTO gpkg_tile_matrix_set VALUES (?, ?, ?, ?, ?, ?)",
                   (table, srs_id, -WORLD_HALF_M, -WORLD_HALF_M, WORLD_HALF_M, WORLD_HALF_M))
        db.execute("CREATE TABLE IF NOT EXISTS gpkg_tile_matrix (table_name TEXT NOT NULL, zoom_level INTEGER NOT NULL, "
                   "matrix_width INTEGER NOT NULL, matrix_height INTEGER NOT NULL, tile_width INTEGER NOT NULL, "
                   "tile_height INTEGER NOT NULL, pixel_x_size DOUBLE NOT NULL, pixel_y_size DOUBLE NOT NULL, "
                   "PRIMARY KEY (table_name, zoom_level))")
        db.executemany("INSERT INTO gpkg_tile_matrix VALUES (?, ?, ?, ?, 256, 256, ?, ?)",
                       [(table, z, 2 ** z, 2 ** z, 2 * WORLD_HALF_M / 2 ** z / 256, 2 * WORLD_HALF_M / 2 ** z / 256)
                        for z in zooms])
        quoted = '"' + table.replace('"', '""') + '"'
        db.execute(f"CREATE TABLE {quoted} (id INTEGER PRIMARY KEY AUTOINCREMENT, zoom_level INTEGER NOT NULL, "
                   "tile_column INTEGER NOT NULL, tile_row INTEGER NOT NULL, tile_data BLOB NOT NULL, "
                   "UNIQUE (zoom_level, tile_column, tile_row))")
        db.executemany(f"INSERT INTO {quoted} (zoom_level, tile_column, tile_row, tile_data) VALUES (?, ?, ?, ?)",
                       [(t.z, t.x, t.y, data) for t, data in tiles.items()])
    db.close()
    return path


def vector_tiles(tiles: Tiles) -> dict[Tile, bytes]:
    """Return stand-ins for vector tiles at the same addresses: gzip-compressed bytes, as MBTiles stores pbf."""
    return {t: gzip.compress(b"\x1a\x00" + f"{t.z}/{t.x}/{t.y}".encode(), mtime=0) for t in tiles}
