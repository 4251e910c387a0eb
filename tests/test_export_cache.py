"""Drawn exports are kept: drawn once per key across threads and processes, forgotten when their data change."""

from __future__ import annotations

import multiprocessing
import os
import stat
import threading
import time

from geoapp.export.cache import ExportCache

SHOWS = [("2081R013", 2025)]


def test_an_export_is_drawn_once_and_then_served_from_memory_or_disk(tmp_path):
    drawn = []
    cache = ExportCache(tmp_path / "exports", 10_000)
    draw = lambda: drawn.append(1) or b"png-bytes"
    assert cache.get_or_draw("map.png|tjarna|2025", SHOWS, draw) == b"png-bytes"
    assert cache.get_or_draw("map.png|tjarna|2025", SHOWS, draw) == b"png-bytes"
    # Another process's cache (a new object over the same folder) finds it on disk.
    assert ExportCache(tmp_path / "exports", 10_000).get_or_draw("map.png|tjarna|2025", SHOWS, draw) == b"png-bytes"
    assert len(drawn) == 1


def test_threads_asking_at_once_wait_for_one_drawing(tmp_path):
    cache, drawn = ExportCache(tmp_path / "exports", 10_000), []

    def slow():
        drawn.append(1)
        time.sleep(0.3)
        return b"pdf"

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get_or_draw("k", SHOWS, slow))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [b"pdf"] * 8 and len(drawn) == 1


def _draw_in_process(folder: str, log: str) -> None:
    def slow():
        with open(log, "a") as file:
            file.write("drawn\n")
        time.sleep(0.5)
        return b"shared"

    assert ExportCache(folder, 10_000).get_or_draw("same", SHOWS, slow) == b"shared"


def test_processes_asking_at_once_draw_it_once(tmp_path):
    log = tmp_path / "log.txt"
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_draw_in_process, args=(str(tmp_path / "exports"), str(log))) for _ in range(3)]
    for p in processes:
        p.start()
    for p in processes:
        p.join(10)
    assert [p.exitcode for p in processes] == [0, 0, 0]
    assert log.read_text().splitlines() == ["drawn"]


def test_an_upload_or_deletion_forgets_what_shows_its_areas_and_years(tmp_path):
    cache, drawn = ExportCache(tmp_path / "exports", 10_000), []
    draw = lambda: drawn.append(1) or b"x"
    cache.get_or_draw("tjarna 2025", [("2081R013", 2025)], draw)
    cache.get_or_draw("group 2025", [("2081R013", 2025), ("2081R004", 2025)], draw)
    cache.get_or_draw("jakobs 2026", [("2081R004", 2026)], draw)
    assert cache.forget([("2081R004", 2025)]) == 1
    other = ExportCache(tmp_path / "exports", 10_000)  # another process holds nothing in memory
    for key, shows in (("tjarna 2025", [("2081R013", 2025)]), ("group 2025", [("2081R013", 2025), ("2081R004", 2025)]),
                       ("jakobs 2026", [("2081R004", 2026)])):
        other.get_or_draw(key, shows, draw)
    assert len(drawn) == 4  # only the group export was drawn again


def test_the_folder_stays_within_its_size_and_keeps_the_recently_used(tmp_path):
    cache = ExportCache(tmp_path / "exports", 2500)
    for i in range(3):
        cache.get_or_draw(f"export {i}", SHOWS, lambda: b"x" * 1000)
        time.sleep(0.02)
    sizes = [p.stat().st_size for p in (tmp_path / "exports").glob("*.bin")]
    assert sum(sizes) <= 2500 and len(sizes) == 2


def test_cached_files_are_readable_by_their_owner_only(tmp_path):
    ExportCache(tmp_path / "exports", 10_000).get_or_draw("k", SHOWS, lambda: b"secret-ish")
    assert stat.S_IMODE(os.stat(tmp_path / "exports").st_mode) == 0o700
    for path in (tmp_path / "exports").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
