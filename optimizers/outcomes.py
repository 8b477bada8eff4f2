"""What happened to a run: one classification for the race's table, its notices and the sweep's maps.

A run ends in exactly one of eight outcomes, decided in this order (docs/OUTCOMES.md states them for users):

    diverged     it left the bound |x|, |y| ≤ B, or met a non-finite value, while f was not falling — it blew up
    escaped      it left the bound while f was at its lowest so far and below its start, on a surface PROVEN
                 unbounded below (`bounded_below is False`, e.g. the saddle): it went downhill for good (f → −∞)
    departed     the same departure on a surface not proven unbounded below and with no known f*: it left the
                 window downhill, and whether f falls without bound that way is not known (1/(1+x²+y²) is > 0)
    reached      f − f* ≤ tolerance at the last step (and so at some step before)
    left         f − f* ≤ tolerance at some step, but not at the last: it reached the minimum's level, then left
    stalled      it rests at a stationary point: |∇f| at the last point ≤ the surface's stationary tolerance,
                 STATIONARY_FRACTION of the median |∇f| over its window (`stationary_tolerance`), and it moved
                 at most REST_FRACTION of the window's diagonal over the last tenth (`rest_tolerance`): a run still
                 creeping toward a minimum along a flat valley is "moving", not stalled
    oscillating  over the last tenth of the run it travelled at least OSCILLATION_RATIO times the diagonal of the
                 box its points stayed in: it goes back and forth (a 3-cycle, a zigzag) instead of settling
    moving       none of the above: still on its way

Where f* is known and f is proven bounded below (a minimum the surface attains), a departure while falling is a
blow-up: f cannot fall past f*, so a run that leaps out from its best point so far (Adam with β2 = 0 does)
"diverged".

Everything here is a function of running metrics (`RunMetrics`): values a run keeps as it goes (final and best
loss, first and settling steps within tolerance, divergence step, final point and gradient, the path length and
bounding box of the last tenth), so a sweep over 10,000 configurations classifies its cells from O(cells) memory,
and the race from its full trajectories, with the same code. `optimizers` never imports `surfaces`: f* comes as a
number (None where unknown), boundedness as True / False / None (proven bounded, proven unbounded, not known).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .base import Array
from .trajectory import Trajectory

OUTCOMES = ("reached", "left", "stalled", "oscillating", "moving", "escaped", "departed", "diverged")
REACHED, LEFT, STALLED, OSCILLATING, MOVING, ESCAPED, DEPARTED, DIVERGED = range(len(OUTCOMES))
GRADIENT_TOLERANCE = 1e-6     # the stationary tolerance of a surface-like object without a window
STATIONARY_FRACTION = 1e-4    # |∇f| ≤ this × the median |∇f| over the window: a stationary point
STATIONARY_GRID = 33          # the median is taken over a 33 × 33 grid of the window
OSCILLATION_RATIO = 5.0       # path length ≥ this × the box it stayed in, over the last tenth: oscillating
REST_FRACTION = 1e-3          # moved at most this × the window's diagonal over the last tenth: at rest
MOVEMENT_TOLERANCE = 1e-5     # the rest tolerance of a surface-like object without a window
RECENT_FRACTION = 0.1         # "recently" means the last tenth of the steps


def recent_window_start(steps: int) -> int:
    """The step at which the last tenth of a run of `steps` steps begins (at least one step back).

    >>> recent_window_start(500), recent_window_start(5), recent_window_start(0)
    (450, 4, 0)
    """
    return max(steps - max(int(steps * RECENT_FRACTION), 1), 0)


def stationary_tolerance(surface: Any) -> float:
    """|∇f| at or below which a point of `surface` counts as stationary: STATIONARY_FRACTION × the median |∇f|
    over a STATIONARY_GRID² grid of its window (`surface.domain`), so "stationary" means the same on Rosenbrock
    (gradients in the hundreds) as on a gentle bowl. A surface-like object without a window: GRADIENT_TOLERANCE.

    >>> class Bowl:
    ...     grad = staticmethod(lambda xy: 2 * xy)
    ...     domain = ((-1.0, 1.0), (-1.0, 1.0))
    >>> round(stationary_tolerance(Bowl()) / STATIONARY_FRACTION, 3)   # median of 2·|(x, y)| over the grid
    1.63
    """
    domain = getattr(surface, "domain", None)
    if domain is None:
        return GRADIENT_TOLERANCE
    (x0, x1), (y0, y1) = domain
    x, y = np.meshgrid(np.linspace(x0, x1, STATIONARY_GRID), np.linspace(y0, y1, STATIONARY_GRID))
    with np.errstate(all="ignore"):
        norms = np.linalg.norm(np.asarray(surface.grad(np.stack([x, y], axis=-1)), dtype=np.float64), axis=-1)
    finite = norms[np.isfinite(norms)]
    return STATIONARY_FRACTION * float(np.median(finite)) if finite.size else GRADIENT_TOLERANCE


def rest_tolerance(surface: Any) -> float:
    """How little a run may move over its last tenth and count as at rest: REST_FRACTION of the diagonal of the
    surface's window (MOVEMENT_TOLERANCE without one).

    >>> class Square:
    ...     domain = ((0.0, 3.0), (0.0, 4.0))
    >>> rest_tolerance(Square())
    0.005
    """
    domain = getattr(surface, "domain", None)
    if domain is None:
        return MOVEMENT_TOLERANCE
    (x0, x1), (y0, y1) = domain
    return REST_FRACTION * float(np.hypot(x1 - x0, y1 - y0))


def surface_bounded_below(surface: Any, minimum_value: float | None) -> bool | None:
    """What is proven about f's lower bound: the surface's `bounded_below` (True, False or None: not known);
    an object without one is bounded where f* is known and not known otherwise."""
    if hasattr(surface, "bounded_below"):
        return surface.bounded_below
    return True if minimum_value is not None else None


def unbounded_step(optimizer: str, beta1: Any, beta2: Any) -> Array:
    """Where the optimizer's step has no bound over t (its exact bound grows without limit), elementwise.

    AdaMax: β1 ≥ β2 (its bound sums (β1/β2)^k; optimizers/adamax.py `adamax_step_bound`); Adam: β1² ≥ β2
    (`adam_step_bound`); neither when β1 = 0 (every step is then exactly lr). There a step can be hundreds of lr,
    and a run's fate can change with the last digit of its start: a map marks such cells rather than present
    their colour as a reproducible fact. Other optimizers: nowhere (False).

    >>> unbounded_step("adamax", 0.9, np.array([0.0, 0.8, 0.9, 0.999])).tolist()
    [True, True, True, False]
    """
    beta1, beta2 = np.asarray(beta1, dtype=np.float64), np.asarray(beta2, dtype=np.float64)
    if optimizer == "adamax":
        return np.broadcast_to((beta1 >= beta2) & (beta1 > 0), np.broadcast_shapes(beta1.shape, beta2.shape))
    if optimizer == "adam":
        return np.broadcast_to((beta1 * beta1 >= beta2) & (beta1 > 0), np.broadcast_shapes(beta1.shape, beta2.shape))
    return np.zeros(np.broadcast_shapes(beta1.shape, beta2.shape), dtype=bool)


@dataclass(frozen=True, eq=False)
class RunMetrics:
    """Running metrics of a batch of runs, each of batch shape B (points (*B, 2)).

    start_loss:   f at the start.
    final_loss:   f at the last point (the last finite one after a divergence).
    best_loss:    the least f along the run.
    reached_at:   first step with f − f* ≤ tolerance, −1 if never (always −1 when f* is None).
    final_reached: whether f − f* ≤ tolerance at the last point.
    settled_at:   the step from which f − f* ≤ tolerance holds to the end, −1 if not within at the end; a run
                  may come within tolerance, leave and come back: then settled_at > reached_at.
    diverged_at:  the step the run diverged at, −1 if never.
    final_point:  the last point (*B, 2).
    final_gradient_norm: |∇f| at the last point (inf where not finite).
    recent_displacement: distance from the point at `recent_window_start(steps)` to the last point.
    recent_path_length: the length of the path over that last tenth (the sum of its steps' lengths).
    recent_extent: the diagonal of the bounding box of the last tenth's points.
    recent_steps: how many steps the last tenth holds.
    gradient_tolerance: the surface's stationary tolerance (`stationary_tolerance`).
    movement_tolerance: how little a run at rest moves over its last tenth (`rest_tolerance`).
    has_minimum:  f* is known (a minimum the surface attains).
    bounded_below: True proven bounded below, False proven unbounded below, None not known.
    """

    start_loss: Array
    final_loss: Array
    best_loss: Array
    reached_at: Array
    final_reached: Array
    settled_at: Array
    diverged_at: Array
    final_point: Array
    final_gradient_norm: Array
    recent_displacement: Array
    recent_path_length: Array
    recent_extent: Array
    recent_steps: int = 1
    gradient_tolerance: float = GRADIENT_TOLERANCE
    movement_tolerance: float = MOVEMENT_TOLERANCE
    has_minimum: bool = False
    bounded_below: bool | None = None

    @property
    def outcome(self) -> Array:
        """The outcome code of each member (index into OUTCOMES), from `classify`."""
        return classify(self)


# one value for the whole batch, not an array per member
SCALAR_FIELDS = ("recent_steps", "gradient_tolerance", "movement_tolerance", "has_minimum", "bounded_below")


def classify(metrics: RunMetrics) -> Array:
    """The outcome code (index into OUTCOMES) of each member, as an int8 array of the batch's shape.

    >>> one = lambda v: np.array(v, dtype=float)
    >>> m = RunMetrics(start_loss=one([5, 5, 5, 5]), final_loss=one([-1e4, 9e9, 2.0, 2.0]),
    ...               best_loss=one([-1e4, 1, 2.0, 1.0]), reached_at=np.array([-1] * 4),
    ...               final_reached=np.array([False] * 4), settled_at=np.array([-1] * 4),
    ...               diverged_at=np.array([40, 7, -1, -1]), final_point=np.zeros((4, 2)),
    ...               final_gradient_norm=one([1, 1, 1e-9, 1.6]), recent_displacement=one([1, 1, 0, 0]),
    ...               recent_path_length=one([1, 1, 0, 2.5]), recent_extent=one([1, 1, 0, 0.1]),
    ...               bounded_below=False)
    >>> [OUTCOMES[code] for code in classify(m)]
    ['escaped', 'diverged', 'stalled', 'oscillating']
    """
    diverged = metrics.diverged_at >= 0
    # Falling when it left: its last finite f is its best so far and below where it started.
    # A known f* bounds f only where boundedness is proven too (a formula's f* is the lowest value on its window).
    downhill = ((metrics.final_loss <= metrics.best_loss) & (metrics.final_loss < metrics.start_loss)
                & (not (metrics.has_minimum and metrics.bounded_below is True)))
    stationary = ((metrics.final_gradient_norm <= metrics.gradient_tolerance)
                  & (metrics.recent_displacement <= metrics.movement_tolerance))
    oscillating = ((metrics.recent_path_length > 0)
                   & (metrics.recent_path_length >= OSCILLATION_RATIO * metrics.recent_extent))
    away = ESCAPED if metrics.bounded_below is False else DEPARTED
    codes = np.select(
        [diverged & ~downhill, diverged, metrics.final_reached, metrics.reached_at >= 0, stationary, oscillating],
        [DIVERGED, away, REACHED, LEFT, STALLED, OSCILLATING], default=MOVING)
    return codes.astype(np.int8)


def trajectory_metrics(trajectory: Trajectory, surface: Any, *, minimum_value: float | None,
                       tolerance: float) -> RunMetrics:
    """The running metrics of a finished `run` (any batch shape), read off its full trajectory.

    `surface` supplies ∇f at the last point (anything with `grad`), its window for the stationary tolerance and
    what is proven of its lower bound; f* is `minimum_value` (None: no target).
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
    recent = points[recent_window_start(steps):]
    step_lengths = np.hypot(*np.moveaxis(np.diff(recent, axis=0), -1, 0))
    # summed in step order, as a sweep does as it goes: the two agree to the bit
    path_length = np.add.accumulate(step_lengths, axis=0)[-1] if len(step_lengths) else np.zeros(recent.shape[1:-1])
    return RunMetrics(
        start_loss=losses[0], final_loss=losses[-1], best_loss=losses.min(axis=0),
        reached_at=reached_at, final_reached=final_reached, settled_at=settled_at,
        diverged_at=np.asarray(trajectory.diverged_at), final_point=points[-1],
        final_gradient_norm=np.where(np.isfinite(gradient_norm), gradient_norm, np.inf),
        recent_displacement=np.linalg.norm(points[-1] - recent[0], axis=-1),
        recent_path_length=path_length,
        recent_extent=np.linalg.norm(recent.max(axis=0) - recent.min(axis=0), axis=-1),
        recent_steps=len(recent) - 1, gradient_tolerance=stationary_tolerance(surface),
        movement_tolerance=rest_tolerance(surface),
        has_minimum=minimum_value is not None, bounded_below=surface_bounded_below(surface, minimum_value))


def describe(code: int, metrics: RunMetrics, index: tuple = (), *, tolerance: float) -> str:
    """One member's outcome in words, with its numbers: the label the race's table and notices show.

    Every clause is a fact of the metrics it is given (tests/optimizers/test_outcomes.py recomputes each from the run).
    """
    outcome = OUTCOMES[int(code)]
    final_loss = float(metrics.final_loss[index])
    x, y = (float(v) for v in metrics.final_point[index])
    diverged_at = int(metrics.diverged_at[index])
    reached_at = int(metrics.reached_at[index])
    gradient = float(metrics.final_gradient_norm[index])
    if outcome == "diverged":
        return f"✖ blew up at step {diverged_at}, last seen at ({x:.3g}, {y:.3g})"
    if outcome == "escaped":
        return f"↘ escaped downhill at step {diverged_at} (f → −∞), f = {final_loss:.3g} when it left"
    if outcome == "departed":
        return (f"⇱ left the window for good at step {diverged_at}, f = {final_loss:.3g} (its lowest so far) when "
                "it went")
    if outcome == "reached":
        settled_at = int(metrics.settled_at[index])
        if settled_at == reached_at:
            return f"✔ within {tolerance:g} of f* from step {reached_at}, and stayed"
        return f"✔ within {tolerance:g} of f* from step {settled_at} on (first at step {reached_at}, then out again)"
    if outcome == "left":
        return f"↺ within {tolerance:g} of f* at step {reached_at}, then left (f = {final_loss:.3g} at the end)"
    if outcome == "stalled":
        return f"■ stalled at a stationary point ({x:.3g}, {y:.3g}), f = {final_loss:.4g}, |∇f| = {gradient:.2g}"
    steps = metrics.recent_steps
    path = float(metrics.recent_path_length[index])
    if outcome == "oscillating":
        extent = float(metrics.recent_extent[index])
        return (f"↻ oscillating: {path:.3g} travelled in the last {steps} steps within a box {extent:.3g} across, "
                f"ending at ({x:.3g}, {y:.3g}), |∇f| = {gradient:.2g} there")
    return f"… still moving: {path:.3g} travelled in the last {steps} steps, |∇f| = {gradient:.2g} at the end"
