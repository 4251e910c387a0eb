"""Activity and place files built in code, and what got stored."""

from __future__ import annotations

from sqlalchemy import func, select

from geoapp.store.schema import activities, places, uploads

# Two places of the shipped synthetic register, one in each area of Västra Borlänge.
TORGET = "Torget (exempel)"  # in Tjärna Ängar, 2081R013
JAKOB = "Jakobsgårdstorget (exempel)"  # in Jakobsgårdarna-Paradiset-Nygårdsdalen, 2081R004
TORGET_LATLON = (60.490285, 15.405604)
JAKOB_LATLON = (60.487326, 15.393792)
HEADERS = ["Plats", "Aktivitet", "Datum", "Tid", "Varaktighet", "Deltagare"]


def rows() -> list[list[str]]:
    """Three good activities."""
    return [
        [TORGET, "medborgardialog", "2025-02-10", "18.00", "90", "12"],
        [TORGET, "polisnärvaro", "2025-03-05", "20:00", "120", ""],
        [JAKOB, "Rådgivning", "2025-01-15", "10:00", "30", "4"],
    ]


def stored_counts(app) -> dict[str, int]:
    """Return how many activities, activity uploads and places are stored."""
    with app.extensions["geoapp"].store.connect() as conn:
        count = lambda query: conn.execute(query).scalar_one()  # noqa: E731
        return {
            "activities": count(select(func.count()).select_from(activities)),
            "uploads": count(select(func.count()).select_from(uploads).where(uploads.c.kind == "activities")),
            "places": count(select(func.count()).select_from(places)),
        }
