"""Timing and reporting shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from contextlib import contextmanager
from typing import Callable, Iterator

import branca.element
import jinja2


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


def page(client, url: str) -> bytes:
    """GET `url` from a Flask test client and return the body, refusing anything but 200."""
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}, not a page to measure")
    return response.get_data()


@contextmanager
def stock_folium() -> Iterator[None]:
    """Build baseline maps with folium as it ships: geoapp's map module makes branca keep rendered pieces as text."""
    kept, branca.element.Template = branca.element.Template, jinja2.Template
    try:
        yield
    finally:
        branca.element.Template = kept
