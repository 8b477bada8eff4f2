"""The Lp family figure: Adam-Lp paths closing in on AdaMax's as p grows (Kingma & Ba, §7.1).

Left, the landscape with one path per p, a sequential ramp from light (small p) to dark (large p), and
AdaMax's path in black on top. Right, the largest distance between each p's path and AdaMax's, against p on
log–log axes, with the power law c·p^k fitted to them over p ≥ 4, dotted (docs/REFERENCE.md §3,
family and its limit": faster than 1/p, so the rate is measured, never assumed).
Static: no frames.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from optimizers.limits import fitted_exponent

from .landscape import map_axes, minima_trace, start_trace
from .palette import FONT, with_alpha
from .sampling import path_steps, typed
from .ticks import log_ticks

# Light → dark as p grows: oranges to a deep brown, clear of the blue-grey landscape and of AdaMax's black.
RAMP = ("#FDBE85", "#FD8D3C", "#E6550D", "#A63603", "#5A1E02")
ADAMAX_COLOR = "#000000"
DISTANCE_FLOOR = 1e-12  # a log axis cannot show 0 (a run that never moved from the start)
HEIGHT = 560
FIT_FROM = 4.0          # the power law sets in once p is a few (ui/sections/lp.py fits over the same p)


def ramp_colors(count: int) -> list[str]:
    """`count` colours evenly spaced along RAMP, light first.

    >>> ramp_colors(3)
    ['#FDBE85', '#E6550D', '#5A1E02']
    """
    stops = np.array([[int(color[i:i + 2], 16) for i in (1, 3, 5)] for color in RAMP], dtype=float)
    where = np.linspace(0.0, len(RAMP) - 1, count) if count > 1 else np.zeros(1)
    rgb = [[np.interp(w, np.arange(len(RAMP)), stops[:, c]) for c in range(3)] for w in where]
    return ["#" + "".join(f"{round(v):02X}" for v in color) for color in rgb]


def lp_figure(surface: Any, family: Any) -> dict:
    """The figure for an `optimizers.limits.LpFamily` (unbatched runs), as a JSON-ready dict."""
    orders = list(family.orders)
    colors = ramp_colors(len(orders))
    traces: list[dict] = []
    for order, color in zip(orders, colors, strict=True):
        traces.append(_path_trace(family.paths[order], f"p = {order:g}", color, width=2.5))
    traces.append(_path_trace(family.adamax, "AdaMax (p → ∞)", ADAMAX_COLOR, width=4.0, dash="dash"))
    minima = minima_trace(surface)
    if minima:
        traces.append(minima)
    traces.append(start_trace(family.adamax.points[0]))

    distances = np.maximum([family.max_distance[order] for order in orders], DISTANCE_FLOOR)
    p = np.asarray(orders, dtype=float)
    traces.append({
        "type": "scatter", "mode": "lines+markers", "x": p.tolist(), "y": distances.tolist(),
        "xaxis": "x2", "yaxis": "y2", "name": "largest distance", "showlegend": False,
        "line": {"color": "#999", "width": 1.5},
        "marker": {"size": 13, "color": colors, "line": {"width": 1.5, "color": "#333"}},
        "hovertemplate": "p = %{x:g}: largest distance to AdaMax %{y:.3g}<extra></extra>",
    })
    reference = _reference_line(p, distances)
    if reference:
        traces.append(reference)

    return {"data": traces, "layout": _layout(surface, p, distances)}


def _path_trace(trajectory: Any, label: str, color: str, *, width: float, dash: str = "solid") -> dict:
    points = trajectory.points
    index = path_steps(points)
    diverged = int(trajectory.diverged_at)
    name = label if diverged < 0 else f"{label} (diverged at step {diverged})"
    return {
        "type": "scatter", "mode": "lines", "x": typed(points[index, 0]), "y": typed(points[index, 1]),
        "xaxis": "x", "yaxis": "y", "name": name, "legendgroup": label,
        "line": {"color": color, "width": width, "dash": dash},
        "customdata": typed(index, "i4"),
        "hovertemplate": f"{label}<br>step %{{customdata}}: (%{{x:.4f}}, %{{y:.4f}})<extra></extra>",
    }


def _reference_line(p: np.ndarray, distances: np.ndarray) -> dict | None:
    """The fitted c·p^k through the points of p ≥ FIT_FROM (`optimizers.limits.fitted_exponent`), dotted."""
    exponent = fitted_exponent(p, distances, from_order=FIT_FROM)
    if exponent is None:
        return None
    fitted = p >= FIT_FROM
    scale = float(np.exp(np.mean(np.log(distances[fitted]) - exponent * np.log(p[fitted]))))
    xs = np.geomspace(p[fitted].min(), p.max(), 30)
    return {
        "type": "scatter", "mode": "lines", "x": xs.tolist(), "y": (scale * xs**exponent).tolist(),
        "xaxis": "x2", "yaxis": "y2", "name": f"fit: ∝ p^{exponent:.2f} (p ≥ {FIT_FROM:g})",
        "line": {"color": "#555", "width": 2, "dash": "dot"}, "hoverinfo": "skip",
    }


def _layout(surface: Any, p: np.ndarray, distances: np.ndarray) -> dict:
    low, high = np.log10(distances.min()), np.log10(distances.max())
    pad = max(0.1 * (high - low), 0.15)
    p_low, p_high = np.log10(p.min()), np.log10(p.max())
    p_pad = max(0.06 * (p_high - p_low), 0.1)
    return {
        "height": HEIGHT, "font": FONT, "template": "plotly_white", "hovermode": "closest",
        "margin": {"l": 60, "r": 20, "t": 90, "b": 60},
        **map_axes(surface, [0.0, 0.52]),
        "xaxis2": {"type": "log", "domain": [0.64, 1.0], "anchor": "y2", "title": {"text": "p (the norm's order)"},
                   "range": [p_low - p_pad, p_high + p_pad], "gridcolor": "#e8e8e8",
                   "tickvals": p.tolist(), "ticktext": [f"{order:g}" for order in p]},
        "yaxis2": {"type": "log", "domain": [0.0, 1.0], "anchor": "x2", "exponentformat": "power",
                   "title": {"text": "largest distance to AdaMax's path"}, "range": [low - pad, high + pad],
                   "gridcolor": "#e8e8e8", **log_ticks(low - pad, high + pad)},
        "legend": {"orientation": "h", "x": 0.0, "xanchor": "left", "y": 1.02, "yanchor": "bottom",
                   "font": {"size": 14}, "bgcolor": with_alpha("#FFFFFF", 0.85)},
    }
