"""An empty map answers: why it shows nothing, and links to the periods and views that show something."""

from __future__ import annotations

import random
import re
from datetime import datetime

import pytest

from geoapp.privacy.outlook import PeriodShows, PublishedOutlook
from geoapp.privacy.seal import SealError
from tests.observations import Obs, random_points, store_observations
from tests.test_planmap import BUSY, STOCKHOLM, TJARNA, inside, walk_data


@pytest.fixture
def app(make_app):
    """A public map with the walks of May 2025, two short walks in June and litter in September in Tjärna Ängar."""
    app = make_app(PUBLIC_MAP=True)
    rows = walk_data(app, random.Random(5))
    points = random_points(inside(app, BUSY[0]), 3, random.Random(6))
    rows += [Obs(f"walk-6-{i % 2}", datetime(2025, 6, 10 + i % 2, 18, tzinfo=STOCKHOLM), "lighting", e, n, TJARNA)
             for i, (e, n) in enumerate(points)]
    # Litter in September: six observations from three walks, two in each of three squares.
    for s, place in enumerate(BUSY[:3]):
        for i, (e, n) in enumerate(random_points(inside(app, place), 2, random.Random(s))):
            rows.append(Obs(f"walk-9-{(s + i) % 3}", datetime(2025, 9, 10 + i, 18, tzinfo=STOCKHOLM), "litter", e, n,
                            TJARNA))
    store_observations(app.extensions["geoapp"].store, rows)
    return app


def answer_of(page: str) -> str:
    """Return the text of the page's empty-map answers, one line each, or '' when there is none."""
    found = re.findall(r'<div class="empty-answer".*?</div>', page, re.S)
    return "\n".join(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", f)).strip() for f in found)


def links_of(page: str) -> list[str]:
    found = re.findall(r'<div class="empty-answer".*?</div>', page, re.S)
    return [href.replace("&amp;", "&") for f in found for href in re.findall(r'href="([^"]+)"', f)]


def test_a_view_with_squares_has_no_answer(client):
    page = client.get("/?area=tjarna-angar&period=2025-05").get_data(as_text=True)
    assert answer_of(page) == ""


def test_a_period_without_walks_says_so_and_links_periods_that_show_squares(client):
    page = client.get("/?area=tjarna-angar&period=2025-03").get_data(as_text=True)
    answer = answer_of(page)
    assert "Inga vandringar i Tjärna Ängar under 2025-03" in answer
    assert "Perioder som visar rutor här:" in answer
    links = links_of(page)
    assert "/?period=2025-05&area=tjarna-angar&category=all" in links
    assert "/?period=2025&area=tjarna-angar&category=all" in links
    # Each link leads to a map that draws squares, and answers nothing.
    for link in links:
        assert answer_of(client.get(link).get_data(as_text=True)) == "", link


def test_english_says_no_walks(make_app, app):
    english = app.test_client()
    english.get("/language/en")
    answer = answer_of(english.get("/?area=tjarna-angar&period=2025-03").get_data(as_text=True))
    assert "No walks in Tjärna Ängar during 2025-03" in answer and "Periods that show squares here:" in answer


def test_withheld_squares_link_the_coarser_view(client):
    page = client.get("/?area=tjarna-angar&period=2025-06").get_data(as_text=True)
    answer = answer_of(page)
    assert "Inga rutor i Tjärna Ängar visas för 2025-06" in answer
    assert "minst 5 observationer från minst 2 vandringar" in answer
    assert "Prova den grövre vyn: 2025-T2 (tertial)" in answer
    assert links_of(page)[0] == "/?period=2025-T2&area=tjarna-angar&category=all"


def test_a_compared_period_without_walks_answers_beside_the_one_with_squares(client):
    page = client.get("/?area=tjarna-angar&period=2025-T2&compare=1").get_data(as_text=True)
    answer = answer_of(page)
    assert answer.count("empty") == 0 and "Inga vandringar i Tjärna Ängar under 2025-T1" in answer
    assert len(re.findall(r'class="empty-answer"', page)) == 1


def test_a_category_counted_in_the_area_but_in_no_square_says_so(client):
    page = client.get("/?area=tjarna-angar&period=2025-09&category=litter").get_data(as_text=True)
    answer = answer_of(page)
    assert ("6 observationer av nedskräpning i Tjärna Ängar under 2025-09, men ingen ruta har tillräckligt många av dem "
            "för att visas för sig.") in answer
    # The same published number as the table's.
    assert re.search(r"<td>nedskräpning</td>\s*<td>6</td>", page)
    assert "Ingen period visar rutor med nedskräpning i det här området ännu" in answer
    assert links_of(page) == []


def test_a_category_without_squares_links_the_map_of_all_categories(client):
    page = client.get("/?area=tjarna-angar&period=2025-05&category=litter").get_data(as_text=True)
    assert "Inga rutor med nedskräpning i Tjärna Ängar visas för 2025-05" in answer_of(page)
    assert links_of(page) == ["/?area=tjarna-angar&period=2025-05&category=all"]


def test_english_explains_a_category_without_squares(app):
    english = app.test_client()
    english.get("/language/en")
    answer = answer_of(english.get("/?area=tjarna-angar&period=2025-09&category=litter").get_data(as_text=True))
    assert "6 observations of litter in Tjärna Ängar during 2025-09, but no square holds enough" in answer


def test_what_the_periods_show_is_sealed_by_the_privacy_rules():
    with pytest.raises(SealError):
        PublishedOutlook("tjarna-angar", None, ())
    with pytest.raises(SealError):
        PeriodShows(None, 2, 1, 1)


def period_options(page: str) -> list[str]:
    menu = re.search(r'<select id="period" name="period">(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="([^"]+)"', menu)


def test_the_period_menu_offers_the_periods_with_walks_and_the_one_chosen(client):
    options = period_options(client.get("/?area=tjarna-angar&period=2025-05").get_data(as_text=True))
    assert options == ["2025", "2025-T3", "2025-T2", "2025-09", "2025-06", "2025-05"]
    # A period without walks asked for by its address stays chosen, and says why it is empty.
    page = client.get("/?area=tjarna-angar&period=2025-03").get_data(as_text=True)
    assert period_options(page) == ["2025", "2025-T3", "2025-T2", "2025-09", "2025-06", "2025-05", "2025-03"]
    assert '<option value="2025-03" selected>' in page


def test_an_area_without_walks_offers_only_the_period_chosen(client):
    page = client.get("/?area=2081R001&period=2025").get_data(as_text=True)
    assert period_options(page) == ["2025"]
    assert "Inga vandringar" in answer_of(page) and "Ingen period visar rutor i det här området ännu" in answer_of(page)
