"""Pictures: maps at true geometry, every run of the race visible, "Add a run" adds something new,
the 3-D view's colours, minima and speed, and nothing clipped or raw. Browser checks are in tests/e2e."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from figures import ExplorerRun, explorer_figure, run_color
from figures.explorer import GROWN_POINTS, MAX_DECADE_LABELS, _curve_axis
from optimizers import SGD, Adam, AdaMax, run
from surfaces import SURFACES
from tests.support.figures import values
from ui.presets import preset_for
from ui.sidebar.controls import new_run_spec

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def rosenbrock_race(steps: int = 500, view: str = "contour") -> tuple[list[ExplorerRun], dict]:
    surface = SURFACES["rosenbrock"]
    optimizers = [AdaMax(lr=0.1, beta2=0.99), AdaMax(lr=0.1), Adam(lr=0.1), SGD(lr=0.002, momentum=0.9)]
    runs = [ExplorerRun(opt.label(), run_color(i), run(opt, surface, np.array([-1.2, 1.0]), steps))
            for i, opt in enumerate(optimizers)]
    return runs, explorer_figure(surface, runs, view=view)


# ---------------------------------------------------------------- 15. true geometry

def test_every_map_keeps_one_unit_of_y_as_long_as_one_unit_of_x():
    from figures.eps import eps_figure
    from figures.internals import internals_figure
    from figures.lp import lp_figure
    from optimizers.explain import adamax_internals
    from optimizers.limits import eps_modes, lp_family

    surface = SURFACES["rosenbrock"]
    _, race = rosenbrock_race(50)
    optimizer = AdaMax(lr=0.1)
    trajectory = run(optimizer, surface, surface.start, 50, record_state=True)
    figures = {
        "race": race,
        "inside": internals_figure(surface, "AdaMax", "#D55E00", adamax_internals(optimizer, trajectory)),
        "lp": lp_figure(surface, lp_family(surface, surface.start, 50, lr=0.1)),
        "eps": eps_figure(surface, eps_modes(surface, surface.start, 50, lr=0.1)),
    }
    for name, figure in figures.items():
        xaxis, yaxis = figure["layout"]["xaxis"], figure["layout"]["yaxis"]
        assert yaxis.get("scaleanchor") == "x" and yaxis.get("scaleratio") == 1, name
        assert xaxis.get("constrain") == yaxis.get("constrain") == "domain", name  # ranges kept, domain shrinks
        go.Figure(figure)


# ---------------------------------------------------------------- 16. every run visible

def test_coinciding_paths_and_heads_stay_visible_and_marks_are_drawn_on_top():
    _, figure = rosenbrock_race()
    data = figure["data"]
    paths = [t for t in data if t.get("showlegend") and t.get("mode") == "lines"]
    widths = [t["line"]["width"] for t in paths]
    assert widths == sorted(widths, reverse=True) and len(set(widths)) == len(widths)  # each a band around the next
    heads_at = next(i for i, t in enumerate(data) if t["name"] == "current point")
    sizes = data[heads_at]["marker"]["size"]
    assert sizes == sorted(sizes, reverse=True) and min(np.diff(sizes) * -1) >= 4  # concentric rings at the start
    names = [t["name"] for t in data]
    # The start ring and the star's outline are drawn over the heads, as outlines that hide nothing.
    assert names.index("start") > heads_at and names.index("global minimum (outline)") > heads_at
    assert data[names.index("start")]["marker"]["symbol"] == "circle-open"
    assert data[names.index("global minimum (outline)")]["marker"]["symbol"] == "star-open"
    assert names.index("global minimum") < names.index(paths[0]["name"])  # the filled star lies underneath


def test_paths_can_appear_as_they_are_run_with_frames_of_fixed_size():
    runs, figure = rosenbrock_race(2000)
    toggle = next(menu for menu in figure["layout"]["updatemenus"] if menu.get("name") == "paths")
    hide = next(b for b in toggle["buttons"] if b["label"] == "paths as they run")
    paths = [i for i, t in enumerate(figure["data"]) if t.get("showlegend") and t.get("mode") == "lines"]
    assert hide["method"] == "restyle" and hide["args"] == [{"visible": False}, paths]
    sizes = set()
    for frame in figure["frames"]:
        step = int(frame["name"])
        for run_, grown in zip(runs, frame["data"][1:1 + len(runs)], strict=True):
            xy = np.c_[grown["x"], grown["y"]]
            sizes.add(len(xy))
            assert len(xy) <= GROWN_POINTS
            np.testing.assert_allclose(xy[0], run_.trajectory.points[0], atol=1e-4)    # from the start…
            np.testing.assert_allclose(xy[-1], run_.trajectory.points[step], atol=1e-4)  # …to the head
    assert max(sizes) <= GROWN_POINTS  # never the O(steps²) growing trail


# ---------------------------------------------------------------- 17. Add a run

def test_add_a_run_adds_a_preset_run_not_in_the_race_then_a_new_learning_rate():
    preset = preset_for("beale").runs
    assert new_run_spec(list(preset[:2]), preset) == preset[2]
    rosenbrock = preset_for("rosenbrock").runs
    added = new_run_spec(list(rosenbrock), rosenbrock)
    assert added not in rosenbrock and added.optimizer == rosenbrock[0].optimizer
    assert added.kwargs()["lr"] != rosenbrock[0].kwargs()["lr"]
    assert new_run_spec([*rosenbrock, added], rosenbrock) not in [*rosenbrock, added]


def test_add_a_run_on_the_default_page_draws_a_new_path_with_its_own_label():
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.button(key="add_run").click().run()
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    paths = [t for t in figure["data"] if t.get("showlegend") and t.get("mode") == "lines"]
    assert len(paths) == 5 and len({t["name"] for t in paths}) == 5
    assert not any("#" in t["name"] for t in paths)  # not a copy labelled "… #2"
    first, added = (np.c_[values(t["x"]), values(t["y"])] for t in (paths[0], paths[-1]))
    assert first.shape != added.shape or np.abs(first - added).max() > 0.05


# ---------------------------------------------------------------- 19. the 3-D view

def test_3d_view_uses_the_legend_colours_draws_minima_and_keeps_paths_above_the_mesh():
    runs, figure = rosenbrock_race(300, view="3d")
    data = figure["data"]
    surface_trace = data[0]
    # An opaque mesh (nothing seen through it), which plotly.js does not re-sample on every frame.
    assert surface_trace["type"] == "mesh3d" and surface_trace["opacity"] == 1
    for run_ in runs:  # opaque lines in the run's own colour: WebGL blending would change a translucent one
        path = next(t for t in data if t.get("name") == run_.label and t.get("showlegend"))
        assert path["line"]["color"] == run_.color
    minimum = next(t for t in data if t.get("name") == "global minimum")
    assert minimum["type"] == "scatter3d" and minimum["x"] == [1.0] and minimum["y"] == [1.0]
    # Every path point lies above the drawn mesh (a linear interpolation between grid nodes, bounded by
    # the largest of the four nodes around it): no stretch of a path dips under Rosenbrock's curved wall.
    size = int(np.sqrt(len(values(surface_trace["x"]))))
    xs, ys = values(surface_trace["x"])[:size], values(surface_trace["y"])[::size]
    zs = values(surface_trace["z"]).reshape(size, size)
    for run_ in runs:
        path = next(t for t in data if t.get("name") == run_.label and t.get("showlegend"))
        px, py, pz = (values(path[k]).astype(float) for k in ("x", "y", "z"))
        i = np.clip(np.searchsorted(xs, px) - 1, 0, len(xs) - 2)
        j = np.clip(np.searchsorted(ys, py) - 1, 0, len(ys) - 2)
        mesh = np.max([zs[j, i], zs[j, i + 1], zs[j + 1, i], zs[j + 1, i + 1]], axis=0)
        assert (pz > mesh).all()
    assert len(figure["frames"]) <= 40  # each 3-D frame redraws the WebGL scene: fewer of them
    go.Figure(figure)


def test_3d_scene_leaves_room_for_the_z_axis_labels():
    _, figure = rosenbrock_race(50, view="3d")
    assert figure["layout"]["scene"]["domain"]["x"][0] >= 0.05


# ---------------------------------------------------------------- 20. nothing clipped or raw

def test_the_eighth_colour_is_readable_as_text_and_coordinates_have_colours_no_run_has():
    from figures.palette import RUN_COLORS, X_COLOR, Y_COLOR, relative_luminance, text_color

    for color in RUN_COLORS:
        assert 1.05 / (relative_luminance(text_color(color)) + 0.05) >= 3.0, color
    assert text_color(RUN_COLORS[1]) == RUN_COLORS[1]  # dark enough already: unchanged
    assert {X_COLOR, Y_COLOR}.isdisjoint(RUN_COLORS)


def test_the_first_steps_spike_does_not_flatten_the_m_hat_panel():
    from figures.internals import internals_figure
    from optimizers.explain import adamax_internals

    surface = SURFACES["rosenbrock"]
    optimizer = AdaMax(lr=0.1, beta2=0.99)
    internals = adamax_internals(optimizer, run(optimizer, surface, np.array([-1.2, 1.0]), 500, record_state=True))
    figure = internals_figure(surface, "AdaMax", "#D55E00", internals)
    _, high = figure["layout"]["yaxis2"]["range"]
    m_hat = np.abs(internals.m_hat)
    assert high < 0.5 * m_hat.max()  # the spike (|m̂₁| ≈ 215) is off the scale…
    assert np.mean(m_hat <= high) >= 0.98  # …and the rest of the curve fills the panel
    note = figure["layout"]["annotations"][0]["text"]
    assert note.startswith("off scale: m̂ = ") and "at t = 1" in note
    trace_colors = {t["line"]["color"] for t in figure["data"] if t.get("xaxis") == "x2"}
    assert "#D55E00" not in trace_colors


def test_3d_payload_of_eight_runs_of_5000_steps_stays_under_one_megabyte():
    from tests.support.figures import strict_json
    from tests.support.runs import EIGHT, explorer_runs

    surface = SURFACES["rosenbrock"]
    figure = explorer_figure(surface, explorer_runs(surface, EIGHT, 5000), view="3d")
    assert len(strict_json(figure).encode()) <= 1_000_000


@pytest.mark.parametrize("low, high", [(-16, 12), (-5, 1), (-30, 30), (-2, 0)])
def test_a_curve_panels_log_axis_labels_at_most_eight_decades(low, high):
    """A run that blows up next to one that converges spans ~28 decades: one label every decade (or every
    second) piled ~15 labels into a 200 px panel, overlapping (seen in the step-bound lesson at 1366×768)."""
    axis = _curve_axis([np.logspace(low, high, 40)], True, "f − f*", [0.5, 1.0], "x2")
    span = axis["range"][1] - axis["range"][0]
    labels = math.floor(span / axis["dtick"]) + 1
    assert 2 <= labels <= MAX_DECADE_LABELS + 1, axis
    if span <= MAX_DECADE_LABELS:  # few decades: every one labelled
        assert axis["dtick"] == 1
