"""The map page in a real headless Chromium, served by `geoapp serve`, with no internet."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser

RECORD_CSP_VIOLATIONS = (
    "window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective));"
)


def test_map_draws_every_area_after_login_under_the_csp(serve, browser):
    added = serve.run("users", "add", "planner", "--role", "viewer", stdin=TEST_PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    base = serve()
    page = browser.new_page()
    errors, hosts = [], set()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.goto(base, wait_until="networkidle")
    assert urlsplit(page.url).path == "/login"
    page.get_by_label("Kontonamn").fill("planner")
    page.get_by_label("Lösenord").fill(TEST_PASSWORD)
    with page.expect_navigation(wait_until="networkidle") as landing:
        page.get_by_role("button", name="Logga in").click()
    csp = landing.value.headers["content-security-policy"]
    assert "script-src 'self' 'nonce-" in csp and "frame-ancestors 'self'" in csp
    # 16 RegSO context areas, Västra Borlänge and the highlighted Tjärna Ängar.
    page.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path').length >= 18")
    assert page.locator(".leaflet-overlay-pane path").count() >= 18
    assert "Bygger på SCB RegSO 2025 (CC0)" in page.locator(".leaflet-control-attribution").inner_text()
    assert page.locator(".leaflet-control-scale").count() == 1
    assert page.locator(".leaflet-control-layers").count() == 1
    page.locator(".leaflet-overlay-pane path").last.hover()
    assert "Tjärna Ängar" in page.locator(".leaflet-tooltip").inner_text()
    assert "planner (läsare)" in page.locator("nav.account").inner_text()
    assert errors == []
    assert page.evaluate("window.__csp") == []
    assert hosts == {urlsplit(base).netloc}
    # The policy is really enforced: a script injected without the nonce does not run.
    ran = page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.__injected = true'; document.head.appendChild(s); return window.__injected === true; }""")
    assert ran is False
    assert page.evaluate("window.__csp") == ["script-src-elem"]
    page.close()


def test_activity_layers_are_drawn_and_toggle_under_the_csp(serve, browser):
    loaded = serve.run("demo")
    assert loaded.returncode == 0, loaded.stderr
    assert serve.run("users", "add", "planner", "--role", "viewer", stdin=TEST_PASSWORD + "\n").returncode == 0
    base = serve()
    page = browser.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.goto(base + "login?next=/%3Farea%3Dvastra-borlange%26period%3D2025", wait_until="networkidle")
    page.get_by_label("Kontonamn").fill("planner")
    page.get_by_label("Lösenord").fill(TEST_PASSWORD)
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("button", name="Logga in").click()
    dialogues, presence = 'path[stroke="#4c1d95"]', 'path[stroke="#c2410c"]'
    page.wait_for_function(f"document.querySelectorAll('{dialogues}').length > 0")
    # The demo walks give Västra Borlänge published 250 m cells in 2025, drawn in the cells' outline colour,
    # as many as /api/v1/cells publishes for the same view.
    cells = page.locator('path[stroke="#7c2d12"]')
    published = page.request.get(base + "api/v1/cells?area=vastra-borlange&period=2025").json()["features"]
    assert cells.count() == len([f for f in published if f["properties"]["layer"] == "observations"]) > 5
    # The 11 synthetic places all had dialogues or advice, and police presence, in 2025.
    assert page.locator(dialogues).count() == 11
    assert page.locator(presence).count() == 11
    # Dialogues are filled purple, never the green of places that feel safe; police presence is an unfilled ring,
    # so a dialogue at the same place shows through it; the legend under the map names both.
    assert page.locator(dialogues).first.get_attribute("fill") == "#8b5cf6"
    assert page.locator(presence).first.get_attribute("fill-opacity") == "0"
    legend = page.locator("#map-legend-1").inner_text()
    assert "Medborgardialog och rådgivning" in legend and "Polisnärvaro" in legend and "en ring per plats" in legend
    radii = page.eval_on_selector_all(dialogues, "ps => ps.map(p => p.getBBox().width)")
    assert len(set(round(r) for r in radii)) > 1  # sized by the number of activities
    page.locator(presence).first.hover(force=True)
    tooltip = page.locator(".leaflet-tooltip").inner_text()
    assert "(exempel)" in tooltip and "Polisnärvaro:" in tooltip and "Deltagare totalt:" in tooltip
    control = page.locator(".leaflet-control-layers")
    assert "Medborgardialog och rådgivning" in control.inner_text()
    control.get_by_text("Polisnärvaro").click()
    assert page.locator(presence).count() == 0 and page.locator(dialogues).count() == 11
    assert errors == []
    assert page.evaluate("window.__csp") == []
    page.close()
