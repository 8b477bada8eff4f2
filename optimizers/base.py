"""What every optimizer shares: the hyperparameter spec, validation, and the `Optimizer` base.

An optimizer here follows Optax's shape (`optax/_src/transform.py`): a frozen object of hyperparameters
with two pure functions,

    init(params)          -> state
    update(grad, state)   -> (updates, state)      new params = params + updates

State is a NamedTuple: the step count `t`, then arrays of the params' shape, so a caller can record
m, u, v at every step. Each optimizer writes its rule once, as `update_into`, a kernel that writes the new
state and the updates into buffers it is given; `update` is that kernel on fresh buffers. `run` hands the
kernel two alternating state buffers, so a 10,000-member sweep allocates nothing per step (fresh
160 kB temporaries cost page faults on every step, which made the loop twice as slow).
Any hyperparameter may be a float or an array that broadcasts against the points' shape (..., 2):
give per-configuration values the shape (..., 1), e.g. lr of shape (B, 1) with a start of shape (B, 2).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar, Literal, NamedTuple

import numpy as np

Array = np.ndarray
Scale = Literal["log", "linear", "one_minus_log", "bool", "choice"]


@dataclass(frozen=True)
class Hyperparameter:
    """One hyperparameter: its valid range (enforced) and the range a slider should offer (a suggestion).

    `scale` tells a UI how to lay out a slider: "log" across decades (learning rates), "one_minus_log" for
    β close to 1 (laid out on log(1 − β) so 0.999 and 0.9999 are far apart), "linear", "bool", or "choice".
    """

    name: str
    description: str
    low: float = 0.0
    high: float = 1.0
    scale: Scale = "linear"
    valid: str = ""
    choices: tuple[str, ...] = ()


def check_range(name: str, value: Any, *, low: float, high: float = np.inf,
                low_inclusive: bool = True, high_inclusive: bool = False) -> Array | float:
    """Return `value` as float64 (scalar or array) after checking low ≤/< value ≤/< high elementwise.

    Raises ValueError naming the parameter, the offending value and the valid range.
    """
    array = np.asarray(value, dtype=np.float64)
    above = array >= low if low_inclusive else array > low
    below = array <= high if high_inclusive else array < high
    ok = np.isfinite(array) & above & below
    if not np.all(ok):
        bad = array[~ok] if array.ndim else array
        left = "[" if low_inclusive else "("
        right = "]" if high_inclusive and np.isfinite(high) else ")"
        hi = f"{high:g}" if np.isfinite(high) else "∞"
        raise ValueError(f"{name} must be in {left}{low:g}, {hi}{right} and finite, got {np.ravel(bad)[0]!r}")
    return float(array) if array.ndim == 0 else array


def check_positive(name: str, value: Any) -> Array | float:
    """lr-style check: value > 0 and finite."""
    return check_range(name, value, low=0.0, low_inclusive=False)


def check_beta(name: str, value: Any) -> Array | float:
    """β-style check: 0 ≤ value < 1."""
    return check_range(name, value, low=0.0, high=1.0)


def check_nonnegative(name: str, value: Any) -> Array | float:
    """eps-style check: value ≥ 0 and finite."""
    return check_range(name, value, low=0.0)


class Optimizer:
    """Base of the optimizers: subclasses are frozen dataclasses with `init`, `update` and class metadata.

    Class attributes every optimizer defines:
        key: lowercase registry key ("adamax").
        title: display name ("AdaMax").
        HYPERPARAMETERS: the Hyperparameter specs, in display order.
        LATEX: the update rule as LaTeX (aligned lines), the very text the app renders.
        STATE_LATEX: LaTeX symbol of each recorded state field, e.g. {"m": "m_t", "u": "u_t"}.
    """

    key: ClassVar[str]
    title: ClassVar[str]
    HYPERPARAMETERS: ClassVar[tuple[Hyperparameter, ...]]
    LATEX: ClassVar[str]
    STATE_LATEX: ClassVar[dict[str, str]] = {}

    def init(self, params: Array) -> NamedTuple:  # pragma: no cover - abstract
        raise NotImplementedError

    def update(self, grad: Array, state: Any) -> tuple[Array, Any]:
        """The pure update: (updates, new state); neither `grad` nor `state` is modified."""
        grad = np.asarray(grad, dtype=np.float64)
        buffers = type(state)(state.t, *(np.empty_like(grad) for _ in state[1:]))
        return self.update_into(grad, state, buffers, np.empty_like(grad))

    def update_into(self, grad: Array, state: Any, out: Any, updates: Array) -> tuple[Array, Any]:
        """The update rule as a kernel: write the new state into `out`'s arrays and the step into `updates`.

        `out` and `updates` are buffers of the params' shape that alias neither `grad` nor `state`.
        Returns (updates, new state), the new state holding `out`'s arrays.
        """
        raise NotImplementedError  # pragma: no cover - every optimizer defines it

    def hyperparameters(self) -> dict[str, Any]:
        """The hyperparameter values of this instance, by name."""
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]

    def label(self) -> str:
        """A short call-like label, e.g. "AdaMax(lr=0.05)" listing values that differ from the defaults."""
        defaults = type(self)()
        changed = [
            f"{name}={_short(value)}"
            for name, value in self.hyperparameters().items()
            if np.ndim(value) or value != getattr(defaults, name)
        ]
        return f"{self.title}({', '.join(changed)})"

    def _set(self, name: str, value: Any) -> None:
        """Store a normalised value on a frozen instance (used only in __post_init__)."""
        object.__setattr__(self, name, value)


def _short(value: Any) -> str:
    if np.ndim(value):
        return f"array{np.shape(value)}"
    if isinstance(value, bool | str):
        return str(value)
    return f"{value:g}"


def lerp_into(out: Array, previous: Array, new: Array, weight: Any) -> Array:
    """out = lerp(previous, new, weight) = (1 − weight)·previous + weight·new, in place, as PyTorch computes it.

    The exponential moving average of the first moment, m_t = β1·m_{t−1} + (1 − β1)·g_t, is PyTorch's
    `exp_avg.lerp_(g, 1 − β1)`, and its CPU lerp picks one of two forms by the weight (REFERENCE.md):

        weight < 0.5:   previous + weight·(new − previous)
        weight ≥ 0.5:   new − (new − previous)·(1 − weight)

    The second form is exact at weight = 1 (β1 = 0 gives m = g, whatever m was): the first would round
    previous + (new − previous), losing g entirely when |previous| ≫ |g|. `out` must not alias `previous`.

    >>> out = np.empty(2)
    >>> lerp_into(out, np.array([1e4, 1e4]), np.array([1e-13, 3e-9]), 1.0).tolist()   # β1 = 0: m = g exactly
    [1e-13, 3e-09]
    """
    np.subtract(new, previous, out=out)
    if np.ndim(weight) == 0:
        if weight < 0.5:
            out *= weight
            out += previous
        else:
            out *= weight - 1.0       # −(new − previous)·(1 − weight) ...
            out += new                # ... + new
        return out
    weight = np.asarray(weight, dtype=np.float64)  # per-configuration β1: each member takes its own form
    np.copyto(out, np.where(weight < 0.5, previous + out * weight, new - out * (1.0 - weight)))
    return out


def bias_correction(beta: Any, t: int) -> Array | float:
    """1 − β^t, the factor that removes the zero-initialisation bias of an EMA after t steps."""
    return 1.0 - np.power(beta, t)
