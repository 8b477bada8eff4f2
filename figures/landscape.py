"""The loss landscape as Plotly traces: a contour map or a 3-D surface, log-coloured where f spans decades."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .palette import LANDSCAPE_COLORSCALE, MINIMUM_COLOR
from .sampling import typed

DECADES_SHOWN = 6  # a log colour scale shows this many decades below the domain's largest value


@dataclass(frozen=True)
class Landscape:
    """f sampled on a grid over the surface's domain, with the transform used for colours and heights.

    Where the surface is log-scaled, the displayed value is log10(f − f*), floored DECADES_SHOWN decades
    below its maximum, f* being the known minimum (or the grid's smallest value).
    """

    xs: np.ndarray
    ys: np.ndarray
    values: np.ndarray        # f on the grid, shape (len(ys), len(xs))
    floor: float              # f*, the value subtracted before the log
    log: bool

    def display(self, f: np.ndarray) -> np.ndarray:
        """Map f values to what colours and heights show (finite for finite f)."""
        f = np.asarray(f, dtype=np.float64)
        if not self.log:
            return f
        span = max(float(np.max(self.values)) - self.floor, 1e-300)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(np.maximum(f - self.floor, span * 10.0**-DECADES_SHOWN))

    @property
    def title(self) -> str:
        return "log₁₀(f − f*)" if self.log else "f(x, y)"


def sample_landscape(surface: Any, resolution: int = 120) -> Landscape:
    """Evaluate the surface on a resolution × resolution grid over its domain."""
    (x0, x1), (y0, y1) = surface.domain
    xs = np.linspace(x0, x1, resolution)
    ys = np.linspace(y0, y1, resolution)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)
    with np.errstate(all="ignore"):
        values = np.asarray(surface.f(grid), dtype=np.float64)
    finite = np.isfinite(values)
    if not finite.all():  # a custom surface may overflow at the domain's edge: show the largest finite value
        values = np.where(finite, values, np.max(values[finite], initial=0.0))
    floor = surface.minimum_value if getattr(surface, "minimum_value", None) is not None else values.min()
    return Landscape(xs, ys, values, float(min(floor, values.min())), bool(surface.log_scale))


def contour_trace(landscape: Landscape, *, xaxis: str = "x", yaxis: str = "y", showscale: bool = True) -> dict:
    return {
        "type": "contour", "x": typed(landscape.xs), "y": typed(landscape.ys),
        "z": typed(landscape.display(landscape.values)),
        "xaxis": xaxis, "yaxis": yaxis, "colorscale": LANDSCAPE_COLORSCALE, "ncontours": 28,
        "contours": {"coloring": "heatmap", "showlines": True},
        "line": {"width": 0.7, "color": "rgba(60, 80, 110, 0.45)"},
        "showscale": showscale,
        "colorbar": {"title": {"text": landscape.title, "side": "right"}, "thickness": 12, "len": 0.8,
                     "x": 0.595, "xanchor": "left", "y": 0.57, "yanchor": "middle", "tickfont": {"size": 12}},
        "hoverinfo": "skip", "name": "landscape", "showlegend": False,
    }


def surface_trace(landscape: Landscape, *, scene: str = "scene") -> dict:
    return {
        "type": "surface", "x": typed(landscape.xs), "y": typed(landscape.ys),
        "z": typed(landscape.display(landscape.values)),
        "scene": scene, "colorscale": LANDSCAPE_COLORSCALE, "opacity": 0.92, "showscale": False,
        "contours": {"z": {"show": True, "usecolormap": True, "project": {"z": True}, "width": 1}},
        "hovertemplate": f"x %{{x:.3f}}, y %{{y:.3f}}<br>{landscape.title} %{{z:.3g}}<extra></extra>",
        "name": "landscape", "showlegend": False,
    }


def minima_trace(surface: Any, *, xaxis: str = "x", yaxis: str = "y") -> dict | None:
    """Gold stars at the global minima (None for surfaces without any)."""
    minima = np.asarray(surface.minima, dtype=np.float64).reshape(-1, 2)
    if len(minima) == 0:
        return None
    value = surface.minimum_value
    return {
        "type": "scatter", "mode": "markers", "x": minima[:, 0].tolist(), "y": minima[:, 1].tolist(),
        "xaxis": xaxis, "yaxis": yaxis, "name": "global minimum",
        "marker": {"symbol": "star", "size": 17, "color": MINIMUM_COLOR, "line": {"width": 1.2, "color": "#333"}},
        "hovertemplate": f"global minimum (%{{x:.4f}}, %{{y:.4f}}), f = {value:.6g}<extra></extra>",
    }


def start_trace(start: np.ndarray, *, xaxis: str = "x", yaxis: str = "y") -> dict:
    return {
        "type": "scatter", "mode": "markers", "x": [float(start[0])], "y": [float(start[1])],
        "xaxis": xaxis, "yaxis": yaxis, "name": "start",
        "marker": {"symbol": "circle", "size": 13, "color": "white", "line": {"width": 2.5, "color": "#222"}},
        "hovertemplate": "start (%{x:.3f}, %{y:.3f})<extra></extra>",
    }


def click_grid_trace(surface: Any, count: int = 41, *, xaxis: str = "x", yaxis: str = "y") -> dict:
    """An invisible grid of points over the domain: contour traces report no clicks, scatter points do
    (REFERENCE.md), so a click anywhere on the map selects the nearest grid point. Its hover also tells f
    there, since it sits above the contour's own hover."""
    (x0, x1), (y0, y1) = surface.domain
    gx, gy = np.meshgrid(np.linspace(x0, x1, count), np.linspace(y0, y1, count))
    with np.errstate(all="ignore"):
        f = np.asarray(surface.f(np.stack([gx, gy], axis=-1)), dtype=np.float64).ravel()
    f = np.nan_to_num(f, nan=0.0, posinf=np.finfo(np.float64).max, neginf=-np.finfo(np.float64).max)
    return {
        "type": "scatter", "mode": "markers", "x": typed(gx.ravel()), "y": typed(gy.ravel()),
        "customdata": typed(f),
        "xaxis": xaxis, "yaxis": yaxis, "name": "click to start here",
        "marker": {"size": 12, "opacity": 0.0, "color": "#000"}, "showlegend": False,
        "hovertemplate": "(%{x:.2f}, %{y:.2f})  f = %{customdata:.4g}<br>click to start here<extra></extra>",
    }
