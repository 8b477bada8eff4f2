"""`run`: drive any optimizer over any surface-like object, batched, with divergence as part of the result."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ._heap import keep_heap_warm
from .base import Array, Optimizer, Spread
from .noise import GradientNoise

MAX_STEPS = 100_000
MAX_BATCH = 1_000_000
MAX_POINT_STEPS = 20_000_000          # steps × batch: the points alone then take 320 MB
MAX_RECORDED_POINT_STEPS = 2_000_000  # with record_state, gradients and every state field are kept too
DEFAULT_BOUND = 1e6                   # a run whose |x| or |y| exceeds this has diverged


class SurfaceLike(Protocol):
    """Anything with f: (..., 2) → (...) and grad: (..., 2) → (..., 2) (and optionally value_and_grad)."""

    def f(self, xy: Array) -> Array: ...
    def grad(self, xy: Array) -> Array: ...


@dataclass(frozen=True, eq=False)
class Trajectory:
    """The result of `run`, batch shape B = the broadcast of the start's and the hyperparameters' shapes.

    points:      (steps + 1, *B, 2) positions; points[0] is the start. After a member diverges it stays
                 at its last finite position.
    losses:      (steps + 1, *B) f at those points.
    diverged_at: (*B,) int, the step at which the member left the bound or met a non-finite value
                 (0 when the start itself is invalid), −1 where it never diverged.
    grads:       (steps, *B, 2) with record_state: grads[i] is the gradient at points[i], used by step i + 1
                 (with noise, the noisy gradient that step used; losses stay the true f).
    states:      with record_state: {field: (steps, *B, 2)}, the optimizer state after each step
                 (e.g. "m", "u" for AdaMax); frozen at the last good value after a divergence.
    """

    points: Array
    losses: Array
    diverged_at: Array
    grads: Array | None = None
    states: dict[str, Array] | None = None

    @property
    def steps(self) -> int:
        return self.points.shape[0] - 1

    @property
    def diverged(self) -> Array:
        """Boolean (*B,): which members diverged."""
        return self.diverged_at >= 0


def run(optimizer: Optimizer, surface: SurfaceLike, start: Any, steps: int, *,
        record_state: bool = False, bound: float = DEFAULT_BOUND, noise: GradientNoise | None = None) -> Trajectory:
    """Run `optimizer` on `surface` from `start` for `steps` steps, as one vectorised loop over the batch.

    start has shape (..., 2); hyperparameters given as arrays broadcast against it (give per-configuration
    values the shape (..., 1)). A member diverges when its next point has |x| or |y| > bound, or a
    non-finite loss or gradient: it then stops at its last finite point and `diverged_at` records the step.
    No NaN or inf reaches points or losses, and no RuntimeWarning escapes.

    Limits (ValueError beyond): 0 ≤ steps ≤ MAX_STEPS; batch size ≤ MAX_BATCH; steps × batch ≤
    MAX_POINT_STEPS, or ≤ MAX_RECORDED_POINT_STEPS with record_state.

    noise: optionally a GradientNoise (optimizers/noise.py): step t then uses noise.perturb(∇f, t), the same
    draws for every member (common random numbers); points follow the noisy steps, losses are the true f
    along them, and the recorded grads are the noisy gradients used.

    Side effect, once per process: glibc is asked to keep freed heap memory mapped (optimizers/_heap.py;
    ADAMAX_LAB_KEEP_HEAP=0 turns it off), which makes batched steps up to 1.6× faster on virtual machines.
    """
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"optimizer must be an Optimizer such as AdaMax(lr=0.05), got {type(optimizer).__name__} "
                         f"{optimizer!r:.60}")
    if not (callable(getattr(surface, "value_and_grad", None))
            or (callable(getattr(surface, "f", None)) and callable(getattr(surface, "grad", None)))):
        raise ValueError(f"surface must have f(xy) and grad(xy) methods (e.g. SURFACES['rosenbrock']), "
                         f"got {type(surface).__name__}")
    steps = check_steps(steps)
    bound = _check_bound(bound)
    start, shape = points_shape(optimizer, start)
    _check_size(steps, int(np.prod(shape[:-1])), record_state)  # before anything of the batch's size is allocated
    params = initial_params(start, shape)
    optimizer = expand_hyperparameters(optimizer, params.shape)
    batch_shape = params.shape[:-1]

    keep_heap_warm()
    points = np.empty((steps + 1, *params.shape))
    losses = np.empty((steps + 1, *batch_shape))
    diverged_at = np.full(batch_shape, -1, dtype=np.int64)
    grads = np.empty((steps, *params.shape)) if record_state else None
    recorded: dict[str, Array] = {}

    with np.errstate(all="ignore"):  # overflow is expected in diverging runs; it is detected, not warned
        state = optimizer.init(params)
        initial_state = state
        # Two state buffers that alternate: step t writes into the one step t − 1 read from.
        spare = type(state)(0, *(np.empty_like(params) for _ in state[1:]))
        state = type(state)(0, *(np.broadcast_to(a, params.shape).copy() for a in state[1:]))
        scratch = np.empty_like(params)
        noisy = np.empty_like(params) if noise is not None else None
        if record_state:
            recorded = {name: np.empty((steps, *params.shape)) for name in state._fields[1:]}
        points[0] = params
        loss, grad = evaluate(surface, points[0])
        healthy = healthy_mask(points[0], loss, grad, bound)
        diverged_at[~healthy] = 0
        # A member invalid at its start stays there; its loss shows as 0 and its gradient as 0, never NaN.
        losses[0] = np.where(healthy, loss, 0.0)
        grad = np.where(healthy[..., None], grad, 0.0)
        dead = ~healthy[..., None]
        any_dead = bool(dead.any())

        for t in range(1, steps + 1):
            used = grad if noise is None else noise.perturb_into(grad, t, noisy)
            updates, new_state = optimizer.update_into(used, state, spare, scratch)
            spare, state = state, new_state
            if record_state:
                grads[t - 1] = used
                for name, array in zip(state._fields[1:], state[1:], strict=True):
                    recorded[name][t - 1] = array
            # The loop writes straight into the result: points[t] is this step's params, no extra copy.
            params = np.add(points[t - 1], updates, out=points[t])
            if any_dead:  # members that diverged earlier stay at their last finite point
                np.copyto(params, points[t - 1], where=dead)
            loss, new_grad = evaluate(surface, params)
            if not all_healthy(params, loss, new_grad, bound):
                healthy = healthy_mask(params, loss, new_grad, bound)
                # a member invalid at its start is held where it is still unhealthy: keep its diverged_at = 0
                diverged_at[~healthy & (diverged_at < 0)] = t
                failing = ~healthy[..., None]
                np.copyto(params, points[t - 1], where=failing)
                np.copyto(new_grad, grad, where=failing)
                loss = np.where(healthy, loss, losses[t - 1])
                dead |= failing
                any_dead = True
            losses[t] = loss
            grad = new_grad

    if record_state and any_dead:
        _hold_after_divergence(diverged_at, grads, recorded, initial_state)
    return Trajectory(points, losses, diverged_at, grads, recorded or None)


def evaluate(surface: SurfaceLike, params: Array) -> tuple[Array, Array]:
    """(f, ∇f) at params, through the surface's value_and_grad where it offers one (shared terms)."""
    both = getattr(surface, "value_and_grad", None)
    value, grad = both(params) if both is not None else (surface.f(params), surface.grad(params))
    return np.asarray(value, dtype=np.float64), np.asarray(grad, dtype=np.float64)


def all_healthy(params: Array, loss: Array, grad: Array, bound: float) -> bool:
    """The fast whole-batch check: sums are non-finite if any term is; one max over |params|."""
    if params.size == 0:
        return True
    return bool(np.isfinite(loss.sum() + grad.sum()) and max(params.max(), -params.min()) <= bound)


def healthy_mask(params: Array, loss: Array, grad: Array, bound: float) -> Array:
    """Per member: within the bound, finite loss and gradient. NaN fails every comparison, so it fails here."""
    finite = np.isfinite(loss + grad[..., 0] + grad[..., 1])
    within = np.maximum(np.abs(params[..., 0]), np.abs(params[..., 1])) <= bound
    return finite & within


def _hold_after_divergence(diverged_at: Array, grads: Array, recorded: dict[str, Array], initial_state: Any) -> None:
    """In the recorded series, hold each diverged member at its last good value from its divergence on.

    Step d failed, so the state after step d − 1 (index d − 2, or the initial state when d = 1) is the last
    one that produced a point; the gradient at the last point (index d − 1) is the last one evaluated there.
    """
    # argwhere, not nonzero: it also handles an unbatched run, whose diverged_at is 0-d (member = ())
    for member in map(tuple, np.argwhere(diverged_at >= 1)):
        d = int(diverged_at[member])
        grads[d:, *member] = grads[d - 1, *member]
        for name, series in recorded.items():
            last = series[d - 2, *member] if d >= 2 else getattr(initial_state, name)[member]
            series[d - 1:, *member] = last
    for member in map(tuple, np.argwhere(diverged_at == 0)):
        grads[:, *member] = 0.0
        for name, series in recorded.items():
            series[:, *member] = getattr(initial_state, name)[member]


def check_steps(steps: Any) -> int:
    if isinstance(steps, bool) or not isinstance(steps, int | np.integer):
        raise ValueError(f"steps must be an integer in [0, {MAX_STEPS}], got {steps!r}")
    if not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be in [0, {MAX_STEPS}], got {steps}")
    return int(steps)


def points_shape(optimizer: Optimizer, start: Any) -> tuple[Array, tuple[int, ...]]:
    """The start (real numbers, not yet copied) and the shape (*B, 2) it takes against the array hyperparameters."""
    if isinstance(start, bool | np.bool_ | str | bytes | dict | set) or start is None:
        raise ValueError(f"start must be points of shape (..., 2), got {type(start).__name__} {start!r:.60}")
    start = np.asarray(start)  # no copy of an array, nor of a np.broadcast_to view: sizes are checked first
    if start.dtype.kind not in "iuf":
        raise ValueError(f"start must hold real numbers, got an array of {start.dtype}")
    if start.ndim == 0 or start.shape[-1] != 2:
        raise ValueError(f"start must have shape (..., 2), got {start.shape}")
    shapes = [np.shape(v) for v in optimizer.hyperparameters().values() if np.ndim(v)]
    try:
        shape = np.broadcast_shapes(start.shape, *shapes)
    except ValueError:
        raise ValueError(
            f"hyperparameter shapes {shapes} do not broadcast against the start's shape {start.shape}; "
            "give per-configuration values the shape (..., 1)") from None
    if shape[-1] != 2:
        raise ValueError(f"hyperparameters broadcast the points to shape {shape}; the last axis must stay 2")
    return start, shape


def initial_params(start: Array, shape: tuple[int, ...]) -> Array:
    """The start broadcast to `shape` (*B, 2): float64, a fresh C-contiguous copy.

    C order matters: astype keeps a broadcast start's memory order ("K"), which for one start of shape (2,)
    over a grid puts the x's of every member first and the y's after — and every buffer of the loop, made
    with empty_like(params), inherited that order while the surface's gradient is C-ordered. Ops mixing the
    two orders ran ~7× slower (a 64 × 64 sweep step: 380 µs against ~55 µs).
    """
    if not np.isfinite(start).all():
        raise ValueError("start must be finite")
    return np.array(np.broadcast_to(start, shape), dtype=np.float64, order="C")


def expand_hyperparameters(optimizer: Optimizer, shape: tuple[int, ...]) -> Optimizer:
    """The optimizer with every array hyperparameter expanded to the points' full shape, contiguous.

    Why: NumPy broadcasts (B, 1) against (B, 2) with an inner loop of length 2, several times slower
    than an elementwise op on equal shapes; expanding once keeps every op in the loop on equal shapes.
    The values as given are kept too (Optimizer.per_configuration): a per-step power such as β2^t is then
    taken once per configuration — 64 values for a 64 × 64 grid's β2 axis, not 8,192.
    """
    compact = {name: value for name, value in optimizer.hyperparameters().items() if np.ndim(value)}
    if not compact:
        return optimizer
    expanded = dataclasses.replace(optimizer, **{name: np.broadcast_to(value, shape).copy()
                                                 for name, value in compact.items()})
    # a frozen dataclass: set as its __post_init__ sets values
    object.__setattr__(expanded, "_spread", {name: Spread(value, shape) for name, value in compact.items()})
    return expanded


def _check_bound(bound: Any) -> float:
    if isinstance(bound, bool) or not isinstance(bound, int | float | np.integer | np.floating) or not bound > 0:
        raise ValueError(f"bound must be a number > 0, got {bound!r:.60}")
    return float(bound)


def _check_size(steps: int, batch: int, record_state: bool) -> None:
    if batch > MAX_BATCH:
        raise ValueError(f"batch size must be at most {MAX_BATCH:,}, got {batch:,}")
    limit = MAX_RECORDED_POINT_STEPS if record_state else MAX_POINT_STEPS
    if steps * batch > limit:
        what = "with record_state" if record_state else "in one run"
        raise ValueError(f"steps × batch must be at most {limit:,} {what}, got {steps:,} × {batch:,}")
