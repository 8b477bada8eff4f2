"""Figures of the section "On a real model": learning curves, the |Δθ|/α distribution, the loss landscape with
the runs' shadows on it, and the logistic regression's weights as images. Plain dicts, no Streamlit.

Every run keeps its colour from the race's palette (figures/palette.py); numbers are rounded to what the eye
can tell apart, so a figure stays small.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .palette import FONT, LANDSCAPE_COLORSCALE, MINIMUM_COLOR
from .ticks import decades, log_ticks

PANELS = (("train_loss", "training loss"), ("test_loss", "held-out loss"),
          ("train_accuracy", "training accuracy"), ("test_accuracy", "held-out accuracy"))
LOSS_FLOOR = 1e-6      # a loss below this shows as this on a log axis


@dataclass(frozen=True)
class ModelRun:
    """One optimizer's training, as the figures need it: curves per recorded epoch (epochs (E,), each curve
    (E,)), its colour and label, and the epoch it blew up (None if it did not)."""

    label: str
    color: str
    epochs: np.ndarray
    curves: dict[str, np.ndarray]
    diverged_epoch: int | None = None


def _rounded(values, digits: int = 4) -> list:
    array = np.asarray(values, dtype=np.float64)
    return [None if not np.isfinite(v) else float(f"{v:.{digits}g}") for v in array.ravel()]


def curves_figure(runs: list[ModelRun], *, height: int = 560, columns: int = 2) -> dict:
    """Training and held-out loss (log scale) and accuracy against epochs: a 2 × 2 grid (columns=1: stacked)."""
    rows = len(PANELS) // columns
    gap_x, gap_y = 0.09, 0.12 if columns == 2 else 0.06
    width = (1 - gap_x * (columns - 1)) / columns
    tall = (1 - gap_y * (rows - 1)) / rows
    data, layout = [], {}
    for index, (key, title) in enumerate(PANELS):
        row, column = divmod(index, columns)
        suffix = "" if index == 0 else str(index + 1)
        x0 = column * (width + gap_x)
        y1 = 1 - row * (tall + gap_y)
        loss = "loss" in key
        layout[f"xaxis{suffix}"] = {"domain": [round(x0, 4), round(min(x0 + width, 1.0), 4)], "anchor": f"y{suffix}",
                                    "title": {"text": "epoch" if row == rows - 1 else ""}, "zeroline": False}
        layout[f"yaxis{suffix}"] = {
            "domain": [round(max(y1 - tall, 0.0), 4), round(min(y1, 1.0), 4)], "anchor": f"x{suffix}",
            "type": "log" if loss else "linear", "exponentformat": "power", "title": {"text": title},
            **(log_ticks(*decades([np.maximum(run.curves[key], LOSS_FLOOR) for run in runs]), labels=5) if loss
               else {"range": [0, 1.02], "tickformat": ".0%"})}
        for run in runs:
            values = run.curves[key]
            shown = np.maximum(values, LOSS_FLOOR) if loss else values
            data.append({
                "type": "scatter", "mode": "lines", "x": _rounded(run.epochs), "y": _rounded(shown),
                "xaxis": f"x{suffix}", "yaxis": f"y{suffix}", "name": run.label, "legendgroup": run.label,
                "showlegend": index == 0, "line": {"color": run.color, "width": 2.5},
                "hovertemplate": f"{run.label}<br>epoch %{{x}}<br>{title} %{{y:{'.4g' if loss else '.1%'}}}"
                                 "<extra></extra>"})
            if run.diverged_epoch is not None:
                data.append({"type": "scatter", "mode": "markers", "x": [run.diverged_epoch],
                             "y": _rounded([shown[-1]]), "xaxis": f"x{suffix}", "yaxis": f"y{suffix}",
                             "showlegend": False, "legendgroup": run.label, "hoverinfo": "skip",
                             "marker": {"symbol": "x", "size": 12, "color": run.color}})
    layout.update({"height": height, "font": FONT, "margin": {"l": 70, "r": 15, "t": 40, "b": 50},
                   "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "font": {"size": 13}},
                   "hovermode": "closest", "uirevision": "model-curves", "plot_bgcolor": "white",
                   "paper_bgcolor": "white"})
    return {"data": data, "layout": layout}


def step_ratio_figure(runs: list[tuple[str, str, np.ndarray]], edges: np.ndarray, bound: float, *,
                      height: int = 360) -> dict:
    """The share of all (step, weight) pairs in each bin of |Δθ|/α, per optimizer (label, colour, counts per
    bin of `edges`), on a log axis; the first bin ([0, edges[1]): weights that did not move) is left out of the
    lines (the sentence gives its share). Dashed: α (|Δθ| = α) and AdaMax's bound."""
    centers = np.sqrt(edges[1:-2] * edges[2:-1])
    data = []
    for label, color, counts in runs:
        total = max(int(counts.sum()), 1)
        share = counts[1:-1] / total
        data.append({"type": "scatter", "mode": "lines", "x": _rounded(centers), "y": _rounded(share * 100, 3),
                     "name": label, "line": {"color": color, "width": 2.5, "shape": "hvh"},
                     "hovertemplate": f"{label}<br>|Δθ|/α ≈ %{{x:.3g}}<br>%{{y:.3g}} % of steps × weights"
                                      "<extra></extra>"})
    shapes = [{"type": "line", "xref": "x", "yref": "paper", "x0": value, "x1": value, "y0": 0, "y1": 1,
               "line": {"color": color, "dash": "dash", "width": 1.5}}
              for value, color in ((1.0, "#555"), (bound, "#D55E00"))]
    annotations = [{"x": np.log10(bound), "y": 1, "xref": "x", "yref": "paper", "text": f"AdaMax's bound {bound:.4g}",
                    "showarrow": False, "xanchor": "left", "yanchor": "bottom", "font": {"size": 12,
                                                                                        "color": "#A34400"}}]
    return {"data": data, "layout": {
        "height": height, "font": FONT, "margin": {"l": 70, "r": 15, "t": 40, "b": 55}, "hovermode": "closest",
        "xaxis": {"type": "log", "title": {"text": "|Δθ| / α on one weight in one step"},
                  "exponentformat": "power"},
        "yaxis": {"title": {"text": "% of steps × weights"}, "rangemode": "tozero"},
        "shapes": shapes, "annotations": annotations, "plot_bgcolor": "white", "paper_bgcolor": "white",
        "legend": {"orientation": "h", "x": 0, "y": 1.08, "yanchor": "bottom", "font": {"size": 13}},
        "uirevision": "model-ratio"}}


@dataclass(frozen=True)
class Shadow:
    """A run's checkpoints drawn on the plane: coordinates (E, 2), the epochs they were recorded at."""

    label: str
    color: str
    coordinates: np.ndarray
    epochs: np.ndarray


def landscape_figure(a: np.ndarray, b: np.ndarray, values: np.ndarray, shadows: list[Shadow],
                     minimum: np.ndarray, *, log: bool, axis_titles: tuple[str, str], height: int = 520) -> dict:
    """The loss on the plane as a filled contour map (log10 where it spans decades), the runs' shadows as lines
    with a dot per epoch (○ the start), and the grid's lowest point (★)."""
    with np.errstate(divide="ignore"):
        z = np.log10(np.maximum(values, 1e-12)) if log else values
    data = [{"type": "contour", "x": _rounded(a), "y": _rounded(b), "z": [_rounded(row, 4) for row in z],
             "colorscale": LANDSCAPE_COLORSCALE, "reversescale": False, "ncontours": 24,
             "contours": {"coloring": "heatmap", "showlines": True}, "line": {"width": 0.6, "color": "#6b7f99"},
             "colorbar": {"title": {"text": "log₁₀ loss" if log else "loss"}, "thickness": 14},
             "hovertemplate": "a %{x:.3g}, b %{y:.3g}<br>" + ("log₁₀ loss" if log else "loss")
                              + " %{z:.4g}<extra></extra>"}]
    for shadow in shadows:
        x, y = shadow.coordinates[:, 0], shadow.coordinates[:, 1]
        data.append({"type": "scatter", "mode": "lines+markers", "x": _rounded(x), "y": _rounded(y),
                     "name": shadow.label, "line": {"color": shadow.color, "width": 2.5},
                     "marker": {"size": 5, "color": shadow.color}, "customdata": shadow.epochs.tolist(),
                     "hovertemplate": f"{shadow.label}<br>epoch %{{customdata}}: its shadow at "
                                      "(%{x:.3g}, %{y:.3g})<extra></extra>"})
        data.append({"type": "scatter", "mode": "markers", "x": _rounded(x[:1]), "y": _rounded(y[:1]),
                     "showlegend": False, "hoverinfo": "skip",
                     "marker": {"symbol": "circle-open", "size": 13, "color": shadow.color, "line": {"width": 2}}})
    data.append({"type": "scatter", "mode": "markers", "x": _rounded(minimum[:1]), "y": _rounded(minimum[1:]),
                 "name": "lowest point of the grid", "marker": {"symbol": "star", "size": 15, "color": MINIMUM_COLOR,
                                                                 "line": {"color": "#333", "width": 1}},
                 "hovertemplate": "lowest point of the grid<extra></extra>"})
    return {"data": data, "layout": {
        "height": height, "font": FONT, "margin": {"l": 65, "r": 10, "t": 40, "b": 55}, "hovermode": "closest",
        "xaxis": {"title": {"text": axis_titles[0]}, "range": [float(a[0]), float(a[-1])], "zeroline": False},
        "yaxis": {"title": {"text": axis_titles[1]}, "range": [float(b[0]), float(b[-1])], "zeroline": False},
        "legend": {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "font": {"size": 13}},
        "plot_bgcolor": "white", "paper_bgcolor": "white", "uirevision": "model-landscape"}}


def weights_figure(rows: list[tuple[str, np.ndarray]], *, height: int | None = None) -> dict:
    """Each optimizer's logistic-regression weights as ten 8×8 images in a row (digit 0…9, weights (10, 64)),
    one heatmap with blank gaps; each row scaled to its own 99th percentile of |weight| (red > 0, blue < 0;
    the few larger ones saturate), so rows of different scales show their patterns alike."""
    gap, side = 1, 8
    width = 10 * (side + gap) - gap
    tall = len(rows) * (side + gap) - gap
    z = np.full((tall, width), np.nan)
    for row, (_, weights) in enumerate(rows):
        scale = max(float(np.percentile(np.abs(weights), 99)), 1e-300)
        for digit in range(10):
            top, left = row * (side + gap), digit * (side + gap)
            z[top:top + side, left:left + side] = np.clip(weights[digit].reshape(side, side) / scale, -1, 1)
    ticks = [row * (side + gap) + side / 2 - 0.5 for row in range(len(rows))]
    return {"data": [{"type": "heatmap", "z": [_rounded(line, 3) for line in z], "zmin": -1, "zmax": 1,
                      "colorscale": "RdBu", "reversescale": True, "showscale": False, "hoverongaps": False,
                      "xgap": 0, "ygap": 0, "hovertemplate": "relative weight %{z:.2f}<extra></extra>"}],
            "layout": {
                "height": height or 60 + 100 * len(rows), "font": FONT, "margin": {"l": 120, "r": 10, "t": 30, "b": 10},
                "xaxis": {"tickvals": [d * (side + gap) + side / 2 - 0.5 for d in range(10)],
                          "ticktext": [str(d) for d in range(10)], "side": "top", "showgrid": False,
                          "zeroline": False, "fixedrange": True},
                "yaxis": {"tickvals": ticks, "ticktext": [label for label, _ in rows], "autorange": "reversed",
                          "scaleanchor": "x", "showgrid": False, "zeroline": False, "fixedrange": True},
                "plot_bgcolor": "white", "paper_bgcolor": "white"}}
