"""Words that must stay true at the edges of the settings: each check recomputes the claim without the page."""

from __future__ import annotations

import json

import numpy as np
import pytest

from figures.sweep import CLICK_TRACE, OUTCOME_WORDS, SENSITIVE_NAME, MapAxis, click_groups, sweep_map_figure
from optimizers import AdaMax, run, sweep
from optimizers.explain import adamax_internals
from optimizers.limits import eps_modes, fitted_exponent, lp_family, undefined_steps
from optimizers.outcomes import unbounded_step
from optimizers.sweep import hyperparameter_axis
from surfaces import SURFACES
from tests.support.app import open_app
from ui.lessons import load_lesson

SPECS = {spec.name: spec for spec in AdaMax.HYPERPARAMETERS}


def test_keras_never_divides_by_zero_so_its_row_counts_no_undefined_step():
    """On the saddle's axis (y = 0 exactly) the paper's m/u is 0/0 on y at every step; Keras divides by u + ε."""
    saddle = SURFACES["saddle"]
    modes = eps_modes(saddle, (-1.5, 0.0), 100, lr=0.05)
    paper = undefined_steps(modes["paper"], eps_mode="paper")["zero_over_zero"]
    keras = undefined_steps(modes["keras"], eps_mode="keras", eps=1e-8)["zero_over_zero"]
    assert paper[1] == 100 and keras.tolist() == [0, 0]
    assert (modes["keras"].states["u"][:, 1] + 1e-8 > 0).all()  # independent: its denominator is never 0
    app = open_app({"surface": "saddle", "start": "-1.5,0", "section": "eps"})
    table = app.dataframe[0].value.set_index("ε placement")
    assert table.loc["keras", "steps with 0/0 (x, y)"] == "0, 0"
    assert int(table.loc["paper", "steps with 0/0 (x, y)"].split(", ")[1]) > 0


def test_no_rate_is_fitted_to_distances_that_rise_and_fall():
    """Rastrigin's preset: the Lp distances go 2.48, 1.38, 25.4, 1.59, …: the page fits no p^k to them."""
    app = open_app({"surface": "rastrigin", "section": "lp"})
    assert not app.exception
    table = app.dataframe[0].value
    p, distance = table["p"].to_numpy(float), table["largest distance to AdaMax's path"].to_numpy(float)
    later = distance[p >= 4]
    assert not np.all(np.diff(later) < 0)  # independent: they do not fall steadily
    text = " ".join(m.value for m in app.markdown)
    assert "falls like $p^" not in text and "no rate is fitted" in text
    assert fitted_exponent(p, distance) is None


@pytest.mark.parametrize("key", ["rosenbrock", "booth", "monkey_saddle"])
def test_a_fitted_rate_is_a_straight_line_through_falling_distances(key):
    surface = SURFACES[key]
    family = lp_family(surface, surface.start, 300, lr=0.05, bound=1e4)
    distances = [family.max_distance[p] for p in family.orders]
    exponent = fitted_exponent(family.orders, distances)
    if exponent is not None:
        p = np.array(family.orders, float)
        d = np.array(distances)[p >= 4]
        assert np.all(np.diff(d) < 0)
        slope = np.polyfit(np.log(p[p >= 4]), np.log(d), 1)[0]
        assert exponent == pytest.approx(slope)


def adamax_map(resolution=12, steps=300):
    lr, beta2 = hyperparameter_axis(SPECS["lr"], resolution), hyperparameter_axis(SPECS["beta2"], resolution)
    result = sweep(AdaMax(lr=lr[:, None, None], beta2=beta2[None, :, None]), SURFACES["rosenbrock"],
                   np.array([-1.2, 1.0]), steps, bound=100.0)
    return result, MapAxis("lr", "lr", "log", lr), MapAxis("beta2", "β2", "one_minus_log", beta2)


def test_map_hovers_say_when_a_cell_stayed_and_name_no_placeholder_number():
    result, x_axis, y_axis = adamax_map()
    figure = sweep_map_figure(result, x_axis, y_axis, metric="steps", minima=[[1.0, 1.0]], title="")
    for offset, (outcome, gi, gj) in enumerate(click_groups(result)):
        trace = figure["data"][CLICK_TRACE + offset]
        assert OUTCOME_WORDS[outcome] in trace["hovertemplate"]
        has_steps = result.reached_at[gi, gj] >= 0
        # "steps to tolerance = …" only on cells that have such a step: never "= -1"
        assert ("steps to tolerance =" in trace["hovertemplate"]) == bool(has_steps.all())
        if outcome == "reached":
            assert "to the end" in trace["hovertemplate"] and "and stayed" not in trace["hovertemplate"]
    reached = result.outcome_names == "reached"
    for index in zip(*np.nonzero(reached), strict=True):  # each settling step recomputed from the cell's own run
        alone = run(AdaMax(lr=x_axis.values[index[0]], beta2=y_axis.values[index[1]]), SURFACES["rosenbrock"],
                    np.array([-1.2, 1.0]), 300, bound=100.0)
        within = alone.losses <= 1e-4
        settled = int(result.metrics.settled_at[index])
        assert within[settled:].all() and (settled == 0 or not within[settled - 1])


def test_cells_whose_step_is_unbounded_are_hatched_and_named():
    result, x_axis, y_axis = adamax_map()
    sensitive = unbounded_step("adamax", 0.9, y_axis.values[None, :]) & np.ones((12, 1), bool)
    assert sensitive.any() and not sensitive.all()
    figure = sweep_map_figure(result, x_axis, y_axis, metric="gap", minima=[[1.0, 1.0]], title="",
                              sensitive=sensitive)
    hatch = [t for t in figure["data"] if t.get("name") == SENSITIVE_NAME]
    assert len(hatch) == 1 and hatch[0]["fillpattern"]["shape"] == "/"
    ys = [y for y in hatch[0]["y"] if y is not None]
    coordinates = -np.log10(1 - y_axis.values)
    step = coordinates[1] - coordinates[0]
    top = coordinates[sensitive[0]].max() + step / 2   # the hatched band ends where β2 reaches β1 = 0.9
    assert max(ys) == pytest.approx(top, abs=1e-5)
    assert json.dumps(figure)


def test_the_beta2_lesson_ratio_is_the_runs_median_steps():
    scene = load_lesson("beta2_memory").scenes[2]
    assert "{run1.median_step / run2.median_step}" in scene.text and "three" not in scene.text
    app = open_app({"lesson": "beta2_memory", "scene": "3"})
    surface = SURFACES["rosenbrock"]
    medians = []
    for beta2 in (0.99, 0.999):
        points = run(AdaMax(lr=0.1, beta2=beta2), surface, np.array([-1.2, 1.0]), 500).points
        medians.append(float(np.median(np.abs(np.diff(points, axis=0)))))
    text = " ".join(m.value for m in app.markdown)
    assert f"is {medians[0] / medians[1]:.3g} times the one" in text


def test_adamax_internals_of_a_cycling_run_report_steps_near_the_cap_truthfully():
    """Monkey saddle preset: a median of 0.8 α is 'close to' the cap, never 'well below' it."""
    from ui.narration import header_sentence
    surface = SURFACES["monkey_saddle"]
    optimizer = AdaMax(lr=0.02)
    trajectory = run(optimizer, surface, surface.start, 150, record_state=True)
    text = header_sentence("AdaMax", adamax_internals(optimizer, trajectory), 0.02, 0.9, 0.999)
    median = float(np.median(np.abs(np.diff(trajectory.points, axis=0)))) / 0.02
    assert ("well below" in text) == (median <= 1.0091 / 4)
