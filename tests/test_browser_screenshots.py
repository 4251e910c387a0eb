"""The README's screenshots, taken from a served demo in headless Chromium: the map, the phone form and a PNG export.

They are written to the folder GEOAPP_README_SCREENSHOTS names (a relative one is taken from the repository's root),
or to the test's own temporary folder when it is not set, so every run checks them and one run with
`GEOAPP_README_SCREENSHOTS=docs/screenshots` makes the README's again.
"""

from __future__ import annotations

import io
import os
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pytest
from PIL import Image

from geoapp.maps import STYLE_CELL
from tests.conftest import TEST_PASSWORD
from tests.exporting import blended
from tests.test_browser_field import gps

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 360, "height": 740}
VIEW = "area=vastra-borlange&period=2025-T2"  # the demo's tertial with the most published squares there
CELLS = f'.leaflet-overlay-pane path[stroke="{STYLE_CELL["color"]}"]'
# Each file must stay light enough for the README to load quickly.
MAX_BYTES = 250_000
GAP = 16  # between the phone's two screens


@pytest.fixture
def folder(tmp_path) -> Path:
    """Return the folder the screenshots go to, made if missing."""
    named = os.environ.get("GEOAPP_README_SCREENSHOTS")
    path = (ROOT / named) if named else tmp_path / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def demo(serve):
    """A served instance with the demo data: (base URL, {account: password}) for a planner and the demo uploader."""
    added = serve.run("users", "add", "planerare", "--role", "viewer", stdin=TEST_PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    base = serve("--demo")
    passwords = dict(line.split()[1:3] for line in serve.output if line.startswith("demo:   "))
    return base, {"planerare": TEST_PASSWORD, "demo-uploader": passwords["demo-uploader"]}


def logged_in(browser, demo, name: str, path: str, **context):
    """Return a Swedish page logged in as `name` and sent on to `path`."""
    base, passwords = demo
    page = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm", **context).new_page()
    page.goto(base + "login?next=" + quote(path))
    page.get_by_label("Kontonamn").fill(name)
    page.get_by_label("Lösenord").fill(passwords[name])
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("button", name="Logga in").click()
    return page


def rgb_of(css: str) -> tuple[int, ...]:
    """Return the RGB of a computed CSS colour such as `rgb(30, 58, 138)`."""
    return tuple(int(part) for part in css[css.index("(") + 1:css.index(")")].split(",")[:3])


def small(image: Image.Image) -> Image.Image:
    """Return `image` with a palette of at most 256 colours that keeps its most common ones exactly."""
    pixels = np.asarray(image.convert("RGB"))
    colours, where, counts = np.unique(pixels.reshape(-1, 3), axis=0, return_inverse=True, return_counts=True)
    # The flat colours (squares, legend, buttons) stay exact; a median cut covers the anti-aliased edges and rare marks.
    spread = np.asarray(image.convert("RGB").quantize(128, dither=Image.Dither.NONE).getpalette()[:384]).reshape(-1, 3)
    palette = np.unique(np.concatenate([colours[np.argsort(-counts)[:128]], spread]), axis=0).astype(int)[:256]
    nearest = np.abs(colours[:, None, :].astype(int) - palette[None, :, :]).sum(axis=-1).argmin(axis=1)
    reduced = Image.fromarray(nearest[where.reshape(-1)].reshape(pixels.shape[:2]).astype(np.uint8), "P")
    reduced.putpalette(palette.astype(np.uint8).reshape(-1).tolist())
    return reduced


def keep(image: Image.Image, folder: Path, name: str) -> np.ndarray:
    """Write `image` to `folder` as a small optimised PNG; return the RGB pixels of the file as written."""
    path = folder / name
    small(image).save(path, optimize=True)
    assert path.stat().st_size < MAX_BYTES, (name, path.stat().st_size)
    return np.asarray(Image.open(path).convert("RGB"), float)


def near(pixels: np.ndarray, rgb, tolerance: float) -> int:
    """Return how many of `pixels` are within `tolerance` of `rgb` in every channel."""
    return int((np.abs(pixels - np.asarray(rgb, float)) <= tolerance).all(axis=-1).sum())


def test_the_readme_shows_the_map_the_phone_form_and_an_export(demo, browser, folder):
    base, _passwords = demo
    # The planners' map: Västra Borlänge in a tertial with squares, under the banner saying the data is invented.
    page = logged_in(browser, demo, "planerare", f"/?{VIEW}", viewport=LAPTOP)
    page.wait_for_function(f"document.querySelectorAll('{CELLS}').length > 5")
    page.wait_for_load_state("networkidle")
    page.mouse.move(0, LAPTOP["height"] - 1)  # no tooltip over the squares
    banner = page.locator(".demo-banner")
    assert "påhittade (syntetiska data)" in banner.inner_text()
    assert banner.bounding_box()["y"] + banner.bounding_box()["height"] < LAPTOP["height"]
    assert "Västra Borlänge, 2025-T2" in page.locator("main").inner_text()
    assert "planerare (läsare)" in page.locator("nav.account").inner_text()
    fills = Counter(page.eval_on_selector_all(CELLS, "paths => paths.map(p => p.getAttribute('fill'))"))
    assert len(fills) >= 2, fills
    box = page.locator(".leaflet-container").bounding_box()
    written = keep(Image.open(io.BytesIO(page.screenshot())), folder, "map.png")
    drawn = written[round(box["y"]):round(box["y"] + box["height"]), round(box["x"]):round(box["x"] + box["width"])]
    # In the file, each colour class shows as its colour over the map's own background, in proportion to its squares.
    background = np.array(Counter(map(tuple, drawn.reshape(-1, 3))).most_common(1)[0][0])
    for fill, squares in fills.items():
        rgb = np.array([int(fill[i:i + 2], 16) for i in (1, 3, 5)], float)
        expected = rgb * STYLE_CELL["fillOpacity"] + background * (1 - STYLE_CELL["fillOpacity"])
        assert near(drawn, expected, 4) > 400 * squares, fill

    # The export of the same view, as the Export menu downloads it: the same classes, in the slide's colours.
    response = page.request.get(base + f"export/map.png?{VIEW}")
    assert response.status == 200 and response.headers["content-type"] == "image/png"
    exported = Image.open(io.BytesIO(response.body()))
    assert exported.size == (1800, 1012)
    written = keep(exported, folder, "export.png")
    for fill, squares in fills.items():
        assert near(written, blended(fill, STYLE_CELL["fillOpacity"]), 3) > 1000 * squares, fill
    page.context.close()

    # The field form on a phone with a position: its top as it opens, then scrolled down to the place and the button.
    phone = logged_in(browser, demo, "demo-uploader", "/observations/field", viewport=PHONE,
                      geolocation=gps(0, 12), permissions=["geolocation"])
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.get_by_label("Vandring").fill("Kvällsvandring")
    phone.get_by_label("belysning", exact=True).check()
    phone.get_by_label("2 – märkbar").check()
    phone.wait_for_function("document.getElementById('place-text').textContent.includes('± 12 m')")
    assert "Demo:" in phone.locator(".demo-banner").inner_text()
    phone.evaluate("window.scrollTo(0, 0)")
    top = Image.open(io.BytesIO(phone.screenshot()))
    button = phone.get_by_role("button", name="Spara observation")
    phone.evaluate("""() => { const b = document.querySelector('#field-map').getBoundingClientRect();
        window.scrollTo(0, window.scrollY + b.top - 90); }""")
    spot = button.bounding_box()
    assert button.is_visible() and 0 <= spot["y"] and spot["y"] + spot["height"] <= PHONE["height"], spot
    colour = rgb_of(button.evaluate("b => getComputedStyle(b).backgroundColor"))
    bottom = Image.open(io.BytesIO(phone.screenshot()))
    both = Image.new("RGB", (2 * PHONE["width"] + GAP, PHONE["height"]), (229, 231, 235))
    both.paste(top, (0, 0))
    both.paste(bottom, (PHONE["width"] + GAP, 0))
    written = keep(both, folder, "field-form.png")
    # The button is really there in the file's second screen: its own colour fills most of its box.
    left = PHONE["width"] + GAP + round(spot["x"])
    inside = written[round(spot["y"]):round(spot["y"] + spot["height"]), left:left + round(spot["width"])]
    assert near(inside, colour, 2) > 0.6 * inside.shape[0] * inside.shape[1]
    phone.context.close()
