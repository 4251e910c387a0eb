"""Trends: each chart draws exactly the numbers of the table beside it and of the API, from published numbers."""

from __future__ import annotations

import base64
import html
import re
from datetime import date
from xml.etree import ElementTree

import pytest

from geoapp.domain.periods import Period
from geoapp.promise.trends import trend_tertials
from tests.test_promise_followup import loaded, promise_data  # noqa: F401  (fixtures)

SVG = "{http://www.w3.org/2000/svg}"
IMAGE = re.compile(r'<div class="trend" id="trend-([^"]+)">\s*<figure[^>]*>\s*<img src="data:image/svg\+xml;base64,([^"]+)"')
ROW = re.compile(r'<tr data-area="([^"]+)" data-series="([^"]+)">(.*?)</tr>', re.S)
POINT = re.compile(r'<g id="point\|([^|]+)\|([^|]+)\|([^|]+)\|([^"]+)">')


@pytest.fixture
def app_language():
    return "en"


def number(text: str) -> float | None:
    text = html.unescape(text).strip()
    return None if text == "–" else float(text.replace(",", ""))


def test_each_chart_draws_the_numbers_of_its_table_and_of_the_api(loaded, as_role):  # noqa: F811
    viewer = as_role("viewer", on=loaded)
    page = viewer.get("/followup?area=vastra-borlange&period=2025").get_data(as_text=True)
    api = viewer.get("/api/v1/promise?area=vastra-borlange&period=2025").get_json()
    charts = dict(IMAGE.findall(page))
    assert set(charts) == {t["key"] for t in api["trends"]} >= {"observations_per_walk", "walks", "dialogues",
                                                                  "dialogue_participants", "police_presence_hours", "actions"}
    for trend in api["trends"]:
        published = {(v["area"], v["series"], v["period"]): v["value"] for v in trend["values"]}
        svg = base64.b64decode(charts[trend["key"]]).decode("utf-8")
        drawn = {(a, s, p): float(v) for a, s, p, v in POINT.findall(svg)}
        assert drawn == {key: value for key, value in published.items() if value is not None}, trend["key"]
        table_html = page.split(f'data-trend="{trend["key"]}"', 1)[1].split("</table>", 1)[0]
        table = {}
        for area, series, cells in ROW.findall(table_html):
            for period, cell in zip(trend["periods"], re.findall(r"<td>(.*?)</td>", cells)):
                table[(area, series, period)] = number(cell)
        assert table == published, trend["key"]
        assert [a["id"] for a in trend["areas"]] == ["vastra-borlange", "2081R013", "2081R004"]
    # The known data of tests/test_followup.py, as the follow-up table there has it.
    dialogues = next(t for t in api["trends"] if t["key"] == "dialogues")
    assert [v["value"] for v in dialogues["values"] if v["area"] == "vastra-borlange"] == [2, 1, 0]
    walks = next(t for t in api["trends"] if t["key"] == "walks")
    summary = viewer.get("/api/v1/summary?area=tjarna-angar&period=2025-T3").get_json()["areas"][0]
    assert next(v["value"] for v in walks["values"] if (v["area"], v["period"]) == ("2081R013", "2025-T3")) == summary["walks"]


def test_the_page_says_status_and_target_in_words_and_symbols(loaded, as_role):  # noqa: F811
    page = as_role("viewer", on=loaded).get("/followup?area=vastra-borlange&period=2025").get_data(as_text=True)
    assert "Trial promise 2025" in page and "In force in 2025." in page
    assert "at least 2 per tertial" in page and "◐ partly met" in page and "✓ met" in page


def test_trends_cover_three_years_from_the_first_with_data_and_no_tertial_to_come():
    codes = [t.code for t in trend_tertials(Period("year", 2026), date(2026, 6, 1), 2020)]
    assert codes == ["2024-T1", "2024-T2", "2024-T3", "2025-T1", "2025-T2", "2025-T3", "2026-T1", "2026-T2"]
    assert [t.code for t in trend_tertials(Period("tertial", 2025, 2), date(2026, 6, 1), 2025)] == ["2025-T1", "2025-T2"]


def y_ticks(svg: str) -> list[str]:
    """Return the tick labels of the charts' value axes, as the SVG writes them (a shared axis labels one panel)."""
    root = ElementTree.fromstring(svg)
    return [text.text.strip() for group in root.iter(SVG + "g") if group.get("id", "").startswith("ytick_")
            for text in group.iter(SVG + "text")]


@pytest.mark.parametrize("lang, separator", [("sv", ","), ("en", ".")])
def test_the_value_axis_writes_numbers_with_the_languages_decimal_separator(lang, separator):
    from geoapp.privacy.series import publish_trend
    from geoapp.promise.charts import trend_svg

    values = {"2025-T1": 4.5, "2025-T2": 10.9, "2025-T3": None}
    trend = publish_trend("observations_per_walk", "Observations per walk", "ratio", list(values),
                          [("2081R013", "Tjärna Ängar")], [("all", "All")], lambda _a, _s, p: values[p])
    ticks = y_ticks(trend_svg(trend, "–", lang).decode("utf-8"))
    assert ticks == [f"0{separator}0", f"2{separator}5", f"5{separator}0", f"7{separator}5", f"10{separator}0",
                     f"12{separator}5"]


def test_a_count_is_drawn_on_whole_ticks():
    from geoapp.privacy.series import publish_trend
    from geoapp.promise.charts import trend_svg

    values = {"2025-T1": 1, "2025-T2": 2}
    trend = publish_trend("walks", "Safety walks held", "count", list(values), [("2081R013", "Tjärna Ängar")],
                          [("walks", "Walks")], lambda _a, _s, p: values[p])
    assert y_ticks(trend_svg(trend, "–", "sv").decode("utf-8")) == ["0", "1", "2"]

