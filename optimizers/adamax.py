r"""AdaMax — Kingma & Ba, "Adam: A Method for Stochastic Optimization" (arXiv:1412.6980), §7.1, Algorithm 2.

Adam with the L2 norm of past gradients replaced by the L∞ norm. With m₀ = u₀ = 0, each step t:

    m_t = β1·m_{t−1} + (1 − β1)·g_t
    u_t = max(β2·u_{t−1}, |g_t|)                       (element-wise)
    θ_t = θ_{t−1} − α/(1 − β1^t) · m_t / u_t

The paper has no ε; where a coordinate's gradient has been exactly 0 since the start, m = u = 0 and the
step is 0/0; where u = 0 but m ≠ 0 (β2 = 0 and a zero gradient after non-zero ones, or u underflowing) it is
m/0 = ±∞. Frameworks place ε differently (docs/REFERENCE.md §1):

    eps_mode="pytorch"  u_t = max(β2·u_{t−1}, |g_t| + ε)             torch.optim.Adamax, optax.adamax
    eps_mode="keras"    θ_t = θ_{t−1} − α·m_t / ((1 − β1^t)(u_t + ε))   keras.optimizers.Adamax
    eps_mode="paper"    no ε; a coordinate with u_t = 0 does not move (its undefined step, 0/0 or m/0, is taken as 0)

The default is "pytorch": what most practitioners' training code runs. The other defaults follow the paper
(α = 0.002, β1 = 0.9, β2 = 0.999) — which PyTorch shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import numpy as np

from .adam import BETA1
from .base import (
    Array,
    Hyperparameter,
    Optimizer,
    bias_correction,
    check_beta,
    check_nonnegative,
    check_positive,
    check_step_bound_arguments,
    lerp_into,
    lerp_weight,
)
from .latex import (
    aligned,
    coordinate_names,
    latex_hyper,
    latex_power,
    latex_vector,
    safe_divide,
    scalar_hyperparameter,
)

EPS_MODES = ("pytorch", "keras", "paper")

_MOMENT = r"m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t"
_BIAS = r"\hat m_t &= \frac{m_t}{1-\beta_1^t}"
LATEX_BY_MODE: dict[str, str] = {
    "pytorch": "\\begin{aligned}\n" + _MOMENT + r" \\" + "\n"
    r"u_t &= \max\!\left(\beta_2 u_{t-1},\ |g_t| + \epsilon\right) \\" + "\n"
    + _BIAS + r" \\" + "\n"
    r"\theta_t &= \theta_{t-1} - \alpha\, \frac{\hat m_t}{u_t}" + "\n\\end{aligned}",
    "keras": "\\begin{aligned}\n" + _MOMENT + r" \\" + "\n"
    r"u_t &= \max\!\left(\beta_2 u_{t-1},\ |g_t|\right) \\" + "\n"
    + _BIAS + r" \\" + "\n"
    r"\theta_t &= \theta_{t-1} - \alpha\, \frac{\hat m_t}{u_t + \epsilon}" + "\n\\end{aligned}",
    "paper": "\\begin{aligned}\n" + _MOMENT + r" \\" + "\n"
    r"u_t &= \max\!\left(\beta_2 u_{t-1},\ |g_t|\right) \\" + "\n"
    + _BIAS + r" \\" + "\n"
    r"\theta_t &= \theta_{t-1} - \alpha\, \frac{\hat m_t}{u_t} \quad (0 \text{ where } u_t = 0)"
    + "\n\\end{aligned}",
}


class AdaMaxState(NamedTuple):
    """t: steps taken; m: first moment (EMA of g); u: infinity norm max(β2·u, |g|)."""

    t: int
    m: Array
    u: Array


@dataclass(frozen=True)
class AdaMax(Optimizer):
    """AdaMax with the ε placement of `eps_mode` ("pytorch", "keras" or "paper")."""

    lr: Any = 0.002
    beta1: Any = 0.9
    beta2: Any = 0.999
    eps: Any = 1e-8
    eps_mode: str = "pytorch"

    key: ClassVar[str] = "adamax"
    title: ClassVar[str] = "AdaMax"
    LATEX: ClassVar[str] = LATEX_BY_MODE["pytorch"]
    STATE_LATEX: ClassVar[dict[str, str]] = {"m": "m_t", "u": "u_t"}
    HYPERPARAMETERS: ClassVar[tuple[Hyperparameter, ...]] = (
        Hyperparameter("lr", "step size α: a cap on each coordinate's move per step (exactly α on the first "
                       "step, at most α(1−β1)/(1−β1/β2) later for β1 < β2; no cap after the first step for "
                       "β1 ≥ β2 > 0)",
                       1e-4, 2.0, "log", "> 0"),
        BETA1,
        Hyperparameter("beta2", "decay of the infinity norm u: how long a large gradient is remembered",
                       0.0, 0.9999, "one_minus_log", "[0, 1)"),
        Hyperparameter("eps", "ε guarding the division by u", 0.0, 1e-3, "log", "≥ 0"),
        Hyperparameter("eps_mode", "where ε enters: PyTorch (inside the max), Keras (added to u), "
                       "or the paper (no ε)", scale="choice", valid="pytorch | keras | paper",
                       choices=EPS_MODES),
    )

    def __post_init__(self) -> None:
        self._set("lr", check_positive("lr", self.lr))
        self._set("beta1", check_beta("beta1", self.beta1))
        self._set("beta2", check_beta("beta2", self.beta2))
        self._set("eps", check_nonnegative("eps", self.eps))
        if not isinstance(self.eps_mode, str) or self.eps_mode not in EPS_MODES:
            raise ValueError(f"eps_mode must be one of {', '.join(EPS_MODES)}, got {self.eps_mode!r}")

    def latex(self) -> str:
        return LATEX_BY_MODE[self.eps_mode]

    def init(self, params: Array) -> AdaMaxState:
        return AdaMaxState(0, np.zeros_like(params), np.zeros_like(params))

    def update_into(self, grad: Array, state: AdaMaxState, out: AdaMaxState,
                    updates: Array) -> tuple[Array, AdaMaxState]:
        t = state.t + 1
        m, u = out.m, out.u
        # m_t = m + (1 − β1)(g − m) = β1·m + (1 − β1)·g, written as PyTorch's lerp
        lerp_into(m, state.m, grad, self.derived("lerp_beta1", lambda: lerp_weight(1.0 - self.beta1)))
        np.abs(grad, out=u)
        if self.eps_mode == "pytorch":
            u += self.eps
        np.multiply(state.u, self.beta2, out=updates)  # `updates` is scratch until the step is written
        np.maximum(updates, u, out=u)
        if self.eps_mode == "keras":
            np.add(u, self.eps, out=updates)
            np.divide(m, updates, out=updates)
        elif self.eps_mode == "paper":
            # where u = 0 the step is undefined (0/0 if m = 0 too, m/0 = ±∞ if not): taken as no move
            updates.fill(0.0)
            np.divide(m, u, out=updates, where=u > 0)
        else:
            np.divide(m, u, out=updates)
        updates *= self.lr
        updates *= self.per_configuration("beta1", lambda beta1: -1.0 / bias_correction(beta1, t))
        return updates, AdaMaxState(t, m, u)

    def latex_numbers(self, grad: Array, before: AdaMaxState, after: AdaMaxState,
                      theta_before: Array, theta_after: Array) -> str:
        r"""`latex()` with one step's numbers in it, each vector written per coordinate as \left( x,\ y \right).

        `before`/`after` are one member's states around step t = after.t, `grad` the gradient g_t it used,
        `theta_*` the points θ_{t−1}, θ_t. Numbers have 4 significant digits (optimizers.latex); non-finite
        values show as ∞ or NaN. In paper mode, a coordinate with u_t = 0 is written with a step of 0 and a note
        naming the undefined quotient, "0/0 → no move" (m = 0 too) or "m/0 = ±∞ → no move", as the rule takes
        it. ValueError if a hyperparameter is a per-member array.
        """
        lr, beta1, beta2, eps = (scalar_hyperparameter(name, getattr(self, name))
                                 for name in ("lr", "beta1", "beta2", "eps"))
        t = int(after.t)
        b1, b2 = latex_hyper(beta1), latex_hyper(beta2)
        m, u, g = latex_vector(after.m), latex_vector(after.u), latex_vector(grad)
        m_hat = safe_divide(after.m, bias_correction(beta1, t))
        fresh = rf"\left|{g}\right|" + (rf" + {latex_hyper(eps)}" if self.eps_mode == "pytorch" else "")
        denominator = u + (rf" + {latex_hyper(eps)}" if self.eps_mode == "keras" else "")
        theta = (rf"\theta_{{{t}}} &= {latex_vector(theta_before)} - {latex_hyper(lr)} \cdot "
                 rf"\frac{{{latex_vector(m_hat)}}}{{{denominator}}}")
        theta_after_text, note = latex_vector(theta_after), ""
        no_move = np.asarray(after.u) == 0
        if self.eps_mode == "paper" and no_move.any():
            step = np.where(no_move, 0.0, -lr * safe_divide(m_hat, np.where(no_move, 1.0, after.u)))
            m_zero = np.asarray(after.m).ravel() == 0
            cases = [rf"{name}: {'0/0' if zero_m else 'm/0 = ±∞'}"
                     for name, zero, zero_m in zip(coordinate_names(no_move.size), no_move.ravel(), m_zero,
                                                   strict=True) if zero]
            theta += rf" = {latex_vector(theta_before)} + {latex_vector(step)}"
            note = rf" \quad \text{{({'; '.join(cases)} }}\rightarrow\text{{ no move)}}"
        return aligned([
            rf"m_{{{t}}} &= {b1} \cdot {latex_vector(before.m)} + {latex_hyper(1.0 - beta1)} \cdot {g} = {m}",
            rf"u_{{{t}}} &= \max\!\left({b2} \cdot {latex_vector(before.u)},\ {fresh}\right) = {u}",
            rf"\hat m_{{{t}}} &= \frac{{{m}}}{{1 - {latex_power(b1, t)}}} = {latex_vector(m_hat)}",
            theta + rf" = {theta_after_text}" + note,
        ])


def adamax_step_bound(lr: Any, beta1: Any, beta2: Any, t: Any) -> Array | float:
    r"""The largest |Δθ| AdaMax can take on one coordinate at step t (docs/REFERENCE.md §2).

    From |g_i| ≤ u_t / β2^(t−i):

        |Δθ_t| ≤ α (1 − β1)(1 − (β1/β2)^t) / ((1 − β1^t)(1 − β1/β2))     (β1 ≠ β2)
        |Δθ_t| ≤ α (1 − β1) t / (1 − β1^t)                               (β1 = β2)

    Exactly α at t = 1; for β1 < β2 it never exceeds α(1 − β1)/(1 − β1/β2) (≈ 1.0091·α for the defaults);
    for β1 ≥ β2 it grows with t. With β2 = 0 only |g_t| is remembered, so after the first step there is no
    bound unless β1 = 0 (then every step is exactly α): the function returns inf there. The first step is
    exactly α whatever β1 and β2 (m̂_1 = g_1, u_1 = |g_1|).

    >>> round(float(adamax_step_bound(0.002, 0.9, 0.999, 1)), 12)
    0.002
    """
    check_step_bound_arguments(lr, beta1, beta2, t)  # NaN, t < 1, lr ≤ 0: a ValueError, not a number
    lr, beta1, beta2, t = (np.asarray(v, dtype=np.float64) for v in (lr, beta1, beta2, t))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # Σ_{k<t} r^k = (r^t − 1)/(r − 1), r = β1/β2, through log1p/expm1: exact to rounding even for r near 1
        # (replacing it by t wherever np.isclose(r, 1) understated the bound by ≈ (r − 1)·t/2 when r > 1).
        log_ratio = np.log1p((beta1 - beta2) / beta2)
        geometric = np.where(log_ratio == 0, t, np.expm1(t * log_ratio) / np.expm1(log_ratio))
        bound = lr * (1.0 - beta1) * geometric / (1.0 - beta1**t)
    bound = np.where(beta2 > 0, bound, np.where((beta1 > 0) & (t > 1), np.inf, lr))
    return float(bound) if bound.ndim == 0 else bound
