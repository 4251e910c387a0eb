"""The field form page as the server sends it: Swedish, labelled, no inline script, and its service worker."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def page(as_role):
    response = as_role("uploader").get("/observations/field")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_field_form_is_swedish_and_offers_the_vocabulary(app, page):
    assert '<html lang="sv">' in page and "<title>Fältformulär" in page
    for category in app.extensions["geoapp"].vocabulary().categories:
        assert f'value="{category.key}"> <span>{category.sv}</span>' in page
    assert "trygg plats" in page
    for label in ("1 – mindre", "2 – märkbar", "3 – allvarlig", "Känns tryggt", "Spara observation"):
        assert label in page
    assert 'data-text-waiting="{n} väntar på att skickas"' in page
    assert "Telefonnummer" in page and "tas bort automatiskt" in page


def test_every_input_has_a_label_and_no_script_runs_inline(page):
    for input_id in re.findall(r'<(?:input|textarea)[^>]* id="([^"]+)"', page):
        assert f'<label for="{input_id}">' in page, input_id
    radios = re.findall(r'<label class="choice"><input type="radio"', page)
    assert len(radios) == 12 + 4
    assert re.search(r'<meta name="csrf-token" content="[^"]+">', page)
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all(" src=" in tag for tag in scripts)
    assert "/assets/leaflet/leaflet.js" in page and "/assets/geoapp/field.js" in page
    assert not re.search(r"\son[a-z]+=", page)


def test_the_service_worker_is_revalidated_and_scoped_to_the_form(client, page):
    with client.get("/observations/field-sw.js") as response:
        script = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    # A worker at /observations/ may control /observations/field, the scope the page registers.
    assert 'data-worker="/observations/field-sw.js"' in page and 'data-page="/observations/field"' in page
    assert "caches.open" in script


def test_uploaders_find_the_field_form_from_the_header_and_the_upload_page(as_role):
    uploader = as_role("uploader")
    upload_page = uploader.get("/observations/upload").get_data(as_text=True)
    assert upload_page.count('href="/observations/field"') == 2
    viewer_page = as_role("viewer").get("/account").get_data(as_text=True)
    assert 'href="/observations/field"' not in viewer_page
