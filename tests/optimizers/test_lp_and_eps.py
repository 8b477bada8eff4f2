"""The Lp → L∞ limit and the ε placements: the numbers behind the "From Adam to AdaMax" and "Where ε goes" views."""

from __future__ import annotations

import itertools

import numpy as np
import plotly.graph_objects as go
import pytest

from figures.eps import eps_figure
from figures.lp import lp_figure
from optimizers import Adam, AdamLp, run
from optimizers.limits import (
    eps_modes,
    fitted_exponent,
    lp_family,
    naive_breakdown,
    naive_overflow,
    zero_over_zero_steps,
)
from surfaces import SURFACES
from tests.support.figures import non_finite_paths

ROSENBROCK = SURFACES["rosenbrock"]
REFERENCE_DISTANCES = {4: 0.845, 16: 0.125, 64: 0.020}  # docs/REFERENCE.md §3


@pytest.fixture(scope="module")
def family():
    return lp_family(ROSENBROCK, [-1.5, 2.0], 300, lr=0.05, orders=(2, 4, 8, 16, 32, 64, 128))


def test_lp_paths_close_in_on_adamax_faster_than_one_over_p(family):
    """docs/REFERENCE.md §3: not like 1/p — a fitted exponent of about −1.35 here, p × distance falling."""
    orders = (4, 8, 16, 32, 64, 128)
    distances = [family.max_distance[p] for p in orders]
    assert all(later < earlier for earlier, later in itertools.pairwise(distances))
    assert -1.5 < fitted_exponent(orders[:-1], distances[:-1]) < -1.25
    products = [p * d for p, d in zip(orders, distances, strict=True)]
    assert all(later < earlier for earlier, later in itertools.pairwise(products))  # so not ∝ 1/p
    for p, expected in REFERENCE_DISTANCES.items():
        assert expected / 1.5 < family.max_distance[p] < expected * 1.5, (p, family.max_distance[p])


def test_lp_at_two_is_adam_with_squared_decay(family):
    adam = run(Adam(lr=0.05, beta2=0.999**2), ROSENBROCK, [-1.5, 2.0], 300)
    np.testing.assert_allclose(family.paths[2].points, adam.points, atol=1e-10)


def test_naive_power_overflows_where_the_stable_term_does_not():
    rows = {row["p"]: row for row in naive_overflow(100.0, (64, 160, 512))}
    assert not rows[64]["overflow"] and rows[160]["overflow"] and rows[512]["overflow"]
    assert np.isinf(rows[160]["naive"]) and all(np.isfinite(row["stable"]) for row in rows.values())
    small = {row["p"]: row for row in naive_overflow(0.01, (64, 200))}
    assert small[200]["underflow"] and small[200]["naive"] == 0.0 and small[200]["stable"] > 0


def test_naive_breakdown_stalls_while_the_stable_form_tracks_adamax():
    result = naive_breakdown(ROSENBROCK, [-1.2, 1.0], 300, lr=0.05, p=200)
    assert result["breakdown_step"] == 1 and result["breakdown_kind"] == "overflow"  # |g₁| = 215.6, 215.6²⁰⁰ = inf
    assert result["stable_to_adamax"] < 0.05
    assert result["naive_to_adamax"] > 10 * result["stable_to_adamax"]
    for name in ("naive_final", "stable_final", "adamax_final"):
        assert np.isfinite(result[name]).all()
    naive = run(AdamLp(lr=0.05, p=200.0, form="naive"), ROSENBROCK, [-1.2, 1.0], 5, record_state=True)
    assert np.isinf(naive.states["w"][0]).any()  # the report agrees with the recorded state


def test_on_the_saddle_axis_every_eps_mode_keeps_y_exactly_zero():
    modes = eps_modes(SURFACES["saddle"], [-1.5, 0.0], 100, lr=0.05)
    assert set(modes) == {"paper", "pytorch", "keras"}
    for trajectory in modes.values():
        assert np.all(trajectory.points[:, 1] == 0.0) and np.isfinite(trajectory.points).all()
        assert trajectory.points[-1, 0] > -1.5  # x still descends toward the saddle point
    zero = zero_over_zero_steps(modes["paper"])
    assert zero.tolist() == [0, 100]  # the paper's m/u is 0/0 on y at every step, never on x
    assert zero_over_zero_steps(modes["pytorch"]).tolist() == [0, 0]  # ε inside the max keeps u ≥ ε


def test_eps_placement_matters_when_gradients_are_as_small_as_eps():
    modes = eps_modes(SURFACES["booth"], [1.2, 2.9], 200, lr=0.01, eps=1e-2)
    gap = np.abs(modes["pytorch"].points - modes["paper"].points).max()
    assert gap > 1e-3  # near the minimum |g| ~ ε, so where ε enters changes the steps


def test_figures_are_valid_and_finite(family):
    lp = lp_figure(ROSENBROCK, family)
    eps = eps_figure(SURFACES["saddle"], eps_modes(SURFACES["saddle"], [-1.5, 0.0], 50, lr=0.05))
    for figure in (lp, eps):
        go.Figure(figure)
        assert non_finite_paths(figure) == []
    names = [trace.get("name", "") for trace in lp["data"]]
    assert any("AdaMax" in name for name in names) and any("p = 64" in name for name in names)
