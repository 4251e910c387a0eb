"""Swedish first, English on request: catalogues, the remembered switch, formats, messages and the CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import render_template_string

from geoapp import i18n
from tests.conftest import ROOT

TRANSLATIONS = ROOT / "geoapp" / "translations"
NBSP = "\u00a0"


def catalogue(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


@pytest.fixture(scope="module")
def source_messages() -> set:
    """Every message the code and templates ask to translate, extracted the way babel.cfg says."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(ROOT, method_map, options_map):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_message_has_a_finished_translation(source_messages, language):
    entries = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalogue(language) if m.id}
    assert len(source_messages) > 250
    assert source_messages - entries.keys() == set(), "run the catalogue update of the README"
    assert entries.keys() - source_messages == set(), "the catalogue holds messages no code uses any more"
    for key, entry in entries.items():
        assert not entry.fuzzy, key
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        assert all(s.strip() for s in strings), f"{language}: no translation of {key!r}"
        if entry.python_format:
            assert entry.check() == [], key  # the same %(name)s placeholders as the source


def test_swedish_translations_are_swedish():
    sv = {m.id: m.string for m in catalogue("sv") if m.id}
    assert sv["Log in"] == "Logga in" and sv["Map"] == "Karta"
    assert sum(1 for key, text in sv.items() if text == key) < 25  # names and codes only


def as_tuple(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


@pytest.mark.parametrize("language", ["sv", "en"])
def test_compiled_catalogues_match_their_sources(language):
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    with (folder / "messages.mo").open("rb") as f:
        compiled = {as_tuple(m.id): as_tuple(m.string) for m in read_mo(f) if m.id}
    written = {as_tuple(m.id): as_tuple(m.string) for m in catalogue(language) if m.id and not m.fuzzy}
    assert compiled == written, "run pybabel compile -d geoapp/translations"


def test_pages_are_swedish_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="sv">' in page
    assert "<h1>Logga in</h1>" in page and "Kontonamn" in page and "Lösenord" in page
    assert 'lang="en" hreflang="en">English</a>' in page


def test_the_switch_is_remembered_across_requests(client):
    switched = client.get("/language/en?next=/login")
    assert switched.status_code == 302 and switched.headers["Location"] == "/login"
    cookie = switched.headers["Set-Cookie"]
    assert "lang=en" in cookie and "Max-Age=31536000" in cookie and "SameSite=Lax" in cookie
    for _ in range(2):
        page = client.get("/login").get_data(as_text=True)
        assert '<html lang="en">' in page and "<h1>Log in</h1>" in page and "Account name" in page
        assert 'lang="sv" hreflang="sv">Svenska</a>' in page
    client.get("/language/sv?next=/login")
    assert "<h1>Logga in</h1>" in client.get("/login").get_data(as_text=True)


def test_the_switch_accepts_only_known_languages_and_local_targets(client):
    assert client.get("/language/de").status_code == 404
    assert client.get("/language/en?next=//evil.example/").headers["Location"] == "/"
    client.set_cookie("lang", "de")
    assert '<html lang="sv">' in client.get("/login").get_data(as_text=True)


def test_map_page_speaks_the_chosen_language_with_vocabulary_labels(as_role):
    viewer = as_role("viewer")
    page = viewer.get("/").get_data(as_text=True)
    assert "<title>Karta — geoapp</title>" in page and "Teckenförklaring" in page
    assert ">belysning</option>" in page and "Antal per område och kategori" in page
    assert "(läsare)" in page
    viewer.get("/language/en")
    page = viewer.get("/").get_data(as_text=True)
    assert "<title>Map — geoapp</title>" in page and "Legend" in page
    assert ">lighting</option>" in page and "Numbers per area and category" in page
    assert "(viewer)" in page


def test_errors_follow_the_language_for_pages_and_programs(as_role):
    viewer = as_role("viewer")
    page = viewer.get("/?period=2025-W20")
    assert page.status_code == 400 and "kvartal och veckor visas inte" in page.get_data(as_text=True)
    api = viewer.get("/api/v1/summary?period=last-week")
    assert api.status_code == 400 and "är ingen fast kalenderperiod" in api.get_json()["error"]
    missing = viewer.get("/no-such-page")
    assert missing.status_code == 404 and "Hittades inte" in missing.get_data(as_text=True)
    viewer.get("/language/en")
    api = viewer.get("/api/v1/summary?period=last-week")
    assert "is not a fixed calendar period" in api.get_json()["error"]
    assert "Not found" in viewer.get("/no-such-page").get_data(as_text=True)


def test_upload_report_is_swedish(as_role):
    uploader = as_role("uploader")
    data = "datum;lat;lon;kategori;vandring\n2025-05-14;60,48;15,42;gatubelysning;V1\n".encode()
    from io import BytesIO

    response = uploader.post("/observations/upload", data={"file": (BytesIO(data), "walk.csv")},
                             content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "avvisad: 1 problem i walk.csv; inget sparades" in page
    assert "okänd kategori; menade du &#39;belysning&#39;? Använd någon av: belysning, skymmande vegetation" in page and "<th scope=\"col\">Problem</th>" in page


def test_numbers_and_dates_are_written_the_swedish_way(app):
    with app.test_request_context("/"):
        assert i18n.number(1234.5) == f"1{NBSP}234,5"
        assert i18n.number(0.3314, 2) == "0,33"
        assert i18n.date(dt.date(2025, 5, 14)) == "2025-05-14"
        assert render_template_string("{{ 1234567|number }} {{ d|date }}", d=dt.datetime(2025, 5, 14, 18, 30)) \
            == f"1{NBSP}234{NBSP}567 2025-05-14"
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        assert i18n.number(1234.5) == "1,234.5"
        assert i18n.date(dt.date(2025, 5, 14)) == "14 May 2025"


def test_command_line_messages_are_swedish(runner, tmp_path):
    missing = runner("areas", "import", str(tmp_path / "gone.gpkg"))
    assert missing.exit_code == 1
    assert missing.output.strip() == "avvisat: gone.gpkg: filen finns inte"
    walk = Path(tmp_path / "walk.csv")
    walk.write_text("datum;lat;lon;kategori;vandring\n2025-05-14;61,0;25,9;belysning;V1\n", encoding="utf-8")
    rejected = runner("observations", "import", str(walk))
    assert rejected.exit_code == 1
    assert "avvisad: 1 problem i walk.csv; inget sparades" in rejected.output
    assert "walk.csv, rad 2, kolumn 'lat/lon': punkten (61,00000, 25,90000) ligger utanför Sverige" in rejected.output


def test_messages_outside_the_app_stay_english_source_text():
    from geoapp.domain.periods import PeriodError, parse_period

    with pytest.raises(PeriodError, match="is not a fixed calendar period"):
        parse_period("soon")
