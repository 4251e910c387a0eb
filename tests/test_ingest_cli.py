"""`geoapp observations import` and `geoapp demo`: exit codes, messages, and a demo the map can show."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from geoapp.store.schema import observations as table

from tests.observation_files import EN_HEADERS, HEADERS_NO_WALK, counts, csv_bytes, en_rows, xlsx_bytes

pytestmark = pytest.mark.storage


def test_import_prints_the_verdict(runner, tmp_path):
    path = tmp_path / "walk.csv"
    path.write_bytes(csv_bytes(EN_HEADERS, en_rows()))
    result = runner("observations", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "importerad: 3 observationer från vandringen Summer walk" in result.output
    again = runner("observations", "import", str(path))
    assert again.exit_code == 0 and "redan importerad " in again.output


def test_walk_and_sheet_options(runner, tmp_path):
    path = tmp_path / "walk.xlsx"
    path.write_bytes(xlsx_bytes(HEADERS_NO_WALK, [r[:-1] for r in en_rows()], sheet="Data", extra_first_sheet=True))
    result = runner("observations", "import", str(path), "--walk", "Kvällsvandring", "--sheet", "Data")
    assert result.exit_code == 0, result.output
    assert "från vandringen Kvällsvandring" in result.output


def test_rejected_file_exits_1_with_every_problem_on_stderr(runner, app, tmp_path):
    rows = en_rows()
    rows[0][4] = "7"
    rows[2][0] = "soon"
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(EN_HEADERS, rows))
    before = counts(app)
    result = runner("observations", "import", str(path))
    assert result.exit_code == 1
    assert "avvisad: 2 problem i bad.csv; inget sparades" in result.stderr
    assert "bad.csv, rad 2, kolumn 'Severity'" in result.stderr and "bad.csv, rad 4, kolumn 'Observed at'" in result.stderr
    assert result.stdout == ""
    assert counts(app) == before


def test_missing_file_is_a_usage_error(runner):
    assert runner("observations", "import", "no-such-file.csv").exit_code == 2


def test_demo_loads_every_synthetic_file_once(runner, app):
    result = runner("demo")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "synthetic_walks_2025_h1.csv", "synthetic_walks_2025_h2.xlsx", "synthetic_walks_2026_h1.geojson",
        "synthetic_activities_2025.csv", "synthetic_activities_2026.xlsx"]
    assert all(": importerad" in line for line in lines)
    stored = counts(app)
    again = runner("demo")
    assert again.exit_code == 0 and again.output.count("redan importerad") == 5
    assert counts(app) == stored
    assert_demo_fills_the_anonymised_map(app)


def assert_demo_fills_the_anonymised_map(app):
    """Months covered, walks per month, and 250 m cells with at least 5 observations from 2 walks a tertial."""
    with app.extensions["geoapp"].store.connect() as conn:
        rows = conn.execute(select(table.c.walk_id, table.c.observed_at, table.c.e, table.c.n, table.c.area_code)).all()
    months = {(r.observed_at.year, r.observed_at.month) for r in rows}
    assert len(months) >= 12
    assert {r.area_code for r in rows} == {"2081R013", "2081R004"}
    cells: dict[tuple, list] = {}
    for r in rows:
        tertial = (r.observed_at.year, (r.observed_at.month - 1) // 4)
        cells.setdefault((tertial, int(r.e // 250), int(r.n // 250)), []).append(r.walk_id)
    published = [key for key, walks in cells.items() if len(walks) >= 5 and len(set(walks)) >= 2]
    assert len({key[0] for key in published}) >= 4  # every tertial shows cells
    assert len(published) >= 20
