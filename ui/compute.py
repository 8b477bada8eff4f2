"""Cached computations: trajectories and figures for an app state (pure functions under st.cache_data).

Each run is cached on its own key (surface, start, steps, one RunSpec), so moving one run's slider
recomputes that run only; the figure is cached on the whole state, so a rerun that changes nothing
visible (a click elsewhere, a resize) costs a dictionary lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from figures import ExplorerRun, explorer_figure, run_color
from optimizers import Trajectory, make_optimizer, run
from surfaces import make_surface

from .presets import preset_for
from .state import AppState, RunSpec

MAX_STRIDE_FRAMES = 1001  # a frame is a few hundred bytes: 1,001 frames stay well under Streamlit's limits
BOUND_FACTOR = 50.0  # a run that goes this many domain-widths out has diverged, for the app's purposes


@dataclass(frozen=True)
class RunResult:
    """One run of the comparison, ready to show: label, colour, trajectory (state recorded)."""

    label: str
    color: str
    trajectory: Trajectory


def surface_of(state: AppState):
    return make_surface(state.surface, **dict(state.surface_params))


def divergence_bound(surface) -> float:
    """|x| or |y| beyond this counts as diverged: far outside the plotted domain."""
    return BOUND_FACTOR * float(np.max(np.abs(surface.domain)))


@st.cache_data(max_entries=512, show_spinner=False)
def trajectory_for(surface: str, surface_params: tuple, start: tuple[float, float], steps: int,
                   spec: RunSpec) -> Trajectory:
    landscape = make_surface(surface, **dict(surface_params))
    optimizer = make_optimizer(spec.optimizer, **spec.kwargs())
    return run(optimizer, landscape, np.array(start), steps, record_state=True,
               bound=divergence_bound(landscape))


def adamax_runs(state: AppState) -> list[tuple[int | None, RunSpec]]:
    """(index in the race, spec) of every AdaMax run — or, when the race has none, [(None, the surface
    preset's AdaMax)], so the explainer sections always have an AdaMax to show."""
    found = [(index, spec) for index, spec in enumerate(state.runs) if spec.optimizer == "adamax"]
    if found:
        return found
    fallback = next((spec for spec in preset_for(state.surface).runs if spec.optimizer == "adamax"),
                    RunSpec("adamax", (("lr", 0.05),)))
    return [(None, fallback)]


def labels_for(runs: tuple[RunSpec, ...]) -> list[str]:
    """Legend labels like "AdaMax(lr=0.05)"; a repeated label gets " #2", " #3"."""
    labels = [make_optimizer(spec.optimizer, **spec.kwargs()).label() for spec in runs]
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label} #{seen[label]}")
    return unique


def results_for(state: AppState) -> list[RunResult]:
    return [
        RunResult(label, run_color(index),
                  trajectory_for(state.surface, state.surface_params, state.start, state.steps, spec))
        for index, (label, spec) in enumerate(zip(labels_for(state.runs), state.runs, strict=True))
    ]


@st.cache_data(max_entries=64, show_spinner=False)
def explorer_figure_for(state: AppState, stride: int = 0) -> dict:
    """The race's figure; `stride` > 0 makes a frame every `stride` steps (so ← / → reach single steps),
    at most MAX_STRIDE_FRAMES frames; 0 keeps the default ~80 frames."""
    results = results_for(state)
    runs = [ExplorerRun(result.label, result.color, result.trajectory) for result in results]
    if stride > 0:
        frames = min(state.steps // stride + 1, MAX_STRIDE_FRAMES)
        return explorer_figure(surface_of(state), runs, view=state.view, max_frames=frames)
    return explorer_figure(surface_of(state), runs, view=state.view)
