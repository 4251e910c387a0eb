"""What one running geoapp owns (its settings, database, vocabulary and derived caches), and the accessor to it."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
from sqlalchemy.exc import IntegrityError

from flask import current_app

from geoapp.basemap.source import TileSource, tile_source
from geoapp.basemap.store import stored_basemap
from geoapp.domain import areas as area_files
from geoapp.domain.model import Vocabulary, load_vocabulary
from geoapp.resources import data_dir
from geoapp.store import AREAS_VERSION, Store, all_versions
from geoapp.store.areas import count_areas, load_areas, save_areas
from geoapp.store.exports import ExportCache
from geoapp.store.uploads import has_demo_uploads

DEFAULT_AREAS_FILE = "borlange_regso_2025.gpkg"
# Views are cached per filters; this bounds memory however many filter combinations are asked for.
CACHE_ENTRIES = 512


def current_site() -> "Site":
    """Return the geoapp site of the current Flask app."""
    return current_app.extensions["geoapp"]


@dataclass
class Site:
    """Settings and resources shared by every request of one app."""

    settings: dict[str, Any]
    store: Store
    instance_path: Path | None = None  # the instance folder, where an imported basemap is stored
    _cache: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _building: dict = field(default_factory=dict)

    @property
    def data_dir(self) -> Path:
        return data_dir(self.settings["DATA_DIR"])

    @property
    def groups_file(self) -> Path:
        configured = self.settings["AREA_GROUPS"]
        return Path(configured) if configured else self.data_dir / "areas" / "groups.toml"

    @property
    def basemap(self) -> TileSource:
        # GEOAPP_TILES unset or 'local' means the archive stored by `geoapp basemap import`, when there is one.
        stored = stored_basemap(self.instance_path) if self.instance_path else None
        return tile_source(self.settings["TILES"], self.settings["TILES_ATTRIBUTION"], stored)

    @property
    def exports(self) -> ExportCache | None:
        """Return the cache of drawn exports in the instance folder, or None when there is none or it has no room."""
        room = int(self.settings["EXPORT_CACHE_MB"]) * 2**20
        if not room or self.instance_path is None:
            return None
        return self.cached("exports", None, lambda: ExportCache(Path(self.instance_path) / "exports", room))

    def forget_exports(self, shows) -> None:
        """Remove the drawn exports that show any of the (area code, year) pairs, after their observations changed."""
        if self.exports is not None and shows:
            self.exports.forget(shows)

    def vocabulary(self) -> Vocabulary:
        """Return the category vocabulary from the data folder."""
        return self.cached("vocabulary", None, lambda: load_vocabulary(self.data_dir / "vocabulary" / "categories.csv"))

    def responsible(self) -> Vocabulary:
        """Return the organisations an action can be given to (data/vocabulary/responsible.csv), by key."""
        path = self.data_dir / "vocabulary" / "responsible.csv"
        # A data folder of an older layout has no list: the shipped one serves until the municipality adds its own.
        path = path if path.is_file() else data_dir(None) / "vocabulary" / "responsible.csv"
        return self.cached("responsible", None, lambda: load_vocabulary(path))

    def versions(self, version: int) -> dict[str, int]:
        """Return every version counter (boundaries, observations per area and year), read once per data version."""
        def build() -> dict[str, int]:
            with self.store.connect() as conn:
                return all_versions(conn)

        return self.cached("versions", version, build)

    def shows_demo_data(self) -> bool:
        """Return whether the synthetic demo files are stored, read once per data version."""
        def build() -> bool:
            with self.store.connect() as conn:
                return has_demo_uploads(conn)

        return self.cached("demo_data", self.store.data_version(), build)

    def areas_version(self, version: int) -> int:
        """Return the version of the stored boundaries, read once per data version."""
        return self.versions(version).get(AREAS_VERSION, 0)

    def area_frame(self, version: int | None = None) -> gpd.GeoDataFrame:
        """Return stored areas and their groups, cached until the boundaries change (pass a data version already read)."""
        version = self.store.data_version() if version is None else version

        def build() -> gpd.GeoDataFrame:
            with self.store.connect() as conn:
                stored = load_areas(conn)
            return area_files.build_area_frame(stored, area_files.load_groups(self.groups_file))

        # Keyed by the boundaries' own version: an upload of observations does not rebuild them.
        return self.cached("areas", self.areas_version(version), build)

    def areas_by_id(self, version: int | None = None) -> dict[str, dict]:
        """Return each area (id, name, kind, members, approximation, geometry) by id, cached until the boundaries change."""
        version = self.store.data_version() if version is None else version
        # Looked up on every request: a dict spares filtering the frame each time.
        return self.cached("areas_by_id", self.areas_version(version),
                            lambda: {row["id"]: row for row in self.area_frame(version).to_dict("records")})

    def cached(self, key: Any, version: Any, build):
        """Return build(), kept under `key` until `version` changes; one thread builds it while the others wait."""
        hit = self._lookup(key, version)
        if hit is not None:
            return hit[0]
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        with building:  # one thread builds a missing value; the others wait for it rather than build it too
            hit = self._lookup(key, version)
            if hit is not None:
                return hit[0]
            value = build()
            with self._lock:
                self._cache.pop(key, None)
                self._cache[key] = (version, value)
                while len(self._cache) > CACHE_ENTRIES:
                    evicted = next(iter(self._cache))
                    self._cache.pop(evicted)
                    self._building.pop(evicted, None)
        return value

    def _lookup(self, key: Any, version: Any) -> tuple | None:
        """Return (value,) when `key` is cached at `version`, else None."""
        with self._lock:
            hit = self._cache.get(key)
            return (hit[1],) if hit is not None and hit[0] == version else None

    def load_default_areas(self) -> None:
        """Import the shipped boundaries when the database has none."""
        with self.store.connect() as conn:
            if count_areas(conn):
                return
        source = area_files.AreaSource(self.data_dir / "areas" / DEFAULT_AREAS_FILE)
        frame = area_files.read_area_file(source)
        try:
            with self.store.begin() as conn:
                save_areas(conn, frame, source=DEFAULT_AREAS_FILE)
        except IntegrityError:
            pass  # another process loaded them at the same moment
