"""The `Surface` type: one 2-D test function with everything the app needs to draw and judge it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

Array = np.ndarray


@dataclass(frozen=True, eq=False)
class Surface:
    """A loss surface f: R² → R with its analytic gradient and its metadata.

    `f` maps points of shape (..., 2) to values of shape (...); `grad` maps (..., 2) to (..., 2).
    Both are pure NumPy, vectorised over any batch shape, float64.

    Attributes:
        key: lowercase identifier used in SURFACES and URLs (e.g. "rosenbrock").
        name: human-readable name.
        f, grad: the function and its analytic gradient.
        domain: the usual plot window ((xmin, xmax), (ymin, ymax)).
        minima: the global minimisers, array of shape (k, 2); k = 0 where f has none.
        minimum_value: f at the global minima, or None where there is none to give (f unbounded below, or,
            for a user's formula, no interior minimum on the domain). For a user's formula it is the lowest value
            found on the plot domain, which is the global minimum only where `bounded_below` says no lower
            value exists elsewhere (see surfaces/formula.py).
        bounded_below: what is *proven* about f over the whole plane (every point where f is defined):
            True  — f is bounded below (a known global minimum, a sum of squares, a bounded expression, …);
            False — f is unbounded below: it falls to −∞ along some path (the saddles: along the y axis);
            None  — not known (nothing proven either way).
            Not given: True where minimum_value is given (a known global minimum bounds f), else None.
            A run may be said to escape "to f → −∞" only where this is False.
        start: a default start of shape (2,) that tells a story.
        latex: the formula, as LaTeX (without $ delimiters).
        log_scale: True where f spans many decades over the domain, so colours need a log scale.
        note: one sentence on what the surface shows about optimizers.
        parameters: the surface's own parameters (e.g. the quadratic's condition number), for URLs and UI.
        value_and_grad: optionally, (f, ∇f) computed together from shared terms — a faster path that
            `optimizers.run` takes when it is there (None: run calls f and grad).
    """

    key: str
    name: str
    f: Callable[[Array], Array]
    grad: Callable[[Array], Array]
    domain: tuple[tuple[float, float], tuple[float, float]]
    minima: Array
    minimum_value: float | None
    start: Array
    latex: str
    log_scale: bool
    note: str = ""
    parameters: dict[str, float] = field(default_factory=dict)
    value_and_grad: Callable[[Array], tuple[Array, Array]] | None = None
    bounded_below: bool | _Unset | None = field(default_factory=lambda: UNSET)

    def __post_init__(self) -> None:
        if isinstance(self.bounded_below, _Unset):
            object.__setattr__(self, "bounded_below", True if self.minimum_value is not None else None)
        elif self.bounded_below not in (True, False, None):
            raise ValueError(f"bounded_below must be True, False or None, got {self.bounded_below!r}")
        # f and grad, called by anyone, check their points: a non-finite or non-numeric point is a ValueError,
        # and a finite point beyond float64's range gives inf (or NaN where inf − inf) without a warning.
        # `optimizers.run` takes value_and_grad, unchecked: a diverging run meets inf, and it deals with that.
        raw_f, raw_grad = _unchecked(self.f), _unchecked(self.grad)
        if self.value_and_grad is None:
            object.__setattr__(self, "value_and_grad", _ValueAndGrad(raw_f, raw_grad))
        object.__setattr__(self, "f", _Checked(raw_f, f"{self.key}.f"))
        object.__setattr__(self, "grad", _Checked(raw_grad, f"{self.key}.grad"))


class _Unset:
    """The default of `Surface.bounded_below`: not given, so it follows minimum_value (a class, so that a
    surface stays picklable and the sentinel is recognised in any process)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


class _Checked:
    """A surface function that first checks its points are finite real numbers (picklable, unlike a closure)."""

    def __init__(self, function: Callable[[Array], Array], name: str) -> None:
        self.function, self.name = function, name
        self.__doc__ = getattr(function, "__doc__", None)

    def __call__(self, xy: Array) -> Array:
        points = np.asarray(xy)
        if points.dtype.kind not in "iuf":
            raise ValueError(f"{self.name}: points must be real numbers of shape (..., 2), got {points.dtype}")
        if not np.isfinite(points).all():
            raise ValueError(f"{self.name}: points must be finite")
        with np.errstate(over="ignore", invalid="ignore"):
            return self.function(points)


class _ValueAndGrad:
    """(f, ∇f) from the plain f and grad: the path `optimizers.run` takes for a surface without a fused one."""

    def __init__(self, f: Callable[[Array], Array], grad: Callable[[Array], Array]) -> None:
        self.f, self.grad = f, grad

    def __call__(self, xy: Array) -> tuple[Array, Array]:
        return self.f(xy), self.grad(xy)


def _unchecked(function: Callable[[Array], Array]) -> Callable[[Array], Array]:
    return function.function if isinstance(function, _Checked) else function


def split_xy(xy: Array) -> tuple[Array, Array]:
    """Return the x and y coordinates of points of shape (..., 2) as float64 arrays of shape (...)."""
    xy = np.asarray(xy, dtype=np.float64)
    if xy.shape[-1:] != (2,):
        raise ValueError(f"points must have shape (..., 2), got {xy.shape}")
    return xy[..., 0], xy[..., 1]


def stack_xy(dx: Array, dy: Array) -> Array:
    """Stack two gradient components of shape (...) into one array of shape (..., 2)."""
    return np.stack(np.broadcast_arrays(dx, dy), axis=-1)
