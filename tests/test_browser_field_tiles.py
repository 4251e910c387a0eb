"""The field form's map without a network: the stored basemap's tiles it has shown are kept on the phone, up to
GEOAPP_FIELD_TILES_MB, and shown again offline."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image

from tests.basemap_archives import borlange_tiles, plain_tile, tiles_around, write_mbtiles
from tests.conftest import TEST_PASSWORD
from tests.test_browser_basemap import LOADED_TILES
from tests.test_browser_field import PHONE, PROBE_NETWORK

pytestmark = pytest.mark.browser

# The tiles the worker keeps, and the bytes they take, as its cache holds them.
KEPT = """async () => { const cache = await caches.open('geoapp-field-tiles-v1');
    const kept = await Promise.all((await cache.keys()).map(k => cache.match(k)));
    return [kept.length, kept.reduce((n, r) => n + Number(r.headers.get('X-Geoapp-Bytes')), 0)]; }"""
KEPT_ZOOMS = """async () => (await (await caches.open('geoapp-field-tiles-v1')).keys())
    .map(k => Number(new URL(k.url).pathname.split('/')[2]))"""
CONTROLLED = "async () => !!navigator.serviceWorker.controller && !!(await navigator.serviceWorker.ready).active"


def noisy_tile(tile) -> bytes:
    """Draw a tile that does not compress: about 200 kB, so that a few of them fill a MiB."""
    noise = random.Random(f"{tile.z}/{tile.x}/{tile.y}").randbytes(256 * 256 * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (256, 256), noise).save(out, format="PNG")
    return out.getvalue()


def served_with_basemap(serve, tmp_path, noisy: range = range(0), **settings) -> str:
    """Serve an instance with a basemap deep around western Borlänge (tiles of the `noisy` zooms large) and an
    uploader account; return its URL."""
    tiles = {**borlange_tiles(), **tiles_around(["2081R013", "2081R004"], range(13, 17), reach=1.5, render=plain_tile),
             **tiles_around(["2081R013", "2081R004"], noisy, reach=0.5, render=noisy_tile)}
    archive = write_mbtiles(tmp_path / "baskarta.mbtiles", tiles)
    imported = serve.run("basemap", "import", str(archive), TILES="local")
    assert imported.returncode == 0, imported.stderr
    assert serve.run("users", "add", "walker", "--role", "uploader", stdin=TEST_PASSWORD + "\n").returncode == 0
    return serve(TILES="local", **settings)


def open_form(browser, base: str):
    """Log in on a phone without a position (the map stays on the walk area) and open the field form."""
    context = browser.new_context(viewport=PHONE, locale="sv-SE")
    page = context.new_page()
    page.goto(base + "login?next=/observations/field")
    page.get_by_label("Kontonamn").fill("walker")
    page.get_by_label("Lösenord").fill(TEST_PASSWORD)
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("button", name="Logga in").click()
    page.wait_for_function(f"() => {LOADED_TILES} > 0")
    page.wait_for_function(CONTROLLED, polling=200)
    return context, page


def pan(page, dx: float, dy: float) -> None:
    """Drag the map by (dx, dy) pixels, as a finger would, and wait for the tiles it brings into view."""
    sources = "[...document.querySelectorAll('.leaflet-tile-pane img')].map(i => i.src)"
    before = page.evaluate(sources)
    page.locator("#field-map").scroll_into_view_if_needed()
    box = page.locator("#field-map").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y + dy / 2, steps=5)
    page.mouse.move(x + dx, y + dy, steps=5)
    page.mouse.up()
    page.wait_for_function(f"(before) => {sources}.some(s => !before.includes(s))", arg=before)
    page.wait_for_function("() => [...document.querySelectorAll('.leaflet-tile-pane img')].every(i => i.complete)")


def test_the_tiles_shown_are_kept_and_shown_again_offline(serve, browser, tmp_path):
    base = served_with_basemap(serve, tmp_path)
    context, page = open_form(browser, base)
    page.wait_for_function("() => [...document.querySelectorAll('.leaflet-tile-pane img')].every(i => i.complete)")
    shown = page.evaluate(LOADED_TILES)
    # The tiles shown before the worker took the page over are kept at its asking; those of a pan by the worker.
    page.wait_for_function(f"async () => (await ({KEPT})())[0] >= {shown}", polling=200)
    pan(page, -200, 120)
    page.wait_for_function(f"async () => (await ({KEPT})())[0] > {shown}", polling=200)
    kept, size = page.evaluate(KEPT)
    assert 0 < size <= 16 * 2**20

    context.set_offline(True)
    assert page.evaluate(PROBE_NETWORK) == "unreachable"  # the worker's own requests are offline too
    tiles = []
    page.on("response", lambda r: tiles.append((r.status, r.from_service_worker)) if "/tiles/" in r.url else None)
    reloaded = page.reload()
    assert reloaded.from_service_worker and reloaded.status == 200
    page.wait_for_function(f"() => {LOADED_TILES} >= {shown}")
    pan(page, -200, 120)  # where the pan went online
    assert page.evaluate(LOADED_TILES) > shown
    # Every tile shown came from the worker's copy: those of the first view, and those the pan brought in.
    assert len(tiles) > shown and all(t == (200, True) for t in tiles), tiles
    assert page.evaluate(KEPT)[0] == kept  # nothing new came in without a network
    context.close()


def test_no_tile_is_kept_when_the_setting_keeps_none(serve, browser, tmp_path):
    base = served_with_basemap(serve, tmp_path, FIELD_TILES_MB=0)
    context, page = open_form(browser, base)
    assert "tiles=" not in page.evaluate("navigator.serviceWorker.controller.scriptURL")
    pan(page, -200, 120)
    assert page.evaluate(LOADED_TILES) > 0 and page.evaluate(KEPT) == [0, 0]
    context.set_offline(True)
    page.reload()
    page.wait_for_timeout(1000)
    assert page.evaluate(LOADED_TILES) == 0  # the form opens, its map without streets
    context.close()


def test_the_tiles_kept_stay_within_the_setting_and_a_deeper_zoom_waits_past_it(serve, browser, tmp_path):
    base = served_with_basemap(serve, tmp_path, noisy=range(13, 15), FIELD_TILES_MB=1)
    context, page = open_form(browser, base)
    page.wait_for_function("() => [...document.querySelectorAll('.leaflet-tile-pane img')].every(i => i.complete)")
    shown = page.evaluate(LOADED_TILES)
    page.wait_for_function(f"async () => (await ({KEPT})())[0] >= 4", polling=200)
    page.wait_for_timeout(500)  # for any tile still on its way into the cache
    kept, size = page.evaluate(KEPT)
    assert 4 <= kept < shown and size <= 2**20, (kept, shown, size)  # five tiles of about 200 kB fill the MiB
    assert set(page.evaluate(KEPT_ZOOMS)) == {13}
    page.locator(".leaflet-control-zoom-in").click()
    page.wait_for_function("() => [...document.querySelectorAll('.leaflet-tile-pane img')]"
                           ".some(i => i.complete && i.naturalWidth === 256 && i.src.includes('/tiles/14/'))")
    page.wait_for_timeout(500)
    assert set(page.evaluate(KEPT_ZOOMS)) == {13} and page.evaluate(KEPT) == [kept, size]  # the deeper zoom waits
    context.close()
