"""The action pages, API and exports as their users meet them: who sees what, filters, counts, two-click status."""

from __future__ import annotations

import html
import io

import pytest
from pypdf import PdfReader

from geoapp.actions.records import add_action
from geoapp.domain.users import Actor
from tests.actions_data import PLACE, TJARNA, form, store_walk

ANNA = Actor("anna")


@pytest.fixture
def listed(app):
    """Four actions in Tjärna Ängar: a proposal, a decided one past due, one in progress, one done at a picked point."""
    geoapp = app.extensions["geoapp"]
    ids = {}
    with app.test_request_context():
        for key, changes in (("proposal", {"title": "Förslag: ny bänk", "status": "proposed", "due": "2025-01-31"}),
                             ("late", {"title": "Byt lampor", "due": "2025-01-31"}),
                             ("ongoing", {"title": "Klipp buskage", "status": "in_progress", "responsible": "samhallsbyggnad",
                                          "due": "2099-06-30"}),
                             ("done", {"title": "Ta bort klotter <script>alert(1)</script>", "status": "done",
                                       "place": "", "lat": "60.49001", "lon": "15.40561", "responsible": "polisen"})):
            ids[key], errors = add_action(geoapp, form(**changes), ANNA)
            assert errors == {}
    return ids


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_viewers_see_decided_actions_only_and_keepers_see_proposals_too(app, as_role, listed):
    viewer, uploader = as_role("viewer"), as_role("uploader")
    seen = text_of(viewer.get("/actions"))
    assert "Byt lampor" in seen and "Klipp buskage" in seen and "Förslag: ny bänk" not in seen
    assert "beslutad: 1" in seen and "Försenade: 1" in seen
    kept = text_of(uploader.get("/actions"))
    assert "Förslag: ny bänk" in kept and "föreslagen: 1" in kept
    api = viewer.get("/api/v1/actions").get_json()
    assert sorted(f["properties"]["title"] for f in api["features"]) == sorted(
        ["Byt lampor", "Klipp buskage", "Ta bort klotter <script>alert(1)</script>"])
    assert api["counts"] == [{"area": TJARNA, "area_name": "Tjärna Ängar", "decided": 1, "in_progress": 1, "done": 1,
                              "wont_do": 0, "overdue": 1}]


def test_titles_are_escaped_on_the_list_the_map_and_its_table(app, as_role, listed):
    viewer = as_role("viewer")
    for url in ("/actions", "/"):
        page = viewer.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in page and "Ta bort klotter &lt;script&gt;alert(1)" in page


def test_the_filters_choose_by_status_responsible_and_overdue_and_refuse_the_walk_to_viewers(app, as_role, listed):
    viewer, uploader = as_role("viewer"), as_role("uploader")
    assert "Klipp buskage" in text_of(viewer.get("/actions?responsible=samhallsbyggnad"))
    assert "Byt lampor" not in text_of(viewer.get("/actions?responsible=samhallsbyggnad"))
    overdue = text_of(viewer.get("/actions?overdue=1"))
    assert "Byt lampor" in overdue and "Klipp buskage" not in overdue
    assert "Klipp buskage" not in text_of(viewer.get("/actions?status=done"))
    assert viewer.get("/actions?walk=1").status_code == 400
    assert viewer.get("/actions?status=maybe").status_code == 400
    assert viewer.get("/actions?area=nowhere").status_code == 400
    assert uploader.get("/actions?walk=1").status_code == 200


def test_a_status_changes_in_two_clicks_and_will_not_be_done_asks_for_a_reason(app, as_role, listed):
    uploader = as_role("uploader")
    page = uploader.get("/actions").get_data(as_text=True)
    assert f'action="/actions/{listed["late"]}/status"' in page
    moved = uploader.post(f"/actions/{listed['late']}/status", data={"status": "done"}, follow_redirects=True)
    assert "är nu åtgärdad" in text_of(moved)
    refused = uploader.post(f"/actions/{listed['ongoing']}/status", data={"status": "wont_do"}, follow_redirects=True)
    assert "ändrades inte" in text_of(refused)
    api = as_role("viewer").get("/api/v1/actions").get_json()
    assert {f["properties"]["title"]: f["properties"]["status"] for f in api["features"]}["Byt lampor"] == "done"


def test_a_form_without_its_csrf_token_is_refused(app, as_role, listed):
    uploader = as_role("uploader")
    uploader.environ_base.pop("HTTP_X_CSRFTOKEN")
    assert uploader.post(f"/actions/{listed['late']}/status", data={"status": "done"}).status_code == 400
    assert uploader.post("/actions/new", data=form()).status_code == 400


def test_a_picked_point_is_published_as_the_centre_of_its_250_m_square_and_a_place_as_itself(app, as_role, listed):
    features = {f["properties"]["title"]: f for f in as_role("viewer").get("/api/v1/actions").get_json()["features"]}
    picked = features["Ta bort klotter <script>alert(1)</script>"]
    assert picked["geometry"]["coordinates"] != [15.40561, 60.49001]
    from geoapp.domain.model import transformer
    e, n = transformer("EPSG:4326", "EPSG:3006").transform(*picked["geometry"]["coordinates"])
    assert abs(e % 250 - 125) < 0.5 and abs(n % 250 - 125) < 0.5
    assert features["Byt lampor"]["properties"]["place"] == PLACE
    assert features["Byt lampor"]["geometry"]["coordinates"] == [15.4056, 60.49029]
    assert all("walk" not in f["properties"] and "links" not in f["properties"] for f in features.values())


def test_the_form_from_a_walk_offers_its_squares_and_categories_and_keeps_the_link_unpublished(app, as_role):
    squares = store_walk(app)
    uploader = as_role("uploader")
    page = uploader.get("/actions/new?walk=1").get_data(as_text=True)
    assert f'value="{squares[0]}|lighting"' in page and f'value="{squares[1]}|litter"' in page
    done = uploader.post("/actions/new?walk=1", data={**form(walk="Vårvandring Tjärna"),
                                                      "links": [f"{squares[0]}|lighting"]})
    assert done.status_code == 302
    assert "Vårvandring Tjärna" in text_of(uploader.get("/actions?walk=1"))
    viewer = as_role("viewer")
    for url in ("/actions", "/api/v1/actions", "/"):
        body = viewer.get(url).get_data(as_text=True)
        assert "Vårvandring" not in body and squares[0] not in body


def test_the_briefing_pdf_has_a_page_of_the_areas_actions_and_the_walk_sheet_lists_the_open_ones(app, as_role, listed):
    viewer = as_role("viewer")
    pdf = PdfReader(io.BytesIO(viewer.get("/export/map.pdf?area=tjarna-angar").data))
    assert len(pdf.pages) == 3
    page = pdf.pages[2].extract_text()
    assert "Åtgärder: Tjärna Ängar" in page and "Ta bort klotter" in page and "Byt lampor" in page
    assert "Förslag" not in page
    sheet = PdfReader(io.BytesIO(viewer.get("/export/walksheet.pdf?area=tjarna-angar&lang=en").data))
    text = " ".join(p.extract_text() for p in sheet.pages)
    assert "Walk sheet: Tjärna Ängar" in text and "Byt lampor" in text and "Klipp buskage" in text
    assert "Ta bort klotter" not in text.split("What the last walks found")[0].split("check them on the spot")[1]


def test_the_follow_up_counts_actions_decided_done_overdue_and_open_per_tertial(app, as_role, listed):
    rows = as_role("viewer").get("/api/v1/followup?area=tjarna-angar").get_json()["rows"]
    now = rows[-1]
    # The proposal is neither decided nor open; the decided one past its due date and the ongoing one are open.
    assert (now["actions_decided"], now["actions_done"], now["actions_overdue"], now["actions_open"]) == (3, 1, 1, 2)
    assert now["median_days_to_done"] is None
    csv_text = as_role("viewer").get("/export/followup.csv?area=tjarna-angar").get_data(as_text=True)
    header = csv_text.splitlines()[0].split(",")
    assert "Beslutade åtgärder" in header and "Öppna åtgärder" in header
    assert csv_text.splitlines()[-1].split(",")[header.index("Öppna åtgärder")] == "2"


def test_the_list_downloads_for_keepers_only(app, as_role, listed):
    assert as_role("viewer").get("/export/actions.xlsx").status_code == 403
    data = as_role("uploader").get("/export/actions.csv").get_data(as_text=True)
    assert "Förslag: ny bänk" in data and data.startswith("\ufeffNr;Åtgärd")
