"""Presentation mode's run labels: each rides on its moving point on the side facing the middle of the
map, in a place no other run's label takes, and is never clipped at the plot area's edge."""

from __future__ import annotations

import copy

from hypothesis import given
from hypothesis import strategies as st

from figures.classroom import for_presentation, label_places, short_labels
from ui.compute import explorer_figure_for
from ui.lessons import load_lesson


def _labels(figure: dict) -> dict:
    return next(trace for trace in figure["data"] if trace.get("name") == "current point")


def test_a_run_on_the_left_of_the_map_is_labelled_on_its_right():
    # The saddle scene starts every run at x = −1.5 of [−2, 2]; they escape along y, staying on the left.
    state = load_lesson("saddles").scenes[0].state
    labels = _labels(for_presentation(explorer_figure_for(state), 700))
    positions = labels["textposition"]
    # Three rows a side: the fourth run's label goes to the other side rather than onto run 1's.
    assert all(position.endswith("right") for position in positions[:3]) and len(set(positions)) == 4, positions
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


@given(st.lists(st.sampled_from(["left", "right"]), min_size=1, max_size=6))
def test_runs_at_one_point_never_share_a_label_place(sides):
    places = label_places(sides)
    assert len(set(places)) == len(places), places
    for run, (side, place) in enumerate(zip(sides, places, strict=True)):
        before = sides[: run + 1].count(side)   # this run is the n-th to prefer its side
        assert place.endswith(side) == (before <= 3), (sides, places)
        assert place.split()[0] in ("top", "middle", "bottom")


def test_labels_are_the_optimizers_numbered_by_run_where_two_share_one():
    labels = ["AdaMax(lr=0.1, beta2=0.99)", "AdaMax(lr=0.1)", "Adam(lr=0.1)", "SGD(lr=0.002, momentum=0.9)"]
    assert short_labels(labels) == ["AdaMax 1", "AdaMax 2", "Adam", "SGD"]
    assert short_labels(["Adam", "AdaMax(lr=2)"]) == ["Adam", "AdaMax"]


def test_the_label_shown_is_the_short_one_and_the_hover_keeps_the_whole():
    from ui.presets import preset_for

    labels = _labels(for_presentation(explorer_figure_for(preset_for("rosenbrock")), 700))
    assert labels["texttemplate"] == "%{customdata}"
    assert labels["customdata"] == short_labels(labels["text"]) and labels["hovertemplate"].startswith("%{text}")
