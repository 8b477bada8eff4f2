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


LABEL_PX = 36       # a 3-D tick label at the scene's font ("−0.5", "100k"), with the least gap between two
PROJECTED = 0.6     # an axis of the 3-D view, seen from its camera, spans about this share of the scene's width


@pytest.mark.parametrize("surface", ["rosenbrock", "himmelblau", "goldstein_price", "saddle"])
def test_the_3d_view_has_no_more_tick_labels_than_its_smallest_scene_holds(surface):
    """At the least chart height (ui/layout.CHART_MIN) the scene is smallest: each axis's labels, laid along its
    projection, must fit it side by side; and no z label sits in the lowest quarter, where the z axis meets the
    y axis's last labels."""
    from figures import ExplorerRun, explorer_figure, run_color
    from figures.explorer import z_ticks
    from figures.landscape import sample_landscape
    from optimizers import run
    from ui.layout import CHART_MIN

    landscape_surface = SURFACES[surface]
    runs = [ExplorerRun("AdaMax", run_color(0), run(AdaMax(lr=0.05), landscape_surface,
                                                    np.asarray(landscape_surface.start, dtype=float), 50))]
    figure = explorer_figure(landscape_surface, runs, view="3d")
    go.Figure(figure)
    scene = figure["layout"]["scene"]
    rows = scene["domain"]["y"]
    smallest = CHART_MIN * (rows[1] - rows[0])
    most = int(PROJECTED * smallest // LABEL_PX)
    for name in ("xaxis", "yaxis", "zaxis"):
        axis = scene[name]
        shown = len(axis["tickvals"]) if "tickvals" in axis else axis["nticks"]
        assert 2 <= shown <= most, (name, shown, most)
        assert axis["tickfont"]["size"] <= 12
    heights = sample_landscape(landscape_surface, 60)
    zs = heights.display(heights.values)
    low, high = float(np.nanmin(zs)), float(np.nanmax(zs))
    assert all(tick >= low + 0.2 * (high - low) for tick in scene["zaxis"]["tickvals"])
    assert z_ticks(np.array([-2.2, 3.4])) == [0.0, 1.0, 2.0, 3.0]


def test_hidden_curve_panels_draw_no_grid_or_minor_ticks_that_would_count_their_decades():
    """While a question waits, a log panel's grid lines (one a decade) and minor ticks would say how far f falls."""
    from figures import ExplorerRun, explorer_figure, run_color
    from figures.classroom import hide_paths
    from optimizers import run

    rosenbrock = SURFACES["rosenbrock"]
    path = run(AdaMax(lr=0.1, beta2=0.99), rosenbrock, np.array([-1.2, 1.0]), 500)
    runs = [ExplorerRun("AdaMax", run_color(0), path)]
    shown = explorer_figure(rosenbrock, runs)
    assert shown["layout"]["yaxis2"]["type"] == "log" and "minor" in shown["layout"]["yaxis2"]
    hidden = hide_paths(shown)["layout"]
    for axis in ("yaxis2", "yaxis3"):
        assert hidden[axis]["showticklabels"] is False and hidden[axis]["showgrid"] is False
        assert hidden[axis]["minor"]["ticks"] == "" and hidden[axis]["minor"]["showgrid"] is False


@pytest.mark.parametrize("steps", [20, 500])
def test_presentation_mode_takes_any_log_panel(steps):
    """A short run's panels span less than two decades (labelled at 2s and 5s, plotly's "D2"): presentation mode
    keeps that, and thins a long run's powers of ten."""
    from figures import ExplorerRun, explorer_figure, run_color
    from figures.classroom import for_presentation
    from optimizers import run

    rosenbrock = SURFACES["rosenbrock"]
    path = run(AdaMax(lr=0.1, beta2=0.99), rosenbrock, np.array([-1.2, 1.0]), steps)
    figure = for_presentation(explorer_figure(rosenbrock, [ExplorerRun("AdaMax", run_color(0), path)]), 700)
    go.Figure(figure)
    for axis in ("yaxis2", "yaxis3"):
        spec = figure["layout"][axis]
        short = spec["dtick"] == "D2"
        assert short or (isinstance(spec["dtick"], int) and ("minor" not in spec) == (spec["dtick"] > 1))


@pytest.mark.parametrize("height", [360, 443, 560, 660, 900])
def test_a_race_fitted_to_any_height_keeps_its_strip_and_fits_its_panel_titles(height):
    """The strip under the map (x labels and title, step number, scrubber) keeps its px at every chart height;
    each curve panel's title fits along it on at most two lines, its log labels in its px."""
    from figures import ExplorerRun, explorer_figure, run_color
    from figures.explorer import DEFAULT_HEIGHT, MAP_BOTTOM, MARGIN_Y, SCRUBBER_Y, TITLE_CHAR_PX, fit_height
    from figures.ticks import LABEL_PX
    from optimizers import run

    rosenbrock = SURFACES["rosenbrock"]
    path = run(AdaMax(lr=0.1, beta2=0.99), rosenbrock, np.array([-1.2, 1.0]), 500)
    figure = fit_height(explorer_figure(rosenbrock, [ExplorerRun("AdaMax", run_color(0), path)]), height)
    go.Figure(figure)
    layout, plot = figure["layout"], height - MARGIN_Y
    strip = MAP_BOTTOM * (DEFAULT_HEIGHT - MARGIN_Y)
    assert layout["height"] == height
    assert layout["yaxis"]["domain"][0] * plot == pytest.approx(strip, abs=1)
    assert layout["sliders"][0]["y"] * plot == pytest.approx(SCRUBBER_Y * (DEFAULT_HEIGHT - MARGIN_Y), abs=1)
    for name in ("yaxis2", "yaxis3"):
        axis = layout[name]
        px = (axis["domain"][1] - axis["domain"][0]) * plot
        lines = axis["title"]["text"].split("<br>")
        assert len(lines) <= 2 and max(map(len, lines)) * TITLE_CHAR_PX <= px, (height, name, lines, px)
        if isinstance(axis["dtick"], int):
            span = axis["range"][1] - axis["range"][0]
            assert span / axis["dtick"] <= max(2, px // LABEL_PX) + 1
