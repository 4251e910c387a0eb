"""The upload report says where and when the stored rows are, links each area's map, and warns of far-off rows."""

from __future__ import annotations

import io
import re

import pytest
from pyproj import Transformer

from tests.observation_files import EN_HEADERS, PLACES_WGS84, SV_HEADERS, counts, csv_bytes, sv_rows

JSON = {"Accept": "application/json"}
JAKOBS_WGS84 = Transformer.from_crs(3006, 4326, always_xy=True).transform(521375, 6706125)[::-1]  # lat, lon
# One digit mistyped in the latitude of the first place (60.49… written 60.40…): 10 km south, in another area.
MISTYPED_LAT = "60,402869"


@pytest.fixture
def client(as_role):
    return as_role("uploader")


def post(client, data: bytes, filename: str = "walk.csv", headers=None):
    return client.post("/observations/upload", data={"file": (io.BytesIO(data), filename)}, headers=headers or {},
                       content_type="multipart/form-data")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(html: str, heading: str) -> str:
    """Return the HTML from the heading `heading` to the next heading or the end."""
    start = html.index(f"<h2>{heading}</h2>")
    following = html.find("<h2>", start + 4)
    return html[start:following if following > 0 else None]


def area_name(app, code: str) -> str:
    return app.extensions["geoapp"].areas_by_id()[code]["name"]


def walk_of_five(headers=SV_HEADERS) -> list[list]:
    """Five rows of one walk in Tjärna Ängar on 14 January 2025, in Swedish."""
    rows = sv_rows() + sv_rows()[:2]
    for i, row in enumerate(rows):
        row[1] = f"18.{10 + i * 5}"
    return rows


def test_the_report_names_the_areas_and_dates_and_links_their_maps(client):
    rows = walk_of_five()
    lat, lon = JAKOBS_WGS84
    rows.append(["2025-03-02", "19.00", f"{lat:.6f}".replace(".", ","), f"{lon:.6f}".replace(".", ","), "belysning", "2",
                 "nej", "", "Vinter 2025"])
    response = post(client, csv_bytes(SV_HEADERS, rows, delimiter=";"))
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    where = text_of(section(html, "Var och när"))
    assert "Tjärna Ängar: 2025-01-14 — kartan över Tjärna Ängar, 2025-01" in where
    assert "Jakobsgårdarna" in where and "2025-03-02 — kartan över" in where
    listed = re.search(r'<ul class="covered">.*?</ul>', html, re.S).group(0)
    links = [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', listed)]
    assert links == ["/?area=2081R013&period=2025-01", "/?area=2081R004&period=2025-03"]
    assert client.get(links[0]).status_code == 200


def test_dates_across_months_link_the_tertial_and_across_years_each_year(client, app):
    rows = walk_of_five()
    rows[1][0], rows[2][0] = "2025-03-20", "2024-11-05"
    body = post(client, csv_bytes(SV_HEADERS, rows, delimiter=";"), headers=JSON).get_json()
    assert body["covered"] == [{"area": "2081R013", "name": "Tjärna Ängar", "first": "2024-11-05", "last": "2025-03-20",
                                "periods": ["2024-11", "2025-T1"]}]


def test_a_point_far_from_the_rest_of_its_walk_is_stored_with_a_warning_naming_file_row_and_column(client, app):
    rows = walk_of_five()
    rows[3][2] = MISTYPED_LAT
    before = counts(app)["observations"]
    response = post(client, csv_bytes(SV_HEADERS, rows, delimiter=";"), filename="vinter.csv")
    assert response.status_code == 201 and counts(app)["observations"] == before + 5
    html = response.get_data(as_text=True)
    check = section(html, "Rader att kontrollera")
    cells = [text_of(c).strip() for c in re.findall(r"<td>(.*?)</td>", check, re.S)]
    far = area_name(app, _code_at(app, MISTYPED_LAT))
    assert cells[:4] == ["vinter.csv", "5", "Latitud", MISTYPED_LAT]
    assert cells[4] == f"punkten ligger 10,0 km från mitten av vandringen Vinter 2025, i {far}; kontrollera latitud"
    assert len(cells) == 5  # the other four rows lie together
    assert "kartan över " + far in text_of(section(html, "Var och när"))


def _code_at(app, lat_text: str) -> str:
    import shapely

    e, n = Transformer.from_crs(4326, 3006, always_xy=True).transform(PLACES_WGS84[0][1], float(lat_text.replace(",", ".")))
    frame = app.extensions["geoapp"].area_frame()
    regso = frame[frame["kind"] == "regso"]
    return regso[regso.contains(shapely.Point(e, n))]["id"].iloc[0]


def test_the_warning_is_in_the_json_and_in_english(client, app):
    client.set_cookie("lang", "en")
    rows = [["2025-06-02 20:1%d" % i, lat, lon, "lighting", "2", "no", "", "<b>Summer</b>"]
            for i, (lat, lon) in enumerate(PLACES_WGS84 * 2)]
    rows[4][2] = PLACES_WGS84[1][1] + 0.2  # the longitude 11 km east
    response = post(client, csv_bytes(EN_HEADERS, rows), headers=JSON)
    body = response.get_json()
    assert response.status_code == 201, body
    [warning] = body["warnings"]
    assert (warning["row"], warning["column"]) == (6, "Lon")
    assert re.fullmatch(r"the point lies 1\d\.\d km from the middle of walk <b>Summer</b>, in .+; check the longitude",
                        warning["message"])
    html = post(client, csv_bytes(EN_HEADERS, rows[:5] + [rows[5][:7] + ["other"]])).get_data(as_text=True)
    assert "<b>Summer</b>" not in html and "&lt;b&gt;Summer&lt;/b&gt;" in html
    assert "Rows to check" in html and "check the longitude" in html


def test_a_walk_whose_points_lie_together_gets_no_warning(client):
    html = post(client, csv_bytes(SV_HEADERS, walk_of_five(), delimiter=";")).get_data(as_text=True)
    assert "Rader att kontrollera" not in html


def test_the_command_line_prints_areas_dates_and_warnings(runner, tmp_path, app):
    rows = walk_of_five()
    rows[3][2] = MISTYPED_LAT
    path = tmp_path / "vinter.csv"
    path.write_bytes(csv_bytes(SV_HEADERS, rows, delimiter=";"))
    result = runner("observations", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Tjärna Ängar: 2025-01-14 (karta: 2025-01)" in result.output
    assert "kontrollera: vinter.csv, rad 5, kolumn 'Latitud': punkten ligger 10,0 km" in result.output
