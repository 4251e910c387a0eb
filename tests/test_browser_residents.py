"""A resident's phone: the area page at 360 px without JavaScript, axe-clean, no sideways scroll, readable at 200 %."""

from __future__ import annotations

import pytest

from tests.axe import WCAG_AA, axe_script
from tests.test_browser_a11y import RUN_AXE

pytestmark = pytest.mark.browser


def test_the_area_page_on_a_phone(serve, browser):
    base = serve("--demo", RESIDENTS_PAGE="true")
    # 360 px, and 180 px: the same phone zoomed to 200 %.
    for width in (360, 180):
        context = browser.new_context(viewport={"width": width, "height": 740}, java_script_enabled=False)
        page = context.new_page()
        page.goto(base + "omraden")
        page.get_by_role("link", name="Västra Borlänge").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Trygghet i Västra Borlänge"
        for name in ("Det här hittade trygghetsvandringarna", "Det här gjorde kommunen och polisen", "Var med",
                     "Kontakt"):
            assert page.get_by_role("heading", level=2, name=name).is_visible(), name
        assert page.locator("svg.sketch").count() == 2 and page.locator("svg.sketch path").count() > 2
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"scrolls sideways at {width} px"
        page.get_by_role("link", name="English").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Safety in Västra Borlänge"
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"scrolls sideways at {width} px"
        context.close()
    # axe runs as a script of its own, which the app's CSP rightly refuses: only the test bypasses it.
    checked = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    page = checked.new_page()
    for language in ("sv", "en"):
        page.goto(f"{base}language/{language}?next=/omraden/vastra-borlange")
        page.add_script_tag(content=axe_script())
        assert page.evaluate(RUN_AXE, WCAG_AA) == [], language
    checked.close()
