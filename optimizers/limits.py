r"""AdaMax as a limit, and the corner cases around it: the data behind the app's "where AdaMax comes from" views.

Kingma & Ba (arXiv:1412.6980), §7.1: Adam with an Lp norm, v_t = β2^p·v_{t−1} + (1 − β2^p)·|g_t|^p, tends to
AdaMax as p → ∞ (docs/REFERENCE.md §3). Three questions, one function each:

    lp_family        how close the Adam-Lp paths come to AdaMax's as p grows (`fitted_exponent` measures how fast)
    naive_overflow   why |g|^p cannot be computed literally (|g| = 100, p = 160 is already inf in float64)
    naive_breakdown  what that does to a run: the naive form stalls, the stable form tracks AdaMax
    eps_modes        the paper's ε-free AdaMax next to PyTorch's and Keras's placements of ε
                     (docs/REFERENCE.md §1), and `zero_over_zero_steps`, where the paper's rule is 0/0

Pure NumPy: any surface-like object with f and grad will do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .adamax import AdaMax
from .adamlp import AdamLp
from .base import Array
from .noise import GradientNoise
from .trajectory import DEFAULT_BOUND, SurfaceLike, Trajectory, run

LP_ORDERS = (1, 2, 4, 8, 16, 32, 64)
EPS_MODE_ORDER = ("paper", "pytorch", "keras")  # the paper first: the other two add ε to it


@dataclass(frozen=True, eq=False)
class LpFamily:
    """Adam-Lp runs for several p beside the AdaMax run they converge to, from one start.

    orders:       the p values, in the order given.
    paths:        {p: Trajectory} of AdamLp(p, form="stable").
    adamax:       the AdaMax Trajectory with the same lr, β1, β2 and ε, in Keras's ε mode: the stable Adam-Lp
                  adds ε after the p-th root, to w = v^(1/p), as Keras adds it to u — so that is its limit
                  (comparing with PyTorch's placement would add a gap that no p closes).
    max_distance: {p: the largest Euclidean distance between the p path and AdaMax's at the same step},
                  over the steps both runs really took (up to the earlier divergence, if any).
    """

    orders: tuple[float, ...]
    paths: dict[float, Trajectory]
    adamax: Trajectory
    max_distance: dict[float, float]


def lp_family(surface: SurfaceLike, start: Any, steps: int, *, lr: float, beta1: float = 0.9,
              beta2: float = 0.999, eps: float = 1e-8, orders: Sequence[float] = LP_ORDERS,
              bound: float = DEFAULT_BOUND, noise: GradientNoise | None = None) -> LpFamily:
    """Run Adam-Lp for every p of `orders` (one batched run) and AdaMax, from the single point `start`.

    With `noise`, every run sees the same noisy-gradient draws (common random numbers, optimizers/noise.py).

    On Rosenbrock from (−1.5, 2), lr 0.05, 300 steps, the largest distance shrinks faster than 1/p
    (REFERENCE: 0.845 at p = 4, 0.125 at p = 16, 0.020 at p = 64; a fitted exponent of about −1.35).
    """
    start = _single_point(start)
    orders = tuple(orders)
    if not orders:
        raise ValueError("orders must name at least one p")
    adamax = run(AdaMax(lr=lr, beta1=beta1, beta2=beta2, eps=eps, eps_mode="keras"), surface, start, steps,
                 bound=bound, noise=noise)
    # All orders at once: p of shape (P, 1) against a start of shape (P, 2), one vectorised loop.
    p = np.asarray(orders, dtype=np.float64)[:, None]
    batch = run(AdamLp(lr=lr, beta1=beta1, beta2=beta2, eps=eps, p=p, form="stable"), surface,
                np.broadcast_to(start, (len(orders), 2)), steps, bound=bound, noise=noise)
    paths = {order: _member(batch, i) for i, order in enumerate(orders)}
    distances = {order: max_path_distance(path, adamax) for order, path in paths.items()}
    return LpFamily(orders, paths, adamax, distances)


FIT_MIN_R2 = 0.95   # a power law "shows" only where log d is this close to a line in log p (R²) …


def fitted_exponent(orders: Sequence[float], distances: Sequence[float], *, from_order: float = 4.0) -> float | None:
    """The exponent k of distance ≈ c·p^k, fitted by least squares on log–log axes over p ≥ `from_order`,
    where the data shows such a rate: the distances fall at every step of p, and the fit explains at least
    FIT_MIN_R2 of the variance of log d. Otherwise None — a rate fitted to distances that rise and fall (Rastrigin:
    2.48, 1.38, 25.4, 1.59, …) would be a number the picture contradicts.

    Small p are left out: the power law sets in only once p is a few. None too where fewer than three usable
    points remain (distances must be > 0 and finite): two points always lie on a line.

    >>> round(fitted_exponent([4, 8, 16, 32], [1.0, 0.5, 0.25, 0.125]), 12)
    -1.0
    >>> fitted_exponent([4, 8, 16, 32], [2.48, 1.38, 25.4, 1.59]) is None
    True
    """
    p = np.asarray(orders, dtype=np.float64)
    d = np.asarray(distances, dtype=np.float64)
    usable = (p >= from_order) & np.isfinite(d) & (d > 0)
    if np.count_nonzero(usable) < 3 or np.ptp(p[usable]) == 0:
        return None
    order = np.argsort(p[usable])
    log_p, log_d = np.log(p[usable][order]), np.log(d[usable][order])
    if not np.all(np.diff(log_d) < 0):
        return None
    slope, intercept = np.polyfit(log_p, log_d, 1)
    residual = float(np.sum((log_d - (slope * log_p + intercept)) ** 2))
    total = float(np.sum((log_d - log_d.mean()) ** 2))
    if total == 0 or 1 - residual / total < FIT_MIN_R2:
        return None
    return float(slope)


def max_path_distance(first: Trajectory, second: Trajectory) -> float:
    """The largest distance between two unbatched paths at equal steps, up to the earlier one's last real step."""
    last = min(_last_real_step(first), _last_real_step(second))
    gaps = np.linalg.norm(first.points[:last + 1] - second.points[:last + 1], axis=-1)
    return float(gaps.max())


def naive_overflow(g_abs: float, orders: Sequence[float] = LP_ORDERS, *, beta2: float = 0.999) -> list[dict]:
    """For each p: |g|^p computed literally in float64 beside the stable form's term.

    Each row: p; "naive" = |g|^p (inf where it overflows, 0 where it underflows — the value the naive
    v_t would receive); "overflow" / "underflow" flags; "stable" = (1 − β2^p)^{1/p}·|g|, the term the stable
    form compares with β2·w, finite for every p.

    >>> [(row["p"], row["overflow"]) for row in naive_overflow(100.0, (64, 160))]
    [(64, False), (160, True)]
    """
    g_abs = abs(float(g_abs))
    rows = []
    for order in orders:
        with np.errstate(over="ignore", under="ignore"):
            naive = float(np.power(np.float64(g_abs), np.float64(order)))
            stable = float((1.0 - np.power(np.float64(beta2), np.float64(order))) ** (1.0 / order) * g_abs)
        rows.append({"p": order, "naive": naive, "overflow": bool(np.isinf(naive)),
                     "underflow": bool(naive == 0.0 and g_abs > 0.0), "stable": stable})
    return rows


def naive_breakdown(surface: SurfaceLike, start: Any, steps: int, *, lr: float, p: float, beta1: float = 0.9,
                    beta2: float = 0.999, eps: float = 1e-8, bound: float = DEFAULT_BOUND,
                    noise: GradientNoise | None = None) -> dict[str, Any]:
    """AdamLp at one p computed naively and stably, from the single point `start`, beside AdaMax.

    The naive state w holds v = EMA of |g|^p; it breaks down when it becomes inf (|g|^p overflowed: the
    step m/v^{1/p} is then 0 and the coordinate stalls) or 0 although a non-zero gradient was seen
    (|g|^p underflowed: the step is m/ε, huge). Returns a dict of plain Python values:

        p, steps
        breakdown_step      first step (1-based) after which the naive w was inf/NaN or spuriously 0, else None
        breakdown_kind      "overflow" or "underflow" (None without a breakdown)
        breakdown_axis      "x" or "y", the first coordinate that broke (None without a breakdown)
        naive_moved, stable_moved, adamax_moved        path lengths: the total distance each run travelled
        naive_final, stable_final, adamax_final        final points [x, y] (finite: run holds diverged members)
        naive_to_adamax, stable_to_adamax              distances of the final points to AdaMax's
        naive_diverged_at, stable_diverged_at          step of divergence, or None
    """
    start = _single_point(start)
    common = {"lr": lr, "beta1": beta1, "beta2": beta2, "eps": eps}
    naive_optimizer = AdamLp(**common, p=p, form="naive")
    naive = run(naive_optimizer, surface, start, steps, record_state=True, bound=bound, noise=noise)
    stable = run(AdamLp(**common, p=p, form="stable"), surface, start, steps, bound=bound, noise=noise)
    adamax = run(AdaMax(**common, eps_mode="keras"), surface, start, steps, bound=bound, noise=noise)

    step = kind = axis = None
    if steps:
        w, grads = _states_as_computed(naive_optimizer, naive, "w")
        seen = np.maximum.accumulate(np.abs(grads), axis=0) > 0  # a zero w is spurious only after g ≠ 0
        overflow = ~np.isfinite(w)
        underflow = (w == 0) & seen
        broken = overflow | underflow
        if broken.any():
            index, coordinate = (int(i) for i in np.argwhere(broken)[0])
            step, axis = index + 1, "xy"[coordinate]
            kind = "overflow" if overflow[index, coordinate] else "underflow"

    ends = {name: traj.points[-1] for name, traj in (("naive", naive), ("stable", stable), ("adamax", adamax))}
    return {
        "p": p, "steps": steps, "breakdown_step": step, "breakdown_kind": kind, "breakdown_axis": axis,
        **{f"{name}_moved": path_length(traj) for name, traj in (("naive", naive), ("stable", stable),
                                                                 ("adamax", adamax))},
        **{f"{name}_final": [float(v) for v in end] for name, end in ends.items()},
        "naive_to_adamax": float(np.linalg.norm(ends["naive"] - ends["adamax"])),
        "stable_to_adamax": float(np.linalg.norm(ends["stable"] - ends["adamax"])),
        "naive_diverged_at": _divergence(naive), "stable_diverged_at": _divergence(stable),
    }


def _states_as_computed(optimizer: Any, trajectory: Trajectory, name: str) -> tuple[Array, Array]:
    """The state field `name` after each step, and the gradients used, as the rule computed them.

    `run` holds a diverged run's recorded state at its last good value from the failing step on, so the
    state that made it fail is not in the record; replaying the rule over the recorded gradients (the failing
    step's gradient is kept) recovers it, up to and including that step.
    """
    diverged_at = int(trajectory.diverged_at)
    if diverged_at < 1:
        return trajectory.states[name], trajectory.grads
    states = trajectory.states[name][:diverged_at].copy()
    grads = trajectory.grads[:diverged_at]
    state = optimizer.init(np.asarray(trajectory.points[0], dtype=np.float64))
    with np.errstate(all="ignore"):  # the replay meets the overflow the run met
        for k in range(diverged_at):
            _, state = optimizer.update(grads[k], state)
            states[k] = getattr(state, name)
    return states, grads


def path_length(trajectory: Trajectory) -> float:
    """The total distance an unbatched run travelled: the sum of its step lengths."""
    return float(np.linalg.norm(np.diff(trajectory.points, axis=0), axis=-1).sum())


def eps_modes(surface: SurfaceLike, start: Any, steps: int, *, lr: float, beta1: float = 0.9, beta2: float = 0.999,
              eps: float = 1e-8, bound: float = DEFAULT_BOUND,
              noise: GradientNoise | None = None) -> dict[str, Trajectory]:
    """AdaMax from `start` with each placement of ε: {"paper", "pytorch", "keras"}, states recorded (m, u).

    All three share lr, β1, β2 and ε (the paper's rule ignores ε), so the paths differ only by where ε enters.
    """
    return {mode: run(AdaMax(lr=lr, beta1=beta1, beta2=beta2, eps=eps, eps_mode=mode), surface, start, steps,
                      record_state=True, bound=bound, noise=noise)
            for mode in EPS_MODE_ORDER}


def undefined_steps(trajectory: Trajectory, *, eps_mode: str = "paper", eps: float = 0.0) -> dict[str, Array]:
    """Per coordinate, the steps whose division by AdaMax's denominator was by exactly 0, as the run computed it.

    The denominator is u for the paper's rule and PyTorch's (whose ε is inside the max, so u ≥ ε) and u + ε for
    Keras's, which is never 0 for ε > 0: Keras computes no 0/0. Returns
    {"zero_over_zero": denominator = m = 0 (a gradient exactly 0 since the start; 0/0),
     "over_zero": denominator = 0 but m ≠ 0 (β2 = 0 and g_t = 0 after a non-zero gradient, or u underflowing;
                  m/0 = ±∞)}, each of shape (*B, 2), int. The paper's rule leaves both undefined; our "paper" mode
    moves 0 there. Needs a run of AdaMax with record_state=True.
    """
    if trajectory.states is None or "u" not in trajectory.states or "m" not in trajectory.states:
        raise ValueError("undefined_steps needs an AdaMax trajectory run with record_state=True")
    denominator = trajectory.states["u"] + eps if eps_mode == "keras" else trajectory.states["u"]
    zero_u = denominator == 0
    zero_m = trajectory.states["m"] == 0
    return {"zero_over_zero": np.count_nonzero(zero_u & zero_m, axis=0),
            "over_zero": np.count_nonzero(zero_u & ~zero_m, axis=0)}


def zero_over_zero_steps(trajectory: Trajectory) -> Array:
    """Per coordinate, the number of steps after which AdaMax's u and m were both exactly 0 (the step is 0/0).

    Where u = 0 but m ≠ 0 the step is m/0 = ±∞, not 0/0: `undefined_steps` counts both cases apart.
    """
    return undefined_steps(trajectory)["zero_over_zero"]


def _single_point(start: Any) -> Array:
    start = np.asarray(start, dtype=np.float64)
    if start.shape != (2,):
        raise ValueError(f"start must be one point of shape (2,), got {start.shape}")
    return start


def _member(batch: Trajectory, index: int) -> Trajectory:
    """Member `index` of a run batched along its first axis, as an unbatched Trajectory."""
    return Trajectory(np.ascontiguousarray(batch.points[:, index]), np.ascontiguousarray(batch.losses[:, index]),
                      np.asarray(batch.diverged_at[index]))


def _last_real_step(trajectory: Trajectory) -> int:
    """The last step whose point the run really reached (after a divergence, points are held copies)."""
    diverged_at = int(trajectory.diverged_at)
    return trajectory.steps if diverged_at < 0 else max(diverged_at - 1, 0)


def _divergence(trajectory: Trajectory) -> int | None:
    diverged_at = int(trajectory.diverged_at)
    return None if diverged_at < 0 else diverged_at

