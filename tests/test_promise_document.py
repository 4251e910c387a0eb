"""The promise file: the shipped promise reads as signed, and every mistake is named with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from geoapp.config import ConfigError
from geoapp.promise.document import PromiseError, parse_promise, promise_for, read_promise
from geoapp.promise.indicators import KnownIndicators

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "promises" / "borlange_2022.toml"
AREAS = {"vastra-borlange", "tjarna-angar", "2081R013", "2081R004"}

GOOD = '''id = "test"
title.sv = "Löfte"
years = [2025, 2026]
areas = ["vastra-borlange"]

[[parties]]
key = "kommun"
name.sv = "Kommunen"

[[parties]]
key = "polis"
name.sv = "Polisen"

[[commitments]]
id = "dialoger"
party = "kommun"
wording.sv = "Dialoger"
indicator = "dialogues"
target = { per = "tertial", at_least = 2 }
areas = ["vastra-borlange"]

[[commitments]]
id = "trygghet"
party = "polis"
wording.sv = "Tryggare"
indicator = "survey:trygghetsindex"
areas = ["tjarna-angar"]
'''


def parse(text: str):
    return parse_promise(text, "test.toml", KnownIndicators(), AREAS)


def test_the_shipped_promise_reads_as_signed_without_invented_targets():
    promise = read_promise(SHIPPED, KnownIndicators(), AREAS)
    assert promise.years == (2022,) and promise.areas == ("vastra-borlange",)
    assert [p.key for p in promise.parties] == ["kommun", "polis"]
    assert [(c.party, c.indicator) for c in promise.commitments] == [
        ("kommun", "dialogues"), ("polis", "advice_sessions"), ("polis", "police_presence_hours")]
    assert all(c.target is None for c in promise.commitments)
    assert "västra Borlänge" in promise.commitments[0].wording.sv and promise.commitments[0].wording.en != promise.commitments[0].wording.sv


def test_a_good_file_gives_targets_and_english_falls_back_to_swedish():
    promise = parse(GOOD)
    first, second = promise.commitments
    assert (first.target.per, first.target.direction, first.target.value) == ("tertial", "at_least", 2.0)
    assert second.target is None and second.indicator == "survey:trygghetsindex"
    assert promise.title.in_language("en") == "Löfte"
    assert promise.target_in(first, 2025) == first.target and promise.target_in(first, 2024) is None


@pytest.mark.parametrize("old, new, line, message", [
    ('indicator = "dialogues"', 'indicator = "dialogs"', 18, "unknown indicator 'dialogs'; use one of: dialogues"),
    ('party = "polis"', 'party = "police"', 24, "unknown party 'police'; the parties are: kommun, polis"),
    ('years = [2025, 2026]', 'years = [2026, 2025]', 3, "years must be a list of calendar years in order"),
    ('at_least = 2 }', 'at_least = 2, at_most = 4 }', 19, "exactly one of at_least and at_most"),
    ('per = "tertial"', 'per = "quarter"', 19, "target.per must be \"tertial\" or \"year\", not 'quarter'"),
    ('wording.sv = "Tryggare"\n', 'wordnig.sv = "Tryggare"\n', 25, "unknown key 'wordnig'"),
    ('wording.sv = "Dialoger"\n', '', 14, "'wording' is missing in commitment 1"),
    ('areas = ["tjarna-angar"]', 'areas = ["atlantis"]', 27, "unknown area 'atlantis'"),
    ('id = "trygghet"', 'id = "dialoger"', 23, "commitment id 'dialoger' is used twice"),
    ('title.sv = "Löfte"', 'title.sv = "Löfte', 2, "not valid TOML"),
    ('indicator = "survey:trygghetsindex"', 'indicator = "survey:Trygghet index"', 26, "unknown indicator"),
])
def test_every_mistake_names_the_file_line_and_problem(old, new, line, message):
    assert old in GOOD
    with pytest.raises(PromiseError) as raised:
        parse(GOOD.replace(old, new, 1))
    assert (raised.value.file, raised.value.line) == ("test.toml", line), str(raised.value)
    assert message in raised.value.message
    assert str(raised.value).startswith(f"test.toml, line {line}: ")


def test_the_promise_in_force_is_chosen_by_year():
    early = parse(GOOD.replace("years = [2025, 2026]", "years = [2022]"))
    late = parse(GOOD)
    assert promise_for((early, late), 2026) is late and promise_for((early, late), 2023) is early
    assert promise_for((early, late), 2019) is early and promise_for((), 2025) is None


def test_the_app_does_not_start_with_a_bad_promise_and_names_the_line(make_app, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for part in ("areas", "vocabulary", "places"):
        (data / part).symlink_to(SHIPPED.parent.parent / part)
    (data / "promises").mkdir()
    (data / "promises" / "ours.toml").write_text(GOOD.replace('"dialogues"', '"dialogs"'), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"ours\.toml, (line|rad) 18: "):
        make_app(DATA_DIR=str(data))
