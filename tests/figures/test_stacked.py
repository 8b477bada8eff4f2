"""figures/stacked.py: a section's figure laid out for a phone — checked on the layout it produces (the browser
test tests/e2e/test_phone_sections.py measures the drawn result at 390×844)."""

from __future__ import annotations

import itertools

import numpy as np
import plotly.graph_objects as go
import pytest

from figures.eps import eps_figure
from figures.internals import internals_figure
from figures.lp import lp_figure
from figures.stacked import LEGEND_ROW, fit_map, stack, wrap
from optimizers import AdaMax, run
from optimizers.explain import adamax_internals
from optimizers.limits import eps_modes, lp_family
from surfaces import SURFACES
from ui.modes.phone import break_equalities

ROSENBROCK = SURFACES["rosenbrock"]
START = np.array([-1.2, 1.0])
WIDTH = 378  # a 390 px phone less the page's padding


@pytest.fixture(scope="module")
def figures():
    optimizer = AdaMax(lr=0.1, beta2=0.99)
    internals = adamax_internals(optimizer, run(optimizer, ROSENBROCK, START, 200, record_state=True))
    return {
        "inside": internals_figure(ROSENBROCK, "AdaMax", "#D55E00", internals),
        "lp": lp_figure(ROSENBROCK, lp_family(ROSENBROCK, START, 200, lr=0.1, beta2=0.99)),
        "eps": eps_figure(ROSENBROCK, eps_modes(ROSENBROCK, START, 200, lr=0.1, beta2=0.99)),
    }


def _panels(layout: dict) -> list[list[float]]:
    return [layout[name]["domain"] for name in sorted(layout) if name.startswith("yaxis")]


@pytest.mark.parametrize("name", ["inside", "lp", "eps"])
def test_the_map_spans_the_width_on_top_and_the_panels_stack_below(figures, name):
    original = figures[name]
    narrow = stack(original, WIDTH)
    go.Figure(narrow)  # plotly accepts every property set
    layout = narrow["layout"]
    assert layout["xaxis"]["domain"] == [0.0, 1.0] and layout["yaxis"]["domain"][1] == 1.0
    assert layout["yaxis"]["scaleanchor"] == "x"  # true geometry kept
    domains = sorted(_panels(layout), key=lambda d: -d[1])
    for upper, lower in itertools.pairwise(domains):
        assert lower[1] < upper[0], domains  # each panel wholly below the one above it
    map_px = (1 - layout["yaxis"]["domain"][0]) * (layout["height"] - layout["margin"]["t"] - layout["margin"]["b"])
    assert map_px >= WIDTH - 8  # a square domain gets a row at least as tall as the map is wide
    assert original["layout"]["height"] != layout["height"] or name == "inside"  # the cached figure is untouched
    assert original["layout"]["xaxis"]["domain"] != [0.0, 1.0]


def test_a_panels_title_and_note_sit_above_it_wrapped_to_the_width(figures):
    layout = stack(figures["eps"], WIDTH)["layout"]
    notes = layout["annotations"]
    assert notes and all(note["yref"] == "y2 domain" and note["y"] > 1 for note in notes)
    assert notes[0]["text"].startswith("How far apart")  # the title above the note
    assert notes[0]["y"] > notes[1]["y"]
    for note in notes:
        assert max(len(line) for line in note["text"].split("<br>")) <= 50
    assert "(" not in layout["yaxis2"]["title"]["text"]  # the bracketed remark stays on the wide layout


def test_the_legend_goes_two_entries_a_row_only_when_they_fit(figures):
    eps = stack(figures["eps"], WIDTH)["layout"]
    assert eps["legend"]["entrywidth"] == 1.0  # "PyTorch (ε inside the max)" is too long for half the width
    assert eps["margin"]["t"] >= 8 * LEGEND_ROW  # eight entries, one a row, all above the map
    short = {**figures["lp"], "data": [trace for trace in figures["lp"]["data"]
                                       if not str(trace.get("name", "")).startswith("fit")]}
    lp = stack(short, WIDTH)["layout"]
    assert lp["legend"]["entrywidth"] < 0.5  # "p = 1", …, "AdaMax (p → ∞)": two a row
    assert 5 * LEGEND_ROW <= lp["margin"]["t"] < 7 * LEGEND_ROW  # ten entries in five rows


def test_play_and_the_scrubber_sit_right_under_the_map_above_the_panels(figures):
    """A phone shows the map and ▶ Play on one screen: the controls come before the panels, not after them."""
    layout = stack(figures["inside"], WIDTH)["layout"]
    play, slider = layout["updatemenus"][0], layout["sliders"][0]
    highest_panel = max(layout[name]["domain"][1] for name in layout if name.startswith("yaxis") and name != "yaxis")
    assert highest_panel < slider["y"] < play["y"] <= layout["yaxis"]["domain"][0]
    assert slider["x"] == 0.0 and slider["len"] == 1.0


def test_a_one_map_figure_gets_a_square_plot_and_its_colour_bar_across():
    figure = {"data": [{"type": "heatmap", "z": [[0, 1], [1, 0]], "showscale": True,
                        "colorbar": {"title": {"text": "log f"}}}],
              "layout": {"height": 540, "title": {"text": "AdaMax"}, "xaxis": {"range": [0, 1]},
                         "yaxis": {"range": [0, 1]}}}
    narrow = fit_map(figure, WIDTH)
    go.Figure(narrow)
    layout, margin = narrow["layout"], narrow["layout"]["margin"]
    assert layout["height"] - margin["t"] - margin["b"] == pytest.approx(WIDTH - margin["l"] - margin["r"], abs=1)
    assert narrow["data"][0]["colorbar"]["orientation"] == "h"
    assert figure["data"][0]["colorbar"] == {"title": {"text": "log f"}}  # the original is untouched


def test_wrap_and_break_equalities():
    assert wrap("largest distance to AdaMax's path", 20) == "largest distance to<br>AdaMax's path"
    assert wrap("a<br>b c", 40) == "a<br>b c"
    latex = r"\begin{aligned} m &= 0.9 \cdot g = 1 \\ u &= \frac{a = b}{c} = 2 \end{aligned}"
    assert break_equalities(latex) == (r"\begin{aligned} m &= 0.9 \cdot g \\ &= 1 \\ "
                                       r"u &= \frac{a = b}{c} \\ &= 2 \end{aligned}")
