"""The residents' pages: who may open them, what they say in Swedish and English, and that every number is published."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from pypdf import PdfReader

from geoapp.actions.records import add_action, move_action
from geoapp.domain.users import Actor
from geoapp.export.flyer import FOOTER_TOP, HEIGHT
from geoapp.mapview.residents import closed_tertials
from geoapp.store.schema import action_history
from tests.actions_data import PLACE, form
from tests.activity_files import HEADERS, TORGET, TORGET_LATLON
from tests.observation_files import csv_bytes

STOCKHOLM = ZoneInfo("Europe/Stockholm")
LATEST, EARLIER = closed_tertials(datetime.now(STOCKHOLM).date())
WALK_NAME, COMMENT = "Kvällsvandring Anna Svensson", "Lampan vid port 7 är trasig, ring 070-1234567"
MONTHS_SV = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
             "november", "december"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]


def weekday_sv(day: date) -> str:
    return ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"][day.weekday()]


def words(period, months) -> str:
    return f"{months[period.months.start]}–{months[period.months.stop - 1]} {period.year}"


def day_in(period, offset: int) -> date:
    return period.first_day + timedelta(days=offset)


def observation_rows() -> list[list[str]]:
    """Two walks in Tjärna Ängar in the latest closed tertial: 6 lighting, 5 graffiti; none in the one before."""
    lat, lon = TORGET_LATLON
    rows = []
    for walk, day, found in [(WALK_NAME, day_in(LATEST, 10), {"lighting": 3, "graffiti": 3}),
                             ("B", day_in(LATEST, 40), {"lighting": 3, "graffiti": 2})]:
        minute = 0
        for category, n in found.items():
            for _ in range(n):
                rows.append([f"{day.isoformat()} 18:{minute:02d}", f"{lat + minute * 1e-5:.6f}", str(lon), category,
                             walk, COMMENT])
                minute += 1
    return rows


ANNOUNCED = (datetime.now(STOCKHOLM) + timedelta(days=9)).date()


def activity_rows() -> list[list[str]]:
    """A dialogue, an advice session and police presence in the latest tertial, a dialogue too recent to show,
    and a dialogue announced ahead."""
    recent = datetime.now(STOCKHOLM) - timedelta(days=1)
    return [
        [TORGET, "medborgardialog", day_in(LATEST, 20).isoformat(), "18:00", "90", "12", ""],
        [TORGET, "rådgivning", day_in(LATEST, 21).isoformat(), "10:00", "30", "4", "nej"],
        [TORGET, "polisnärvaro", day_in(LATEST, 22).isoformat(), "21:15", "90", "", ""],
        [TORGET, "medborgardialog", recent.date().isoformat(), "00:00", "30", "40", ""],
        [TORGET, "medborgardialog", ANNOUNCED.isoformat(), "17.30", "60", "", "ja"],
    ]


@pytest.fixture
def database_url(tmp_path):
    """These pages read what the store holds through the same functions as the map: SQLite is enough here."""
    yield f"sqlite:///{tmp_path / 'residents.sqlite3'}"


@pytest.fixture
def residents(make_app, tmp_path):
    """An app with the residents' pages open, the planners' map closed, and the walks and activities above."""
    from geoapp.cli import main

    app = make_app(RESIDENTS_PAGE=True, RESIDENTS_CONTACT="Trygghetssamordnaren\n0243-123 45",
                   SITE_URL="https://trygg.example.se")
    (tmp_path / "o.csv").write_bytes(csv_bytes(["date", "lat", "lon", "category", "walk", "comment"], observation_rows()))
    (tmp_path / "a.csv").write_bytes(csv_bytes([*HEADERS, "Annonserad"], activity_rows(), delimiter=";"))
    runner = app.test_cli_runner()
    for kind, name in (("observations", "o.csv"), ("activities", "a.csv")):
        result = runner.invoke(main, [kind, "import", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    return app


def text_of(response) -> str:
    """Return the visible text of a page, tags removed and spaces joined."""
    html = response.get_data(as_text=True)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def assert_nothing_private(html: str) -> None:
    assert WALK_NAME not in html and "Anna" not in html and "port 7" not in html and "070" not in html
    assert not re.search(r"\b18[:.]\d\d\b|\b21[:.]15\b", html), "no time of an observation or a past activity"
    assert not re.search(r"60[.,]49\d|15[.,]40\d", html), "no coordinate"


def test_the_page_says_in_plain_swedish_what_was_found_and_done(residents):
    response = residents.test_client().get("/omraden/tjarna-angar")
    assert response.status_code == 200
    text = text_of(response)
    assert "Trygghet i Tjärna Ängar" in text
    assert f"{words(LATEST, MONTHS_SV)} Vi gjorde 2 trygghetsvandringar." in text
    assert "Vi såg 11 saker som kan göra en plats otrygg: belysning 6 klotter / skadegörelse 5" in text
    assert f"{words(EARLIER, MONTHS_SV)} Inga trygghetsvandringar gjordes här då." in text
    assert "1 medborgardialog. 12 personer var med." in text  # the one a day ago is not shown yet
    assert "1 tillfälle med råd om trygghet." in text
    assert "Polisen var här 1 gång, 1,5 timmar." in text  # never the presence ahead
    assert f"Kom till en medborgardialog. Säg vad du tycker om tryggheten där du bor. {weekday_sv(ANNOUNCED)} " \
           f"{ANNOUNCED.day} {MONTHS_SV[ANNOUNCED.month - 1]} {ANNOUNCED.year} kl. 17.30: {TORGET}" in text
    assert "Trygghetssamordnaren 0243-123 45" in text and "Ring 112" in text
    assert_nothing_private(response.get_data(as_text=True))
    assert "<script" not in response.get_data(as_text=True)


def test_the_page_in_english_is_one_click_away(residents):
    client = residents.test_client()
    swedish = client.get("/omraden/tjarna-angar").get_data(as_text=True)
    switch = re.search(r'href="(/language/en\?next=[^"]+)"', swedish).group(1).replace("&amp;", "&")
    response = client.get(switch, follow_redirects=True)
    text = text_of(response)
    assert response.request.path == "/omraden/tjarna-angar"
    assert f"{words(LATEST, MONTHS_EN)} We made 2 safety walks." in text
    assert "We noted 11 things that can make a place feel unsafe: lighting 6 graffiti / vandalism 5" in text
    assert "1 citizen dialogue, with 12 taking part in all." in text
    assert "The police were here 1 time, 1.5 hours in all." in text
    assert f"{ANNOUNCED:%A} {ANNOUNCED.day} {ANNOUNCED:%B} {ANNOUNCED.year}, 17:30: {TORGET}" in text
    assert "Call 112 when it is urgent." in text
    assert_nothing_private(response.get_data(as_text=True))


def test_every_number_is_the_one_the_planners_api_publishes(residents, as_role):
    page = residents.test_client().get("/api/v1/residents/vastra-borlange").get_json()
    planner = as_role("viewer", on=residents)
    summary = planner.get(f"/api/v1/summary?area=vastra-borlange&period={LATEST.code}&compare=1").get_json()
    published = {e["period"]: e for e in summary["areas"] if e["id"] == "vastra-borlange"}
    cells = planner.get(f"/api/v1/cells?area=vastra-borlange&period={LATEST.code}&compare=1").get_json()
    for shown in page["periods"]:
        expected = published[shown["period"]]
        assert shown["walks"] == expected["walks"]
        assert shown["counts"] == {key: value for key, value in expected["counts"].items()
                                   if value is not None or key in ("all", "safe_place")}
        assert sorted((c["cell"], c["count"]) for c in shown["cells"]) == sorted(
            (f["properties"]["cell"], f["properties"]["count"]) for f in cells["features"]
            if f["properties"]["period"] == shown["period"] and f["properties"]["layer"] == "observations")
    assert [p["period"] for p in page["periods"]] == [LATEST.code, EARLIER.code]
    assert page["periods"][0]["counts"]["lighting"] == 6


def test_the_small_map_draws_the_published_squares_only(residents):
    html = residents.test_client().get("/omraden/tjarna-angar").get_data(as_text=True)
    latest, earlier = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg"[^>]*class="sketch">.*?</svg>', html)
    page = residents.test_client().get("/api/v1/residents/tjarna-angar").get_json()
    squares = lambda svg: len(re.findall(r'stroke="#ffffff"', svg))  # noqa: E731
    assert squares(latest) == len(page["periods"][0]["cells"]) >= 1
    assert squares(earlier) == 0
    assert "<title" in latest and 'role="img"' in latest


def test_the_pages_open_without_login_only_through_their_own_setting(make_app):
    closed = make_app(PUBLIC_MAP=True).test_client()
    for url in ("/omraden", "/omraden/tjarna-angar", "/omraden/tjarna-angar/affisch.pdf"):
        response = closed.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next="), url
    assert closed.get("/api/v1/residents/tjarna-angar").status_code == 401
    assert closed.get("/").status_code == 200  # the planners' map, public on its own setting

    opened = make_app(RESIDENTS_PAGE=True).test_client()
    index = opened.get("/omraden")
    assert index.status_code == 200
    assert 'href="/omraden/tjarna-angar"' in index.get_data(as_text=True)
    root = opened.get("/")
    assert root.status_code == 302 and root.headers["Location"] == "/omraden"
    assert opened.get("/api/v1/summary").status_code == 401  # the planners' numbers stay closed
    assert opened.get("/omraden/nowhere").status_code == 404


def flyer_of(app, language: str) -> PdfReader:
    client = app.test_client()
    client.set_cookie("lang", language)
    response = client.get("/omraden/tjarna-angar/affisch.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return PdfReader(io.BytesIO(response.data))


@pytest.mark.parametrize("language, expected, other", [
    ("sv", ["Trygghet i Tjärna Ängar", "Vi gjorde 2 trygghetsvandringar.", "belysning: 6",
            "1 medborgardialog. 12 personer var med.", "Läs mer och se kartan i mobilen:"],
     "In English: https://trygg.example.se/language/en?next=/omraden/tjarna-angar"),
    ("en", ["Safety in Tjärna Ängar", "We made 2 safety walks.", "lighting: 6",
            "1 citizen dialogue, with 12 taking part in all.", "Read more and see the map on your phone:"],
     "På svenska: https://trygg.example.se/language/sv?next=/omraden/tjarna-angar"),
])
def test_the_flyer_is_one_a4_page_with_the_page_and_a_qr_code_to_it(residents, language, expected, other):
    import zxingcpp

    reader = flyer_of(residents, language)
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4 in points
    text = " ".join(page.extract_text().split())
    for line in expected:
        assert line in text, line
    assert other in text
    made = date.today().isoformat() if language == "sv" else f"{date.today().day} "
    assert made in text
    assert "Trygghetssamordnaren" in text
    assert_nothing_private(text)
    codes = [result.text for image in page.images
             for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(image.data)).convert("L"))]
    assert codes == ["https://trygg.example.se/omraden/tjarna-angar"]


@pytest.mark.parametrize("kind, announced, problem", [
    ("polisnärvaro", "ja", "endast en medborgardialog kan annonseras i förväg; polisnärvaro aldrig"),
    ("rådgivning", "ja", "endast en medborgardialog kan annonseras i förväg; polisnärvaro aldrig"),
    ("medborgardialog", "", "datumet ligger i framtiden"),
])
def test_only_an_announced_dialogue_is_stored_ahead(app, runner, as_role, tmp_path, kind, announced, problem):
    rows = [[TORGET, kind, ANNOUNCED.isoformat(), "18:00", "60", "", announced]]
    (tmp_path / "a.csv").write_bytes(csv_bytes([*HEADERS, "Annonserad"], rows, delimiter=";"))
    result = runner("activities", "import", str(tmp_path / "a.csv"))
    assert result.exit_code == 1
    assert problem in result.output and "rad 2" in result.output
    shown = as_role("viewer").get("/api/v1/residents/tjarna-angar")
    assert shown.status_code == 200 and shown.get_json()["invitations"] == []


def test_an_uploader_announces_a_dialogue_on_the_form(app, as_role):
    uploader = as_role("uploader")
    form = {"place": TORGET, "kind": "dialogue", "date": ANNOUNCED.isoformat(), "time": "18:00", "duration": "60",
            "participants": "", "announced": "yes"}
    assert uploader.post("/activities/new", data={**form, "kind": "police_presence"}).status_code == 400
    assert uploader.post("/activities/new", data={**form, "announced": ""}).status_code == 400
    assert uploader.post("/activities/new", data=form).status_code == 302
    shown = uploader.get("/api/v1/residents/tjarna-angar").get_json()["invitations"]
    assert shown == [{"place": TORGET, "starts": datetime.combine(ANNOUNCED, time(18), tzinfo=STOCKHOLM).isoformat()}]


def decided_then_done(app, title: str, day: date) -> None:
    """Store an action decided the day before `day` and marked done on it (noon in Sweden)."""
    geoapp, anna = app.extensions["geoapp"], Actor("anna")
    with app.test_request_context():
        action_id, errors = add_action(geoapp, form(title=title), anna)
        assert errors == {}
        assert move_action(geoapp, action_id, "done", anna) == {}
    done = datetime.combine(day, time(12), STOCKHOLM)
    c = action_history.c
    with geoapp.store.begin() as conn:
        conn.execute(action_history.update().where(c.action_id == action_id, c.to_status == "decided")
                     .values(at=done - timedelta(days=1)))
        conn.execute(action_history.update().where(c.action_id == action_id, c.to_status == "done").values(at=done))


@pytest.fixture
def acted(residents):
    """The residents' app with an action done in the latest tertial, one under way and one only proposed."""
    decided_then_done(residents, "Byt belysning vid torget", day_in(LATEST, 10))
    with residents.test_request_context():
        for changes in ({"title": "Klipp buskage", "status": "in_progress", "due": "2099-06-30", "place": "",
                         "lat": "60.49001", "lon": "15.40561", "category": ""},
                        {"title": "Förslag: ny bänk", "status": "proposed"}):
            assert add_action(residents.extensions["geoapp"], form(**changes), Actor("anna"))[1] == {}
    return residents


@pytest.mark.parametrize("language, done, under_way", [
    ("sv", f"Vad vi gjorde {{latest}} Byt belysning vid torget (belysning, {PLACE})",
     "På gång Klipp buskage (ingen särskild plats) Klart i juni 2099."),
    ("en", f"What was done {{latest}} Byt belysning vid torget (lighting, {PLACE})",
     "Under way Klipp buskage (no named place) Ready in June 2099."),
])
def test_the_page_says_what_was_done_and_what_is_under_way_but_never_a_proposal(acted, language, done, under_way):
    client = acted.test_client()
    client.set_cookie("lang", language)
    text = text_of(client.get("/omraden/tjarna-angar"))
    latest = words(LATEST, MONTHS_SV if language == "sv" else MONTHS_EN)
    assert done.format(latest=latest) in text
    assert under_way in text
    assert "Förslag" not in text
    assert_nothing_private(text)


def test_the_json_says_what_was_done_too(acted):
    page = acted.test_client().get("/api/v1/residents/tjarna-angar").get_json()
    assert [p["actions_done"] for p in page["periods"]] == [
        [{"title": "Byt belysning vid torget", "category": "lighting", "category_label": "belysning", "place": PLACE}],
        []]
    assert page["actions_under_way"] == [{"title": "Klipp buskage", "category": None, "category_label": None,
                                          "place": None, "status": "in_progress", "due_month": "2099-06"}]
    assert "Förslag" not in str(page)


def flyer_lines(reader: PdfReader) -> list[tuple[float, str]]:
    """Return each text line of the flyer's page as (mm from the top of the page to its lowest point, text)."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():  # a baseline in points from the page's foot, less the font's descent
            found.append((HEIGHT - (tm[5] * cm[3] + cm[5] - 0.25 * size) * 25.4 / 72, text.strip()))

    reader.pages[0].extract_text(visitor_text=visit)
    return found


def assert_body_above_footer(reader: PdfReader, language: str) -> None:
    """Assert that only the footer's lines (the address, the other language's and the date made) lie below its top."""
    below = [text for bottom, text in flyer_lines(reader) if bottom > FOOTER_TOP]
    read_more = {"sv": "Läs mer och se kartan i mobilen:", "en": "Read more and see the map on your phone:"}[language]
    assert below[:2] == [read_more, "https://trygg.example.se/omraden/tjarna-angar"], below
    assert len(below) == 4 and below[2].startswith(("In English:", "På svenska:")), below
    assert below[3].startswith(("Gjord ", "Made ")), below


@pytest.mark.parametrize("language, expected", [
    ("sv", ["Vad vi gjorde", "Alla åtgärder finns på webbsidan: skanna QR-koden nedan.", "På gång",
            f"Byt belysning vid torget (belysning, {PLACE})",
            "Klipp buskage (ingen särskild plats) Klart i juni 2099."]),
    ("en", ["What was done", "All actions are on the web page: scan the QR code below.", "Under way",
            f"Byt belysning vid torget (lighting, {PLACE})", "Klipp buskage (no named place) Ready in June 2099."]),
])
def test_the_flyer_says_what_was_done_and_what_is_under_way_above_its_footer(acted, language, expected):
    reader = flyer_of(acted, language)
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    for line in expected:
        assert line in text, line
    assert words(LATEST, MONTHS_SV if language == "sv" else MONTHS_EN) in text
    assert "Förslag" not in text
    assert_body_above_footer(reader, language)


LONG = ("längs gångvägen mellan skolan, idrottsplatsen och torget, och klipp ner buskarna som skymmer sikten vid "
        "busshållplatsen så att den som väntar där en kväll i november ser och syns")


@pytest.fixture
def crowded(residents):
    """The residents' app with nine long actions done in the latest tertial and seven long ones under way."""
    for i in range(1, 10):
        decided_then_done(residents, f"Klart nummer {i}: byt till ljusare lampor {LONG}"[:200], day_in(LATEST, 5 + i))
    with residents.test_request_context():
        for i in range(1, 8):
            changes = {"title": f"Pågår nummer {i}: sätt upp belysning {LONG}"[:200], "status": "in_progress",
                       "due": f"2099-{i:02d}-28"}
            assert add_action(residents.extensions["geoapp"], form(**changes), Actor("anna"))[1] == {}
    return residents


@pytest.mark.parametrize("language, more, month", [("sv", "… och {n} till", "Klart i {month} 2099."),
                                                    ("en", "… and {n} more", "Ready in {month} 2099.")])
def test_many_long_actions_are_cut_short_and_counted_above_the_footer(crowded, language, more, month):
    reader = flyer_of(crowded, language)
    assert len(reader.pages) == 1
    lines = [text for _, text in flyer_lines(reader)]
    text = " ".join(" ".join(lines).split())
    months = MONTHS_SV if language == "sv" else MONTHS_EN
    done = [i for i in range(1, 10) if f"Klart nummer {i}:" in text]
    under_way = [i for i in range(1, 8) if f"Pågår nummer {i}:" in text]
    # The first ones are shown, each cut short with "…", and the line after them counts the rest.
    assert done == list(range(1, len(done) + 1)) and 1 <= len(done) < 9, done
    assert under_way == list(range(1, len(under_way) + 1)) and 1 <= len(under_way) < 7, under_way
    assert more.format(n=9 - len(done)) in lines and more.format(n=7 - len(under_way)) in lines, lines
    assert LONG not in text and "ser och syns" not in text
    assert sum(line.endswith("…") for line in lines) == len(done)  # an action under way ends in its month
    for i in under_way:
        assert f"… {month.format(month=months[i - 1])}" in text, i
    assert_body_above_footer(reader, language)


@pytest.fixture
def busy(crowded, tmp_path):
    """The crowded app with four more citizen dialogues announced, five in all, and a contact of four lines."""
    from geoapp.cli import main

    rows = [[TORGET, "medborgardialog", (ANNOUNCED + timedelta(days=7 * i)).isoformat(), "17.30", "60", "", "ja"]
            for i in range(1, 5)]
    (tmp_path / "more.csv").write_bytes(csv_bytes([*HEADERS, "Annonserad"], rows, delimiter=";"))
    result = crowded.test_cli_runner().invoke(main, ["activities", "import", str(tmp_path / "more.csv")])
    assert result.exit_code == 0, result.output
    crowded.extensions["geoapp"].settings["RESIDENTS_CONTACT"] = (
        "Trygghetssamordnaren\n0243-123 45\ntrygghet@borlange.example.se\nBesök: Stadshuset, Borlänge")
    return crowded


@pytest.mark.parametrize("language, more", [("sv", "… och {n} till"), ("en", "… and {n} more")])
def test_many_dialogues_and_actions_share_the_room_above_the_footer(busy, language, more):
    reader = flyer_of(busy, language)
    assert len(reader.pages) == 1
    lines = [text for _, text in flyer_lines(reader)]
    text = " ".join(" ".join(lines).split())
    assert "Klart nummer 1:" in text and "Pågår nummer 1:" in text  # the actions keep their lines
    assert "trygghet@borlange.example.se" in text
    dialogues = len(re.findall(r"\b17[.:]30: Torget", text))  # each announced at half past five
    assert dialogues >= 1 and (dialogues == 5 or more.format(n=5 - dialogues) in lines), (dialogues, lines)
    assert_body_above_footer(reader, language)
