"""An exact attacker against everything geoapp publishes: random datasets, the six known attacks, and over time.

The attacker (tests/attacker.py) reads every filter combination of /api/v1/summary, /api/v1/cells and
/api/v1/followup, and the residents' pages (their JSON twin), from a real app over SQLite, and solves all of it together. It is first shown to find
each of the six attacks on a publisher that has no secondary protection, so that finding nothing in
geoapp means something.
"""

from __future__ import annotations

import os
import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geoapp.accounts.administration import delete_upload
from geoapp.domain.users import Actor
from geoapp.mapview.residents import closed_tertials
from tests.attacker import (ALL, SAFE, Attacker, Fact, Observation, Published, State, Unit, Universe, attack, collect,
                            collect_actions, period_days, residents_facts, unexplained_actions, underived, walk_attacker)
from tests.observations import Obs, random_points, store_observations

STOCKHOLM = ZoneInfo("Europe/Stockholm")
K, SIZE = 5, 250
TJARNA, JAKOBS, GROUP = "2081R013", "2081R004", "vastra-borlange"
MEMBERS = {GROUP: (TJARNA, JAKOBS), TJARNA: (TJARNA,), JAKOBS: (JAKOBS,)}
CATEGORIES = ("lighting", "litter", "graffiti", SAFE)
# Squares with observations: three in Tjärna Ängar, two in its neighbour, and one cut by their border.
SQUARES = [(TJARNA, 2088, 26825), (TJARNA, 2089, 26825), (TJARNA, 2088, 26826), (JAKOBS, 2086, 26823),
           (JAKOBS, 2087, 26822), (TJARNA, 2088, 26824), (JAKOBS, 2088, 26824)]
YEARS = (2025, 2026)
def periods_of(years) -> list[str]:
    return [p for y in years for p in [str(y), *(f"{y}-T{i}" for i in (1, 2, 3)), *(f"{y}-{m:02d}" for m in range(1, 13))]]


PERIODS = periods_of(YEARS)
# The datasets start in late 2024 and compare=1 publishes the same period a year before: the attacker's
# universe covers that year too.
COVERED = periods_of((YEARS[0] - 1, *YEARS))
# Days around the ends of months, tertials and the year, where crossing periods did their damage.
DAYS = [date(2025, 1, 2), date(2025, 3, 31), date(2025, 4, 28), date(2025, 5, 2), date(2025, 8, 30),
        date(2025, 9, 1), date(2025, 10, 30), date(2025, 11, 3), date(2025, 12, 30), date(2026, 1, 2)]
EXAMPLES = int(os.environ.get("GEOAPP_ATTACK_EXAMPLES", "20"))
SEED = int(os.environ.get("GEOAPP_ATTACK_SEED", "0"))
pytestmark = pytest.mark.perturbed


@pytest.fixture(autouse=True)
def seeded_record_keys(monkeypatch):
    """Draw record keys as geoapp does, from a seeded generator, so that a finding can be run again."""
    from geoapp.store import observations

    rng = np.random.default_rng(SEED)
    monkeypatch.setattr(observations, "record_keys", lambda count: rng.integers(0, 256, count).tolist())


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """A data folder with the shipped boundaries and a vocabulary of three categories and places that feel safe."""
    folder = tmp_path_factory.mktemp("data")
    (folder / "areas").symlink_to(Path(__file__).resolve().parent.parent / "data" / "areas")
    (folder / "vocabulary").mkdir()
    (folder / "vocabulary" / "categories.csv").write_text(
        "key,sv,en\nlighting,belysning,lighting\nlitter,nedskräpning,litter\ngraffiti,klotter,graffiti\n"
        "safe_place,trygg plats,place that feels safe\n", encoding="utf-8")
    return folder


@pytest.fixture
def world(tmp_path, data_dir):
    """An app over SQLite with the small vocabulary, the places of every square, and the attacker's universe."""
    from geoapp import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'attack.sqlite3'}", "INSTANCE_PATH": str(tmp_path),
                      "DATA_DIR": str(data_dir), "LOAD_DEFAULT_PLACES": False, "TILES": "none", "PUBLIC_MAP": True,
                      "RESIDENTS_PAGE": True,
                      "TESTING": True})
    areas = app.extensions["geoapp"].areas_by_id()
    geometries = {code: areas[code]["geometry"] for code in (TJARNA, JAKOBS)}
    universe = Universe.build(geometries, SIZE, CATEGORIES, COVERED)
    places = {}
    for code, col, row in SQUARES:
        square = shapely.box(col * SIZE, row * SIZE, (col + 1) * SIZE, (row + 1) * SIZE)
        places[(code, col, row)] = geometries[code].intersection(square).buffer(-5)
    yield app, universe, places
    app.extensions["geoapp"].store.dispose()


Row = tuple  # (walk, day, category, square index)


def store(app, places, rows: list[Row], rng: random.Random) -> dict[str, int]:
    """Store the rows, one upload per walk, each at a random point of its square; return upload ids by walk."""
    by_walk = defaultdict(list)
    for walk, day, category, square in rows:
        code, col, row = SQUARES[square]
        (e, n), = random_points(places[(code, col, row)], 1, rng)
        at = datetime.combine(day, time(18, rng.randrange(60)), tzinfo=STOCKHOLM)
        by_walk[walk].append(Obs(walk, at, category, e, n, code))
    return {walk: store_observations(app.extensions["geoapp"].store, found) for walk, found in sorted(by_walk.items())}


def truth(rows: list[Row], group_of=lambda walk: "base") -> list[Observation]:
    return [Observation(walk, *SQUARES[square], day, category, group_of(walk)) for walk, day, category, square in rows]


def published_state(app, groups) -> tuple[State, object]:
    published = collect(app.test_client(), MEMBERS, PERIODS, CATEGORIES)
    return State(published.facts, tuple(groups), published.empty), published


def findings(universe, states, observations, noise, groups, known=()) -> list:
    attacker = Attacker(universe, states, observations, K, noise, floor=True, known=known)
    return attack(attacker, groups, MEMBERS, YEARS)


# A publisher with no secondary protection: every count of at least k from two walks, for every period
# kind including quarters and weeks, exactly as it is.
def naive_facts(universe: Universe, observations: list[Observation], periods: list[str]) -> State:
    facts, empty = [], set()
    problems = [c for c in CATEGORIES if c != SAFE]
    units = [Unit(codes) for codes in MEMBERS.values()]
    units += [Unit((code,), (col, row)) for code, col, row in sorted(set(SQUARES))]
    for unit in units:
        for period in periods:
            first, end = period_days(period)
            for category in (ALL, *CATEGORIES):
                columns = problems if category == ALL else [category]
                chosen = [o for o in observations if o.area in unit.areas and first <= o.day < end
                          and o.category in columns and (unit.piece is None or (o.col, o.row) == unit.piece)]
                if len(chosen) >= K and len({o.walk for o in chosen}) >= 2:
                    facts.append(Fact(unit, period, category, len(chosen)))
    return State(facts, ("base",), empty)


def all_periods(years=YEARS) -> list[str]:
    weeks = []
    for year in years:
        weeks += [f"{year}-W{w:02d}" for w in range(1, date(year, 12, 28).isocalendar().week + 1)]
    quarters = [f"{y}-Q{i}" for y in years for i in range(1, 5)]
    return PERIODS + quarters + weeks


def case_rows(case: str) -> list[Row]:
    """The datasets of the six attacks the issue reproduced, with the square indices of SQUARES."""
    if case == "month minus week":
        # October and November hold 5 each; ISO week 44 (27 October - 2 November) holds 9 of them.
        rows = [("a", date(2025, 10, 27 + i % 2), "lighting", 3) for i in range(4)]
        rows += [("b", date(2025, 10, 28), "lighting", 3)]
        rows += [("a", date(2025, 11, 1), "lighting", 3), ("b", date(2025, 11, 2), "lighting", 3)] * 2
        return rows + [("c", date(2025, 11, 12), "lighting", 3)]
    if case == "category across levels":
        x = [("a" if i % 2 else "b", date(2025, 6, 3), "lighting", 0) for i in range(6)]
        x += [("a" if i % 2 else "b", date(2025, 6, 3), "graffiti", 0) for i in range(5)]
        y = [("a" if i % 2 else "b", date(2025, 6, 3), "lighting", 1) for i in range(5)]
        return x + y + [("c", date(2025, 6, 4), "litter", 1)]
    if case == "derived from one walk":
        rows = [("a" if i % 2 else "b", date(2025, 2, 10), "lighting", 0) for i in range(10)]
        return rows + [("c", date(2025, 4, 14), "lighting", 0)] * 5
    raise KeyError(case)


@pytest.mark.parametrize("case", ["month minus week", "category across levels", "derived from one walk"])
def test_the_attacker_finds_each_attack_on_a_publisher_without_protection(world, case):
    _, universe, _ = world
    observations = truth(case_rows(case))
    universe = Universe.build({}, SIZE, CATEGORIES, all_periods())
    universe.pieces = {TJARNA: [(c, r) for code, c, r in SQUARES if code == TJARNA],
                       JAKOBS: [(c, r) for code, c, r in SQUARES if code == JAKOBS]}
    state = naive_facts(universe, observations, all_periods((2025,)))
    attacker = Attacker(universe, [state], observations, K, 0, floor=False)
    found = attack(attacker, ["base"], MEMBERS, (2025,))
    assert found, f"the attacker missed the {case} attack"


@pytest.mark.parametrize("case", ["month minus week", "category across levels", "derived from one walk"])
def test_the_attacker_finds_nothing_in_what_geoapp_publishes_of_the_known_attacks(world, case):
    app, universe, places = world
    rows = case_rows(case)
    store(app, places, rows, random.Random(1))
    state, published = published_state(app, ["base"])
    assert published.noise == 2
    assert findings(universe, [state], truth(rows), published.noise, ["base"]) == []
    assert published.trends and underived(published, MEMBERS, PERIODS) == []


def test_the_ogc_cells_are_exactly_the_cells_the_attacker_reads(world):
    app, _, places = world
    # OGC API – Features publishes nothing the attacker has not solved: the same features, view by view.
    store(app, places, case_rows("category across levels") + case_rows("derived from one walk"), random.Random(5))
    client, shown = app.test_client(), 0
    for area in MEMBERS:
        for period in PERIODS:
            for category in (ALL, *CATEGORIES):
                view = f"area={area}&period={period}&category={category}"
                cells = client.get(f"/api/v1/cells?{view}").get_json()["features"]
                page = client.get(f"/ogc/collections/cells/items?{view}&limit=10000").get_json()
                assert page["numberMatched"] == page["numberReturned"] == len(cells)
                assert [{k: f[k] for k in ("type", "geometry", "properties")} for f in page["features"]] == cells
                shown += len(cells)
    assert shown > 0


@st.composite
def datasets(draw):
    """Clustered observations: few walks, days near period ends, few squares, so that much is publishable."""
    near_ends = st.sampled_from(DAYS)
    anywhere = st.integers(0, 420).map(lambda d: date(2024, 12, 20) + timedelta(days=d))
    days = draw(st.lists(st.one_of(near_ends, anywhere), min_size=1, max_size=8, unique=True))
    squares = draw(st.lists(st.integers(0, len(SQUARES) - 1), min_size=1, max_size=5, unique=True))
    row = st.tuples(st.sampled_from(["w1", "w2", "w3", "w4"]), st.sampled_from(days),
                    st.sampled_from(CATEGORIES + ("lighting", "lighting")), st.sampled_from(squares))
    return draw(st.lists(row, min_size=30, max_size=160))


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(rows=datasets())
def test_the_attacker_finds_nothing_over_random_datasets(world, rows):
    app, universe, places = world
    uploads = store(app, places, rows, random.Random(len(rows)))
    try:
        state, published = published_state(app, ["base"])
        assert findings(universe, [state], truth(rows), published.noise, ["base"]) == []
        # The promise's trends publish nothing the attacker has not solved already.
        assert underived(published, MEMBERS, PERIODS) == []
    finally:
        for upload in uploads.values():
            delete_upload(app.extensions["geoapp"].store, upload, Actor("tests"))


def _walks_truth(rows: list[Row]) -> dict:
    found = defaultdict(set)
    for walk, day, _, square in rows:
        found[(SQUARES[square][0], day.year, day.month)].add(walk)
    return found


def test_no_walk_count_dates_a_single_walk(world):
    app, _, places = world
    # One walk in March and one in September, three in May: the months of one walk must not be told apart.
    rows = [("a", date(2025, 3, 5), "lighting", 0)] * 6 + [("b", date(2025, 9, 5), "lighting", 0)] * 6
    rows += [(w, date(2025, 5, 6), "litter", 1) for w in "cde" for _ in range(3)]
    store(app, places, rows, random.Random(3))
    published = collect(app.test_client(), MEMBERS, PERIODS, CATEGORIES)
    shown = {(area, period): n for area, period, n in published.walks if area == TJARNA}
    assert shown[(TJARNA, "2025")] == 5 and shown[(TJARNA, "2025-05")] == 3
    assert (TJARNA, "2025-03") not in shown and (TJARNA, "2025-T1") not in shown
    assert all(n != 1 for n in shown.values())
    attacker = walk_attacker(published.walks, _walks_truth(rows), YEARS, [TJARNA, JAKOBS])
    assert attack(attacker, ["base"], {TJARNA: (TJARNA,), JAKOBS: (JAKOBS,)}, YEARS) == []


def test_an_uploader_padding_a_square_learns_nothing_of_the_others_in_it(world):
    app, universe, places = world
    # Someone else's two observations in a square, the uploader's own five added to the same square.
    others = [("a", date(2025, 6, 3), "lighting", 0), ("b", date(2025, 6, 4), "lighting", 0)]
    others += [(w, date(2025, 6, 5), "litter", 2) for w in "ab" for _ in range(4)]
    own = [("mine", date(2025, 6, 6), "lighting", 0)] * 5
    store(app, places, others + own, random.Random(4))
    state, published = published_state(app, ["base", "own"])
    observations = truth(others) + truth(own, lambda walk: "own")
    assert findings(universe, [state], observations, published.noise, ["base"], known=["own"]) == []


def test_the_attacker_finds_the_padding_when_nothing_is_perturbed(world):
    _, universe, _ = world
    others = [("a", date(2025, 6, 3), "lighting", 0), ("b", date(2025, 6, 4), "lighting", 0)]
    own = [("mine", date(2025, 6, 6), "lighting", 0)] * 5
    observations = truth(others) + truth(own, lambda walk: "own")
    cell = Unit((TJARNA,), SQUARES[0][1:])
    state = State([Fact(cell, "2025", "lighting", 7)], ("base", "own"))
    attacker = Attacker(universe, [state], observations, K, 0, floor=False, known=["own"])
    assert attack(attacker, ["base"], MEMBERS, (2025,))


def sequence(app, places, base: list[Row], added: list[Row], deleted_walk: str):
    """Publish, upload a walk, publish, delete one walk's upload, publish: return the three states and the truth."""
    uploads = store(app, places, base, random.Random(5))
    first, published = published_state(app, ["base", "deleted"])
    uploads.update(store(app, places, added, random.Random(6)))
    second, _ = published_state(app, ["base", "deleted", "added"])
    delete_upload(app.extensions["geoapp"].store, uploads[deleted_walk], Actor("tests"))
    third, _ = published_state(app, ["base", "added"] if deleted_walk != added[0][0] else ["base"])
    if deleted_walk == added[0][0]:
        groups = lambda walk: "added" if walk == deleted_walk else "base"
        first = State(first.facts, ("base",), first.empty)
        second = State(second.facts, ("base", "added"), second.empty)
    else:
        groups = lambda walk: "added" if walk == added[0][0] else "deleted" if walk == deleted_walk else "base"
    return [first, second, third], truth(base + added, groups), published.noise


def test_over_time_the_attacker_learns_nothing_of_a_walk_added_then_deleted(world):
    app, universe, places = world
    # A square with lighting 10 and litter 6 from two walks; a third walk adds 2 lighting and 1 litter there.
    base = [(w, date(2025, 5, 6), "lighting", 0) for w in ("a", "b") for _ in range(5)]
    base += [(w, date(2025, 5, 7), "litter", 0) for w in ("a", "b") for _ in range(3)]
    added = [("c", date(2025, 5, 20), "lighting", 0)] * 2 + [("c", date(2025, 5, 20), "litter", 0)]
    states, observations, noise = sequence(app, places, base, added, "c")
    assert findings(universe, states, observations, noise, ["added"]) == []


def test_the_attacker_finds_the_added_walk_when_nothing_is_perturbed(world):
    _, universe, _ = world
    base = [(w, date(2025, 5, 6), "lighting", 0) for w in ("a", "b") for _ in range(5)]
    added = [("c", date(2025, 5, 20), "lighting", 0)] * 2
    cell = Unit((TJARNA,), SQUARES[0][1:])
    states = [State([Fact(cell, "2025", "lighting", 10)], ("base",)),
              State([Fact(cell, "2025", "lighting", 12)], ("base", "added"))]
    observations = truth(base) + truth(added, lambda walk: "added")
    attacker = Attacker(universe, states, observations, K, 0, floor=False)
    assert attack(attacker, ["added"], MEMBERS, (2025,))


@settings(max_examples=max(2, EXAMPLES // 4), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(rows=datasets(), added=datasets())
def test_over_time_the_attacker_learns_nothing_of_an_added_or_a_deleted_upload(world, rows, added):
    app, universe, places = world
    added = [("w9", day, category, square) for _, day, category, square in added[:25]]
    walks = sorted({r[0] for r in rows})
    states, observations, noise = sequence(app, places, rows, added, walks[0])
    store_ = app.extensions["geoapp"].store
    try:
        assert findings(universe, states, observations, noise, ["added", "deleted"]) == []
    finally:
        from sqlalchemy import select
        from geoapp.store.schema import uploads

        with store_.connect() as conn:
            remaining = [u for u, in conn.execute(select(uploads.c.id))]
        for upload in remaining:
            delete_upload(store_, upload, Actor("tests"))


def test_the_residents_pages_publish_nothing_the_attacker_can_use(world):
    app, _, places = world
    # The pages show the last two closed tertials, whatever today is: the data lies in them.
    latest, earlier = closed_tertials(datetime.now(STOCKHOLM).date())
    years = sorted({latest.year, earlier.year})
    periods = periods_of(years)
    areas = app.extensions["geoapp"].areas_by_id()
    universe = Universe.build({code: areas[code]["geometry"] for code in (TJARNA, JAKOBS)}, SIZE, CATEGORIES, periods)
    day = lambda period, offset: period.first_day + timedelta(days=offset)  # noqa: E731
    rows = [("a", day(latest, 3), "lighting", 0)] * 4 + [("a", day(latest, 3), "litter", 1)] * 2
    rows += [("b", day(latest, 60), "lighting", 0)] * 3 + [("b", day(latest, 60), "graffiti", 5)] * 3
    rows += [("c", day(earlier, 10), "lighting", 3)] * 5 + [("d", day(earlier, 100), "lighting", 3)] * 2
    rows += [("d", day(earlier, 100), SAFE, 0)] * 5 + [("a", day(latest, 3), SAFE, 0)] * 2
    store(app, places, rows, random.Random(8))
    client = app.test_client()
    shown = set().union(*(residents_facts(client, area, MEMBERS, periods) for area in MEMBERS))
    assert {fact.period for fact in shown} == {latest.code, earlier.code}
    assert shown <= set(collect(client, MEMBERS, periods, CATEGORIES, residents=False).facts)  # nothing new
    published = collect(client, MEMBERS, periods, CATEGORIES)
    state = State(published.facts, ("base",), published.empty)
    attacker = Attacker(universe, [state], truth(rows), K, published.noise, floor=True)
    assert attack(attacker, ["base"], MEMBERS, years) == []


def _point_in(places, square: int) -> tuple[str, str]:
    """Return (lat, lon) text of a point inside one of SQUARES, as the form takes it."""
    from geoapp.domain.model import transformer

    point = places[SQUARES[square]].representative_point()
    lon, lat = transformer("EPSG:3006", "EPSG:4326").transform(point.x, point.y)
    return f"{lat:.6f}", f"{lon:.6f}"


def _actions_for_walks(app, places, walks: list[str]) -> None:
    """Give each walk two actions answering its squares: one done, one decided, at places and picked points."""
    from geoapp.actions.records import add_action, move_action
    from geoapp.store.actions import set_links, walk_names

    geoapp = app.extensions["geoapp"]
    with geoapp.store.connect() as conn:
        ids = {w["name"]: w["id"] for w in walk_names(conn)}
    with app.test_request_context():
        for i, walk in enumerate(walks):
            for status in ("decided", "done"):
                action_id, errors = add_action(geoapp, {
                    "title": f"Åtgärd {i} {status}", "responsible": "tunabyggen", "status": "decided",
                    **dict(zip(("lat", "lon"), _point_in(places, i))), "walk": walk, "due": "2025-06-30"}, Actor("t"))
                assert errors == {}, errors
                if status == "done":
                    assert move_action(geoapp, action_id, "done", Actor("t")) == {}
                with geoapp.store.begin() as conn:
                    set_links(conn, action_id, [(f"250m:E{SQUARES[i % len(SQUARES)][1] * SIZE}N"
                                                 f"{SQUARES[i % len(SQUARES)][2] * SIZE}", "lighting")])
        assert set(ids) >= set(walks)


def test_the_action_layer_tells_nothing_of_the_observations_behind_it(world):
    """Actions answering walks, read whole, say the same whatever those walks found; the observations stay protected."""
    app, universe, places = world
    first = [(w, date(2025, 5, 6), "lighting", s) for w in ("a", "b") for s in (0, 1) for _ in range(4)]
    second = [(w, date(2025, 5, 6), c, s) for w in ("a", "b") for s, c in ((3, "litter"), (2, "graffiti"))
              for _ in range(2)] + [("a", date(2025, 5, 6), "lighting", 4)]
    uploads = store(app, places, first, random.Random(8))
    _actions_for_walks(app, places, ["a", "b"])
    client = app.test_client()
    before = collect_actions(client, MEMBERS, YEARS)
    state, published = published_state(app, ["base"])
    assert findings(universe, [state], truth(first), published.noise, ["base"]) == []
    for upload in uploads.values():
        delete_upload(app.extensions["geoapp"].store, upload, Actor("tests"))
    store(app, places, second, random.Random(9))  # other squares, categories and counts, the same walks on the same day
    assert collect_actions(client, MEMBERS, YEARS) == before
    assert "Åtgärd 0 done" in before and "250m:" not in before and '"a"' not in before


def test_the_median_days_to_done_needs_k_done_actions_from_two_walks(world):
    from geoapp.actions.records import add_action, move_action

    app, _, places = world
    store(app, places, [(w, date(2025, 5, 6), "lighting", 0) for w in ("a", "b") for _ in range(5)], random.Random(3))
    geoapp = app.extensions["geoapp"]

    def median() -> object:
        year = datetime.now(STOCKHOLM).year
        rows = app.test_client().get(f"/api/v1/followup?area={TJARNA}&period={year}").get_json()["rows"]
        [done] = [r for r in rows if r["actions_done"]]
        return done["median_days_to_done"]

    with app.test_request_context():
        for n in range(K):
            action_id, _ = add_action(geoapp, {"title": f"Åtgärd {n}", "responsible": "polisen", "status": "decided",
                                               **dict(zip(("lat", "lon"), _point_in(places, 0))), "walk": "a"}, Actor("t"))
            move_action(geoapp, action_id, "done", Actor("t"))
    assert median() is None  # k done, but all from one walk: withheld
    with app.test_request_context():
        action_id, _ = add_action(geoapp, {"title": "Åtgärd b", "responsible": "polisen", "status": "decided",
                                           **dict(zip(("lat", "lon"), _point_in(places, 1))), "walk": "b"}, Actor("t"))
        move_action(geoapp, action_id, "done", Actor("t"))
    assert median() == (datetime.now(STOCKHOLM).date() - date(2025, 5, 6)).days


def _propose(app, places) -> None:
    """Store a proposal in Tjärna Ängar: seen by uploaders and admins only, so no published count may tell of it."""
    from geoapp.actions.records import add_action

    with app.test_request_context():
        _, errors = add_action(app.extensions["geoapp"], {
            "title": "Förslag", "responsible": "tunabyggen", "status": "proposed",
            **dict(zip(("lat", "lon"), _point_in(places, 0)))}, Actor("t"))
        assert errors == {}, errors


def _with_actions(app, places):
    """Store two walks' observations, their actions (two done, two decided) and a proposal; return what is published."""
    store(app, places, [(w, date(2025, 5, 6), "lighting", s) for w in ("a", "b") for s in (0, 1) for _ in range(4)],
          random.Random(8))
    _actions_for_walks(app, places, ["a", "b"])
    _propose(app, places)
    year = datetime.now(STOCKHOLM).year
    periods = periods_of(sorted({*YEARS, year}))
    return collect(app.test_client(), MEMBERS, periods, CATEGORIES, residents=False), periods


def test_the_action_counts_and_their_trend_tell_of_no_action_the_list_withholds(world):
    app, _, places = world
    published, periods = _with_actions(app, places)
    today = datetime.now(STOCKHOLM).date()
    [now] = [p for p in periods if "-T" in p and period_days(p)[0] <= today < period_days(p)[1]]
    # The four decided actions lie in Tjärna Ängar, decided today; the proposal is in no count.
    assert published.actions[(TJARNA, now)] == published.actions[(GROUP, now)] == {"decided": 4, "done": 2, "open": 2}
    assert published.actions[(JAKOBS, now)] == {"decided": 0, "done": 0, "open": 0}
    assert len(published.listed) == 4
    shown = {(area, series): value for trend, area, series, period, value in published.trends
             if trend == "actions" and period == now}
    assert shown[(TJARNA, "actions_done")] == shown[(TJARNA, "actions_open")] == 2
    assert unexplained_actions(published, MEMBERS, today) == []
    assert underived(published, MEMBERS, periods) == []


def test_the_attacker_finds_a_proposal_in_the_action_counts_when_they_are_unprotected(world, monkeypatch):
    from geoapp.domain import actions as rules
    from geoapp.privacy import actions as publisher

    # A publisher that counts proposals as decided and open: the list still withholds them, the counts tell.
    monkeypatch.setattr(publisher, "COMMITTED_OPEN", (rules.PROPOSED, *rules.COMMITTED_OPEN))
    monkeypatch.setattr(publisher, "first_reached",
                        lambda history, statuses: rules.first_reached(history, (rules.PROPOSED, *statuses)))
    app, _, places = world
    published, periods = _with_actions(app, places)
    found = unexplained_actions(published, MEMBERS, datetime.now(STOCKHOLM).date())
    assert {(area, what) for area, _period, what, _value in found} >= {
        (TJARNA, "open"), (GROUP, "open"), (TJARNA, "decided"), (TJARNA, "decided: more than the listed actions can be")}
    # The trend reads the same counts, so it is derived from them: the leak is in the counts, and caught there.
    assert underived(published, MEMBERS, periods) == []


def test_an_action_trend_value_that_is_not_the_follow_up_tables_count_is_a_new_number():
    published = Published([], set(), [], 0, K, [("actions", TJARNA, "actions_done", "2025-T2", 3)],
                          {(TJARNA, "2025-T2"): {"decided": 3, "done": 2, "open": 1}}, [])
    assert underived(published, MEMBERS, ["2025-T2"]) == [("actions", TJARNA, "actions_done", "2025-T2", 3)]
    published.trends = [("actions", TJARNA, "actions_done", "2025-T2", 2)]
    assert underived(published, MEMBERS, ["2025-T2"]) == []


def test_decided_counts_more_than_the_listed_actions_can_give_are_found():
    listed = [(TJARNA, "done", date(2025, 3, 1)), (TJARNA, "decided", None)]
    counts = {(TJARNA, "2025-T1"): {"decided": 1, "done": 1, "open": 1},
              (TJARNA, "2025-T2"): {"decided": 1, "done": 0, "open": 1}}
    published = Published([], set(), [], 0, K, [], counts, listed)
    members = {TJARNA: (TJARNA,)}
    assert unexplained_actions(published, members, date(2026, 1, 10)) == []
    # Two decided in 2025-T2: the done action was done in T1, so it cannot have been decided after: one is hidden.
    counts[(TJARNA, "2025-T2")]["decided"] = 2
    assert unexplained_actions(published, members, date(2026, 1, 10)) == [
        (TJARNA, None, "decided: more than the listed actions can be", [(t, c) for (_a, t), c in sorted(counts.items())])]
