"""Drawn exports kept so that each is drawn once per view, options and data, whichever server process asks.

An entry lives in memory (per process) and on disk in the instance folder (shared by every process),
named by a hash of its key. Beside it a small JSON file says which RegSO areas and calendar years the
export shows, so that an upload or a deletion touching them removes it at once. Two requests for the
same export at the same moment draw it once: threads wait on a lock of their process, processes on a
lock file. The folder is bounded in size; the least recently used entries go first.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

MEMORY_BYTES = 64 * 2**20


class ExportCache:
    """Exports by key, in memory and in a folder shared by processes."""

    def __init__(self, folder: Path, max_bytes: int, memory_bytes: int = MEMORY_BYTES):
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self.memory_bytes = memory_bytes
        self._memory: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._drawing: dict[str, threading.Lock] = {}
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)

    def get_or_draw(self, key: str, shows: Iterable[tuple[str, int]], draw: Callable[[], bytes]) -> bytes:
        """Return the export stored under `key`, drawing and storing it first when there is none.

        `key` must name everything the export depends on (view, options, data versions); `shows` lists the
        (area code, year) pairs it shows, so that `forget` can remove it when their observations change.
        """
        name = hashlib.sha256(key.encode("utf-8")).hexdigest()
        found = self._recall(name)
        if found is not None:
            return found
        with self._lock:
            local = self._drawing.setdefault(name, threading.Lock())
        with local, self._file_lock(name):
            found = self._recall(name)
            if found is None:
                found = draw()
                self._store(name, found, shows)
        return found

    def forget(self, shows: Iterable[tuple[str, int]]) -> int:
        """Remove every export that shows any of the (area code, year) pairs; return how many went."""
        touched = {(str(code), int(year)) for code, year in shows}
        removed = 0
        for meta in self.folder.glob("*.json"):
            try:
                pairs = {(code, year) for code, year in json.loads(meta.read_text(encoding="utf-8"))["shows"]}
            except (OSError, ValueError, KeyError):
                pairs = touched  # unreadable: drop it rather than serve something stale
            if pairs & touched:
                removed += self._remove(meta.stem)
        return removed

    def _recall(self, name: str) -> bytes | None:
        with self._lock:
            if name in self._memory:
                self._memory.move_to_end(name)
                return self._memory[name]
        path = self.folder / f"{name}.bin"
        try:
            data = path.read_bytes()
            os.utime(path)  # recently used: evicted last
        except FileNotFoundError:
            return None
        self._remember(name, data)
        return data

    def _remember(self, name: str, data: bytes) -> None:
        with self._lock:
            self._memory[name] = data
            self._memory.move_to_end(name)
            while sum(len(v) for v in self._memory.values()) > self.memory_bytes and len(self._memory) > 1:
                self._memory.popitem(last=False)

    def _store(self, name: str, data: bytes, shows: Iterable[tuple[str, int]]) -> None:
        meta = json.dumps({"shows": sorted({(str(c), int(y)) for c, y in shows})})
        # Metadata first, so that a `forget` can never miss an entry that is already readable.
        _write_owner_only(self.folder / f"{name}.json", meta.encode("utf-8"))
        _write_owner_only(self.folder / f"{name}.bin", data)
        self._remember(name, data)
        self._trim()

    def _remove(self, name: str) -> int:
        with self._lock:
            self._memory.pop(name, None)
        gone = 0
        for suffix in (".bin", ".json", ".lock"):
            try:
                (self.folder / f"{name}{suffix}").unlink()
                gone += suffix == ".bin"
            except FileNotFoundError:
                pass
        return gone

    def _trim(self) -> None:
        """Remove the least recently used entries while the folder is over its size."""
        entries = []
        for path in self.folder.glob("*.bin"):
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            entries.append((stat.st_mtime, stat.st_size, path.stem))
        total = sum(size for _, size, _ in entries)
        for _, size, name in sorted(entries):
            if total <= self.max_bytes:
                break
            self._remove(name)
            total -= size

    @contextmanager
    def _file_lock(self, name: str) -> Iterator[None]:
        path = self.folder / f"{name}.lock"
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
            os.close(descriptor)


def _write_owner_only(path: Path, data: bytes) -> None:
    """Write `data` beside `path` and rename it into place, readable by the owner only."""
    draft = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    os.replace(draft, path)
