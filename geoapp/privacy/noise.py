"""Deterministic perturbation of block counts by cell key (the method SCB and the ONS use for flexible tables).

Every observation carries a random record key (0-255), drawn once when it is stored. A block's cell key is
the sum of its records' keys modulo 256, so the same observations always give the same key and the same
noise, whichever view or day asks, while a block that gains or loses one record gets an unrelated one.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from geoapp.domain.model import RECORD_KEY_RANGE as KEY_RANGE


@lru_cache(maxsize=None)
def _table(reach: int) -> np.ndarray:
    """Return the noise of each cell key for a block that may move by up to `reach`."""
    # Half the keys leave a block as it is; the rest move it, less often the further, so totals of many
    # blocks stay close while each block's range is the full ±reach.
    weights = np.arange(reach, 0, -1, dtype=float)
    moved = np.floor(KEY_RANGE / 2 * weights / weights.sum() / 2).astype(int) if reach else np.zeros(0, int)
    values = [0] * (KEY_RANGE - 2 * int(moved.sum()))
    for step, keys in enumerate(moved, start=1):
        values += [-step] * keys + [step] * keys
    return np.array(values, np.int64)


def block_noise(sums: np.ndarray, key_sums: np.ndarray, bound: int) -> np.ndarray:
    """Return the noise of each block: symmetric within ±bound whatever its size, 0 for an empty one."""
    # The same reach for every size: narrowing it near k would tell a part that reads k - 1 was exactly k,
    # and an uploader who knows their own share of it would learn the rest.
    return np.where(sums > 0, _table(bound)[key_sums.astype(np.int64) % KEY_RANGE], 0)
