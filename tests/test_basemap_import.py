"""`geoapp basemap import`, `show` and `remove`: what is stored, what is refused, and that a refusal changes nothing."""

from __future__ import annotations

import io
import re
import stat
from pathlib import Path

import pytest
from PIL import Image
from pmtiles.tile import TileType

from geoapp.basemap.checks import MAX_ZOOM_AT_LEAST
from geoapp.basemap.grid import probe_tiles
from geoapp.cli import main as cli_main
from tests.basemap_archives import (ATTRIBUTION, BOUNDARIES, CENTRE, as_jpeg, borlange_tiles, boundaries,  # noqa: F401
                                    bounds_of, shifted, vector_tiles, write_geopackage, write_mbtiles,
                                    write_pmtiles)

TILE_URL = f"/tiles/{CENTRE.z}/{CENTRE.x}/{CENTRE.y}.png"


def geoapp(app, *args):
    """Run `geoapp ARGS` against `app`."""
    return app.test_cli_runner().invoke(cli_main, [str(a) for a in args])


@pytest.fixture
def public(make_app):
    """An app whose map, and so whose tiles, anyone may see, with GEOAPP_TILES at its default."""
    return make_app(PUBLIC_MAP=True, TILES=None)


def stored_files(app) -> dict[str, tuple[int, int, int]]:
    """Return each file of the basemap folder (but its lock) with its inode, size and mode."""
    folder = Path(app.instance_path) / "basemap"
    if not folder.is_dir():
        return {}
    return {p.name: (p.stat().st_ino, p.stat().st_size, stat.S_IMODE(p.stat().st_mode))
            for p in folder.iterdir() if p.name != ".lock"}


def served(app, url: str = TILE_URL) -> bytes | int:
    """Return the bytes of a tile as served, or the status when it is not."""
    response = app.test_client().get(url)
    return response.data if response.status_code == 200 else response.status_code


@pytest.mark.parametrize("kind", ["mbtiles", "pmtiles", "gpkg"])
def test_each_format_imports_and_reports_what_it_holds(public, tmp_path, kind):
    writer = {"mbtiles": write_mbtiles, "pmtiles": write_pmtiles, "gpkg": write_geopackage}[kind]
    path = writer(tmp_path / f"baskarta.{kind}", borlange_tiles())
    extra = ["--attribution", "© Borlänge kommun"] if kind == "gpkg" else []  # a GeoPackage names nobody
    result = geoapp(public, "basemap", "import", path, *extra)
    assert result.exit_code == 0, result.output
    name = {"mbtiles": "MBTiles", "pmtiles": "PMTiles", "gpkg": "GeoPackage (baskarta)"}[kind]
    west, south, east, north = (f"{v:.4f}".replace(".", ",") for v in bounds_of(borlange_tiles()))
    expected = [f"importerat: bakgrundskartan baskarta.{kind}", f"format: {name}, kartplattor i PNG",
                "zoomnivåer: 12 till 16", f"utbredning: {west}; {south}; {east}; {north} (väst, syd, öst, nord)",
                f"kartplattor: {len(borlange_tiles())}",
                f"upphovsangivelse: {'© Borlänge kommun' if kind == 'gpkg' else ATTRIBUTION}",
                "kartorna visar den (GEOAPP_TILES=local), från /tiles/"]
    for line in expected:
        assert line in result.output
    shown = geoapp(public, "basemap", "show")
    assert shown.exit_code == 0 and f"bakgrundskarta: baskarta.{kind}, importerad " in shown.output
    assert all(line in shown.output for line in expected[1:])
    assert served(public) == borlange_tiles()[CENTRE]
    files = stored_files(public)
    archive, description = sorted(files)
    assert re.fullmatch(rf"archive-[0-9a-f]{{16}}\.{kind}", archive) and description == "basemap.json"
    assert {mode for _ino, _size, mode in files.values()} == {0o600}
    assert stat.S_IMODE((Path(public.instance_path) / "basemap").stat().st_mode) == 0o700


def test_commands_speak_english_when_told(make_app, tmp_path):
    app = make_app(LANGUAGE="en", PUBLIC_MAP=True)
    result = geoapp(app, "basemap", "import", write_mbtiles(tmp_path / "b.mbtiles", borlange_tiles()))
    assert result.exit_code == 0
    assert "imported: basemap b.mbtiles" in result.output and "zoom levels: 12 to 16" in result.output
    again = geoapp(app, "basemap", "import", tmp_path / "b.mbtiles")
    assert again.exit_code == 1
    assert "rejected: b.mbtiles: a basemap is stored already (b.mbtiles); --replace swaps it for this one" in again.stderr


def draw_over(data: bytes) -> bytes:
    """Return a tile with the same address drawn differently (a second version of the municipality's map)."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    image.paste((200, 30, 30), (0, 0, 64, 64))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def not_an_image(tiles):
    return {t: (b"\x89PNG\r\n\x1a\n truncated" if t == CENTRE else data) for t, data in tiles.items()}


def text_file(path: Path) -> Path:
    path.write_text("name;lat;lon\nTorget;60.48;15.43\n", encoding="utf-8")
    return path


def boundaries_only(path: Path) -> Path:
    path.write_bytes(BOUNDARIES.read_bytes())
    return path


BAD = {
    "not-an-archive": (text_file, [], "not an MBTiles, PMTiles or GeoPackage tile archive"),
    "features-only": (boundaries_only, [], "a GeoPackage without a tile layer"),
    "vector-mbtiles": (lambda p: write_mbtiles(p, vector_tiles(borlange_tiles()), tile_format="pbf"), [],
                       "it holds vector tiles (pbf); geoapp serves raster tiles only: PNG, JPEG or WebP"),
    "vector-pmtiles": (lambda p: write_pmtiles(p, vector_tiles(borlange_tiles()), tile_type=TileType.MVT), [],
                       "it holds vector tiles (pbf)"),
    "avif": (lambda p: write_mbtiles(p, borlange_tiles(), tile_format="avif"), [], "its tiles are avif"),
    "too-shallow": (lambda p: write_mbtiles(p, {t: d for t, d in borlange_tiles().items() if t.z < MAX_ZOOM_AT_LEAST}), [],
                    "it holds zoom levels 12 to 12; a basemap needs zoom 12 or lower"),
    "no-attribution": (lambda p: write_mbtiles(p, borlange_tiles(), attribution=None), [],
                       'it names no attribution (whose map it is); give one with --attribution'),
    "blank-attribution": (lambda p: write_mbtiles(p, borlange_tiles()), ["--attribution", " \t "],
                          "it names no attribution"),
    "bounds-elsewhere": (lambda p: write_mbtiles(p, borlange_tiles(), bounds=(17.9, 59.2, 18.2, 59.4)), [],
                         "its bounds (17.9000; 59.2000; 18.2000; 59.4000) do not cover the stored areas (15.0955;"),
    "tiles-elsewhere": (lambda p: write_mbtiles(p, shifted(borlange_tiles(), 40), bounds=bounds_of(borlange_tiles())),
                        [], "no tiles over the stored areas at zoom 12: 44 of 44 are missing, e.g. 12/"),
    "streets-elsewhere": (lambda p: write_mbtiles(p, shifted(borlange_tiles(), 3, {16})), [],
                          "no street-level tiles (zoom 16) over "),
    "not-an-image": (lambda p: write_mbtiles(p, not_an_image(borlange_tiles())), [],
                     f"tile {CENTRE.z}/{CENTRE.x}/{CENTRE.y} is not a PNG, JPEG or WebP image of 256 × 256 pixels"),
    "not-web-mercator": (lambda p: write_geopackage(p, borlange_tiles(), srs_id=4326), ["--attribution", "x"],
                         "tile layer baskarta is not in the Web Mercator tile grid"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_refused_archive_changes_nothing(make_app, tmp_path, case):
    app = make_app(PUBLIC_MAP=True, LANGUAGE="en")  # the messages as the code has them; Swedish ones are tested below
    assert geoapp(app, "basemap", "import", write_mbtiles(tmp_path / "good.mbtiles", borlange_tiles())).exit_code == 0
    before, tile_before = stored_files(app), served(app)
    make, args, message = BAD[case]
    bad = make(tmp_path / f"{case}.mbtiles")
    result = geoapp(app, "basemap", "import", bad, "--replace", *args)
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert result.stderr.startswith(f"rejected: {case}.mbtiles: ")
    assert result.stderr.rstrip().endswith("; nothing was changed")
    assert stored_files(app) == before
    assert served(app) == tile_before == borlange_tiles()[CENTRE]


def test_the_area_without_street_level_tiles_is_named(make_app, tmp_path):
    app = make_app(LANGUAGE="en")
    tjarna = boundaries().set_index("code").geometry["2081R013"]
    lacking = probe_tiles([tjarna], MAX_ZOOM_AT_LEAST)[0]
    path = write_mbtiles(tmp_path / "b.mbtiles", {t: d for t, d in borlange_tiles().items() if t != lacking})
    result = geoapp(app, "basemap", "import", path)
    assert result.exit_code == 1
    assert result.stderr == ("rejected: b.mbtiles: no street-level tiles (zoom 16) over Tjärna Ängar (2081R013); "
                             "nothing was changed\n")


def test_an_archive_over_the_size_limit_is_refused_before_it_is_read(make_app, tmp_path):
    app = make_app(BASEMAP_MAX_MB=1)
    huge = tmp_path / "huge.mbtiles"
    with huge.open("wb") as file:  # not even an archive: the size alone refuses it
        file.truncate(1024 * 1024 + 1)
    result = geoapp(app, "basemap", "import", huge)
    assert result.exit_code == 1
    assert "avvisat: huge.mbtiles: 1,0 MiB är över gränsen på 1 MiB (GEOAPP_BASEMAP_MAX_MB); inget har ändrats" in result.stderr
    assert stored_files(app) == {}
    assert geoapp(app, "basemap", "import", write_mbtiles(tmp_path / "small.mbtiles", borlange_tiles())).exit_code == 0


def test_an_archive_that_grows_while_it_is_copied_is_refused(make_app, tmp_path, monkeypatch):
    app = make_app(BASEMAP_MAX_MB=1)
    path = write_mbtiles(tmp_path / "growing.mbtiles", borlange_tiles())
    monkeypatch.setattr("geoapp.cli.basemap.check_size", lambda size, limit: None)  # as if it were smaller then
    with path.open("ab") as file:
        file.write(b"\0" * 1024 * 1024)
    result = geoapp(app, "basemap", "import", path)
    assert result.exit_code == 1
    assert "growing.mbtiles: den växte över gränsen på 1 MiB medan den lästes; inget har ändrats" in result.stderr
    assert stored_files(app) == {}


def test_a_stored_basemap_is_replaced_only_when_told(public, tmp_path):
    first = write_mbtiles(tmp_path / "first.mbtiles", borlange_tiles())
    second = write_pmtiles(tmp_path / "second.pmtiles", {t: draw_over(d) for t, d in borlange_tiles().items()})
    assert geoapp(public, "basemap", "import", first).exit_code == 0
    before = stored_files(public)
    refused = geoapp(public, "basemap", "import", second)
    assert refused.exit_code == 1
    assert "avvisat: second.pmtiles: en bakgrundskarta finns redan (first.mbtiles); --replace byter ut den" in refused.stderr
    assert stored_files(public) == before and served(public) == borlange_tiles()[CENTRE]
    replaced = geoapp(public, "basemap", "import", second, "--replace")
    assert replaced.exit_code == 0 and "format: PMTiles" in replaced.output
    assert served(public) == draw_over(borlange_tiles()[CENTRE])
    after = stored_files(public)
    assert len(after) == 2 and after["basemap.json"][0] != before["basemap.json"][0]  # a new file, renamed into place
    assert not set(after) & (set(before) - {"basemap.json"})  # the first archive is gone


def test_the_old_basemap_is_served_until_the_new_one_is_in_place(public, tmp_path, monkeypatch):
    from geoapp.cli import basemap as cli_basemap

    first = write_mbtiles(tmp_path / "first.mbtiles", borlange_tiles())
    second = write_mbtiles(tmp_path / "second.mbtiles", {t: draw_over(d) for t, d in borlange_tiles().items()})
    assert geoapp(public, "basemap", "import", first).exit_code == 0
    seen = []
    real_check = cli_basemap.check_archive

    def check_while_serving(archive, areas, attribution):
        # The new archive is whole beside the old one now; the map must still get the old tiles.
        seen.append(served(public))
        return real_check(archive, areas, attribution)

    monkeypatch.setattr(cli_basemap, "check_archive", check_while_serving)
    assert geoapp(public, "basemap", "import", second, "--replace").exit_code == 0
    assert seen == [borlange_tiles()[CENTRE]]
    assert served(public) == draw_over(borlange_tiles()[CENTRE])

    def power_cut(archive, areas, attribution):
        raise OSError("power cut")

    monkeypatch.setattr(cli_basemap, "check_archive", power_cut)
    stopped = stored_files(public)
    result = geoapp(public, "basemap", "import", first, "--replace")
    assert result.exit_code == 1 and isinstance(result.exception, OSError)
    assert stored_files(public) == stopped  # no half-done import, nothing left beside it
    assert served(public) == draw_over(borlange_tiles()[CENTRE])


def test_an_archives_html_attribution_is_kept_as_text_and_one_given_replaces_it(public, tmp_path):
    path = write_mbtiles(tmp_path / "osm.mbtiles", borlange_tiles(),
                         attribution='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>\n')
    result = geoapp(public, "basemap", "import", path)
    assert "  upphovsangivelse: © OpenStreetMap\n" in result.output
    result = geoapp(public, "basemap", "import", path, "--replace", "--attribution", "© Lantmäteriet  <2025>")
    assert "  upphovsangivelse: © Lantmäteriet <2025>\n" in result.output


def test_jpeg_tiles_import(public, tmp_path):
    path = write_geopackage(tmp_path / "ortofoto.gpkg", as_jpeg(borlange_tiles()), table="ortofoto")
    result = geoapp(public, "basemap", "import", path, "--attribution", "© Lantmäteriet")
    assert result.exit_code == 0 and "format: GeoPackage (ortofoto), kartplattor i JPEG" in result.output


def test_without_areas_there_is_nothing_to_check_against(make_app, tmp_path):
    app = make_app(LOAD_DEFAULT_AREAS=False)
    result = geoapp(app, "basemap", "import", write_mbtiles(tmp_path / "b.mbtiles", borlange_tiles()))
    assert result.exit_code == 1
    assert "inga områden är sparade att kontrollera den mot; importera områdena först" in result.stderr


def test_remove_leaves_no_basemap(public, tmp_path):
    assert geoapp(public, "basemap", "import", write_mbtiles(tmp_path / "b.mbtiles", borlange_tiles())).exit_code == 0
    removed = geoapp(public, "basemap", "remove")
    assert removed.exit_code == 0 and "borttaget: bakgrundskartan b.mbtiles" in removed.output
    assert stored_files(public) == {}
    assert served(public) == 404
    for command in ("show", "remove"):
        result = geoapp(public, "basemap", command)
        assert result.exit_code == 0
        assert "ingen bakgrundskarta är sparad; importera en med geoapp basemap import FIL" in result.output


def test_usage_errors_exit_2(public, tmp_path):
    assert geoapp(public, "basemap", "import").exit_code == 2
    assert geoapp(public, "basemap", "import", tmp_path / "missing.mbtiles").exit_code == 2
    assert geoapp(public, "basemap", "import", tmp_path).exit_code == 2
