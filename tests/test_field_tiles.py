"""GET /observations/field/tiles.json lists the stored basemap's tiles of the walk area the field form's phone keeps:
only tiles the archive has, over the area, shallow zooms first, within GEOAPP_FIELD_TILES_MB, for uploaders alone."""

from __future__ import annotations

import html
import json
import re

import mercantile

from tests.basemap_archives import boundaries, borlange_tiles, noisy_tile, plain_tile, tiles_around, write_mbtiles
from tests.test_basemap_tiles import with_basemap

LIST = "/observations/field/tiles.json"
WALK_AREA = ["2081R013", "2081R004"]  # Västra Borlänge, the group the walks are made for


def walk_bounds() -> tuple[float, float, float, float]:
    west, south, east, north = boundaries()[boundaries()["code"].isin(WALK_AREA)].total_bounds
    return west, south, east, north


def overlaps(tile, bounds) -> bool:
    box = mercantile.bounds(tile)
    west, south, east, north = bounds
    return box.west < east and box.east > west and box.south < north and box.north > south


def archive(tmp_path, render=plain_tile):
    """Return the tiles of an archive deep over the walk area (zooms 13 to 16, some of 15 missing) and its path."""
    tiles = {**borlange_tiles(), **tiles_around(WALK_AREA, range(13, 17), reach=0.2, render=render)}
    missing = sorted(t for t in tiles if t.z == 15 and overlaps(t, walk_bounds()))[::3]
    for tile in missing:
        del tiles[tile]
    return tiles, write_mbtiles(tmp_path / "baskarta.mbtiles", tiles)


def test_the_list_holds_the_existing_tiles_over_the_walk_area_shallow_zooms_first(make_app, as_role, tmp_path):
    tiles, path = archive(tmp_path)
    app = with_basemap(make_app(TILES=None), path)
    response = as_role("uploader", on=app).get(LIST)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    listed = [mercantile.Tile(x, y, z) for z, x, y in body["tiles"]]
    # From the zoom showing the whole area on a phone (13) to the archive's deepest (16), the form's map's zooms.
    assert {t.z for t in listed} == {13, 14, 15, 16}
    assert [t.z for t in listed] == sorted(t.z for t in listed)
    assert all(t in tiles for t in listed) and all(overlaps(t, walk_bounds()) for t in listed)
    wanted = [t for t in mercantile.tiles(*walk_bounds(), range(13, 17)) if t in tiles]
    assert len(listed) == len(set(listed)) == len(wanted) == body["total"] and not body["capped"]


def test_the_list_stops_at_the_size_cap(make_app, as_role, tmp_path):
    tiles, path = archive(tmp_path, render=noisy_tile)
    app = with_basemap(make_app(TILES=None, FIELD_TILES_MB=1), path)
    body = as_role("uploader", on=app).get(LIST).get_json()
    listed = [mercantile.Tile(x, y, z) for z, x, y in body["tiles"]]
    assert body["capped"] and 0 < len(listed) < body["total"]
    assert sum(len(tiles[t]) for t in listed) <= 2**20
    assert listed[:2] == sorted(mercantile.tiles(*walk_bounds(), [13]))  # the shallowest zoom is whole


def test_the_list_is_for_uploaders_and_empty_without_a_stored_basemap(make_app, as_role, tmp_path):
    _tiles, path = archive(tmp_path)
    app = with_basemap(make_app(TILES=None, PUBLIC_MAP=True), path)
    anonymous = app.test_client()
    assert anonymous.get(LIST, headers={"Accept": "application/json"}).status_code == 401
    assert anonymous.get(LIST).headers["Location"] == f"/login?next={LIST}"
    assert as_role("viewer", on=app).get(LIST, headers={"Accept": "application/json"}).status_code == 403
    page = as_role("uploader", on=app).get("/observations/field").get_data(as_text=True)
    assert f'data-walk-tiles="{LIST}"' in page and 'data-tiles-mb="16"' in page
    options = json.loads(html.unescape(re.search(r"data-tile-options='([^']*)'", page).group(1)))
    assert options["minNativeZoom"] == 12 and options["maxNativeZoom"] == 16
    for settings in ({"TILES": "none"}, {"TILES": None, "FIELD_TILES_MB": 0}):
        other = with_basemap(make_app(**settings), path, "--replace")
        uploader = as_role("uploader", on=other)
        assert uploader.get(LIST).get_json() == {"tiles": [], "total": 0, "capped": False}
        assert "data-walk-tiles" not in uploader.get("/observations/field").get_data(as_text=True)
