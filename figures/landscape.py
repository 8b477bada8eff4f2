"""The loss landscape as Plotly traces: a contour map or a 3-D surface, log-coloured where f spans decades."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from .palette import ISOLINE_RGB, LANDSCAPE_COLORSCALE, MINIMUM_COLOR
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


def sample_landscape(surface: Any, resolution: int = 120, window: Any = None) -> Landscape:
    """Evaluate the surface on a resolution × resolution grid over its domain (or over `window`, a zoom)."""
    (x0, x1), (y0, y1) = window if window is not None else surface.domain
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


def contour_image(landscape: Landscape, levels: int = 20) -> dict:
    """The contour map as a layout image: colours from the display value, with `levels` isolines drawn in.

    Why an image and not a contour trace: plotly.js recomputes a contour trace (marching squares for every
    level, plus the heatmap) each time Streamlit redraws the chart, i.e. on every slider move, ~70 ms;
    an image of the same map costs ~5 ms to draw. The landscape does not change with the runs, so the image
    is built once per surface (and cached by the app). Hover values come from the click grid instead.
    """
    z = landscape.display(landscape.values)
    low, high = float(z.min()), float(z.max())
    scaled = (z - low) / (high - low) if high > low else np.zeros_like(z)
    positions = np.array([stop for stop, _ in LANDSCAPE_COLORSCALE])
    colors = np.array([[int(color[i:i + 2], 16) for i in (1, 3, 5)] for _, color in LANDSCAPE_COLORSCALE], float)
    rgb = np.stack([np.interp(scaled, positions, colors[:, channel]) for channel in range(3)], axis=-1)
    band = np.minimum(np.floor(scaled * levels), levels - 1)
    edge = np.zeros(band.shape, dtype=bool)
    edge[:, :-1] |= band[:, :-1] != band[:, 1:]
    edge[:-1, :] |= band[:-1, :] != band[1:, :]
    rgb[edge] = 0.72 * rgb[edge] + 0.28 * np.array(ISOLINE_RGB)
    picture = Image.fromarray(np.rint(rgb[::-1]).astype(np.uint8))  # image row 0 is the top: the largest y
    buffer = io.BytesIO()
    picture.quantize(colors=128).save(buffer, format="PNG", optimize=True)
    (x0, x1), (y0, y1) = (float(landscape.xs[0]), float(landscape.xs[-1])), (float(landscape.ys[0]),
                                                                             float(landscape.ys[-1]))
    return {"source": "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii"),
            "xref": "x", "yref": "y", "x": x0, "y": y1, "sizex": x1 - x0, "sizey": y1 - y0,
            "xanchor": "left", "yanchor": "top", "sizing": "stretch", "layer": "below"}


BACKDROP_RESOLUTION = 400
_backdrops: dict[tuple, dict] = {}


def contour_backdrop(surface: Any) -> dict:
    """contour_image of the surface at BACKDROP_RESOLUTION, memoised per surface (key and parameters):
    the runs change on every slider move, the landscape does not."""
    identity = (surface.key, tuple(sorted(getattr(surface, "parameters", {}).items())))
    if identity not in _backdrops:
        if len(_backdrops) >= 32:
            _backdrops.pop(next(iter(_backdrops)))
        _backdrops[identity] = contour_image(sample_landscape(surface, BACKDROP_RESOLUTION))
    return _backdrops[identity]


CORNER_PX = 8  # the x axis's labels this much lower: its first one, under the corner, cleared the y axis's last


def equal_scale(xaxis: dict, yaxis: dict, *, toward: str = "center") -> tuple[dict, dict]:
    """The two axes of a map with true geometry: one unit of y is as long on screen as one unit of x.

    Plotly keeps the ratio by shrinking one axis's domain (constrain="domain"), so the ranges stay the
    ones given and the map never shows a stretched landscape, whatever the chart's width. `toward` says
    where a map narrower than its column sits in it ("left", "center", "right").
    """
    return ({**xaxis, "constrain": "domain", "constraintoward": toward, "ticklabelstandoff": CORNER_PX},
            {**yaxis, "scaleanchor": "x", "scaleratio": 1, "constrain": "domain", "constraintoward": "top"})


def map_axes(surface: Any, x_domain: list[float], y_domain: list[float] | None = None, *,
             toward: str = "center") -> dict:
    """Layout entries for the contour map on axes x/y: the backdrop image and axes fixed to the domain,
    at equal scale on both axes (equal_scale)."""
    (x0, x1), (y0, y1) = surface.domain
    xaxis, yaxis = equal_scale(
        {"range": [x0, x1], "domain": x_domain, "anchor": "y", "title": {"text": "x"},
         "showgrid": False, "zeroline": False},
        {"range": [y0, y1], "domain": y_domain or [0.0, 1.0], "anchor": "x", "title": {"text": "y"},
         "showgrid": False, "zeroline": False}, toward=toward)
    return {"images": [contour_backdrop(surface)], "xaxis": xaxis, "yaxis": yaxis}


def surface_trace(landscape: Landscape, *, scene: str = "scene") -> dict:
    return {
        "type": "surface", "x": typed(landscape.xs), "y": typed(landscape.ys),
        "z": typed(landscape.display(landscape.values)),
        "scene": scene, "colorscale": LANDSCAPE_COLORSCALE, "opacity": 0.92, "showscale": False,
        "contours": {"z": {"show": True, "usecolormap": True, "project": {"z": True}, "width": 1}},
        "hovertemplate": f"x %{{x:.3f}}, y %{{y:.3f}}<br>{landscape.title} %{{z:.3g}}<extra></extra>",
        "name": "landscape", "showlegend": False,
    }


def mesh_trace(landscape: Landscape, *, scene: str = "scene") -> dict:
    """The landscape as a triangle mesh (two triangles per grid cell), coloured by the displayed value.

    Why not a surface trace: in a 3-D animation every frame redraws every trace, and plotly.js re-samples
    a surface finer than ~120 × 120 on each update (for smooth contours), which cost ~0.3 s a frame in
    headless Chromium; this mesh, drawn exactly at the grid, costs ~0.1 s (bench/bench_3d.py).
    """
    xs, ys = landscape.xs, landscape.ys
    gx, gy = np.meshgrid(xs, ys)
    z = landscape.display(landscape.values)
    node = np.arange(gx.size).reshape(gx.shape)
    low_left, low_right = node[:-1, :-1].ravel(), node[:-1, 1:].ravel()
    up_left, up_right = node[1:, :-1].ravel(), node[1:, 1:].ravel()
    index = "i2" if gx.size <= np.iinfo(np.int16).max else "i4"  # half the bytes for the usual grid
    return {
        "type": "mesh3d", "x": typed(gx.ravel()), "y": typed(gy.ravel()), "z": typed(z.ravel()),
        "i": typed(np.r_[low_left, low_right], index), "j": typed(np.r_[low_right, up_right], index),
        "k": typed(np.r_[up_left, up_left], index), "intensity": typed(z.ravel()),
        "scene": scene, "colorscale": LANDSCAPE_COLORSCALE, "showscale": False, "opacity": 1.0,
        "hovertemplate": f"x %{{x:.3f}}, y %{{y:.3f}}<br>{landscape.title} %{{z:.3g}}<extra></extra>",
        "name": "landscape", "showlegend": False,
    }


def minimum_name(surface: Any) -> str:
    """What a star on the map is: a surface's known global minimum, the minimum a user gave for their formula,
    or the lowest point a numerical search found on the map (not claimed to be global: f may fall elsewhere)."""
    source = getattr(surface, "minima_source", None)
    if source == "given":
        return "the minimum you gave"
    return "lowest point found on the map" if source is not None else "global minimum"


def minima_trace(surface: Any, *, xaxis: str = "x", yaxis: str = "y") -> dict | None:
    """Gold stars at the minima (None for surfaces without any), named by `minimum_name`."""
    minima = np.asarray(surface.minima, dtype=np.float64).reshape(-1, 2)
    if len(minima) == 0:
        return None
    value, name = surface.minimum_value, minimum_name(surface)
    return {
        "type": "scatter", "mode": "markers", "x": minima[:, 0].tolist(), "y": minima[:, 1].tolist(),
        "xaxis": xaxis, "yaxis": yaxis, "name": name,
        "marker": {"symbol": "star", "size": 17, "color": MINIMUM_COLOR, "line": {"width": 1.2, "color": "#333"}},
        "hovertemplate": f"{name} (%{{x:.4f}}, %{{y:.4f}}), f = {value:.6g}<extra></extra>",
    }


def start_trace(start: np.ndarray, *, xaxis: str = "x", yaxis: str = "y", outline: bool = False) -> dict:
    """The start: a white disc, or (outline=True, for drawing over the runs' heads) a ring around them."""
    marker = ({"symbol": "circle-open", "size": 30, "color": "#222", "line": {"width": 2.5}} if outline else
              {"symbol": "circle", "size": 13, "color": "white", "line": {"width": 2.5, "color": "#222"}})
    return {
        "type": "scatter", "mode": "markers", "x": [float(start[0])], "y": [float(start[1])],
        "xaxis": xaxis, "yaxis": yaxis, "name": "start", "marker": marker,
        "hovertemplate": "start (%{x:.3f}, %{y:.3f})<extra></extra>",
    }


def nice_step(span: float, count: int = 16) -> float:
    """A round grid spacing (1, 2, 2.5 or 5 × 10^k) giving about `count` intervals over `span`.

    >>> nice_step(4.0), nice_step(9.0), nice_step(20.0)
    (0.25, 0.5, 1.0)
    """
    raw = span / count
    power = 10.0 ** np.floor(np.log10(raw))
    return float(min((m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0)), key=lambda step: abs(step - raw)))


def click_grid_trace(surface: Any, *, xaxis: str = "x", yaxis: str = "y") -> dict:
    """An invisible grid of points over the domain: contour traces report no clicks, scatter points do
    (docs/REFERENCE.md §6), so a click selects the nearest grid point, a round number like (0.25, 1.5); the start
    inputs take any value. Its hover also tells f there, since it sits above the contour's hover."""
    (x0, x1), (y0, y1) = surface.domain
    step = nice_step(max(x1 - x0, y1 - y0))
    xs = np.arange(np.ceil(x0 / step), np.floor(x1 / step) + 1) * step
    ys = np.arange(np.ceil(y0 / step), np.floor(y1 / step) + 1) * step
    gx, gy = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        f = np.asarray(surface.f(np.stack([gx, gy], axis=-1)), dtype=np.float64).ravel()
    f = np.nan_to_num(f, nan=0.0, posinf=np.finfo(np.float64).max, neginf=-np.finfo(np.float64).max)
    return {
        "type": "scatter", "mode": "markers", "x": typed(gx.ravel(), "f8"), "y": typed(gy.ravel(), "f8"),
        "customdata": typed(f), "xaxis": xaxis, "yaxis": yaxis, "name": "click to start here",
        # maxdisplayed 1: plotly.js draws one (invisible) marker instead of one SVG node a point — ≈ 17 ms of
        # every draw of the race chart. Hover and click read the points' data, not the drawn markers, so every
        # grid point still answers (as on the Sweeps maps, figures/sweep.py).
        "marker": {"size": 12, "opacity": 0.0, "color": "#000", "maxdisplayed": 1}, "showlegend": False,
        "hovertemplate": "(%{x}, %{y})  f = %{customdata:.4g}<br>click to start here<extra></extra>",
    }
