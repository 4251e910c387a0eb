"""The action list as the pages show it: filters read from the request, rows and counts for each kind of reader.

Viewers get what `geoapp.privacy.actions` publishes (decided actions only); uploaders and admins, who keep the
list, get every action with its walk and history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Mapping
from zoneinfo import ZoneInfo

from geoapp.domain.actions import OPEN_STATUSES, PUBLISHED_STATUSES, STATUSES, allowed_moves, is_overdue
from geoapp.domain.model import STOCKHOLM_TZ
from geoapp.i18n import _
from geoapp.privacy.actions import PublishedActions, publish_actions
from geoapp.store import actions as stored

OPEN, ALL = "open", "all"


class FilterError(ValueError):
    """A filter of the action list that is not accepted; the message says which and what is."""


def today_here() -> date:
    """Return today's date in Sweden."""
    return datetime.now(ZoneInfo(STOCKHOLM_TZ)).date()


@dataclass(frozen=True)
class ListFilters:
    """The list's filters: area (an id of a RegSO area or group), status, responsible, overdue only, walk."""

    area: str | None = None
    status: str = ALL
    responsible: str | None = None
    overdue: bool = False
    walk: int | None = None

    def args(self) -> dict[str, str]:
        return {k: v for k, v in (("area", self.area), ("status", self.status), ("responsible", self.responsible),
                                  ("overdue", "1" if self.overdue else None),
                                  ("walk", str(self.walk) if self.walk else None)) if v}


def parse_filters(args: Mapping[str, str], areas: Mapping[str, dict], responsible, walks_allowed: bool) -> ListFilters:
    """Read the list's filters, or raise FilterError naming the one not accepted."""
    area = (args.get("area") or "").strip() or None
    if area is not None and area not in areas:
        raise FilterError(_("Unknown area %(area)r; choose one listed at /api/v1/areas.", area=area))
    status = (args.get("status") or ALL).strip()
    if status not in (ALL, OPEN, *STATUSES):
        raise FilterError(_("status must be all, open or one of %(statuses)s", statuses=", ".join(STATUSES)))
    who = (args.get("responsible") or "").strip() or None
    if who is not None and who not in responsible.keys:
        raise FilterError(_("unknown responsible %(key)r; use one of %(keys)s", key=who, keys=", ".join(responsible.keys)))
    overdue = (args.get("overdue") or "").strip() in ("1", "true", "on")
    walk_text = (args.get("walk") or "").strip()
    walk = None
    if walk_text:
        # The link to a walk is internal: only those who keep the list may filter by it.
        if not walks_allowed or not walk_text.isdigit():
            raise FilterError(_("walk must be the number of a walk, for uploaders and admins only"))
        walk = int(walk_text)
    return ListFilters(area, status, who, overdue, walk)


def _wanted(status: str, chosen: str) -> bool:
    return chosen == ALL or status == chosen or (chosen == OPEN and status in OPEN_STATUSES)


def published_list(site, codes=None, version: int | None = None) -> PublishedActions:
    """Return the published actions (decided or later) of the RegSO areas `codes`, or of all areas, cached until they change."""
    version = site.store.data_version() if version is None else version
    today = today_here()

    def build() -> PublishedActions:
        with site.store.connect() as conn:
            rows = stored.list_actions(conn, PUBLISHED_STATUSES, codes)
            histories = stored.histories(conn, [r["id"] for r in rows])
        return publish_actions(rows, histories, today)

    # Every map page shows them: read once per change of an action and per day (overdue moves with the date).
    depends = (site.versions(version).get(stored.ACTIONS_VERSION, 0), today)
    return site.cached(("published_actions", tuple(codes) if codes is not None else None), depends, build)


def action_list(site, filters: ListFilters, keeper: bool) -> tuple[list[dict], dict[str, int]]:
    """Return the rows the list shows under `filters` and the count per status of those in its area.

    A keeper (uploader or admin) sees every action, with its walk and the moves it allows; others see
    the published ones only.
    """
    areas = site.areas_by_id()
    codes = tuple(areas[filters.area]["members"]) if filters.area else None
    today = today_here()
    if keeper:
        with site.store.connect() as conn:
            rows = stored.list_actions(conn, None, codes)
        for row in rows:
            row["overdue"] = is_overdue(row["status"], row["due"], today)
            row["moves"] = allowed_moves(row["status"])
    else:
        rows = [dict(a.__dict__, place_name=a.place_name, walk_id=None, moves=())
                for a in published_list(site, codes).actions]
    counts = {s: sum(r["status"] == s for r in rows) for s in (STATUSES if keeper else PUBLISHED_STATUSES)}
    counts["overdue"] = sum(r["overdue"] for r in rows)
    shown = [r for r in rows if _wanted(r["status"], filters.status)
             and (filters.responsible is None or r["responsible"] == filters.responsible)
             and (not filters.overdue or r["overdue"])
             and (filters.walk is None or r["walk_id"] == filters.walk)]
    for row in shown:
        row["area_name"] = areas.get(row["area_code"], {}).get("name", row["area_code"])
    return shown, counts


def walk_map_cells(site, walk_id: int) -> list[dict]:
    """Return the squares a walk found something in, each with its categories: for an uploader placing an action."""
    from geoapp.domain.grid import cell_at

    size = int(site.settings["GRID_SIZE"])
    with site.store.connect() as conn:
        found = stored.walk_observations(conn, walk_id)
    cells: dict[str, set] = {}
    for e, n, category in found:
        cells.setdefault(cell_at(e, n, size).id, set()).add(category)
    return [{"cell": cell, "categories": sorted(categories)} for cell, categories in sorted(cells.items())]


@dataclass(frozen=True)
class ActionRows:
    """Stored actions of some areas with their histories and the start of the walks they answer, for counting."""

    rows: list[dict]
    histories: dict
    walks: dict


def action_rows(conn, codes) -> ActionRows:
    """Return the actions of the RegSO areas `codes` with what the follow-up counts them by."""
    rows = stored.list_actions(conn, None, codes)
    return ActionRows(rows, stored.histories(conn, [r["id"] for r in rows]),
                      stored.walk_started(conn, [r["walk_id"] for r in rows]))
