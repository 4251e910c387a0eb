"""Script payloads carried through every normal input path, then every page opened in headless Chromium.

The browser ignores the Content-Security-Policy here (bypass_csp), so that only escaping stands
between a payload and a running script: a dialog or an injected element means a page failed to escape.
To cover a new page or export, add its URL to PAGES (an HTML export belongs there too).
"""

from __future__ import annotations

import csv
import io
import shutil
from urllib.parse import quote

import geopandas as gpd
import pytest

from tests.conftest import ROOT, TEST_PASSWORD
from tests.corpus import unescaped_markup
from tests.observation_files import PLACES_WGS84

pytestmark = pytest.mark.browser

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "${alert(1)}", "`alert(1)`",
            "</script><script>alert(1)</script>", "'-alert(1)-'", "<svg onload=alert(1)>", "{{7*7}}"]
ENCODED = quote(PAYLOADS[1])
# (URL, expected status): every page a logged-in admin can open, with filters, and bad filters.
PAGES = [
    ("/", 200),
    ("/?area=tjarna-angar&period=2025&category=all&compare=1", 200),
    ("/?area=vastra-borlange&period=2025-T1&category=payload", 200),
    ("/?area=2081R013&period=2025-03&category=lighting", 200),
    (f"/?area={ENCODED}&period=2025", 400),
    (f"/?period={ENCODED}", 400),
    (f"/?category={ENCODED}", 400),
    ("/observations/upload", 200),
    ("/observations/field", 200),
    ("/activities/new", 200),
    ("/followup?area=vastra-borlange&period=2025", 200),
    ("/followup?area=2081R013&period=2025-T1", 200),
    ("/admin/uploads", 200),
    ("/admin/audit", 200),
    ("/admin/accounts", 200),
    ("/account", 200),
    (f"/login?next={ENCODED}", 200),
    (f"/nowhere/{ENCODED}", 404),
]
# Finds what an unescaped payload would have added to the page.
INJECTED = """() => [...document.querySelectorAll('img[src="x"], svg[onload], [onerror], [onload]')].length
    + [...document.scripts].filter(s => s.textContent.includes('alert(1)') && !s.textContent.includes('L.geoJson')).length"""


def payload_rows(walk_prefix: str, year_day: str) -> bytes:
    """Twelve observations in one cell from two walks named by payloads, with payload comments."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["datum", "latitud", "longitud", "kategori", "kommentar", "vandring"])
    for i in range(12):
        lat, lon = PLACES_WGS84[i % 3]
        writer.writerow([f"{year_day} 18:{i:02d}", lat, lon, "payload" if i % 2 else "lighting",
                         PAYLOADS[i % len(PAYLOADS)], walk_prefix + PAYLOADS[i % 2]])
    return out.getvalue().encode()


def places_and_activities(tmp_path):
    """Write a places file whose names are payloads and a file of 2025 activities at those places."""
    places, activities = io.StringIO(), io.StringIO()
    place_rows, activity_rows = csv.writer(places, delimiter=";"), csv.writer(activities, delimiter=";")
    place_rows.writerow(["namn", "typ", "latitud", "longitud"])
    activity_rows.writerow(["plats", "aktivitet", "datum", "tid", "varaktighet", "deltagare"])
    for i, (lat, lon) in enumerate(PLACES_WGS84):
        name = f"{PAYLOADS[(i + 1) % len(PAYLOADS)]} plats {i}"
        place_rows.writerow([name, PAYLOADS[(i + 5) % len(PAYLOADS)], lat, lon])
        for day, kind in ((3, "medborgardialog"), (4, "polisnärvaro"), (5, "rådgivning")):
            activity_rows.writerow([name, kind, f"2025-03-{day:02d}", f"1{i}.00", "60", "5"])
    (tmp_path / "places.csv").write_text(places.getvalue(), encoding="utf-8")
    (tmp_path / "activities.csv").write_text(activities.getvalue(), encoding="utf-8")
    return tmp_path / "places.csv", tmp_path / "activities.csv"


def data_with_payloads(tmp_path):
    """A copy of the data folder whose vocabulary and area groups carry payloads."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    with (data / "vocabulary" / "categories.csv").open("a", encoding="utf-8", newline="") as vocabulary:
        csv.writer(vocabulary).writerow(["payload", PAYLOADS[0], PAYLOADS[1]])
    (data / "areas" / "groups.toml").write_text(
        f'[[group]]\nid = "tjarna-angar"\nname = {PAYLOADS[4]!r}\nmembers = ["2081R013"]\n\n'
        f'[[group]]\nid = "vastra-borlange"\nname = {PAYLOADS[1]!r}\nmembers = ["2081R013", "2081R004"]\n'
        f'approximation = true\nnote = {PAYLOADS[6]!r}\n', encoding="utf-8")
    areas = gpd.read_file(ROOT / "data" / "areas" / "borlange_regso_2025.gpkg")
    areas["name"] = [PAYLOADS[i % len(PAYLOADS)] + name for i, name in enumerate(areas["name"])]
    areas.to_file(tmp_path / "payload_areas.gpkg", driver="GPKG", layer="areas", engine="pyogrio")
    return data


def test_payloads_from_every_input_stay_inert_on_every_page(serve, browser, tmp_path):
    data = data_with_payloads(tmp_path)
    env = {"DATA_DIR": data, "AREA_GROUPS": data / "areas" / "groups.toml"}
    for command in (("areas", "import", str(tmp_path / "payload_areas.gpkg")),
                    ("users", "add", "owner", "--role", "admin")):
        done = serve.run(*command, stdin=TEST_PASSWORD + "\n", **env)
        assert done.returncode == 0, done.stderr
    places, activities = places_and_activities(tmp_path)
    for command in (("places", "import", str(places)), ("activities", "import", str(activities))):
        done = serve.run(*command, **env)
        assert done.returncode == 0, done.stderr
    (tmp_path / "walks.csv").write_bytes(payload_rows("Kväll ", "2025-02-11"))
    imported = serve.run("observations", "import", str(tmp_path / "walks.csv"), **env)
    assert imported.returncode == 0 and "importerad: 12 observationer" in imported.stdout, imported.stderr
    base = serve(**env).rstrip("/")
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, base)
    upload_through_the_form(page, base, tmp_path / "upload.csv")
    check_page(page, "upload report", dialogs, errors)
    opened = []
    for url, status in PAGES:
        response = page.goto(base + url, wait_until="networkidle")
        assert response.status == status, url
        if status != 200:  # the browser reports the status itself as a console error
            errors[:] = [e for e in errors if "Failed to load resource" not in e]
        opened.append(open_everything(page))
        check_page(page, url, dialogs, errors)
    assert min(opened[:4]) >= 17 and max(opened[:4]) > 18, "the map pages show areas and cells with tooltips"
    exported = page.request.get(base + "/export/map.html?area=vastra-borlange&period=2025")
    assert exported.status == 200
    (tmp_path / "briefing.html").write_bytes(exported.body())
    page.goto((tmp_path / "briefing.html").as_uri(), wait_until="load")
    assert open_everything(page) > 18, "the offline export shows areas and cells with tooltips"
    check_page(page, "offline HTML export", dialogs, errors)
    context.close()


def log_in(page, base: str) -> None:
    page.goto(base + "/login", wait_until="networkidle")
    page.get_by_label("Kontonamn").fill("owner")
    page.get_by_label("Lösenord").fill(TEST_PASSWORD)
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("button", name="Logga in").click()


def upload_through_the_form(page, base: str, path) -> None:
    """Upload a payload file with a payload walk name and file name, as a team would, and land on the report."""
    path = path.with_name('"><img src=x onerror=alert(1)>.csv')
    path.write_bytes(payload_rows("Morgon ", "2025-02-12").replace(b"Morgon ", b""))
    page.goto(base + "/observations/upload", wait_until="networkidle")
    page.set_input_files("#file", str(path))
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("button", name="Ladda upp").click()
    assert "importerad: 12 observationer" in page.content()


OPEN_EVERYTHING = """() => { let opened = 0;
    for (const map of Object.values(window).filter(v => window.L && v instanceof L.Map)) {
        map.eachLayer(layer => { if (layer.getTooltip && layer.getTooltip()) { layer.openTooltip(); opened++; }
                                 if (layer.getPopup && layer.getPopup()) { layer.openPopup(); opened++; } });
    }
    document.querySelectorAll('.leaflet-control-layers').forEach(c => c.classList.add('leaflet-control-layers-expanded'));
    return opened; }"""


def open_everything(page) -> int:
    """Open every tooltip and popup of every map and expand the layer lists, where names are shown as HTML."""
    return page.evaluate(OPEN_EVERYTHING)


def check_page(page, where: str, dialogs: list, errors: list) -> None:
    assert dialogs == [], (where, dialogs)
    assert page.evaluate(INJECTED) == 0, where
    assert list(unescaped_markup(page.content())) == [], where  # the live DOM, tooltips included
    assert errors == [], (where, errors)
