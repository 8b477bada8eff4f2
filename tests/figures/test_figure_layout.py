"""Figure dicts laid out so nothing collides: a surface's map at true geometry, legends in a margin of their own,
tick labels few enough for their axis. (tests/e2e/test_figure_geometry.py checks the same in Chromium.)"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from figures.stacked import fit_map, legend_entries
from figures.sweep import AXIS_BELOW, LEGEND_ENTRY, MapAxis, MapMark, basin_figure, sweep_map_figure
from optimizers import AdaMax, sweep
from optimizers.sweep import hyperparameter_axis
from surfaces import SURFACES


@pytest.fixture(scope="module")
def basins():
    rosenbrock = SURFACES["rosenbrock"]
    (x0, x1), (y0, y1) = rosenbrock.domain
    xs, ys = np.linspace(x0, x1, 8), np.linspace(y0, y1, 8)
    starts = np.stack(np.meshgrid(xs, ys, indexing="ij"), axis=-1)
    result = sweep(AdaMax(lr=0.1), rosenbrock, starts, 60, bound=1e6)
    return basin_figure(result, xs, ys, minima=rosenbrock.minima, domain=rosenbrock.domain, title="AdaMax",
                        start=(-1.2, 1.0), plot_height=280)


@pytest.fixture(scope="module")
def sweep_map():
    lr = hyperparameter_axis(next(h for h in AdaMax.HYPERPARAMETERS if h.name == "lr"), 6)
    beta2 = hyperparameter_axis(next(h for h in AdaMax.HYPERPARAMETERS if h.name == "beta2"), 6)
    result = sweep(AdaMax(lr=lr[:, None, None], beta2=beta2[None, :, None]), SURFACES["rosenbrock"],
                   np.array([-1.2, 1.0]), 60, bound=1e6)
    marks = [MapMark("AdaMax(lr=0.1)", "#8B3A0E", 0.1, 0.999), MapMark("AdaMax(lr=0.1, beta2=0.99)", "#D55E00", 0.1,
                                                                       0.99)]
    return sweep_map_figure(result, MapAxis("lr", "α", "log", lr), MapAxis("beta2", "β₂", "one_minus_log", beta2),
                            metric="gap", minima=SURFACES["rosenbrock"].minima, title="AdaMax", marks=marks,
                            sensitive=np.broadcast_to(beta2[None, :] <= 0.9, (6, 6)))


def test_a_basin_map_keeps_true_geometry_at_any_width(basins):
    """Plotly keeps one unit of y as long as one unit of x by shrinking a domain (equal_scale), whatever the
    column's width, and the map sits on its x axis (room left over goes above it, not between axis and legend)."""
    go.Figure(basins)
    x, y = basins["layout"]["xaxis"], basins["layout"]["yaxis"]
    assert y["scaleanchor"] == "x" and y["scaleratio"] == 1
    assert x["constrain"] == y["constrain"] == "domain" and y["constraintoward"] == "bottom"


@pytest.mark.parametrize("which", ["basins", "sweep_map"])
def test_a_maps_legend_lies_under_its_axis_title_one_entry_a_row(which, request):
    figure = request.getfixturevalue(which)
    layout = figure["layout"]
    legend, margin = layout["legend"], layout["margin"]
    entries = legend_entries(figure)
    assert entries >= 3
    # pinned to the chart's bottom edge, in a margin that holds every entry under the ticks and the axis title
    assert (legend["yref"], legend["y"], legend["yanchor"], legend["orientation"]) == ("container", 0, "bottom", "v")
    assert margin["b"] >= AXIS_BELOW + entries * LEGEND_ENTRY and margin["autoexpand"] is False
    assert layout["height"] == margin["t"] + margin["b"] + (280 if which == "basins" else 336)


@pytest.mark.parametrize("which", ["basins", "sweep_map"])
def test_on_a_phone_the_legend_goes_back_under_the_map_in_paper_units(which, request):
    narrow = fit_map(request.getfixturevalue(which), 378, true_geometry=which == "basins")
    go.Figure(narrow)
    legend = narrow["layout"]["legend"]
    assert legend["yref"] == "paper" and legend["y"] < 0 and legend["orientation"] == "h"
