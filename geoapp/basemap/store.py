"""Where the imported basemap lives: one owner-only archive in the instance folder, named by a small JSON file.

The folder `basemap/` holds `archive-<identity>.<format>` and `basemap.json`, which names it and says what it holds.
An import copies the archive aside, checks the copy, renames it into place and then replaces `basemap.json` by a
rename, so a reader finds the old archive or the new one, never a part of either.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import secrets
import threading
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from geoapp import owner_only
from geoapp.basemap.archive import FORMAT_NAMES, Archive, ArchiveError, ArchiveInfo, open_archive

FOLDER = "basemap"
DESCRIPTION = "basemap.json"
LOCK = ".lock"
ARCHIVE_PREFIX = "archive-"
INCOMING_PREFIX = ".incoming-"
IDENTITY_CHARS = 16
CHUNK = 1024 * 1024


class Exists(ValueError):
    """A basemap is stored already and the import was not told to replace it."""


class TooLarge(ValueError):
    """The archive grew past the size limit while it was being copied."""


@dataclass(frozen=True)
class StoredBasemap:
    """The stored archive as basemap.json describes it."""

    file: str  # the archive's name in the basemap folder
    identity: str  # the start of the archive's SHA-256: changes whenever the archive does
    format: str
    layer: str | None
    scheme: str
    tile_format: str
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float]  # WGS84 west, south, east, north
    attribution: str  # plain text: the archive's own or the one given at import
    tile_count: int
    size: int  # bytes
    source: str  # the imported file's name
    imported_at: str  # ISO 8601, UTC
    folder: Path | None = None  # where it was read from; not written

    @property
    def path(self) -> Path:
        return self.folder / self.file

    @property
    def format_name(self) -> str:
        return FORMAT_NAMES[self.format]

    def as_json(self) -> str:
        values = asdict(self)
        values.pop("folder")
        return json.dumps(values, ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str, folder: Path) -> "StoredBasemap":
        values = json.loads(text)
        known = {f.name for f in fields(cls)} - {"folder"}
        values["bounds"] = tuple(values["bounds"])
        return cls(**{k: v for k, v in values.items() if k in known}, folder=folder)


@dataclass(frozen=True)
class LocalBasemap:
    """The stored archive, opened for this thread of this process."""

    stored: StoredBasemap
    archive: Archive

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """Return the tile at z/x/y (XYZ), or None."""
        return self.archive.tile(z, x, y)


def basemap_folder(instance_path: str | Path) -> Path:
    """Return the folder of the stored basemap in an instance folder."""
    return Path(instance_path) / FOLDER


_described: dict[Path, tuple[tuple, StoredBasemap]] = {}
_described_lock = threading.Lock()


def stored_basemap(instance_path: str | Path) -> StoredBasemap | None:
    """Return the description of the stored basemap, or None; cheap enough for every request (one stat)."""
    folder = basemap_folder(instance_path)
    path = folder / DESCRIPTION
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    # basemap.json is only ever replaced whole, so its inode and time say whether it changed.
    key = (status.st_ino, status.st_mtime_ns, status.st_size)
    with _described_lock:
        hit = _described.get(folder)
    if hit is not None and hit[0] == key:
        return hit[1]
    try:
        described = StoredBasemap.from_json(path.read_text(encoding="utf-8"), folder)
    except FileNotFoundError:
        return None  # removed just now
    with _described_lock:
        _described[folder] = (key, described)
    return described


_opened = threading.local()


def current_basemap(instance_path: str | Path) -> LocalBasemap | None:
    """Return the stored archive opened read-only for this thread and process (reopened after a change), or None."""
    for _attempt in range(2):
        stored = stored_basemap(instance_path)
        if stored is None:
            return None
        opened = getattr(_opened, "archives", None)
        if opened is None or opened[0] != os.getpid():
            # A forked process opens its own: SQLite connections and file positions are not to be shared.
            opened = _opened.archives = (os.getpid(), {})
        held = opened[1].get(stored.folder)
        if held is not None and held.stored == stored:
            return held
        if held is not None:
            held.archive.close()
            del opened[1][stored.folder]
        try:
            archive = open_archive(stored.path, stored.layer)
        except ArchiveError:
            if stored_basemap(instance_path) == stored:
                raise
            continue  # replaced between reading basemap.json and opening the archive it named: read it again
        opened[1][stored.folder] = LocalBasemap(stored, archive)
        return opened[1][stored.folder]
    return None


@contextmanager
def _locked(folder: Path):
    """Hold the basemap folder's lock: one import or removal at a time, across processes."""
    owner_only.folder(folder)
    descriptor = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, owner_only.FILE_MODE)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _copy_aside(source: Path, folder: Path, max_bytes: int) -> tuple[Path, str, int]:
    """Copy `source` to an owner-only file in `folder`; return its path, SHA-256 and size."""
    aside = folder / f"{INCOMING_PREFIX}{secrets.token_hex(8)}.part"
    digest, size = hashlib.sha256(), 0
    descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, owner_only.FILE_MODE)
    try:
        with os.fdopen(descriptor, "wb") as out, open(source, "rb") as file:
            while chunk := file.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:  # it grew since its size was checked
                    raise TooLarge(source.name)
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        aside.unlink(missing_ok=True)
        raise
    return aside, digest.hexdigest(), size


def _write_description(folder: Path, described: StoredBasemap) -> None:
    aside = folder / f"{INCOMING_PREFIX}{secrets.token_hex(8)}.json"
    descriptor = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, owner_only.FILE_MODE)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(described.as_json())
            out.flush()
            os.fsync(out.fileno())
        os.replace(aside, folder / DESCRIPTION)
    except BaseException:
        aside.unlink(missing_ok=True)
        raise


def _remove_others(folder: Path, keep: str | None) -> None:
    """Remove every archive but `keep`, and what an interrupted import left (only under the lock)."""
    for path in folder.iterdir():
        if (path.name.startswith(ARCHIVE_PREFIX) and path.name != keep) or path.name.startswith(INCOMING_PREFIX):
            path.unlink(missing_ok=True)


Check = Callable[[Path], tuple[ArchiveInfo, str]]


def import_basemap(instance_path: str | Path, source: Path, check: Check, *, replace: bool, max_bytes: int,
                   source_name: str) -> StoredBasemap:
    """Store a copy of `source` as the basemap once `check` passes on the copy; return its description."""
    # `check` returns what the archive holds and its attribution, or raises: then nothing stored has changed.
    folder = basemap_folder(instance_path)
    with _locked(folder):
        previous = stored_basemap(instance_path)
        if previous is not None and not replace:
            raise Exists(previous.source)
        _remove_others(folder, previous.file if previous else None)
        aside, digest, size = _copy_aside(source, folder, max_bytes)
        try:
            info, attribution = check(aside)
            identity = digest[:IDENTITY_CHARS]
            name = f"{ARCHIVE_PREFIX}{identity}.{info.format}"
            described = StoredBasemap(
                file=name, identity=identity, format=info.format, layer=info.layer, scheme=info.scheme,
                tile_format=info.tile_format, min_zoom=info.min_zoom, max_zoom=info.max_zoom, bounds=tuple(info.bounds),
                attribution=attribution, tile_count=info.tile_count, size=size, source=source_name,
                imported_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), folder=folder,
            )
            os.replace(aside, folder / name)
        except BaseException:
            aside.unlink(missing_ok=True)
            raise
        _sync_folder(folder)
        _write_description(folder, described)
        _sync_folder(folder)
        # Readers that opened the old archive keep reading it until they see the new description.
        _remove_others(folder, name)
    return described


def remove_basemap(instance_path: str | Path) -> StoredBasemap | None:
    """Remove the stored basemap; return what it was, or None when there was none."""
    folder = basemap_folder(instance_path)
    if not folder.is_dir():
        return None
    with _locked(folder):
        previous = stored_basemap(instance_path)
        (folder / DESCRIPTION).unlink(missing_ok=True)
        _remove_others(folder, None)
        _sync_folder(folder)
    return previous

