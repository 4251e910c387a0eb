"""Accessibility (axe-core, WCAG 2.1 AA), keyboard use and the language switch in headless Chromium."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from tests.axe import WCAG_AA, axe_script

pytestmark = pytest.mark.browser

PAGES = {"login": "login", "map and table": "", "upload": "observations/upload", "field form": "observations/field"}
RUN_AXE = """async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
    return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => v.id + ': ' + v.help + ' at ' + v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(', ')); }"""


@pytest.fixture(scope="module")
def axe() -> str:
    """The axe-core script; without it these tests fail (they never skip)."""
    return axe_script()


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):
    """One demo instance for the module (walks loaded, map public): its base URL and the demo uploader's password."""
    env = {**os.environ, "GEOAPP_TILES": "none", "GEOAPP_INSTANCE_PATH": str(tmp_path_factory.mktemp("a11y"))}
    process = subprocess.Popen([sys.executable, "-m", "geoapp", "serve", "--port", "0", "--demo"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = ""
    for line in process.stdout:
        output += line
        if re.search(r"http://127\.0\.0\.1:\d+/", line):
            break
    try:
        base = re.search(r"http://127\.0\.0\.1:\d+/", output).group(0)
        yield base, dict(re.findall(r"demo:\s+(demo-[\w-]+)\s+(\S+)", output))["demo-uploader"]
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def log_in(page, base: str, password: str) -> None:
    page.goto(base + "login")
    page.get_by_label("Kontonamn").fill("demo-uploader")
    page.get_by_label("Lösenord").fill(password)
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("button", name="Logga in").click()
    assert urlsplit(page.url).path == "/", page.content()[:2000]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_no_serious_or_critical_violations(demo_site, browser, axe, language):
    base, password = demo_site
    # axe is injected as a script of its own, which the app's CSP rightly refuses; only the test bypasses it.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    found = {}
    page.goto(base + "login")
    assert page.evaluate("document.documentElement.lang") == "sv"
    found["login"] = check(page, axe)
    log_in(page, base, password)
    if language == "en":
        page.get_by_role("link", name="English").click()
        page.wait_for_load_state("networkidle")
    for name, path in PAGES.items():
        assert page.goto(base + path, wait_until="networkidle").status == 200, name
        assert page.evaluate("document.documentElement.lang") == language, name
        found[name] = check(page, axe)
    context.close()
    assert {name: v for name, v in found.items() if v} == {}


def check(page, axe: str) -> list[str]:
    """Return the serious and critical WCAG 2.1 A/AA violations axe finds on the page."""
    page.add_script_tag(content=axe)
    return page.evaluate(RUN_AXE, WCAG_AA)


FOCUS = """() => { const e = document.activeElement, s = getComputedStyle(e);
    let b = e.parentElement, bg = 'rgb(255, 255, 255)';
    for (; b; b = b.parentElement) { const c = getComputedStyle(b).backgroundColor;
        if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') { bg = c; break; } }
    return {name: e === document.body ? null : (e.id || e.textContent.trim()), style: s.outlineStyle,
            width: parseFloat(s.outlineWidth), color: s.outlineColor, around: bg}; }"""


def luminance(rgb: str) -> float:
    """Return the WCAG relative luminance of a CSS rgb() colour."""
    channels = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """Return the WCAG contrast ratio of two CSS rgb() colours."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_keyboard_reaches_every_login_control_with_a_visible_focus(demo_site, browser):
    base, _password = demo_site
    page = browser.new_page()
    page.goto(base + "login", wait_until="networkidle")
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if focus["name"] is None:
            break
        reached.append(focus)
    assert [f["name"] for f in reached] == ["geoapp", "Karta", "Uppföljning", "Åtgärder", "English", "Logga in", "name", "password",
                                           "Logga in"]
    for focus in reached:
        assert focus["style"] == "solid" and focus["width"] >= 2, focus
        assert contrast(focus["color"], focus["around"]) >= 3, focus  # WCAG 1.4.11 non-text contrast
    page.close()


def test_axe_finds_what_it_should(browser, axe):
    page = browser.new_page()
    page.set_content('<html><body><input id="x"><p style="color:#bbb;background:#fff">faint</p></body></html>')
    page.add_script_tag(content=axe)
    found = " ".join(page.evaluate(RUN_AXE, WCAG_AA))
    assert "label:" in found and "color-contrast:" in found and "html-has-lang:" in found
    page.close()


def test_language_switch_is_remembered(demo_site, browser):
    base, password = demo_site
    context = browser.new_context()
    page = context.new_page()
    log_in(page, base, password)
    assert page.locator("h2").first.inner_text() == "Teckenförklaring"
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state("networkidle")
    assert urlsplit(page.url).path == "/"
    assert page.locator("h2").first.inner_text() == "Legend"
    page.goto(base + "observations/field", wait_until="networkidle")
    assert page.locator("h1").inner_text() == "New observation"
    assert page.get_by_label("lighting", exact=True).count() == 1
    page.get_by_role("link", name="Svenska").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Ny observation"
    context.close()
