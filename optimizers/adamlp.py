r"""Adam with an Lp norm — Kingma & Ba (arXiv:1412.6980), §7.1, the family whose p → ∞ limit is AdaMax.

In the paper's parametrisation the decay of the p-th moment is β2^p:

    m_t = β1·m_{t−1} + (1 − β1)·g_t
    v_t = β2^p·v_{t−1} + (1 − β2^p)·|g_t|^p
    θ_t = θ_{t−1} − α·m̂_t / (v̂_t^{1/p} + ε),   m̂_t = m_t/(1 − β1^t),  v̂_t = v_t/(1 − β2^{pt})

So p = 2 is Adam with second-moment decay β2², and as p → ∞, v_t^{1/p} → max(β2·u_{t−1}, |g_t|): AdaMax
with the same β2.

`form="naive"` computes |g|^p literally: for large p it overflows to inf (|g| = 100, p = 160) or underflows
to 0 (|g| < 1), the numerical instability the paper mentions. `form="stable"` (the default) tracks
w = v^{1/p} directly (docs/REFERENCE.md §3):

    a = β2·w_{t−1},  b = (1 − β2^p)^{1/p}·|g_t|,  M = max(a, b)
    w_t = M·((a/M)^p + (b/M)^p)^{1/p}      (w_t = 0 where M = 0)
    ŵ_t = w_t / (1 − β2^{pt})^{1/p}

Both ratios lie in [0, 1], so nothing overflows, whatever p.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import numpy as np

from .adam import BETA1, EPS, LR
from .base import (
    Array,
    Hyperparameter,
    Optimizer,
    bias_correction,
    check_beta,
    check_nonnegative,
    check_positive,
    check_range,
    lerp_into,
    lerp_weight,
)

FORMS = ("stable", "naive")


class AdamLpState(NamedTuple):
    """t: steps taken; m: first moment; w: the Lp norm v^{1/p} (form "stable") or v itself (form "naive")."""

    t: int
    m: Array
    w: Array


@dataclass(frozen=True)
class AdamLp(Optimizer):
    """Adam with the Lp norm of past gradients, p ≥ 1 finite, decay β2^p."""

    lr: Any = 0.002
    beta1: Any = 0.9
    beta2: Any = 0.999
    eps: Any = 1e-8
    p: Any = 2.0
    form: str = "stable"

    key: ClassVar[str] = "adamlp"
    title: ClassVar[str] = "Adam-Lp"
    STATE_LATEX: ClassVar[dict[str, str]] = {"m": "m_t", "w": "v_t^{1/p}"}
    LATEX: ClassVar[str] = r"""\begin{aligned}
m_t &= \beta_1 m_{t-1} + (1-\beta_1)\, g_t \\
v_t &= \beta_2^p\, v_{t-1} + (1-\beta_2^p)\, |g_t|^p \\
\hat m_t &= \frac{m_t}{1-\beta_1^t}, \quad \hat v_t = \frac{v_t}{1-\beta_2^{pt}} \\
\theta_t &= \theta_{t-1} - \alpha\, \frac{\hat m_t}{\hat v_t^{1/p} + \epsilon}
\end{aligned}"""
    HYPERPARAMETERS: ClassVar[tuple[Hyperparameter, ...]] = (
        LR, BETA1,
        Hyperparameter("beta2", "β2; the p-th moment decays by β2^p", 0.0, 0.9999, "one_minus_log", "[0, 1)"),
        EPS,
        Hyperparameter("p", "the norm's order: p = 2 is Adam (with decay β2²), p → ∞ is AdaMax",
                       1.0, 256.0, "log", "[1, ∞)"),
        Hyperparameter("form", "stable (tracks v^{1/p}) or naive (computes |g|^p, which overflows)",
                       scale="choice", valid="stable | naive", choices=FORMS),
    )

    def __post_init__(self) -> None:
        self._set("lr", check_positive("lr", self.lr))
        self._set("beta1", check_beta("beta1", self.beta1))
        self._set("beta2", check_beta("beta2", self.beta2))
        self._set("eps", check_nonnegative("eps", self.eps))
        self._set("p", check_range("p", self.p, low=1.0))
        if not isinstance(self.form, str) or self.form not in FORMS:
            raise ValueError(f"form must be one of {', '.join(FORMS)}, got {self.form!r}")

    def init(self, params: Array) -> AdamLpState:
        return AdamLpState(0, np.zeros_like(params), np.zeros_like(params))

    def update_into(self, grad: Array, state: AdamLpState, out: AdamLpState,
                    updates: Array) -> tuple[Array, AdamLpState]:
        t = state.t + 1
        p = self.p
        m = lerp_into(out.m, state.m, grad, self.derived("lerp_beta1", lambda: lerp_weight(1.0 - self.beta1)))
        decay = np.power(self.beta2, p)
        if self.form == "naive":
            out.w[...] = decay * state.w + (1.0 - decay) * np.abs(grad) ** p
            norm = (out.w / bias_correction(decay, t)) ** (1.0 / p)
        else:
            out.w[...] = self._stable_norm(state.w, grad, decay)
            norm = out.w / bias_correction(decay, t) ** (1.0 / p)
        norm += self.eps
        np.divide(m, norm, out=updates)
        updates *= self.lr
        updates *= self.per_configuration("beta1", lambda beta1: -1.0 / bias_correction(beta1, t))
        return updates, AdamLpState(t, m, out.w)

    def _stable_norm(self, w: Array, grad: Array, decay: Array | float) -> Array:
        """w_t = M·((a/M)^p + (b/M)^p)^{1/p}, a = β2·w_{t−1}, b = (1 − β2^p)^{1/p}·|g|, M = max(a, b); 0 where M = 0."""
        p = self.p
        a = self.beta2 * w
        b = (1.0 - decay) ** (1.0 / p) * np.abs(grad)
        top = np.maximum(a, b)
        positive = top > 0
        safe = np.where(positive, top, 1.0)  # both ratios are then 0/1 where M = 0: no 0/0
        return np.where(positive, top * ((a / safe) ** p + (b / safe) ** p) ** (1.0 / p), 0.0)
