"""The Layout: every mode read once into one value; `Layout.chart` the one place a figure meets the layout."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ui.compute import explorer_figure_for
from ui.layout import CHART_MIN, Layout
from ui.presets import preset_for

SECTIONS_DIR = Path(__file__).resolve().parents[2] / "ui" / "sections"


def figure(height=600, frames=3):
    return {"data": [{"type": "scatter", "x": [0, 1], "y": [0, 1], "name": "run", "mode": "lines",
                      "showlegend": True}],
            "layout": {"height": height}, "frames": [{"name": str(i), "data": []} for i in range(frames)]}


def test_a_wide_plain_page_changes_no_figure():
    original = figure()
    for kind in ("panels", "map"):
        assert Layout().chart(original, kind, chart_top=200) is original


@pytest.mark.parametrize(("viewport", "expected"), [(None, 600), (768, 768 - 150), (3000, 1000), (300, 420)])
def test_presentation_sizes_the_race_to_the_window(viewport, expected):
    assert Layout(present=True, viewport_height=viewport).chart_height(0, 600) == expected


def test_beside_a_lesson_a_chart_keeps_play_on_screen_and_never_grows():
    layout = Layout(lesson=True, lesson_beside=True, viewport_height=768)
    fitted = layout.chart(figure(700), "panels", chart_top=260)
    assert fitted["layout"]["height"] == 768 - 260
    assert Layout(lesson_beside=True, viewport_height=2000).chart(figure(500), "panels", chart_top=260)["layout"][
        "height"] == 500
    assert Layout(lesson_beside=True, viewport_height=500).chart_height(260, 700) == CHART_MIN
    assert Layout(lesson_beside=True, viewport_height=768).chart(figure(700), "panels")["layout"]["height"] == 700


def test_a_phone_is_a_narrow_window_and_its_charts_span_it():
    assert Layout(width=390).phone and not Layout(width=1440).phone and not Layout().phone
    assert Layout(width=390).chart_width == 390 - 12


def test_a_waiting_question_hides_the_race_s_paths():
    race = explorer_figure_for(preset_for("rosenbrock"), 0)
    paths = [t for t in Layout(paths_hidden=True).chart(race, "race")["data"]
             if t.get("showlegend") and t.get("mode") == "lines"]
    assert paths and all(t.get("visible") is False for t in paths)
    assert Layout().chart(race, "race") is race


def test_sections_ask_the_layout_never_the_modes():
    """A new mode is a field of Layout and a branch in it: no section reads phone, presentation or the lesson."""
    for path in SECTIONS_DIR.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and "modes" in node.module:
                names = {alias.name for alias in node.names}
                assert not names & {"phone", "presentation", "classroom"} or names <= {"break_equalities"}, \
                    f"{path.name} imports {names} from {node.module}"


@pytest.mark.parametrize("band", [0, 60, 200])
def test_a_phones_race_leaves_its_band_blank_between_the_scrubber_and_the_curves(band):
    """The band (px from the chart's top, in layout.meta) lies under the scrubber's row and above the first curve
    panel, and is as tall as asked: the live sliders laid over it cover nothing of the chart."""
    race = explorer_figure_for(preset_for("rosenbrock"), 0)
    narrow = Layout(width=390).chart(race, "race", phone_band=band)["layout"]
    plain = Layout(width=390).chart(race, "race")["layout"]
    assert narrow["height"] == plain["height"] + band
    if not band:
        assert "live_band" not in (narrow.get("meta") or {})
        return
    top, height = narrow["meta"]["live_band"]
    inner = narrow["height"] - narrow["margin"]["t"] - narrow["margin"]["b"]

    def px(paper_y: float) -> float:  # paper y → px from the chart's top
        return narrow["margin"]["t"] + (1 - paper_y) * inner

    scrubber = narrow["sliders"][0]
    curves_top = px(narrow["yaxis2"]["domain"][1])
    assert height == band
    assert top >= px(scrubber["y"]) + 70            # under the scrubber's row (its label, track and ticks)
    assert top + height <= curves_top - 8           # above the first panel, with its top tick label's room
    assert px(narrow["yaxis"]["domain"][0]) < px(scrubber["y"])   # the map and its controls above, as before
