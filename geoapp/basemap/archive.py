"""Raster tile archives behind one interface: MBTiles, PMTiles and GeoPackage tile layers, read in the XYZ scheme."""

from __future__ import annotations

import io
import math
import mmap
import os
import sqlite3
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

import mercantile
from PIL import Image, UnidentifiedImageError
from pmtiles.reader import Reader as PMTilesReader
from pmtiles.tile import TileType

from geoapp.basemap.grid import TILE_PX
from geoapp.i18n import _

MBTILES, PMTILES, GEOPACKAGE = "mbtiles", "pmtiles", "gpkg"
FORMAT_NAMES = {MBTILES: "MBTiles", PMTILES: "PMTiles", GEOPACKAGE: "GeoPackage"}
TMS, XYZ = "tms", "xyz"
SQLITE_MAGIC = b"SQLite format 3\x00"
PMTILES_MAGIC = b"PMTiles"
PMTILES_HEADER_BYTES = 127
# Zoom 30 is beyond any basemap; the limit keeps tile numbers within what PMTiles can address.
MAX_ZOOM = 30
IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp"}
MEDIA_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}
# Other names of tile formats (MBTiles metadata may give a media type), as geoapp names them.
FORMAT_ALIASES = {"jpg": "jpeg", "image/png": "png", "image/jpeg": "jpeg", "image/jpg": "jpeg", "image/webp": "webp",
                  "mvt": "pbf", "application/x-protobuf": "pbf", "application/vnd.mapbox-vector-tile": "pbf"}
PMTILES_TYPES = {TileType.MVT: "pbf", TileType.PNG: "png", TileType.JPEG: "jpeg", TileType.WEBP: "webp",
                 TileType.AVIF: "avif", TileType.MLT: "mlt", TileType.UNKNOWN: ""}
# The Web Mercator tile grid's extent in metres (GoogleMapsCompatible), and the slack allowed reading it.
WORLD_HALF_M = mercantile.xy_bounds(0, 0, 0).right
GRID_SLACK_M = 1.0


class ArchiveError(ValueError):
    """A file that cannot be read as a raster tile archive; the message says why."""


@dataclass(frozen=True)
class ArchiveInfo:
    """What an archive holds, as it says itself (checked by geoapp.basemap.checks)."""

    format: str  # MBTILES, PMTILES or GEOPACKAGE
    scheme: str  # how the file itself numbers rows: TMS or XYZ (tile() answers in XYZ either way)
    tile_format: str  # "png", "jpeg", "webp", or what else the archive declares ("pbf" for vector tiles)
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float]  # WGS84 west, south, east, north
    attribution: str  # as the archive gives it, perhaps HTML; "" when it gives none
    tile_count: int
    layer: str | None = None  # the tile table of a GeoPackage


def image_format(data: bytes) -> str | None:
    """Return 'png', 'jpeg' or 'webp' for tile bytes in one of those formats, else None."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return IMAGE_FORMATS.get(image.format)
    except (UnidentifiedImageError, OSError, ValueError):
        return None


def media_type(data: bytes) -> str | None:
    """Return the Content-Type of tile bytes (image/png, image/jpeg or image/webp), or None for anything else."""
    return MEDIA_TYPES.get(image_format(data) or "")


def in_grid(z: int, x: int, y: int) -> bool:
    """Return whether z/x/y names a tile of the XYZ grid that geoapp serves."""
    return 0 <= z <= MAX_ZOOM and 0 <= x < 2 ** z and 0 <= y < 2 ** z


class Archive(ABC):
    """An open tile archive: its `info` and its tiles by XYZ address; close it when done."""

    info: ArchiveInfo

    @abstractmethod
    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """Return the tile at z/x/y (XYZ, rows from the north), or None when the archive has none there."""

    def close(self) -> None:
        """Release the file (again: harmless)."""

    def __del__(self) -> None:
        # Archives opened for a thread are dropped with it, unclosed.
        self.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_archive(path: Path, layer: str | None = None) -> Archive:
    """Open `path` read-only as whichever archive it is (by content, not name), or raise ArchiveError."""
    try:
        with open(path, "rb") as file:
            start = file.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise ArchiveError(_("the file cannot be read (%(error)s)", error=exc.strerror or exc)) from None
    if start.startswith(PMTILES_MAGIC):
        return PMTilesArchive(path)
    if start == SQLITE_MAGIC:
        return _open_sqlite(path, layer)
    raise ArchiveError(_("not an MBTiles, PMTiles or GeoPackage tile archive"))


def _connect(path: Path) -> sqlite3.Connection:
    # Read-only and immutable: a stored archive never changes, so SQLite need not lock or look for a journal.
    connection = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    connection.text_factory = lambda raw: raw.decode("utf-8", "replace")
    return connection


def _open_sqlite(path: Path, layer: str | None) -> Archive:
    connection = _connect(path)
    try:
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
        if "gpkg_contents" in names:
            return GeoPackageArchive(connection, layer)
        if "tiles" in names:
            return MBTilesArchive(connection, has_metadata="metadata" in names)
    except sqlite3.DatabaseError as exc:
        connection.close()
        raise ArchiveError(_("a damaged SQLite file (%(error)s)", error=exc)) from None
    except BaseException:
        connection.close()
        raise
    connection.close()
    raise ArchiveError(_("an SQLite file with neither the tiles table of MBTiles nor a GeoPackage's tile layer"))


def _declared_format(text: str) -> str:
    value = text.strip().lower()
    return FORMAT_ALIASES.get(value, value)


def _tile_bounds(west_tile: mercantile.Tile, east_tile: mercantile.Tile) -> tuple[float, float, float, float]:
    """Return the WGS84 bounds from the north-west tile `west_tile` to the south-east tile `east_tile`."""
    north_west, south_east = mercantile.bounds(west_tile), mercantile.bounds(east_tile)
    return north_west.west, south_east.south, south_east.east, north_west.north


class _SQLiteArchive(Archive):
    """An archive in an SQLite file; each thread opens its own (geoapp.basemap.store sees to that)."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    def _one(self, sql: str, *args):
        try:
            return self.connection.execute(sql, args).fetchone()
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(_("a damaged %(format)s file (%(error)s)", format=FORMAT_NAMES[self.kind], error=exc)) from None

    def _blob(self, sql: str, *args) -> bytes | None:
        row = self._one(sql, *args)
        return bytes(row[0]) if row and row[0] is not None else None

    def close(self) -> None:
        if getattr(self, "connection", None) is not None:
            self.connection.close()


class MBTilesArchive(_SQLiteArchive):
    """An MBTiles file: rows counted from the south (TMS) as the specification says, or from the north if it says xyz."""

    kind = MBTILES

    def __init__(self, connection: sqlite3.Connection, has_metadata: bool):
        super().__init__(connection)
        metadata = dict(connection.execute("SELECT name, value FROM metadata").fetchall()) if has_metadata else {}
        metadata = {str(k).strip().lower(): str(v) for k, v in metadata.items() if k is not None and v is not None}
        self.scheme = metadata.get("scheme", TMS).strip().lower() or TMS
        if self.scheme not in (TMS, XYZ):
            raise ArchiveError(_("unknown tile scheme %(scheme)s (MBTiles rows are tms, or xyz where the metadata says so)",
                                 scheme=self.scheme))
        low, high, count = self._one("SELECT min(zoom_level), max(zoom_level), count(*) FROM tiles")
        if not count:
            raise ArchiveError(_("it holds no tiles"))
        self.info = ArchiveInfo(
            format=MBTILES, scheme=self.scheme, tile_format=_declared_format(metadata.get("format", "")) or self._sniffed(),
            min_zoom=int(low), max_zoom=int(high), bounds=self._bounds(metadata.get("bounds", ""), int(low)),
            attribution=metadata.get("attribution", "").strip(), tile_count=int(count),
        )

    def _row(self, z: int, row: int) -> int:
        return (2 ** z - 1 - row) if self.scheme == TMS else row

    def _sniffed(self) -> str:
        return image_format(self._blob("SELECT tile_data FROM tiles LIMIT 1") or b"") or ""

    def _bounds(self, text: str, low: int) -> tuple[float, float, float, float]:
        try:
            west, south, east, north = (float(part) for part in text.split(","))
            if all(math.isfinite(v) for v in (west, south, east, north)) and west < east and south < north:
                return west, south, east, north
        except ValueError:
            pass
        # No usable bounds in the metadata: those of the tiles at the shallowest zoom.
        x0, x1, r0, r1 = self._one("SELECT min(tile_column), max(tile_column), min(tile_row), max(tile_row) FROM tiles "
                                   "WHERE zoom_level = ?", low)
        rows = sorted((self._row(low, r0), self._row(low, r1)))
        return _tile_bounds(mercantile.Tile(x0, rows[0], low), mercantile.Tile(x1, rows[1], low))

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        if not in_grid(z, x, y):
            return None
        return self._blob("SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                          z, x, self._row(z, y))


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


class GeoPackageArchive(_SQLiteArchive):
    """A tile layer of a GeoPackage in the Web Mercator grid (GoogleMapsCompatible), whose rows count from the north."""

    kind = GEOPACKAGE

    def __init__(self, connection: sqlite3.Connection, layer: str | None):
        super().__init__(connection)
        layers = [row[0] for row in connection.execute(
            "SELECT table_name FROM gpkg_contents WHERE lower(data_type) = 'tiles' ORDER BY table_name")]
        if not layers:
            raise ArchiveError(_("a GeoPackage without a tile layer"))
        if layer is None and len(layers) > 1:
            raise ArchiveError(_("a GeoPackage with several tile layers (%(layers)s): choose one with --layer",
                                 layers=", ".join(layers)))
        if layer is not None and layer not in layers:
            raise ArchiveError(_("no tile layer %(layer)s (the GeoPackage has %(layers)s)", layer=layer,
                                 layers=", ".join(layers)))
        self.layer = layer or layers[0]
        self.table = _quoted(self.layer)
        self.levels = self._grid_levels()  # XYZ zoom -> the layer's own zoom_level
        counts = dict(connection.execute(f"SELECT zoom_level, count(*) FROM {self.table} GROUP BY zoom_level").fetchall())
        zooms = sorted(z for z, level in self.levels.items() if counts.get(level))
        if not zooms:
            raise ArchiveError(_("it holds no tiles"))
        self.info = ArchiveInfo(
            format=GEOPACKAGE, scheme=XYZ, tile_format=self._sniffed(), min_zoom=zooms[0], max_zoom=zooms[-1],
            bounds=self._bounds(zooms[0]), attribution="", tile_count=sum(counts.get(self.levels[z], 0) for z in zooms),
            layer=self.layer,
        )

    def _not_in_grid(self) -> ArchiveError:
        return ArchiveError(_("tile layer %(layer)s is not in the Web Mercator tile grid (EPSG:3857, GoogleMapsCompatible, "
                              "256-pixel tiles); make it with gdal_translate -of GPKG -co TILING_SCHEME=GoogleMapsCompatible",
                              layer=self.layer))

    def _grid_levels(self) -> dict[int, int]:
        matrix_set = self._one("SELECT s.organization, s.organization_coordsys_id, t.min_x, t.min_y, t.max_x, t.max_y "
                               "FROM gpkg_tile_matrix_set t JOIN gpkg_spatial_ref_sys s ON s.srs_id = t.srs_id "
                               "WHERE t.table_name = ?", self.layer)
        if matrix_set is None or str(matrix_set[0]).upper() != "EPSG" or matrix_set[1] != 3857:
            raise self._not_in_grid()
        world = (-WORLD_HALF_M, -WORLD_HALF_M, WORLD_HALF_M, WORLD_HALF_M)
        if not all(isinstance(v, (int, float)) and abs(v - w) <= GRID_SLACK_M for v, w in zip(matrix_set[2:], world)):
            raise self._not_in_grid()
        levels = {}
        for level, width, height, tile_width, tile_height in self.connection.execute(
                "SELECT zoom_level, matrix_width, matrix_height, tile_width, tile_height FROM gpkg_tile_matrix "
                "WHERE table_name = ?", (self.layer,)):
            z = int(width).bit_length() - 1
            if width != height or width != 2 ** z or (tile_width, tile_height) != (TILE_PX, TILE_PX) or z > MAX_ZOOM:
                raise self._not_in_grid()
            levels[z] = level
        return levels

    def _sniffed(self) -> str:
        return image_format(self._blob(f"SELECT tile_data FROM {self.table} LIMIT 1") or b"") or ""

    def _bounds(self, low: int) -> tuple[float, float, float, float]:
        # The tile matrix set spans the world: the layer's extent in gpkg_contents says where it has data, or else
        # its tiles at the shallowest zoom do.
        extent = self._one("SELECT c.min_x, c.min_y, c.max_x, c.max_y FROM gpkg_contents c "
                           "JOIN gpkg_tile_matrix_set t ON t.table_name = c.table_name AND t.srs_id = c.srs_id "
                           "WHERE c.table_name = ?", self.layer)
        if extent and all(isinstance(v, (int, float)) and math.isfinite(v) for v in extent):
            (west, south), (east, north) = mercantile.lnglat(*extent[:2]), mercantile.lnglat(*extent[2:])
            if west < east and south < north:
                return west, south, east, north
        x0, x1, y0, y1 = self._one(f"SELECT min(tile_column), max(tile_column), min(tile_row), max(tile_row) "
                                   f"FROM {self.table} WHERE zoom_level = ?", self.levels[low])
        return _tile_bounds(mercantile.Tile(x0, y0, low), mercantile.Tile(x1, y1, low))

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        if not in_grid(z, x, y) or z not in self.levels:
            return None
        return self._blob(f"SELECT tile_data FROM {self.table} WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                          self.levels[z], x, y)


class PMTilesArchive(Archive):
    """A PMTiles (version 3) file, read through its memory map; its tiles are addressed in XYZ."""

    def __init__(self, path: Path):
        self.mapping = None
        descriptor = os.open(path, os.O_RDONLY)
        try:
            self.mapping = mmap.mmap(descriptor, 0, access=mmap.ACCESS_READ)  # it keeps the file open itself
        except (OSError, ValueError) as exc:
            raise ArchiveError(_("a damaged or unsupported PMTiles file (%(error)s)", error=exc)) from None
        finally:
            os.close(descriptor)
        try:
            self.reader = PMTilesReader(lambda offset, length: self.mapping[offset:offset + length])
            header = self.reader.header()
            metadata = self.reader.metadata()
        except Exception as exc:  # the reader raises whatever its parsing meets in a damaged file
            self.close()
            raise ArchiveError(_("a damaged or unsupported PMTiles file (%(error)s)",
                                 error=type(exc).__name__ if not str(exc) else exc)) from None
        if not header["addressed_tiles_count"]:
            self.close()
            raise ArchiveError(_("it holds no tiles"))
        attribution = metadata.get("attribution", "") if isinstance(metadata, dict) else ""
        self.info = ArchiveInfo(
            format=PMTILES, scheme=XYZ, tile_format=PMTILES_TYPES.get(header["tile_type"], ""),
            min_zoom=header["min_zoom"], max_zoom=header["max_zoom"],
            bounds=tuple(header[k] / 1e7 for k in ("min_lon_e7", "min_lat_e7", "max_lon_e7", "max_lat_e7")),
            attribution=str(attribution).strip(), tile_count=header["addressed_tiles_count"],
        )

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        if not in_grid(z, x, y):
            return None
        data = self.reader.get(z, x, y)
        return bytes(data) if data is not None else None

    def close(self) -> None:
        if getattr(self, "mapping", None) is not None:
            self.mapping.close()
