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

import numbers
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Literal, NamedTuple

import numpy as np

Array = np.ndarray
Scale = Literal["log", "linear", "one_minus_log", "bool", "choice"]

# A hyperparameter array holds one value per configuration, shape (B, 1), or per coordinate, (B, 2), and run()
# takes at most 1,000,000 configurations (trajectory.MAX_BATCH): anything larger is refused before it is read.
MAX_HYPERPARAMETER_SIZE = 2_000_000


class HyperparameterError(ValueError, TypeError):
    """A hyperparameter the optimizer does not have, or too many positional arguments.

    A ValueError naming the parameter, like every other bad value; also a TypeError, what Python raises for an
    unexpected keyword argument, so code written against plain dataclasses still catches it.
    """


def _clip(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def real_array(name: str, value: Any, *, max_size: int = MAX_HYPERPARAMETER_SIZE) -> Array:
    """`value` as a float64 array, after checking it is a real number or an array of real numbers.

    Refused with a ValueError naming `name`: bools, strings, complex numbers, None, dicts and other objects
    (np.asarray would turn "0.1" and True into numbers silently, and raise TypeError on a dict), and arrays of
    more than `max_size` elements — checked on the shape, before anything is copied, so a huge
    np.broadcast_to view costs nothing to refuse.
    """
    if isinstance(value, bool | np.bool_ | str | bytes):
        raise ValueError(f"{name} must be a real number or an array of real numbers, got {_clip(value)}")
    if isinstance(value, np.ndarray):
        array = value
    elif isinstance(value, numbers.Real) and not isinstance(value, np.generic):
        array = np.asarray(float(value))  # int, float, Fraction…: a real number by definition
    elif isinstance(value, np.generic | list | tuple):
        array = np.asarray(value)
    else:
        raise ValueError(f"{name} must be a real number or an array of real numbers, got {type(value).__name__} "
                         f"{_clip(value)}")
    if array.dtype.kind not in "iuf":
        raise ValueError(f"{name} must hold real numbers, got an array of {array.dtype}")
    if array.size > max_size:
        raise ValueError(f"{name} has {array.size:,} elements; it must be at most {max_size:,}")
    return array.astype(np.float64, copy=False)


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

    Raises ValueError naming the parameter, the offending value and the valid range; also for a value that is
    not a real number or an array of them, or an array too large to be a hyperparameter (see `real_array`).
    """
    array = real_array(name, value)
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


def no_move_where_undefined(grad: Array, updates: Array, new_state: Any) -> None:
    """Take a 0/0 step as no move, in place: NaN in `updates` where the gradient is 0 and so far every state is 0
    (or the NaN just computed from 0/0, as RMSProp's step buffer) becomes 0, and that state goes back to 0.

    With ε = 0 a coordinate whose gradient has been 0 since the start has m = u = 0 (v = 0, s = 0): its step is
    0/0, and no move is what every rule means there. Any other non-finite step is left for the caller to judge.
    """
    arrays = [np.broadcast_to(array, grad.shape) for array in new_state[1:]]
    undefined = np.isnan(updates) & (grad == 0)
    for array in arrays:
        undefined &= (array == 0) | np.isnan(array)
    updates[undefined] = 0.0
    for array in new_state[1:]:
        if isinstance(array, np.ndarray) and array.shape == grad.shape and array.flags.writeable:
            array[undefined & np.isnan(array)] = 0.0


class Optimizer:
    """Base of the optimizers: subclasses are frozen dataclasses with `init`, `update` and class metadata.

    Class attributes every optimizer defines:
        key: lowercase registry key ("adamax").
        title: display name ("AdaMax").
        HYPERPARAMETERS: the Hyperparameter specs, in display order.
        LATEX: the update rule as LaTeX (aligned lines), the very text the app renders.
        STATE_LATEX: LaTeX symbol of each recorded state field, e.g. {"m": "m_t", "u": "u_t"}.

    Inside `run` and `sweep` (only there) an optimizer is a copy whose array hyperparameters are expanded to the
    batch's shape, and that copy carries one more attribute, `_spread` ({name: Spread}), set by
    optimizers/trajectory.py `expand_hyperparameters`: `per_configuration` evaluates β^t once per configuration
    through it. It is not a hyperparameter (no field, not in `hyperparameters()`), and an optimizer a user makes
    never has it.
    """

    key: ClassVar[str]
    title: ClassVar[str]
    HYPERPARAMETERS: ClassVar[tuple[Hyperparameter, ...]]
    LATEX: ClassVar[str]
    STATE_LATEX: ClassVar[dict[str, str]] = {}

    def __new__(cls, *args: Any, **kwargs: Any) -> Optimizer:
        # The dataclass __init__ would raise a bare TypeError for AdaMax(foo=1): name the valid ones instead.
        names = [spec.name for spec in fields(cls)] if hasattr(cls, "__dataclass_fields__") else []
        unknown = sorted(set(kwargs) - set(names))
        if unknown:
            raise HyperparameterError(f"{cls.__name__} has no hyperparameter {unknown[0]!r}; valid: {', '.join(names)}")
        if len(args) > len(names):
            raise HyperparameterError(f"{cls.__name__} takes at most {len(names)} hyperparameters "
                                      f"({', '.join(names)}), got {len(args)} positional arguments")
        return super().__new__(cls)

    def init(self, params: Array) -> NamedTuple:  # pragma: no cover - abstract
        raise NotImplementedError

    def update(self, grad: Array, state: Any) -> tuple[Array, Any]:
        """The pure update: (updates, new state); neither `grad` nor `state` is modified.

        `grad` must be finite (ValueError otherwise). With ε = 0, a coordinate whose gradient has been 0 since
        the start has a 0/0 step: it is taken as no move (0), as AdaMax's eps_mode="paper" does, never NaN.
        Any other non-finite step (an overflow) is a ValueError. No warning either way. (`run` calls the
        kernel directly and records a non-finite step as the run's divergence.)
        """
        grad = real_array("grad", grad, max_size=2 * MAX_HYPERPARAMETER_SIZE)
        if not np.isfinite(grad).all():
            raise ValueError("grad must be finite")
        if not (isinstance(state, tuple) and hasattr(state, "_fields") and len(state) == len(self.init(grad))):
            raise ValueError(f"state must be what {type(self).__name__}.init or .update returned, got "
                             f"{type(state).__name__}")
        buffers = type(state)(state.t, *(np.empty_like(grad) for _ in state[1:]))
        with np.errstate(all="ignore"):  # a non-finite result is reported below, not warned about
            updates, new_state = self.update_into(grad, state, buffers, np.empty_like(grad))
        if not np.isfinite(updates).all():
            no_move_where_undefined(grad, updates, new_state)
            if not np.isfinite(updates).all():
                raise ValueError(f"{self.label()}: the update at step {new_state.t} overflows (a gradient or state "
                                 "beyond float64's range)")
        return updates, new_state

    def update_into(self, grad: Array, state: Any, out: Any, updates: Array) -> tuple[Array, Any]:
        """The update rule as a kernel: write the new state into `out`'s arrays and the step into `updates`.

        `out` and `updates` are buffers of the params' shape that alias neither `grad` nor `state`.
        Returns (updates, new state), the new state holding `out`'s arrays.
        """
        raise NotImplementedError  # pragma: no cover - every optimizer defines it

    def per_configuration(self, name: str, function: Callable[[Any], Any]) -> Any:
        """function(hyperparameter `name`), for a function that works element by element (e.g. 1 − β^t).

        Inside `run` and `sweep` an array hyperparameter is expanded to the points' full shape, but
        trajectory.expand_hyperparameters keeps the values as given (`Spread`): there the function is
        evaluated once per configuration and its result spread over the batch. np.power costs 30–100 ns an
        element, and a 64 × 64 grid has 64 values of β2 for 8,192 coordinates: β2^t on the full array was a
        third of a sweep of Adam. Element by element, every member gets bit for bit the value its
        configuration alone gets. The spread result is a read-only view, valid until the next call.
        """
        spread = self.__dict__.get("_spread", {}).get(name)
        return function(getattr(self, name)) if spread is None else spread(function)

    def derived(self, name: str, function: Callable[[], Any]) -> Any:
        """function(), computed once for this instance and kept: a value every step uses that depends on the
        hyperparameters only (e.g. the lerp weight 1 − β1, an array in a batch). An instance is immutable, so
        it never goes stale; the expanded copy `run` makes has its own."""
        cache = self.__dict__.setdefault("_derived", {})
        if name not in cache:
            cache[name] = function()
        return cache[name]

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
    `exp_avg.lerp_(g, 1 − β1)`, and its CPU lerp picks one of two forms by the weight (docs/REFERENCE.md §4):

        weight < 0.5:   previous + weight·(new − previous)
        weight ≥ 0.5:   new − (new − previous)·(1 − weight)

    The second form is exact at weight = 1 (β1 = 0 gives m = g, whatever m was): the first would round
    previous + (new − previous), losing g entirely when |previous| ≫ |g|. `out` must not alias `previous`.
    `weight` is a scalar, an array (one per member of a batch), or such an array prepared once by `lerp_weight`.

    >>> out = np.empty(2)
    >>> lerp_into(out, np.array([1e4, 1e4]), np.array([1e-13, 3e-9]), 1.0).tolist()   # β1 = 0: m = g exactly
    [1e-13, 3e-09]
    """
    np.subtract(new, previous, out=out)
    if not isinstance(weight, LerpWeight) and np.ndim(weight) == 0:
        if weight < 0.5:
            out *= weight
            out += previous
        else:
            out *= weight - 1.0       # −(new − previous)·(1 − weight) ...
            out += new                # ... + new
        return out
    weight = weight if isinstance(weight, LerpWeight) else lerp_weight(weight)   # per-configuration β1
    out *= weight.factor
    out += np.where(weight.low, previous, new)
    return out


class LerpWeight(NamedTuple):
    """A per-configuration lerp weight prepared for `lerp_into`: each member's form, both written as
    (new − previous)·factor + (previous where low, else new) — bit for bit the two forms, since w − 1 = −(1 − w)
    exactly and x + (−y) = x − y."""

    low: Array      # weight < 0.5: previous + weight·(new − previous)
    factor: Array   # weight where low, else weight − 1


def lerp_weight(weight: Any) -> Any:
    """`weight` for lerp_into: a scalar as it is, an array prepared once (LerpWeight) so a step spends two
    passes over the batch on it, not six."""
    if np.ndim(weight) == 0:
        return weight
    weight = np.asarray(weight, dtype=np.float64)
    low = weight < 0.5
    return LerpWeight(low, np.where(low, weight, weight - 1.0))


class Spread:
    """An array hyperparameter as given (`compact`, e.g. (1, 64, 1)) and a buffer to spread values of its
    shape over the batch's shape (e.g. (64, 64, 2)), laid out so that elementwise ops against it run fast.

    The leading axes on which `compact` has length 1 stay broadcast (stride 0) and the rest is a contiguous
    buffer: NumPy then runs its inner loop over that buffer (a (1, 64, 1) β over a (64, 64, 2) batch: rows of
    128), not over the last axis of length 2, which made ops against a plain broadcast view 7× slower.
    """

    def __init__(self, compact: Any, shape: tuple[int, ...]) -> None:
        compact = np.asarray(compact, dtype=np.float64)
        self.compact = compact.reshape((1,) * (len(shape) - compact.ndim) + compact.shape)
        lead = 0
        while lead < len(shape) and self.compact.shape[lead] == 1:
            lead += 1
        self.lead = (0,) * lead
        self.buffer = np.empty(shape[lead:])
        self.view = np.broadcast_to(self.buffer, shape)

    def __call__(self, function: Callable[[Array], Any]) -> Array:
        """function(compact), spread over the batch's shape (the same view each call, refilled)."""
        np.copyto(self.buffer, np.asarray(function(self.compact))[self.lead])
        return self.view


def bias_correction(beta: Any, t: int) -> Array | float:
    """1 − β^t, the factor that removes the zero-initialisation bias of an EMA after t steps."""
    return 1.0 - np.power(beta, t)


def check_step_bound_arguments(lr: Any, beta1: Any, beta2: Any, t: Any) -> None:
    """The step-bound helpers' arguments: lr > 0, β1 and β2 in [0, 1), t a whole number ≥ 1, all finite."""
    check_positive("lr", lr)
    check_beta("beta1", beta1)
    check_beta("beta2", beta2)
    steps = check_range("t", t, low=1.0)
    if not np.all(np.floor(steps) == steps):
        raise ValueError(f"t must be a whole number of steps ≥ 1, got {_clip(t)}")
