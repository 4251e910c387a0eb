"""The committee's report: one PDF (read with pypdf) and one offline HTML file, Swedish by default, from published numbers."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from geoapp.cli import main

from tests.test_promise_followup import loaded, promise_data  # noqa: F401  (fixtures)


@pytest.fixture
def app_language():
    return "sv"


def pdf_text(content: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(content))
    return reader, [page.extract_text() for page in reader.pages]


def test_the_command_writes_the_report_with_every_chart(loaded, tmp_path, as_role):  # noqa: F811
    out = tmp_path / "rapport.pdf"
    result = loaded.test_cli_runner().invoke(main, ["report", "--period", "2025-T2", "--area", "vastra-borlange", "-o", str(out)])
    assert result.exit_code == 0, result.output
    reader, pages = pdf_text(out.read_bytes())
    text = "\n".join(pages)
    api = as_role("viewer", on=loaded).get("/api/v1/promise?area=vastra-borlange&period=2025-T2").get_json()
    assert "Uppföljning av medborgarlöftet: Västra Borlänge, 2025-T2" in pages[0] and "Provlöfte 2025" in pages[0]
    assert "Åtaganden och deras status 2025" in text and "◐ delvis uppfyllt" in text and "✓ uppfyllt" in text
    # After the title, commitments and readings pages: one page per chart, with its title, one panel per area
    # and the same numbers in a table below it.
    charts = pages[3:3 + len(api["trends"])]
    for trend, page in zip(api["trends"], charts):
        assert trend["title"] in page and sum(trend["title"] in p for p in charts) == 1, trend["title"]
        assert all(page.count(a["name"]) >= 2 for a in trend["areas"])  # the panel's title and the table's row
    assert "Trygghetsvandringar: Västra Borlänge, 2025-T2" in text and "2025-T1:" in text  # the map beside the previous one
    assert "Aktiviteter per tertial och område" in text and "Om talen" in text and "Tal under 5 observationer" in text
    # title, commitments, readings, one page per trend, the map, activities (9 rows), the privacy note
    assert len(pages) == 3 + len(api["trends"]) + 1 + 1 + 1


def test_english_on_request_and_the_same_report_as_offline_html(loaded, as_role):  # noqa: F811
    viewer = as_role("viewer", on=loaded)
    pdf = viewer.get("/export/report.pdf?area=vastra-borlange&period=2025&lang=en")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert 'filename="geoapp_rapport_vastra-borlange_2025.pdf"' in pdf.headers["Content-Disposition"]
    _reader, pages = pdf_text(pdf.get_data())
    assert "Follow-up of the citizen promise: Västra Borlänge, 2025" in pages[0] and "Trial promise 2025" in pages[0]
    page = viewer.get("/export/report.html?area=vastra-borlange&period=2025&lang=en").get_data(as_text=True)
    assert "Follow-up of the citizen promise: Västra Borlänge, 2025" in page and "partly met" in page
    assert not re.search(r'(src|href)="(?!data:)', page)  # every image and style inside the file
    api = viewer.get("/api/v1/promise?area=vastra-borlange&period=2025").get_json()
    assert all(f'id="trend-{t["key"]}"' in page for t in api["trends"])


def test_the_follow_up_page_links_the_report(loaded, as_role):  # noqa: F811
    page = as_role("viewer", on=loaded).get("/followup?area=vastra-borlange&period=2025-T2").get_data(as_text=True)
    assert 'href="/export/report.pdf?area=vastra-borlange&amp;period=2025-T2"' in page


@pytest.mark.parametrize("args, message", [
    (["--period", "2025-05"], "uppföljningen görs per tertial"),
    (["--area", "atlantis"], "Okänt område 'atlantis'"),
])
def test_bad_options_are_refused(app, tmp_path, args, message):
    result = app.test_cli_runner().invoke(main, ["report", *args, "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 1 and message in result.stderr and not (tmp_path / "r.pdf").exists()
