"""Take it to slides: the race as one offline HTML file, the runs as CSV and JSON, and a Python snippet.

The HTML embeds plotly.js (plotly.io.to_html with include_plotlyjs=True), so it plays from a file with the
network off. CSV and JSON carry every step's point, loss and optimizer state, with 17 significant digits (an
exact float64 round trip). The snippet reproduces the runs with the library, the way the page computes them.
Every download is built only when its button is pressed (Streamlit calls the data function then).
"""

from __future__ import annotations

import html
import json

import numpy as np
import pandas as pd
import plotly.io as pio
import streamlit as st

from optimizers import make_optimizer

from .compute import RunResult, explorer_figure_for, surface_of
from .snippet import python_snippet
from .state import AppState
from .url import to_query_string


def animation_html(figure: dict, title: str, heading: str = "") -> str:
    """A self-contained page that plays `figure` offline (plotly.js inside, no MathJax, no network), with its
    legend (the run names) on, and `heading` (the surface and the runs' settings, plain text) above it."""
    layout = figure["layout"]
    top = int((layout.get("margin") or {}).get("t", 52))
    figure = {**figure, "layout": {**layout, "showlegend": True, "margin": {**(layout.get("margin") or {}),
                                                                             "t": top + 60},
                                   "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom",
                                              "font": {"size": 14}, "bgcolor": "rgba(255,255,255,0.85)"}}}
    page = pio.to_html(figure, include_plotlyjs=True, include_mathjax=False, full_html=True, auto_play=False,
                       config={"displaylogo": False}, div_id="adamax-lab", default_width="100%", validate=True)
    page = page.replace("<head>", f"<head><title>{html.escape(title)}</title>", 1)
    if heading:
        page = page.replace("<body>", f"<body><h2 style='font-family: sans-serif; margin: 0.5rem 1rem'>"
                                      f"{html.escape(heading)}</h2>", 1)
    return page


def export_heading(state: AppState, results: list[RunResult]) -> str:
    """The offline page's heading: the surface, its formula as text, the start and steps, and the runs."""
    surface = surface_of(state)
    x, y = state.start
    return (f"AdaMax Lab — {surface.name}, from ({x:g}, {y:g}), {state.steps} steps: "
            + ", ".join(result.label for result in results))


def runs_frame(results: list[RunResult]) -> pd.DataFrame:
    """One row per run and step: the point, f, the gradient used by the next step and the state after the step."""
    frames = []
    for result in results:
        trajectory = result.trajectory
        steps = trajectory.steps
        table = {"run": result.label, "step": np.arange(steps + 1), "x": trajectory.points[:, 0],
                 "y": trajectory.points[:, 1], "f": trajectory.losses}
        if trajectory.grads is not None:
            for axis, name in enumerate("xy"):
                table[f"grad_{name}"] = np.append(trajectory.grads[:, axis], np.nan)  # no step after the last
        for field, values in (trajectory.states or {}).items():
            for axis, name in enumerate("xy"):
                table[f"{field}_{name}"] = np.insert(values[:, axis], 0, 0.0)  # the state starts at 0
        frames.append(pd.DataFrame(table))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def runs_csv(results: list[RunResult]) -> str:
    return runs_frame(results).to_csv(index=False, float_format="%.17g")


def runs_json(state: AppState, results: list[RunResult]) -> str:
    """Settings (the link, the surface, the start, each run's optimizer and hyperparameters) and every step."""
    runs = []
    for result, spec in zip(results, state.runs, strict=True):
        trajectory = result.trajectory
        runs.append({
            "label": result.label, "optimizer": spec.optimizer,
            "hyperparameters": make_optimizer(spec.optimizer, **spec.kwargs()).hyperparameters(),
            "diverged_at": int(trajectory.diverged_at),
            "points": _finite(trajectory.points), "losses": _finite(trajectory.losses),
            "state": {field: _finite(values) for field, values in (trajectory.states or {}).items()},
        })
    document = {"link": "?" + to_query_string(state), "surface": state.surface,
                "surface_parameters": dict(state.surface_params), "start": list(state.start), "steps": state.steps,
                "runs": runs}
    return json.dumps(document, indent=1, allow_nan=False)


def _finite(values: np.ndarray) -> list:
    """As nested lists, with non-finite numbers as null (JSON has no inf or NaN)."""
    array = np.asarray(values, dtype=np.float64)
    return np.where(np.isfinite(array), array, None).tolist()


def draw_handout(state: AppState, results: list[RunResult]) -> None:
    """The downloads, in a closed panel under the race; drawn only when opened (a lazy expander), since every
    element costs each rerun time on the server and in the browser."""
    panel = st.expander("Take it to slides: an offline animation, the runs' data, Python", key="handout_panel",
                        icon=":material/download:", on_change="rerun")
    if not panel.open:
        return
    with panel:
        name = f"adamax_lab_{state.surface}"
        left, middle, right = st.columns(3)
        left.download_button("Animation (HTML, plays offline)", lambda: animation_html(
            explorer_figure_for(state), "AdaMax Lab", export_heading(state, results)), file_name=f"{name}.html",
            mime="text/html",
            key="download_html", icon=":material/movie:", on_click="ignore")
        middle.download_button("Runs (CSV)", lambda: runs_csv(results), file_name=f"{name}.csv", mime="text/csv",
                               key="download_csv", icon=":material/table:", on_click="ignore")
        right.download_button("Runs and settings (JSON)", lambda: runs_json(state, results),
                              file_name=f"{name}.json", mime="application/json", key="download_json",
                              icon=":material/data_object:", on_click="ignore")
        st.caption("Reproduce these runs anywhere: a Python file that needs NumPy only.")
        st.code(python_snippet(state), language="python")

