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
        minimum_value: f at the global minima, or None where f is unbounded below.
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


def split_xy(xy: Array) -> tuple[Array, Array]:
    """Return the x and y coordinates of points of shape (..., 2) as float64 arrays of shape (...)."""
    xy = np.asarray(xy, dtype=np.float64)
    if xy.shape[-1:] != (2,):
        raise ValueError(f"points must have shape (..., 2), got {xy.shape}")
    return xy[..., 0], xy[..., 1]


def stack_xy(dx: Array, dy: Array) -> Array:
    """Stack two gradient components of shape (...) into one array of shape (..., 2)."""
    return np.stack(np.broadcast_arrays(dx, dy), axis=-1)
