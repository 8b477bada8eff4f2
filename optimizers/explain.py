r"""Inside one AdaMax run: its internal quantities step by step, a table to check by hand, and the equations
of any one step with its numbers in them. Pure NumPy (no surfaces, no UI).

    internals = adamax_internals(optimizer, run(optimizer, surface, start, steps, record_state=True))
    step_table(internals, 20)                     # the first 20 steps, column by column (CSV-ready)
    equations_at(optimizer, trajectory, t=5)      # LaTeX of step 5 with its numbers (AdaMax, Adam, SGD)

Nothing here re-implements an update rule: AdaMax's m and u are the run's recorded state, and Adam's √v̂ is
obtained by driving the real `Adam` rule over the same gradients.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .adam import Adam, adam_step_bound
from .adamax import AdaMax, adamax_step_bound
from .base import Array, Optimizer, bias_correction
from .trajectory import Trajectory

TABLE_COLUMNS = ("t", "g_x", "g_y", "m_x", "m_y", "m_hat_x", "m_hat_y", "u_x", "u_y", "step_x", "step_y",
                 "theta_x", "theta_y")


@dataclass(frozen=True, eq=False)
class AdaMaxInternals:
    """One unbatched AdaMax run of T steps, row k describing step t = k + 1 (each array (T, 2) unless noted).

    t:               (T,) 1 … T.
    grad:            g_t, the gradient at θ_{t−1} that step t used.
    m:               m_t = β1·m_{t−1} + (1 − β1)·g_t (the run's recorded state).
    m_hat:           m̂_t = m_t / (1 − β1^t).
    u:               u_t = max(β2·u_{t−1}, |g_t| (+ ε in pytorch mode)) (the run's recorded state).
    adam_sqrt_v_hat: √v̂_t that Adam with the same β1, β2 would hold for the same gradients (for comparison).
    step:            Δθ_t = θ_t − θ_{t−1}, the move actually taken.
    fresh_won:       bool, True where the fresh term |g_t| (+ ε) won the max in u_t (ties count as fresh;
                     u_0 = 0, so always True at t = 1); False where the memory β2·u_{t−1} won.
    bound:           (T,) adamax_step_bound(α, β1, β2, t): no |step| exceeds it.
    adam_bound:      (T,) adam_step_bound(α, β1, β2, t): Adam's worst case with the same α, β's.
    theta:           (T + 1, 2) the points θ_0 … θ_T.
    diverged_at:     the run's `diverged_at` (−1 if it never diverged). From that step on the run is held at
                     its last good point and state (see `Trajectory`); so are the series here, with
                     fresh_won False and Adam's √v̂ held too.
    """

    t: Array
    grad: Array
    m: Array
    m_hat: Array
    u: Array
    adam_sqrt_v_hat: Array
    step: Array
    fresh_won: Array
    bound: Array
    adam_bound: Array
    theta: Array
    diverged_at: int = -1

    @property
    def steps(self) -> int:
        return int(self.t.shape[0])

    @property
    def real_steps(self) -> int:
        """The steps that produced a point: all, or those before the failing step (later rows are held copies)."""
        return self.steps if self.diverged_at < 0 else max(int(self.diverged_at) - 1, 0)


def adamax_internals(optimizer: AdaMax, trajectory: Trajectory) -> AdaMaxInternals:
    """The internals of `trajectory`, an unbatched `run(optimizer, …, record_state=True)`.

    ValueError if `optimizer` is not an AdaMax with scalar hyperparameters, or the trajectory is batched or
    has no recorded state.
    """
    if not isinstance(optimizer, AdaMax):
        raise ValueError(f"adamax_internals needs an AdaMax optimizer, got {type(optimizer).__name__}")
    _check_scalar_hyperparameters(optimizer)
    _check_recorded(trajectory, ("m", "u"))
    lr, beta1, beta2, eps = (float(getattr(optimizer, name)) for name in ("lr", "beta1", "beta2", "eps"))
    steps = trajectory.steps
    t = np.arange(1, steps + 1, dtype=np.int64)
    grad = trajectory.grads.copy()
    m, u = trajectory.states["m"].copy(), trajectory.states["u"].copy()
    m_hat = m / bias_correction(beta1, t)[:, None]
    diverged_at = int(trajectory.diverged_at)
    # steps that produced a point: all of them, or those before the failing step
    good = steps if diverged_at < 0 else max(diverged_at - 1, 0)

    # u_t = max(β2·u_{t−1}, fresh) with u_0 = 0: the same operations as the rule, so ties compare exactly
    u_before = np.zeros_like(u)
    u_before[1:] = u[:-1]
    fresh = np.abs(grad)
    if optimizer.eps_mode == "pytorch":
        fresh += eps
    fresh_won = fresh >= u_before * beta2
    fresh_won[good:] = False

    return AdaMaxInternals(
        t=t, grad=grad, m=m, m_hat=m_hat, u=u,
        adam_sqrt_v_hat=_adam_sqrt_v_hat(beta1, beta2, grad, good),
        step=np.diff(trajectory.points, axis=0),
        fresh_won=fresh_won,
        bound=np.broadcast_to(adamax_step_bound(lr, beta1, beta2, t), (steps,)).astype(np.float64),
        adam_bound=np.broadcast_to(adam_step_bound(lr, beta1, beta2, t), (steps,)).astype(np.float64),
        theta=trajectory.points.copy(),
        diverged_at=diverged_at,
    )


def _adam_sqrt_v_hat(beta1: float, beta2: float, grads: Array, good: int) -> Array:
    """√(v_t/(1 − β2^t)) from the real Adam rule driven over `grads`; held after the first `good` steps."""
    adam = Adam(beta1=beta1, beta2=beta2, eps=0.0)
    out = np.zeros_like(grads)
    state = adam.init(np.zeros(2))
    buffers = [type(state)(0, np.empty(2), np.empty(2)), type(state)(0, np.empty(2), np.empty(2))]
    scratch = np.empty(2)
    with np.errstate(all="ignore"):  # eps = 0: Adam's own step is 0/0 where v = 0; only v is used here
        for k in range(good):
            _, state = adam.update_into(grads[k], state, buffers[k % 2], scratch)
            out[k] = state.v
        t = np.arange(1, good + 1)
        out[:good] = np.sqrt(out[:good] / bias_correction(beta2, t)[:, None])
    if good < len(grads):
        out[good:] = out[good - 1] if good > 0 else 0.0
    return out


def step_table(internals: AdaMaxInternals, rows: int) -> dict[str, Array]:
    """The first `rows` steps (all of them if fewer), one array per column in TABLE_COLUMNS order.

    Columns: t, then per coordinate g, m, m̂, u, the step Δθ and θ after the step — what a student needs to
    check a hand calculation of the rule; `pandas.DataFrame(step_table(…)).to_csv()` is the download.
    """
    if isinstance(rows, bool) or not isinstance(rows, int | np.integer) or rows < 0:
        raise ValueError(f"rows must be a non-negative integer, got {rows!r}")
    n = min(int(rows), internals.steps)
    table: dict[str, Array] = {"t": internals.t[:n].copy()}
    for name, series in (("g", internals.grad), ("m", internals.m), ("m_hat", internals.m_hat),
                         ("u", internals.u), ("step", internals.step), ("theta", internals.theta[1:])):
        table[f"{name}_x"] = series[:n, 0].copy()
        table[f"{name}_y"] = series[:n, 1].copy()
    return table


def equations_at(optimizer: Optimizer, trajectory: Trajectory, t: int) -> str | None:
    """The update rule of step t (1 ≤ t ≤ T) as LaTeX with that step's numbers: `optimizer.latex_numbers`.

    The state before step t is the recorded state after step t − 1 (for t = 1, `optimizer.init`).
    None for optimizers without `latex_numbers`. ValueError if t is outside 1 … T, or, for an optimizer
    that has it, if the trajectory is batched or has no recorded state, or a hyperparameter is an array.
    """
    steps = trajectory.steps
    if isinstance(t, bool) or not isinstance(t, int | np.integer) or not 1 <= t <= steps:
        raise ValueError(f"t must be a step of the run, an integer in [1, {steps}], got {t!r}")
    latex_numbers = getattr(optimizer, "latex_numbers", None)
    if latex_numbers is None:
        return None
    t = int(t)
    initial = optimizer.init(np.asarray(trajectory.points[0], dtype=np.float64))
    names = initial._fields[1:]
    _check_recorded(trajectory, names)
    state = type(initial)
    before = initial if t == 1 else state(t - 1, *(trajectory.states[n][t - 2] for n in names))
    after = state(t, *(trajectory.states[n][t - 1] for n in names))
    return latex_numbers(trajectory.grads[t - 1], before, after, trajectory.points[t - 1], trajectory.points[t])


def _check_recorded(trajectory: Trajectory, names: tuple[str, ...]) -> None:
    if trajectory.states is None or trajectory.grads is None:
        raise ValueError("the trajectory has no recorded state: run it with run(..., record_state=True)")
    if trajectory.points.ndim != 2 or trajectory.points.shape[1] != 2:
        raise ValueError(f"the trajectory is batched (points of shape {trajectory.points.shape}); "
                         "this needs a single run from one start, points of shape (T + 1, 2)")
    missing = [n for n in names if n not in trajectory.states]
    if missing:
        raise ValueError(f"the trajectory's recorded state {sorted(trajectory.states)} lacks {missing}: "
                         "was it run with this optimizer?")


def _check_scalar_hyperparameters(optimizer: Optimizer) -> None:
    arrays = [name for name, value in optimizer.hyperparameters().items() if np.ndim(value)]
    if arrays:
        raise ValueError(f"hyperparameters {arrays} are arrays: this needs one configuration (scalars)")


def spike_memory(beta2: float, factor: float, *, above: float = 2.0) -> dict[str, int]:
    r"""How many steps one gradient spike keeps each normaliser above `above` × its baseline.

    A steady gradient of size b, then once K·b, then b again (K = `factor`); n counts the steps from the
    spike's (n = 0). AdaMax's u = K·b·β2^n, so u > above·b while n < ln(K/above)/ln(1/β2). Adam's
    v_n = b² + (1 − β2)(K² − 1)b²β2^n (its baseline long settled, so bias correction ≈ 1), so √v̂ > above·b
    while n < ln((1 − β2)(K² − 1)/(above² − 1))/ln(1/β2). Adam's memory of a spike grows like 2 ln K,
    AdaMax's like ln K: moderate spikes linger longer in u, and from K ≈ `spike_crossover(β2)` on (1,500 for
    β2 = 0.999), longer in Adam's √v̂. Returns {"adamax": steps, "adam": steps}, 0 where a normaliser never
    reaches the threshold.

    >>> spike_memory(0.999, 1e4)
    {'adamax': 8513, 'adam': 10410}
    """
    if not 0 < beta2 < 1:
        raise ValueError(f"beta2 must be in (0, 1) for a spike to decay, got {beta2!r}")
    if not (np.isfinite(factor) and factor >= 1):
        raise ValueError(f"factor must be finite and ≥ 1, got {factor!r}")
    if not (np.isfinite(above) and above > 1):
        raise ValueError(f"above must be finite and > 1, got {above!r}")
    decay = -np.log(beta2)
    # n counts the steps after the spike at which the normaliser is still above the threshold: n = 0, 1, …
    adamax = np.log(factor / above) / decay
    adam = np.log((1.0 - beta2) * (factor**2 - 1.0) / (above**2 - 1.0)) / decay if factor > 1 else -1.0
    return {"adamax": int(np.floor(adamax)) + 1 if adamax >= 0 else 0,
            "adam": int(np.floor(adam)) + 1 if adam >= 0 else 0}


def spike_crossover(beta2: float, *, above: float = 2.0) -> float:
    """The spike factor K above which Adam's √v̂ remembers a spike longer than AdaMax's u (see `spike_memory`).

    Equal when (1 − β2)K²/(above² − 1) = K/above (K² − 1 ≈ K² there), i.e. K = (above² − 1)/(above·(1 − β2)).

    >>> round(spike_crossover(0.999)), round(spike_crossover(0.99))
    (1500, 150)
    """
    return (above**2 - 1.0) / (above * (1.0 - beta2))
