"""The map's fixed colour classes (GEOAPP_COLOR_CLASSES), the same for every period so maps compare at a glance."""

from __future__ import annotations

from dataclasses import dataclass

from geoapp.config import parse_color_classes
from geoapp.i18n import _, number

CELL_PALETTE = ("#fde68a", "#fdba74", "#fb923c", "#ea580c", "#c2410c", "#7c2d12")


@dataclass(frozen=True)
class ColorClass:
    """One fixed colour class of the cell layer: counts from `lower` up to (not including) `upper`."""

    lower: int
    upper: int | None
    color: str

    @property
    def label(self) -> str:
        return _("%(n)s or more", n=number(self.lower)) if self.upper is None else f"{number(self.lower)}–{number(self.upper - 1)}"


def color_scale(bounds: tuple[int, ...], k: int) -> tuple[ColorClass, ...]:
    """Return the fixed colour classes from GEOAPP_COLOR_CLASSES; the first starts at k when k is lower."""
    lowers = [min(bounds[0], k), *bounds[1:]]
    colors = [CELL_PALETTE[round(i * (len(CELL_PALETTE) - 1) / max(len(lowers) - 1, 1))] for i in range(len(lowers))]
    uppers = [*lowers[1:], None]
    return tuple(ColorClass(lo, up, c) for lo, up, c in zip(lowers, uppers, colors))


def color_of(count: int, classes: tuple[ColorClass, ...]) -> str:
    """Return the colour of the class holding `count`."""
    return [c for c in classes if c.lower <= count][-1].color if count >= classes[0].lower else classes[0].color


def configured_scale(settings: dict, k: int) -> tuple[ColorClass, ...]:
    """Return the colour classes configured in GEOAPP_COLOR_CLASSES for publications with this `k`."""
    return color_scale(parse_color_classes(str(settings["COLOR_CLASSES"])), k)
