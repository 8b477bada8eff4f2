"""Take it to slides: the race as one offline HTML file, the runs as CSV and JSON, and a Python snippet.

The HTML embeds plotly.js (plotly.io.to_html with include_plotlyjs=True), so it plays from a file with the
network off. CSV and JSON carry every step's point, loss and optimizer state, with 17 significant digits (an
exact float64 round trip). The snippet reproduces the runs with the library, the way the page computes them.
Every download is built only when its button is pressed (Streamlit calls the data function then).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.io as pio
import streamlit as st

from optimizers import make_optimizer

from .compute import RunResult, divergence_bound, explorer_figure_for, labels_for, surface_of
from .state import AppState
from .url import to_query_string


def animation_html(figure: dict, title: str) -> str:
    """A self-contained page that plays `figure` offline (plotly.js inside, no MathJax, no network)."""
    return pio.to_html(figure, include_plotlyjs=True, include_mathjax=False, full_html=True, auto_play=False,
                       config={"displaylogo": False}, div_id="adamax-lab", default_width="100%",
                       validate=True).replace("<head>", f"<head><title>{title}</title>", 1)


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


def python_snippet(state: AppState) -> str:
    """Python that reproduces the runs with the library (run from the repository's root)."""
    surface = surface_of(state)
    lines = [
        "import numpy as np",
        "",
        "from optimizers import make_optimizer, run",
        "from surfaces import make_surface",
        "",
        f"surface = make_surface({state.surface!r}{''.join(f', {k}={v!r}' for k, v in state.surface_params)})",
        f"start = np.array([{state.start[0]!r}, {state.start[1]!r}])",
        "runs = {",
    ]
    for label, spec in zip(labels_for(state.runs), state.runs, strict=True):
        arguments = "".join(f", {name}={value!r}" for name, value in spec.params)
        lines.append(f"    {label!r}: make_optimizer({spec.optimizer!r}{arguments}),")
    lines += [
        "}",
        "for label, optimizer in runs.items():",
        f"    trajectory = run(optimizer, surface, start, {state.steps}, bound={divergence_bound(surface)!r})",
        "    x, y = trajectory.points[-1]",
        "    print(f\"{label}: ends at ({x:.6g}, {y:.6g}), f = {trajectory.losses[-1]:.6g}\")",
    ]
    return "\n".join(lines) + "\n"


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
            explorer_figure_for(state), "AdaMax Lab"), file_name=f"{name}.html", mime="text/html",
            key="download_html", icon=":material/movie:", on_click="ignore")
        middle.download_button("Runs (CSV)", lambda: runs_csv(results), file_name=f"{name}.csv", mime="text/csv",
                               key="download_csv", icon=":material/table:", on_click="ignore")
        right.download_button("Runs and settings (JSON)", lambda: runs_json(state, results),
                              file_name=f"{name}.json", mime="application/json", key="download_json",
                              icon=":material/data_object:", on_click="ignore")
        st.caption("Reproduce these runs with the library (from the repository's root):")
        st.code(python_snippet(state), language="python")

