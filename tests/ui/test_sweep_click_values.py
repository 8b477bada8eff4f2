"""A click on a Sweeps cell adds the cell's run in a few digits: the maps are computed at the axes' short values
(optimizers.sweep.readable_axis), a click reads them back, and the run from the label's and the link's numbers is
the cell's, bit for bit."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.proto.WidgetStates_pb2 import WidgetState

from figures.sweep import CLICK_TRACE, click_groups
from optimizers import OPTIMIZERS, make_optimizer, run, sweep
from optimizers.outcomes import classify, trajectory_metrics
from surfaces import SURFACES
from tests.support.app import open_app, query
from ui import url
from ui.compute import divergence_bound
from ui.sections.sweep import _map_sweep, cell_spec, map_axes, settings_for
from ui.state import AppState, RunSpec, SweepSpec

LINK = {"surface": "rosenbrock", "start": "-1.2,1", "steps": "120", "section": "sweep",
        "sweep": "adamax(vs=none,cells=64)", "run": "adamax(lr=0.05)"}


def click(app, key: str, curve: int, point: int):
    """The page after a click on point `point` of trace `curve` of the chart `key`: the selection the browser
    sends, among the other widgets' values, as the next run's widget states."""
    chart = next(element for element in app.get("plotly_chart") if key in element.proto.id)
    states = app._tree.get_widget_states()
    selection = {"selection": {"points": [{"curve_number": curve, "point_index": point}],
                               "point_indices": [point], "box": [], "lasso": []}}
    states.widgets.append(WidgetState(id=chart.proto.id, string_value=json.dumps(selection)))
    return app._run(states)


def significant_digits(text: str) -> int:
    mantissa = text.split("e")[0].replace("-", "").replace(".", "").lstrip("0")
    return len(mantissa)


def test_a_clicked_cells_run_carries_the_axes_short_values():
    app = open_app(LINK, timeout=120)
    assert not app.exception
    state, _ = url.decode(LINK)
    x_axis, y_axis = map_axes("adamax", SweepSpec(resolution=64))
    result = sweep(**_map_sweep(state.surface, state.surface_params, state.start, state.steps,
                                RunSpec("adamax", (("lr", 0.05),)), "lr", "beta2", 64, 1e-4, None))
    groups = click_groups(result)
    group = next(index for index, (_, gi, gj) in enumerate(groups) if len(gi))
    _, gi, gj = groups[group]
    point = len(gi) // 2
    i, j = int(gi[point]), int(gj[point])
    app = click(app, "sweep_map_adamax", CLICK_TRACE + group, point)
    assert not app.exception
    added = query(app)["run"][-1]
    lr, beta2 = float(x_axis.values[i]), float(y_axis.values[j])
    assert added == url.encode(AppState(runs=(cell_spec(RunSpec("adamax", (("lr", 0.05),)), "lr", lr, "beta2",
                                                         beta2),)))["run"][0]
    assert f"lr={url._number(lr)}" in added and f"beta2={url._number(beta2)}" in added
    assert significant_digits(url._number(lr)) <= 3 and len(url._number(beta2)) <= 8  # lr=0.0123, beta2=0.99877
    label = make_optimizer("adamax", lr=lr, beta2=beta2).label()
    assert label == f"AdaMax(lr={url._number(lr)}, beta2={url._number(beta2)})"
    assert any(f"Added {label} to the race." in message.value for message in app.success)


PAIRS = [(optimizer, x, y) for optimizer in OPTIMIZERS for x in url.numeric_hyperparameters(optimizer)
         for y in url.numeric_hyperparameters(optimizer) if x != y]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=st.sampled_from(PAIRS), resolution=st.sampled_from((16, 32)),
       surface=st.sampled_from(["rosenbrock", "beale", "saddle", "himmelblau"]), steps=st.integers(20, 150),
       cell=st.tuples(st.integers(0, 31), st.integers(0, 31)))
def test_the_run_from_a_clicked_cells_link_is_the_cell(pair, resolution, surface, steps, cell):
    """Whatever the axes: the cell's settings, written into a link and read back, run alone to the cell's outcome
    and the cell's numbers, bit for bit."""
    optimizer, x, y = pair
    i, j = cell[0] % resolution, cell[1] % resolution
    state = AppState(surface=surface, start=SURFACES[surface].start, steps=steps,
                     sweep=SweepSpec(optimizer=optimizer, x=x, y=y, resolution=resolution))
    _, settings_ = settings_for(state, optimizer)
    x_axis, y_axis = map_axes(optimizer, state.sweep)
    result = sweep(**_map_sweep(surface, (), state.start, steps, settings_, x, y, resolution, 1e-4, None))
    spec = cell_spec(settings_, x, float(x_axis.values[i]), y, float(y_axis.values[j]))
    decoded, notices = url.decode(url.encode(AppState(surface=surface, start=state.start, steps=steps,
                                                      runs=(spec,))))
    assert notices == [] and decoded.runs == (spec,)
    landscape = SURFACES[surface]
    trajectory = run(make_optimizer(spec.optimizer, **spec.kwargs()), landscape, np.array(state.start), steps,
                     bound=divergence_bound(landscape))
    metrics = trajectory_metrics(trajectory, landscape, minimum_value=landscape.minimum_value, tolerance=1e-4)
    assert int(classify(metrics)) == int(result.outcome[i, j])
    if "p" in (x, y):  # Adam-Lp's powers of an array of p round apart from a scalar p's in the last bit, at times
        np.testing.assert_allclose(metrics.final_point, result.final_point[i, j], rtol=1e-9, atol=1e-12)
        return
    assert metrics.final_loss.tobytes() == result.final_loss[i, j].tobytes()
    assert np.array_equal(metrics.final_point, result.final_point[i, j])
