"""Every outcome's definition, held as a property over the sliders' whole ranges against recomputed facts.

Each example runs one optimizer with hyperparameters drawn across its slider's range, on a surface and a start drawn
from its window, then checks what the classification claims with code that does not use it: the gradient by
central finite differences of f, the last tenth's path and box from the points, the tolerance window from the
losses, boundedness from the surface's own flag.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizers import OPTIMIZERS, make_optimizer, run, sweep
from optimizers.outcomes import (
    OSCILLATION_RATIO,
    OUTCOMES,
    classify,
    describe,
    recent_window_start,
    trajectory_metrics,
)
from optimizers.sweep import hyperparameter_axis
from surfaces import SURFACES

TOLERANCE = 1e-4
KEYS = sorted(SURFACES)


def finite_difference_gradient(surface, point, h=1e-6):
    """∇f by central differences of f alone, scaled to the point's size."""
    point = np.asarray(point, dtype=np.float64)
    steps = h * max(1.0, float(np.abs(point).max()))
    return np.array([(surface.f(point + e) - surface.f(point - e)) / (2 * steps)
                     for e in (np.array([steps, 0.0]), np.array([0.0, steps]))])


@st.composite
def settings_of_a_run(draw):
    key = draw(st.sampled_from(KEYS))
    surface = SURFACES[key]
    (x0, x1), (y0, y1) = surface.domain
    start = (draw(st.floats(x0, x1)), draw(st.floats(y0, y1)))
    name = draw(st.sampled_from(sorted(OPTIMIZERS)))
    values = {}
    for spec in OPTIMIZERS[name].HYPERPARAMETERS:
        if spec.scale in ("log", "one_minus_log", "linear"):
            axis = hyperparameter_axis(spec, 1000)
            values[spec.name] = float(axis[draw(st.integers(0, 999))])
    steps = draw(st.sampled_from([20, 100, 300]))
    return surface, np.array(start), make_optimizer(name, **values), steps


@settings(max_examples=120, deadline=None)
@given(settings_of_a_run())
def test_every_outcome_means_what_it_says(case):
    surface, start, optimizer, steps = case
    bound = 50 * float(np.abs(surface.domain).max())
    trajectory = run(optimizer, surface, start, steps, bound=bound)
    metrics = trajectory_metrics(trajectory, surface, minimum_value=surface.minimum_value, tolerance=TOLERANCE)
    outcome = OUTCOMES[int(classify(metrics))]
    points, losses = trajectory.points, trajectory.losses
    words = describe(OUTCOMES.index(outcome), metrics, tolerance=TOLERANCE)
    (x0, x1), (y0, y1) = surface.domain
    at_rest = np.linalg.norm(points[-1] - points[recent_window_start(steps)]) <= 1e-3 * np.hypot(x1 - x0, y1 - y0)
    if outcome == "stalled":  # a stationary point: ∇f vanishes there relative to the surface's gradients, at rest
        gradient = np.linalg.norm(finite_difference_gradient(surface, points[-1]))
        assert gradient <= 1.01 * metrics.gradient_tolerance + 1e-6 * max(1.0, float(np.abs(losses[-1])))
        assert at_rest
    elif outcome == "oscillating":  # a long path in a small box over the last tenth
        recent = points[recent_window_start(steps):]
        path = sum(float(np.hypot(*(b - a))) for a, b in itertools.pairwise(recent))
        box = float(np.hypot(*(recent.max(axis=0) - recent.min(axis=0))))
        assert path > 0 and path >= OSCILLATION_RATIO * box * (1 - 1e-12)
    elif outcome == "escaped":  # f → −∞ only where the surface is proven unbounded below
        assert surface.bounded_below is False and trajectory.diverged_at > 0
    elif outcome == "reached":  # within tolerance from the step it names to the end
        settled = int(metrics.settled_at)
        assert (losses[settled:] - surface.minimum_value <= TOLERANCE).all()
        assert settled == 0 or losses[settled - 1] - surface.minimum_value > TOLERANCE
        assert f"from step {settled}" in words
    elif outcome == "left":
        first = int(metrics.reached_at)
        assert losses[first] - surface.minimum_value <= TOLERANCE < losses[-1] - surface.minimum_value
    elif outcome == "diverged":
        assert trajectory.diverged_at > 0
    elif outcome == "moving":  # not at rest at a stationary point
        assert not at_rest or np.linalg.norm(surface.grad(points[-1])) > metrics.gradient_tolerance
    if outcome != "stalled":  # nothing else claims a stationary point
        assert "stationary" not in words


@settings(max_examples=25, deadline=None)
@given(settings_of_a_run())
def test_a_sweep_cell_classifies_as_its_run_alone(case):
    """The maps use the race's words: a one-cell sweep ends in the run's outcome, with the same settling step."""
    surface, start, optimizer, steps = case
    bound = 50 * float(np.abs(surface.domain).max())
    alone = trajectory_metrics(run(optimizer, surface, start, steps, bound=bound), surface,
                               minimum_value=surface.minimum_value, tolerance=TOLERANCE)
    cell = sweep(optimizer, surface, start, steps, bound=bound, tolerance=TOLERANCE)
    assert int(cell.outcome) == int(classify(alone))
    assert int(cell.metrics.settled_at) == int(alone.settled_at)
