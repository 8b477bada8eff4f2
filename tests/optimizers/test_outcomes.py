"""The one outcome classification (optimizers/outcomes.py) on hand-made cases and on real runs whose fate is known."""

from __future__ import annotations

import numpy as np
import pytest

from optimizers import SGD, Adam, AdaMax, run
from optimizers.outcomes import (
    OSCILLATING,
    OUTCOMES,
    REACHED,
    RunMetrics,
    classify,
    describe,
    recent_window_start,
    trajectory_metrics,
)
from optimizers.trajectory import Trajectory
from surfaces import SURFACES, make_surface


def outcome_of(optimizer, key, start, steps, *, tolerance=1e-4, bound=None):
    surface = SURFACES[key]
    bound = 50 * float(np.abs(surface.domain).max()) if bound is None else bound
    trajectory = run(optimizer, surface, np.array(start, dtype=float), steps, bound=bound)
    metrics = trajectory_metrics(trajectory, surface, minimum_value=surface.minimum_value, tolerance=tolerance)
    return OUTCOMES[int(classify(metrics))], metrics, trajectory


def test_a_run_into_a_local_minimum_is_stalled_there_with_its_f():
    outcome, metrics, _ = outcome_of(SGD(lr=0.005), "six_hump_camel", (-1.5, -1.5), 300)
    assert outcome == "stalled"
    surface = SURFACES["six_hump_camel"]
    assert float(metrics.final_loss) - surface.minimum_value > 3  # a local minimum, far above f*
    assert np.linalg.norm(surface.grad(metrics.final_point)) < 1e-4
    words = describe(OUTCOMES.index("stalled"), metrics, tolerance=1e-4)
    assert "stalled at a stationary point" in words and f"{float(metrics.final_loss):.4g}" in words


def test_rastrigin_runs_resting_in_dimples_are_stalled_not_still_moving():
    for optimizer in (Adam(lr=0.5), AdaMax(lr=0.5), SGD(lr=0.005, momentum=0.9)):
        assert outcome_of(optimizer, "rastrigin", (4.0, -2.5), 300)[0] == "stalled"


@pytest.mark.parametrize(("key", "lr", "beta2", "start"), [
    ("rosenbrock", 0.485956, 0.850513, (-1.2, 1.0)),   # a cell of the default map: a 3-cycle, |∇f| = 1.6
    ("quadratic", 0.30324, 0.946277, None),            # κ = 30: a 2-cycle across the valley
])
def test_a_run_going_round_a_cycle_is_oscillating_not_stalled(key, lr, beta2, start):
    """The old rule compared the point now with the point a tenth earlier, so a 3-, 4- or 6-cycle passed for rest:
    these runs still step ≥ 0.013 every step, far from any stationary point."""
    surface = SURFACES[key] if key != "quadratic" else make_surface("quadratic", condition=30, angle=30)
    start = surface.start if start is None else start
    trajectory = run(AdaMax(lr=lr, beta2=beta2), surface, np.array(start, dtype=float), 500, bound=100)
    metrics = trajectory_metrics(trajectory, surface, minimum_value=surface.minimum_value, tolerance=1e-4)
    assert OUTCOMES[int(classify(metrics))] == "oscillating"
    last = trajectory.points[450:]
    assert np.linalg.norm(np.diff(last, axis=0), axis=-1).min() > 1e-3   # it never rests in the last tenth
    assert np.linalg.norm(surface.grad(last[-1])) > 0.1                 # nor is it at a stationary point
    assert "oscillating" in describe(OSCILLATING, metrics, tolerance=1e-4)


def test_a_run_that_reaches_the_minimum_then_leaves_it():
    """Rosenbrock preset, AdaMax β2 = 0.99: f − f* ≤ 1e-4 at step 490, but 0.005 at step 5,000."""
    outcome, metrics, trajectory = outcome_of(AdaMax(lr=0.1, beta2=0.99), "rosenbrock", (-1.2, 1.0), 5000)
    assert outcome == "left"
    assert trajectory.losses[int(metrics.reached_at)] <= 1e-4 < trajectory.losses[-1]
    assert outcome_of(AdaMax(lr=0.1, beta2=0.99), "rosenbrock", (-1.2, 1.0), 500)[0] == "reached"


def test_a_run_still_crawling_is_moving():
    assert outcome_of(AdaMax(lr=0.1), "rosenbrock", (-1.2, 1.0), 500)[0] == "moving"


@pytest.mark.parametrize("key", ["saddle", "monkey_saddle"])
def test_leaving_a_surface_unbounded_below_is_escape_not_divergence(key):
    start = (-1.5, 0.001) if key == "saddle" else (0.8, 0.001)
    outcome, metrics, trajectory = outcome_of(SGD(lr=0.01, momentum=0.9), key, start, 5000)
    assert outcome == "escaped"
    assert int(metrics.diverged_at) > 0 and trajectory.losses[-1] < -1e3


def test_a_blow_up_is_diverged():
    outcome, metrics, _ = outcome_of(SGD(lr=1e-4, momentum=0.9), "goldstein_price", (0.8, -1.8), 50)
    assert outcome == "diverged" and int(metrics.diverged_at) == 7


def hand_made(**values):
    """RunMetrics of n members from the given arrays; the rest quiet (no divergence, no target, at rest)."""
    n = len(next(iter(values.values())))
    quiet = dict(start_loss=np.full(n, 5.0), final_loss=np.ones(n), best_loss=np.ones(n),
                 reached_at=np.full(n, -1), final_reached=np.zeros(n, bool), settled_at=np.full(n, -1),
                 diverged_at=np.full(n, -1), final_point=np.zeros((n, 2)), final_gradient_norm=np.ones(n),
                 recent_displacement=np.zeros(n), recent_path_length=np.ones(n), recent_extent=np.ones(n))
    scalars = {name: values.pop(name) for name in ("bounded_below", "has_minimum", "gradient_tolerance")
               if name in values}
    return RunMetrics(**{**quiet, **{name: np.asarray(value) for name, value in values.items()}}, **scalars)


def test_hand_made_metrics_take_the_documented_order():
    """Diverging wins over reaching; reaching over resting; rest needs a small gradient; oscillation a long path
    in a small box; escaping needs a surface proven unbounded below."""
    metrics = hand_made(
        final_loss=[1e9, -1e4, 0.0, 1.0, 1.0, 1.0, 1.0],
        best_loss=[0.0, -1e4, 0.0, 0.0, 1.0, 1.0, 1.0],
        reached_at=[3, -1, 10, 10, -1, -1, -1],
        final_reached=[False, False, True, False, False, False, False],
        diverged_at=[20, 30, -1, -1, -1, -1, -1],
        final_gradient_norm=[1.0, 1.0, 0.0, 1.0, 1e-8, 1.0, 1.0],
        recent_path_length=[1.0, 1.0, 0.0, 1.0, 1.0, 0.5, 5.0],
        recent_extent=[1.0, 1.0, 0.0, 1.0, 1.0, 0.5, 1.0], bounded_below=False)
    assert [OUTCOMES[c] for c in classify(metrics)] == ["diverged", "escaped", "reached", "left", "stalled",
                                                         "moving", "oscillating"]
    for proven, expected in ((None, "departed"), (True, "departed"), (False, "escaped")):
        leaving = hand_made(final_loss=[-1e4], best_loss=[-1e4], diverged_at=[30], bounded_below=proven)
        assert OUTCOMES[int(classify(leaving)[0])] == expected
    resting_but_steep = hand_made(final_gradient_norm=[2.0], recent_path_length=[0.0], recent_extent=[0.0],
                                  gradient_tolerance=1.0)
    assert OUTCOMES[int(classify(resting_but_steep)[0])] == "moving"   # no movement is not a stationary point


def test_batched_metrics_equal_each_member_run_alone():
    surface = SURFACES["rosenbrock"]
    lr = np.array([[0.001], [0.1], [3.0]])
    batch = run(AdaMax(lr=lr, beta2=0.99), surface, np.array([-1.2, 1.0]), 400, bound=100)
    together = trajectory_metrics(batch, surface, minimum_value=0.0, tolerance=1e-4)
    for i, value in enumerate(lr[:, 0]):
        alone = trajectory_metrics(run(AdaMax(lr=value, beta2=0.99), surface, np.array([-1.2, 1.0]), 400, bound=100),
                                   surface, minimum_value=0.0, tolerance=1e-4)
        for name in ("final_loss", "best_loss", "reached_at", "settled_at", "diverged_at", "final_point",
                     "recent_displacement", "recent_path_length", "recent_extent"):
            np.testing.assert_array_equal(getattr(together, name)[i], getattr(alone, name))
        assert classify(together)[i] == classify(alone)


def test_recent_window_is_the_last_tenth():
    assert recent_window_start(1000) == 900 and recent_window_start(1) == 0


def test_a_leap_out_of_a_bounded_surface_is_a_blow_up_not_an_escape():
    """Rosenbrock has f* = 0: a run leaving the bound from its best point so far blew up; it cannot escape."""
    metrics = hand_made(final_loss=[0.5], best_loss=[0.5], diverged_at=[9], has_minimum=True, bounded_below=True)
    assert OUTCOMES[classify(metrics)[0]] == "diverged"
    # Adam with β2 = 0 takes unbounded steps: some of a sweep's cells leap out from their best point
    surface = SURFACES["rosenbrock"]
    lr = np.geomspace(0.01, 2.0, 40)[:, None]
    batch = run(Adam(lr=lr, beta2=0.0), surface, np.array([-1.2, 1.0]), 500, bound=150)
    codes = classify(trajectory_metrics(batch, surface, minimum_value=0.0, tolerance=1e-4))
    assert OUTCOMES.index("escaped") not in codes.tolist()


def test_settled_is_the_step_from_which_it_stays_within_and_the_words_say_which():
    """A run that dips within tolerance at step 2, leaves, and is back for good from step 5: "reached" (within at
    the end), first at step 2, settled at 5 — the table must not say "from step 2, and stayed" (it left)."""
    losses = np.array([[9.0], [1.0], [1e-5], [2e-3], [5e-4], [5e-5], [1e-6]])
    trajectory = Trajectory(points=np.zeros((7, 1, 2)), losses=losses, diverged_at=np.array([-1]))
    flat = type("Flat", (), {"grad": staticmethod(lambda xy: np.zeros_like(xy))})()
    metrics = trajectory_metrics(trajectory, flat, minimum_value=0.0, tolerance=1e-4)
    assert int(metrics.reached_at[0]) == 2 and int(metrics.settled_at[0]) == 5
    words = describe(REACHED, metrics, (0,), tolerance=1e-4)
    assert "from step 5 on" in words and "first at step 2" in words and "stayed" not in words
    steady = trajectory_metrics(Trajectory(points=np.zeros((4, 1, 2)), losses=np.array([[9.0], [1e-5], [0.0], [0.0]]),
                                           diverged_at=np.array([-1])), flat, minimum_value=0.0, tolerance=1e-4)
    assert int(steady.settled_at[0]) == 1
    assert describe(REACHED, steady, (0,), tolerance=1e-4).endswith("from step 1, and stayed")
    never = trajectory_metrics(trajectory, flat, minimum_value=-1.0, tolerance=1e-4)  # never within
    assert int(never.settled_at[0]) == -1 and int(never.reached_at[0]) == -1


def test_a_run_creeping_along_a_flat_valley_toward_the_minimum_is_moving_not_stalled():
    """Rosenbrock preset, SGD with momentum: |∇f| = 0.009 is tiny beside the surface's gradients, but the run still
    travels 0.012 in a straight line over its last 50 steps toward (1, 1): it has not stalled anywhere."""
    outcome, metrics, trajectory = outcome_of(SGD(lr=0.002, momentum=0.9), "rosenbrock", (-1.2, 1.0), 500)
    assert float(metrics.final_gradient_norm) < metrics.gradient_tolerance
    assert np.linalg.norm(trajectory.points[-1] - trajectory.points[450]) > 0.01
    assert outcome == "moving"
