"""The stored basemap in the maps: the web map asks only for what the archive holds, and the printed exports draw it
under the cells with its attribution; without any basemap every map still names its neighbouring areas."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pytest
from PIL import Image

from geoapp.mapview.colors import configured_scale
from geoapp.export import export_view
from geoapp.export.figure import MAPS_BOX
from geoapp.maps import STYLE_CELL
from tests.basemap_archives import borlange_tiles, tiles_around, write_mbtiles
from tests.exporting import TILE_RGB, VIEW, mapped, pdf_pages, pixels_near  # noqa: F401
from tests.test_basemap_tiles import with_basemap

ARGS = dict(p.split("=") for p in VIEW.split("&"))
NEIGHBOURS = ("Kupolen", "Östermalm")  # RegSO areas next to Västra Borlänge
FOCUS_NAMES = ("Jakobsgårdarna",)  # inside Västra Borlänge: not a neighbour


def solid_tile(rgb) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), rgb).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def basemapped(mapped, tmp_path):
    """The walks of May 2025 over an archive whose every tile is TILE_RGB, deep around Västra Borlänge."""
    tile = solid_tile(TILE_RGB)
    tiles = {t: tile for t in {**borlange_tiles(), **tiles_around(["2081R013", "2081R004"], range(13, 16),
                                                                  render=lambda t: tile)}}
    with_basemap(mapped, write_mbtiles(tmp_path / "solid.mbtiles", tiles), "--attribution", "© Kommunens baskarta")
    mapped.extensions["geoapp"].settings.update(TILES=None)
    return mapped


def _export(app, fmt: str) -> bytes:
    with app.app_context():
        return export_view(app.extensions["geoapp"], fmt, ARGS).content


def test_the_web_map_asks_only_for_the_zooms_and_extent_the_archive_has_under_the_csp(basemapped):
    response = basemapped.test_client().get("/?" + VIEW)
    page = response.get_data(as_text=True)
    assert re.search(r'L\.tileLayer\(\s*"/tiles/\{z\}/\{x\}/\{y\}\.png\?v=[0-9a-f]{16}"', page)
    assert '"minNativeZoom": 12' in page and '"maxNativeZoom": 15' not in page and '"maxNativeZoom": 16' in page
    assert re.search(r'"bounds": \[\s*\[\s*60\.[0-9]+,\s*15\.', page)
    # Served by geoapp itself: the policy's 'self' covers the tiles, and nothing else is let in.
    images = re.search(r"img-src ([^;]+)", response.headers["Content-Security-Policy"]).group(1)
    assert images == "'self' data:"


def _cell_colours(app) -> list[np.ndarray]:
    with app.app_context():
        classes = configured_scale(app.extensions["geoapp"].settings, 5)
    return [np.array([int(c.color[i:i + 2], 16) for i in (1, 3, 5)], float) for c in classes]


def _panel(png: bytes) -> bytes:
    """Return the map panel of a PNG export alone, without the legend's swatches."""
    image = Image.open(io.BytesIO(png))
    left, bottom, width, height = MAPS_BOX
    w, h = image.size
    out = io.BytesIO()
    image.crop((int(left * w), int((1 - bottom - height) * h), int((left + width) * w), int((1 - bottom) * h))).save(out, "PNG")
    return out.getvalue()


def _near_any(png: bytes, colours) -> int:
    return sum(pixels_near(png, rgb, tolerance=4) for rgb in colours)


def test_the_png_draws_the_archive_under_the_cells(basemapped):
    opacity = STYLE_CELL["fillOpacity"]
    colours = _cell_colours(basemapped)
    over_white = [c * opacity + 255 * (1 - opacity) for c in colours]
    over_tiles = [c * opacity + np.array(TILE_RGB, float) * (1 - opacity) for c in colours]
    with_tiles = _panel(_export(basemapped, "png"))
    basemapped.extensions["geoapp"].settings.update(TILES="none")
    blank = _panel(_export(basemapped, "png"))
    # Without a basemap a cell is its colour over white; with it, over the archive's tiles.
    assert _near_any(blank, over_white) > 2000 and _near_any(blank, over_tiles) == 0
    assert _near_any(with_tiles, over_tiles) > 2000 and _near_any(with_tiles, over_white) == 0
    assert pixels_near(with_tiles, TILE_RGB) > 50_000 and pixels_near(blank, TILE_RGB) == 0


def test_the_pdf_draws_the_archive_with_its_attribution_even_with_tile_servers_off(basemapped):
    basemapped.extensions["geoapp"].settings.update(EXPORT_TILE_TIMEOUT=0)  # only tile servers are waited for
    page = pdf_pages(_export(basemapped, "pdf"))[0]
    assert "© Kommunens baskarta" in page
    png = _export(basemapped, "png")
    assert pixels_near(png, TILE_RGB) > 50_000


def test_without_a_basemap_the_maps_name_the_neighbouring_areas_and_fit_the_chosen_one(mapped):
    page = mapped.test_client().get("/?" + VIEW).get_data(as_text=True)
    assert "L.tileLayer" not in page
    labels = " ".join(label[2] for label in json.loads(re.search(r"L\.layerGroup\((\[\[.*?\]\])\.map", page).group(1)))
    assert all(name in labels for name in NEIGHBOURS) and not any(name in labels for name in FOCUS_NAMES)
    assert "zoomSnap" in page and re.search(r"fitBounds\(\s*\[\[60\.4", page)
    printed = pdf_pages(_export(mapped, "pdf"))[0]
    assert all(name in printed for name in NEIGHBOURS)


def _carried(page: str) -> dict:
    found = re.search(r"var geoappTiles = (\{.*?\});</script>", page)
    return json.loads(found.group(1)) if found else {}


def test_the_offline_html_carries_the_tiles_of_its_view_within_the_cap_and_says_when_capped(basemapped):
    page = _export(basemapped, "html").decode("utf-8")
    tiles = _carried(page)
    zooms = sorted({int(key.split("/")[0]) for key in tiles})
    assert zooms == list(range(zooms[0], zooms[-1] + 1)) and zooms[0] <= 13 <= zooms[-1]
    assert all(url.startswith("data:image/png;base64,") for url in tiles.values())
    assert f'"maxNativeZoom": {zooms[-1]}' in page and "/tiles/" not in page and "tiles-note" not in page
    assert sum(map(len, tiles.values())) <= 8 * 2**20
    basemapped.extensions["geoapp"].settings.update(EXPORT_HTML_TILES_MB=0)
    capped = _export(basemapped, "html").decode("utf-8")
    assert _carried(capped) == {} and "L.tileLayer" not in capped
    assert "Bakgrundskartan finns inte i filen" in re.search(r'<p class="note tiles-note"[^>]*>([^<]*)', capped).group(1)
