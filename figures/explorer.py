"""The explorer's figure: the runs racing across the landscape, with loss and distance curves beside it.

One figure, one Plotly animation: a frame moves every run's head and short trail on the map and a cursor
through the curves, so the play button and the step scrubber drive everything together. Following
the recipe of docs/REFERENCE.md §6, the landscape, the full (thinned) paths and the curves are static traces drawn once;
frames update only small traces (heads, each run's path so far at a fixed GROWN_POINTS points, cursors) with
`redraw: False`, and axis ranges are fixed. Where runs coincide each stays visible: widths and head sizes
shrink with the run's rank, and the start and the star are outlines drawn over everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from optimizers.metrics import distance_to_nearest
from optimizers.outcomes import OUTCOMES, classify, trajectory_metrics

from .landscape import (
    CORNER_PX,
    Landscape,
    click_grid_trace,
    map_axes,
    mesh_trace,
    minima_trace,
    sample_landscape,
    start_trace,
)
from .palette import DIVERGED_COLOR, FONT, with_alpha
from .sampling import MAX_FRAMES, MAX_PATH_POINTS, frame_steps, path_steps, rounded, scrubber_stops, typed
from .stacked import wrap
from .ticks import log_ticks, thinned

CLICK_GRID_TRACE = 0      # index of the invisible click grid in the contour view
TRAIL_FRAMES = 4          # a trail spans the last few frames' worth of steps
TRAIL_POINTS = 8
GROWN_POINTS = 40         # the path so far, drawn in each frame with this many points (fixed: no O(steps²))
PATH_WIDTHS = (2.5, 8.0)  # the last run's path is the narrowest, run 1's the widest: all stay visible
HEAD_SIZES = (9.0, 24.0)   # likewise for the current points, which share the start at step 0
FULL_PATH_ALPHA = 0.45    # the full paths are faint; the part already run is drawn solid over them
CURVE_POINTS = 700
GAP_FLOOR = 1e-16         # f − f* below this is drawn at it (a log axis cannot show 0)
FRAME_MS = 60             # frame duration at 1× speed
SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0)
MAX_DECADE_LABELS = 8     # tick labels on a curve panel's log axis, at most
# The row above the map, left to right (px from the chart's left edge, at the menus' 14 px font):
PLAY_BUTTONS_PX = 180     # ▶ Play / ❚❚ Pause (≈ 150 px) and a gap: the path toggle starts here …
SPEED_MENU_PX = 420       # … and takes ≈ 205 px and a gap: the speed menu starts here
# A 3-D axis's labels are drawn along its projection, which at the camera below is about half the scene's width:
# at most this many a axis (a label ≈ 35 px wide, the scene ≈ 300 px at the least chart height) keeps them apart,
# and apart from the neighbouring axis's labels where two axes meet in a corner.
SCENE_TICKS = {"xaxis": 5, "yaxis": 5, "zaxis": 4}
SCENE_TICK_FONT = 11
MAP_BOTTOM = 0.16         # the map's and the lower panel's bottom, and the scrubber's top (paper) …
SCRUBBER_Y = 0.065
DEFAULT_HEIGHT = 660      # … at this chart height (explorer_figure's): under the map, its x axis and title take
TITLE_CHAR_PX = 8         # px a character of a panel's (rotated) title takes along its panel
MARGIN_Y = 62             # its top and bottom margins; fit_height keeps those px at other heights
ROW_LIFT_PX = 12          # the row's gap above the map: its top tick label reaches ≈ 8 px above the plot area
# The 3-D view: every frame redraws the whole WebGL scene (plotly.js animates only 2-D scatter without a
# redraw), so its cost is kept down: fewer frames, fewer path points, the landscape as a plain mesh (see
# landscape.mesh_trace), on a grid fine enough that Rosenbrock's curved wall shows no saw teeth.
FRAMES_3D = 40
PATH_POINTS_3D = 400
RESOLUTION_3D = 90
LIFT_3D = 0.012           # paths float this fraction of the z range above the drawn mesh


@dataclass(frozen=True)
class ExplorerRun:
    """One run as the figure shows it: its legend label, its colour and its (unbatched) trajectory."""

    label: str
    color: str
    trajectory: Any  # optimizers.Trajectory with points (steps + 1, 2)


def explorer_figure(surface: Any, runs: list[ExplorerRun], *, view: str = "contour",
                    max_frames: int = MAX_FRAMES, click_to_start: bool = True, height: int = DEFAULT_HEIGHT) -> dict:
    """The animated comparison as a JSON-ready figure dict (no NaN or inf anywhere in it)."""
    landscape = sample_landscape(surface, resolution=60 if view == "contour" else RESOLUTION_3D)
    steps = runs[0].trajectory.steps if runs else 0
    shown = frame_steps(steps, max_frames if view == "contour" else min(max_frames, FRAMES_3D))
    curves = _curves(surface, runs)

    traces: list[dict] = []
    if view == "3d":
        # Opaque, so paths behind it are hidden rather than tinted (their colours stay the legend's).
        traces.append(mesh_trace(landscape))
    elif click_to_start:
        traces.append(click_grid_trace(surface))
    minima = minima_trace(surface)
    if minima:  # the filled star lies under the paths; its outline is drawn over everything below
        traces.append(minima if view == "contour" else _minima_3d(landscape, surface, minima))
    for rank, run in enumerate(runs):
        traces.append(_path_trace(run, landscape, surface, view, _widths(len(runs))[rank]))
    path_traces = list(range(len(traces) - len(runs), len(traces)))
    for run in runs:
        marker = _divergence_trace(run, landscape, surface, view)
        if marker:
            traces.append(marker)
    for run, curve in zip(runs, curves["gap"], strict=True):
        traces.append(_curve_trace(run, curve, "x2", "y2", curves["gap_label"]))
    for run, curve in zip(runs, curves["distance"], strict=True):
        traces.append(_curve_trace(run, curve, "x3", "y3", curves["distance_label"]))

    animated = len(traces)
    traces.extend(_moving_traces(runs, view, _moving_coordinates(runs, landscape, surface, view, curves, shown[0])))
    frames = [{"name": str(int(step)), "data": _moving_coordinates(runs, landscape, surface, view, curves, step),
               "traces": list(range(animated, len(traces)))} for step in shown]
    # Drawn last, so on top of the paths and the current points: the star and the start as outlines, which
    # leave whatever sits on them visible (at step 0 every run's head is on the start).
    if minima and view == "contour":
        traces.append(_star_outline(minima))
    if runs:
        start = runs[0].trajectory.points[0]
        traces.append(start_trace(start, outline=True) if view == "contour"
                      else _start_3d(landscape, surface, start))
    layout = _layout(surface, landscape, view, curves, shown, height, steps)
    layout["updatemenus"].append(_path_toggle(path_traces))
    return {"data": traces, "layout": layout, "frames": frames}


def _widths(count: int) -> np.ndarray:
    """Path widths by run, widest first: run 1 is drawn first (underneath) and wider, so where paths
    coincide each shows as a band of its colour around the next."""
    low, high = PATH_WIDTHS
    return np.linspace(high, low, count) if count > 1 else np.array([(low + high) / 2])


def _head_sizes(count: int) -> list[float]:
    low, high = HEAD_SIZES
    return np.round(np.linspace(high, low, count), 1).tolist() if count > 1 else [high]


# ---------------------------------------------------------------- curves beside the map

def _curves(surface: Any, runs: list[ExplorerRun]) -> dict[str, Any]:
    """Per run: f − f* (or f) and the distance to the nearest global minimum (or |∇f|), at every step."""
    known = getattr(surface, "minimum_value", None)
    minima = np.asarray(surface.minima, dtype=np.float64).reshape(-1, 2)
    gaps, distances = [], []
    for run in runs:
        points, losses = run.trajectory.points, run.trajectory.losses
        gaps.append(np.maximum(losses - known, GAP_FLOOR) if known is not None else losses)
        if len(minima):
            distance = distance_to_nearest(points, minima)
        else:
            with np.errstate(all="ignore"):
                distance = np.linalg.norm(np.asarray(surface.grad(points), dtype=np.float64), axis=-1)
            distance = np.nan_to_num(distance, nan=0.0, posinf=1e300)
        distances.append(np.maximum(distance, GAP_FLOOR))
    return {
        "gap": gaps, "gap_log": known is not None,
        "gap_label": "f − f*" if known is not None else "f",
        "distance": distances,
        "distance_label": "distance to nearest global min." if len(minima) else "|∇f| (no minimum on the map)",
    }


def _axis_range(series: list[np.ndarray], log: bool) -> list[float]:
    values = np.concatenate(series) if series else np.array([1.0])
    if log:
        low, high = np.log10(values.min()), np.log10(values.max())
        pad = max(0.05 * (high - low), 0.1)
        return [float(low - pad), float(high + pad)]
    low, high = float(values.min()), float(values.max())
    pad = max(0.05 * (high - low), 1e-9)
    return [low - pad, high + pad]


def _curve_trace(run: ExplorerRun, values: np.ndarray, xaxis: str, yaxis: str, what: str) -> dict:
    index = path_steps(np.stack([np.arange(len(values), dtype=float), np.log10(np.abs(values) + 1e-300)], -1),
                       CURVE_POINTS)
    return {
        "type": "scatter", "mode": "lines", "x": typed(index, "i4"), "y": typed(values[index], "f8"),
        "xaxis": xaxis, "yaxis": yaxis, "line": {"color": run.color, "width": 2.2},
        "legendgroup": run.label, "showlegend": False, "name": run.label,
        "hovertemplate": f"{run.label}<br>step %{{x}}: {what} %{{y:.4g}}<extra></extra>",
    }


# ---------------------------------------------------------------- paths on the map

def _heights(landscape: Landscape, surface: Any, points: np.ndarray) -> np.ndarray:
    """z of path points in the 3-D view: above the displayed value and above the drawn mesh.

    The mesh is linear between grid nodes, so on a curved wall it can lie above f's true value: a path at
    f would dip under it and show as a dashed line. The largest display value of the four grid nodes
    around each point bounds the mesh there; the path is lifted LIFT_3D of the z range above that bound.
    """
    with np.errstate(all="ignore"):
        f = np.asarray(surface.f(points), dtype=np.float64)
    z = landscape.display(np.nan_to_num(f, nan=landscape.floor))
    grid = landscape.display(landscape.values)
    xs, ys = landscape.xs, landscape.ys
    i = np.clip(np.searchsorted(xs, points[..., 0]) - 1, 0, len(xs) - 2)
    j = np.clip(np.searchsorted(ys, points[..., 1]) - 1, 0, len(ys) - 2)
    corners = np.max([grid[j, i], grid[j, i + 1], grid[j + 1, i], grid[j + 1, i + 1]], axis=0)
    inside = ((points[..., 0] >= xs[0]) & (points[..., 0] <= xs[-1]) & (points[..., 1] >= ys[0])
              & (points[..., 1] <= ys[-1]))
    z = np.where(inside, np.maximum(z, corners), z)
    return z + LIFT_3D * float(np.ptp(grid) or 1.0)


def _xy(points: np.ndarray, landscape: Landscape, surface: Any, view: str) -> dict:
    coordinates = {"x": rounded(points[:, 0], 4), "y": rounded(points[:, 1], 4)}
    if view == "3d":  # the type keeps a frame's data valid on its own (a bare x/y/z would read as 2-D)
        coordinates.update(type="scatter3d", z=rounded(_heights(landscape, surface, points), 4))
    return coordinates


def _path_trace(run: ExplorerRun, landscape: Landscape, surface: Any, view: str, width: float) -> dict:
    """The whole path, faint (the part already run is drawn solid over it by the frames). In 3-D it is
    thinner instead: WebGL blends a translucent line with whatever lies behind it, changing its colour."""
    points = run.trajectory.points
    index = path_steps(points, MAX_PATH_POINTS if view == "contour" else PATH_POINTS_3D)
    color = with_alpha(run.color, FULL_PATH_ALPHA) if view == "contour" else run.color
    trace = {
        "type": "scatter" if view == "contour" else "scatter3d", "mode": "lines",
        "x": typed(points[index, 0]), "y": typed(points[index, 1]),
        "line": {"color": color, "width": round(float(width) if view == "contour" else 2.0, 2)},
        "name": run.label, "legendgroup": run.label, "showlegend": True,
        "customdata": typed(index, "i4"),
        "hovertemplate": f"{run.label}<br>step %{{customdata}}: (%{{x:.4f}}, %{{y:.4f}})<extra></extra>",
    }
    if view == "3d":
        trace["z"] = typed(_heights(landscape, surface, points[index]))
    return trace


def _divergence_trace(run: ExplorerRun, landscape: Landscape, surface: Any, view: str) -> dict | None:
    """Where a run stopped by leaving the bound: ✖ where it blew up, ➜ where it went downhill out of the window
    (escaped to f → −∞ on a surface proven unbounded below; left the window where that is not known).

    A last finite point off the map is drawn at the map's edge as an arrow pointing toward it, with its
    coordinates in the label, so the mark the page promises is always on screen.
    """
    step = int(run.trajectory.diverged_at)
    if step < 0:
        return None
    metrics = trajectory_metrics(run.trajectory, surface, minimum_value=getattr(surface, "minimum_value", None),
                                 tolerance=0.0)
    outcome = OUTCOMES[int(classify(metrics))]
    escaped = outcome in ("escaped", "departed")
    last = run.trajectory.points[-1]
    (x0, x1), (y0, y1) = surface.domain
    inside = x0 <= last[0] <= x1 and y0 <= last[1] <= y1
    what = {"escaped": "escaped downhill", "departed": "left the window downhill"}.get(outcome, "blew up")
    color = run.color if escaped else DIVERGED_COLOR
    marker: dict[str, Any] = {"symbol": "x", "size": 16 if view == "contour" else 8, "color": color,
                              "line": {"width": 2, "color": "white"}}
    shown, label = last, f"{what} at step {step}"
    if not inside:
        inset_x, inset_y = 0.03 * (x1 - x0), 0.03 * (y1 - y0)
        shown = np.array([np.clip(last[0], x0 + inset_x, x1 - inset_x), np.clip(last[1], y0 + inset_y, y1 - inset_y)])
        # Plotly's marker angle turns clockwise from north.
        angle = float(np.degrees(np.arctan2(last[0] - shown[0], last[1] - shown[1])))
        marker.update(symbol="arrow-wide", angle=round(angle, 1), size=20 if view == "contour" else 10)
        if view == "3d":  # scatter3d has no arrows
            marker.update(symbol="diamond-open")
            marker.pop("angle")
        label += f" → ({last[0]:.3g}, {last[1]:.3g})"
    elif escaped:
        marker["symbol"] = "arrow-wide" if view == "contour" else "diamond-open"
    position = ("bottom" if shown[1] > (y0 + y1) / 2 else "top") + (
        " left" if shown[0] > (x0 + x1) / 2 else " right")
    return {
        "type": "scatter" if view == "contour" else "scatter3d",
        "mode": "markers+text", **_xy(shown[None, :], landscape, surface, view),
        "marker": marker, "text": [label], "textposition": position if view == "contour" else "top center",
        "textfont": {"color": color, "size": 13},
        "name": f"{run.label} {what}", "legendgroup": run.label, "showlegend": False,
        "hovertemplate": f"{run.label}<br>{what} at step {step}: its next point left the bound or was "
                         f"not finite; last finite point ({last[0]:.4g}, {last[1]:.4g})<extra></extra>",
    }


def _minima_3d(landscape: Landscape, surface: Any, minima: dict) -> dict:
    points = np.c_[minima["x"], minima["y"]]
    return {"type": "scatter3d", "mode": "markers", **_xy(points, landscape, surface, "3d"),
            "name": minima["name"], "showlegend": False, "hovertemplate": minima["hovertemplate"],
            "marker": {"symbol": "diamond", "size": 7, "color": minima["marker"]["color"],
                       "line": {"width": 1, "color": "#333"}}}


def _start_3d(landscape: Landscape, surface: Any, start: np.ndarray) -> dict:
    return {
        "type": "scatter3d", "mode": "markers", **_xy(start[None, :], landscape, surface, "3d"),
        "marker": {"size": 7, "color": "white", "line": {"width": 2, "color": "#222"}}, "name": "start",
    }


# ---------------------------------------------------------------- what the frames move

def _moving_coordinates(runs: list[ExplorerRun], landscape: Landscape, surface: Any, view: str,
                        curves: dict[str, Any], step: int) -> list[dict]:
    """At one step: the heads, each run's path so far, and the heads on both curves — coordinates only,
    since a frame's trace data merges into the trace it updates.

    The path so far has at most GROWN_POINTS points whatever the step (docs/REFERENCE.md §6: a frame must not carry
    the growing path): the last TRAIL_POINTS span the latest steps, the others are the earlier steps chosen
    as path_steps chooses the full path's (evenly in step and in arc length), so fast early moves keep
    their corners.
    """
    step = int(step)
    window = max(TRAIL_FRAMES * max(runs[0].trajectory.steps // MAX_FRAMES, 1), 6) if runs else 1
    heads = np.array([run.trajectory.points[step] for run in runs]).reshape(-1, 2)
    moving = [_xy(heads, landscape, surface, view)]
    for run in runs:
        first = max(step - window, 0)
        recent = np.linspace(first, step, TRAIL_POINTS).round().astype(int)
        earlier = path_steps(run.trajectory.points[:first + 1], GROWN_POINTS - TRAIL_POINTS)
        chosen = np.unique(np.concatenate([earlier, recent]))
        moving.append(_xy(run.trajectory.points[chosen], landscape, surface, view))
    for key in ("gap", "distance"):
        moving.append({"x": [step] * len(runs), "y": [float(f"{curve[step]:.4g}") for curve in curves[key]]})
    return moving


def _moving_traces(runs: list[ExplorerRun], view: str, first: list[dict]) -> list[dict]:
    """The styled traces the frames move, holding the coordinates of the first frame. Heads shrink with the
    run's rank (each drawn over the previous): runs at the same point show as concentric rings."""
    kind = "scatter" if view == "contour" else "scatter3d"
    colors = [run.color for run in runs]
    sizes = _head_sizes(len(runs))
    traces = [{"type": kind, "mode": "markers", **first[0], "name": "current point", "showlegend": False,
               "marker": {"size": sizes if view == "contour" else [round(size / 2, 1) for size in sizes],
                          "color": colors, "line": {"width": 1, "color": "white"}, "opacity": 1},
               "text": [run.label for run in runs], "hovertemplate": "%{text}<extra></extra>"}]
    for run, coordinates, width in zip(runs, first[1:], _widths(len(runs)), strict=False):
        traces.append({"type": kind, "mode": "lines", **coordinates, "name": run.label, "legendgroup": run.label,
                       "line": {"color": run.color, "width": round(float(width), 2) if view == "contour" else 7},
                       "showlegend": False, "hoverinfo": "skip"})
    for coordinates, axes in zip(first[-2:], (("x2", "y2"), ("x3", "y3")), strict=True):
        traces.append({"type": "scatter", "mode": "markers", **coordinates, "xaxis": axes[0], "yaxis": axes[1],
                       "marker": {"size": 10, "color": colors, "line": {"width": 1.5, "color": "white"}},
                       "showlegend": False, "hoverinfo": "skip", "name": "now"})
    return traces


def _star_outline(minima: dict) -> dict:
    """The star's outline, drawn over the current points: a run sitting on the minimum stays visible in it."""
    return {**minima, "name": f"{minima['name']} (outline)", "hoverinfo": "skip", "hovertemplate": None,
            "showlegend": False,
            "marker": {**minima["marker"], "symbol": "star-open", "color": "#333", "line": {"width": 1.6}}}


def _path_toggle(path_traces: list[int]) -> dict:
    """Two buttons: full paths shown (faint, ahead of the runs) or hidden, so that during Play each path
    appears only as its run draws it."""
    style = {"showactive": True, "active": 0, "yanchor": "top", "bgcolor": "#f4f4f4", "bordercolor": "#bbb",
             "font": {"size": 13}, "pad": {"r": 6, "t": 6}}
    return {**style, "type": "buttons", "direction": "left", "x": 0.0, "xanchor": "left", "y": 1.0,
            "yanchor": "bottom", "name": "paths", "pad": {"r": 6, "b": ROW_LIFT_PX, "l": PLAY_BUTTONS_PX},
            "buttons": [
                {"label": "whole paths", "method": "restyle", "args": [{"visible": True}, path_traces]},
                {"label": "paths as they run", "method": "restyle", "args": [{"visible": False}, path_traces]},
            ]}


# ---------------------------------------------------------------- layout, play controls, scrubber

def _layout(surface: Any, landscape: Landscape, view: str, curves: dict[str, Any], shown: np.ndarray,
            height: int, steps: int) -> dict:
    (x0, x1), (y0, y1) = surface.domain
    map_domain = [0.0, 0.58]
    map_rows = [MAP_BOTTOM, 1.0]  # the bottom strip holds the map's x axis and the scrubber
    curve_x = {"range": [0, max(steps, 1)], "domain": [0.7, 1.0], "title": {"text": "step"},
               "showgrid": True, "gridcolor": "#e8e8e8", "zeroline": False,
               "ticklabelstandoff": CORNER_PX}  # its "0" clear of the y axis's last label in the corner
    gap_log = curves["gap_log"]
    layout: dict[str, Any] = {
        "height": height, "font": FONT, "template": "plotly_white", "hovermode": "closest",
        "margin": {"l": 60, "r": 10, "t": 52, "b": 10}, "uirevision": surface.key,
        # The page draws the legend as HTML above the chart: larger text, and no redraw cost in Plotly.
        "showlegend": False,
        "xaxis2": {**curve_x, "anchor": "y2", "showticklabels": False, "title": None},
        "yaxis2": _curve_axis(curves["gap"], gap_log, curves["gap_label"], [0.55, 1.0], "x2"),
        "xaxis3": {**curve_x, "anchor": "y3", "matches": "x2"},
        # two lines: on one, "distance to nearest global min." outgrew its panel and ran into the one above
        "yaxis3": _curve_axis(curves["distance"], True, wrap(curves["distance_label"].split(" (")[0], 20),
                              [MAP_BOTTOM, 0.5], "x3"),
        "updatemenus": _play_controls(view),
        "sliders": [_scrubber(shown, view)],
    }
    if view == "3d":
        layout["scene"] = {
            "domain": {"x": [0.08, map_domain[1]], "y": map_rows},  # room for the z axis labels
            **_scene_axes({"xaxis": {"range": [x0, x1], "title": {"text": "x"}},
                           "yaxis": {"range": [y0, y1], "title": {"text": "y"}},
                           "zaxis": {"title": {"text": landscape.title, "font": {"size": 13}},
                                     "tickvals": z_ticks(landscape.display(landscape.values))}}),
            "aspectmode": "manual",
            "aspectratio": {"x": 1, "y": (y1 - y0) / (x1 - x0), "z": 0.6},
            "camera": {"eye": {"x": -0.85, "y": -1.35, "z": 1.5}},  # high enough to see into valleys
        }
    else:
        layout.update(map_axes(surface, map_domain, map_rows))
    return layout


def z_ticks(heights: np.ndarray, count: int = SCENE_TICKS["zaxis"]) -> list[float]:
    """At most `count` round heights for the 3-D view's z axis, none in the lowest quarter of its range: the z
    axis rises from the corner where the y axis's labels end, and a label at its foot sat on theirs.

    >>> z_ticks(np.array([-2.2, 3.4]))
    [0.0, 1.0, 2.0, 3.0]
    """
    finite = np.asarray(heights, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    if finite.size == 0 or np.ptp(finite) == 0:
        return []
    low, high = float(finite.min()), float(finite.max())
    start = low + 0.25 * (high - low)
    power = 10.0 ** np.floor(np.log10((high - start) / count))
    for step in (power * m for m in (1, 2, 2.5, 5, 10, 20)):
        ticks = np.arange(np.ceil(start / step) * step, high + 1e-9 * step, step)
        if len(ticks) <= count:
            return [float(f"{tick:.6g}") + 0.0 for tick in ticks]  # + 0.0: no "−0"
    return []


def fit_height(figure: dict, height: int) -> dict:
    """A copy of a race figure `height` px tall (its layout copied; data and frames shared) whose strip under the
    map keeps its px: the map's x tick labels and title, then the step number and the scrubber. In paper units
    the strip shrank with the chart, and on a laptop's fitted chart the title "x" sat on the step number.

    The map, the 3-D scene and the curve panels keep their share of what is left above the strip."""
    layout = {**figure["layout"], "height": int(height)}
    old = max(DEFAULT_HEIGHT - MARGIN_Y, 1)
    new = max(int(height) - MARGIN_Y, 1)
    bottom = min(MAP_BOTTOM * old / new, 0.45)

    def moved(value: float) -> float:  # a paper y above the strip, in the same share of the space above it
        return round(bottom + (float(value) - MAP_BOTTOM) * (1 - bottom) / (1 - MAP_BOTTOM), 5)

    for name in ("yaxis", "yaxis2", "yaxis3"):
        spec = layout.get(name)
        if isinstance(spec, dict) and spec.get("domain"):
            layout[name] = {**spec, "domain": [moved(v) if v >= MAP_BOTTOM else v for v in spec["domain"]]}
    scene = layout.get("scene")
    if isinstance(scene, dict) and scene.get("domain"):
        layout["scene"] = {**scene, "domain": {**scene["domain"], "y": [moved(v) for v in scene["domain"]["y"]]}}
    layout["sliders"] = [{**slider, "y": round(SCRUBBER_Y * old / new, 5)} for slider in layout.get("sliders", [])]
    for name in ("yaxis2", "yaxis3"):  # a shorter panel holds fewer labels, and its title on more lines
        spec = layout.get(name)
        if isinstance(spec, dict) and spec.get("domain"):
            px = (spec["domain"][1] - spec["domain"][0]) * new
            layout[name] = thinned(spec, px)
            title = (spec.get("title") or {}).get("text") or ""
            if title:
                layout[name]["title"] = {**spec["title"], "text": _fitted_title(title, px)}
    return {**figure, "layout": layout}


SHORT_TITLES = {"distance to nearest global min.": ("distance to<br>min.", "distance")}


def _fitted_title(title: str, px: float) -> str:
    """A panel's title on at most two lines that fit along its `px`: as it is, wrapped, or a shorter form."""
    text = title.replace("<br>", " ")
    candidates = [title, wrap(text, -(-len(text) // 2)), *SHORT_TITLES.get(text, ())]
    fits = [c for c in candidates if c.count("<br>") <= 1
            and max(len(line) for line in c.split("<br>")) * TITLE_CHAR_PX <= px]
    return fits[0] if fits else candidates[-1]


def _scene_axes(axes: dict[str, dict]) -> dict[str, dict]:
    """The 3-D scene's axes with few, small tick labels (SCENE_TICKS): plotly's default of up to 8 an axis
    overlapped each other, and the z axis's ran into the y axis's where the two meet."""
    return {name: {**axis, "nticks": SCENE_TICKS[name], "tickfont": {"size": SCENE_TICK_FONT}}
            for name, axis in axes.items()}


def _curve_axis(series: list[np.ndarray], log: bool, title: str, domain: list[float], anchor: str) -> dict:
    """A fixed-range axis for a curve panel; a log axis spanning decades labels only the powers of ten."""
    value_range = _axis_range(series, log)
    axis = {"domain": domain, "anchor": anchor, "type": "log" if log else "linear", "range": value_range,
            "title": {"text": title}, "exponentformat": "power", "gridcolor": "#e8e8e8"}
    if log:  # at most 8 labels: a panel ~200 px tall holds no more without them overlapping
        axis.update(log_ticks(*value_range, labels=MAX_DECADE_LABELS))
    return axis


def _animate_args(duration: float, view: str) -> dict:
    return {"frame": {"duration": duration, "redraw": view == "3d"}, "transition": {"duration": 0},
            "fromcurrent": True, "mode": "immediate"}


def _play_controls(view: str) -> list[dict]:
    """Play/Pause buttons, and a speed menu whose entries play from the current frame at that speed."""
    play = {"label": "▶ Play", "method": "animate", "args": [None, _animate_args(FRAME_MS, view)]}
    pause = {"label": "❚❚ Pause", "method": "animate",
             "args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate",
                               "transition": {"duration": 0}}]}
    speeds = [{"label": f"speed {speed:g}×", "method": "animate",
               "args": [None, _animate_args(FRAME_MS / speed, view)]} for speed in SPEEDS]
    style = {"showactive": False, "yanchor": "top", "bgcolor": "#f4f4f4", "bordercolor": "#bbb",
             "font": {"size": 14}, "pad": {"r": 6, "t": 6}}
    return [
        # Above the map, where the eye starts and where a laptop's window still shows it (at 1366×768 and
        # 1440×900 the chart's bottom is below the fold): the path toggle follows it on the same row.
        {**style, "type": "buttons", "direction": "left", "buttons": [play, pause], "x": 0.0, "xanchor": "left",
         "y": 1.0, "yanchor": "bottom", "pad": {"r": 6, "b": ROW_LIFT_PX}, "name": "play"},
        # The speed menu on the same row, after the path toggle (the chart's top right is the modebar's, which
        # would cover it on hover); the bottom keeps the scrubber.
        {**style, "type": "dropdown", "direction": "down", "buttons": speeds, "x": 0.0, "xanchor": "left",
         "y": 1.0, "yanchor": "bottom", "pad": {"b": ROW_LIFT_PX, "l": SPEED_MENU_PX}, "name": "speed",
         "showactive": True, "active": SPEEDS.index(1.0)},
    ]


def _scrubber(shown: np.ndarray, view: str) -> dict:
    """The step scrubber. It has at most SCRUBBER_STEPS stops (each stop costs the browser a tick and a label
    to lay out on every redraw); while playing it follows the frames that coincide with its stops."""
    stops = scrubber_stops(shown)
    return {
        "active": 0, "x": 0.0, "len": 0.58, "y": SCRUBBER_Y, "yanchor": "top", "pad": {"t": 0},
        "currentvalue": {"prefix": "step ", "font": {"size": 15, "color": "#222"}, "xanchor": "left"},
        # one label per frame would overlap: tick labels are hidden, the current step shows above
        "transition": {"duration": 0}, "ticklen": 0, "font": {"color": "rgba(0, 0, 0, 0)"},
        "steps": [{"label": str(int(step)), "method": "animate",
                   "args": [[str(int(step))], {**_animate_args(0, view), "fromcurrent": False}]}
                  for step in stops],
    }
