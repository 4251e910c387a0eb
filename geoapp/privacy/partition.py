"""Grow a published family of sets level by level while every block of its Venn partition stays safe.

The atoms are the non-empty finest units (a square piece, a month, a category) with their counts.
A published set is a union of atoms; the *blocks* of a family are the groups of atoms that lie in
exactly the same published sets. Every number an attacker can work out exactly from the family,
by adding and subtracting published numbers, is a sum of whole blocks, and any other set of atoms
can be emptied by moving its observations to the rest of the blocks it cuts without changing a
single published number. So when every block is empty or *safe* (at least k observations from at
least two walks), no set of 1 to k-1 observations can be pinned, and no number that can be pinned
comes from one walk. `refine` keeps that invariant while it adds the sets of one level.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

# ok(sums, lowest walk, highest walk) -> whether a non-empty group of atoms may stand as a block.
Safe = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def observations_safe(k: int) -> Safe:
    """Return the block rule for observations: at least k of them, from at least two walks."""
    return lambda sums, lo, hi: (sums >= k) & (lo < hi)


def at_least(threshold: int) -> Safe:
    """Return the block rule for a count with no walks behind it: at least `threshold`."""
    return lambda sums, lo, hi: sums >= threshold


@dataclass
class Partition:
    """Block labels of every atom and whether each block lies inside a published set."""

    labels: np.ndarray  # atoms -> block
    covered: np.ndarray  # blocks -> inside at least one published set

    @classmethod
    def empty(cls, atoms: int) -> "Partition":
        return cls(np.zeros(atoms, np.int64), np.zeros(1, bool))


def _groups(keys: np.ndarray, count: np.ndarray, lo: np.ndarray, hi: np.ndarray):
    """Return the distinct keys, each atom's group, and every group's sum and walk range."""
    unique, inverse = np.unique(keys, return_inverse=True)
    sums = np.bincount(inverse, weights=count, minlength=len(unique)).astype(np.int64)
    low, high = np.full(len(unique), np.inf), np.full(len(unique), -np.inf)
    np.minimum.at(low, inverse, lo)
    np.maximum.at(high, inverse, hi)
    return unique, inverse, sums, low, high


def refine(partition: Partition, member: np.ndarray, count: np.ndarray, lo: np.ndarray, hi: np.ndarray,
           safe: Safe) -> tuple[np.ndarray, Partition]:
    """Add the disjoint candidate sets `member` (atom -> set id, -1 for none) that keep every block safe.

    A candidate is taken only when each of its parts (its intersection with a block) is safe; then,
    where what remains of a published block is neither empty nor safe, the candidate with the smallest
    part there is dropped again. Dropping returns a safe part to that remainder, which makes it safe,
    and only adds safe parts to other remainders, so one pass settles every block.
    Return the ids of the sets taken and the refined partition.
    """
    labels, covered = partition.labels, partition.covered
    blocks = len(covered)
    inside = np.flatnonzero(member >= 0)
    if not len(inside):
        return np.empty(0, np.int64), partition
    part_keys, part_of, sums, low, high = _groups(member[inside] * blocks + labels[inside], count[inside], lo[inside],
                                                  hi[inside])
    part_set, part_block = part_keys // blocks, part_keys % blocks
    sets = np.unique(part_set)
    unsafe = np.zeros(sets.max() + 1, bool)
    unsafe[part_set[~safe(sums, low, high)]] = True
    taken = np.zeros(sets.max() + 1, bool)
    taken[sets] = ~unsafe[sets]

    # What is left of each published block once the taken parts are lifted out of it.
    left = np.ones(len(labels), bool)
    left[inside] = ~taken[member[inside]]
    rest_blocks, _, rest_sums, rest_low, rest_high = _groups(labels[left], count[left], lo[left], hi[left])
    bad = rest_blocks[covered[rest_blocks] & ~safe(rest_sums, rest_low, rest_high)]
    if len(bad):
        candidates = np.flatnonzero(taken[part_set] & np.isin(part_block, bad))
        order = candidates[np.lexsort((sums[candidates], part_block[candidates]))]
        first = order[np.r_[True, part_block[order][1:] != part_block[order][:-1]]]
        taken[part_set[first]] = False

    chosen = np.flatnonzero(taken)
    moved = inside[taken[member[inside]]]
    new_keys = labels.copy()
    # New blocks are the taken parts, numbered after the old blocks (whose remainders keep their labels).
    new_keys[moved] = blocks + part_of[np.flatnonzero(taken[member[inside]])]
    unique, relabelled = np.unique(new_keys, return_inverse=True)
    was_covered = np.where(unique < blocks, covered[np.minimum(unique, blocks - 1)], True)
    return chosen, Partition(relabelled.astype(np.int64), was_covered)


def set_sums(member: np.ndarray, labels: np.ndarray, block_values: np.ndarray, chosen: np.ndarray) -> dict[int, int]:
    """Return, per chosen set, the sum of the values of the blocks it is made of."""
    wanted = np.isin(member, chosen)
    pairs = np.unique(np.stack([member[wanted], labels[wanted]]), axis=1)
    totals = np.bincount(np.searchsorted(chosen, pairs[0]), weights=block_values[pairs[1]], minlength=len(chosen))
    return {int(s): int(round(v)) for s, v in zip(chosen, totals)}
