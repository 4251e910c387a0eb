"""`geoapp export`: every format to a file, rejected filters, usage errors, and nothing half-written."""

from __future__ import annotations

import csv
import io
import os

import pytest
from PIL import Image

from geoapp.cli import export as cli_export
from tests.exporting import mapped, pdf_pages  # noqa: F401

@pytest.fixture
def app_language():
    """These checks quote the English messages; their Swedish translations are checked in test_i18n."""
    return "en"


@pytest.fixture
def runner(mapped):
    """Invoke the `geoapp` command against the app with walks."""
    from geoapp.cli import main

    cli_runner = mapped.test_cli_runner()
    return lambda *args: cli_runner.invoke(main, list(args))


@pytest.fixture
def folder(tmp_path):
    """An empty folder for the exported files (tmp_path also holds the test database)."""
    path = tmp_path / "out"
    path.mkdir()
    return path


@pytest.mark.parametrize("fmt, check", [
    ("png", lambda data: Image.open(io.BytesIO(data)).info["dpi"] == pytest.approx((300, 300), abs=0.01)),
    ("pdf", lambda data: "Trygghetsvandringar: Västra Borlänge, 2025-05" in pdf_pages(data)[0]),
    ("html", lambda data: b"Trygghetsvandringar: V\xc3\xa4stra Borl\xc3\xa4nge, 2025-05" in data),
    ("geojson", lambda data: data.count(b'"Feature"') == 7),
    ("csv", lambda data: len(list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))) == 8),
])
def test_every_format_is_written_to_the_file_asked_for(runner, folder, fmt, check):
    out = folder / f"briefing.{fmt}"
    result = runner("export", "--format", fmt, "--area", "vastra-borlange", "--period", "2025-05", "--dpi", "300", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "geoapp_vastra-borlange_2025-05" in result.output
    assert check(out.read_bytes())
    assert sorted(p.name for p in folder.iterdir()) == [out.name]


def test_english_csv_with_category_and_comparison(runner, folder):
    out = folder / "cells.csv"
    result = runner("export", "--format", "csv", "--area", "vastra-borlange", "--period", "2025-05", "--category", "lighting",
                    "--compare", "--lang", "en", "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert {r["period"] for r in rows} == {"2025-05"} and {r["layer"] for r in rows} == {"observations"}
    # Every square's lighting, the one withheld from "all" in Tjärna Ängar included (as /api/v1/cells).
    assert sorted(int(r["count"]) for r in rows) == [10, 10, 10, 10]


@pytest.mark.parametrize("args, message", [
    (["--period", "2025-13"], "not a fixed calendar period"),
    (["--area", "nowhere"], "Unknown area"),
    (["--category", "people"], "Unknown category"),
])
def test_rejected_filters_exit_1_and_write_nothing(runner, folder, args, message):
    out = folder / "map.pdf"
    result = runner("export", "--format", "pdf", *args, "-o", str(out))
    assert result.exit_code == 1 and message in result.output
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("args", [
    ["--format", "docx", "-o", "x.docx"],
    ["--format", "png"],
    ["--format", "png", "--dpi", "2000", "-o", "x.png"],
    ["--format", "png", "--lang", "de", "-o", "x.png"],
    ["--format", "png", "-o", "no/such/folder/x.png"],
])
def test_usage_errors_exit_2(runner, args):
    assert runner("export", *args).exit_code == 2


def test_a_failed_write_leaves_the_old_file_and_no_partial_one(runner, folder, monkeypatch):
    out = folder / "map.png"
    out.write_bytes(b"last week's map")

    def interrupted(source, target):
        raise KeyboardInterrupt  # as if the export were stopped at the last moment

    monkeypatch.setattr(cli_export.os, "replace", interrupted)
    result = runner("export", "--format", "png", "--period", "2025-05", "-o", str(out))
    assert result.exit_code != 0
    assert out.read_bytes() == b"last week's map"
    assert sorted(p.name for p in folder.iterdir()) == ["map.png"]


def test_the_written_file_is_readable_by_others(runner, folder):
    out = folder / "cells.geojson"
    assert runner("export", "--format", "geojson", "-o", str(out)).exit_code == 0
    assert os.stat(out).st_mode & 0o777 == 0o644
