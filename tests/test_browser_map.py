"""The map page in a real headless Chromium, served by `geoapp serve`, with no internet."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def test_map_draws_every_area_using_only_the_app(serve, browser):
    base = serve()
    page = browser.new_page()
    errors, hosts = [], set()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))
    page.goto(base, wait_until="networkidle")
    # 16 RegSO context areas, Västra Borlänge and the highlighted Tjärna Ängar.
    page.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path').length >= 18")
    assert page.locator(".leaflet-overlay-pane path").count() >= 18
    assert "Based on SCB RegSO 2025 (CC0)" in page.locator(".leaflet-control-attribution").inner_text()
    assert page.locator(".leaflet-control-scale").count() == 1
    assert page.locator(".leaflet-control-layers").count() == 1
    page.locator(".leaflet-overlay-pane path").last.hover()
    assert "Tjärna Ängar" in page.locator(".leaflet-tooltip").inner_text()
    assert errors == []
    assert hosts == {urlsplit(base).netloc}
    page.close()
