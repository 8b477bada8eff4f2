"""Sweep maps: a hyperparameter plane coloured by what each configuration did, and learning-rate curves.

A map's cells are the members of one `optimizers.sweep`. Its axes are two numeric hyperparameters on their
natural scale (optimizers.sweep.natural_coordinate: log10 α, the "nines" −log10(1 − β) of a β), ticked with the
values themselves. Colour is a chosen metric (final f − f* on a log scale by default); cells that blew up,
escaped, left the window, stalled at a stationary point or oscillate are painted over in fixed colours named in
the legend, so a failed configuration never passes for a good one. Heatmaps report no clicks: an invisible scatter grid
on top carries the hover text and the clicks, and its customdata holds each cell's exact settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from optimizers.metrics import distance_to_nearest
from optimizers.outcomes import OUTCOMES
from optimizers.sweep import SweepResult, natural_coordinate

from .landscape import equal_scale
from .palette import FONT
from .sampling import typed
from .stacked import legend_entries
from .ticks import decades, log_ticks

METRICS = {"gap": "final f − f*", "best": "best f − f*", "steps": "steps to tolerance",
           "distance": "final distance to a minimum"}
# Painted over the metric's colours: (outcome, legend name, colour). "unreached" is a cell whose metric has no
# value (steps to tolerance of a run that never got there, f − f* where f* is unknown).
OVERLAYS = (("diverged", "blew up", "#B00020"), ("escaped", "escaped downhill (f → −∞)", "#E69F00"),
            ("departed", "left the window downhill", "#A6761D"),
            ("stalled", "stalled at a stationary point", "#7A7A7A"), ("oscillating", "oscillating", "#CC79A7"),
            ("unreached", "never within tolerance", "#D4D4D4"))
PAINTED = tuple(outcome for outcome, _, _ in OVERLAYS[:-1])   # outcomes painted over the metric, in OVERLAYS' order
SENSITIVE_NAME = "hatched: step unbounded"   # short, for a phone's legend; the page's caption says what it means
SENSITIVE_WORDS = ("Hatched cells have β₂ ≤ β₁ (Adam: β₁² ≥ β₂): the step has no bound there, and a run's outcome "
                   "can change with the last digit of its start — a colour there is not a reproducible fact.")
METRIC_COLORSCALE = "Viridis"
CLICK_TRACE = 2               # index of the first trace of the invisible click grid in a map's data
MAX_CLICK_SIDE = 64           # at most 64 × 64 click points (SVG nodes and bytes); finer maps use every k-th cell
LOG_FLOOR = 1e-16             # f − f* below this shows as this (rounding of f* itself)
MAP_PLOT = 336                # px: a sweep map's plot area is this tall, whatever its legend
AXIS_BELOW = 64               # px under a map's plot area: its x tick labels and axis title
LEGEND_ENTRY = 22             # px a legend entry takes, one a row (font 13, symbols of constant size; measured)


@dataclass(frozen=True)
class MapAxis:
    """One axis of a map: the hyperparameter's name, its axis title, its scale and the swept values."""

    name: str
    title: str
    scale: str
    values: np.ndarray


@dataclass(frozen=True)
class MapMark:
    """A race run drawn on a map at its own settings."""

    label: str
    color: str
    x: float
    y: float


def cell_metric(result: SweepResult, metric: str, minima: Any) -> tuple[np.ndarray, bool, str]:
    """(value per cell, NaN where it has none; whether to colour on a log scale; its title)."""
    target = result.minimum_value
    with np.errstate(all="ignore"):
        if metric == "steps":
            reached = result.reached_at.astype(np.float64)
            return np.where(reached >= 0, reached, np.nan), False, METRICS["steps"]
        if metric == "distance" and len(np.asarray(minima).reshape(-1, 2)):
            return distance_to_nearest(result.final_point, minima), True, METRICS["distance"]
        loss = result.best_loss if metric == "best" else result.final_loss
        if target is None:  # no f*: f itself, on a linear scale
            return loss.astype(np.float64), False, "best f" if metric == "best" else "final f"
        return loss - target, True, METRICS["best" if metric == "best" else "gap"]


def overlay_codes(result: SweepResult, values: np.ndarray) -> np.ndarray:
    """Per cell: the index into OVERLAYS of the colour painted over it, NaN where the metric's colour shows."""
    names = result.outcome_names
    codes = np.full(names.shape, np.nan)
    codes[~np.isfinite(values)] = len(PAINTED)
    for index, outcome in enumerate(PAINTED):
        codes[names == outcome] = index
    return codes


def sweep_map_figure(result: SweepResult, x_axis: MapAxis, y_axis: MapAxis, *, metric: str, minima: Any,
                     title: str, marks: list[MapMark] = (), colorbar: bool = True, plot_height: int = MAP_PLOT,
                     sensitive: np.ndarray | None = None) -> dict:
    """The map of a sweep over x_axis × y_axis (result of batch shape (len(x), len(y))). `sensitive` marks the
    cells (hatched, named in the legend) whose outcome is not a reproducible fact: where the optimizer's step has
    no bound (optimizers.outcomes.unbounded_step), a change of the start in its last digit can flip it."""
    values, log, metric_title = cell_metric(result, metric, minima)
    codes = overlay_codes(result, values)
    with np.errstate(all="ignore"):
        shown = np.log10(np.maximum(values, LOG_FLOOR)) if log else values
    coloured = np.isnan(codes) & np.isfinite(shown)
    low, high = (float(shown[coloured].min()), float(shown[coloured].max())) if coloured.any() else (0.0, 1.0)
    high = high if high > low else low + 1.0
    # No NaN goes to the browser: painted-over cells carry the scale's low end, and the overlay's "nothing
    # painted here" is a transparent colour of its own (code len(OVERLAYS)).
    shown = np.where(coloured, shown, low)
    painted = np.where(np.isnan(codes), len(OVERLAYS), codes)
    xs, ys = natural_coordinate(x_axis.scale, x_axis.values), natural_coordinate(y_axis.scale, y_axis.values)
    colour_title = f"log₁₀({metric_title})" if log else metric_title
    data = [
        {"type": "heatmap", "x": _rounded(xs), "y": _rounded(ys), "z": typed(shown.T), "zmin": low, "zmax": high,
         "colorscale": METRIC_COLORSCALE, "hoverinfo": "skip", "name": metric_title, "showscale": colorbar,
         "colorbar": {"title": {"text": colour_title, "side": "right"}, "thickness": 14, "len": 0.9, "x": 1.02,
                      "xanchor": "left"}},
        {"type": "heatmap", "x": _rounded(xs), "y": _rounded(ys), "z": typed(painted.T), "zmin": 0,
         "zmax": len(OVERLAYS), "colorscale": _discrete([color for _, _, color in OVERLAYS] + ["rgba(0,0,0,0)"]),
         "showscale": False, "hoverinfo": "skip", "name": "outcomes"},
        *_click_traces(result, values, xs, ys, x_axis, y_axis, metric_title),
    ]
    if sensitive is not None and np.any(sensitive):
        data.append(_hatch_trace(np.asarray(sensitive, dtype=bool), xs, ys))
    data += [trace for mark in marks for trace in _mark_traces(mark, x_axis, y_axis)]
    present = {int(code) for code in np.unique(codes[np.isfinite(codes)])}
    data += [{"type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": name, "hoverinfo": "skip",
              "marker": {"symbol": "square", "size": 13, "color": color}, "showlegend": True}
             for index, (_, name, color) in enumerate(OVERLAYS) if index in present]
    figure = {"data": data, "layout": {
        "title": {"text": title, "x": 0.01, "font": {"size": 16}}, "font": FONT,
        "margin": {"l": 70, "r": 100 if colorbar else 10, "t": 44, "autoexpand": False},
        "hovermode": "closest",
        "dragmode": False,
        "clickmode": "event", "uirevision": "sweep", "plot_bgcolor": "#ffffff",
        "xaxis": _axis(x_axis, xs), "yaxis": _axis(y_axis, ys),
    }}
    return with_legend_under(figure, plot_height)


def with_legend_under(figure: dict, plot_height: int) -> dict:
    """`figure` (a one-map figure) with a plot area `plot_height` px tall and, under its x axis title, its legend
    listed one entry a row.

    One entry a row whatever the chart's width, which the page does not know: side by side, entries of a map a
    third of a laptop's width wide overlapped each other and ran past the plot. The legend is pinned to the
    chart's bottom edge (container coordinates) and the bottom margin holds it, so a chart made taller
    (Streamlit's fullscreen) keeps it under the axis title, neither over the title nor cut off. The top margin and
    the plot's height are fixed (no autoexpand), so maps side by side keep equal plot areas whatever their legends.
    """
    layout = figure["layout"]
    entries = legend_entries(figure)
    below = AXIS_BELOW + (entries * LEGEND_ENTRY + 8 if entries else 0)
    layout["margin"] = {**layout.get("margin", {}), "b": below, "autoexpand": False}
    layout["height"] = int(layout["margin"].get("t", 40) + plot_height + below)
    layout["legend"] = {"orientation": "v", "x": 0, "xanchor": "left", "yref": "container", "y": 0,
                        "yanchor": "bottom", "font": {"size": 13}, "itemsizing": "constant", "tracegroupgap": 0}
    return figure



def _hatch_trace(mask: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> dict:
    """Hatched rectangles over the cells of `mask` (x index, y index): per column, its runs of marked cells, with
    neighbouring columns of the same runs merged (a band of rows is one rectangle)."""
    half_x = (xs[-1] - xs[0]) / max(len(xs) - 1, 1) / 2
    half_y = (ys[-1] - ys[0]) / max(len(ys) - 1, 1) / 2
    columns = []
    for i in range(mask.shape[0]):
        edges = np.flatnonzero(np.diff(np.concatenate([[0], mask[i].astype(np.int8), [0]])))
        runs = tuple(zip(edges[::2], edges[1::2] - 1, strict=True))
        if columns and columns[-1][2] == runs and columns[-1][1] == i - 1:
            columns[-1][1] = i
        elif runs:
            columns.append([i, i, runs])
    x, y = [], []
    for first, last, runs in columns:
        x0, x1 = float(xs[first] - half_x), float(xs[last] + half_x)
        for bottom, top in runs:
            y0, y1 = float(ys[bottom] - half_y), float(ys[top] + half_y)
            x += [x0, x1, x1, x0, x0, None]
            y += [y0, y0, y1, y1, y0, None]
    return {"type": "scatter", "mode": "lines", "x": _rounded(x), "y": _rounded(y), "fill": "toself",
            "fillcolor": "rgba(255,255,255,0.15)", "line": {"width": 1, "color": "rgba(0,0,0,0.5)"},
            "fillpattern": {"shape": "/", "fgcolor": "rgba(0,0,0,0.45)", "size": 8, "solidity": 0.15},
            "name": SENSITIVE_NAME, "hoverinfo": "skip", "showlegend": True}


def click_cell(result: SweepResult, curve_number: int, point_index: int) -> tuple[int, int] | None:
    """The (x index, y index) of the cell a click on point `point_index` of trace `curve_number` selects."""
    groups = click_groups(result)
    group = curve_number - CLICK_TRACE
    if not 0 <= group < len(groups) or not 0 <= point_index < len(groups[group][1]):
        return None
    _, gi, gj = groups[group]
    return int(gi[point_index]), int(gj[point_index])


def lr_sensitivity_figure(curves: list[dict], *, metric: str, log: bool, height: int = 380) -> dict:
    """Final f − f* (or another metric) against lr, one curve per race run: `curves` holds dicts with label,
    color, lr (values), value (metric per lr, NaN where none) and diverged (bool per lr)."""
    data = []
    for curve in curves:
        lr, value, diverged = (np.asarray(curve[key]) for key in ("lr", "value", "diverged"))
        with np.errstate(all="ignore"):
            shown = np.where(diverged | ~np.isfinite(value), np.nan,
                             np.maximum(value, LOG_FLOOR) if log else value)
        data.append({"type": "scatter", "mode": "lines", "x": _rounded(lr), "y": _rounded(shown, 5),
                     "name": curve["label"], "line": {"color": curve["color"], "width": 2.5},
                     "hovertemplate": f"{curve['label']}<br>lr = %{{x:.3g}}<br>{metric} = %{{y:.3g}}<extra></extra>"})
        if diverged.any():
            data.append({"type": "scatter", "mode": "markers", "x": _rounded(lr[diverged]),
                         "y": [1.0] * int(diverged.sum()), "yaxis": "y2", "showlegend": False,
                         "marker": {"symbol": "x-thin-open", "size": 9, "color": curve["color"], "line": {"width": 2}},
                         "hovertemplate": f"{curve['label']}<br>lr = %{{x:.3g}}: blew up<extra></extra>"})
    return {"data": data, "layout": {
        "height": height, "font": FONT, "margin": {"l": 70, "r": 10, "t": 30, "b": 50}, "hovermode": "closest",
        "xaxis": {"type": "log", "title": {"text": "learning rate α"}, "exponentformat": "power",
                  **log_ticks(*decades(curve["lr"] for curve in curves))},
        "yaxis": {"type": "log" if log else "linear", "title": {"text": metric}, "exponentformat": "power",
                  "domain": [0, 0.9]},
        "yaxis2": {"domain": [0.92, 1], "range": [0, 2], "visible": False},
        "annotations": [{"text": "✖ blew up", "xref": "paper", "yref": "paper", "x": 1, "y": 1.0,
                         "showarrow": False, "font": {"size": 12, "color": "#555"}, "xanchor": "right"}],
        "legend": {"orientation": "h", "x": 0, "y": 1.12, "yanchor": "bottom", "font": {"size": 13}},
        "uirevision": "sensitivity",
    }}


def _stride(n: int) -> int:
    return max(1, int(np.ceil(n / MAX_CLICK_SIDE)))


def click_groups(result: SweepResult) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """The click grid's traces, in order: (outcome, x indices, y indices) of the cells each one covers.

    One trace per outcome, so its hover names the outcome without a text per point (bytes); every k-th cell on
    maps finer than MAX_CLICK_SIDE. Point p of trace CLICK_TRACE + t is cell (x[p], y[p]) of group t.
    """
    nx, ny = result.outcome.shape
    gi, gj = np.meshgrid(np.arange(0, nx, _stride(nx)), np.arange(0, ny, _stride(ny)))  # rows follow y
    gi, gj = gi.ravel(), gj.ravel()
    names = result.outcome_names[gi, gj]
    return [(outcome, gi[names == outcome], gj[names == outcome]) for outcome in OUTCOMES
            if (names == outcome).any()]


# The hover's words per outcome, as the race's table says them (optimizers.outcomes.describe); customdata[3] is
# the first step within tolerance, customdata[4] the step from which it stayed within to the end.
OUTCOME_WORDS = {"reached": "within tolerance of f* from step %{customdata[4]} to the end "
                            "(first at step %{customdata[3]})",
                 "left": "within tolerance of f* at step %{customdata[3]}, then left",
                 "moving": "still moving", "stalled": "stalled at a stationary point", "oscillating": "oscillating",
                 "escaped": "escaped downhill (f → −∞)", "departed": "left the window downhill",
                 "diverged": "blew up"}


def _click_traces(result: SweepResult, values: np.ndarray, xs: np.ndarray, ys: np.ndarray, x_axis: MapAxis,
                  y_axis: MapAxis, metric_title: str) -> list[dict]:
    """Invisible points over the cells, one trace per outcome (click_groups): hover text and clicks. A point's
    customdata is (x value, y value, metric value, first step within tolerance, step it stayed within from).
    A group whose cells have no metric value (steps to tolerance of a run that never got there) names none:
    a placeholder is not a number."""
    size = max(4, min(40, int(560 / max(len(xs) / _stride(len(xs)), len(ys) / _stride(len(ys))))))
    traces = []
    for outcome, gi, gj in click_groups(result):
        metric = np.nan_to_num(values[gi, gj], nan=0.0, posinf=np.finfo(np.float32).max)
        has_value = bool(np.isfinite(values[gi, gj]).all())
        columns = [x_axis.values[gi], y_axis.values[gj], metric]
        if outcome in ("reached", "left"):  # the steps its words name (bytes: only where they are named)
            columns += [result.reached_at[gi, gj], result.metrics.settled_at[gi, gj]][:2 if outcome == "reached" else 1]
        custom = np.stack(columns, axis=-1)
        value_line = f"{metric_title} = %{{customdata[2]:.3g}}<br>" if has_value else ""
        traces.append({
            "type": "scatter", "mode": "markers", "x": typed(xs[gi]), "y": typed(ys[gj]),
            "customdata": typed(custom), "name": f"click: {outcome}", "showlegend": False,
            # maxdisplayed 1: plotly.js draws one (invisible) marker, not 4,096 SVG paths — restyling those was
            # most of the browser's work on a rerun. Hover and click-to-select read the points' data, not the
            # drawn markers (plotly.js scatter hoverPoints / selectPoints), so every cell still answers.
            "marker": {"size": size, "opacity": 0.0, "color": "#000", "symbol": "square", "maxdisplayed": 1},
            # ~g: the axis's short value as a click adds it (six digits, trailing zeros dropped: float32 noise cut)
            "hovertemplate": (f"{x_axis.name} = %{{customdata[0]:~g}}<br>{y_axis.name} = %{{customdata[1]:~g}}<br>"
                              f"<b>{OUTCOME_WORDS[outcome]}</b><br>{value_line}"
                              "click to add to the race<extra></extra>"),
        })
    return traces


def _mark_traces(mark: MapMark, x_axis: MapAxis, y_axis: MapAxis) -> list[dict]:
    """A ring in the run's colour on a white halo, visible on every colour of the map."""
    x = round(float(natural_coordinate(x_axis.scale, mark.x)), 6)
    y = round(float(natural_coordinate(y_axis.scale, mark.y)), 6)
    halo = {"type": "scatter", "mode": "markers", "x": [x], "y": [y], "hoverinfo": "skip", "showlegend": False,
            "marker": {"symbol": "circle-open", "size": 19, "color": "#ffffff", "line": {"width": 7}}}
    ring = {"type": "scatter", "mode": "markers", "x": [x], "y": [y], "name": mark.label,
            "marker": {"symbol": "circle-open", "size": 19, "color": mark.color, "line": {"width": 3.5}},
            "hovertemplate": f"{mark.label} (in the race)<extra></extra>", "showlegend": True}
    return [halo, ring]


def _axis(axis: MapAxis, coordinates: np.ndarray) -> dict:
    """An axis in natural coordinates, ticked with the hyperparameter's own values (0.001, 0.99, …)."""
    step = (coordinates[-1] - coordinates[0]) / max(len(coordinates) - 1, 1)
    spec = {"title": {"text": axis.title}, "range": [float(coordinates[0] - step / 2),
                                                     float(coordinates[-1] + step / 2)],
            "showgrid": False, "zeroline": False, "ticks": "outside"}
    if axis.scale in ("log", "one_minus_log"):
        ticks = np.arange(np.ceil(coordinates.min() - 1e-9), np.floor(coordinates.max() + 1e-9) + 1)
        value = (lambda k: 10.0 ** k) if axis.scale == "log" else (lambda k: 1 - 10.0 ** -k)
        text = [f"{value(k):g}" for k in ticks]
        spec |= {"tickvals": ticks.tolist(), "ticktext": text}
    return spec


def _discrete(colors: list[str]) -> list[list]:
    """A colorscale giving integer z = 0 … n − 1 one flat colour each."""
    n = len(colors)
    scale = []
    for index, color in enumerate(colors):
        scale += [[index / n, color], [(index + 1) / n, color]]
    return scale


def _rounded(values: np.ndarray, digits: int = 6) -> list:
    """Plain floats to `digits` significant digits (None where not finite): values on a log axis span decades,
    and rounding to decimal places turned f − f* = 1e-16 (or any value below 5e-7) into 0, which a log axis
    cannot draw — the sensitivity curves' best learning rates vanished."""
    values = np.asarray(values, dtype=np.float64)
    return [None if not np.isfinite(v) else float(f"{v:.{digits}g}") for v in values]


MINIMUM_HUES = ("#0072B2", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#E69F00", "#000000", "#F0E442")
BASIN_OTHERS = (("stalled", "stalled at another stationary point", "#7A7A7A"),
                ("moving", "still on its way", "#E8E2D0"), ("oscillating", "oscillating", "#CC79A7"),
                ("escaped", "escaped downhill (f → −∞)", "#F4A259"),
                ("departed", "left the window downhill", "#A6761D"), ("diverged", "blew up", "#B00020"))
BASIN_RADIUS = 0.01   # ended "in" a minimum: within this fraction of the domain's span of it


def basin_codes(result: SweepResult, minima: Any, domain: Any) -> np.ndarray:
    """z per start: k + lightness for a run that ended in minimum k (k + 0.05 after no steps … k + 0.95 after
    all of them, by the first step within tolerance, else the run's length), len(minima) + i + 0.5 for the i-th
    of BASIN_OTHERS."""
    minima = np.asarray(minima, dtype=np.float64).reshape(-1, 2)
    names = result.outcome_names
    span = float(max(np.ptp(np.asarray(domain, dtype=np.float64), axis=1)))
    z = np.full(names.shape, len(minima) + 1.5)  # "still on its way" unless it is in a minimum or below
    for index, (outcome, _, _) in enumerate(BASIN_OTHERS):
        z[names == outcome] = len(minima) + index + 0.5
    if len(minima):
        distances = np.linalg.norm(result.final_point[..., None, :] - minima, axis=-1)
        nearest = distances.argmin(axis=-1)
        inside = (distances.min(axis=-1) <= BASIN_RADIUS * span) & np.isin(names, ("reached", "left", "stalled",
                                                                                   "oscillating", "moving"))
        steps = np.where(result.reached_at >= 0, result.reached_at, result.steps)
        z = np.where(inside, nearest + 0.05 + 0.9 * steps / max(result.steps, 1), z)
    return z


def basin_figure(result: SweepResult, xs: np.ndarray, ys: np.ndarray, *, minima: Any, domain: Any, title: str,
                 start: Any, plot_height: int = 350) -> dict:
    """A grid of starts (result of batch shape (len(xs), len(ys))), coloured by where each run ended: a hue per
    minimum, lighter for fewer steps; the other outcomes in flat colours. ★ minima, ○ the race's start.

    A map of the surface, so at true geometry (equal_scale: a unit of y as many px as a unit of x, whatever the
    column's width); the plot area is at most `plot_height` px tall and sits on its x axis, the legend under it."""
    minima = np.asarray(minima, dtype=np.float64).reshape(-1, 2)
    z = basin_codes(result, minima, domain)
    k, bands = len(minima), len(minima) + len(BASIN_OTHERS)
    scale = []
    for index in range(k):
        hue = MINIMUM_HUES[index % len(MINIMUM_HUES)]
        scale += [[index / bands, _mix(hue, 0.2)], [(index + 1) / bands, _mix(hue, 1.0)]]
    for index, (_, _, color) in enumerate(BASIN_OTHERS):
        scale += [[(k + index) / bands, color], [(k + index + 1) / bands, color]]
    data = [{"type": "heatmap", "x": _rounded(xs), "y": _rounded(ys), "z": typed(z.T), "zmin": 0, "zmax": bands,
             "colorscale": scale, "showscale": False, "name": "basins",
             "hovertemplate": "start (%{x:.3g}, %{y:.3g})<extra></extra>"}]
    present = set(np.floor(z).astype(int).ravel().tolist())
    for index, (x, y) in enumerate(minima):
        data.append({"type": "scatter", "mode": "markers", "x": [round(float(x), 6)], "y": [round(float(y), 6)],
                     "name": f"ends in ({x:.3g}, {y:.3g})", "showlegend": index in present,
                     "marker": {"symbol": "star", "size": 15, "color": MINIMUM_HUES[index % len(MINIMUM_HUES)],
                                "line": {"color": "#ffffff", "width": 1.5}},
                     "hovertemplate": f"minimum ({x:.4g}, {y:.4g})<extra></extra>"})
    data += [{"type": "scatter", "x": [None], "y": [None], "mode": "markers", "name": name, "hoverinfo": "skip",
              "marker": {"symbol": "square", "size": 13, "color": color}, "showlegend": True}
             for index, (_, name, color) in enumerate(BASIN_OTHERS) if k + index in present]
    data.append({"type": "scatter", "mode": "markers", "x": [float(start[0])], "y": [float(start[1])],
                 "name": "the race's start", "marker": {"symbol": "circle-open", "size": 15, "color": "#000",
                                                        "line": {"width": 3}},
                 "hovertemplate": "the race's start<extra></extra>"})
    (x0, x1), (y0, y1) = domain
    xaxis, yaxis = equal_scale(
        {"range": [x0, x1], "title": {"text": "start x"}, "showgrid": False, "zeroline": False},
        {"range": [y0, y1], "title": {"text": "start y"}, "showgrid": False, "zeroline": False})
    figure = {"data": data, "layout": {
        "title": {"text": title, "x": 0.01, "font": {"size": 15}}, "font": FONT,
        "margin": {"l": 50, "r": 10, "t": 40}, "hovermode": "closest", "dragmode": False,
        # on its x axis: a column wider than tall leaves room above the map, not between its axis and legend
        "xaxis": xaxis, "yaxis": {**yaxis, "constraintoward": "bottom"},
        "uirevision": "basins",
    }}
    return with_legend_under(figure, plot_height)


def _mix(hex_color: str, amount: float) -> str:
    """`hex_color` mixed with white: amount 1 is the colour itself, 0 is white."""
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    r, g, b = (round(255 + (c - 255) * amount) for c in (r, g, b))
    return f"rgb({r}, {g}, {b})"
