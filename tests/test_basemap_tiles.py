"""GET /tiles/{z}/{x}/{y}.png serves the stored archive's tiles as packed; the maps get their tile source from it."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import pytest

from geoapp.basemap.source import OSM_URL, tile_source
from geoapp.basemap.store import StoredBasemap, current_basemap, stored_basemap
from geoapp.cli import main as cli_main
from tests.basemap_archives import (CENTRE, as_jpeg, borlange_tiles,  # noqa: F401
                                    write_geopackage, write_mbtiles, write_pmtiles)

TILE_URL = f"/tiles/{CENTRE.z}/{CENTRE.x}/{CENTRE.y}.png"
WRITERS = {"mbtiles": write_mbtiles, "pmtiles": write_pmtiles, "gpkg": write_geopackage}


def with_basemap(app, path: Path, *args: str):
    """Import the archive at `path` into `app` with `geoapp basemap import`."""
    result = app.test_cli_runner().invoke(cli_main, ["basemap", "import", str(path), "--attribution", "© test", *args])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture(params=list(WRITERS))
def public(request, make_app, tmp_path):
    """A public-map app serving the Borlänge test tiles from each kind of archive."""
    path = WRITERS[request.param](tmp_path / f"basemap.{request.param}", borlange_tiles())
    return with_basemap(make_app(PUBLIC_MAP=True, TILES=None), path)


def test_every_tile_is_served_byte_identical_with_caching_headers(public):
    client = public.test_client()
    identity = stored_basemap(public.instance_path).identity
    for tile, data in borlange_tiles().items():
        response = client.get(f"/tiles/{tile.z}/{tile.x}/{tile.y}.png")
        assert response.status_code == 200, tile
        assert response.data == data
        assert response.mimetype == "image/png"
        assert response.headers["Cache-Control"] == "public, max-age=86400"
        assert response.headers["ETag"] == f'"{identity}-{tile.z}-{tile.x}-{tile.y}"'


def test_a_tile_the_browser_has_is_answered_304(public):
    client = public.test_client()
    first = client.get(TILE_URL)
    again = client.get(TILE_URL, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == "public, max-age=86400"
    other = client.get(TILE_URL, headers={"If-None-Match": '"0000000000000000-12-2223-1178"'})
    assert other.status_code == 200 and other.data == borlange_tiles()[CENTRE]


def test_missing_and_impossible_tiles(public):
    client = public.test_client()
    assert client.get("/tiles/12/2300/1178.png").status_code == 404  # east of the municipality
    assert client.get("/tiles/14/8894/4714.png").status_code == 404  # a zoom the archive lacks
    for impossible in ("/tiles/12/4096/0.png", "/tiles/12/0/4096.png", "/tiles/31/0/0.png", "/tiles/-1/0/0.png",
                       "/tiles/12/-5/3.png"):
        assert client.get(impossible).status_code == 400, impossible


def test_jpeg_tiles_are_served_as_jpeg(make_app, tmp_path):
    tiles = as_jpeg(borlange_tiles())
    app = with_basemap(make_app(PUBLIC_MAP=True), write_mbtiles(tmp_path / "ortofoto.mbtiles", tiles, tile_format="jpg"))
    response = app.test_client().get(TILE_URL)  # the name ends .png for Leaflet; the type is the tile's own
    assert response.mimetype == "image/jpeg" and response.data == tiles[CENTRE]


def test_without_a_basemap_every_tile_is_404(make_app):
    assert make_app(PUBLIC_MAP=True).test_client().get(TILE_URL).status_code == 404


def test_tiles_of_a_private_map_need_a_login_and_are_kept_by_the_browser_alone(make_app, as_role, tmp_path):
    app = with_basemap(make_app(), write_mbtiles(tmp_path / "b.mbtiles", borlange_tiles()))
    anonymous = app.test_client().get(TILE_URL)
    assert anonymous.status_code == 302 and anonymous.headers["Location"] == f"/login?next={TILE_URL}"
    assert app.test_client().get(TILE_URL, headers={"Accept": "application/json"}).status_code == 401
    viewer = as_role("viewer", on=app)
    response = viewer.get(TILE_URL)
    assert response.status_code == 200 and response.data == borlange_tiles()[CENTRE]
    # The same picture for every account, so not no-store; but no shared cache may hand it to outsiders.
    assert response.headers["Cache-Control"] == "private, max-age=86400"
    assert viewer.get(TILE_URL, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    missing = viewer.get("/tiles/12/2300/1178.png")
    assert missing.status_code == 404 and missing.headers["Cache-Control"] == "no-store"
    assert viewer.get("/api/v1/areas").headers["Cache-Control"] == "no-store"  # everything else as before


def test_the_maps_get_the_local_tiles_once_an_archive_is_imported(make_app, tmp_path):
    app = make_app(PUBLIC_MAP=True, TILES=None)
    site = app.extensions["geoapp"]
    assert site.basemap.url == OSM_URL  # GEOAPP_TILES unset and nothing imported: as before
    with_basemap(app, write_mbtiles(tmp_path / "b.mbtiles", borlange_tiles()), "--attribution", "© <Borlänge> & co")
    identity = stored_basemap(app.instance_path).identity
    assert site.basemap.url == f"/tiles/{{z}}/{{x}}/{{y}}.png?v={identity}"
    assert site.basemap.attribution == "© &lt;Borlänge&gt; &amp; co"
    url = site.basemap.url.format(z=CENTRE.z, x=CENTRE.x, y=CENTRE.y)
    assert app.test_client().get(url).data == borlange_tiles()[CENTRE]


def test_a_replaced_archive_gets_new_tile_urls(make_app, tmp_path):
    path = write_mbtiles(tmp_path / "a.mbtiles", borlange_tiles())
    app = with_basemap(make_app(TILES=None), path)
    first = app.extensions["geoapp"].basemap.url
    with_basemap(app, path, "--replace")
    assert app.extensions["geoapp"].basemap.url == first  # the same file: browsers may keep its tiles
    with_basemap(app, write_pmtiles(tmp_path / "c.pmtiles", as_jpeg(borlange_tiles())), "--replace")
    assert app.extensions["geoapp"].basemap.url != first


STORED = StoredBasemap(file="archive-0123456789abcdef.mbtiles", identity="0123456789abcdef", format="mbtiles",
                       layer=None, scheme="tms", tile_format="png", min_zoom=12, max_zoom=16,
                       bounds=(15.0, 60.2, 15.8, 60.7), attribution="© Borlänge <kommun>", tile_count=61, size=1,
                       source="b.mbtiles", imported_at="2025-05-14T08:00:00+00:00")
LOCAL_URL = "/tiles/{z}/{x}/{y}.png?v=0123456789abcdef"
TEMPLATE = "https://tiles.example.se/{z}/{x}/{y}.png"


@pytest.mark.parametrize("setting, url, attribution", [
    (None, LOCAL_URL, "© Borlänge &lt;kommun&gt;"), ("local", LOCAL_URL, "© Borlänge &lt;kommun&gt;"),
    (" Local ", LOCAL_URL, "© Borlänge &lt;kommun&gt;"), ("openstreetmap", OSM_URL, None), ("osm", OSM_URL, None),
    ("none", None, ""), ("", None, ""), (TEMPLATE, TEMPLATE, "Kommunens &lt;karta&gt;"),
])
def test_tile_source_with_an_archive(setting, url, attribution):
    source = tile_source(setting, "Kommunens <karta>", STORED)
    assert source.url == url and source.local == (url == LOCAL_URL)
    if attribution is not None:
        assert source.attribution == attribution


@pytest.mark.parametrize("setting, url", [(None, OSM_URL), ("local", None), ("none", None), ("openstreetmap", OSM_URL)])
def test_tile_source_without_an_archive(setting, url):
    assert tile_source(setting, "", None).url == url


def test_each_thread_reads_the_archive_through_its_own_connection(public):
    results, errors = [], []

    def read():
        try:
            for tile, data in borlange_tiles().items():
                results.append(current_basemap(public.instance_path).tile(tile.z, tile.x, tile.y) == data)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(results) == 4 * len(borlange_tiles()) and all(results)
    assert current_basemap(public.instance_path) is current_basemap(public.instance_path)


def _read_in_child(instance_path, queue):
    queue.put(current_basemap(instance_path).tile(CENTRE.z, CENTRE.x, CENTRE.y))


def test_a_forked_process_opens_the_archive_again(public):
    opened = current_basemap(public.instance_path)
    assert opened.tile(CENTRE.z, CENTRE.x, CENTRE.y) == borlange_tiles()[CENTRE]
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_read_in_child, args=(public.instance_path, queue))
    child.start()
    assert queue.get(timeout=30) == borlange_tiles()[CENTRE]
    child.join(timeout=30)
    assert child.exitcode == 0
    assert current_basemap(public.instance_path) is opened  # the parent's stays as it was
