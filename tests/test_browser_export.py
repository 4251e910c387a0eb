"""The offline HTML export opened from disk in headless Chromium with every network request refused."""

from __future__ import annotations

import pytest

from geoapp.maps import STYLE_CELL, STYLE_SAFE
from geoapp.mapview.colors import color_scale
from tests.exporting import VIEW, mapped  # noqa: F401

pytestmark = pytest.mark.browser


def test_offline_html_draws_the_published_cells_from_disk_without_network(mapped, browser, tmp_path):
    client = mapped.test_client()
    path = tmp_path / "briefing.html"
    path.write_bytes(client.get(f"/export/map.html?{VIEW}").data)
    cells = client.get(f"/api/v1/cells?{VIEW}").get_json()["features"]
    observed = sum(f["properties"]["layer"] == "observations" for f in cells)
    safe = sum(f["properties"]["layer"] == "safe_place" for f in cells)
    context = browser.new_context(offline=True)
    requests, errors = [], []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort())
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path').length > 0")
    colours = [c.color for c in color_scale((5, 10, 20, 40), 5)]
    paths = page.eval_on_selector_all(".leaflet-overlay-pane path",
                                      "paths => paths.map(p => [p.getAttribute('fill'), p.getAttribute('stroke')])")
    # As on the web map: squares filled by colour class, places that feel safe outlined in green.
    assert sum(fill in colours for fill, _ in paths) == observed + safe
    assert sum(fill in colours and stroke == STYLE_CELL["color"] for fill, stroke in paths) == observed == 3
    assert sum(fill in colours and stroke == STYLE_SAFE["color"] for fill, stroke in paths) == safe == 4
    # The other 15 of Borlänge's 17 RegSO areas, Tjärna Ängar's group and the focus, Västra Borlänge.
    assert len(paths) == observed + safe + 17
    assert "Trygghetsvandringar: Västra Borlänge, 2025-05" in page.locator("h1").inner_text()
    assert "Bygger på SCB RegSO 2025 (CC0)" in page.locator(".leaflet-control-attribution").inner_text()
    assert "Tal under 5 observationer visas inte" in page.locator(".privacy").inner_text()
    assert page.locator(".leaflet-control-scale").count() == 1
    page.locator(f".leaflet-overlay-pane path[stroke='{STYLE_SAFE['color']}']").first.hover()
    assert "5" in page.locator(".leaflet-tooltip").inner_text()
    assert errors == []
    assert requests and all(url.startswith(("file://", "data:")) for url in requests)
    context.close()


@pytest.mark.parametrize("language, drawing, started", [
    ("sv", "Ritar PNG-bilden i 300 dpi … hämtningen börjar när den är klar.", "Hämtningen har börjat: "),
    ("en", "Drawing the 300 dpi PNG … the download starts when it is ready.", "The download has started: "),
])
def test_the_export_menu_says_a_png_is_being_drawn_until_its_download_starts(serve, browser, language, drawing,
                                                                              started):
    assert serve.run("demo").returncode == 0
    base = serve(PUBLIC_MAP=1)
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    errors, held = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    # The drawing is held back until the page has been read, as a slow server would.
    page.route("**/export/map.png*", lambda route: held.append(route))
    page.goto(base + f"language/{language}?next=/%3Farea%3Dvastra-borlange%26period%3D2025", wait_until="networkidle")
    page.locator(".export-menu summary").click()
    status = page.get_by_role("status")
    assert status.inner_text() == ""
    page.locator("a[data-drawing]").nth(1).click()
    page.wait_for_function("document.getElementById('export-status').textContent.length > 0")
    assert status.inner_text() == drawing
    with page.expect_download() as download:
        held[0].continue_()
    # The file keeps the server's name, which tells the 300 dpi PNG from the 150 dpi one.
    assert download.value.suggested_filename == "geoapp_vastra-borlange_2025_300dpi.png"
    assert download.value.path().read_bytes().startswith(b"\x89PNG")
    page.wait_for_function(f"document.getElementById('export-status').textContent.startsWith({started!r})")
    assert status.inner_text() == started + "geoapp_vastra-borlange_2025_300dpi.png"
    assert errors == []
    context.close()


def test_without_javascript_the_export_links_download_as_plain_links(serve, browser):
    assert serve.run("demo").returncode == 0
    base = serve(PUBLIC_MAP=1)
    context = browser.new_context(accept_downloads=True, java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "?area=vastra-borlange&period=2025")
    page.locator(".export-menu summary").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF, A4: karta och sammanfattande tabell").click()
    assert download.value.suggested_filename == "geoapp_vastra-borlange_2025.pdf"
    assert page.get_by_role("status").inner_text() == ""
    context.close()


@pytest.mark.parametrize("language, dialogues, presence", [
    ("sv", "Medborgardialog och rådgivning", "Polisnärvaro"),
    ("en", "Dialogues and advice", "Police presence"),
])
def test_offline_html_carries_the_activity_layers_with_their_legend_and_fits_the_screen(
        serve, browser, tmp_path, language, dialogues, presence):
    assert serve.run("demo").returncode == 0
    base = serve(PUBLIC_MAP=1)
    context = browser.new_context()
    exported = context.request.get(base + f"export/map.html?area=vastra-borlange&period=2025&lang={language}")
    assert exported.ok
    path = tmp_path / "offline.html"
    path.write_bytes(exported.body())
    for width in (360, 1366):
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_function("document.querySelectorAll('path[stroke=\"#4c1d95\"]').length > 0")
        # As on the web map: the 11 synthetic places, a purple circle for dialogues and an orange ring for police.
        assert page.locator('path[stroke="#4c1d95"]').count() == 11
        assert page.locator('path[stroke="#c2410c"]').count() == 11
        assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("innerWidth")
        legend = page.locator(".map-legend").first
        assert legend.locator(".swatch.layer-dialogue").count() == 1 and legend.locator(".swatch.layer-police").count() == 1
        assert dialogues in legend.inner_text() and presence in legend.inner_text()
        overlays = page.eval_on_selector_all(".leaflet-control-layers-overlays label", "ls => ls.map(l => l.textContent.trim())")
        legend_layers = legend.locator("[data-layer]").evaluate_all("es => es.map(e => e.dataset.layer)")
        assert set(overlays) <= set(legend_layers)
        page.close()
    context.close()
