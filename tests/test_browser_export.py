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
