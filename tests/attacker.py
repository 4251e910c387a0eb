"""An exact attacker: every number geoapp publishes about a dataset, solved together as one integer program.

The attacker knows every published count (`Fact`: the atoms it sums and its value), the geometry (which grid
squares lie in which area), that counts are non-negative whole numbers, and the perturbation bound: every
published number is a sum of parts (the groups of atoms that lie in exactly the same published sets), each
moved by at most the bound. Given a set of atoms it asks scipy's HiGHS whether a dataset consistent with
everything published puts 0, or at least k, observations there (a set of 1 to k-1 observations is pinned
when neither is possible), and whether any other count than the true one is possible (a count of one walk's
observations is pinned when none is). Over several states of one dataset (uploads and deletions between
them) the unknowns are the counts of each upload group, present in some states and not in others.

Periods are read from their codes, including quarters and ISO weeks, so the same attacker can be pointed at
a publisher that offers crossing bins.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Iterable, Sequence

import numpy as np
import shapely
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

SAFE = "safe_place"
ALL = "all"

# An atom: (area code, grid column, grid row, first day of its time segment, category key).
Atom = tuple


def period_days(code: str) -> tuple[date, date]:
    """Return [first day, day after) of a period code: 2025, 2025-T2, 2025-Q2, 2025-05 or 2025-W20."""
    if re.fullmatch(r"\d{4}", code):
        year = int(code)
        return date(year, 1, 1), date(year + 1, 1, 1)
    year, kind, index = re.fullmatch(r"(\d{4})-([TQW]?)(\d{1,2})", code).groups()
    year, index = int(year), int(index)
    if kind == "W":
        first = date.fromisocalendar(year, index, 1)
        return first, first + timedelta(days=7)
    months = {"T": 4, "Q": 3, "": 1}[kind]
    start = (index - 1) * months
    end = start + months
    return date(year, start + 1, 1), date(year + end // 12, end % 12 + 1, 1)


@dataclass(frozen=True)
class Unit:
    """What a published number covers in space: a piece (area, col, row), an area, or a group of areas."""

    areas: tuple[str, ...]
    piece: tuple[int, int] | None = None


@dataclass(frozen=True)
class Fact:
    """One published number: what it covers and its value."""

    unit: Unit
    period: str
    category: str  # a category key, ALL or SAFE
    value: int


@dataclass
class Universe:
    """Every atom a published number can cover: the pieces of each area, time segments and categories."""

    pieces: dict[str, list[tuple[int, int]]]  # area code -> grid squares (col, row) meeting it
    categories: tuple[str, ...]
    boundaries: list[date]  # sorted segment starts, with the end of the last segment

    @classmethod
    def build(cls, geometries: dict[str, object], size: int, categories: Sequence[str], periods: Iterable[str]):
        pieces = {}
        for code, shape in geometries.items():
            west, south, east, north = shape.bounds
            squares = [(c, r) for c in range(int(west // size), int(east // size) + 1)
                       for r in range(int(south // size), int(north // size) + 1)]
            boxes = [shapely.box(c * size, r * size, (c + 1) * size, (r + 1) * size) for c, r in squares]
            pieces[code] = [sq for sq, box in zip(squares, boxes) if shape.intersection(box).area > 0]
        days = sorted({d for p in periods for d in period_days(p)})
        return cls(pieces, tuple(categories), days)

    def segments(self, period: str) -> list[date]:
        first, end = period_days(period)
        return [d for d in self.boundaries[:-1] if first <= d < end]

    def segment_of(self, day: date) -> date:
        import bisect

        return self.boundaries[bisect.bisect_right(self.boundaries, day) - 1]

    def columns(self, category: str) -> list[str]:
        if category == ALL:
            return [c for c in self.categories if c != SAFE]
        return [category]

    def atoms(self, fact_unit: Unit, period: str, category: str) -> list[Atom]:
        out = []
        for code in fact_unit.areas:
            squares = [fact_unit.piece] if fact_unit.piece is not None else self.pieces[code]
            for col, row in squares:
                for day in self.segments(period):
                    for column in self.columns(category):
                        out.append((code, col, row, day, column))
        return out


@dataclass
class Observation:
    """One stored observation as the attacker's truth sees it."""

    walk: str
    area: str
    col: int
    row: int
    day: date
    category: str
    group: str = "base"  # the upload group it belongs to


@dataclass
class Finding:
    """A pinned set: what it is, its true count, and the range the attacker proved."""

    kind: str  # "small" (1 to k-1 pinned) or "one walk" (a single walk's exact count)
    group: str
    target: str
    truth: int
    low: int | None = None
    high: int | None = None


@dataclass
class State:
    """What was published in one state of the dataset, and which upload groups were stored then."""

    facts: list[Fact]
    groups: tuple[str, ...]
    empty: set = field(default_factory=set)  # (area, period) published as holding no walks


class Attacker:
    """Solve the states of one dataset together and look for pinned sets."""

    def __init__(self, universe: Universe, states: Sequence[State], truth: Sequence[Observation], k: int, noise: int,
                 floor: bool, known: Sequence[str] = ()):
        self.universe, self.states, self.k, self.noise = universe, list(states), k, noise
        # Upload groups whose every observation the attacker knows (its own uploads).
        self.known = set(known)
        # floor: the publisher promises every part is empty or holds at least k (true of geoapp's rules).
        self.floor = floor
        self.groups = sorted({g for s in self.states for g in s.groups})
        atoms, index = [], {}
        fact_atoms = []  # (state, fact, atom ids); a fact of None is a period published as holding no walks
        for s, state in enumerate(self.states):
            covered = [(fact, universe.atoms(fact.unit, fact.period, fact.category)) for fact in state.facts]
            covered += [(None, universe.atoms(Unit((area,)), period, c)) for area, period in sorted(state.empty)
                        for c in universe.categories]
            for fact, found in covered:
                # A number other than 0 over no atom would make the system unsolvable, and every target look pinned.
                if fact is not None and fact.value and not found:
                    raise ValueError(f"the universe covers no atom of {fact}: build it over every period published")
                ids = []
                for atom in found:
                    if atom not in index:
                        index[atom] = len(atoms)
                        atoms.append(atom)
                    ids.append(index[atom])
                fact_atoms.append((s, fact, np.array(ids, np.int64)))
        self.atoms, self.index = atoms, index
        self.fact_atoms = fact_atoms
        # Classes: atoms in exactly the same published numbers of every state, which no published number can tell apart.
        membership = defaultdict(list)
        for f, (_, _, ids) in enumerate(fact_atoms):
            for a in ids.tolist():
                membership[a].append(f)
        signatures = {}
        self.class_of = np.empty(len(atoms), np.int64)
        for a in range(len(atoms)):
            self.class_of[a] = signatures.setdefault(tuple(membership[a]), len(signatures))
        self.classes = len(signatures)
        self.class_sizes = np.bincount(self.class_of, minlength=self.classes)
        self.truth = np.zeros((len(self.groups), len(atoms)), np.int64)
        self.walks = defaultdict(set)
        for o in truth:
            atom = (o.area, o.col, o.row, universe.segment_of(o.day), o.category)
            if atom in index:
                self.truth[self.groups.index(o.group), index[atom]] += 1
                self.walks[(self.groups.index(o.group), index[atom])].add(o.walk)
        self.pool: list[np.ndarray] = []  # datasets found consistent with everything published
        self._memo: dict = {}
        self._build()
        self.seed()

    # The integer program: y[group, class] >= 0, per state block a noise n and an emptiness flag z.
    def _build(self) -> None:
        G, C = len(self.groups), self.classes
        self.n_y = G * C
        rows, cols, vals, lower, upper = [], [], [], [], []
        blocks = []  # (state, class ids)
        for s, state in enumerate(self.states):
            present = [self.groups.index(g) for g in state.groups]
            facts = [(f, ids) for f, (st, fact, ids) in enumerate(self.fact_atoms) if st == s and fact is not None]
            signature = defaultdict(list)
            for f, ids in facts:
                for c in np.unique(self.class_of[ids]).tolist():
                    signature[c].append(f)
            by_block = defaultdict(list)
            for c, fs in signature.items():
                by_block[tuple(fs)].append(c)
            for fs, members in by_block.items():
                blocks.append((s, present, members, set(fs)))
        self.blocks = blocks
        n_blocks = len(blocks)
        self.n_vars = self.n_y + 2 * n_blocks  # y, then noise n, then flags z
        noise_at = lambda b: self.n_y + b
        flag_at = lambda b: self.n_y + n_blocks + b
        row = 0
        # Every published number is the sum of its blocks plus their noise.
        for f, (s, fact, ids) in enumerate(self.fact_atoms):
            present = [self.groups.index(g) for g in self.states[s].groups]
            for c in np.unique(self.class_of[ids]).tolist():
                for g in present:
                    rows.append(row), cols.append(g * C + c), vals.append(1)
            for b, (bs, _, _, fs) in enumerate(blocks):
                if fact is not None and bs == s and f in fs:
                    rows.append(row), cols.append(noise_at(b)), vals.append(1)
            value = 0 if fact is None else fact.value
            lower.append(value), upper.append(value)
            row += 1
        big = int(self.truth.sum()) * 4 + 1000
        floor = self.k if self.floor else 0
        for b, (s, present, members, _) in enumerate(blocks):
            total = [(g * C + c) for c in members for g in present]
            # z = 0: the block is empty; z = 1: it holds at least the floor.
            for coef_total, coef_flag, lo, hi in ((1, -floor, 0, np.inf), (1, -big, -np.inf, 0)):
                for v in total:
                    rows.append(row), cols.append(v), vals.append(coef_total)
                rows.append(row), cols.append(flag_at(b)), vals.append(coef_flag)
                lower.append(lo), upper.append(hi)
                row += 1
            # An empty block has no noise; any other moves by at most the bound, whatever its size.
            for sign in (1, -1):
                rows.append(row), cols.append(noise_at(b)), vals.append(sign)
                rows.append(row), cols.append(flag_at(b)), vals.append(-self.noise)
                lower.append(-np.inf), upper.append(0)
                row += 1
        self.matrix = sparse.csr_matrix((vals, (rows, cols)), shape=(row, self.n_vars))
        self.lower, self.upper = np.array(lower, float), np.array(upper, float)
        lo = np.zeros(self.n_vars)
        hi = np.full(self.n_vars, np.inf)
        lo[self.n_y:self.n_y + n_blocks], hi[self.n_y:self.n_y + n_blocks] = -self.noise, self.noise
        lo[self.n_y + n_blocks:], hi[self.n_y + n_blocks:] = 0, 1
        for g, group in enumerate(self.groups):
            if group in self.known:
                lo[g * C:(g + 1) * C] = hi[g * C:(g + 1) * C] = self.class_truth(g)
        self.bounds = (lo, hi)

    def class_truth(self, group: int) -> np.ndarray:
        return np.bincount(self.class_of, weights=self.truth[group], minlength=self.classes).astype(np.int64)

    def seed(self, solves: int = 8, seed: int = 0) -> None:
        """Find a few very different datasets consistent with everything published, to rule targets out cheaply."""
        rng = np.random.default_rng(seed)
        for _ in range(solves if self.n_y else 0):
            objective = np.zeros(self.n_vars)
            objective[:self.n_y] = rng.integers(-3, 4, self.n_y)
            result = milp(objective, constraints=[LinearConstraint(self.matrix, self.lower, self.upper)],
                          integrality=np.ones(self.n_vars), bounds=Bounds(*self.bounds), options={"time_limit": 30})
            if result.status == 0:
                self.pool.append(np.round(result.x[:self.n_y]).astype(np.int64))

    def _pooled(self, group: int, full, partial) -> tuple[np.ndarray, np.ndarray]:
        """Return the lowest and highest target counts each pooled dataset allows."""
        if not self.pool:
            return np.empty(0), np.empty(0)
        values = np.stack(self.pool)[:, group * self.classes:(group + 1) * self.classes]
        low = values[:, full].sum(axis=1)
        return low, low + values[:, partial].sum(axis=1)

    def feasible(self, group: int, full: Sequence[int], partial: Sequence[int], low: float, high: float) -> bool:
        """Return True when some dataset consistent with everything published puts low..high in the target."""
        lows, highs = self._pooled(group, full, partial)
        if np.any((lows <= high) & (highs >= low)):
            return True
        C = self.classes
        extra = len(partial)
        n = self.n_vars + extra
        matrix = sparse.hstack([self.matrix, sparse.csr_matrix((self.matrix.shape[0], extra))]).tocsr()
        target = np.zeros(n)
        for c in full:
            target[group * C + c] = 1
        rows = [target]
        bounds_lo, bounds_hi = [low], [high]
        for i, c in enumerate(partial):
            target[self.n_vars + i] = 1
            link = np.zeros(n)
            link[self.n_vars + i], link[group * C + c] = 1, -1
            rows.append(link)
            bounds_lo.append(-np.inf), bounds_hi.append(0)
        constraints = [LinearConstraint(matrix, self.lower, self.upper),
                       LinearConstraint(sparse.csr_matrix(np.array(rows)), bounds_lo, bounds_hi)]
        lo = np.concatenate([self.bounds[0], np.zeros(extra)])
        hi = np.concatenate([self.bounds[1], np.full(extra, np.inf)])
        result = milp(np.zeros(n), constraints=constraints, integrality=np.ones(n), bounds=Bounds(lo, hi),
                      options={"time_limit": 60})
        if result.status not in (0, 2):
            raise RuntimeError(f"the solver gave up: {result.message}")
        if result.status == 0:
            self.pool.append(np.round(result.x[:self.n_y]).astype(np.int64))
        return result.status == 0

    def check(self, group: str, name: str, atoms: Iterable[Atom]) -> Finding | None:
        """Return a Finding when the group's observations in `atoms` are pinned, else None."""
        atoms = set(atoms)
        ids = [self.index[a] for a in atoms if a in self.index]
        # An atom in no published number can hold anything, so a target holding one is never pinned.
        if not ids or len(ids) < len(atoms):
            return None
        return self.check_ids(group, name, np.array(sorted(ids)))

    def check_ids(self, group: str, name: str, ids: np.ndarray) -> Finding | None:
        """Return a Finding when the group's observations in the atoms `ids` are pinned, else None."""
        g = self.groups.index(group)
        truth = int(self.truth[g, ids].sum())
        walks = set().union(*(self.walks.get((g, a), set()) for a in ids.tolist()))
        small = 1 <= truth <= self.k - 1
        one_walk = truth > 0 and len(walks) == 1
        if not (small or one_walk):
            return None
        classes, counts = np.unique(self.class_of[ids], return_counts=True)
        sizes = self.class_sizes
        full = classes[counts == sizes[classes]]
        partial = classes[counts < sizes[classes]]
        key = (g, full.tobytes(), partial.tobytes(), truth, small, one_walk)
        if key not in self._memo:
            self._memo[key] = self._pinned(g, full, partial, truth, small, one_walk)
        kind = self._memo[key]
        return Finding(kind, group, name, truth) if kind else None

    def _pinned(self, g: int, full, partial, truth: int, small: bool, one_walk: bool) -> str | None:
        """Return "small" or "one walk" when the target is pinned that way, else None."""
        # The true dataset with this group's observations moved out of the target within each class it cuts.
        witness = int(self.class_truth(g)[full].sum())
        if small and (witness == 0 or witness >= self.k):
            return None
        if one_walk and not small and witness != truth:
            return None
        if small and not (self.feasible(g, full, partial, 0, 0) or self.feasible(g, full, partial, self.k, np.inf)):
            return "small"
        if one_walk and not (self.feasible(g, full, partial, 0, truth - 1)
                             or self.feasible(g, full, partial, truth + 1, np.inf)):
            return "one walk"
        return None


def targets(universe: Universe, areas: dict[str, tuple[str, ...]], years: Sequence[int]) -> Iterable[tuple[str, list]]:
    """Yield (name, atoms) of the sets an attacker would try: every unit, period and category combination."""
    problems = [c for c in universe.categories if c != SAFE]
    category_sets = [(c, [c]) for c in universe.categories] + [(ALL, problems)]
    category_sets += [(f"all but {c}", [p for p in problems if p != c]) for c in problems]
    periods = []
    for year in years:
        periods.append(str(year))
        periods += [f"{year}-T{i}" for i in range(1, 4)] + [f"{year}-Q{i}" for i in range(1, 5)]
        periods += [f"{year}-{m:02d}" for m in range(1, 13)]
    units = [(name, Unit(codes)) for name, codes in areas.items()]
    units += [(f"{code}:{col},{row}", Unit((code,), (col, row))) for code, squares in universe.pieces.items()
              for col, row in squares]
    for unit_name, unit in units:
        for period in periods:
            if not universe.segments(period):
                continue
            for cat_name, columns in category_sets:
                atoms = [a for c in columns for a in universe.atoms(unit, period, c)]
                yield f"{unit_name} {period} {cat_name}", atoms
    # Each time segment of each piece and category: the finest sets there are.
    for code, squares in universe.pieces.items():
        for col, row in squares:
            for day in universe.boundaries[:-1]:
                for c in universe.categories:
                    yield f"{code}:{col},{row} {day} {c}", [(code, col, row, day, c)]


def rowspace_targets(attacker: Attacker, group: str, limit: int = 40) -> Iterable[tuple[str, np.ndarray]]:
    """Yield sets of the group's classes that some linear combination of published numbers gives exactly.

    A mixed integer program looks for a 0/1 vector over the group's classes that lies in the span of the
    published numbers (with any coefficients) and holds 1 to k-1 observations, or observations of one walk
    only; each one found is excluded and the search goes on.
    """
    g, C = attacker.groups.index(group), attacker.classes
    if not C:
        return
    rows = attacker.matrix[:len(attacker.fact_atoms), :attacker.n_y].toarray()
    facts = rows.shape[0]
    truth = attacker.class_truth(g)
    members = defaultdict(list)
    for a, c in enumerate(attacker.class_of.tolist()):
        members[c].append(a)
    per_walk = defaultdict(lambda: np.zeros(C, np.int64))
    for (gi, a), walks in attacker.walks.items():
        if gi == g:
            for walk in walks:
                per_walk[walk][attacker.class_of[a]] += 1
    # Variables: s (one per class of the group, 0/1) then one coefficient per published number.
    n = C + facts
    span = np.zeros((attacker.n_y, n))
    span[:, C:] = rows.T
    span[g * C:(g + 1) * C, :C] -= np.eye(C)
    searches = [("small", truth, 1, attacker.k - 1, None)]
    searches += [("one walk", truth, 1, np.inf, walk) for walk in sorted(per_walk)]
    for kind, weights, low, high, walk in searches:
        allowed = np.ones(C) if walk is None else (per_walk[walk] == truth).astype(float)
        cuts = []
        for _ in range(limit):
            constraints = [LinearConstraint(span, 0, 0), LinearConstraint(np.concatenate([weights, np.zeros(facts)]), low, high)]
            constraints += [LinearConstraint(cut, -np.inf, bound) for cut, bound in cuts]
            result = milp(np.zeros(n), constraints=constraints, integrality=np.concatenate([np.ones(C), np.zeros(facts)]),
                          bounds=Bounds(np.concatenate([np.zeros(C), np.full(facts, -np.inf)]),
                                        np.concatenate([allowed, np.full(facts, np.inf)])),
                          options={"time_limit": 30})
            if result.status != 0:
                break
            chosen = np.flatnonzero(result.x[:C] > 0.5)
            cut = np.concatenate([np.where(np.isin(np.arange(C), chosen), 1.0, -1.0), np.zeros(facts)])
            cuts.append((cut, len(chosen) - 1))
            yield f"a combination of published numbers ({kind})", np.array(sorted(a for c in chosen for a in members[c]))


def attack(attacker: Attacker, groups: Sequence[str], areas: dict[str, tuple[str, ...]], years: Sequence[int],
           extra: Iterable[tuple[str, list]] = (), enough: int = 5) -> list[Finding]:
    """Return pinned sets of the named groups' observations among the attacker's targets (the first `enough`)."""
    found_all = []
    for found in _attack(attacker, groups, areas, years, extra):
        found_all.append(found)
        if len(found_all) >= enough:
            break
    return found_all


def _attack(attacker: Attacker, groups, areas, years, extra) -> Iterable[Finding]:
    for group in groups:
        for name, ids in rowspace_targets(attacker, group):
            found = attacker.check_ids(group, name, ids)
            if found:
                yield found
    for name, ids in combination_targets(attacker):
        for group in groups:
            found = attacker.check_ids(group, name, ids)
            if found:
                yield found
    seen = set()
    for name, atoms in [*targets(attacker.universe, areas, years), *class_targets(attacker), *derived_targets(attacker),
                        *extra]:
        key = frozenset(atoms)
        if key in seen:
            continue
        seen.add(key)
        for group in groups:
            found = attacker.check(group, name, atoms)
            if found:
                yield found


def class_targets(attacker: Attacker) -> Iterable[tuple[str, list]]:
    """Yield each class of atoms no published number tells apart, as a target of its own."""
    members = defaultdict(list)
    for a, c in enumerate(attacker.class_of.tolist()):
        members[c].append(attacker.atoms[a])
    for c, atoms in members.items():
        yield f"class {c}", atoms


def derived_targets(attacker: Attacker) -> Iterable[tuple[str, list]]:
    """Yield the sets that sums and differences of published numbers isolate.

    Each number minus every published number inside it (squares from an area, categories from all, months
    from a year), and two adjacent periods minus a published period that crosses from one into the other
    (October plus November minus ISO week 44), for the same unit and category.
    """
    facts = [(f, fact, frozenset(ids.tolist())) for f, (_, fact, ids) in enumerate(attacker.fact_atoms) if fact is not None]
    for f, fact, atoms in facts:
        inside = set()
        for g, other, other_atoms in facts:
            if g != f and other_atoms < atoms:
                inside |= other_atoms
        if inside and inside != atoms:
            yield f"{fact} minus what is inside", [attacker.atoms[a] for a in sorted(atoms - inside)]
    by_series = defaultdict(list)
    for f, fact, atoms in facts:
        first, end = period_days(fact.period)
        by_series[(fact.unit, fact.category)].append((first, end, fact, atoms))
    for series in by_series.values():
        for a_first, a_end, a, a_atoms in series:
            for b_first, b_end, b, b_atoms in series:
                if b_first != a_end:
                    continue
                for c_first, c_end, c, c_atoms in series:
                    if a_first <= c_first < a_end < c_end <= b_end:
                        rest = (a_atoms | b_atoms) - c_atoms
                        yield f"{a.period} + {b.period} - {c.period} {a.unit} {a.category}", [attacker.atoms[x] for x in rest]


def combination_targets(attacker: Attacker) -> Iterable[tuple[str, np.ndarray]]:
    """Yield, as atom ids, every set that one published number minus one or two others, or two minus a third, gives.

    Numbers are taken over all units, periods and categories alike: an area's months minus a square's
    week, a square's total minus an area's category, and so on.
    """
    members = defaultdict(list)
    for a, c in enumerate(attacker.class_of.tolist()):
        members[c].append(a)
    facts = []
    for _, fact, ids in attacker.fact_atoms:
        if fact is not None:
            bits = 0
            for c in np.unique(attacker.class_of[ids]).tolist():
                bits |= 1 << c
            facts.append((fact, bits))
    distinct = list({bits: fact for fact, bits in facts}.items())

    def atoms_of(bits: int) -> np.ndarray:
        out, c = [], 0
        while bits:
            if bits & 1:
                out += members[c]
            bits >>= 1
            c += 1
        return np.array(sorted(out), np.int64)

    seen = set()
    for big, big_fact in distinct:
        inside = [b for b, _ in distinct if b != big and b & big == b]
        for i, one in enumerate(inside):
            for result in [big & ~one] + [big & ~one & ~two for two in inside[i + 1:] if not one & two]:
                if result and result not in seen:
                    seen.add(result)
                    yield f"{big_fact} minus one or two inside", atoms_of(result)
    for cross, cross_fact in distinct:
        touching = [b for b, _ in distinct if b & cross and b & cross != cross]
        for i, one in enumerate(touching):
            for two in touching[i + 1:]:
                if not one & two and cross & ~(one | two) == 0:
                    result = (one | two) & ~cross
                    if result and result not in seen:
                        seen.add(result)
                        yield f"two numbers minus {cross_fact}", atoms_of(result)


def walk_attacker(walks: Sequence[tuple[str, str, int]], truth: dict[tuple[str, int, int], set], years: Sequence[int],
                  areas: Sequence[str]) -> Attacker:
    """Return an attacker of the published walk counts of RegSO areas, which add up over months.

    `truth` maps (area, year, month) to the walks made there then; a count pinned to exactly 1 dates a walk.
    """
    universe = Universe({area: [(0, 0)] for area in areas}, ("walks",),
                        sorted({d for y in years for m in range(1, 13) for d in period_days(f"{y}-{m:02d}")}))
    facts = [Fact(Unit((area,)), period, "walks", value) for area, period, value in walks if area in areas]
    observations = [Observation(walk, area, 0, 0, date(year, month, 1), "walks")
                    for (area, year, month), found in truth.items() for walk in found]
    return Attacker(universe, [State(facts, ("base",))], observations, 2, 0, floor=True)


def _cell_square(cell: str) -> tuple[int, int]:
    size, e, n = (int(x) for x in re.fullmatch(r"(\d+)m:E(\d+)N(\d+)", cell).groups())
    return e // size, n // size


@dataclass
class Published:
    """Everything one state of the app published, read from its API as any client would."""

    facts: list[Fact]
    empty: set
    walks: list[tuple[str, str, int]]  # (area id, period, published walk count)
    noise: int
    k: int
    # The promise's trend numbers (/api/v1/promise): (trend, area id, series, period, value), value not None.
    trends: list[tuple[str, str, str, str, float]] = field(default_factory=list)
    # The follow-up table's action counts: (area id, tertial) -> {"decided": n, "done": n, "open": n}.
    actions: dict = field(default_factory=dict)
    # The published action list (/api/v1/actions): (RegSO code, status, local date done or None) per action.
    listed: list[tuple[str, str, date | None]] = field(default_factory=list)


def underived(published: Published, members: dict[str, tuple[str, ...]], periods: Sequence[str]) -> list[tuple]:
    """Return the trend numbers that are not worked out from numbers the attacker already solves, exactly as shown.

    Walks must be the published walk counts; observations per walk the published count of all categories divided
    by the published walks, to one decimal; actions done and open the follow-up table's own counts of the area and
    tertial (which `unexplained_actions` checks against the published list). Anything else would be a new number
    for the attacker to solve.
    """
    counts = {(f.unit.areas, f.period, f.category): f.value for f in published.facts if f.unit.piece is None}
    walks = {(area, period): n for area, period, n in published.walks}
    odd = []
    for trend, area, series, period, value in published.trends:
        if period not in periods:
            continue  # a year the attacker does not read, nor solve
        if trend == "walks":
            ok = walks.get((area, period)) == value
        elif trend == "observations_per_walk" and series == ALL:
            count, n = counts.get((members[area], period, ALL)), walks.get((area, period))
            ok = count is not None and bool(n) and round(count / n, 1) == value
        elif trend == "actions" and series.startswith("actions_"):
            ok = published.actions.get((area, period), {}).get(series.removeprefix("actions_")) == value
        else:
            ok = trend in ("dialogues", "dialogue_participants", "police_presence_hours")  # activities, no observation
        if not ok:
            odd.append((trend, area, series, period, value))
    return odd


def collect(client, members: dict[str, tuple[str, ...]], periods: Sequence[str], categories: Sequence[str],
            residents: bool = True) -> Published:
    """Read every filter combination of /api/v1/summary, /api/v1/cells, /api/v1/followup and /api/v1/promise, and the
    residents' pages."""
    facts, empty, walks, trends, actions = set(), set(), set(), set(), {}
    for area in members if residents else ():
        facts.update(residents_facts(client, area, members, periods))
    noise, k = 0, None
    for area in members:
        for period in periods:
            summary = client.get(f"/api/v1/summary?area={area}&period={period}&compare=1")
            assert summary.status_code == 200, summary.get_data(as_text=True)
            body = summary.get_json()
            noise, k = body.get("noise", 0), body["k"]
            for entry in body["areas"]:
                unit = Unit(members[entry["id"]])
                if entry["walks"] is not None:
                    walks.add((entry["id"], entry["period"], entry["walks"]))
                    if entry["walks"] == 0 and len(unit.areas) == 1:
                        empty.add((unit.areas[0], entry["period"]))
                for category, value in entry["counts"].items():
                    if value is not None:
                        facts.add(Fact(unit, entry["period"], category, value))
            for category in (ALL, *categories):
                cells = client.get(f"/api/v1/cells?area={area}&period={period}&category={category}&compare=1")
                assert cells.status_code == 200
                for feature in cells.get_json()["features"]:
                    p = feature["properties"]
                    unit = Unit((p["area"],), _cell_square(p["cell"]))
                    main = SAFE if p["layer"] == "safe_place" else category
                    facts.add(Fact(unit, p["period"], main, p["count"]))
                    for key, value in p.get("categories", {}).items():
                        facts.add(Fact(unit, p["period"], key, value))
        for year in sorted({p[:4] for p in periods}):
            followup = client.get(f"/api/v1/followup?area={area}&period={year}")
            assert followup.status_code == 200
            for row in followup.get_json()["rows"]:
                if row["observations"] is not None:
                    facts.add(Fact(Unit(members[row["area_id"]]), row["tertial"], ALL, row["observations"]))
                actions[(row["area_id"], row["tertial"])] = {kind: row[f"actions_{kind}"] for kind in ACTION_COUNTS}
        for year in sorted({p[:4] for p in periods}):
            promise = client.get(f"/api/v1/promise?area={area}&period={year}")
            assert promise.status_code == 200
            trends.update((t["key"], v["area"], v["series"], v["period"], v["value"])
                          for t in promise.get_json()["trends"] for v in t["values"] if v["value"] is not None)
    listed = client.get("/api/v1/actions")
    assert listed.status_code == 200
    shown = [(f["properties"]["area"], f["properties"]["status"],
              date.fromisoformat(f["properties"]["done_on"]) if f["properties"]["done_on"] else None)
             for f in listed.get_json()["features"]]
    return Published(sorted(facts, key=repr), empty, sorted(walks), noise, k, sorted(trends), actions, sorted(shown, key=repr))


ACTION_COUNTS = ("decided", "done", "open")
COMMITTED_OPEN = ("decided", "in_progress")


def unexplained_actions(published: Published, members: dict[str, tuple[str, ...]], today: date) -> list[tuple]:
    """Return the action counts that prove an action the published list withholds (a proposal), or an area's secret.

    The list shows every published action with its area, status now and the day it was done. From it the attacker
    knows exactly what the tertial holding today must say (open: decided or in progress now; done: done now, on a day
    in it), that no earlier tertial counts more done or open actions than the area lists, that each listed action
    was decided in one tertial only and not after the one it was done in (an integer program over the tertials
    read), and that a group's counts are its members' sums. A count that breaks any of these is a finding:
    (area, tertial or None, what, value).
    """
    found = []
    tertials = sorted({period for _area, period in published.actions}, key=period_days)
    for area, codes in members.items():
        here = [(status, done) for code, status, done in published.listed if code in codes]
        counts = {t: published.actions[(area, t)] for t in tertials if (area, t) in published.actions}
        for tertial, count in counts.items():
            first, end = period_days(tertial)
            if first <= today < end:
                exact = {"open": sum(status in COMMITTED_OPEN for status, _ in here),
                         "done": sum(status == "done" and done is not None and first <= done < end for status, done in here)}
                found += [(area, tertial, kind, count[kind]) for kind, n in exact.items() if count[kind] != n]
            found += [(area, tertial, kind, count[kind]) for kind in ACTION_COUNTS if count[kind] > len(here)]
            if len(codes) > 1:
                parts = [published.actions.get((code, tertial)) for code in codes]
                if all(parts):
                    found += [(area, tertial, f"{kind}: not its members' sum", count[kind]) for kind in ACTION_COUNTS
                              if count[kind] != sum(p[kind] for p in parts)]
        if len(codes) == 1 and counts and not _decided_explained(here, counts):
            found.append((area, None, "decided: more than the listed actions can be", sorted(counts.items())))
    return found


def _decided_explained(listed: list[tuple[str, date | None]], counts: dict[str, dict]) -> bool:
    """Return whether the listed actions can be given tertials of decision that give every decided count read."""
    tertials = list(counts)
    if not listed:
        return all(c["decided"] == 0 for c in counts.values())
    n, width = len(listed), len(tertials)
    # x[i, t] = 1: action i was decided in tertial t; an action decided outside the tertials read has no 1.
    upper = np.ones(n * width)
    for i, (_status, done) in enumerate(listed):
        for t, tertial in enumerate(tertials):
            if done is not None and period_days(tertial)[0] > done:
                upper[i * width + t] = 0  # decided after it was done: impossible
    rows = [np.zeros(n * width) for _ in range(n + width)]
    for i in range(n):
        for t in range(width):
            rows[i][i * width + t] = 1
            rows[n + t][i * width + t] = 1
    lower = [0] * n + [counts[t]["decided"] for t in tertials]
    high = [1] * n + [counts[t]["decided"] for t in tertials]
    result = milp(np.zeros(n * width), constraints=[LinearConstraint(np.array(rows), lower, high)],
                  integrality=np.ones(n * width), bounds=Bounds(np.zeros(n * width), upper))
    return result.status == 0


def residents_facts(client, area: str, members: dict[str, tuple[str, ...]], periods: Sequence[str]) -> set[Fact]:
    """Read what the residents' page of `area` publishes (its JSON twin) in the given periods."""
    response = client.get(f"/api/v1/residents/{area}")
    assert response.status_code == 200, response.get_data(as_text=True)
    found = set()
    for entry in response.get_json()["periods"]:
        period = entry["period"]
        if period not in periods:
            continue
        for category, value in entry["counts"].items():
            if value is not None:
                found.add(Fact(Unit(members[area]), period, category, value))
        for layer, category in (("cells", ALL), ("safe_place_cells", SAFE)):
            for cell in entry[layer]:
                found.add(Fact(Unit((cell["area"],), _cell_square(cell["cell"])), period, category, cell["count"]))
    return found


def collect_actions(client, members: dict[str, tuple[str, ...]], years: Sequence[int]) -> str:
    """Read everything the action layer publishes: /api/v1/actions per area and status, and the follow-up's actions.

    Returns it as one canonical text, so that two states can be compared: what the action layer says must not
    change when only the observations behind it do.
    """
    read = {}
    for area in (None, *members):
        for status in (None, "decided", "in_progress", "done", "wont_do"):
            query = "&".join(f"{k}={v}" for k, v in (("area", area), ("status", status)) if v)
            response = client.get(f"/api/v1/actions?{query}")
            assert response.status_code == 200
            read[f"actions?{query}"] = response.get_json()
    for area in members:
        for year in years:
            rows = client.get(f"/api/v1/followup?area={area}&period={year}").get_json()["rows"]
            read[f"followup {area} {year}"] = [{k: v for k, v in r.items() if k.startswith(("actions", "median"))}
                                               for r in rows]
    page = client.get("/actions").get_data(as_text=True)
    read["list"] = page[page.index("<main>"):]
    return repr(sorted(read.items()))
