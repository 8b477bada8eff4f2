"""What happened to a run: one classification for the race's table, its notices and the sweep's maps.

A run ends in exactly one of six outcomes, decided in this order:

    diverged   it left the bound |x|, |y| ≤ B, or met a non-finite value, while f was not falling — it blew up
    escaped    on a surface with no known f* (unbounded below, e.g. the saddle), it left the bound while f
               was at its lowest so far and below its start: it went downhill for good (f → −∞); a success,
               not an error. Where f* is known, f cannot fall without bound, so leaving is always "diverged".
    reached    f − f* ≤ tolerance at the last step (and so at some step before)
    left       f − f* ≤ tolerance at some step, but not at the last: it reached the minimum's level, then left
    stalled    it rests at a stationary point that is not within tolerance of f*: |∇f| ≤ gradient_tolerance
               at the last point, or it moved less than movement_tolerance over the last tenth of the run
    moving     none of the above: still on its way

Everything here is a function of running metrics (`RunMetrics`): values a run keeps as it goes (final and best
loss, first step within tolerance, divergence step, final point and gradient, the point at the start of the
last tenth), so a sweep over 10,000 configurations classifies its cells from O(cells) memory, and the race
from its full trajectories, with the same code. `optimizers` never imports `surfaces`: f* comes as a number
(None where f is unbounded below or unknown).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .base import Array
from .trajectory import Trajectory

OUTCOMES = ("reached", "left", "stalled", "moving", "escaped", "diverged")  # code i ↔ OUTCOMES[i]
REACHED, LEFT, STALLED, MOVING, ESCAPED, DIVERGED = range(len(OUTCOMES))
GRADIENT_TOLERANCE = 1e-6   # |∇f| below this at the last point: a stationary point
MOVEMENT_TOLERANCE = 1e-5   # moved less than this (in x, y units) over the last tenth of the run: settled
RECENT_FRACTION = 0.1       # "recently" means the last tenth of the steps


def recent_window_start(steps: int) -> int:
    """The step at which the last tenth of a run of `steps` steps begins (at least one step back).

    >>> recent_window_start(500), recent_window_start(5), recent_window_start(0)
    (450, 4, 0)
    """
    return max(steps - max(int(steps * RECENT_FRACTION), 1), 0)


@dataclass(frozen=True, eq=False)
class RunMetrics:
    """Running metrics of a batch of runs, each of batch shape B (points (*B, 2)).

    start_loss:   f at the start.
    final_loss:   f at the last point (the last finite one after a divergence).
    best_loss:    the least f along the run.
    reached_at:   first step with f − f* ≤ tolerance, −1 if never (always −1 when f* is None).
    final_reached: whether f − f* ≤ tolerance at the last point.
    diverged_at:  the step the run diverged at, −1 if never.
    final_point:  the last point (*B, 2).
    final_gradient_norm: |∇f| at the last point.
    recent_displacement: distance from the point at `recent_window_start(steps)` to the last point.
    bounded_below: True where f* is known (f cannot fall without bound, so no run "escapes").
    settled_at:   the step from which f − f* ≤ tolerance holds to the end (−1 if not at the end), or None where
                  it is not kept: a run's full trajectory gives it, a sweep's running metrics keep only the first
                  step within (a run may come within tolerance, leave and come back: "reached" at step 490 is
                  not "within from step 490 on").
    """

    start_loss: Array
    final_loss: Array
    best_loss: Array
    reached_at: Array
    final_reached: Array
    diverged_at: Array
    final_point: Array
    final_gradient_norm: Array
    recent_displacement: Array
    bounded_below: bool = False
    settled_at: Array | None = None

    @property
    def outcome(self) -> Array:
        """The outcome code of each member (index into OUTCOMES), from `classify` with the default tolerances."""
        return classify(self)


def classify(metrics: RunMetrics, *, gradient_tolerance: float = GRADIENT_TOLERANCE,
             movement_tolerance: float = MOVEMENT_TOLERANCE) -> Array:
    """The outcome code (index into OUTCOMES) of each member, as an int8 array of the batch's shape.

    >>> one = lambda v: np.array(v, dtype=float)
    >>> m = RunMetrics(start_loss=one([5, 5, 5]), final_loss=one([-1e4, 9e9, 2.0]), best_loss=one([-1e4, 1, 2.0]),
    ...               reached_at=np.array([-1, -1, -1]), final_reached=np.array([False] * 3),
    ...               diverged_at=np.array([40, 7, -1]), final_point=np.zeros((3, 2)),
    ...               final_gradient_norm=one([1, 1, 1e-9]), recent_displacement=one([1, 1, 0]))
    >>> [OUTCOMES[code] for code in classify(m)]
    ['escaped', 'diverged', 'stalled']
    """
    diverged = metrics.diverged_at >= 0
    # Falling when it left: its last finite f is its best so far and below where it started.
    downhill = ((metrics.final_loss <= metrics.best_loss) & (metrics.final_loss < metrics.start_loss)
                & (not metrics.bounded_below))
    at_rest = ((metrics.final_gradient_norm <= gradient_tolerance)
               | (metrics.recent_displacement <= movement_tolerance))
    codes = np.select(
        [diverged & ~downhill, diverged, metrics.final_reached, metrics.reached_at >= 0, at_rest],
        [DIVERGED, ESCAPED, REACHED, LEFT, STALLED], default=MOVING)
    return codes.astype(np.int8)


def trajectory_metrics(trajectory: Trajectory, surface: Any, *, minimum_value: float | None,
                       tolerance: float) -> RunMetrics:
    """The running metrics of a finished `run` (any batch shape), read off its full trajectory.

    `surface` supplies ∇f at the last point (anything with `grad`); f* is `minimum_value` (None: no target).
    """
    losses, points = trajectory.losses, trajectory.points
    steps = trajectory.steps
    if minimum_value is None:
        reached_at = np.full(losses.shape[1:], -1, dtype=np.int64)
        final_reached = np.zeros(losses.shape[1:], dtype=bool)
        settled_at = reached_at
    else:
        within = losses - minimum_value <= tolerance
        reached_at = np.where(within.any(axis=0), np.argmax(within, axis=0), -1)
        final_reached = within[-1]
        # one past the last step outside tolerance, counted from the end (0 outside at all: step 0)
        outside_from_end = np.argmax(~within[::-1], axis=0)
        settled_at = np.where(final_reached, np.where((~within).any(axis=0), len(within) - outside_from_end, 0), -1)
    with np.errstate(all="ignore"):
        gradient = np.asarray(surface.grad(points[-1]), dtype=np.float64)
    gradient_norm = np.linalg.norm(gradient, axis=-1)
    return RunMetrics(
        start_loss=losses[0], final_loss=losses[-1], best_loss=losses.min(axis=0),
        reached_at=reached_at, final_reached=final_reached, diverged_at=np.asarray(trajectory.diverged_at),
        final_point=points[-1],
        final_gradient_norm=np.where(np.isfinite(gradient_norm), gradient_norm, np.inf),
        recent_displacement=np.linalg.norm(points[-1] - points[recent_window_start(steps)], axis=-1),
        bounded_below=minimum_value is not None, settled_at=settled_at)


def describe(code: int, metrics: RunMetrics, index: tuple = (), *, tolerance: float) -> str:
    """One member's outcome in words, with its numbers: the label the race's table and notices show."""
    outcome = OUTCOMES[int(code)]
    final_loss = float(metrics.final_loss[index])
    x, y = (float(v) for v in metrics.final_point[index])
    diverged_at = int(metrics.diverged_at[index])
    reached_at = int(metrics.reached_at[index])
    if outcome == "diverged":
        return f"✖ blew up at step {diverged_at}, last seen at ({x:.3g}, {y:.3g})"
    if outcome == "escaped":
        return f"↘ escaped downhill at step {diverged_at} (f → −∞), f = {final_loss:.3g} when it left"
    if outcome == "reached":
        if metrics.settled_at is None:  # a sweep's cell: only the first step within is kept
            return f"✔ within {tolerance:g} of f* at the end (first at step {reached_at})"
        settled_at = int(metrics.settled_at[index])
        if settled_at == reached_at:
            return f"✔ within {tolerance:g} of f* from step {reached_at}, and stayed"
        return f"✔ within {tolerance:g} of f* from step {settled_at} on (first at step {reached_at}, then out again)"
    if outcome == "left":
        return f"↺ within {tolerance:g} of f* at step {reached_at}, then left (f = {final_loss:.3g} at the end)"
    if outcome == "stalled":
        return f"■ stalled at a stationary point ({x:.3g}, {y:.3g}), f = {final_loss:.4g}"
    return "… still moving"
