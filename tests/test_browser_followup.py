"""The follow-up page in headless Chromium: the promise, its trends with their tables, the report link; both languages."""

from __future__ import annotations

import pytest

from tests.test_browser_a11y import RUN_AXE, axe, demo_site  # noqa: F401  (fixtures)
from tests.axe import WCAG_AA

pytestmark = pytest.mark.browser
URL = "followup?area=vastra-borlange&period=2025"
WORDS = {"sv": ("Uppföljning", "Medborgarlöfte 2022 för ett tryggare västra Borlänge", "Utveckling över tid",
                "Rapport till utskottet (PDF)"),
         "en": ("Follow-up", "Citizen promise 2022 for a safer western Borlänge", "Trends", "The committee's report (PDF)")}
CHARTS = """() => [...document.querySelectorAll('.trend')].map(t => {
    const img = t.querySelector('img'), table = t.querySelector('table');
    return {loaded: img.complete && img.naturalWidth > 0, rows: table.querySelectorAll('tbody tr').length,
            alt: img.alt}; })"""


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("width", [360, 1366])
def test_the_follow_up_shows_the_promise_and_each_trend_with_its_table(demo_site, browser, axe, language, width):  # noqa: F811
    base, _password = demo_site
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900}, accept_downloads=True)
    context.add_cookies([{"name": "lang", "value": language, "url": base}])
    page = context.new_page()
    assert page.goto(base + URL, wait_until="networkidle").status == 200
    heading, title, trends, report = WORDS[language]
    assert page.evaluate("document.documentElement.lang") == language
    assert page.get_by_role("heading", name=heading, exact=True).is_visible()
    assert page.get_by_role("heading", name=title).is_visible()
    assert page.get_by_role("heading", name=trends).is_visible()
    charts = page.evaluate(CHARTS)
    assert len(charts) >= 5 and all(c["loaded"] and c["rows"] >= 3 and c["alt"] for c in charts), charts
    # Nothing wider than the screen but the tables, which scroll in their own box.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.add_script_tag(content=axe)
    assert page.evaluate(RUN_AXE, WCAG_AA) == []
    if width == 1366:
        with page.expect_download() as download:
            page.get_by_role("link", name=report).click()
        assert download.value.suggested_filename == "geoapp_rapport_vastra-borlange_2025.pdf"
        with open(download.value.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
    context.close()
