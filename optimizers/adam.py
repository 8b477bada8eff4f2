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

from .base import Array, Hyperparameter, Optimizer, bias_correction, check_beta, check_nonnegative, check_positive

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
        np.subtract(grad, state.m, out=m)  # m + (1 − β1)(g − m): PyTorch's lerp
        m *= 1.0 - self.beta1
        m += state.m
        np.multiply(state.v, self.beta2, out=v)
        np.square(grad, out=updates)  # `updates` is scratch until the step is written
        updates *= 1.0 - self.beta2
        v += updates
        np.sqrt(v, out=updates)  # √v̂ + ε = √v / √(1 − β2^t) + ε, as PyTorch computes it
        updates /= np.sqrt(bias_correction(self.beta2, t))
        updates += self.eps
        np.divide(m, updates, out=updates)
        updates *= self.lr
        updates *= -1.0 / bias_correction(self.beta1, t)
        return updates, AdamState(t, m, v)
