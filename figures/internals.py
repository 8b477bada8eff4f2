"""Inside AdaMax: one run's internal state, animated together with its point and its step box on the map.

Left, the map zoomed on the run: the current point θ_t, the next step, and the box its next step cannot
leave — AdaMax's, of half-width adamax_step_bound (≈ α), and Adam's, of half-width adam_step_bound
(≈ 7.3 α for the default β's) for comparison. Right, per coordinate over the steps: m̂_t; u_t beside the
√v̂_t Adam would hold for the same gradients; the step actually taken inside ± the bound; and which side
of u_t = max(β2·u_{t−1}, |g_t|) won. One scrubber moves the point, the boxes and a cursor through every
series together (frames update only those small traces).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .landscape import BACKDROP_RESOLUTION, contour_image, equal_scale, minima_trace, sample_landscape
from .palette import FONT, X_COLOR, Y_COLOR, with_alpha
from .sampling import frame_steps, rounded, scrubber_stops, typed
from .ticks import log_ticks

# The coordinates' colours as swatches beside dark words: the olive as text would fail WCAG's contrast (3.0 of 4.5).
_SWATCH = "<span style='display:inline-block;width:0.8em;height:0.8em;background:{};vertical-align:-0.05em'></span>"
LEGEND = (f"{_SWATCH.format(X_COLOR)} x&ensp;{_SWATCH.format(Y_COLOR)} y&emsp;"
          "solid: AdaMax's u<sub>t</sub> · dotted: Adam's √v̂<sub>t</sub> on the same gradients · dashed: ± the step "
          "bound&emsp;|&emsp;map: solid box = AdaMax's next step can't leave it, dotted box = Adam's")
SERIES_POINTS = 800
MAX_FRAMES = 80
FLOOR = 1e-300


def _series_index(steps: int) -> np.ndarray:
    return np.unique(np.rint(np.linspace(0, steps - 1, min(steps, SERIES_POINTS))).astype(np.int64))


def _box(center: np.ndarray, half_width: float) -> dict:
    """The square a step from `center` cannot leave; none at all where nothing bounds the step (inf)."""
    if not np.isfinite(half_width):
        return {"x": [], "y": []}
    x, y = float(center[0]), float(center[1])
    h = float(half_width)
    return {"x": rounded([x - h, x + h, x + h, x - h, x - h], 6), "y": rounded([y - h, y - h, y + h, y + h, y - h], 6)}


def _map_range(theta: np.ndarray, pad: float) -> tuple[list[float], list[float]]:
    low, high = theta.min(axis=0), theta.max(axis=0)
    margin = np.maximum(pad, 0.08 * (high - low).max())
    return [float(low[0] - margin), float(high[0] + margin)], [float(low[1] - margin), float(high[1] + margin)]


SPIKE_QUANTILE = 0.98   # the m̂ panel's scale follows this quantile of |m̂|, not a first-steps spike
SPIKE_FACTOR = 1.5      # a maximum this far beyond the quantile is a spike, left off the scale (and said so)


def m_hat_scale(m_hat: np.ndarray, t: np.ndarray) -> tuple[float, str]:
    """Half-height of the m̂ panel, and a note when the largest |m̂| is left off it ("" otherwise).

    m̂_1 = g_1 exactly, and on a steep start the first gradients dwarf everything after (−215 against
    ~1 on Rosenbrock from (−1.2, 1)): a scale set by them flattens the rest of the curve to a line.
    """
    magnitude = np.abs(np.asarray(m_hat, dtype=np.float64))
    finite = magnitude[np.isfinite(magnitude)]
    if finite.size == 0 or finite.max() == 0:
        return 1.0, ""
    largest, typical = float(finite.max()), float(np.quantile(finite, SPIKE_QUANTILE))
    if typical == 0 or largest <= SPIKE_FACTOR * typical:
        return 1.1 * largest, ""
    row = int(np.nanargmax(np.nanmax(magnitude.reshape(len(magnitude), -1), axis=1)))
    value = float(np.ravel(m_hat[row])[np.nanargmax(np.ravel(magnitude[row]))])
    return 1.3 * typical, f"off scale: m̂ = {value:.3g} at t = {int(t[row])}"


def _log_range(*arrays: np.ndarray) -> list[float]:
    values = np.concatenate([np.abs(a).ravel() for a in arrays])
    values = values[np.isfinite(values) & (values > 0)]
    if values.size == 0:
        return [-1.0, 1.0]
    low, high = np.log10(values.min()), np.log10(values.max())
    return [float(low - 0.1), float(high + 0.1 + (high == low))]


def internals_figure(surface: Any, label: str, color: str, internals: Any, *, height: int = 760) -> dict:
    """The animated internals of one AdaMax run (`internals`: optimizers.explain.AdaMaxInternals)."""
    steps = len(internals.t)
    theta = internals.theta
    index = _series_index(steps)
    t = internals.t[index]
    shown = frame_steps(steps - 1, MAX_FRAMES) if steps > 1 else np.array([0])  # frame k shows step k + 1
    # An infinite bound (β2 = 0 after the first step) draws no box; its ± lines run off the panel, above any step.
    finite = internals.bound[np.isfinite(internals.bound)]
    ceiling = 1e3 * max(float(np.abs(internals.step).max(initial=0.0)), float(finite.max(initial=0.0)), 1e-300)
    bound = np.where(np.isfinite(internals.bound), internals.bound, ceiling)
    adam_bound = internals.adam_bound  # boxes only: _box draws none where it is inf
    xrange, yrange = _map_range(theta, 1.2 * float(finite.max(initial=0.0)))

    def line(values, axes, name, dash="solid", color_=X_COLOR, width=2.0, legend=True, group=None):
        return {"type": "scatter", "mode": "lines", "x": typed(t, "i4"), "y": typed(values[index], "f8"),
                "xaxis": axes[0], "yaxis": axes[1], "name": name, "showlegend": legend,
                "legendgroup": group or name, "line": {"color": color_, "dash": dash, "width": width},
                "hovertemplate": f"{name}<br>t = %{{x}}: %{{y:.4g}}<extra></extra>"}

    traces: list[dict] = [
        {"type": "scatter", "mode": "lines", "x": typed(theta[:, 0]), "y": typed(theta[:, 1]),
         "line": {"color": with_alpha(color, 0.6), "width": 3}, "name": label, "showlegend": False,
         "hovertemplate": f"{label}<br>(%{{x:.4f}}, %{{y:.4f}})<extra></extra>"},
    ]
    minima = minima_trace(surface)
    if minima:
        traces.append({**minima, "showlegend": False})
    m_hat, u, root_v, step = (np.nan_to_num(a) for a in (internals.m_hat, internals.u,
                                                           internals.adam_sqrt_v_hat, internals.step))
    for axis, (coordinate, colour) in enumerate((("x", X_COLOR), ("y", Y_COLOR))):
        group = f"coordinate {coordinate}"
        traces.append(line(m_hat[:, axis], ("x2", "y2"), f"m̂ ({coordinate})", color_=colour, group=group))
        traces.append(line(np.maximum(np.abs(u[:, axis]), FLOOR), ("x3", "y3"), f"AdaMax u ({coordinate})",
                           color_=colour, group=group))
        traces.append(line(np.maximum(np.abs(root_v[:, axis]), FLOOR), ("x3", "y3"), f"Adam √v̂ ({coordinate})",
                           dash="dot", color_=colour, group=group))
        traces.append(line(step[:, axis], ("x4", "y4"), f"Δθ ({coordinate})", color_=colour, group=group))
    traces.append(line(bound, ("x4", "y4"), "± AdaMax bound", color_="#333", width=1.4, dash="dash"))
    traces.append({**line(-bound, ("x4", "y4"), "± AdaMax bound", color_="#333", width=1.4, dash="dash"),
                   "showlegend": False})
    won = internals.fresh_won[index].T.astype(np.int8)
    traces.append({"type": "heatmap", "x": typed(t, "i4"), "y": ["x", "y"], "z": typed(won, "f4"),
                   "xaxis": "x5", "yaxis": "y5", "zmin": 0, "zmax": 1, "showscale": False,
                   "colorscale": [[0, "#d9dee5"], [0.5, "#d9dee5"], [0.5, color], [1, color]],
                   "hovertemplate": "t = %{x}, coordinate %{y}: %{z}<extra>1 = fresh |g| won, 0 = memory β2·u</extra>",
                   "name": "which side won", "showlegend": False})

    animated = len(traces)
    first = _moving(internals, shown[0], bound, adam_bound, (m_hat, u, root_v, step))
    styles = [
        {"mode": "lines", "line": {"color": "#555", "width": 1.5, "dash": "dot"}, "fill": "toself",
         "fillcolor": "rgba(120, 120, 120, 0.06)", "name": "Adam's step box", "showlegend": True},
        {"mode": "lines", "line": {"color": color, "width": 2.5}, "fill": "toself",
         "fillcolor": with_alpha(color, 0.15), "name": "AdaMax's step box", "showlegend": True},
        {"mode": "markers", "marker": {"size": 13, "color": color, "line": {"width": 2, "color": "white"}},
         "name": "θ_t", "showlegend": False},
        # Over θ_t: in a flat basin the step is a few px, and its end would hide under θ_t's marker.
        {"mode": "lines+markers", "line": {"color": "#111", "width": 2},
         "marker": {"size": [0, 8], "color": "#111", "line": {"width": 1.5, "color": "white"}},
         "name": "next step", "showlegend": False},
    ]
    for style, coordinates in zip(styles, first[:4], strict=True):
        traces.append({"type": "scatter", **coordinates, **style, "hoverinfo": "skip"})
    for coordinates, axes in zip(first[4:], ("x2 y2", "x3 y3", "x4 y4", "x5 y5"), strict=True):
        xaxis, yaxis = axes.split()
        traces.append({"type": "scatter", "mode": "lines", **coordinates, "xaxis": xaxis, "yaxis": yaxis,
                       "line": {"color": "#111", "width": 1.2}, "showlegend": False, "hoverinfo": "skip",
                       "name": "cursor"})
    frames = [{"name": str(int(k) + 1), "data": _moving(internals, k, bound, adam_bound, (m_hat, u, root_v, step)),
               "traces": list(range(animated, len(traces)))} for k in shown]
    # The map is zoomed on the run, so its backdrop is drawn for that window (sharp isolines, not upscaled).
    backdrop = contour_image(sample_landscape(surface, BACKDROP_RESOLUTION, window=(xrange, yrange)))
    return {"data": traces, "frames": frames,
            "layout": _layout(xrange, yrange, (m_hat, u, root_v, step, finite), steps, shown, height, backdrop)}


def _moving(internals: Any, k: int, bound: np.ndarray, adam_bound: np.ndarray, series: tuple) -> list[dict]:
    """At step t = k + 1: the boxes around θ_{t−1} for step t, θ_{t−1}, the step itself, and four cursors."""
    k = int(k)
    here, there = internals.theta[k], internals.theta[k + 1]
    t = int(internals.t[k])
    m_hat, u, root_v, step = series
    cursors = [
        _cursor(t, [m_hat]), _cursor(t, [u, root_v], log=True), _cursor(t, [step, bound[:, None], -bound[:, None]]),
        {"x": [t, t], "y": ["x", "y"]},
    ]
    return [_box(here, adam_bound[k]), _box(here, internals.bound[k]),
            {"x": rounded([here[0]], 6), "y": rounded([here[1]], 6)},
            {"x": rounded([here[0], there[0]], 6), "y": rounded([here[1], there[1]], 6)}, *cursors]


def _cursor(t: int, arrays: list[np.ndarray], log: bool = False) -> dict:
    values = np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays])
    values = values[np.isfinite(values)]
    if log:
        values = np.abs(values[values != 0]) if values.size else values
        low, high = (values.min(), values.max()) if values.size else (1.0, 10.0)
    else:
        low, high = (values.min(), values.max()) if values.size else (-1.0, 1.0)
    return {"x": [t, t], "y": [float(f"{low:.6g}"), float(f"{high:.6g}")]}


def _layout(xrange, yrange, series, steps: int, shown: np.ndarray, height: int, backdrop: dict) -> dict:
    m_hat, u, root_v, step, bound = series
    right = [0.56, 1.0]
    shared_x = {"range": [1, max(steps, 2)], "domain": right, "showgrid": True, "gridcolor": "#eee",
                "zeroline": False}
    span = float(max(np.abs(step).max(initial=0.0), bound.max(initial=0.0))) * 1.1 or 1.0
    m_span, off_scale = m_hat_scale(m_hat, np.arange(1, len(m_hat) + 1))
    u_range = _log_range(u, root_v)
    notes = [{"text": off_scale, "xref": "x2 domain", "yref": "y2 domain", "x": 1.0, "y": 1.0, "xanchor": "right",
              "yanchor": "top", "showarrow": False, "font": {"size": 12, "color": "#444"},
              "bgcolor": with_alpha("#FFFFFF", 0.8)}] if off_scale else []
    return {
        "annotations": notes,
        "height": height, "font": FONT, "template": "plotly_white", "hovermode": "closest",
        "margin": {"l": 60, "r": 10, "t": 52, "b": 10}, "images": [backdrop],
        "showlegend": False,  # the page explains colours and dashes in one line above the chart (LEGEND)
        **dict(zip(("xaxis", "yaxis"), equal_scale(
            {"range": xrange, "domain": [0.0, 0.46], "anchor": "y", "showgrid": False},
            {"range": yrange, "domain": [0.14, 1.0], "anchor": "x", "showgrid": False}), strict=True)),
        "xaxis2": {**shared_x, "anchor": "y2", "showticklabels": False},
        "yaxis2": {"domain": [0.80, 1.0], "anchor": "x2", "range": [-m_span, m_span],
                   "title": {"text": "m̂ₜ"}, "gridcolor": "#eee"},
        "xaxis3": {**shared_x, "anchor": "y3", "showticklabels": False, "matches": "x2"},
        "yaxis3": {"domain": [0.50, 0.76], "anchor": "x3", "type": "log", "range": u_range,
                   "title": {"text": "uₜ vs √v̂ₜ"}, "exponentformat": "power", "gridcolor": "#eee",
                   **log_ticks(*u_range, labels=4)},
        "xaxis4": {**shared_x, "anchor": "y4", "showticklabels": False, "matches": "x2"},
        "yaxis4": {"domain": [0.24, 0.46], "anchor": "x4", "range": [-span, span], "title": {"text": "Δθₜ"},
                   "gridcolor": "#eee", "exponentformat": "power"},
        "xaxis5": {**shared_x, "anchor": "y5", "matches": "x2", "title": {"text": "step t"}},
        "yaxis5": {"domain": [0.10, 0.20], "anchor": "x5", "title": {"text": "fresh |g|?"}, "type": "category"},
        # ▶ Play above the map, where a laptop's window still shows it (the chart's bottom is below the fold)
        "updatemenus": [{
            "type": "buttons", "direction": "left", "showactive": False, "x": 0.0, "y": 1.0, "yanchor": "bottom",
            "bgcolor": "#f4f4f4", "bordercolor": "#bbb", "font": {"size": 14}, "pad": {"r": 6, "b": 12},
            "buttons": [
                {"label": "▶ Play", "method": "animate",
                 "args": [None, {"frame": {"duration": 90, "redraw": False}, "transition": {"duration": 0},
                                 "fromcurrent": True, "mode": "immediate"}]},
                {"label": "❚❚ Pause", "method": "animate",
                 "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate",
                                   "transition": {"duration": 0}}]},
            ]}],
        "sliders": [{
            "active": 0, "x": 0.0, "len": 0.46, "y": 0.07, "yanchor": "top", "pad": {"t": 0},
            "currentvalue": {"prefix": "step t = ", "font": {"size": 15, "color": "#222"}, "xanchor": "left"},
            "transition": {"duration": 0}, "ticklen": 0, "font": {"color": "rgba(0, 0, 0, 0)"},
            "steps": [{"label": str(int(k) + 1), "method": "animate",
                       "args": [[str(int(k) + 1)], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate",
                                                    "transition": {"duration": 0}}]} for k in scrubber_stops(shown)],
        }],
    }
