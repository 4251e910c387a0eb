"""Fixed calendar periods and the grid: only the bins planners can choose, in Stockholm time."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geoapp.grid import Cell, cell_at, parse_cell_id
from geoapp.periods import Period, PeriodError, choices, parse_period


@pytest.mark.parametrize("text, kind, first, end", [
    ("2025", "year", "2025-01-01", "2026-01-01"),
    ("2025-T2", "tertial", "2025-05-01", "2025-09-01"),
    ("2025-Q4", "quarter", "2025-10-01", "2026-01-01"),
    ("2025-05", "month", "2025-05-01", "2025-06-01"),
    ("2025-W20", "week", "2025-05-12", "2025-05-19"),
    ("2026-W01", "week", "2025-12-29", "2026-01-05"),
    (" 2025-q2 ", "quarter", "2025-04-01", "2025-07-01"),
])
def test_fixed_periods_parse_to_calendar_bins(text, kind, first, end):
    period = parse_period(text)
    assert period.kind == kind
    assert (period.first_day.isoformat(), period.end_day.isoformat()) == (first, end)
    assert parse_period(period.code) == period


def test_bounds_are_stockholm_midnights_in_utc():
    start, end = parse_period("2025-03").bounds_utc()
    assert start == datetime(2025, 2, 28, 23, tzinfo=timezone.utc)
    assert end == datetime(2025, 3, 31, 22, tzinfo=timezone.utc)  # summer time began on 30 March


@pytest.mark.parametrize("text, previous", [
    ("2025", "2024"), ("2025-T1", "2024-T3"), ("2025-Q1", "2024-Q4"), ("2025-01", "2024-12"),
    ("2025-W01", "2024-W52"), ("2021-W01", "2020-W53"), ("2025-05", "2025-04"),
])
def test_previous_period_has_the_same_kind(text, previous):
    assert parse_period(text).previous().code == previous


def test_nesting_and_years_touched():
    year = parse_period("2025")
    assert year.contains(parse_period("2025-Q1")) and parse_period("2025-T1").contains(parse_period("2025-Q1"))
    assert not parse_period("2025-T1").contains(parse_period("2025-Q2"))
    assert not year.contains(parse_period("2025-W01"))
    assert parse_period("2025-W01").calendar_years() == (2024, 2025)


@given(st.text(max_size=12))
def test_anything_else_is_refused_with_a_message(text):
    try:
        period = parse_period(text)
    except PeriodError as exc:
        assert "period" in str(exc)
    else:
        assert isinstance(period, Period) and period.code == text.strip().upper()


@pytest.mark.parametrize("text", ["2025-5", "2025-13", "2025-T4", "2025-Q0", "2025-W00", "2025-W53", "1999", "2025-05-01", ""])
def test_near_misses_are_refused(text):
    with pytest.raises(PeriodError):
        parse_period(text)


def test_choices_group_periods_by_kind_newest_first():
    groups = dict(choices([2024]))
    assert list(groups) == ["Years", "Tertials", "Quarters", "Months", "Weeks (ISO)"]
    assert [p.code for p in groups["Tertials"]] == ["2024-T3", "2024-T2", "2024-T1"]
    assert len(groups["Weeks (ISO)"]) == 52 and len(groups["Months"]) == 12


def test_grid_cells_are_aligned_squares_with_stable_ids():
    cell = cell_at(522123.4, 6706250.0, 250)
    assert cell == Cell(250, 2088, 26825)
    assert cell.id == "250m:E522000N6706250"
    assert parse_cell_id(cell.id) == cell
    assert cell.polygon().bounds == (522000, 6706250, 522250, 6706500)
    with pytest.raises(ValueError):
        parse_cell_id("250m:E522001N6706250")
