"""`sweep`: `run` for a whole grid of configurations, keeping running metrics instead of paths.

A sweep takes exactly `run`'s arguments — hyperparameters and starts broadcast into one batch, e.g. lr of
shape (64, 1, 1) and β2 of shape (1, 64, 1) give a 64×64 grid — and returns, per member, the running metrics
of optimizers/outcomes.py (`RunMetrics`) and the outcome each one classifies to. Nothing of size
cells × steps is kept, so memory is O(cells): a 128×128 grid × 5,000 steps needs a few megabytes.

A member of the sweep is the very run `run` would make of that configuration alone: the same kernels, the same
divergence rule (|x| or |y| > bound, or a non-finite f or ∇f: it stops at its last finite point), the same
arithmetic. The metrics are folded in every LOSS_BLOCK steps, from a buffer of the block's losses (one copy a
step, not four ufunc calls: the per-call overhead, not the arithmetic, is what a 4,096-cell step pays for):

    best         = min(best, min over the block of f_t)          the least f so far
    reached_at   = the first step with f_t − f* ≤ tolerance      looked up in the block only for the cells whose
                                                                 best − f* first fell within tolerance in it
                                                                 (x ↦ x − f* is monotone in floating point too,
                                                                 so best − f* ≤ tol iff some f_t − f* ≤ tol)
    recent point = θ at step recent_window_start(T)              for the displacement over the last tenth

A large batch (≥ SPLIT_MIN_CELLS cells and ≥ SPLIT_MIN_CELL_STEPS cell-steps) is cut in two along its longest
axis, and one slab runs in a helper process (optimizers/_helper.py) while the caller runs the other: the step
loop is single-threaded NumPy, and threads measured slower than one (each ufunc call hands the GIL over). The
helper's share follows its measured speed (half on a quiet machine, less or nothing when its core is busy), and
a sweep never waits for another session's: with the helper busy it runs whole in its caller, as before. Cells
are independent and every operation is elementwise, so the result is bit for bit the one-process one
(tests/optimizers/test_sweep_helper.py).

>>> import numpy as np
>>> from optimizers import AdaMax
>>> class Bowl:
...     f = staticmethod(lambda xy: (xy ** 2).sum(-1))
...     grad = staticmethod(lambda xy: 2 * xy)
...     minimum_value = 0.0
>>> result = sweep(AdaMax(lr=np.array([[0.01], [0.1], [1.0]])), Bowl(), [1.0, -2.0], 200)
>>> result.outcome_names.tolist()
['moving', 'reached', 'reached']
>>> result.reached_at.tolist(), result.final_point.shape
([-1, 87, 52], (3, 2))
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import EllipsisType
from typing import Any

import numpy as np

from ._heap import keep_heap_warm
from ._helper import HELPER, NICENESS, STEP_OVERHEAD_CELLS
from .base import Array, Hyperparameter, Optimizer
from .noise import GradientNoise
from .outcomes import (
    OUTCOMES,
    SCALAR_FIELDS,
    RunMetrics,
    classify,
    recent_window_start,
    rest_tolerance,
    stationary_tolerance,
    surface_bounded_below,
)
from .trajectory import (
    DEFAULT_BOUND,
    MAX_BATCH,
    SurfaceLike,
    all_healthy,
    check_steps,
    evaluate,
    expand_hyperparameters,
    healthy_mask,
    initial_params,
    points_shape,
)

MAX_SWEEP_POINT_STEPS = 500_000_000   # cells × steps: about a minute of work on one core, never unbounded
NUMERIC_SCALES = ("log", "one_minus_log", "linear")
LOSS_BLOCK = 32                       # steps whose losses are buffered between two folds into the metrics …
LOSS_BLOCK_VALUES = 1 << 19           # … at most this many values (4 MB) in all: a huge batch folds more often
SPLIT_MIN_CELLS = 2048                # a batch of at least this many cells …
SPLIT_MIN_CELL_STEPS = 1_000_000      # … and this much work (≈ 10 ms) is split in two, a share to the helper process
OFFLOAD_CELL_STEPS = 1_000_000        # with offload_heavy_sweeps on, a sweep with more work (steps × (cells + a
                                      # step's fixed cost), ≈ 12 ms of a core) runs whole in the helper process
LOG_AXIS_DECADES = 8                  # a log axis whose range starts at 0 (ε) starts this many decades below its top
AXIS_ROUNDING = 0.1                   # a readable axis's value lies within this fraction of a cell of its exact place


@dataclass(frozen=True, eq=False)
class SweepResult:
    """What `sweep` returns, every array of the batch shape B (points (*B, 2)).

    metrics:  the running metrics (optimizers.outcomes.RunMetrics) of every member.
    outcome:  int8 codes into optimizers.OUTCOMES, from `classify(metrics)`: the race's classification.
    steps, tolerance, minimum_value: what the sweep was run with (minimum_value None: f* unknown or −∞).
    """

    metrics: RunMetrics
    outcome: Array
    steps: int
    tolerance: float
    minimum_value: float | None

    @property
    def final_loss(self) -> Array:
        return self.metrics.final_loss

    @property
    def best_loss(self) -> Array:
        return self.metrics.best_loss

    @property
    def reached_at(self) -> Array:
        """First step with f − f* ≤ tolerance, −1 if never (always −1 when f* is unknown)."""
        return self.metrics.reached_at

    @property
    def diverged_at(self) -> Array:
        return self.metrics.diverged_at

    @property
    def final_point(self) -> Array:
        return self.metrics.final_point

    @property
    def outcome_names(self) -> Array:
        """The outcomes as strings ("reached", "diverged", …), same shape as `outcome`."""
        return np.asarray(OUTCOMES)[self.outcome]


def sweep(optimizer: Optimizer, surface: SurfaceLike, start: Any, steps: int, *, tolerance: float = 1e-4,
          bound: float = DEFAULT_BOUND, minimum_value: float | EllipsisType | None = ...,
          noise: GradientNoise | None = None) -> SweepResult:
    """Run every configuration of a broadcast batch for `steps` steps, keeping running metrics only.

    Arguments as `run`'s: start (..., 2) and array hyperparameters broadcast into the batch. f* is
    `minimum_value`, by default the surface's own `minimum_value` attribute (None where it has none: then no
    member "reaches"). A member reaches at the first step with f − f* ≤ tolerance. With `noise`, step t uses
    noise.perturb(∇f, t), the same draw for every cell (common random numbers), as `run` does; the metrics
    read the true f.

    Limits (ValueError beyond): 0 ≤ steps ≤ MAX_STEPS; batch ≤ MAX_BATCH; steps × batch ≤ MAX_SWEEP_POINT_STEPS.

    Side effects: as `run`'s on the allocator (optimizers/_heap.py); a large sweep starts the helper process
    (optimizers/_helper.py; ADAMAX_LAB_SWEEP_HELPER=0 never starts it).
    """
    plan = _plan(optimizer, surface, start, steps, tolerance=tolerance, bound=bound, minimum_value=minimum_value,
                 noise=noise)
    if _heavy(plan) and (metrics := _in_helper(plan)) is not None:
        return plan.result(metrics)
    pending, axis, pieces = None, 0, []
    if plan.batch >= SPLIT_MIN_CELLS and plan.batch * plan.steps >= SPLIT_MIN_CELL_STEPS:
        axis, pieces = _split(optimizer, plan.params, HELPER.share(plan.batch))
        if len(pieces) == 2:
            pending = HELPER.submit((pieces[1][0], surface, pieces[1][1], *plan.arguments))
    if pending is None:  # no helper for this sweep (small, helper busy or unavailable): all of it here, at once
        return plan.result(_sweep_piece(optimizer, surface, plan.params, *plan.arguments))
    (my_optimizer, my_params), (their_optimizer, their_params) = pieces
    started, my_cpu = time.perf_counter(), time.thread_time()
    try:
        mine = _sweep_piece(my_optimizer, surface, my_params, *plan.arguments)
    except BaseException:
        pending.abandon()
        raise
    my_seconds, my_cpu = time.perf_counter() - started, time.thread_time() - my_cpu
    theirs = pending.result()
    if theirs is None:  # the helper could not do it (an object it cannot import, or it died)
        theirs = _sweep_piece(their_optimizer, surface, their_params, *plan.arguments)
    else:
        HELPER.observe(my_params.size // 2, my_seconds, their_params.size // 2, pending.seconds,
                       cpu_seconds=my_cpu + pending.cpu_seconds, wall_seconds=time.perf_counter() - started)
    return plan.result(_concatenate([mine, theirs], axis))


def sweeps(calls: Sequence[Mapping[str, Any]]) -> list[SweepResult]:
    """Several sweeps at once, each mapping holding `sweep`'s arguments by name: [sweep(**call) for call in calls].

    Two large sweeps of the same number of steps (a page's two maps) run side by side, one whole in the helper
    process and the other here: each keeps its whole batch, so neither pays a step's fixed cost twice, as a
    split does (two 64 × 64 maps split took ≈ 1.5× the CPU time of the two run whole). Otherwise, one by one.
    Every argument is checked before anything runs. Bit for bit the results of `sweep`.

    >>> from optimizers import SGD
    >>> class Bowl:
    ...     f = staticmethod(lambda xy: (xy ** 2).sum(-1))
    ...     grad = staticmethod(lambda xy: 2 * xy)
    >>> [r.final_loss.round(3).tolist() for r in sweeps([dict(optimizer=SGD(lr=0.1), surface=Bowl(), start=[1.0, 0],
    ...                                                        steps=n) for n in (1, 2)])]
    [0.64, 0.41]
    """
    plans = [_plan(**call) for call in calls]
    if any(_heavy(plan) for plan in plans):
        return _offloaded(plans)
    large = [plan.batch >= SPLIT_MIN_CELLS and plan.batch * plan.steps >= SPLIT_MIN_CELL_STEPS for plan in plans]
    pending = None
    # Not while splits pause (the helper found no idle core of late): the caller would wait for a whole sweep
    # computed on a core it shares with other work.
    if len(plans) == 2 and all(large) and plans[0].steps == plans[1].steps and HELPER.share(plans[1].batch) > 0:
        theirs_plan = plans[1]
        pending = HELPER.submit((theirs_plan.optimizer, theirs_plan.surface, theirs_plan.params,
                                 *theirs_plan.arguments))
    if pending is None:
        return [sweep(**call) for call in calls]
    mine_plan = plans[0]
    started, my_cpu = time.perf_counter(), time.thread_time()
    try:
        mine = _sweep_piece(mine_plan.optimizer, mine_plan.surface, mine_plan.params, *mine_plan.arguments)
    except BaseException:
        pending.abandon()
        raise
    my_seconds, my_cpu = time.perf_counter() - started, time.thread_time() - my_cpu
    theirs = pending.result()
    if theirs is None:
        theirs = _sweep_piece(theirs_plan.optimizer, theirs_plan.surface, theirs_plan.params, *theirs_plan.arguments)
    else:
        HELPER.observe(mine_plan.batch, my_seconds, theirs_plan.batch, pending.seconds,
                       cpu_seconds=my_cpu + pending.cpu_seconds, wall_seconds=time.perf_counter() - started)
    return [mine_plan.result(mine), theirs_plan.result(theirs)]


_offload = False


def offload_heavy_sweeps(on: bool = True) -> None:
    """Whether a sweep over OFFLOAD_CELL_STEPS runs whole in the helper process instead of in its caller.

    For a server shared by many sessions (the page switches it on): its interpreter then spends at most ≈ 12 ms
    of a core on any one sweep, and waits for the rest without holding the GIL, while the helper runs every
    session's heavy sweeps in turns (optimizers/_helper.py), at a lower priority than the server's processes.
    Off (the default, for a script or a notebook), a large sweep is split between the caller and the helper,
    which finishes sooner on an idle machine. Where there is no helper (switched off, or one core) a sweep runs in
    its caller; while a helper restarts after it died, a heavy sweep waits for it. The result is the same either
    way, bit for bit."""
    global _offload
    _offload = bool(on)
    HELPER.niceness = NICENESS if _offload else 0   # from the helper's next start (the page's first sweep)


def _heavy(plan: _Plan) -> bool:
    return _offload and plan.steps * (plan.batch + STEP_OVERHEAD_CELLS) > OFFLOAD_CELL_STEPS


def _request(plan: _Plan) -> tuple:
    return (plan.optimizer, plan.surface, plan.params, *plan.arguments)


def _in_helper(plan: _Plan) -> RunMetrics | None:
    """A whole sweep computed in the helper (waiting its turn there), or None if the helper could not."""
    pending = HELPER.submit(_request(plan), queue=True)
    return pending.result() if pending is not None else None


def _offloaded(plans: list[_Plan]) -> list[SweepResult]:
    """Several sweeps with the heavy ones sent to the helper first, the light ones computed here meanwhile."""
    pendings = [HELPER.submit(_request(plan), queue=True) if _heavy(plan) else None for plan in plans]
    metrics: list[RunMetrics | None] = [None] * len(plans)
    try:
        for index, (plan, pending) in enumerate(zip(plans, pendings, strict=True)):
            if pending is None:
                metrics[index] = _sweep_piece(*_request(plan))
        for index, (plan, pending) in enumerate(zip(plans, pendings, strict=True)):
            if pending is not None:
                metrics[index] = pending.result()
                if metrics[index] is None:   # the helper could not (it died, or cannot import something)
                    metrics[index] = _sweep_piece(*_request(plan))
    except BaseException:
        for pending in pendings:
            if pending is not None:
                pending.abandon()
        raise
    return [plan.result(result) for plan, result in zip(plans, metrics, strict=True)]


@dataclass(frozen=True, eq=False)
class _Plan:
    """One sweep's checked arguments: its optimizer as given, its params (*B, 2), and the loop's arguments."""

    optimizer: Optimizer
    surface: SurfaceLike
    params: Array
    batch: int
    steps: int
    tolerance: float
    minimum_value: float | None
    arguments: tuple

    def result(self, metrics: RunMetrics) -> SweepResult:
        return SweepResult(metrics, classify(metrics), self.steps, self.tolerance, self.minimum_value)


def _plan(optimizer: Optimizer, surface: SurfaceLike, start: Any, steps: int, *, tolerance: float = 1e-4,
          bound: float = DEFAULT_BOUND, minimum_value: float | EllipsisType | None = ...,
          noise: GradientNoise | None = None) -> _Plan:
    """`sweep`'s arguments checked (ValueError naming the bad one) and the batch laid out."""
    steps = check_steps(steps)
    start, shape = points_shape(optimizer, start)
    batch = int(np.prod(shape[:-1]))
    if batch > MAX_BATCH:
        raise ValueError(f"batch size must be at most {MAX_BATCH:,}, got {batch:,}")
    if steps * batch > MAX_SWEEP_POINT_STEPS:
        raise ValueError(f"steps × batch must be at most {MAX_SWEEP_POINT_STEPS:,} in one sweep, "
                         f"got {steps:,} × {batch:,}")
    if not (bound > 0):
        raise ValueError(f"bound must be > 0, got {bound!r}")
    if not (np.isfinite(tolerance) and tolerance >= 0):
        raise ValueError(f"tolerance must be ≥ 0 and finite, got {tolerance!r}")
    if minimum_value is ...:
        minimum_value = getattr(surface, "minimum_value", None)
    if minimum_value is not None:
        if not np.isfinite(minimum_value):
            raise ValueError(f"minimum_value must be finite or None, got {minimum_value!r}")
        minimum_value = float(minimum_value)
    params = initial_params(start, shape)
    arguments = (steps, float(tolerance), float(bound), minimum_value, noise, stationary_tolerance(surface),
                 surface_bounded_below(surface, minimum_value))
    return _Plan(optimizer, surface, params, batch, steps, float(tolerance), minimum_value, arguments)


def _sweep_piece(optimizer: Optimizer, surface: SurfaceLike, params: Array, steps: int, tolerance: float,
                 bound: float, minimum_value: float | None, noise: GradientNoise | None,
                 gradient_tolerance: float, bounded_below: bool | None) -> RunMetrics:
    """The metrics of one batch (a whole sweep, or a piece of one): its optimizer as given."""
    return _finish(_sweep_piece_steps(optimizer, surface, params, steps, tolerance, bound, minimum_value, noise,
                                      gradient_tolerance, bounded_below))


def _sweep_piece_steps(optimizer: Optimizer, surface: SurfaceLike, params: Array, steps: int, tolerance: float,
                       bound: float, minimum_value: float | None, noise: GradientNoise | None,
                       gradient_tolerance: float, bounded_below: bool | None) -> Generator[None, None, RunMetrics]:
    """`_sweep_piece` one step at a time (what the helper process runs)."""
    return _sweep_steps(expand_hyperparameters(optimizer, params.shape), surface, params, steps, tolerance, bound,
                        minimum_value, noise, gradient_tolerance, bounded_below)


def _split(optimizer: Optimizer, params: Array, share: float) -> tuple[int, list[tuple[Optimizer, Array]]]:
    """The batch cut in two along its longest axis, the second slab `share` of it: (axis, [(optimizer, params)]).

    Each slab is a batch of its own: its params a C-contiguous copy of its cells, its optimizer the array
    hyperparameters as given (compact, so `Optimizer.per_configuration` still evaluates per configuration)
    sliced along the same axis where they vary along it, kept whole where they are broadcast along it.
    Cells are independent and every operation of the loop is elementwise, so a slab's cells are, bit for bit,
    what they are in the whole batch. A share that rounds to no row (or to all): one slab, the batch itself.
    """
    batch_shape = params.shape[:-1]
    if not batch_shape:
        return 0, [(optimizer, params)]
    axis = int(np.argmax(batch_shape))
    length = batch_shape[axis]
    cut_at = length - round(share * length)
    if not 0 < cut_at < length:
        return 0, [(optimizer, params)]
    compact = {name: np.asarray(value).reshape((1,) * (len(params.shape) - np.ndim(value)) + np.shape(value))
               for name, value in optimizer.hyperparameters().items() if np.ndim(value)}
    slabs = []
    for rows in (slice(0, cut_at), slice(cut_at, length)):
        cut = (slice(None),) * axis + (rows,)
        sliced = {name: value[cut] if value.shape[axis] > 1 else value for name, value in compact.items()}
        slab_optimizer = dataclasses.replace(optimizer, **sliced) if sliced else optimizer
        slabs.append((slab_optimizer, np.array(params[cut], order="C")))
    return axis, slabs


def _concatenate(pieces: list[RunMetrics], axis: int) -> RunMetrics:
    """The slabs' metrics joined back along `axis` into the whole batch's (the one slab itself when alone)."""
    if len(pieces) == 1:
        return pieces[0]
    joined = {field.name: np.concatenate([getattr(piece, field.name) for piece in pieces], axis=axis)
              for field in dataclasses.fields(RunMetrics) if field.name not in SCALAR_FIELDS}
    return RunMetrics(**joined, **{name: getattr(pieces[0], name) for name in SCALAR_FIELDS})


def _sweep_loop(*arguments: Any) -> RunMetrics:
    """`_sweep_steps` run to its end: the metrics."""
    return _finish(_sweep_steps(*arguments))


def _finish(steps: Iterator[None]) -> Any:
    """The return value of a generator, run to its end."""
    while True:
        try:
            next(steps)
        except StopIteration as finished:
            return finished.value


def _sweep_steps(optimizer: Optimizer, surface: SurfaceLike, params: Array, steps: int, tolerance: float,
                 bound: float, minimum_value: float | None, noise: GradientNoise | None, gradient_tolerance: float,
                 bounded_below: bool | None) -> Generator[None, None, RunMetrics]:
    """`run`'s loop (optimizers/trajectory.py) with two point buffers instead of a path, and the metrics kept.

    A generator that pauses after every step and returns the metrics: the helper process runs several sessions'
    sweeps in turns of bounded time (optimizers/_helper.py), each resumed exactly where it paused."""
    keep_heap_warm()
    batch_shape = params.shape[:-1]
    recent_at = recent_window_start(steps)
    diverged_at = np.full(batch_shape, -1, dtype=np.int64)
    reached_at = np.full(batch_shape, -1, dtype=np.int64)
    last_outside = np.full(batch_shape, -1, dtype=np.int64)  # the last step with f − f* > tolerance
    cells = int(np.prod(batch_shape))
    rows = max(1, min(LOSS_BLOCK, steps, LOSS_BLOCK_VALUES // max(cells, 1)))
    block = np.empty((rows, *batch_shape))  # f at the steps since the last fold
    outside_block = np.empty(block.shape, dtype=bool)

    with np.errstate(all="ignore"):  # overflow is expected in diverging runs; it is detected, not warned
        state = optimizer.init(params)
        spare = type(state)(0, *(np.empty_like(params) for _ in state[1:]))
        state = type(state)(0, *(np.broadcast_to(a, params.shape).copy() for a in state[1:]))
        scratch = np.empty_like(params)
        noisy = np.empty_like(params) if noise is not None else None
        previous, current = params, np.empty_like(params)
        loss, grad = evaluate(surface, params)
        healthy = healthy_mask(params, loss, grad, bound)
        diverged_at[~healthy] = 0
        loss = np.where(healthy, loss, 0.0)     # as in run: an invalid start shows f = 0 and ∇f = 0, never NaN
        grad = np.where(healthy[..., None], grad, 0.0)
        start_loss = loss
        best = loss.copy()
        if minimum_value is not None:
            reached_at[best - minimum_value <= tolerance] = 0
            last_outside[best - minimum_value > tolerance] = 0
        # The mask has the points' full shape: copyto with a (*B, 1) mask broadcast over (*B, 2) ran 45× slower
        # (184 µs against 4 µs for 16,384 cells), a third of the whole step once any cell had diverged.
        dead = np.repeat(~healthy[..., None], 2, axis=-1)
        any_dead = bool(dead.any())
        recent_point = params.copy() if recent_at == 0 else None
        recent_low, recent_high = (params.copy(), params.copy()) if recent_at == 0 else (None, None)
        recent_path = np.zeros(batch_shape)
        step_length = np.empty(batch_shape)

        def fold(rows: int, first_step: int) -> None:
            """Fold the block's first `rows` losses (steps first_step, first_step + 1, …) into best, reached_at
            and last_outside."""
            losses = block[:rows]
            np.minimum(best, losses.min(axis=0), out=best)
            if minimum_value is not None:
                newly = (best - minimum_value <= tolerance) & (reached_at < 0)
                if newly.any():
                    within = losses[:, newly] - minimum_value <= tolerance
                    reached_at[newly] = first_step + np.argmax(within, axis=0)
                # in the block's own memory: its losses are folded already, and a sweep's memory stays O(cells)
                outside = np.greater(np.subtract(losses, minimum_value, out=losses), tolerance,
                                     out=outside_block[:rows])
                last = rows - 1 - np.argmax(outside[::-1], axis=0)
                np.copyto(last_outside, first_step + last, where=outside.any(axis=0))

        rows = 0
        for t in range(1, steps + 1):
            # The same draw `run` makes at step t: a sweep member stays equal to its run.
            used = grad if noise is None else noise.perturb_into(grad, t, noisy)
            updates, new_state = optimizer.update_into(used, state, spare, scratch)
            spare, state = state, new_state
            np.add(previous, updates, out=current)
            if any_dead:  # members that diverged earlier stay at their last finite point
                np.copyto(current, previous, where=dead)
            new_loss, new_grad = evaluate(surface, current)
            if not all_healthy(current, new_loss, new_grad, bound):
                healthy = healthy_mask(current, new_loss, new_grad, bound)
                diverged_at[~healthy & (diverged_at < 0)] = t
                failing = np.repeat(~healthy[..., None], 2, axis=-1)
                np.copyto(current, previous, where=failing)
                np.copyto(new_grad, grad, where=failing)
                new_loss = np.where(healthy, new_loss, loss)
                dead |= failing
                any_dead = True
            loss, grad = new_loss, new_grad
            block[rows] = loss
            rows += 1
            if rows == len(block) or t == steps:
                fold(rows, t - rows + 1)
                rows = 0
            if t == recent_at:
                recent_point = current.copy()
                recent_low, recent_high = current.copy(), current.copy()
            elif t > recent_at:  # the last tenth: its path length and bounding box, for "oscillating"
                np.subtract(current, previous, out=scratch)
                np.add(recent_path, np.hypot(scratch[..., 0], scratch[..., 1], out=step_length), out=recent_path)
                np.minimum(recent_low, current, out=recent_low)
                np.maximum(recent_high, current, out=recent_high)
            previous, current = current, previous
            yield

    final_point = previous  # after the swap, `previous` holds the last step's point
    with np.errstate(all="ignore"):  # as trajectory_metrics: ∇f at the last point, inf where not finite
        gradient = np.asarray(surface.grad(final_point), dtype=np.float64)
    gradient_norm = np.linalg.norm(gradient, axis=-1)
    final_reached = (np.zeros(batch_shape, dtype=bool) if minimum_value is None
                     else loss - minimum_value <= tolerance)
    return RunMetrics(
        start_loss=start_loss, final_loss=loss, best_loss=best, reached_at=reached_at,
        final_reached=final_reached, settled_at=np.where(final_reached, last_outside + 1, -1),
        diverged_at=diverged_at, final_point=final_point,
        final_gradient_norm=np.where(np.isfinite(gradient_norm), gradient_norm, np.inf),
        recent_displacement=np.linalg.norm(final_point - recent_point, axis=-1),
        recent_path_length=recent_path, recent_extent=np.linalg.norm(recent_high - recent_low, axis=-1),
        recent_steps=steps - recent_at, gradient_tolerance=gradient_tolerance,
        movement_tolerance=rest_tolerance(surface), has_minimum=minimum_value is not None,
        bounded_below=bounded_below)


def hyperparameter_axis(spec: Hyperparameter, count: int) -> Array:
    """`count` values of a numeric hyperparameter over its slider range, evenly spaced on its natural scale.

    "log" (learning rates, ε): geometric from low to high (a low of 0 becomes high·10⁻⁸); "one_minus_log" (β):
    1 − β geometric, so 0.9, 0.99, 0.999 are equally far apart; "linear": evenly spaced.

    >>> from optimizers import AdaMax
    >>> specs = {spec.name: spec for spec in AdaMax.HYPERPARAMETERS}
    >>> hyperparameter_axis(specs["beta2"], 5).round(6).tolist()
    [0.0, 0.9, 0.99, 0.999, 0.9999]
    """
    if spec.scale not in NUMERIC_SCALES:
        raise ValueError(f"{spec.name} is not numeric (scale {spec.scale!r}); a sweep axis needs one of "
                         f"{', '.join(NUMERIC_SCALES)}")
    if isinstance(count, bool) or not isinstance(count, int | np.integer) or not 2 <= count <= 1024:
        raise ValueError(f"count must be an integer in [2, 1024], got {count!r}")
    low, high = float(spec.low), float(spec.high)
    if spec.scale == "log":
        return np.geomspace(low if low > 0 else high * 10.0**-LOG_AXIS_DECADES, high, count)
    if spec.scale == "one_minus_log":
        return 1.0 - np.geomspace(1.0 - low, 1.0 - high, count)
    return np.linspace(low, high, count)


def readable_axis(spec: Hyperparameter, count: int) -> Array:
    """`hyperparameter_axis`'s values rounded to what a map of `count` cells resolves, for a map to compute.

    Each value is cut to the fewest digits (one count for the whole axis) that keep every value within
    AXIS_ROUNDING (a tenth) of a cell of its exact place on the natural scale: significant digits of α ("log"),
    of 1 − β ("one_minus_log": β = 1 − 0.00123 = 0.99877, the exact decimal), decimal places of a linear value.
    Within a tenth of a cell, neighbours stay told apart and in order, and the drawn cells (whose edges lie
    halfway between neighbouring values) stay even to a tenth of a cell; half a cell would save a digit but
    could halve or double a drawn cell. A map's cells are run at these very floats and a click reads them back,
    so the run a click adds is its cell's, bit for bit, and its label and link carry a few digits. A value rounded
    past the slider's range is the range's end (p = 256, where two digits would give 260).

    >>> from optimizers import AdaMax
    >>> specs = {spec.name: spec for spec in AdaMax.HYPERPARAMETERS}
    >>> readable_axis(specs["lr"], 6).tolist(), readable_axis(specs["beta2"], 5).tolist()
    ([0.0001, 0.0007, 0.005, 0.04, 0.3, 2.0], [0.0, 0.9, 0.99, 0.999, 0.9999])
    """
    exact = hyperparameter_axis(spec, count)
    place = natural_coordinate(spec.scale, exact)
    allowed = AXIS_ROUNDING * (place[-1] - place[0]) / (count - 1)
    for digits in range(1, 18):
        values = np.clip(round_on_scale(spec.scale, exact, digits), spec.low, spec.high)
        if np.all(np.abs(natural_coordinate(spec.scale, values) - place) <= allowed):
            return values
    return exact


def round_on_scale(scale: str, values: Any, digits: int) -> Array:
    """`values` rounded on their scale to `digits`: significant digits of v ("log") or of 1 − v ("one_minus_log",
    then 1 − that as the exact decimal, so 0.99877 and not 0.9987700000000001), decimal places − 1 ("linear").

    >>> round_on_scale("log", [0.0123456], 3).tolist(), round_on_scale("one_minus_log", [0.998765432], 3).tolist()
    ([0.0123], [0.99877])
    """
    values = np.asarray(values, dtype=np.float64)
    if scale == "log":
        rounded = [float(f"{value:.{digits}g}") for value in values.flat]
    elif scale == "one_minus_log":
        rounded = [float(Decimal(1) - Decimal(f"{1.0 - value:.{digits}g}")) for value in values.flat]
    else:
        rounded = [float(f"{value:.{digits - 1}f}") for value in values.flat]
    return np.array(rounded, dtype=np.float64).reshape(values.shape)


def natural_coordinate(scale: str, values: Any) -> Array:
    """Where values sit on their natural scale: log10 v ("log"), −log10(1 − v) ("one_minus_log": the "nines" of
    β, 0.99 → 2), v ("linear"). A sweep map draws its axes in these coordinates.

    >>> natural_coordinate("one_minus_log", [0.0, 0.9, 0.999]).round(9).tolist()
    [-0.0, 1.0, 3.0]
    """
    values = np.asarray(values, dtype=np.float64)
    if scale == "log":
        return np.log10(values)
    if scale == "one_minus_log":
        return -np.log10(1.0 - values)
    return values
