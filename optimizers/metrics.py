"""Outcome measures of a trajectory: the numbers of the explorer's summary table.

Pure functions of arrays, so they take a surface's facts (its minimum value, its minima) as arguments:
`optimizers` never imports `surfaces`.
"""

from __future__ import annotations

import numpy as np

from .base import Array


def steps_to_tolerance(losses: Array, target: float, tolerance: float) -> Array:
    """The first step at which f − target ≤ tolerance, along axis 0 of losses; −1 where never reached.

    >>> steps_to_tolerance(np.array([5.0, 1.0, 0.01, 0.5]), 0.0, 0.1).item()
    2
    """
    reached = np.asarray(losses) - target <= tolerance
    first = np.argmax(reached, axis=0)
    return np.where(reached.any(axis=0), first, -1)


def distance_to_nearest(points: Array, minima: Array) -> Array:
    """Euclidean distance from points (..., 2) to the nearest of minima (k, 2); inf where k = 0.

    >>> distance_to_nearest(np.array([[0.0, 0.0], [3.0, 4.0]]), np.array([[0.0, 0.0]])).tolist()
    [0.0, 5.0]
    """
    minima = np.asarray(minima, dtype=np.float64).reshape(-1, 2)
    points = np.asarray(points, dtype=np.float64)
    if len(minima) == 0:
        return np.full(points.shape[:-1], np.inf)
    return np.linalg.norm(points[..., None, :] - minima, axis=-1).min(axis=-1)
