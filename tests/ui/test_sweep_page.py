"""The Sweeps section: maps equal the core's sweep, clicks map to cells, the link round-trips, the CSV is the result."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from figures.sweep import (
    CLICK_TRACE,
    OUTCOME_WORDS,
    OVERLAYS,
    PAINTED,
    MapAxis,
    MapMark,
    basin_codes,
    basin_figure,
    click_cell,
    click_groups,
    sweep_map_figure,
)
from optimizers import OPTIMIZERS, AdaMax, sweep
from optimizers.sweep import hyperparameter_axis, readable_axis
from surfaces import SURFACES
from tests.support.app import open_app, open_panels
from tests.support.figures import non_finite_paths, values
from ui import url
from ui.sections.sweep import cell_spec, sweep_frame
from ui.state import AppState, RunSpec, SweepSpec

SPECS = {h.name: h for h in AdaMax.HYPERPARAMETERS}


def adamax_map(resolution: int, steps: int = 200, surface: str = "rosenbrock", start=(-1.2, 1.0)):
    x_axis = MapAxis("lr", "lr", "log", hyperparameter_axis(SPECS["lr"], resolution))
    y_axis = MapAxis("beta2", "β2", "one_minus_log", hyperparameter_axis(SPECS["beta2"], resolution))
    landscape = SURFACES[surface]
    result = sweep(AdaMax(lr=x_axis.values[:, None, None], beta2=y_axis.values[None, :, None]), landscape,
                   np.array(start), steps, bound=50 * float(np.abs(landscape.domain).max()))
    return result, x_axis, y_axis


@pytest.fixture(scope="module")
def small_map():
    return adamax_map(24)


def test_map_colours_are_the_cells_metric_and_painted_outcomes(small_map):
    result, x_axis, y_axis = small_map
    figure = sweep_map_figure(result, x_axis, y_axis, metric="gap", minima=SURFACES["rosenbrock"].minima,
                              title="AdaMax", marks=[MapMark("AdaMax(lr=0.1)", "#D55E00", 0.1, 0.999)])
    go.Figure(figure)  # plotly.py accepts every property
    assert non_finite_paths(figure) == []
    metric, overlay = values(figure["data"][0]["z"]).T, values(figure["data"][1]["z"]).T
    names = result.outcome_names
    painted = {name: index for index, name in enumerate(PAINTED)}
    for name in set(names.ravel()):
        cells = names == name
        assert (overlay[cells] == painted.get(name, len(OVERLAYS))).all(), name
    coloured = overlay == len(OVERLAYS)
    expected = np.log10(np.maximum(result.final_loss - 0.0, 1e-16))
    np.testing.assert_allclose(metric[coloured], expected[coloured], rtol=1e-6)
    assert {"diverged", "moving"} <= set(names.ravel())  # the test sees painted and coloured cells
    legend = [t["name"] for t in figure["data"] if t.get("showlegend")]
    assert "blew up" in legend and "AdaMax(lr=0.1)" in legend


def test_every_click_point_is_its_cell_with_its_settings(small_map):
    result, x_axis, y_axis = small_map
    figure = sweep_map_figure(result, x_axis, y_axis, metric="gap", minima=[[1.0, 1.0]], title="")
    groups = click_groups(result)
    seen = set()
    for offset, (outcome, _, _) in enumerate(groups):
        trace = figure["data"][CLICK_TRACE + offset]
        custom = values(trace["customdata"])
        assert OUTCOME_WORDS[outcome] in trace["hovertemplate"]
        for point in range(len(custom)):
            i, j = click_cell(result, CLICK_TRACE + offset, point)
            assert result.outcome_names[i, j] == outcome
            np.testing.assert_allclose(custom[point, :2], [x_axis.values[i], y_axis.values[j]], rtol=1e-6)
            seen.add((i, j))
    assert len(seen) == result.outcome.size  # every cell of a 24 × 24 map is clickable
    assert click_cell(result, 0, 0) is None and click_cell(result, CLICK_TRACE, 10**6) is None


def test_map_figure_size_at_the_default_and_the_finest_resolution():
    for resolution in (64, 128):
        result, x_axis, y_axis = adamax_map(resolution, steps=50)
        figure = sweep_map_figure(result, x_axis, y_axis, metric="gap", minima=[[1.0, 1.0]], title="AdaMax")
        size = len(json.dumps(figure))
        assert size <= 300_000, (resolution, size)


def test_a_cell_spec_keeps_the_fixed_settings_and_sets_the_axes():
    spec = cell_spec(RunSpec("adamax", (("beta1", 0.8), ("lr", 0.1))), "lr", 0.0123, "beta2", 0.99)
    assert spec == RunSpec("adamax", (("beta1", 0.8), ("beta2", 0.99), ("lr", 0.0123)))
    assert cell_spec(RunSpec("adam"), "lr", 0.001, "beta2", 0.999) == RunSpec("adam")  # defaults are not written


def test_csv_equals_the_result(small_map):
    result, x_axis, y_axis = small_map
    frame = pd.read_csv(io.StringIO(sweep_frame(result, x_axis, y_axis).to_csv(index=False)))
    assert len(frame) == result.outcome.size
    lr, beta2 = np.meshgrid(x_axis.values, y_axis.values, indexing="ij")
    np.testing.assert_array_equal(frame["lr"], lr.ravel())
    np.testing.assert_array_equal(frame["beta2"], beta2.ravel())
    np.testing.assert_array_equal(frame["outcome"], result.outcome_names.ravel())
    np.testing.assert_array_equal(frame["final_loss"], result.final_loss.ravel())
    np.testing.assert_array_equal(frame["best_loss"], result.best_loss.ravel())
    np.testing.assert_array_equal(frame["reached_at"], result.reached_at.ravel())
    np.testing.assert_array_equal(frame["diverged_at"], result.diverged_at.ravel())
    np.testing.assert_array_equal(frame["final_x"], result.final_point[..., 0].ravel())


# --- the link ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("sweep_spec", [
    SweepSpec(), SweepSpec("adam", "beta1", "beta2", "", "best", 32), SweepSpec("sgd", "lr", "momentum", "adamax"),
    SweepSpec("rmsprop", "alpha", "lr", "adagrad", "steps", 128), SweepSpec("adamlp", "p", "lr", "adam", "distance"),
])
@pytest.mark.parametrize("section", ["sweep", "race"])
def test_link_round_trip(sweep_spec, section):
    state = replace(AppState(runs=(RunSpec("adamax", (("lr", 0.05),)),)), section=section, sweep=sweep_spec)
    query = url.encode(state)
    decoded, notices = url.decode({key: value if isinstance(value, list) else [value] for key, value in query.items()})
    assert notices == [] and decoded == state


def test_older_links_are_unchanged_and_bad_sweep_settings_fall_back_with_notices():
    query = {"surface": ["beale"], "start": ["1,1.5"], "steps": ["300"], "run": ["adamax(lr=0.05)"]}
    state, notices = url.decode(query)
    assert notices == [] and state.sweep == SweepSpec() and "sweep" not in url.encode(state)
    state, notices = url.decode({**query, "section": ["sweep"], "sweep": ["sgd(x=beta2,cells=100000,color=x)"]})
    assert state.sweep.optimizer == "sgd" and state.sweep.x in ("lr", "momentum") and state.sweep.resolution == 128
    assert state.sweep.metric == "gap" and len(notices) == 3
    assert all(spec.scale in ("log", "one_minus_log", "linear") for spec in OPTIMIZERS["sgd"].HYPERPARAMETERS
               if spec.name in (state.sweep.x, state.sweep.y))


# --- the page ----------------------------------------------------------------------------------------------------

def test_the_section_shows_the_cores_sweep():
    link = {"surface": "rosenbrock", "start": "-1.2,1", "steps": "150", "section": "sweep",
            "sweep": "adamax(cells=16,vs=sgd,x=lr,y=beta2)", "run": ["adamax(lr=0.1)", "sgd(lr=0.001)"]}
    app = open_app(link, timeout=120)
    assert not app.exception
    charts = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    assert all(non_finite_paths(chart) == [] for chart in charts)
    # AdaMax map, then SGD's notice (SGD has no β2), then the learning-rate curves
    assert any("SGD has no beta2" in info.value for info in app.info)
    first = charts[0]
    lr = readable_axis(SPECS["lr"], 16)  # the page computes its cells at the axes' short values
    beta2 = readable_axis(SPECS["beta2"], 16)
    core = sweep(AdaMax(lr=lr[:, None, None], beta2=beta2[None, :, None]), SURFACES["rosenbrock"],
                 np.array([-1.2, 1.0]), 150, bound=150.0)
    overlay = values(first["data"][1]["z"]).T
    painted = {name: index for index, name in enumerate(PAINTED)}
    expected = np.array([painted.get(name, len(OVERLAYS)) for name in core.outcome_names.ravel()]).reshape(16, 16)
    np.testing.assert_array_equal(overlay, expected)
    coloured = overlay == len(OVERLAYS)
    np.testing.assert_allclose(values(first["data"][0]["z"]).T[coloured],
                               np.log10(np.maximum(core.final_loss, 1e-16))[coloured], rtol=1e-6)
    assert any(t.get("name") == "AdaMax(lr=0.1)" for t in first["data"])  # the race's run is marked
    assert app.query_params["sweep"] in ("adamax(vs=sgd,cells=16)", ["adamax(vs=sgd,cells=16)"])  # mirrored in the link


def test_basin_map_colours_each_start_by_the_minimum_it_ends_in():
    """Himmelblau: starts right next to each of the four minima end in that minimum; the figure has no NaN."""
    himmelblau = SURFACES["himmelblau"]
    minima = himmelblau.minima
    starts = minima[:, None, :] + np.array([[0.05, -0.05]])  # (4, 1, 2): one start beside each minimum
    starts = np.concatenate([starts, [[[0.0, 40.0]]]], axis=0)  # and one far off the map, still on its way
    result = sweep(AdaMax(lr=0.01), himmelblau, starts, 400, bound=50.0)
    z = basin_codes(result, minima, himmelblau.domain)
    np.testing.assert_array_equal(np.floor(z[:4, 0]), np.arange(4))
    assert result.outcome_names[4, 0] == "moving" and z[4, 0] == len(minima) + 1.5  # beige: "still on its way"
    xs, ys = np.arange(5.0), np.arange(1.0)
    figure = basin_figure(result, xs, ys, minima=minima, domain=himmelblau.domain, title="AdaMax", start=(0, 0))
    go.Figure(figure)
    assert non_finite_paths(figure) == []
    shown = [t["name"] for t in figure["data"] if t.get("showlegend")]
    assert sum(name.startswith("ends in") for name in shown) == 4


@pytest.mark.parametrize("surface", ["saddle", "goldstein_price", "quadratic"])
@pytest.mark.parametrize("metric", ["gap", "steps", "distance"])
def test_every_metric_opens_on_surfaces_without_f_star_or_with_f_star_not_zero(surface, metric):
    app = open_app({"surface": surface, "section": "sweep", "sweep": f"adamax(cells=16,color={metric})"}, timeout=120)
    assert not app.exception
    charts = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    assert len(charts) >= 4 and all(non_finite_paths(chart) == [] for chart in charts)


def test_moving_a_runs_lr_keeps_its_basin_map_and_leaves_the_lr_curves_as_they_were():
    """The lr curves sweep lr, so they are named by the runs' other settings and do not change when a run's own lr
    moves (the browser then has nothing to redraw); the moved run keeps its basin map, under its new label."""
    link = {"surface": "booth", "start": "-8,8", "steps": "60", "section": "sweep", "sweep": "adamax(cells=16,vs=none)",
            "run": ["adamax(lr=0.1)", "sgd(lr=0.01,momentum=0.9)"]}
    app = open_app(link, timeout=120)

    def figures():
        charts = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
        curves = next(c for c in charts if "yaxis2" in c["layout"])  # the lr curves' ✖ row
        basins = [c["layout"]["title"]["text"] for c in charts if c["layout"].get("uirevision") == "basins"]
        return curves, basins

    curves, basins = figures()
    assert [t["name"] for t in curves["data"] if t.get("mode") == "lines"] == ["AdaMax", "SGD(momentum=0.9)"]
    assert basins == ["AdaMax(lr=0.1)", "SGD(lr=0.01, momentum=0.9)"]
    open_panels(app, "run0_panel").select_slider(key="run0_lr").set_value(0.2).run()
    assert not app.exception
    moved_curves, moved_basins = figures()
    assert moved_curves == curves
    assert moved_basins == ["AdaMax(lr=0.2)", "SGD(lr=0.01, momentum=0.9)"]


def test_moving_one_optimizers_setting_recomputes_its_map_only(monkeypatch):
    """The two maps are kept apart: run 1's β1 moves the AdaMax map, and Adam's map (its settings unchanged) is not
    computed again; two maps missing at once are computed together, side by side (`optimizers.sweeps`)."""
    import ui.sections.sweep as section

    maps, together = [], []
    real_map_sweep, real_sweeps = section._map_sweep, section.sweeps
    monkeypatch.setattr(section, "_map_sweep", lambda *key: maps.append(key[4].optimizer) or real_map_sweep(*key))
    monkeypatch.setattr(section, "sweeps", lambda requests: together.append(len(requests)) or real_sweeps(requests))
    monkeypatch.setattr(section, "_maps", type(section._maps)(section.MAP_MEMO_ENTRIES))  # nothing kept from before
    link = {"surface": "booth", "start": "-8,8", "steps": "40", "section": "sweep", "sweep": "adamax(cells=16,vs=adam)",
            "run": ["adamax(lr=0.1)", "adam(lr=0.1)"]}
    app = open_app(link, timeout=120)
    assert not app.exception and maps == ["adamax", "adam"] and together == [2]  # both maps, side by side
    adam_map = json.loads(app.get("plotly_chart")[1].proto.spec)["data"][0]["z"]
    open_panels(app, "run0_panel").select_slider(key="run0_beta1").set_value(0.5).run()
    assert not app.exception and maps == ["adamax", "adam", "adamax"] and together == [2]  # AdaMax's map alone
    assert json.loads(app.get("plotly_chart")[1].proto.spec)["data"][0]["z"] == adam_map
    app.run()
    assert len(maps) == 3  # a rerun with nothing moved computes nothing


def test_sensitivity_curves_keep_values_far_below_one():
    """f − f* = 0 (drawn at the floor, 1e-16) and 3e-9 must reach the log axis as themselves, not rounded to 0."""
    from figures.sweep import LOG_FLOOR, lr_sensitivity_figure

    lr = np.array([1e-3, 1e-2, 1e-1, 1.0])
    curve = {"label": "SGD", "color": "#000", "lr": lr, "value": np.array([0.5, 3e-9, 0.0, 2.0]),
             "diverged": np.array([False, False, False, True])}
    figure = lr_sensitivity_figure([curve], metric="f − f*", log=True)
    assert figure["data"][0]["y"] == [0.5, 3e-9, LOG_FLOOR, None]
    assert figure["data"][0]["x"] == lr.tolist()
