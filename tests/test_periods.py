"""Fixed calendar periods and the grid: only the bins planners can choose, in Stockholm time."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geoapp.domain.grid import Cell, cell_at, parse_cell_id
from geoapp.domain.periods import Period, PeriodError, choices, parse_period


@pytest.mark.parametrize("text, kind, first, end", [
    ("2025", "year", "2025-01-01", "2026-01-01"),
    ("2025-T2", "tertial", "2025-05-01", "2025-09-01"),
    ("2025-t3", "tertial", "2025-09-01", "2026-01-01"),
    ("2025-05", "month", "2025-05-01", "2025-06-01"),
    (" 2025-12 ", "month", "2025-12-01", "2026-01-01"),
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


@pytest.mark.parametrize("text, previous, year_before", [
    ("2025", "2024", "2024"), ("2025-T1", "2024-T3", "2024-T1"), ("2025-01", "2024-12", "2024-01"),
    ("2025-05", "2025-04", "2024-05"), ("2025-T3", "2025-T2", "2024-T3"),
])
def test_previous_period_and_a_year_before_have_the_same_kind(text, previous, year_before):
    assert parse_period(text).previous().code == previous
    assert parse_period(text).year_before().code == year_before


def test_periods_nest_in_one_calendar_year():
    year, first, may = parse_period("2025"), parse_period("2025-T1"), parse_period("2025-05")
    assert year.contains(first) and year.contains(may) and parse_period("2025-T2").contains(may)
    assert not first.contains(may) and not year.contains(parse_period("2026-01"))
    # Every month of a tertial is inside it and inside no other tertial of the year.
    for month in range(1, 13):
        holders = [t for t in (1, 2, 3) if parse_period(f"2025-T{t}").contains(parse_period(f"2025-{month:02d}"))]
        assert holders == [(month - 1) // 4 + 1]


@pytest.mark.parametrize("text", ["2025-Q2", "2025-W20", "2025-q1", "2026-W01"])
def test_quarters_and_weeks_are_refused_with_the_reason(text):
    with pytest.raises(PeriodError, match="quarters and weeks are not shown"):
        parse_period(text)


@given(st.text(max_size=12))
def test_anything_else_is_refused_with_a_message(text):
    try:
        period = parse_period(text)
    except PeriodError as exc:
        assert "period" in str(exc)
    else:
        assert isinstance(period, Period) and period.code == text.strip().upper()


@pytest.mark.parametrize("text", ["2025-5", "2025-13", "2025-T4", "2025-T0", "1999", "2025-05-01", ""])
def test_near_misses_are_refused(text):
    with pytest.raises(PeriodError):
        parse_period(text)


def test_choices_group_periods_by_kind_newest_first_and_none_ahead():
    groups = dict(choices([2024, 2025], today=date(2025, 6, 15)))
    assert list(groups) == ["Years", "Tertials", "Months"]
    assert [p.code for p in groups["Tertials"]] == ["2025-T2", "2025-T1", "2024-T3", "2024-T2", "2024-T1"]
    assert [p.code for p in groups["Months"]][:2] == ["2025-06", "2025-05"] and len(groups["Months"]) == 18


def test_grid_cells_are_aligned_squares_with_stable_ids():
    cell = cell_at(522123.4, 6706250.0, 250)
    assert cell == Cell(250, 2088, 26825)
    assert cell.id == "250m:E522000N6706250"
    assert parse_cell_id(cell.id) == cell
    assert cell.polygon().bounds == (522000, 6706250, 522250, 6706500)
    with pytest.raises(ValueError):
        parse_cell_id("250m:E522001N6706250")
