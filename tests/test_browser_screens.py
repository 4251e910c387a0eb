"""Guards over every page, in both languages and for every role, in one served demo and one headless Chromium.

No page is wider than a 360 px phone or a 1366 px laptop, a Swedish page shows no English source string and an
English page no Swedish one, a phone shows each map's layer list folded, every interactive map has a legend entry for every layer it draws, and axe-core
finds no serious or critical WCAG 2.1 AA violation.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.axe import WCAG_AA, axe_script
from tests.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
WIDTHS = (360, 1366)
VIEWER_PASSWORD = "viewer password for the screens"
# The pages each role adds to those of the roles before it (a compared view of litter in 2025-T1 has two empty maps,
# each answering why).
PAGES = {
    "anonymous": ["login", "", "?compare=1", "?period=2025-T1&compare=1&category=litter", "followup", "ogc", "ogc/collections",
                  "ogc/collections/cells/items?area=vastra-borlange&period=2025&f=html", "docs/api", "actions"],
    "viewer": ["account"],
    "uploader": ["observations/upload", "observations/field", "activities/new", "activities/places/new", "actions", "actions/new?walk=1"],
    "admin": ["admin/uploads", "admin/uploads/1/delete", "admin/accounts", "admin/audit"],
}
ROLES = list(PAGES)
# English that is no msgid of the catalogues but has shown up on Swedish pages: Leaflet's own controls, a scale
# bar in feet and miles, codes shown raw.
KNOWN_ENGLISH = ["Zoom in", "Zoom out", "Layers", "ft", "mi", "login", "logout", "walk(s)", "(command line)",
                 "field form", "exported:", "Export", "PNG for slides", "Interactive map", "Cells as"]
# Swedish that may stand on an English page: names of places and areas, and the Swedish terms the English text
# explains in brackets.
SWEDISH_ALLOWED = {"Svenska", "trygg plats", "Tjärna Ängar", "Västra Borlänge", "medborgarlöfte"}

TEXT_OF_PAGE = """() => {
    const own = document.documentElement.lang, parts = [document.title];
    for (const d of document.querySelectorAll('details')) d.open = true;
    const skip = e => e.closest('[lang]') && e.closest('[lang]').lang !== own;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const e = n.parentElement;
        if (!e || skip(e) || ['SCRIPT', 'STYLE', 'CODE'].includes(e.tagName)) continue;
        if (e.closest('select') ? true : e.getClientRects().length) parts.push(n.textContent);
    }
    for (const e of document.querySelectorAll('[title], [aria-label], [placeholder], [alt]')) {
        if (skip(e)) continue;
        for (const a of ['title', 'aria-label', 'placeholder', 'alt']) if (e.getAttribute(a)) parts.push(e.getAttribute(a));
    }
    return parts.join('\\n');
}"""
WIDTH_OF_PAGE = """() => ({page: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth,
    widest: [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right >
        document.documentElement.clientWidth + 1).slice(-3).map(e => e.tagName + '.' + e.className + '#' + e.id)})"""
# Each Leaflet map's overlays, as its layer control names them, and the legend entries of the figure it is in.
LAYERS_AND_LEGENDS = """() => [...document.querySelectorAll('.leaflet-container')].map(m => ({
    layers: [...m.querySelectorAll('.leaflet-control-layers-overlays label')].map(l => l.textContent.trim()),
    legend: [...(m.closest('[data-legend]') ? document.getElementById(m.closest('[data-legend]').dataset.legend)
        .querySelectorAll('[data-layer]') : [])].map(e => e.dataset.layer)}))"""
RUN_AXE = """async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
    return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => v.id + ': ' + v.help + ' at ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')); }"""


def catalogue(language: str) -> list[tuple[str, str]]:
    """Return (msgid, translation) of every translated, non-plural message of a catalogue."""
    with open(ROOT / "geoapp" / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        entries = read_po(f)
    return [(m.id, m.string) for m in entries if m.id and isinstance(m.id, str) and m.string]


def phrases(text: str) -> list[str]:
    """Return the literal pieces of a message (placeholders and markup cut out) worth searching a page for."""
    pieces = re.split(r"%\(\w+\)s|%s|\{\{?[^}]*\}\}?|<[^>]*>|[\"'“”:;,.()]", text)
    return [p.strip() for p in pieces if len(re.findall(r"\w+", p)) >= 2 or len(p.strip()) >= 6]


def foreign_phrases(language: str) -> list[str]:
    """Return phrases of the other language that must not appear on a page in `language`."""
    if language == "sv":
        found = {p for msgid, sv in catalogue("sv") if msgid != sv for p in phrases(msgid) if p not in sv}
        return sorted(found | set(KNOWN_ENGLISH))
    english = " ".join(en for _msgid, en in catalogue("en"))
    found = {p for msgid, sv in catalogue("sv") if msgid != sv for p in phrases(sv)
             if p not in english and p not in SWEDISH_ALLOWED and not any(p in a for a in SWEDISH_ALLOWED)}
    return sorted(found)


def found_in(text: str, phrase: str) -> bool:
    # A file's column headers are named in both languages on purpose, as "kategori/category": the second is no slip.
    return re.search(r"(?<![\w/-])" + re.escape(phrase) + r"(?![\w-])", text) is not None


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One demo instance for every guard: its base URL and each role's account name and password."""
    env = {**os.environ, "GEOAPP_TILES": "none", "GEOAPP_INSTANCE_PATH": str(tmp_path_factory.mktemp("screens"))}
    added = subprocess.run([sys.executable, "-m", "geoapp", "users", "add", "demo-viewer", "--role", "viewer"],
                           input=VIEWER_PASSWORD + "\n", capture_output=True, text=True, env=env, timeout=120)
    assert added.returncode == 0, added.stderr
    process = subprocess.Popen([sys.executable, "-m", "geoapp", "serve", "--port", "0", "--demo"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = ""
    for line in process.stdout:
        output += line
        if re.search(r"http://127\.0\.0\.1:\d+/", line):
            break
    try:
        base = re.search(r"http://127\.0\.0\.1:\d+/", output).group(0)
        passwords = dict(re.findall(r"demo:\s+(demo-[\w-]+)\s+(\S+)", output))
        yield base, {"viewer": ("demo-viewer", VIEWER_PASSWORD),
                     "uploader": ("demo-uploader", passwords["demo-uploader"]),
                     "admin": ("demo-admin", passwords["demo-admin"])}
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for the module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_as(chromium, site, role: str, language: str):
    """Return a page of a new browser context logged in as `role`, speaking `language`."""
    base, accounts = site
    context = chromium.new_context(bypass_csp=True, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(base + f"language/{language}?next=/login")
    if role != "anonymous":
        name, password = accounts[role]
        page.fill("input[name=name]", name)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("form.stacked button[type=submit], main form button[type=submit]")
    return page


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_speaks_one_language_and_has_its_legends(site, chromium, role, language):
    base, _accounts = site
    page = open_as(chromium, site, role, language)
    foreign = foreign_phrases(language)
    axe = axe_script() if role in ("anonymous", "admin") else None
    problems = {}
    # Each role opens the pages it adds to those of the roles before; those differ only in the menu.
    for path in PAGES[role]:
        # Laid out at each width in turn; what it says and draws is read once, at the last.
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        response = page.goto(base + path, wait_until="networkidle")
        assert response.status == 200, (path, response.status)
        assert page.evaluate("document.documentElement.lang") == language, path
        if page.locator(".leaflet-control-layers-expanded").count():
            problems[f"/{path} at {WIDTHS[0]} px: layer list open over the map"] = True
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            size = page.evaluate(WIDTH_OF_PAGE)
            if size["page"] > size["viewport"]:
                problems[f"/{path} at {width} px: width"] = size
        where = f"/{path}"
        text = page.evaluate(TEXT_OF_PAGE)
        wrong = [p for p in foreign if found_in(text, p)]
        if wrong:
            problems[where + ": other language"] = wrong
        for index, found in enumerate(page.evaluate(LAYERS_AND_LEGENDS)):
            missing = [layer for layer in found["layers"] if layer not in found["legend"]]
            if missing or not found["legend"]:
                problems[f"{where}: map {index + 1} without legend for"] = missing or found["layers"]
        if axe:
            page.add_script_tag(content=axe)
            violations = page.evaluate(RUN_AXE, WCAG_AA)
            if violations:
                problems[where + ": axe"] = violations
    page.context.close()
    assert not problems, "\n".join(f"{where}: {found}" for where, found in problems.items())


def page_problems(page, where: str, language: str, axe: bool = True) -> dict:
    """Return what the guards find wrong with the page open in `page`: width, the other language, axe."""
    problems = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        size = page.evaluate(WIDTH_OF_PAGE)
        if size["page"] > size["viewport"]:
            problems[f"{where} at {width} px: width"] = size
    text = page.evaluate(TEXT_OF_PAGE)
    wrong = [p for p in foreign_phrases(language) if found_in(text, p)]
    if wrong:
        problems[where + ": other language"] = wrong
    if axe:
        page.add_script_tag(content=axe_script())
        violations = page.evaluate(RUN_AXE, WCAG_AA)
        if violations:
            problems[where + ": axe"] = violations
    return problems


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_upload_report_and_a_field_days_confirmation_pass_the_guards(site, chromium, tmp_path, language):
    base, _accounts = site
    month = {"sv": "09", "en": "10"}[language]  # each language uploads rows of its own, so both are new
    rows = ["Datum;Tid;Latitud;Longitud;Kategori;Allvarlighet;Trygg;Kommentar;Vandring"]
    places = [("60,492869", "15,399074"), ("60,492310", "15,397251"), ("60,490818", "15,401562")]
    for i in range(5):
        lat, lon = places[i % 3]
        rows.append(f"2025-{month}-1{i};18.{10 + i};{'60,402869' if i == 3 else lat};{lon};belysning;2;nej;;"
                    f"Skärmvandring {language}")
    path = tmp_path / f"skarmvandring-{language}.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    page = open_as(chromium, site, "uploader", language)
    page.goto(base + "observations/upload")
    page.set_input_files("input[name=file]", str(path))
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator(".verdict.imported").count() == 1
    assert page.locator("ul.covered a").count() >= 1 and page.locator("table.warnings tbody tr").count() == 1
    problems = page_problems(page, "/observations/upload (report)", language)
    page.goto(base + "observations/field")
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    for i in range(2):
        entry = {"idempotency_key": f"screens-{language}-{i}-0000", "walk": f"Fältvandring {language}",
                 "observed_at": f"2025-{month}-20T19:0{i}:00+02:00", "lat": 60.492869, "lon": 15.399074 + i / 10000,
                 "category": "belysning", "severity": 2}
        response = page.request.post(base + "api/v1/observations", data=entry, headers={"X-CSRFToken": token})
        assert response.status == 201, response.text()
    page.context.close()
    page = open_as(chromium, site, "admin", language)
    page.goto(base + "admin/uploads")
    page.locator(f'a[href*="/admin/uploads/field/"][href*="/2025-{month}-20/delete"]').click()
    page.wait_for_load_state("networkidle")
    assert page.locator("form.confirm button").count() == 1
    problems.update(page_problems(page, "/admin/uploads/field/… (confirm)", language))
    page.context.close()
    assert not problems, "\n".join(f"{where}: {found}" for where, found in problems.items())
