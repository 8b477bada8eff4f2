r"""RMSProp, exactly as `torch.optim.RMSprop` (not centered, no weight decay).

    v_t = α·v_{t−1} + (1 − α)·g_t²
    b_t = μ·b_{t−1} + g_t / (√v_t + ε)
    θ_t = θ_{t−1} − lr·b_t                (μ = 0: θ_t = θ_{t−1} − lr·g_t / (√v_t + ε))

PyTorch defaults: lr = 1e-2, α = 0.99, ε = 1e-8, μ = 0. No bias correction: early steps are large.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import numpy as np

from .base import Array, Hyperparameter, Optimizer, check_beta, check_nonnegative, check_positive, check_range
from .sgd import MOMENTUM


class RMSPropState(NamedTuple):
    """t: steps taken; v: EMA of g²; b: momentum buffer."""

    t: int
    v: Array
    b: Array


@dataclass(frozen=True)
class RMSProp(Optimizer):
    """RMSProp with optional momentum."""

    lr: Any = 1e-2
    alpha: Any = 0.99
    eps: Any = 1e-8
    momentum: Any = 0.0

    key: ClassVar[str] = "rmsprop"
    title: ClassVar[str] = "RMSProp"
    STATE_LATEX: ClassVar[dict[str, str]] = {"v": "v_t", "b": "b_t"}
    LATEX: ClassVar[str] = r"""\begin{aligned}
v_t &= \alpha\, v_{t-1} + (1-\alpha)\, g_t^2 \\
b_t &= \mu\, b_{t-1} + \frac{g_t}{\sqrt{v_t} + \epsilon} \\
\theta_t &= \theta_{t-1} - \eta\, b_t
\end{aligned}"""
    HYPERPARAMETERS: ClassVar[tuple[Hyperparameter, ...]] = (
        Hyperparameter("lr", "step size η", 1e-4, 2.0, "log", "> 0"),
        Hyperparameter("alpha", "smoothing constant α of the EMA of g²", 0.0, 0.9999, "one_minus_log", "[0, 1)"),
        Hyperparameter("eps", "ε added to the denominator", 0.0, 1e-3, "log", "≥ 0"),
        MOMENTUM,
    )

    def __post_init__(self) -> None:
        self._set("lr", check_positive("lr", self.lr))
        self._set("alpha", check_beta("alpha", self.alpha))
        self._set("eps", check_nonnegative("eps", self.eps))
        self._set("momentum", check_range("momentum", self.momentum, low=0.0, high=1.0))

    def init(self, params: Array) -> RMSPropState:
        return RMSPropState(0, np.zeros_like(params), np.zeros_like(params))

    def update_into(self, grad: Array, state: RMSPropState, out: RMSPropState,
                    updates: Array) -> tuple[Array, RMSPropState]:
        v = np.multiply(state.v, self.alpha, out=out.v)
        np.square(grad, out=updates)  # `updates` is scratch until the step is written
        updates *= 1.0 - self.alpha
        v += updates
        np.sqrt(v, out=updates)
        updates += self.eps
        np.divide(grad, updates, out=updates)
        buffer = np.multiply(state.b, self.momentum, out=out.b)
        buffer += updates
        np.multiply(buffer, self.lr, out=updates)
        np.negative(updates, out=updates)
        return updates, RMSPropState(state.t + 1, v, buffer)
