"""Vocabulary and coordinate reference systems shared by every layer of geoapp."""

from __future__ import annotations

import csv
import difflib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pyproj import CRS, Transformer

# Store, aggregate, measure and clip in SWEREF 99 TM; reproject to WGS84 only for Leaflet.
SWEREF99TM = "EPSG:3006"
WGS84 = "EPSG:4326"
STOCKHOLM_TZ = "Europe/Stockholm"
# Every observation gets a random record key below this when stored: the cell key of the privacy noise.
RECORD_KEY_RANGE = 256

AREA_KIND_REGSO = "regso"
AREA_KIND_GROUP = "group"


@lru_cache(maxsize=16)
def transformer(source: str, target: str) -> Transformer:
    """Return an x/y-ordered transformer between two CRS."""
    # Kept: making one reads PROJ's database, 7 ms; pyproj gives each thread its own copy of its state.
    return Transformer.from_crs(CRS.from_user_input(source), CRS.from_user_input(target), always_xy=True)


@dataclass(frozen=True)
class Category:
    """One place-related category of the safety-walk vocabulary."""

    key: str
    sv: str
    en: str

    def label(self, language: str = "sv") -> str:
        """Return the label in `language` (sv or en)."""
        return self.sv if language == "sv" else self.en


@dataclass(frozen=True)
class Vocabulary:
    """The categories a walk may record, looked up by key or by either language's label."""

    categories: tuple[Category, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.categories)

    def lookup(self, text: str) -> str | None:
        """Return the key for a key or label (case and spacing ignored), or None."""
        wanted = " ".join(text.split()).casefold()
        for c in self.categories:
            labels = {c.key, c.sv, c.en, *_alternatives(c.sv), *_alternatives(c.en)}
            if wanted in {" ".join(label.split()).casefold() for label in labels}:
                return c.key
        return None

    def nearest(self, text: str) -> tuple[str, str] | None:
        """Return the known label closest to a mistyped one, and its language ('sv' or 'en'), or None."""
        wanted = " ".join(text.split()).casefold()
        choices = {}
        for c in self.categories:
            for language, label in (("en", c.key), ("en", c.en), ("sv", c.sv), *((("sv", a) for a in _alternatives(c.sv))),
                                    *((("en", a) for a in _alternatives(c.en)))):
                choices.setdefault(label.casefold(), (c.label(language), language))
        close = difflib.get_close_matches(wanted, list(choices), n=1, cutoff=0.6)
        return choices[close[0]] if close else None

    def labels(self, language: str = "sv") -> dict[str, str]:
        """Return every category's label in `language`, by key."""
        return {c.key: c.label(language) for c in self.categories}

    def label(self, key: str, language: str = "sv") -> str:
        """Return the label of `key` in `language` (sv or en)."""
        for c in self.categories:
            if c.key == key:
                return c.label(language)
        raise KeyError(key)


def _alternatives(label: str) -> list[str]:
    """Split a label like 'klotter / skadegörelse' into its alternatives."""
    parts = [p.strip() for p in label.split("/")]
    return parts if len(parts) > 1 else []


def load_vocabulary(path: Path) -> Vocabulary:
    """Read the category vocabulary from a CSV file with columns key, sv, en."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return Vocabulary(tuple(Category(r["key"].strip(), r["sv"].strip(), r["en"].strip()) for r in rows))
