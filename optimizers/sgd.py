r"""SGD with optional (Nesterov) momentum, exactly as `torch.optim.SGD` with dampening 0, no weight decay.

    b_t = μ·b_{t−1} + g_t            (b_1 = g_1, which b_0 = 0 gives too)
    d_t = g_t + μ·b_t  if nesterov, else b_t        (μ = 0: d_t = g_t)
    θ_t = θ_{t−1} − α·d_t

PyTorch defaults: α = 1e-3, μ = 0, nesterov = False (nesterov needs μ > 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import numpy as np

from .base import Array, Hyperparameter, Optimizer, check_positive, check_range
from .latex import aligned, latex_hyper, latex_vector, scalar_hyperparameter

MOMENTUM = Hyperparameter("momentum", "momentum μ: how much of the previous step is kept", 0.0, 0.99,
                          "linear", "[0, 1)")


class SGDState(NamedTuple):
    """t: steps taken; b: the momentum buffer."""

    t: int
    b: Array


@dataclass(frozen=True)
class SGD(Optimizer):
    """Plain, heavy-ball or Nesterov gradient descent."""

    lr: Any = 1e-3
    momentum: Any = 0.0
    nesterov: bool = False

    key: ClassVar[str] = "sgd"
    title: ClassVar[str] = "SGD"
    STATE_LATEX: ClassVar[dict[str, str]] = {"b": "b_t"}
    LATEX: ClassVar[str] = r"""\begin{aligned}
b_t &= \mu\, b_{t-1} + g_t \\
d_t &= \begin{cases} g_t + \mu\, b_t & \text{Nesterov} \\ b_t & \text{otherwise} \end{cases} \\
\theta_t &= \theta_{t-1} - \alpha\, d_t
\end{aligned}"""
    HYPERPARAMETERS: ClassVar[tuple[Hyperparameter, ...]] = (
        Hyperparameter("lr", "step size α: the step is α times the gradient (with momentum, α times the "
                       "momentum buffer)", 1e-5, 1.0, "log", "> 0"),
        MOMENTUM,
        Hyperparameter("nesterov", "Nesterov momentum (look-ahead); needs momentum > 0", scale="bool",
                       valid="true | false"),
    )

    def __post_init__(self) -> None:
        self._set("lr", check_positive("lr", self.lr))
        self._set("momentum", check_range("momentum", self.momentum, low=0.0, high=1.0))
        if not isinstance(self.nesterov, bool | np.bool_):
            raise ValueError(f"nesterov must be true or false, got {self.nesterov!r}")
        if self.nesterov and np.any(np.asarray(self.momentum) <= 0):
            raise ValueError("nesterov needs momentum in (0, 1), got momentum 0")
        self._set("nesterov", bool(self.nesterov))

    def init(self, params: Array) -> SGDState:
        return SGDState(0, np.zeros_like(params))

    def update_into(self, grad: Array, state: SGDState, out: SGDState, updates: Array) -> tuple[Array, SGDState]:
        buffer = np.multiply(state.b, self.momentum, out=out.b)
        buffer += grad
        if self.nesterov:
            np.multiply(buffer, self.momentum, out=updates)
            updates += grad
        else:
            np.copyto(updates, buffer)
        updates *= self.lr
        np.negative(updates, out=updates)
        return updates, SGDState(state.t + 1, buffer)

    def latex_numbers(self, grad: Array, before: SGDState, after: SGDState,
                      theta_before: Array, theta_after: Array) -> str:
        r"""`LATEX` with one step's numbers in it, each vector written per coordinate as \left( x,\ y \right).

        `before`/`after` are one member's states around step t = after.t, `grad` the gradient g_t it used,
        `theta_*` the points θ_{t−1}, θ_t. The d_t line shows the case that applies (Nesterov or not).
        Numbers have 4 significant digits (optimizers.latex). ValueError if a hyperparameter is an array.
        """
        lr, mu = (scalar_hyperparameter(name, getattr(self, name)) for name in ("lr", "momentum"))
        t = int(after.t)
        g, b, mu_text = latex_vector(grad), latex_vector(after.b), latex_hyper(mu)
        if self.nesterov:
            with np.errstate(all="ignore"):
                direction = np.asarray(grad, dtype=np.float64) + mu * np.asarray(after.b, dtype=np.float64)
            d = latex_vector(direction)
            d_line = rf"d_{{{t}}} &= {g} + {mu_text} \cdot {b} = {d} \quad \text{{(Nesterov)}}"
        else:
            d = b
            d_line = rf"d_{{{t}}} &= b_{{{t}}} = {b}"
        return aligned([
            rf"b_{{{t}}} &= {mu_text} \cdot {latex_vector(before.b)} + {g} = {b}",
            d_line,
            rf"\theta_{{{t}}} &= {latex_vector(theta_before)} - {latex_hyper(lr)} \cdot {d} = "
            + latex_vector(theta_after),
        ])
