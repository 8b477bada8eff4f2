r"""Adam — Kingma & Ba (arXiv:1412.6980), Algorithm 1, with PyTorch's ε placement (`torch.optim.Adam`).

    m_t = β1·m_{t−1} + (1 − β1)·g_t
    v_t = β2·v_{t−1} + (1 − β2)·g_t²
    θ_t = θ_{t−1} − α·m̂_t / (√v̂_t + ε),   m̂_t = m_t/(1 − β1^t),  v̂_t = v_t/(1 − β2^t)

PyTorch defaults: α = 1e-3, β = (0.9, 0.999), ε = 1e-8.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import numpy as np

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
from .latex import aligned, latex_hyper, latex_power, latex_vector, safe_divide, scalar_hyperparameter

LR = Hyperparameter("lr", "step size α", 1e-4, 2.0, "log", "> 0")
BETA1 = Hyperparameter("beta1", "decay of the first moment m (momentum)", 0.0, 0.999, "one_minus_log", "[0, 1)")
EPS = Hyperparameter("eps", "ε added to the denominator", 0.0, 1e-3, "log", "≥ 0")


class AdamState(NamedTuple):
    """t: steps taken; m: first moment (EMA of g); v: second moment (EMA of g²)."""

    t: int
    m: Array
    v: Array


@dataclass(frozen=True)
class Adam(Optimizer):
    """Adam, exactly as `torch.optim.Adam` (no weight decay, no AMSGrad)."""

    lr: Any = 1e-3
    beta1: Any = 0.9
    beta2: Any = 0.999
    eps: Any = 1e-8

    key: ClassVar[str] = "adam"
    title: ClassVar[str] = "Adam"
    STATE_LATEX: ClassVar[dict[str, str]] = {"m": "m_t", "v": "v_t"}
    LATEX: ClassVar[str] = r"""\begin{aligned}
m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
v_t &= \beta_2 v_{t-1} + (1-\beta_2)\, g_t^2 \\
\hat m_t &= \frac{m_t}{1-\beta_1^t}, \quad \hat v_t = \frac{v_t}{1-\beta_2^t} \\
\theta_t &= \theta_{t-1} - \alpha\, \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}
\end{aligned}"""
    HYPERPARAMETERS: ClassVar[tuple[Hyperparameter, ...]] = (
        LR, BETA1,
        Hyperparameter("beta2", "decay of the second moment v (EMA of g²)", 0.0, 0.9999, "one_minus_log", "[0, 1)"),
        EPS,
    )

    def __post_init__(self) -> None:
        self._set("lr", check_positive("lr", self.lr))
        self._set("beta1", check_beta("beta1", self.beta1))
        self._set("beta2", check_beta("beta2", self.beta2))
        self._set("eps", check_nonnegative("eps", self.eps))

    def init(self, params: Array) -> AdamState:
        return AdamState(0, np.zeros_like(params), np.zeros_like(params))

    def update_into(self, grad: Array, state: AdamState, out: AdamState,
                    updates: Array) -> tuple[Array, AdamState]:
        t = state.t + 1
        m, v = out.m, out.v
        lerp_into(m, state.m, grad, self.derived("lerp_beta1", lambda: lerp_weight(1.0 - self.beta1)))
        np.multiply(state.v, self.beta2, out=v)
        np.square(grad, out=updates)  # `updates` is scratch until the step is written
        updates *= 1.0 - self.beta2
        v += updates
        np.sqrt(v, out=updates)  # √v̂ + ε = √v / √(1 − β2^t) + ε, as PyTorch computes it
        updates /= self.per_configuration("beta2", lambda beta2: np.sqrt(bias_correction(beta2, t)))
        updates += self.eps
        np.divide(m, updates, out=updates)
        updates *= self.lr
        updates *= self.per_configuration("beta1", lambda beta1: -1.0 / bias_correction(beta1, t))
        return updates, AdamState(t, m, v)

    def latex_numbers(self, grad: Array, before: AdamState, after: AdamState,
                      theta_before: Array, theta_after: Array) -> str:
        r"""`LATEX` with one step's numbers in it, each vector written per coordinate as \left( x,\ y \right).

        `before`/`after` are one member's states around step t = after.t, `grad` the gradient g_t it used,
        `theta_*` the points θ_{t−1}, θ_t. Numbers have 4 significant digits (optimizers.latex); non-finite
        values show as ∞ or NaN. ValueError if a hyperparameter is a per-member array.
        """
        lr, beta1, beta2, eps = (scalar_hyperparameter(name, getattr(self, name))
                                 for name in ("lr", "beta1", "beta2", "eps"))
        t = int(after.t)
        b1, b2 = latex_hyper(beta1), latex_hyper(beta2)
        m, v, g = latex_vector(after.m), latex_vector(after.v), latex_vector(grad)
        m_hat = latex_vector(safe_divide(after.m, bias_correction(beta1, t)))
        v_hat = latex_vector(safe_divide(after.v, bias_correction(beta2, t)))
        return aligned([
            rf"m_{{{t}}} &= {b1} \cdot {latex_vector(before.m)} + {latex_hyper(1.0 - beta1)} \cdot {g} = {m}",
            rf"v_{{{t}}} &= {b2} \cdot {latex_vector(before.v)} + {latex_hyper(1.0 - beta2)} \cdot {g}^{{2}} = {v}",
            rf"\hat m_{{{t}}} &= \frac{{{m}}}{{1 - {latex_power(b1, t)}}} = {m_hat}",
            rf"\hat v_{{{t}}} &= \frac{{{v}}}{{1 - {latex_power(b2, t)}}} = {v_hat}",
            rf"\theta_{{{t}}} &= {latex_vector(theta_before)} - {latex_hyper(lr)} \cdot "
            rf"\frac{{{m_hat}}}{{\sqrt{{{v_hat}}} + {latex_hyper(eps)}}} = {latex_vector(theta_after)}",
        ])


def adam_step_bound(lr: Any, beta1: Any, beta2: Any, t: Any) -> Array | float:
    r"""The exact largest |Δθ| Adam can take on one coordinate at step t, over all gradient sequences (ε = 0).

    ε only shrinks the step (|m̂|/(√v̂ + ε) ≤ |m̂|/√v̂), so this bounds Adam with any ε. Unrolling the EMAs,

        m̂_t = Σ_{i≤t} a_i g_i,   a_i = (1 − β1) β1^(t−i) / (1 − β1^t)
        v̂_t = Σ_{i≤t} b_i g_i²,  b_i = (1 − β2) β2^(t−i) / (1 − β2^t)

    and Cauchy–Schwarz on Σ (a_i/√b_i)(√b_i g_i) gives |m̂_t| ≤ √(Σ a_i²/b_i) · √v̂_t, with equality for
    g_i ∝ a_i/b_i ∝ (β1/β2)^(t−i) (a gradient growing into step t). With r = β1²/β2,

        Σ a_i²/b_i = (1 − β1)²(1 − β2^t) / ((1 − β1^t)²(1 − β2)) · Σ_{k<t} r^k,

    so |Δθ_t| ≤ α · √((1 − β1)²(1 − β2^t) / ((1 − β1^t)²(1 − β2)) · Σ_{k<t} r^k), and the bound is attained.
    Exactly α at t = 1. For r < 1 it tends to α·√((1 − β1)² / ((1 − β2)(1 − β1²/β2))) — ≈ 7.27·α for the
    defaults (0.9, 0.999), against ≈ 1.009·α for AdaMax (`adamax_step_bound`): Adam's "box" is wider, because
    a √(mean of g²) can be far below the largest recent |g| that AdaMax divides by. For r ≥ 1 it grows with t
    without limit. With β2 = 0, v̂ = g_t² forgets every earlier gradient, so there is no bound (inf) for t > 1
    unless β1 = 0 (then every step is exactly α).

    Arguments broadcast against each other, like `adamax_step_bound`. Σ r^k is taken through log1p/expm1
    (exact to rounding for r near 1), and in logarithms for r > 1, so a large t overflows only when the bound
    itself exceeds the float range.

    >>> round(float(adam_step_bound(0.001, 0.9, 0.999, 1)), 12), round(float(adam_step_bound(1, 0.9, 0.999, 10**6)), 4)
    (0.001, 7.2703)
    """
    check_step_bound_arguments(lr, beta1, beta2, t)  # NaN, t < 1, lr ≤ 0: a ValueError, not a number
    lr, beta1, beta2, t = (np.asarray(v, dtype=np.float64) for v in (lr, beta1, beta2, t))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        scale = (1.0 - beta1) ** 2 * (1.0 - beta2**t) / ((1.0 - beta1**t) ** 2 * (1.0 - beta2))
        log_ratio = np.log1p((beta1 * beta1 - beta2) / beta2)  # log r
        # r < 1: Σ_{k<t} r^k = expm1(t log r)/expm1(log r), bounded by 1/(1 − r)
        below = np.sqrt(scale * np.expm1(t * log_ratio) / np.expm1(log_ratio))
        # r > 1: Σ_{k<t} r^k = r^t · (1 − r^(−t))/(r − 1), all in logarithms
        log_above = np.log(lr) + 0.5 * (np.log(scale) + t * log_ratio
                                        + np.log(-np.expm1(-t * log_ratio)) - np.log(np.expm1(log_ratio)))
        root = np.where(log_ratio == 0, np.sqrt(scale * t), below)
        bound = np.where(log_ratio > 0, np.exp(log_above), lr * root)
    # β2 = 0 (b_i = 0 for i < t): only the first step, or β1 = 0, is bounded — by α
    bound = np.where(beta2 > 0, bound, np.where((beta1 > 0) & (t > 1), np.inf, lr))
    return float(bound) if bound.ndim == 0 else bound
