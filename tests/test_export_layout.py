"""The printed map's layout: every text inside the figure, the notes under the maps, the names clear of the marks."""

from __future__ import annotations

import textwrap
from dataclasses import replace

import pytest

from geoapp.export import cartography as carto
from geoapp.export.briefing import gather_briefing
from geoapp.export.figure import A4_LANDSCAPE_INCHES, SLIDE_INCHES, drawing, map_figure
from geoapp.export.wording import words
from tests.exporting import mapped  # noqa: F401

# Areas whose maps once went wrong: a neighbour's name on the north arrow (2081R016, 2081R017) or on the scale bar
# (2081R015), a title past the edge (2081R014), and three notes under the map (Västra Borlänge, an approximation).
AREAS = ("2081R016", "2081R017", "2081R015", "2081R014", "vastra-borlange")
SIZES = {"png": SLIDE_INCHES, "pdf": A4_LANDSCAPE_INCHES}


@pytest.fixture
def figures(mapped):
    """Draw the map of each area above in both languages at the PNG's and the PDF's size; yield them with a renderer."""
    site = mapped.extensions["geoapp"]
    drawn = []
    with drawing():
        for area in AREAS:
            for language in ("sv", "en"):
                with mapped.test_request_context():
                    briefing = gather_briefing(site, {"area": area, "period": "2025-05", "lang": language})
                for kind, size in SIZES.items():
                    fig = map_figure(briefing, size)
                    drawn.append(((area, language, kind), fig, fig.canvas.get_renderer(), briefing))
        yield drawn


def test_every_text_and_the_legend_lie_inside_the_figure_and_the_notes_under_the_maps(figures):
    for case, fig, renderer, briefing in figures:
        page = fig.bbox
        boxes = {text.get_gid(): text.get_window_extent(renderer) for text in fig.texts}
        assert set(boxes) == {"title", "subtitle", "generated", "notes"}, case
        for name, box in boxes.items():
            assert box.x0 >= page.x0 and box.x1 <= page.x1 and box.y0 >= page.y0 and box.y1 <= page.y1, (case, name)
        legend = next(ax for ax in fig.axes if ax.get_gid() == "legend").get_legend().get_window_extent(renderer)
        assert legend.x1 <= page.x1 and legend.y0 >= page.y0, case
        notes = next(t for t in fig.texts if t.get_gid() == "notes")
        maps = [ax for ax in fig.axes if ax.get_gid() != "legend"]
        assert boxes["notes"].y1 < min(ax.get_window_extent(renderer).y0 for ax in maps), case
        # Broken into lines, the privacy sentence loses no word.
        published = briefing.published
        privacy = words(briefing.language)["privacy"].format(k=published.k, walks=published.min_walks,
                                                             noise=published.noise)
        assert privacy in " ".join(notes.get_text().split()), case
        assert len(notes.get_text().splitlines()) >= 3, case  # the sentence takes more than one line
        assert not boxes["title"].overlaps(boxes["generated"]), case


def test_area_names_keep_clear_of_the_north_arrow_the_scale_bar_and_each_other(figures):
    for case, fig, renderer, _briefing in figures:
        names = marks = 0
        for ax in fig.axes:
            labels = [carto.drawn_box(t, renderer) for t in ax.texts if t.get_gid() == carto.AREA_NAME]
            drawn = [carto.drawn_box(a, renderer) for a in (*ax.texts, *ax.patches)
                     if a.get_gid() in (carto.NORTH_ARROW, carto.SCALE_BAR)]
            panel = ax.get_window_extent(renderer)
            for i, label in enumerate(labels):
                assert not any(label.overlaps(mark) for mark in drawn), case
                assert not any(label.overlaps(other) for other in labels[i + 1:]), case
                # ... nor does one moved off them, or any other, run out of the panel to be cut at its edge.
                assert panel.x0 - 1 <= label.x0 and label.x1 <= panel.x1 + 1, case
                assert panel.y0 - 1 <= label.y0 and label.y1 <= panel.y1 + 1, case
            names, marks = names + len(labels), marks + len(drawn)
        assert names >= 1 and marks >= 4, case  # the neighbours are still named, the marks still drawn


def _names(fig) -> list[tuple[float, float, str]]:
    return [(*t.get_position(), t.get_text()) for ax in fig.axes for t in ax.texts if t.get_gid() == carto.AREA_NAME]


def test_names_placed_once_for_an_area_are_placed_the_same_again_and_follow_a_renamed_area(mapped):
    site = mapped.extensions["geoapp"]
    with mapped.test_request_context():
        briefing = gather_briefing(site, {"area": "2081R016", "period": "2025-05"})
    with drawing():
        carto._PLACED.clear()
        placed = _names(map_figure(briefing, SLIDE_INCHES))
        assert len(carto._PLACED) == 1 and len(placed) >= 1
        assert _names(map_figure(briefing, SLIDE_INCHES)) == placed and len(carto._PLACED) == 1
        areas = briefing.areas.copy()
        renamed = next(i for i, name in areas["name"].items() if textwrap.fill(name, carto.LABEL_WRAP) == placed[0][2])
        areas.loc[renamed, "name"] = "Nytt namn"
        again = _names(map_figure(replace(briefing, areas=areas), SLIDE_INCHES))
    assert "Nytt namn" in [text for _x, _y, text in again] and placed[0][2] not in [text for _x, _y, text in again]
