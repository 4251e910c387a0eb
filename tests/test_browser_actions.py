"""An action from a walk's map, followed to done, seen on the map, the list and the PDF, in headless Chromium."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser
# A point on screen where a walk's square is the topmost element once the map is still, on a grid over each square.
VISIBLE_SQUARE_POINT = """async () => {
    const squares = ".leaflet-overlay-pane path[stroke='#7c2d12']";
    const where = () => JSON.stringify([...document.querySelectorAll(squares)].map(p => p.getBoundingClientRect()));
    // The map may still be fitting itself to the squares: wait until they stay where they are.
    for (let last = '', i = 0; i < 50 && where() !== last; i++) {
        last = where();
        await new Promise(done => setTimeout(done, 150));
    }
    for (const path of document.querySelectorAll(squares)) {
        const r = path.getBoundingClientRect();
        for (let i = 1; i < 8; i++) for (let j = 1; j < 8; j++) {
            const x = r.left + r.width * i / 8, y = r.top + r.height * j / 8;
            if (document.elementFromPoint(x, y) === path) return [x, y];
        }
    }
    return null;
}"""


def test_an_action_added_on_a_walks_map_is_followed_to_done_and_shown_everywhere(serve, browser):
    assert serve.run("demo").returncode == 0
    assert serve.run("users", "add", "samordnare", "--role", "uploader", stdin=TEST_PASSWORD + "\n").returncode == 0
    base = serve()
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base + "login")
    page.get_by_label("Kontonamn").fill("samordnare")
    page.get_by_label("Lösenord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.goto(base + "actions/new")
    page.get_by_label("Från en vandring").select_option(index=1)
    page.get_by_role("button", name="Visa dess karta").click()
    squares = page.locator(".leaflet-overlay-pane path[stroke='#7c2d12']")
    squares.first.wait_for()
    boxes = page.locator("fieldset.squares input[type=checkbox]")
    assert boxes.count() > 0 and not boxes.first.is_checked()
    # A click on a square of the walk's map ticks its categories and sets the point there. Which walk is the demo's
    # latest follows today's date, so its squares may lie under an activity's circle or the layer list: click a
    # point where a square is what the user sees.
    x, y = page.evaluate(VISIBLE_SQUARE_POINT)
    page.mouse.click(x, y)
    assert page.locator("fieldset.squares input:checked").count() > 0
    assert page.get_by_label("Latitud").input_value().startswith("60.")
    page.get_by_label("Åtgärd (vad som ska göras)").fill("Byt trasig belysning vid gångvägen")
    page.get_by_label("Ansvarig").select_option("tunabyggen")
    page.get_by_label("Status").select_option("decided")
    page.get_by_role("button", name="Spara").click()
    row = page.locator("table.actions tr", has_text="Byt trasig belysning vid gångvägen")
    assert "beslutad" in row.inner_text()
    number = row.locator("td").first.inner_text()
    # Two clicks: the new status, then Ändra.
    row.get_by_label(f"Ny status för åtgärd {number}").select_option("done")
    row.get_by_role("button", name="Ändra").click()
    assert f"Åtgärd {number} är nu åtgärdad." in page.locator(".flash").inner_text()
    assert "åtgärdad" in page.locator("table.actions tr", has_text="Byt trasig belysning").inner_text()
    # The walk picked is the demo's latest, so its area follows today's date: the map of the action's own area.
    published = page.request.get(base + "api/v1/actions").json()["features"]
    area = next(f["properties"]["area"] for f in published if f["properties"]["title"].startswith("Byt trasig"))
    page.goto(base + f"?area={area}&period={date.today().year}")
    page.locator(".leaflet-marker-pane .action-done").first.wait_for()
    assert "Byt trasig belysning vid gångvägen" in page.locator("section.actions").inner_text()
    page.locator(".leaflet-marker-pane .action-done").first.hover()
    assert "Byt trasig belysning vid gångvägen" in page.locator(".leaflet-tooltip").last.inner_text()
    pdf = page.request.get(base + f"export/map.pdf?area={area}&period={date.today().year}")
    text = PdfReader(io.BytesIO(pdf.body())).pages[2].extract_text()
    assert "Åtgärdade under perioden: 1" in text and "Byt trasig belysning vid gångvägen" in text
    assert errors == []
    page.close()
