"""Tick labels that stay apart: a log axis labelled at powers of ten only, its 2 … 9 as unlabelled minor ticks.

Left to itself plotly.js labels a log axis of two or three decades at 2 and 5 (or every digit) of each decade in
a smaller font, and on a panel 150–250 px tall those labels ran into each other and into the powers of ten.
"""

from __future__ import annotations

import math

import numpy as np

MINOR = {"dtick": "D1", "ticks": "outside", "ticklen": 3, "tickcolor": "#999", "showgrid": False}


def decades(arrays) -> tuple[float, float]:
    """log10 of the least and the largest finite positive value of `arrays` ((0, 0) where there is none): the
    range, in decades, of a log axis left to autorange over them.

    >>> decades([[0.0, 0.01, 5.0], [float("nan"), 100.0]])
    (-2.0, 2.0)
    """
    values = np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in arrays] or [np.zeros(0)])
    values = values[np.isfinite(values) & (values > 0)]
    return (float(np.log10(values.min())), float(np.log10(values.max()))) if values.size else (0.0, 0.0)


def log_ticks(low: float, high: float, *, labels: int = 6) -> dict:
    """Settings for a log axis whose range is 10**low … 10**high (plotly's log-axis range, in decades).

    A label at every k-th power of ten, at most `labels` of them; where each decade is labelled, unlabelled minor
    ticks at its 2 … 9. A range holding fewer than two powers of ten is labelled at its 2s and 5s too (plotly's
    "D2"), a few labels at most on so short a range.

    >>> log_ticks(-0.1, 2.6)["dtick"], log_ticks(-18.4, -4.0)["dtick"], log_ticks(0.4, 1.6)["dtick"]
    (1, 3, 'D2')
    """
    span = high - low
    if not math.isfinite(span) or math.floor(high) - math.ceil(low) < 1:
        return {"dtick": "D2"}
    dtick = max(1, math.ceil(span / labels))
    return {"dtick": dtick, "tick0": 0, **({"minor": dict(MINOR)} if dtick == 1 else {})}


LABEL_PX = 30  # px a log axis's label takes with its gap ("10⁻¹²" at 15 px is ≈ 22 px tall with its superscript)


def thinned(axis: dict, px: float) -> dict:
    """A log axis (log_ticks' settings) with no more labels than `px` px of it holds: every k-th power of ten,
    its minor ticks dropped where decades go unlabelled. Other axes are returned as they are."""
    if axis.get("type") != "log" or not isinstance(axis.get("dtick"), int | float) or not axis.get("range"):
        return axis
    span = float(axis["range"][1]) - float(axis["range"][0])
    most = max(2, int(px // LABEL_PX))
    dtick = max(int(axis["dtick"]), math.ceil(span / most))
    if dtick == axis["dtick"]:
        return axis
    axis = {**axis, "dtick": dtick}
    axis.pop("minor", None)
    return axis
