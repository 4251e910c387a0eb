"""What the exporters draw and refuse: basemaps that fail, activity symbols, hostile area names, raw numbers, sentinels."""

from __future__ import annotations

import csv
import io
import json
import logging
import random
import re
import time
from dataclasses import dataclass, replace

import geopandas as gpd
import pytest
from PIL import Image

from geoapp.domain.periods import Period
from geoapp.export import FORMATS, export_view
from geoapp.export.briefing import gather_briefing
from geoapp.export.tables import neutralised
from tests.exporting import (TILE_RGB, VIEW, mapped, pdf_pages, pixels_near,  # noqa: F401
                             tile_server)
from tests.observations import store_observations
from tests.test_planmap import BUSY, SENTINEL_TEXT, SENTINEL_WALK, TJARNA, _near_sentinel, _sentinels

ARGS = dict(p.split("=") for p in VIEW.split("&"))


def _pdf_first_page(app) -> str:
    with app.app_context():
        return pdf_pages(export_view(app.extensions["geoapp"], "pdf", ARGS).content)[0]


def test_no_basemap_when_tiles_are_off(mapped, tile_server):
    app = mapped
    app.extensions["geoapp"].settings.update(TILES="none")
    assert "OpenStreetMap" not in _pdf_first_page(app) and tile_server.requests == []


def test_unreachable_tile_server_gives_an_export_without_basemap(mapped):
    mapped.extensions["geoapp"].settings.update(TILES="http://127.0.0.1:9/{z}/{x}/{y}.png", TILES_ATTRIBUTION="Kommunens karta")
    started = time.monotonic()
    page = _pdf_first_page(mapped)
    assert time.monotonic() - started < 10
    assert "Trygghetsvandringar: Västra Borlänge, 2025-05" in page and "Kommunens karta" not in page


def test_a_slow_tile_server_is_given_up_on_at_the_timeout(mapped, tile_server):
    tile_server.delay = 3
    mapped.extensions["geoapp"].settings.update(TILES=tile_server.url, TILES_ATTRIBUTION="Kommunens karta",
                                                EXPORT_TILE_TIMEOUT=0.3)
    started = time.monotonic()
    with mapped.app_context():
        png = export_view(mapped.extensions["geoapp"], "png", ARGS).content
    assert time.monotonic() - started < 3 and tile_server.requests
    assert pixels_near(png, TILE_RGB) == 0


def test_reachable_tiles_are_drawn_with_their_attribution(mapped, tile_server):
    mapped.extensions["geoapp"].settings.update(TILES=tile_server.url, TILES_ATTRIBUTION="&copy; <a href='x'>Kommunens karta</a>")
    with mapped.app_context():
        png = export_view(mapped.extensions["geoapp"], "png", ARGS).content
    assert pixels_near(png, TILE_RGB) > 50_000 and tile_server.requests
    assert all(re.fullmatch(r"/1[0-9]/\d+/\d+\.png", path) for path in tile_server.requests)
    assert "© Kommunens karta" in _pdf_first_page(mapped)
    mapped.extensions["geoapp"].settings.update(EXPORT_TILE_TIMEOUT=0)
    tile_server.requests.clear()
    assert "Kommunens karta" not in _pdf_first_page(mapped) and tile_server.requests == []


@dataclass(frozen=True)
class Place:
    """The shape of a published place of activities: where, and counts per kind."""

    name: str
    lon: float
    lat: float
    counts: dict


@dataclass(frozen=True)
class Activities:
    """The shape of published activities of one period."""

    period: Period
    places: tuple


def test_published_activities_are_drawn_listed_and_counted(mapped):
    activities = Activities(Period("month", 2025, 5), (
        Place("Tjärna torg", 15.392, 60.483, {"dialogue": 2, "police_presence": 3, "advice": 1}),
        Place("Gångtunneln", 15.398, 60.486, {"dialogue": 0, "police_presence": 4, "advice": 0}),
    ))
    briefing = replace(gather_briefing(mapped.extensions["geoapp"], ARGS), activities=(activities,))
    first, second, _actions = pdf_pages(FORMATS["pdf"].render(briefing))
    legend = " ".join(first.split())  # an entry longer than the legend's column takes two lines
    assert "Medborgardialog eller rådgivning (talet: antal under perioden)" in legend
    assert "Polisnärvaro (talet: antal tillfällen under perioden)" in legend
    lines = second.splitlines()
    assert "Aktiviteter (visas med fördröjning)" in second
    # The chosen period's activities; none were given for the comparison periods.
    assert "Medborgardialoger 2" in lines and "Polisnärvaro 7" in lines and "Rådgivning 1" in lines
    png = FORMATS["png"].render(briefing)
    plain = FORMATS["png"].render(replace(briefing, activities=()))
    purple = (124, 58, 237)  # the dialogue circles, never the green of places that feel safe
    assert pixels_near(png, purple, 10) > pixels_near(plain, purple, 10) + 50


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_exporters_accept_only_published_numbers(mapped, fmt):
    briefing = gather_briefing(mapped.extensions["geoapp"], ARGS)
    with pytest.raises(TypeError, match="Published"):
        FORMATS[fmt].render(replace(briefing, published={"cells": [{"count": 1}]}))


@pytest.mark.parametrize("value, shown", [("=1+1", "'=1+1"), ("+46", "'+46"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
                                          ("\tx", "'\tx"), ("\rx", "'\rx"), ("Tjärna", "Tjärna"), (15, "15"), (None, "")])
def test_csv_fields_never_start_a_formula(value, shown):
    assert neutralised(value) == shown


HOSTILE = '=HYPERLINK("https://x.example/$a$","<b>Tjärna</b>")'


def test_an_area_name_is_shown_as_written_in_every_export(mapped, runner, tmp_path):
    frame = mapped.extensions["geoapp"].area_frame()
    area = frame[frame["id"] == TJARNA][["id", "geometry"]].rename(columns={"id": "code"}).assign(name=HOSTILE)
    path = tmp_path / "renamed.geojson"
    gpd.GeoDataFrame(area, geometry="geometry", crs=frame.crs).to_file(path, driver="GeoJSON", engine="pyogrio")
    result = runner("areas", "import", str(path))
    assert result.exit_code == 0, result.output
    site, args = mapped.extensions["geoapp"], {"area": TJARNA, "period": "2025-05"}
    with mapped.app_context():
        done = {fmt: export_view(site, fmt, args).content for fmt in FORMATS}
    rows = list(csv.reader(io.StringIO(done["csv"].decode("utf-8-sig")), delimiter=";"))
    assert {row[4] for row in rows[1:]} == {"'" + HOSTILE}
    first, second, _actions = pdf_pages(done["pdf"])
    assert f"Trygghetsvandringar: {HOSTILE}, 2025-05" in first and f"Sammanfattning: {HOSTILE}" in second
    page = done["html"].decode()
    assert "<b>Tjärna</b>" not in page and "&lt;b&gt;Tjärna&lt;/b&gt;" in page
    assert Image.open(io.BytesIO(done["png"])).size == (1800, 1012)


def test_the_html_export_carries_everything_it_needs(mapped):
    page = mapped.test_client().get(f"/export/map.html?{VIEW}&compare=1").get_data(as_text=True)
    assert page.startswith("<!doctype html>") and '<html lang="sv">' in page
    assert re.findall(r"<script[^>]*\bsrc=|<link[^>]*\bhref=|<img[^>]*\bsrc=", page) == []
    # Leaflet's own attribution prefix links to its site; nothing is loaded from anywhere.
    assert set(re.findall(r"""(?:src|href)=["']?((?:https?:)?//[^"'>]+)""", page)) == {"https://leafletjs.com"}
    assert "sourceMappingURL" not in page and "url(images/" not in page
    assert page.count('class="folium-map"') == 2 and "L.map(" in page and "leaflet-control-layers" in page
    for text in ("Trygghetsvandringar: Västra Borlänge, 2025-05", "Teckenförklaring", "40 eller fler observationer per ruta",
                 "Tal under 5 observationer visas inte", "Bygger på SCB RegSO 2025 (CC0)", "Föregående period",
                 "2025-05: 61 observationer, 3 vandringar", "2025-04: inga vandringar"):
        assert text in page, text


def test_the_html_export_in_english_has_no_swedish_map_words(mapped):
    page = mapped.test_client().get(f"/export/map.html?{VIEW}&lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page
    for text in ("Based on SCB RegSO 2025 (CC0)", '"Zoom in"', '"Layers"', "Observations 2025-05"):
        assert text in page, text
    for text in ("Bygger på", "Zooma in", '"Lager"', "Observationer 2025-05"):
        assert text not in page, text


def _readable(fmt: str, content: bytes) -> str:
    """Return everything a reader of the file could see as text: PDF text and metadata, PNG metadata, or the file."""
    if fmt == "pdf":
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(content))
        return "\n".join(pdf_pages(content) + [json.dumps({k: str(v) for k, v in (reader.metadata or {}).items()})])
    if fmt == "png":
        return json.dumps({k: str(v) for k, v in Image.open(io.BytesIO(content)).info.items()})
    return content.decode("utf-8-sig")


def test_no_export_reveals_an_observation(mapped, caplog):
    sentinels = _sentinels(mapped, random.Random(7))
    # geoapp's own debug lines; matplotlib and fontTools log every glyph they place at DEBUG, which says nothing here.
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="geoapp")
    store_observations(mapped.extensions["geoapp"].store, sentinels)
    client = mapped.test_client()
    texts = []
    for area in ("vastra-borlange", TJARNA):
        for query in ("period=2025-05", "period=2025-05&compare=1", "period=2025&category=lighting"):
            for fmt, url in (("geojson", "cells.geojson"), ("csv", "cells.csv"), ("html", "map.html"), ("pdf", "map.pdf"),
                             ("png", "map.png")):
                if fmt in ("pdf", "png") and query != "period=2025-05":
                    continue  # the slow formats once per area: they draw the same published object
                response = client.get(f"/export/{url}?area={area}&{query}")
                assert response.status_code == 200
                texts.append(_readable(fmt, response.data))
    texts += [record.getMessage() for record in caplog.records]
    assert any('"count": 18' in t for t in texts)  # the sentinels' squares are shown
    assert BUSY[0][0] == TJARNA
    for text in texts:
        assert SENTINEL_TEXT not in text and SENTINEL_WALK not in text
        assert "2025-05-14" not in text and "10:17" not in text
        assert _near_sentinel(text, sentinels) == []


def test_stored_activities_reach_the_pdf_with_their_delay(mapped):
    from geoapp.cli import main

    assert mapped.test_cli_runner().invoke(main, ["demo"]).exit_code == 0
    site = mapped.extensions["geoapp"]
    _, second, _actions = pdf_pages(export_view(site, "pdf", {"area": "vastra-borlange", "period": "2025"}).content)
    lines = second.splitlines()
    assert "Aktiviteter (visas med fördröjning)" in second
    shown = [line for line in lines if line.startswith(("Medborgardialoger ", "Polisnärvaro "))]
    assert shown and all(any(ch.isdigit() and ch != "0" for ch in line) for line in shown)


def test_a_png_drawn_with_its_kept_legend_and_notes_is_the_same_to_the_pixel(mapped):
    from geoapp.export import figure

    site = mapped.extensions["geoapp"]
    with mapped.test_request_context():
        swedish = gather_briefing(site, ARGS)
        english = gather_briefing(site, {**ARGS, "lang": "en"})

    def pixels(briefing) -> bytes:
        return Image.open(io.BytesIO(figure.map_png(briefing))).convert("RGB").tobytes()

    figure._KEPT_PARTS.clear()
    fresh = pixels(swedish)
    assert len(figure._KEPT_PARTS) == 2  # the legend and the notes
    assert pixels(swedish) == fresh
    # Another language has other words in both: they are drawn, not taken from the Swedish map.
    english_fresh = pixels(english)
    assert len(figure._KEPT_PARTS) == 4 and english_fresh != fresh
    figure._KEPT_PARTS.clear()
    assert pixels(english) == english_fresh
