"""Timing and reporting shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from typing import Callable


def median_seconds(action: Callable[[], object], repeat: int = 7, warmup: int = 1) -> float:
    """Run `action` a few times and return the median wall time in seconds."""
    for _ in range(warmup):
        action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(name: str, figures: dict[str, str]) -> None:
    """Print one benchmark's figures, one per line."""
    print(f"== {name}")
    for key, value in figures.items():
        print(f"   {key:<42} {value}")
