"""The privacy rules as pure functions: the block invariant, the noise, walk counts, and how numbers add up."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geoapp.domain.periods import Period
from geoapp.privacy import AtomCount, decide_area_year
from geoapp.privacy.noise import block_noise
from geoapp.privacy.partition import Partition, observations_safe, refine
from geoapp.privacy.published import ALL, SAFE_PLACE
from geoapp.privacy.rules import LEVELS, decide_walks

K = 5
CATEGORIES = ("lighting", "litter", "graffiti", SAFE_PLACE)
YEAR = Period("year", 2025)


@st.composite
def atoms(draw):
    """Random non-empty atoms: (piece, month, column) with a count and the walks behind it."""
    n = draw(st.integers(1, 60))
    keys = draw(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 11), st.integers(0, 3)), min_size=n, max_size=n,
                         unique=True))
    counts = draw(st.lists(st.integers(1, 9), min_size=n, max_size=n))
    walks = draw(st.lists(st.tuples(st.integers(1, 4), st.integers(0, 2)), min_size=n, max_size=n))
    return keys, counts, [(w, w + d) for w, d in walks]


@settings(max_examples=200, deadline=None)
@given(atoms(), st.lists(st.integers(0, 5), min_size=1, max_size=4))
def test_every_block_of_what_is_taken_is_empty_or_safe(found, divisors):
    keys, counts, walks = found
    count = np.array(counts)
    lo, hi = np.array([w[0] for w in walks], float), np.array([w[1] for w in walks], float)
    safe = observations_safe(K)
    partition, taken_sets = Partition.empty(len(keys)), []
    # Levels of disjoint sets: pieces, months grouped, columns, as the rules have them.
    for divisor in divisors:
        member = np.array([(p * 12 + m // (divisor + 1)) * 4 + c if divisor % 2 else p * 4 + c for p, m, c in keys])
        taken, partition = refine(partition, member, count, lo, hi, safe)
        taken_sets += [member == s for s in taken]
    labels, covered = partition.labels, partition.covered
    for block in np.unique(labels):
        mine = labels == block
        if covered[block]:
            assert count[mine].sum() >= K and lo[mine].min() < hi[mine].max()
        for chosen in taken_sets:  # every published set is a union of whole blocks
            assert chosen[mine].all() or not chosen[mine].any()


def test_noise_stays_within_its_bound_whatever_the_size_and_repeats_for_the_same_key():
    sums = np.arange(0, K + 40).repeat(256)
    keys = np.tile(np.arange(256), K + 40)
    noise = block_noise(sums, keys, 2)
    assert noise.min() == -2 and noise.max() == 2
    assert (noise[sums == 0] == 0).all()
    # The full reach at every size, so a part reading k - 2 may have been k, k + 1 or k + 2.
    for size in (K, K + 1, K + 30):
        assert set(noise[sums == size]) == {-2, -1, 0, 1, 2}
        assert noise[sums == size].sum() == 0  # symmetric, so totals of many parts do not drift
    assert (block_noise(sums, keys, 2) == noise).all()


def rows(*specs) -> list[AtomCount]:
    """Atoms from (col, row, category, month, count, first walk, last walk)."""
    return [AtomCount(*spec, 0) for spec in specs]


def test_one_walk_is_never_enough():
    decided = decide_area_year("A", 2025, rows((1, 1, "lighting", 2, 30, 1, 1)), {2: 1}, CATEGORIES, K, 2)
    assert decided.counts == {}
    assert decided.walks[YEAR] is None and decided.walks[Period("month", 2025, 3)] is None


def test_a_square_whose_total_would_leave_one_observation_alone_is_withheld():
    found = rows((1, 1, "lighting", 4, 10, 1, 2), (2, 1, "lighting", 4, 10, 1, 2), (3, 1, "litter", 4, 1, 1, 1))
    counts = decide_area_year("A", 2025, found, {4: 2}, CATEGORIES, K, 2).counts
    assert counts[(None, YEAR, ALL)] == 21
    shown = [piece for piece, period, category in counts if piece and period == YEAR and category == ALL]
    assert len(shown) == 1  # the other square and the single litter observation stay together, 11


def test_walk_counts_are_zero_or_at_least_two_and_never_differ_by_one():
    walks = decide_walks({0: 2, 4: 1, 5: 1, 9: 3}, 2025)
    assert walks[YEAR] == 7
    assert walks[Period("tertial", 2025, 1)] == 2 and walks[Period("tertial", 2025, 2)] == 2
    assert walks[Period("month", 2025, 5)] is None and walks[Period("month", 2025, 4)] == 0
    shown = [n for n in walks.values() if n is not None]
    assert 1 not in shown


def test_every_level_is_tried_and_squares_come_before_finer_categories():
    kinds = [(unit, kind, level) for unit, kind, level in LEVELS]
    assert len(set(kinds)) == 18
    assert kinds.index(("piece", "year", "all")) < kinds.index(("area", "year", "category"))


@pytest.mark.parametrize("bound", [1, 2, 3])
def test_parts_add_up_to_the_area_total_whatever_the_noise(bound):
    found = [AtomCount(c, r, cat, m, n, 1, 3, key) for (c, r, cat, m, n, key) in [
        (1, 1, "lighting", 1, 7, 11), (1, 1, "litter", 1, 6, 200), (2, 1, "lighting", 5, 9, 7), (2, 1, "graffiti", 6, 8, 91),
        (3, 1, "litter", 9, 12, 45), (3, 1, SAFE_PLACE, 9, 6, 3)]]
    counts = decide_area_year("A", 2025, found, {1: 2, 5: 2, 6: 2, 9: 2}, CATEGORIES, K, bound).counts
    pieces = {p: n for (p, period, c), n in counts.items() if p and period == YEAR and c == ALL}
    area = counts[(None, YEAR, ALL)]
    assert abs(area - 42) <= bound * 6
    if len(pieces) == 3:
        assert sum(pieces.values()) == area
    for piece in pieces:
        parts = [n for (p, period, c), n in counts.items() if p == piece and period == YEAR and c not in (ALL, SAFE_PLACE)]
        if parts and sum(1 for r in found if (r.col, r.row) == piece and r.category != SAFE_PLACE) == len(parts):
            assert sum(parts) == pieces[piece]
