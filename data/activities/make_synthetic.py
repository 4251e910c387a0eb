"""Write the synthetic demo activities: invented dialogues, police presence and advice, January 2025 to October 2026.

Nothing here happened. Places are the invented ones of ../places/synthetic_places.csv; the seed is fixed.
Run from the project root:
    python data/activities/make_synthetic.py
"""

from __future__ import annotations

import csv
import random
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
PLACES = HERE.parent / "places" / "synthetic_places.csv"
# kind label: (occasions a month, hours of the day, durations in minutes, participants or None)
KINDS = {
    "medborgardialog": ((2, 4), (17, 18, 19), (60, 90, 120), (6, 40)),
    "polisnärvaro": ((4, 8), (14, 16, 19, 21), (60, 120, 180, 240), None),
    "rådgivning": ((1, 2), (10, 13, 17), (30, 45, 60), (2, 15)),
}


def months(first: date, last: date):
    current = first
    while current <= last:
        yield current
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)


def activities(places: list[str], rng: random.Random, first: date, last: date) -> list[list]:
    """Return rows of invented activities, no two with the same place, kind and start."""
    rows, seen = [], set()
    for month in months(first, last):
        days = ((month.replace(day=28) + timedelta(days=4)).replace(day=1) - month).days
        for kind, ((low, high), hours, durations, participants) in KINDS.items():
            for _ in range(rng.randint(low, high)):
                start = datetime(month.year, month.month, rng.randint(1, days), rng.choice(hours), rng.choice((0, 30)))
                place = rng.choice(places)
                if (place, kind, start) in seen:
                    continue
                seen.add((place, kind, start))
                count = rng.randint(*participants) if participants else ""
                rows.append([place, kind, start.date().isoformat(), start.strftime("%H.%M"), rng.choice(durations), count])
    return sorted(rows, key=lambda r: (r[2], r[3], r[1], r[0]))


def main() -> None:
    with PLACES.open(encoding="utf-8-sig", newline="") as f:
        places = [row["Namn"] for row in csv.DictReader(f, delimiter=";")]
    rng = random.Random(2081)
    headers = ["Plats", "Aktivitet", "Datum", "Tid", "Varaktighet", "Deltagare"]
    with (HERE / "synthetic_activities_2025.csv").open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows(activities(places, rng, date(2025, 1, 1), date(2025, 12, 1)))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Aktiviteter"
    sheet.append(["Place", "Kind", "Start", "Duration", "Participants"])
    for place, kind, day, clock, minutes, count in activities(places, rng, date(2026, 1, 1), date(2026, 10, 1)):
        start = datetime.fromisoformat(f"{day} {clock.replace('.', ':')}")
        sheet.append([place, kind, start, minutes, count if count != "" else None])
    workbook.save(HERE / "synthetic_activities_2026.xlsx")


if __name__ == "__main__":
    main()
