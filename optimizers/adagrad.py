r"""AdaGrad, exactly as `torch.optim.Adagrad` (lr_decay = 0, no weight decay).

    s_t = s_{t−1} + g_t²          (s_0 = initial_accumulator_value)
    θ_t = θ_{t−1} − lr·g_t / (√s_t + ε)

PyTorch defaults: lr = 1e-2, ε = 1e-10, initial_accumulator_value = 0. Steps shrink like 1/√t.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import numpy as np

from .base import Array, Hyperparameter, Optimizer, check_nonnegative, check_positive


class AdaGradState(NamedTuple):
    """t: steps taken; s: the running sum of g²."""

    t: int
    s: Array


@dataclass(frozen=True)
class AdaGrad(Optimizer):
    """AdaGrad: per-coordinate steps divided by the root of the summed squared gradients."""

    lr: Any = 1e-2
    eps: Any = 1e-10
    initial_accumulator_value: Any = 0.0

    key: ClassVar[str] = "adagrad"
    title: ClassVar[str] = "AdaGrad"
    STATE_LATEX: ClassVar[dict[str, str]] = {"s": "s_t"}
    LATEX: ClassVar[str] = r"""\begin{aligned}
s_t &= s_{t-1} + g_t^2 \\
\theta_t &= \theta_{t-1} - \eta\, \frac{g_t}{\sqrt{s_t} + \epsilon}
\end{aligned}"""
    HYPERPARAMETERS: ClassVar[tuple[Hyperparameter, ...]] = (
        Hyperparameter("lr", "step size η", 1e-4, 5.0, "log", "> 0"),
        Hyperparameter("eps", "ε added to the denominator", 0.0, 1e-3, "log", "≥ 0"),
        Hyperparameter("initial_accumulator_value", "starting value s₀ of the sum of g²", 0.0, 10.0,
                       "linear", "≥ 0"),
    )

    def __post_init__(self) -> None:
        self._set("lr", check_positive("lr", self.lr))
        self._set("eps", check_nonnegative("eps", self.eps))
        self._set("initial_accumulator_value",
                  check_nonnegative("initial_accumulator_value", self.initial_accumulator_value))

    def init(self, params: Array) -> AdaGradState:
        return AdaGradState(0, np.full_like(params, 1.0) * self.initial_accumulator_value)

    def update_into(self, grad: Array, state: AdaGradState, out: AdaGradState,
                    updates: Array) -> tuple[Array, AdaGradState]:
        s = np.square(grad, out=out.s)
        s += state.s
        np.sqrt(s, out=updates)
        updates += self.eps
        np.divide(grad, updates, out=updates)
        updates *= self.lr
        np.negative(updates, out=updates)
        return updates, AdaGradState(state.t + 1, s)
