"""The privacy rules: which numbers one RegSO area publishes in one calendar year, and what they read.

- The decision is made per RegSO area and calendar year from all of that year's observations, never
  per filter, so every view, the follow-up and every export read the same numbers. Periods nest
  (year ⊃ tertial ⊃ month) and never cross a year, so areas and years are independent.
- Atoms are (square piece, month, category); a piece is one grid square clipped to the area.
- The sets that may be published are tried level by level, coarse to fine and the area before its
  pieces (`LEVELS`), and each is taken only while every block of the published family stays empty
  or holds at least k observations from at least two walks (`partition.refine`, which says why that
  is enough against any combination of published numbers).
- Places that feel safe are their own column, never part of "all".
- Each block then gets a small deterministic noise (`noise.block_noise`, at most ±bound), and every
  published number is the sum of its blocks: squares add up to the area totals and categories to
  "all", so views agree exactly, yet a number re-read after an upload or a deletion differs by the
  change plus fresh noise, never by one walk's exact count.
- Walk counts follow the same rule with a threshold of 2 over the months' counts of walks (a walk
  continuing into another month counts in each): a published walk count is 0 or at least 2, and
  no difference of them is 1, so no number is dated to a single walk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, NamedTuple, Sequence

import numpy as np

from geoapp.domain.periods import KINDS, MONTHS, MONTHS_PER, Period
from geoapp.privacy.noise import block_noise
from geoapp.privacy.partition import Partition, at_least, observations_safe, refine, set_sums
from geoapp.privacy.published import ALL, SAFE_PLACE

MIN_WALKS = 2


def noise_bound(settings) -> int:
    """Return how far noise may move each part: GEOAPP_NOISE, or (k-1)/2 rounded up when unset."""
    # (k-1)/2 keeps even an uploader who knows their own part of a block from pinning the rest of it.
    if settings["NOISE"] is not None:
        return int(settings["NOISE"])
    return max(1, -(-(int(settings["K_MIN"]) - 1) // 2))
# (unit, period kind, category level), in the order they are tried: where two compete, the earlier one is
# published. The map's squares and the follow-up's tertials come before finer category breakdowns.
LEVELS = (
    ("area", "year", "all"), ("area", "tertial", "all"), ("area", "year", "safe"),
    ("piece", "year", "all"), ("piece", "year", "safe"),
    ("area", "year", "category"), ("area", "tertial", "safe"),
    ("piece", "tertial", "all"), ("piece", "tertial", "safe"),
    ("area", "tertial", "category"), ("piece", "year", "category"), ("piece", "tertial", "category"),
    ("area", "month", "all"), ("area", "month", "safe"), ("area", "month", "category"),
    ("piece", "month", "all"), ("piece", "month", "safe"), ("piece", "month", "category"),
)


class AtomCount(NamedTuple):
    """Observations of one category in one grid square of an area during one month, with their walks and keys."""

    col: int
    row: int
    category: str
    month: int  # 0-11
    count: int
    first_walk: int
    last_walk: int
    key_sum: int


@dataclass(frozen=True)
class AreaYear:
    """What one RegSO area publishes in one calendar year."""

    code: str
    year: int
    # (piece (col, row) or None for the area, period, category key or ALL) -> published count
    counts: dict
    # period -> published number of walks, or None when withheld
    walks: dict

    def count(self, piece, period: Period, category: str) -> int | None:
        return self.counts.get((piece, period, category))


def _member(level: tuple[str, str, str], piece, month, column, problems: int) -> np.ndarray:
    """Return each atom's set at `level` as one integer (-1 where the atom is in none)."""
    unit, kind, category = level
    u = piece if unit == "piece" else np.zeros_like(piece)
    t = month // MONTHS_PER[kind]
    c = {"all": np.where(column < problems, 0, -1), "category": np.where(column < problems, column, -1),
         "safe": np.where(column == problems, 0, -1)}[category]
    return np.where(c >= 0, (u * MONTHS + t) * (problems + 1) + c, -1)


def _decode(level, ident: int, year: int, pieces, problems: Sequence[str]):
    unit, kind, category = level
    c, rest = ident % (len(problems) + 1), ident // (len(problems) + 1)
    t, u = rest % MONTHS, rest // MONTHS
    key = {"all": ALL, "category": problems[c] if c < len(problems) else None, "safe": SAFE_PLACE}[category]
    return (pieces[u] if unit == "piece" else None), Period(kind, year, t + 1), key


def decide_observations(rows: Sequence[AtomCount], year: int, categories: Sequence[str], k: int,
                        bound: int) -> dict:
    """Return the published counts of one area-year: (piece or None, period, category) -> count."""
    problems = [c for c in categories if c != SAFE_PLACE]
    column_of = {c: i for i, c in enumerate(problems)}
    column_of[SAFE_PLACE] = len(problems)
    # A category no longer in the vocabulary is not shown, nor counted in "all".
    kept = [r for r in rows if r.category in column_of and r.count > 0]
    if not kept:
        return {}
    pieces = sorted({(r.col, r.row) for r in kept})
    piece_index = {p: i for i, p in enumerate(pieces)}
    piece = np.array([piece_index[(r.col, r.row)] for r in kept], np.int64)
    month = np.array([r.month for r in kept], np.int64)
    column = np.array([column_of[r.category] for r in kept], np.int64)
    count = np.array([r.count for r in kept], np.int64)
    lo = np.array([r.first_walk for r in kept], float)
    hi = np.array([r.last_walk for r in kept], float)
    keys = np.array([r.key_sum for r in kept], np.int64)

    partition, chosen = Partition.empty(len(kept)), []
    safe = observations_safe(k)
    for level in LEVELS:
        member = _member(level, piece, month, column, len(problems))
        taken, partition = refine(partition, member, count, lo, hi, safe)
        chosen.append((level, member, taken))
    labels = partition.labels
    sums = np.bincount(labels, weights=count).astype(np.int64)
    key_sums = np.bincount(labels, weights=keys).astype(np.int64)
    values = sums + block_noise(sums, key_sums, bound)
    published = {}
    for level, member, taken in chosen:
        for ident, value in set_sums(member, labels, values, taken).items():
            published[_decode(level, ident, year, pieces, problems)] = value
    return published


def decide_walks(walks_per_month: Mapping[int, int], year: int) -> dict:
    """Return the published walk count of every period of the year (None where withheld)."""
    months = np.array(sorted(m for m, n in walks_per_month.items() if n > 0), np.int64)
    count = np.array([walks_per_month[m] for m in months], np.int64)
    partition, published = Partition.empty(len(months)), {}
    none = np.zeros(len(months))
    for kind in KINDS:
        member = months // MONTHS_PER[kind]
        taken, partition = refine(partition, member, count, none, none, at_least(MIN_WALKS))
        for index in range(MONTHS // MONTHS_PER[kind]):
            period = Period(kind, year, index + 1)
            mine = member == index
            published[period] = int(count[mine].sum()) if (not mine.any() or index in taken) else None
    return published


def decide_area_year(code: str, year: int, rows: Sequence[AtomCount], walks_per_month: Mapping[int, int],
                     categories: Sequence[str], k: int, bound: int) -> AreaYear:
    """Decide what RegSO area `code` publishes for calendar `year`."""
    return AreaYear(code, year, decide_observations(rows, year, categories, k, bound), decide_walks(walks_per_month, year))
