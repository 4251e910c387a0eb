"""Drawn exports are kept: drawn once per key across threads and processes, forgotten when their data change."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import random
import stat
import threading
import time
from pathlib import Path

import pytest

from geoapp.accounts.administration import list_uploads
from geoapp.export import FORMATS
from geoapp.ingest import import_observations
from geoapp.store.exports import ExportCache
from tests.conftest import client_as, csrf_token
from tests.exporting import VIEW
from tests.observations import store_observations
from tests.test_planmap import walk_data

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
        return b"drawn once"

    assert ExportCache(folder, 10_000).get_or_draw("same", SHOWS, slow) == b"drawn once"


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


# The app: each view's export drawn once per options and data, forgotten when an upload touches what it shows.

@pytest.fixture
def drawn(make_app, monkeypatch):
    """A public-map app drawing in the request (so drawings can be counted) with the May 2025 walks stored."""
    app = make_app(PUBLIC_MAP=True, EXPORT_PROCESSES=0)
    store_observations(app.extensions["geoapp"].store, walk_data(app, random.Random(5)))
    calls = []
    for fmt in ("png", "pdf", "html"):
        chosen = FORMATS[fmt]

        def counted(briefing, fmt=fmt, render=chosen.render):
            calls.append((fmt, briefing.dpi))
            return render(briefing)

        monkeypatch.setitem(FORMATS, fmt, dataclasses.replace(chosen, render=counted))
    return app, calls


def _upload(app, when: str) -> None:
    """Upload through the import path a walk of five rows in Tjärna Ängar on the day `when`."""
    rows = ["datum;latitud;longitud;kategori;vandring"]
    rows += [f"{when} 18:{10 + i:02d};60.4928{i};15.3990{i};belysning;Kvällsvandring {when}" for i in range(5)]
    report = import_observations(app.extensions["geoapp"], ("\n".join(rows) + "\n").encode(), f"walk-{when}.csv")
    assert report.status == "imported", report


def _entries(app) -> int:
    return len(list((Path(app.instance_path) / "exports").glob("*.bin")))


def test_a_view_is_drawn_once_per_options_and_then_read_back(drawn):
    app, calls = drawn
    client = app.test_client()
    first = client.get(f"/export/map.png?{VIEW}")
    again = client.get(f"/export/map.png?{VIEW}")
    assert first.status_code == again.status_code == 200 and first.data == again.data
    assert again.headers["Content-Disposition"] == first.headers["Content-Disposition"]
    assert calls == [("png", 150)]
    assert client.get(f"/export/map.png?{VIEW}&dpi=300").status_code == 200
    assert client.get(f"/export/map.pdf?{VIEW}").status_code == 200
    assert client.get(f"/export/map.pdf?{VIEW}&lang=en").status_code == 200
    assert client.get(f"/export/map.pdf?{VIEW}").status_code == 200
    assert calls == [("png", 150), ("png", 300), ("pdf", 150), ("pdf", 150)]
    assert _entries(app) == 4


def test_an_upload_redraws_what_it_touches_and_keeps_the_rest(drawn):
    app, calls = drawn
    client = app.test_client()
    for query in (VIEW, "area=vastra-borlange&period=2023"):
        assert client.get(f"/export/map.png?{query}").status_code == 200
    assert _entries(app) == 2 and len(calls) == 2
    _upload(app, "2025-05-20")
    assert _entries(app) == 1  # the 2025 view went at once; the 2023 one shows nothing the upload touched
    assert client.get(f"/export/map.png?area=vastra-borlange&period=2023").status_code == 200
    assert len(calls) == 2
    assert client.get(f"/export/map.png?{VIEW}").status_code == 200
    assert len(calls) == 3 and calls[-1] == ("png", 150)


def test_a_deleted_upload_takes_the_exports_showing_it_along(drawn):
    app, calls = drawn
    client = app.test_client()
    _upload(app, "2025-05-21")
    assert client.get(f"/export/map.html?{VIEW}").status_code == 200
    assert _entries(app) == 1
    site = app.extensions["geoapp"]
    upload_id = next(u["id"] for u in list_uploads(site.store) if u["filename"] == "walk-2025-05-21.csv")
    admin = client_as(app, "admin", "chief")
    page = admin.get("/admin/uploads")
    assert admin.post(f"/admin/uploads/{upload_id}/delete", data={"csrf_token": csrf_token(page)}).status_code == 302
    assert _entries(app) == 0
    assert client.get(f"/export/map.html?{VIEW}").status_code == 200
    assert [fmt for fmt, _ in calls] == ["html", "html"]


def test_without_room_every_request_is_drawn(make_app, monkeypatch):
    app = make_app(PUBLIC_MAP=True, EXPORT_PROCESSES=0, EXPORT_CACHE_MB=0)
    calls = []
    chosen = FORMATS["png"]
    monkeypatch.setitem(FORMATS, "png", dataclasses.replace(chosen, render=lambda b: calls.append(1) or chosen.render(b)))
    client = app.test_client()
    for _ in range(2):
        assert client.get(f"/export/map.png?{VIEW}").status_code == 200
    assert len(calls) == 2 and not (Path(app.instance_path) / "exports").exists()
