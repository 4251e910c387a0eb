"""The privacy rules: which period kinds each piece and area may publish in one calendar year.

Why the decision is shaped like this:

- A *piece* is one grid square clipped to one RegSO area (every observation carries the RegSO
  code of its area), so the squares of one view never overlap, a group view shows its members'
  pieces, and the same piece is decided identically in every view that shows it.
- Every decision is a function of one RegSO area's observations in one calendar year (all
  categories, all periods), never of the filters, so two queries can never disagree about a number.
- Time is split into *segments*: the common refinement of the months and ISO weeks of the year.
  Every fixed period is a run of consecutive segments. Tertials and quarters cross each other
  (T1 minus Q1 is April), and weeks cross months, so "suppress the smallest nested count" is not
  enough: a hidden month can come back as a tertial minus a quarter minus other months.
  Instead, for each piece and area, the period kinds are tried coarse to fine (year, tertial,
  quarter, month, week) and a kind is *accepted* only when every period of that kind is 0 or
  publishable (>= k from >= 2 walks) and every *block* of the refinement of all accepted kinds is 0
  or >= k. Every published period is a union of blocks, and so is every set an attacker can form by
  adding and subtracting published periods; hence every such difference is 0 or >= k. A rejected
  kind is not shown for that piece and year (for every filter alike).
- Categories: per area and year, categories below k (or from one walk) are hidden, and then the
  smallest others until the hidden rest (derivable as all minus the shown ones) is 0 or >= k; a
  piece hides at least what its area hides. The shown categories plus the rest then follow the
  same ladder over the kinds accepted for all categories. With margins "blocks x all categories"
  and "coarser blocks x one category (or the rest)", every derivable set is a union of one of the
  two kinds of block, so category differences are also 0 or >= k.
- Places that feel safe are a separate total, never mixed into "all", with their own ladder.
- Area totals: an area's own numbers pass the same ladder, and then, for every published area
  period and every area block, the area count minus everything the published pieces let one
  subtract (each piece's blocks inside it) must be 0 or >= k. Where it is not, the piece with the
  smallest subtractable count is withheld for that year; that adds >= k to the remainder and
  never creates a new violation, so the loop ends.
- A group (e.g. Västra Borlänge) shows a total only when each member's total is published or 0,
  so it reveals nothing its members do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from geoapp.periods import KINDS, Period, YearGrid, year_grid
from geoapp.published import SAFE_PLACE
from geoapp.store.aggregates import SegmentCount

KIND_INDEX = {kind: j for j, kind in enumerate(KINDS)}
LEVELS = ("all", "cats", "safe")


@dataclass(frozen=True)
class Series:
    """Counts (units x segments x columns) and the lowest and highest walk id behind each count."""

    x: np.ndarray
    lo: np.ndarray
    hi: np.ndarray

    def columns(self, count: int) -> "Series":
        return Series(self.x[..., :count], self.lo[..., :count], self.hi[..., :count])


def _blocks_ok(x: np.ndarray, bounds: np.ndarray, k: int) -> np.ndarray:
    """Return per unit whether every block (runs starting where `bounds` is True) sums to 0 or >= k."""
    cs = np.cumsum(x, axis=1)
    ends = np.roll(bounds, -1, axis=1)
    ends[:, -1] = True
    at_ends = np.where(ends[..., None], cs, 0)
    before = np.concatenate([np.zeros_like(at_ends[:, :1]), np.maximum.accumulate(at_ends, axis=1)[:, :-1]], axis=1)
    sums = np.where(ends[..., None], cs - before, 0)
    return ((sums == 0) | (sums >= k)).all(axis=(1, 2))


def ladder(series: Series, grid: YearGrid, k: int, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Accept period kinds coarse to fine per unit; return accepted (units x kinds) and block starts."""
    units = series.x.shape[0]
    accepted = np.zeros((units, len(KINDS)), bool)
    bounds = np.zeros((units, grid.size), bool)
    bounds[:, 0] = True
    for j, kind in enumerate(KINDS):
        starts = grid.starts[kind]
        counts = np.add.reduceat(series.x, starts, axis=1)
        walks_ok = np.minimum.reduceat(series.lo, starts, axis=1) < np.maximum.reduceat(series.hi, starts, axis=1)
        periods_ok = ((counts == 0) | ((counts >= k) & walks_ok)).all(axis=(1, 2))
        refined = bounds.copy()
        refined[:, starts] = True
        ok = allowed[:, j] & periods_ok & _blocks_ok(series.x, refined, k)
        if j:
            ok &= accepted[:, 0]
        accepted[:, j] = ok
        bounds = np.where(ok[:, None], refined, bounds)
    return accepted, bounds


def _runs(bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (unit, start, end) of every block given block starts per unit."""
    unit, start = np.nonzero(bounds)
    end = np.append(start[1:], bounds.shape[1])
    end[np.flatnonzero(unit[1:] != unit[:-1])] = bounds.shape[1]
    return unit, start, end


def _area_ranges(accepted: np.ndarray, bounds: np.ndarray, grid: YearGrid) -> np.ndarray:
    """Return the segment ranges of every published period and every block of one area."""
    ranges = set()
    for j, kind in enumerate(KINDS):
        if accepted[j]:
            ranges |= {grid.span(p) for p in grid.periods[kind]}
    _, start, end = _runs(bounds[None])
    ranges |= set(zip(start.tolist(), end.tolist()))
    return np.array(sorted(ranges))


def _withhold_for_remainders(area: Series, area_ok, area_bounds, pieces: Series, piece_ok, piece_bounds, owner, grid, k):
    """Withhold pieces until every published area count minus its subtractable piece blocks is 0 or >= k."""
    for a in np.flatnonzero(area_ok[:, 0]):
        ranges = _area_ranges(area_ok[a], area_bounds[a], grid)
        cs = np.concatenate([np.zeros((1, area.x.shape[2]), area.x.dtype), np.cumsum(area.x[a], axis=0)])
        totals = cs[ranges[:, 1]] - cs[ranges[:, 0]]
        members = np.flatnonzero(owner == a)
        while True:
            live = members[piece_ok[members, 0]]
            unit, start, end = _runs(piece_bounds[live])
            pcs = np.concatenate([np.zeros_like(pieces.x[live][:, :1]), np.cumsum(pieces.x[live], axis=1)], axis=1)
            sums = pcs[unit, end] - pcs[unit, start]
            inside = (start[None] >= ranges[:, :1]) & (end[None] <= ranges[:, 1:])
            rest = totals - inside.astype(np.int64) @ sums
            bad = np.argwhere((rest > 0) & (rest < k))
            if not len(bad):
                break
            r, c = bad[0]
            share = np.bincount(unit, weights=inside[r] * sums[:, c], minlength=len(live))
            share[share <= 0] = np.inf
            piece_ok[live[int(np.argmin(share))]] = False


@dataclass(frozen=True)
class YearDecision:
    """Which period kinds each piece and each area publishes in one calendar year, per level."""

    grid: YearGrid
    pieces: tuple  # (area_code, col, row)
    areas: tuple  # RegSO codes
    counts: dict  # level -> (piece counts, area counts), units x segments x columns
    accepted: dict  # level -> (piece kinds, area kinds), units x kinds
    shown: dict  # level -> (piece columns, area columns) that may be shown at all this year


def _arrays(rows: Sequence[SegmentCount], codes: Sequence[str], categories: Sequence[str], size: int):
    """Spread rows (area, col, row, category, segment, count, first walk, last walk) into unit arrays."""
    column = {c: i for i, c in enumerate(categories)}
    area, col, row, category, segment, count, first, last = zip(*rows) if rows else [()] * 8
    # A category no longer in the vocabulary is not shown.
    kept = [i for i, c in enumerate(category) if c in column]
    keys = [(area[i], col[i], row[i]) for i in kept]
    pieces = sorted(set(keys))
    index = {p: i for i, p in enumerate(pieces)}
    shape = (len(pieces), size, len(categories))
    x, lo, hi = np.zeros(shape, np.int64), np.full(shape, np.inf), np.full(shape, -np.inf)
    if kept:
        at = ([index[key] for key in keys], [segment[i] for i in kept], [column[category[i]] for i in kept])
        x[at], lo[at] = [count[i] for i in kept], [first[i] for i in kept]
        hi[at] = [last[i] for i in kept]
    area_index = {code: i for i, code in enumerate(codes)}
    owner = np.array([area_index[p[0]] for p in pieces], dtype=np.int64)
    return tuple(pieces), Series(x, lo, hi), owner


def _by_area(series: Series, owner: np.ndarray, areas: int) -> Series:
    shape = (areas,) + series.x.shape[1:]
    x, lo, hi = np.zeros(shape, np.int64), np.full(shape, np.inf), np.full(shape, -np.inf)
    for a in np.unique(owner):
        mine = owner == a
        x[a], lo[a], hi[a] = series.x[mine].sum(0), series.lo[mine].min(0), series.hi[mine].max(0)
    return Series(x, lo, hi)


def _levels(s: Series, problems: list[int], safe: list[int]) -> dict[str, Series]:
    def pooled(cols):
        if not cols:
            return Series(np.zeros(s.x.shape[:2] + (1,), np.int64), np.full(s.x.shape[:2] + (1,), np.inf), np.full(s.x.shape[:2] + (1,), -np.inf))
        return Series(s.x[..., cols].sum(-1, keepdims=True), s.lo[..., cols].min(-1, keepdims=True), s.hi[..., cols].max(-1, keepdims=True))

    return {"all": pooled(problems), "cats": Series(s.x[..., problems], s.lo[..., problems], s.hi[..., problems]), "safe": pooled(safe)}


def _hidden_categories(cats: Series, k: int, hidden: np.ndarray) -> np.ndarray:
    """Hide, per unit, categories below k or from one walk in the year, then the smallest others until the hidden rest is 0 or >= k."""
    year = cats.x.sum(axis=1)
    walks_ok = cats.lo.min(axis=1) < cats.hi.max(axis=1)
    hidden = hidden | ((year > 0) & ((year < k) | ~walks_ok))
    while True:
        rest = (year * hidden).sum(axis=1)
        candidates = np.where(~hidden & (year > 0), year, np.iinfo(np.int64).max)
        bad = (rest > 0) & (rest < k) & (candidates.min(axis=1) < np.iinfo(np.int64).max)
        if not bad.any():
            return hidden
        hidden[np.flatnonzero(bad), candidates[bad].argmin(axis=1)] = True


def _with_rest(cats: Series, hidden: np.ndarray) -> Series:
    """Zero the hidden categories and add their sum as a last column, never shown but derivable, so checked."""
    mask = hidden[:, None, :]
    rest = Series((cats.x * mask).sum(-1, keepdims=True), np.where(mask, cats.lo, np.inf).min(-1, keepdims=True),
                  np.where(mask, cats.hi, -np.inf).max(-1, keepdims=True))
    return Series(np.concatenate([np.where(mask, 0, cats.x), rest.x], axis=-1),
                  np.concatenate([np.where(mask, np.inf, cats.lo), rest.lo], axis=-1),
                  np.concatenate([np.where(mask, -np.inf, cats.hi), rest.hi], axis=-1))


def decide_year(rows: Sequence[SegmentCount], codes: Sequence[str], categories: Sequence[str], year: int, k: int) -> YearDecision:
    """Decide, for the RegSO areas `codes` in calendar `year`, which kinds every piece and area publishes."""
    grid = year_grid(year)
    pieces, raw, owner = _arrays(rows, codes, categories, grid.size)
    problems = [i for i, c in enumerate(categories) if c != SAFE_PLACE]
    safe = [i for i, c in enumerate(categories) if c == SAFE_PLACE]
    piece_levels, area_levels = _levels(raw, problems, safe), _levels(_by_area(raw, owner, len(codes)), problems, safe)
    area_hidden = _hidden_categories(area_levels["cats"], k, np.zeros(area_levels["cats"].x.shape[::2], bool))
    piece_hidden = _hidden_categories(piece_levels["cats"], k, area_hidden[owner])
    raw_cats = (piece_levels["cats"].x, area_levels["cats"].x)
    area_levels["cats"] = _with_rest(area_levels["cats"], area_hidden)
    piece_levels["cats"] = _with_rest(piece_levels["cats"], piece_hidden)
    accepted, counts, shown = {}, {}, {}
    for level in LEVELS:
        p, a = piece_levels[level], area_levels[level]
        width = len(problems) if level == "cats" else 1
        p_allowed = accepted["all"][0] if level == "cats" else np.ones((len(pieces), len(KINDS)), bool)
        a_allowed = accepted["all"][1] if level == "cats" else np.ones((len(codes), len(KINDS)), bool)
        p_ok, p_bounds = ladder(p, grid, k, p_allowed)
        a_ok, a_bounds = ladder(a, grid, k, a_allowed)
        _withhold_for_remainders(a.columns(width), a_ok, a_bounds, p.columns(width), p_ok, p_bounds, owner, grid, k)
        accepted[level], counts[level] = (p_ok, a_ok), (p.x, a.x)
        shown[level] = (np.ones((len(pieces), 1), bool), np.ones((len(codes), 1), bool))
    counts["cats"], shown["cats"] = raw_cats, (~piece_hidden, ~area_hidden)
    return YearDecision(grid, pieces, tuple(codes), counts, accepted, shown)


def period_values(decisions: Mapping[int, YearDecision], period: Period, level: str, areas: bool) -> dict:
    """Return, per piece key (or area code), the counts per column of `period` and which columns may be published."""
    values: dict = {}
    j = KIND_INDEX[period.kind]
    for year in period.calendar_years():
        d = decisions[year]
        a, b = d.grid.span(period)
        units = d.areas if areas else d.pieces
        x, ok, shown = d.counts[level][areas], d.accepted[level][areas], d.shown[level][areas]
        sums = x[:, a:b, :].sum(axis=1)
        for u, key in enumerate(units):
            before, allowed = values.get(key, (0, True))
            values[key] = (before + sums[u], allowed & shown[u] & ok[u, j])
    return values
