"""Choosing which steps to draw: what keeps a 5,000-step, 8-run figure under 1 MB (docs/REFERENCE.md §6)."""

from __future__ import annotations

import base64

import numpy as np

MAX_FRAMES = 80  # each frame is also a scrubber step, and every step costs the browser drawing time
MAX_PATH_POINTS = 1200
SCRUBBER_STEPS = 40  # stops on a step scrubber; while playing it follows the frames that coincide with them


def frame_steps(steps: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """The steps shown as animation frames: 0, the last step, and evenly spaced ones between (≤ max_frames).

    >>> frame_steps(10, 4).tolist()
    [0, 3, 7, 10]
    """
    count = min(steps + 1, max_frames)
    return np.unique(np.rint(np.linspace(0, steps, count)).astype(np.int64))


def scrubber_stops(shown: np.ndarray, count: int = SCRUBBER_STEPS) -> np.ndarray:
    """At most `count` of the frames' steps, evenly chosen, first and last kept: a scrubber's stops. Each stop
    costs the browser a tick and a label to lay out on every draw (the Inside chart's 80 cost ≈ 30 ms).

    >>> scrubber_stops(np.arange(0, 100, 10), 4).tolist()
    [0, 30, 60, 90]
    """
    return shown[np.unique(np.linspace(0, len(shown) - 1, min(len(shown), count)).round().astype(int))]


def path_steps(points: np.ndarray, max_points: int = MAX_PATH_POINTS) -> np.ndarray:
    """Indices of a path's points to draw: evenly spaced in step and in arc length, first and last kept.

    Evenly spaced steps alone lose the early part of a run, where adaptive methods move fastest; evenly
    spaced arc length alone loses the slow end. Half the budget goes to each.
    """
    total = len(points)
    if total <= max_points:
        return np.arange(total)
    by_step = np.linspace(0, total - 1, max_points // 2)
    segment = np.linalg.norm(np.diff(points, axis=0), axis=-1)
    arc = np.concatenate([[0.0], np.cumsum(segment)])
    by_length = np.searchsorted(arc, np.linspace(0.0, arc[-1], max_points // 2)) if arc[-1] > 0 else []
    chosen = np.concatenate([np.rint(by_step), np.asarray(by_length, dtype=float), [0, total - 1]])
    return np.unique(np.clip(chosen, 0, total - 1).astype(np.int64))


def rounded(values: np.ndarray, digits: int = 5) -> list[float]:
    """Plain floats rounded for compact JSON (finite inputs only; callers guarantee it)."""
    return np.round(np.asarray(values, dtype=np.float64), digits).tolist()


def typed(values: np.ndarray, dtype: str = "f4") -> dict:
    """A plotly.js typed array ({"dtype", "bdata", "shape"}): 4 bytes a number, 5.3 as base64 text.

    Plotly.py makes these only when it validates a Figure; the figures here are plain dicts (see the
    package's docstring), so they encode their large arrays themselves. Callers pass finite values.
    """
    values = np.asarray(values)
    if dtype == "f4" and values.size and np.abs(values).max() > np.finfo(np.float32).max:
        dtype = "f8"  # float32 would overflow to inf
    array = np.ascontiguousarray(values, dtype={"f4": np.float32, "f8": np.float64, "i4": np.int32,
                                                           "i2": np.int16}[dtype])
    spec = {"dtype": dtype, "bdata": base64.b64encode(array.tobytes()).decode("ascii")}
    if array.ndim > 1:
        spec["shape"] = ", ".join(str(n) for n in array.shape)
    return spec
