"""While the synthetic demo files are stored, every page says that what it shows is invented, in Swedish and English."""

from __future__ import annotations

import pytest

from geoapp.accounts.administration import delete_upload, list_uploads
from geoapp.domain.users import Actor
from geoapp.ingest.demo import load_demo
from tests.exporting import pdf_pages
from tests.observation_files import EN_HEADERS, csv_bytes, en_rows, run

SV = "alla vandringar, observationer och aktiviteter som visas här är påhittade (syntetiska data)"
EN = "every walk, observation and activity shown here is invented (synthetic data)"
PAGES = ["/", "/?period=2025-T1&compare=1", "/followup", "/actions", "/login", "/omraden", "/omraden/tjarna-angar",
         "/ogc?f=html", "/ogc/collections?f=html", "/docs/api", "/account", "/observations/upload", "/admin/uploads", "/admin/audit"]


@pytest.fixture
def demo(app):
    """The app with the synthetic demo files loaded, as `serve --demo` loads them."""
    with app.app_context():
        load_demo(app.extensions["geoapp"])
    return app


def banner_of(page: str) -> str:
    start = page.find('<p class="demo-banner"')
    return page[start:page.index("</p>", start)] if start >= 0 else ""


@pytest.mark.parametrize("language, words", [("sv", SV), ("en", EN)])
def test_every_page_says_the_demo_data_is_invented(demo, as_role, language, words):
    admin = as_role("admin")
    admin.set_cookie("lang", language)
    for path in PAGES:
        response = admin.get(path)
        assert response.status_code == 200, path
        assert words in banner_of(response.get_data(as_text=True)), path


def test_an_anonymous_visitor_sees_it_too(demo):
    page = demo.test_client().get("/login").get_data(as_text=True)
    assert SV in banner_of(page) and 'role="note"' in banner_of(page)


def test_real_data_has_no_banner(app, as_role):
    run(app, csv_bytes(EN_HEADERS, en_rows()), "walk.csv", uploaded_by="anna")
    page = as_role("viewer").get("/").get_data(as_text=True)
    assert banner_of(page) == "" and SV not in page


def test_the_banner_goes_with_the_last_demo_upload(demo, as_role):
    store = demo.extensions["geoapp"].store
    viewer = as_role("viewer")
    assert SV in banner_of(viewer.get("/").get_data(as_text=True))
    for upload in list_uploads(store):
        delete_upload(store, upload["id"], Actor("tests"))
    assert banner_of(viewer.get("/").get_data(as_text=True)) == ""


@pytest.mark.parametrize("language, mark, words", [
    ("sv", "Demo: påhittade data", "Demo: alla vandringar, observationer och aktiviteter här är påhittade"),
    ("en", "Demo: invented data", "Demo: every walk, observation and activity here is invented")])
def test_the_exports_of_demo_data_say_it_is_invented(demo, as_role, language, mark, words):
    viewer = as_role("viewer")
    query = f"area=tjarna-angar&period=2025&lang={language}"
    map_page, table_page, *_rest = pdf_pages(viewer.get(f"/export/map.pdf?{query}").get_data())
    assert mark in map_page and words in " ".join(table_page.split())
    html = viewer.get(f"/export/map.html?{query}").get_data(as_text=True)
    assert f'<p class="demo-banner" role="note">{words}' in html


def test_the_exports_of_real_data_say_nothing_of_a_demo(app, as_role):
    run(app, csv_bytes(EN_HEADERS, en_rows()), "walk.csv", uploaded_by="anna")
    viewer = as_role("viewer")
    assert "Demo" not in " ".join(pdf_pages(viewer.get("/export/map.pdf?area=tjarna-angar&period=2025").get_data()))
    assert '<p class="demo-banner"' not in viewer.get("/export/map.html?area=tjarna-angar&period=2025").get_data(as_text=True)
