"""The ε figure: AdaMax as the paper writes it (no ε), as PyTorch runs it and as Keras runs it.

Left, the landscape with the three paths; they often overlap exactly, so each has its own colour, dash and
width (widest underneath) and all stay visible. Right, how far apart the paths are at each step, for each
pair of modes, on a log axis: identical points are drawn at DISTANCE_FLOOR, since a log axis cannot show 0.
Static: no frames. docs/REFERENCE.md §1 has the three update rules.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

import numpy as np

from optimizers.limits import undefined_steps

from .landscape import CORNER_PX, map_axes, minima_trace, start_trace
from .palette import FONT, with_alpha
from .sampling import path_steps, typed

# Okabe–Ito colours (colour-blind safe); dashes and widths keep overlapping paths apart.
MODE_STYLES: dict[str, dict[str, Any]] = {
    "paper": {"label": "paper (no ε)", "color": "#D55E00", "dash": "solid", "width": 7.0},
    "pytorch": {"label": "PyTorch (ε inside the max)", "color": "#0072B2", "dash": "dash", "width": 4.0},
    "keras": {"label": "Keras (ε added to u)", "color": "#009E73", "dash": "dot", "width": 3.0},
}
PAIR_COLORS = ("#000000", "#CC79A7", "#E69F00")
SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
DISTANCE_FLOOR = 1e-18
CURVE_POINTS = 700
HEIGHT = 560
PANEL_TOP = 0.8     # the distance panel's top (paper): its title and note above it, the legend above them
NOTE_FONT = 12
NOTE_LINE = 15      # px a line of the note takes


def eps_figure(surface: Any, modes: dict[str, Any]) -> dict:
    """The figure for {"paper" | "pytorch" | "keras": unbatched Trajectory} (e.g. optimizers.limits.eps_modes)."""
    names = [name for name in MODE_STYLES if name in modes] + [name for name in modes if name not in MODE_STYLES]
    traces: list[dict] = []
    for name in names:
        traces.append(_path_trace(modes[name], _style(name)))
    minima = minima_trace(surface)
    if minima:
        traces.append(minima)
    if names:
        traces.append(start_trace(modes[names[0]].points[0]))
    largest = DISTANCE_FLOOR
    for (first, second), color in zip(combinations(names, 2), PAIR_COLORS * len(names), strict=False):
        gap = _gap(modes[first], modes[second])
        largest = max(largest, float(gap.max()))
        traces.append(_distance_trace(gap, f"{_short(first)} vs {_short(second)}", color))

    steps = max((modes[name].steps for name in names), default=1)
    layout = _layout(surface, steps, largest)
    note = _zero_over_zero_note(modes)
    if note:
        # Above the panel, under its title: inside it, the note covered the curves' last steps, where the paths
        # part (the headroom left for it was a fixed number of decades, too few px on a laptop's fitted chart).
        title = layout["annotations"][0]
        title["yshift"] = NOTE_LINE * (note.count("<br>") + 1) + 4
        layout["annotations"].append({
            "text": note, "xref": "x2 domain", "yref": "y2 domain", "x": 0.0, "y": 1.0, "xanchor": "left",
            "yanchor": "bottom", "yshift": 2, "showarrow": False, "align": "left",
            "font": {"size": NOTE_FONT, "color": "#444"},
        })
    return {"data": traces, "layout": layout}


def _style(name: str) -> dict[str, Any]:
    return MODE_STYLES.get(name, {"label": name, "color": "#555555", "dash": "dashdot", "width": 2.5})


def _short(name: str) -> str:
    return {"paper": "paper", "pytorch": "PyTorch", "keras": "Keras"}.get(name, name)


def _path_trace(trajectory: Any, style: dict[str, Any]) -> dict:
    points = trajectory.points
    index = path_steps(points)
    label = style["label"]
    return {
        "type": "scatter", "mode": "lines", "x": typed(points[index, 0], "f8"), "y": typed(points[index, 1], "f8"),
        "xaxis": "x", "yaxis": "y", "name": label, "legendgroup": label,
        "line": {"color": style["color"], "width": style["width"], "dash": style["dash"]},
        "customdata": typed(index, "i4"),
        "hovertemplate": f"{label}<br>step %{{customdata}}: (%{{x:.6g}}, %{{y:.6g}})<extra></extra>",
    }


def _gap(first: Any, second: Any) -> np.ndarray:
    """|first − second| at each step both runs have, floored at DISTANCE_FLOOR for the log axis."""
    last = min(first.steps, second.steps)
    with np.errstate(all="ignore"):
        gap = np.linalg.norm(first.points[:last + 1] - second.points[:last + 1], axis=-1)
    return np.maximum(np.nan_to_num(gap, nan=0.0, posinf=1e300), DISTANCE_FLOOR)


def _distance_trace(gap: np.ndarray, label: str, color: str) -> dict:
    """One pair's distance curve, thinned to CURVE_POINTS points."""
    index = path_steps(np.stack([np.arange(len(gap), dtype=float), np.log10(gap)], axis=-1), CURVE_POINTS)
    return {
        "type": "scatter", "mode": "lines", "x": typed(index, "i4"), "y": typed(gap[index], "f8"),
        "xaxis": "x2", "yaxis": "y2", "name": label, "line": {"color": color, "width": 2.5},
        "hovertemplate": f"{label}<br>step %{{x}}: distance %{{y:.3g}}<extra></extra>",
    }


def _zero_over_zero_note(modes: dict[str, Any]) -> str:
    """Where the paper's m/u is undefined (u = 0 exactly), each case by its name: 0/0 where m = 0 too, m/0 = ±∞
    where it is not — e.g. "the paper's m/u is 0/0 (taken as no move) on y at 100 of 100 steps"."""
    paper = modes.get("paper")
    if paper is None or not paper.states or "u" not in paper.states or paper.steps == 0:
        return ""
    undefined = undefined_steps(paper)
    lines = []
    for case, what in (("zero_over_zero", "0/0"), ("over_zero", "m/0 = ±∞")):
        parts = [f"{axis} at {int(count)} of {paper.steps} steps"
                 for axis, count in zip("xy", undefined[case], strict=True) if count]
        if parts:
            lines.append(f"the paper's m/u is {what} (taken as no move) on<br>" + ", ".join(parts))
    return "<br>".join(lines) or "u > 0 on both coordinates at every step:<br>the paper's m/u is always defined here"


def _layout(surface: Any, steps: int, largest: float) -> dict:
    """Fixed axes; the log axis runs from the floor to a little above the largest gap."""
    low, high = np.log10(DISTANCE_FLOOR), np.log10(max(largest, DISTANCE_FLOOR))
    floor = "10" + str(int(np.floor(np.log10(DISTANCE_FLOOR)))).translate(SUPERSCRIPTS)  # 10⁻¹⁸
    return {
        "height": HEIGHT, "font": FONT, "template": "plotly_white", "hovermode": "closest",
        "margin": {"l": 60, "r": 20, "t": 90, "b": 60},
        **map_axes(surface, [0.0, 0.5]),
        "xaxis2": {"range": [0, max(steps, 1)], "domain": [0.62, 1.0], "anchor": "y2", "title": {"text": "step"},
                   "gridcolor": "#e8e8e8", "zeroline": False, "ticklabelstandoff": CORNER_PX},
        "yaxis2": {"type": "log", "domain": [0.0, PANEL_TOP], "anchor": "x2", "exponentformat": "power",
                   # two short lines: one long line ran past the panel's height on a laptop's fitted chart
                   "title": {"text": f"distance between the paths<br>(0 drawn at {floor})"},
                   "range": [float(low - 0.4), float(high + 0.6)],
                   "gridcolor": "#e8e8e8"},
        "annotations": [{
            "text": "How far apart the paths are, step by step", "xref": "x2 domain", "yref": "y2 domain",
            "x": 0.0, "y": 1.0, "xanchor": "left", "yanchor": "bottom", "yshift": 2, "showarrow": False,
            "font": {"size": 14},
        }],
        "legend": {"orientation": "h", "x": 0.0, "xanchor": "left", "y": 1.02, "yanchor": "bottom",
                   "font": {"size": 14}, "bgcolor": with_alpha("#FFFFFF", 0.85)},
    }
