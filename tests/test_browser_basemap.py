"""The stored basemap in headless Chromium with every request outside the served app refused: the web map and the
offline HTML export show its tiles."""

from __future__ import annotations

import re

import pytest

from tests.basemap_archives import borlange_tiles, plain_tile, tiles_around, write_mbtiles
from tests.conftest import TEST_PASSWORD
from tests.test_browser_map import RECORD_CSP_VIOLATIONS

pytestmark = pytest.mark.browser

VIEW = "?area=vastra-borlange&period=2025"
# Tile images Leaflet has drawn from the archive (its blank stand-in for a missing tile is one pixel wide).
LOADED_TILES = "[...document.querySelectorAll('.leaflet-tile-pane img')].filter(i => i.complete && i.naturalWidth === 256).length"


@pytest.fixture
def served(serve, tmp_path):
    """A served instance with a basemap over Borlänge, deep around Västra Borlänge, and a viewer account."""
    tiles = {**borlange_tiles(), **tiles_around(["2081R013", "2081R004"], range(13, 17), reach=1.5, render=plain_tile)}
    archive = write_mbtiles(tmp_path / "baskarta.mbtiles", tiles)
    imported = serve.run("basemap", "import", str(archive), TILES="local")
    assert imported.returncode == 0, imported.stderr
    assert serve.run("users", "add", "planner", "--role", "viewer", stdin=TEST_PASSWORD + "\n").returncode == 0
    return serve(TILES="local")


def test_the_web_map_shows_the_served_tiles_with_nothing_else_reachable(served, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    outside = []
    context.route(re.compile(r"^(?!" + re.escape(served) + ")"), lambda r: (outside.append(r.request.url), r.abort()))
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.goto(served + "login?next=/" + VIEW.replace("?", "%3F").replace("&", "%26").replace("=", "%3D"))
    page.get_by_label("Kontonamn").fill("planner")
    page.get_by_label("Lösenord").fill(TEST_PASSWORD)
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("button", name="Logga in").click()
    page.wait_for_function(f"{LOADED_TILES} > 0")
    assert page.evaluate(LOADED_TILES) >= 6
    sources = page.eval_on_selector_all(".leaflet-tile-pane img", "imgs => imgs.map(i => i.src)")
    assert all(re.match(re.escape(served) + r"tiles/1[2-6]/\d+/\d+\.png\?v=[0-9a-f]{16}$", s) or s.startswith("data:")
               for s in sources)
    assert "© Borlänge kommun, test tiles" in page.locator(".leaflet-control-attribution").inner_text()
    assert "Kupolen" in page.locator(".leaflet-marker-pane").inner_text()  # a neighbour named on the map
    assert outside == [] and errors == [] and page.evaluate("window.__csp") == []
    context.close()


def test_the_offline_html_carries_the_tiles_of_its_view(served, browser, tmp_path):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(served + "login")
    page.get_by_label("Kontonamn").fill("planner")
    page.get_by_label("Lösenord").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Logga in").click()
    path = tmp_path / "karta.html"
    path.write_bytes(page.request.get(served + "export/map.html" + VIEW).body())
    context.close()
    offline = browser.new_context(viewport={"width": 360, "height": 740}, offline=True)
    requested = []
    offline.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
    page = offline.new_page()
    page.on("request", lambda r: requested.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function(f"{LOADED_TILES} > 0")
    assert page.evaluate(LOADED_TILES) >= 4
    assert all(url.startswith(("file://", "data:")) for url in requested)
    assert page.locator(".tiles-note").count() == 0  # everything the view needs fitted under the cap
    offline.close()
