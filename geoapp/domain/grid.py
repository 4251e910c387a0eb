"""The fixed map grid: squares aligned to SWEREF 99 TM (SCB's convention), identified by size and corner."""

from __future__ import annotations

import re
from dataclasses import dataclass

import shapely

_CELL_ID = re.compile(r"(\d+)m:E(\d+)N(\d+)")


@dataclass(frozen=True, order=True)
class Cell:
    """One grid square: its side in metres and its column and row (easting and northing divided by the side)."""

    size: int
    col: int
    row: int

    @property
    def id(self) -> str:
        return f"{self.size}m:E{self.col * self.size}N{self.row * self.size}"

    def polygon(self) -> shapely.Polygon:
        """Return the square in SWEREF 99 TM."""
        e, n = self.col * self.size, self.row * self.size
        return shapely.box(e, n, e + self.size, n + self.size)


def cell_at(e: float, n: float, size: int) -> Cell:
    """Return the square of side `size` holding the point (e, n)."""
    return Cell(size, int(e // size), int(n // size))


def parse_cell_id(text: str) -> Cell:
    """Read an id like '250m:E500000N6700000' back into a Cell."""
    match = _CELL_ID.fullmatch(text)
    if not match:
        raise ValueError(f"not a grid cell id: {text!r}")
    size, e, n = (int(g) for g in match.groups())
    if e % size or n % size:
        raise ValueError(f"grid cell id {text!r} is not aligned to its size")
    return Cell(size, e // size, n // size)
