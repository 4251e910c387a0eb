"""The follow-up (uppföljning) per tertial and area: activities held next to safety-walk observations.

The promise is followed up per tertial by the municipality's committee and the police's management group.
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone

from geoapp.activities import ADVICE, DIALOGUE, POLICE_PRESENCE, ViewError, published_in
from geoapp.periods import Period, periods_of_year
from geoapp.store.observations import counts_per_bin

MIN_WALKS = 2
K_FLOOR = 3  # never publish smaller counts, whatever GEOAPP_K_MIN says
SAFE_PLACE = "safe_place"  # places that feel safe are not problems; counted apart on the map, left out here
WITHHELD = "withheld"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class FollowupRow:
    """One tertial in one area; observations is None when not publishable, with observations_note saying why."""

    tertial: str
    area_id: str
    area_name: str
    dialogues: int
    dialogue_participants: int
    police_presence: int
    police_presence_hours: float
    advice: int
    observations: int | None
    observations_note: str | None


@dataclass(frozen=True)
class Followup:
    """The follow-up table of one area (a group with its members) and period."""

    area_id: str
    area_name: str
    period: Period
    delay_days: int
    k: int
    rows: tuple[FollowupRow, ...]

    def to_json(self) -> dict:
        return {"area": self.area_id, "period": self.period.code, "delay_days": self.delay_days, "k": self.k,
                "rows": [asdict(r) for r in self.rows]}


def tertials(period: Period, today: date | None = None) -> list[Period]:
    """Return the tertials a year or tertial holds that have begun, or raise ViewError for other periods."""
    if period.kind not in ("year", "tertial"):
        raise ViewError(f"the follow-up is per tertial: choose a year ({period.year}) or a tertial ({period.year}-T1)")
    chosen = periods_of_year(period.year, "tertial") if period.kind == "year" else (period,)
    return [t for t in chosen if t.first_day <= (today or date.today())]


def shown_observations(counts: dict[tuple[str, int], tuple[int, int]], code: str, k: int) -> list[tuple[int | None, str | None]]:
    """Return per tertial of one year the observations of one RegSO area that may be published, or why not.

    Privacy rule k: a count is shown when it is 0 or at least k from at least 2 walks. Because a yearly
    total may be shown elsewhere, a year's tertials are shown only when all three can be, so none can be
    found by subtraction. (When integrated with the planners' map this is the one function to replace by
    the privacy module's decision for the area's tertials.)
    """
    k = max(k, K_FLOOR)
    values = [counts.get((code, i), (0, 0)) for i in range(3)]
    ok = [n == 0 or (n >= k and walks >= MIN_WALKS) for n, walks in values]
    if all(ok):
        return [(n, None) for n, _ in values]
    return [(None, f"fewer than {k}" if 0 < n < k else WITHHELD) for n, _ in values]


def _group_value(parts: list[tuple[int | None, str | None]], raw: int, k: int) -> tuple[int | None, str | None]:
    """Show a group's total only when every member's is shown, so it reveals nothing new."""
    if all(value is not None for value, _ in parts):
        return sum(value for value, _ in parts), None
    return None, f"fewer than {max(k, K_FLOOR)}" if 0 < raw < max(k, K_FLOOR) else WITHHELD


def build_followup(instance, area, period: Period, now: datetime | None = None) -> Followup:
    """Build the follow-up table of `area` (a row of the area frame, with its members) for `period`."""
    now = now or datetime.now(timezone.utc)
    settings, names = instance.settings, instance.area_frame().set_index("id")["name"]
    delay, k = settings["ACTIVITY_DELAY_DAYS"], settings["K_MIN"]
    members = list(area["members"])
    rows_for = [(area["id"], area["name"], members)]
    if len(members) > 1:  # a group: its total first, then each member
        rows_for += [(code, names.get(code, code), [code]) for code in members]
    year_tertials = periods_of_year(period.year, "tertial")
    edges = [t.bounds_utc()[0] for t in year_tertials] + [year_tertials[-1].bounds_utc()[1]]
    with instance.store.connect() as conn:
        counts = {(code, i): (n, walks) for code, i, n, walks in counts_per_bin(conn, members, edges, [SAFE_PLACE])}
        activities = {t: published_in(conn, members, *t.bounds_utc(), now, delay) for t in tertials(period, now.date())}
    shown = {code: shown_observations(counts, code, k) for code in members}
    rows = []
    for tertial, found in activities.items():
        i = tertial.index - 1
        for area_id, name, codes in rows_for:
            here = [a for place, a in found if place["area_code"] in codes]
            parts = [shown[c][i] for c in codes]
            raw = sum(counts.get((c, i), (0, 0))[0] for c in codes)
            value, note = parts[0] if len(codes) == 1 else _group_value(parts, raw, k)
            rows.append(_row(tertial, area_id, name, here, value, note))
    return Followup(area["id"], area["name"], period, delay, max(k, K_FLOOR), tuple(rows))


def _row(tertial: Period, area_id: str, name: str, found: list, value: int | None, note: str | None) -> FollowupRow:
    dialogues = [a for a in found if a.kind == DIALOGUE]
    presence = [a for a in found if a.kind == POLICE_PRESENCE]
    return FollowupRow(tertial.code, area_id, name, len(dialogues), sum(a.participants or 0 for a in dialogues),
                       len(presence), round(sum(a.duration_min or 0 for a in presence) / 60, 1),
                       sum(a.kind == ADVICE for a in found), value, note)


CSV_HEADER = ["Tertial", "Area", "Dialogues held", "Participants in dialogues", "Police presence occasions",
              "Police presence hours", "Advice sessions", "Safety-walk observations"]


def neutralise(value: object) -> object:
    """Keep a spreadsheet from reading a text cell as a formula."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def followup_csv(followup: Followup) -> str:
    """Return the follow-up table as CSV text with a BOM, so that Excel reads it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for r in followup.rows:
        observations = r.observations if r.observations is not None else r.observations_note
        writer.writerow([neutralise(v) for v in (r.tertial, r.area_name, r.dialogues, r.dialogue_participants,
                                                  r.police_presence, r.police_presence_hours, r.advice, observations)])
    return "\ufeff" + out.getvalue()
