"""optimizers.limits and its figures, beyond tests/optimizers/test_lp_and_eps.py: the default orders, the edge cases,
and what the Lp and ε figures draw (docs/REFERENCE.md §1 and §3)."""

from __future__ import annotations

import itertools

import numpy as np
import plotly.graph_objects as go
import pytest

from figures.eps import DISTANCE_FLOOR, eps_figure
from figures.lp import lp_figure
from optimizers import AdaMax, run
from optimizers.limits import (
    LP_ORDERS,
    eps_modes,
    fitted_exponent,
    lp_family,
    max_path_distance,
    naive_breakdown,
    naive_overflow,
    zero_over_zero_steps,
)
from surfaces import SURFACES
from tests.support.figures import decode, non_finite_paths, strict_json

ROSENBROCK, SADDLE = SURFACES["rosenbrock"], SURFACES["saddle"]
REFERENCE_DISTANCES = {4: 0.77, 16: 0.12, 64: 0.019}


@pytest.fixture(scope="module")
def family():
    return lp_family(ROSENBROCK, (-1.5, 2.0), 300, lr=0.05)


@pytest.fixture(scope="module")
def saddle_modes():
    return eps_modes(SADDLE, (-1.5, 0.0), 300, lr=0.05)


def test_default_orders_shrink_from_four_on_and_match_reference(family):
    assert family.orders == LP_ORDERS
    distances = [family.max_distance[p] for p in LP_ORDERS if p >= 4]
    assert all(later < earlier for earlier, later in itertools.pairwise(distances))
    for p, expected in REFERENCE_DISTANCES.items():
        assert expected / 1.5 < family.max_distance[p] < expected * 1.5


def test_batched_orders_match_separate_runs(family):
    # lp_family runs all orders as one batch; each member must be the run it stands for
    alone = lp_family(ROSENBROCK, (-1.5, 2.0), 300, lr=0.05, orders=(16,))
    np.testing.assert_array_equal(alone.paths[16].points, family.paths[16].points)
    adamax = run(AdaMax(lr=0.05, eps_mode="keras"), ROSENBROCK, (-1.5, 2.0), 300)  # Adam-Lp's ε placement
    np.testing.assert_array_equal(family.adamax.points, adamax.points)
    assert family.paths[16].points.shape == (301, 2) and int(family.paths[16].diverged_at) == -1


def test_max_distance_stops_at_the_earlier_divergence():
    steady = run(AdaMax(lr=0.01), ROSENBROCK, (-1.5, 2.0), 50)
    wild = run(AdaMax(lr=10.0), ROSENBROCK, (-1.5, 2.0), 50, bound=3.0)
    assert int(wild.diverged_at) > 0
    last = int(wild.diverged_at) - 1
    expected = np.linalg.norm(steady.points[:last + 1] - wild.points[:last + 1], axis=-1).max()
    assert max_path_distance(wild, steady) == pytest.approx(expected)


def test_naive_overflow_columns():
    rows = naive_overflow(100.0)
    assert [row["p"] for row in rows] == list(LP_ORDERS)
    assert not any(row["overflow"] or row["underflow"] for row in rows)  # 100⁶⁴ = 1e128 still fits
    assert all(np.isfinite(row["stable"]) and 0 < row["stable"] <= 100.0 for row in rows)
    assert naive_overflow(100.0, (160,))[0]["overflow"]
    assert naive_overflow(0.0, (200,))[0] == {"p": 200, "naive": 0.0, "overflow": False, "underflow": False,
                                              "stable": 0.0}


def test_naive_breakdown_without_breakdown_at_small_p():
    result = naive_breakdown(ROSENBROCK, (-1.2, 1.0), 100, lr=0.05, p=8)
    assert result["breakdown_step"] is None and result["breakdown_kind"] is None
    assert result["naive_to_adamax"] == pytest.approx(result["stable_to_adamax"], abs=1e-9)
    assert result["naive_moved"] == pytest.approx(result["stable_moved"], rel=1e-9)
    stalled = naive_breakdown(ROSENBROCK, (-1.2, 1.0), 300, lr=0.05, p=200)
    assert stalled["naive_moved"] == 0.0 and stalled["stable_moved"] > 0.5
    assert stalled["stable_to_adamax"] < 0.05


def test_single_start_only():
    with pytest.raises(ValueError, match="one point"):
        lp_family(ROSENBROCK, np.zeros((3, 2)), 10, lr=0.05)
    with pytest.raises(ValueError, match="record_state"):
        zero_over_zero_steps(run(AdaMax(), ROSENBROCK, (0.0, 0.0), 3))


def test_saddle_axis_over_300_steps(saddle_modes):
    for mode, trajectory in saddle_modes.items():
        assert np.all(trajectory.points[:, 1] == 0.0), mode
    assert zero_over_zero_steps(saddle_modes["paper"]).tolist() == [0, 300]
    assert zero_over_zero_steps(saddle_modes["keras"]).tolist() == [0, 300]  # u = 0, but Keras divides by u + ε
    assert zero_over_zero_steps(saddle_modes["pytorch"]).tolist() == [0, 0]


def test_lp_figure_draws_what_it_says(family):
    figure = lp_figure(ROSENBROCK, family)
    go.Figure(figure)
    assert non_finite_paths(figure) == [] and "frames" not in figure
    strict_json(figure)
    layout, by_name = figure["layout"], {trace["name"]: trace for trace in figure["data"]}
    assert layout["legend"]["font"]["size"] >= 14 and 500 <= layout["height"] <= 620
    assert layout["images"] and layout["xaxis"]["range"] == list(ROSENBROCK.domain[0])
    assert layout["xaxis2"]["type"] == layout["yaxis2"]["type"] == "log"
    paths = [by_name[f"p = {p}"] for p in LP_ORDERS]
    lightness = [sum(int(t["line"]["color"][i:i + 2], 16) for i in (1, 3, 5)) for t in paths]
    assert all(later < earlier for earlier, later in itertools.pairwise(lightness))  # light → dark as p grows
    adamax = by_name["AdaMax (p → ∞)"]
    assert adamax["line"]["color"] == "#000000" and adamax["line"]["width"] > paths[0]["line"]["width"]
    assert figure["data"].index(adamax) > max(figure["data"].index(t) for t in paths)  # drawn on top
    np.testing.assert_allclose(decode(adamax["x"])[-1], family.adamax.points[-1, 0], atol=1e-5)
    fit = next(trace for name, trace in by_name.items() if name.startswith("fit: ∝ p^"))
    exponent = fitted_exponent(LP_ORDERS, [family.max_distance[p] for p in LP_ORDERS])
    assert fit["name"] == f"fit: ∝ p^{exponent:.2f} (p ≥ 4)" and fit["line"]["dash"] == "dot"
    # the dotted line is the fit: its slope on log–log axes is the exponent
    slope = np.log(fit["y"][-1] / fit["y"][0]) / np.log(fit["x"][-1] / fit["x"][0])
    assert slope == pytest.approx(exponent)
    markers = by_name["largest distance"]
    assert markers["marker"]["color"] == [t["line"]["color"] for t in paths]
    assert markers["y"] == pytest.approx([family.max_distance[p] for p in LP_ORDERS])


@pytest.mark.parametrize("surface, start", [(SADDLE, (-1.5, 0.0)), (ROSENBROCK, (-1.5, 2.0))])
def test_eps_figure_keeps_overlapping_paths_apart_and_never_logs_zero(surface, start):
    figure = eps_figure(surface, eps_modes(surface, start, 300, lr=0.05))
    go.Figure(figure)
    assert non_finite_paths(figure) == [] and "frames" not in figure
    strict_json(figure)
    paths = [trace for trace in figure["data"] if trace.get("xaxis") == "x" and trace["mode"] == "lines"]
    assert len(paths) == 3
    assert len({t["line"]["color"] for t in paths}) == 3 and len({t["line"]["dash"] for t in paths}) == 3
    curves = [trace for trace in figure["data"] if trace.get("yaxis") == "y2"]
    assert {t["name"] for t in curves} == {"paper vs PyTorch", "paper vs Keras", "PyTorch vs Keras"}
    for curve in curves:
        assert decode(curve["y"]).min() >= DISTANCE_FLOOR
    assert figure["layout"]["yaxis2"]["type"] == "log" and figure["layout"]["legend"]["font"]["size"] >= 14
