"""Presentation mode's run labels: each rides on its moving point on the side facing the middle of the
map, and is never clipped at the plot area's edge."""

from __future__ import annotations

import copy

from figures.classroom import for_presentation
from ui.compute import explorer_figure_for
from ui.lessons import load_lesson


def _labels(figure: dict) -> dict:
    return next(trace for trace in figure["data"] if trace.get("name") == "current point")


def test_a_run_on_the_left_of_the_map_is_labelled_on_its_right():
    # The saddle scene starts every run at x = −1.5 of [−2, 2]; they escape along y, staying on the left.
    state = load_lesson("saddles").scenes[0].state
    labels = _labels(for_presentation(explorer_figure_for(state), 700))
    assert all(position.endswith("right") for position in labels["textposition"]), labels["textposition"]
    assert labels["cliponaxis"] is False and labels["mode"] == "markers+text"


def test_the_side_follows_where_the_point_spends_the_run():
    state = load_lesson("saddles").scenes[0].state
    figure = copy.deepcopy(explorer_figure_for(state))  # the page's cached figure is shared: never modify it
    index = figure["data"].index(_labels(figure))
    slot = figure["frames"][0]["traces"].index(index)
    high = float(figure["layout"]["xaxis"]["range"][1])
    for frame in figure["frames"]:  # move run 1's point to the right edge in every frame
        frame["data"][slot]["x"] = [high - 0.01, *frame["data"][slot]["x"][1:]]
    positions = _labels(for_presentation(figure, 700))["textposition"]
    assert positions[0].endswith("left") and all(p.endswith("right") for p in positions[1:]), positions
    assert len(set(positions)) >= 3  # runs that start together keep apart: different rows


def test_the_curve_panels_titles_fit_their_panels_at_a_projectors_font():
    """At 20 px a y title longer than its panel runs into the other panel's title (seen at 1366×768): each fits."""
    from ui.presets import preset_for

    figure = for_presentation(explorer_figure_for(preset_for("rosenbrock")), 560)
    layout = figure["layout"]
    inner = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    for axis in ("yaxis2", "yaxis3"):
        low, high = layout[axis]["domain"]
        text = layout[axis]["title"]["text"]
        assert len(text) * 0.5 * 20 <= (high - low) * inner, (axis, text)   # ≈ 0.5 em a character
