"""Every export format, opened with an independent reader and checked against the published API numbers."""

from __future__ import annotations

import csv
import io
import re
import random
from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo
from urllib.parse import parse_qs, urlsplit

import pyogrio
import pytest
import shapely
from PIL import Image
from pypdf import PdfReader

from geoapp.domain.model import STOCKHOLM_TZ
from geoapp.maps import STYLE_CELL, STYLE_SAFE
from geoapp.mapview.colors import color_of, color_scale
from tests.exporting import VIEW, blended, mapped, pdf_pages, pixels_near  # noqa: F401
from tests.observations import store_observations
from tests.test_planmap import walk_data

@pytest.fixture
def app_language():
    """These checks quote the English messages; their Swedish translations are checked in test_i18n."""
    return "en"

EXPORTS = ["/export/map.png", "/export/map.pdf", "/export/map.html", "/export/cells.geojson", "/export/cells.csv"]


@pytest.fixture
def history(mapped):
    """The May 2025 walks, plus walks in April 2025 and May 2024 for the summary's comparison columns."""
    store = mapped.extensions["geoapp"].store
    april = [replace(o, at=o.at.replace(month=4), walk=o.walk + "-apr") for o in walk_data(mapped, random.Random(6))]
    earlier = [replace(o, at=o.at.replace(year=2024), walk=o.walk + "-2024") for o in walk_data(mapped, random.Random(7))]
    store_observations(store, april + earlier)
    return mapped


def test_png_is_a_16_by_9_slide_in_the_web_map_colours(mapped):
    client = mapped.test_client()
    response = client.get(f"/export/map.png?{VIEW}")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == 'attachment; filename="geoapp_vastra-borlange_2025-05.png"'
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "PNG" and image.size == (1800, 1012)
    # Three squares of 15 (class 10–19) filled as on the web map, and four places that feel safe hatched in green.
    classes = color_scale((5, 10, 20, 40), 5)
    assert pixels_near(response.data, blended(color_of(15, classes), STYLE_CELL["fillOpacity"])) > 3 * 1000
    assert pixels_near(response.data, blended(STYLE_SAFE["color"], 1), tolerance=40) > 4 * 200
    assert pixels_near(response.data, blended(color_of(5, classes), STYLE_CELL["fillOpacity"])) < 500  # its legend swatch
    sharp = client.get(f"/export/map.png?{VIEW}&dpi=300")
    image = Image.open(io.BytesIO(sharp.data))
    assert image.size == (3600, 2025)
    assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    # Its own name, so downloading both keeps both.
    assert sharp.headers["Content-Disposition"] == 'attachment; filename="geoapp_vastra-borlange_2025-05_300dpi.png"'


@pytest.mark.parametrize("query, message", [
    ("period=2025-13", "not a fixed calendar period"),
    ("area=nowhere", "Unknown area"),
    ("category=people", "Unknown category"),
    ("compare=maybe", "compare must be"),
    ("dpi=1200", "dpi must be a whole number from 72 to 300"),
    ("dpi=abc", "dpi must be"),
    ("dpi=%C2%B2", "dpi must be"),  # a superscript two: a digit to str.isdigit, not to int
    pytest.param("dpi=" + "1" * 4301, "dpi must be", id="dpi=4301-digits"),  # beyond the digits int() reads
    ("dpi=%D9%A1%D9%A5%D9%A0", "dpi must be"),  # 150 in Arabic-Indic digits
    ("lang=de", "lang must be one of sv, en"),
])
def test_bad_filters_and_options_are_a_400_for_every_export(mapped, query, message):
    client = mapped.test_client()
    for url in EXPORTS:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400 and message in response.get_json()["error"], url


def _table_line(label: str, values) -> str:
    return " ".join([label] + ["–" if v is None else str(v) for v in values])


def stockholm_day() -> date:
    """Return today in Borlänge, the day an export is dated (this machine's clock may be on another day's side)."""
    return datetime.now(ZoneInfo(STOCKHOLM_TZ)).date()


def test_pdf_has_the_map_and_a_swedish_summary_matching_the_api(history):
    client = history.test_client()
    response = client.get("/export/map.pdf?area=tjarna-angar&period=2025-05&category=lighting")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'filename="geoapp_tjarna-angar_2025-05_lighting.pdf"' in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 3
    assert all(sorted(map(round, (p.mediabox.width, p.mediabox.height))) == [595, 842] and p.mediabox.width > p.mediabox.height
               for p in reader.pages)
    first, second, third = pdf_pages(response.data)
    assert "Åtgärder: Tjärna Ängar, 2025-05" in third and "Åtgärdade under perioden: 0" in third
    for text in ("Trygghetsvandringar: Tjärna Ängar, 2025-05", "kategori: belysning", "Teckenförklaring",
                 "5–9 observationer per ruta", "40 eller fler observationer per ruta", "Trygg plats",
                 "Tal under 5 observationer visas inte", "Bygger på SCB RegSO 2025 (CC0)",
                 f"Skapad {stockholm_day().isoformat()}", "Valt område: Tjärna Ängar", "0 ", " m"):
        assert text in first, text
    assert "OpenStreetMap" not in first  # GEOAPP_TILES=none in tests
    for text in ("Sammanfattning: Tjärna Ängar, 2025-05", "Observationer per kategori", "Föregående period",
                 "Samma period föregående år", "Vandringar", "Alla kategorier (utom trygg plats)"):
        assert text in second, text
    summaries = [client.get(f"/api/v1/summary?area=tjarna-angar&period={p}").get_json()["areas"][0]
                 for p in ("2025-05", "2025-04", "2024-05")]
    assert summaries[0]["counts"]["lighting"] == 30 and summaries[1]["counts"]["all"] and summaries[2]["counts"]["all"]
    lines = second.splitlines()
    labels = {"all": "Alla kategorier (utom trygg plats)", "lighting": "Belysning", "vegetation": "Skymmande vegetation",
              "safe_place": "Trygg plats", "litter": "Nedskräpning"}
    for key, label in labels.items():
        assert _table_line(label, [s["counts"][key] for s in summaries]) in lines, key
    assert _table_line("Vandringar", [s["walks"] for s in summaries]) in lines
    assert f"2025-05: {summaries[0]['counts']['lighting']} observationer, 3 vandringar" in first  # the chosen category


def test_pdf_and_png_can_be_in_english(mapped):
    client = mapped.test_client()
    first, second, third = pdf_pages(client.get(f"/export/map.pdf?{VIEW}&lang=en").data)
    assert "Actions: Västra Borlänge, 2025-05" in third and "Overdue (past the due date): 0" in third
    assert "Safety walks: Västra Borlänge, 2025-05" in first and "40 or more observations in a square" in first
    assert "Numbers below 5 observations are not shown" in first
    assert "Observations per category" in second and "Same period a year earlier" in second
    assert "Vegetation blocking view" in second


def test_geojson_is_rfc_7946_and_holds_the_api_cells(mapped, tmp_path):
    client = mapped.test_client()
    response = client.get(f"/export/cells.geojson?{VIEW}&compare=1")
    assert response.mimetype == "application/geo+json"
    assert 'filename="geoapp_vastra-borlange_2025-05_compare.geojson"' in response.headers["Content-Disposition"]
    api = client.get(f"/api/v1/cells?{VIEW}&compare=1").get_json()["features"]
    path = tmp_path / "cells.geojson"
    path.write_bytes(response.data)
    frame = pyogrio.read_dataframe(path)
    assert frame.crs.to_epsg() == 4326 and "crs" not in response.get_json()
    assert len(frame) == len(api) == 7
    assert sorted(zip(frame["layer"], frame["period"], frame["count"])) == sorted(
        (f["properties"]["layer"], f["properties"]["period"], f["properties"]["count"]) for f in api)
    for polygon in shapely.get_parts(frame.geometry.values):
        assert shapely.is_ccw(polygon.exterior)  # RFC 7946's right-hand rule


def test_csv_opens_in_excel_with_swedish_letters_and_the_api_counts(mapped):
    client = mapped.test_client()
    response = client.get(f"/export/cells.csv?{VIEW}")
    assert response.mimetype == "text/csv" and 'filename="geoapp_vastra-borlange_2025-05.csv"' in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert {"period", "lager", "ruta", "områdeskod", "område", "antal", "belysning", "skymmande vegetation"} <= set(rows[0])
    api = client.get(f"/api/v1/cells?{VIEW}").get_json()["features"]
    assert sorted((r["ruta"], r["områdeskod"], int(r["antal"])) for r in rows) == sorted(
        (f["properties"]["cell"], f["properties"]["area"], f["properties"]["count"]) for f in api)
    assert {r["område"] for r in rows} == {"Tjärna Ängar", "Jakobsgårdarna-Paradiset-Nygårdsdalen"}
    assert {r["lager"] for r in rows} == {"observationer", "trygg plats"}
    breakdown = {r["ruta"]: r["belysning"] for r in rows if r["lager"] == "observationer"}
    assert sorted(breakdown.values()) == ["10", "10", "10"]


def test_the_map_page_offers_every_export_with_its_filters(mapped):
    client = mapped.test_client()
    page = client.get(f"/?{VIEW}&category=lighting&compare=1").get_data(as_text=True)
    assert "<summary>Export</summary>" in page
    links = [href.replace("&amp;", "&") for href in __import__("re").findall(r'href="(/export/[^"]+)"', page)]
    assert sorted({urlsplit(link).path for link in links}) == sorted(EXPORTS)
    for link in links:
        query = parse_qs(urlsplit(link).query)
        assert query["area"] == ["vastra-borlange"] and query["period"] == ["2025-05"]
        assert query["category"] == ["lighting"] and query["compare"] == ["1"]
    for link in {urlsplit(link).path: link for link in links}.values():
        response = client.get(link)
        assert response.status_code == 200, link
        assert re.search(r"geoapp_vastra-borlange_2025-05_lighting_compare(_300dpi)?\.", response.headers["Content-Disposition"])
