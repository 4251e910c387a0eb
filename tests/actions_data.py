"""Actions and walks for tests: a walk with observations in known squares, and forms as the pages send them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from geoapp.domain.grid import cell_at
from tests.observations import Obs, store_observations

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TJARNA = "2081R013"
# Points in Tjärna Ängar (SWEREF 99 TM), two squares apart.
POINTS = ((522150.0, 6706300.0), (522650.0, 6706300.0))
PLACE = "Torget (exempel)"


def store_walk(app, name: str = "Vårvandring Tjärna", day: int = 14, month: int = 4, year: int = 2026) -> list[str]:
    """Store a walk of six observations in two squares of Tjärna Ängar; return the squares' ids."""
    rows = [Obs(name, datetime(year, month, day, 18, minute, tzinfo=STOCKHOLM), category, e + minute, n, TJARNA)
            for (e, n) in POINTS for minute, category in enumerate(("lighting", "litter", "lighting"))]
    store_observations(app.extensions["geoapp"].store, rows)
    return [cell_at(e, n, 250).id for e, n in POINTS]


def form(**changes) -> dict[str, str]:
    """Return an action form at the register's square, decided, for the housing company."""
    return {"title": "Byt belysning vid torget", "category": "lighting", "place": PLACE, "responsible": "tunabyggen",
            "due": "2026-06-30", "status": "decided", "notes": "", "reason": "", "walk": "", "lat": "", "lon": "",
            **changes}
