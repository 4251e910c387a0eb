"""The promise as a file: read and check a TOML promise, naming the file and line of every problem."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from geoapp.domain.periods import FIRST_YEAR, LAST_YEAR
from geoapp.i18n import _

PER = ("tertial", "year")
DIRECTIONS = ("at_least", "at_most")
TOP_KEYS = {"id", "title", "years", "areas", "parties", "commitments", "note"}
PARTY_KEYS = {"key", "name"}
COMMITMENT_KEYS = {"id", "party", "wording", "indicator", "target", "areas"}
TARGET_KEYS = {"per", *DIRECTIONS}
IDENT = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
MAX_TEXT = 2000


class PromiseError(ValueError):
    """A promise file that cannot be used: the file, the line (when known) and what is wrong."""

    def __init__(self, file: str, line: int | None, message: str):
        self.file, self.line, self.message = file, line, message
        where = _("%(file)s, line %(line)d", file=file, line=line) if line else file
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Text:
    """A text in Swedish, with its English version when given (Swedish otherwise)."""

    sv: str
    en: str

    def in_language(self, language: str) -> str:
        return self.en if language == "en" else self.sv


@dataclass(frozen=True)
class Target:
    """What a commitment aims at in every tertial or every year of the promise: at least or at most a value."""

    per: str  # tertial | year
    direction: str  # at_least | at_most
    value: float


@dataclass(frozen=True)
class Party:
    key: str
    name: Text


@dataclass(frozen=True)
class Commitment:
    """One party's pledge: its wording, the indicator it is followed up by, an optional target, the areas it concerns."""

    id: str
    party: str
    wording: Text
    indicator: str
    target: Target | None
    areas: tuple[str, ...]


@dataclass(frozen=True)
class Promise:
    """A signed promise: its years of validity, parties, areas and commitments."""

    id: str
    title: Text
    years: tuple[int, ...]
    areas: tuple[str, ...]
    parties: tuple[Party, ...]
    commitments: tuple[Commitment, ...]
    note: Text | None
    file: str

    def in_force(self, year: int) -> bool:
        return year in self.years

    def party(self, key: str) -> Party:
        return next(p for p in self.parties if p.key == key)

    def target_in(self, commitment: Commitment, year: int) -> Target | None:
        """Return the commitment's target in `year`, or None when it has none or the promise is not in force then."""
        return commitment.target if self.in_force(year) else None


class _Locator:
    """Find the line of a key in a TOML text: top-level keys, and keys of the n-th [[array]] table."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def line(self, *path) -> int | None:
        """Return the 1-based line of `path` such as ("years",) or ("commitments", 2, "target"), or None."""
        table, index, key = (None, None, path[0]) if len(path) == 1 else (path[0], path[1], path[2] if len(path) > 2 else None)
        seen, inside = -1, table is None
        for number, raw in enumerate(self.lines, 1):
            line = raw.strip()
            if line.startswith("["):
                header = line.strip("[] ").split("#")[0].strip()
                if table is None:
                    return None if key is not None else number
                seen += header == table and line.startswith("[[")
                inside = header == table and seen == index
                if inside and key is None:
                    return number
                continue
            if inside and key is not None and re.match(rf"{re.escape(key)}\s*(=|\.)", line):
                return number
        return None


def read_promise(path: Path, indicators: Iterable[str], areas: Iterable[str] | None = None) -> Promise:
    """Read and check the promise in `path`; raise PromiseError naming the file and line of the first problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PromiseError(path.name, None, _("cannot be read as UTF-8 text (%(reason)s)", reason=exc)) from None
    return parse_promise(text, path.name, indicators, areas)


def parse_promise(text: str, file: str, indicators: Iterable[str], areas: Iterable[str] | None = None) -> Promise:
    """Check a promise written as TOML; `indicators` and `areas` are the keys and area ids it may name."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        reason = re.sub(r"\s*\(at line.*\)", "", str(exc))
        raise PromiseError(file, int(found.group(1)) if found else None,
                           _("not valid TOML: %(reason)s", reason=reason)) from None
    return _Checker(file, _Locator(text), indicators, None if areas is None else set(areas)).promise(document)


class _Checker:
    def __init__(self, file: str, where: _Locator, indicators, areas: set[str] | None):
        self.file, self.where, self.indicators, self.areas = file, where, indicators, areas

    def fail(self, path: tuple, message: str):
        line = self.where.line(*path)
        if line is None and len(path) > 2:
            line = self.where.line(*path[:2])
        raise PromiseError(self.file, line, message)

    def unknown_keys(self, table: dict, allowed: set[str], path: tuple) -> None:
        for key in table:
            if key not in allowed:
                self.fail(path + (key,), _("unknown key %(key)r; the keys here are: %(keys)s", key=key,
                                           keys=", ".join(sorted(allowed))))

    def required(self, table: dict, key: str, path: tuple):
        if key not in table:
            where = _("in commitment %(n)d", n=path[1] + 1) if len(path) > 1 and path[0] == "commitments" else \
                _("in party %(n)d", n=path[1] + 1) if len(path) > 1 else _("at the top of the file")
            self.fail(path, _("%(key)r is missing %(where)s", key=key, where=where))
        return table[key]

    def ident(self, value, path: tuple) -> str:
        if not isinstance(value, str) or not IDENT.fullmatch(value):
            self.fail(path, _("%(value)r is not an identifier (lower-case letters, digits, - and _)", value=value))
        return value

    def text(self, value, path: tuple) -> Text:
        if isinstance(value, str):
            value = {"sv": value}
        if not isinstance(value, dict) or not isinstance(value.get("sv"), str) or not value["sv"].strip():
            self.fail(path, _("needs a Swedish text: write %(key)s.sv = \"…\" (and %(key)s.en = \"…\")", key=path[-1]))
        self.unknown_keys(value, {"sv", "en"}, path[:-1])
        english = value.get("en", value["sv"])
        if not isinstance(english, str) or max(len(value["sv"]), len(english)) > MAX_TEXT:
            self.fail(path, _("a text of at most %(n)d characters is needed", n=MAX_TEXT))
        return Text(value["sv"].strip(), english.strip() or value["sv"].strip())

    def area_list(self, value, path: tuple) -> tuple[str, ...]:
        if not isinstance(value, list) or not value or not all(isinstance(a, str) for a in value):
            self.fail(path, _("a list of area ids is needed, e.g. [\"vastra-borlange\"]"))
        for area in value:
            if self.areas is not None and area not in self.areas:
                self.fail(path, _("unknown area %(area)r; use an id listed at /api/v1/areas", area=area))
        return tuple(value)

    def promise(self, doc: dict) -> Promise:
        self.unknown_keys(doc, TOP_KEYS, ())
        ident = self.ident(self.required(doc, "id", ("id",)), ("id",))
        title = self.text(self.required(doc, "title", ("title",)), ("title",))
        years = self.required(doc, "years", ("years",))
        if (not isinstance(years, list) or not years or not all(type(y) is int and FIRST_YEAR <= y <= LAST_YEAR for y in years)
                or years != sorted(set(years))):
            self.fail(("years",), _("years must be a list of calendar years in order, e.g. [2022, 2023]"))
        areas = self.area_list(self.required(doc, "areas", ("areas",)), ("areas",))
        parties = self.parties(self.required(doc, "parties", ("parties",)))
        raw = self.required(doc, "commitments", ("commitments",))
        if not isinstance(raw, list) or not raw or not all(isinstance(c, dict) for c in raw):
            self.fail(("commitments",), _("commitments must be one or more [[commitments]] tables"))
        commitments = [self.commitment(c, i, {p.key for p in parties}) for i, c in enumerate(raw)]
        ids = [c.id for c in commitments]
        for i, c in enumerate(commitments):
            if ids.index(c.id) != i:
                self.fail(("commitments", i, "id"), _("commitment id %(id)r is used twice", id=c.id))
        note = self.text(doc["note"], ("note",)) if "note" in doc else None
        return Promise(ident, title, tuple(years), areas, parties, tuple(commitments), note, self.file)

    def parties(self, raw) -> tuple[Party, ...]:
        if not isinstance(raw, list) or not raw or not all(isinstance(p, dict) for p in raw):
            self.fail(("parties",), _("parties must be one or more [[parties]] tables"))
        parties = []
        for i, table in enumerate(raw):
            path = ("parties", i)
            self.unknown_keys(table, PARTY_KEYS, path)
            key = self.ident(self.required(table, "key", path), path + ("key",))
            if key in {p.key for p in parties}:
                self.fail(path + ("key",), _("party %(key)r is listed twice", key=key))
            parties.append(Party(key, self.text(self.required(table, "name", path), path + ("name",))))
        return tuple(parties)

    def commitment(self, table: dict, i: int, parties: set[str]) -> Commitment:
        path = ("commitments", i)
        self.unknown_keys(table, COMMITMENT_KEYS, path)
        ident = self.ident(self.required(table, "id", path), path + ("id",))
        party = self.required(table, "party", path)
        if party not in parties:
            self.fail(path + ("party",), _("unknown party %(party)r; the parties are: %(parties)s", party=party,
                                           parties=", ".join(sorted(parties))))
        wording = self.text(self.required(table, "wording", path), path + ("wording",))
        indicator = self.required(table, "indicator", path)
        if indicator not in self.indicators:
            self.fail(path + ("indicator",), _("unknown indicator %(indicator)r; use one of: %(known)s",
                                               indicator=indicator, known=", ".join(self.indicators)))
        target = self.target(table["target"], path + ("target",)) if "target" in table else None
        areas = self.area_list(self.required(table, "areas", path), path + ("areas",))
        return Commitment(ident, party, wording, indicator, target, areas)

    def target(self, raw, path: tuple) -> Target:
        if not isinstance(raw, dict):
            self.fail(path, _("target must be a table such as { per = \"tertial\", at_least = 2 }"))
        self.unknown_keys(raw, TARGET_KEYS, path[:-1])
        per = raw.get("per")
        if per not in PER:
            self.fail(path, _("target.per must be \"tertial\" or \"year\", not %(value)r", value=per))
        given = [d for d in DIRECTIONS if d in raw]
        if len(given) != 1:
            self.fail(path, _("a target needs exactly one of at_least and at_most"))
        value = raw[given[0]]
        if type(value) not in (int, float) or not 0 <= value < 1e9:
            self.fail(path, _("the target value must be a number of 0 or more, not %(value)r", value=value))
        return Target(per, given[0], float(value))


def promise_files(folder: Path) -> list[Path]:
    """Return the promise files of a data folder's promises/, in name order."""
    return sorted((folder / "promises").glob("*.toml")) if (folder / "promises").is_dir() else []


def read_promises(folder: Path, indicators: Iterable[str], areas: Iterable[str] | None = None) -> tuple[Promise, ...]:
    """Read every promise of `folder`/promises, oldest first; raise PromiseError at the first bad file."""
    promises = [read_promise(path, indicators, areas) for path in promise_files(folder)]
    ids = [p.id for p in promises]
    for p in promises:
        if ids.count(p.id) > 1:
            raise PromiseError(p.file, None, _("promise id %(id)r is used by another file too", id=p.id))
    return tuple(sorted(promises, key=lambda p: (p.years[0], p.id)))


def promise_for(promises: tuple[Promise, ...], year: int) -> Promise | None:
    """Return the promise in force in `year`, else the latest one before it, else the first; None without any."""
    if not promises:
        return None
    in_force = [p for p in promises if p.in_force(year)]
    if in_force:
        return in_force[-1]
    before = [p for p in promises if p.years[0] <= year]
    return before[-1] if before else promises[0]
