"""The field form's map without a network: the stored basemap's tiles of the walk area, and those the map has shown, are
kept on the phone up to GEOAPP_FIELD_TILES_MB, and shown again offline."""

from __future__ import annotations

import re

import pytest

from tests.basemap_archives import borlange_tiles, noisy_tile, plain_tile, tiles_around, write_mbtiles
from tests.conftest import TEST_PASSWORD
from tests.test_browser_basemap import LOADED_TILES
from tests.test_browser_field import PHONE, PROBE_NETWORK
from tests.test_browser_map import RECORD_CSP_VIOLATIONS

pytestmark = pytest.mark.browser

# The tiles the worker keeps, and the bytes they take, as its cache holds them.
KEPT = """async () => { const cache = await caches.open('geoapp-field-tiles-v1');
    const kept = await Promise.all((await cache.keys()).map(k => cache.match(k)));
    return [kept.length, kept.reduce((n, r) => n + Number(r.headers.get('X-Geoapp-Bytes')), 0)]; }"""
KEPT_ZOOMS = """async () => (await (await caches.open('geoapp-field-tiles-v1')).keys())
    .map(k => Number(new URL(k.url).pathname.split('/')[2]))"""
SETTLED = """() => { const s = document.getElementById('offline-map');
    return !s.hidden && s.dataset.state !== 'working' && s.getAttribute('aria-busy') === 'false'; }"""
WALK_LIST = "fetch('/observations/field/tiles.json', {headers: {Accept: 'application/json'}}).then(r => r.json())"
SHOWN = "[...document.querySelectorAll('.leaflet-tile-pane img')].map(i => i.src)"
ALL_SHOWN = "() => [...document.querySelectorAll('.leaflet-tile-pane img')].every(i => i.complete)"
CONTROLLED = "async () => !!navigator.serviceWorker.controller && !!(await navigator.serviceWorker.ready).active"


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
    page.add_init_script(RECORD_CSP_VIOLATIONS)
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
    page.wait_for_function(ALL_SHOWN)
    page.wait_for_function(SETTLED, polling=200)  # the walk area's tiles are kept too: wait until they are
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


def test_the_walk_area_is_kept_when_the_form_opens_and_shown_offline_where_the_map_never_went(serve, browser, tmp_path):
    base = served_with_basemap(serve, tmp_path)
    context, page = open_form(browser, base)
    status = page.locator("#offline-map")
    page.wait_for_function(SETTLED, polling=200)
    listed = page.evaluate(WALK_LIST)
    assert 100 < listed["total"] == len(listed["tiles"]) and not listed["capped"]
    assert status.inner_text() == f"Kartan för offlinebruk: alla {listed['total']} kartplattor över vandringsområdet sparade."
    assert status.get_attribute("role") == "status"
    assert page.evaluate(KEPT)[0] >= listed["total"]
    assert {z for z, _x, _y in listed["tiles"]} == {13, 14, 15, 16} <= set(page.evaluate(KEPT_ZOOMS))
    assert {int(re.search(r"/tiles/(\d+)/", src).group(1)) for src in page.evaluate(SHOWN)} == {13}
    # Opened again with a network, the worker fetches none of the tiles it keeps.
    fetched = []
    context.on("request", lambda r: fetched.append(r.url) if r.service_worker and "/tiles/" in r.url else None)
    page.reload()
    page.wait_for_function(SETTLED, polling=200)
    assert status.inner_text().startswith("Kartan för offlinebruk: alla ") and fetched == []

    context.set_offline(True)
    assert page.evaluate(PROBE_NETWORK) == "unreachable"
    tiles = []
    page.on("response", lambda r: tiles.append((r.status, r.from_service_worker, r.url)) if "/tiles/" in r.url else None)
    # Three zooms in and a pan: streets the map never showed with a network, in the middle of the walk area.
    for _ in range(3):
        page.locator(".leaflet-control-zoom-in").click()
        page.wait_for_timeout(400)  # the zoom's animation
    page.wait_for_function(ALL_SHOWN)
    pan(page, -150, 100)
    shown = page.evaluate(LOADED_TILES)
    assert shown >= 4 and shown == page.evaluate("document.querySelectorAll('.leaflet-tile-pane img').length")
    # Online the map showed zoom 13 alone; each zoom on the way in came from the tiles kept for the walk area.
    assert {16} <= {int(re.search(r"/tiles/(\d+)/", url).group(1)) for _s, _w, url in tiles} <= {14, 15, 16}
    assert len(tiles) >= shown and all(t[:2] == (200, True) for t in tiles), tiles
    assert page.evaluate("window.__csp") == []

    # Opened again without a network, the form still says what the phone keeps of the walk area.
    page.reload()
    page.wait_for_function(SETTLED, polling=200)
    assert status.inner_text() == f"Kartan för offlinebruk: alla {listed['total']} kartplattor över vandringsområdet sparade."
    context.close()


def test_the_size_cap_stops_keeping_the_walk_area_and_the_form_says_so(serve, browser, tmp_path):
    base = served_with_basemap(serve, tmp_path, noisy=range(13, 15), FIELD_TILES_MB=1)
    context, page = open_form(browser, base)
    page.wait_for_function(SETTLED, polling=200)
    page.wait_for_timeout(500)  # for any tile the map showed still on its way into the cache
    listed = page.evaluate(WALK_LIST)
    said = re.fullmatch(r"Kartan för offlinebruk: (\d+) av (\d+) kartplattor sparade, så många som ryms i 1 MiB; "
                        r"närmare inzoomat saknas en del gator utan nätverk\.", page.locator("#offline-map").inner_text())
    assert said, page.locator("#offline-map").inner_text()
    kept, total = int(said.group(1)), int(said.group(2))
    assert listed["capped"] and total == listed["total"] and 0 < kept < len(listed["tiles"]) < total
    count, size = page.evaluate(KEPT)
    assert count < total and size <= 2**20
    assert set(page.evaluate(KEPT_ZOOMS)) == {13}  # the shallowest zoom filled the cap; none deeper came in its place
    context.close()
