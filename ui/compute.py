"""Cached computations: trajectories and figures for an app state (pure functions, cached per process: ui/cache.py).

Each run is cached on its own key (surface, start, steps, one RunSpec), so moving one run's slider
recomputes that run only; the figure is cached on the whole state, so a rerun that changes nothing
visible (a click elsewhere, a resize) costs a dictionary lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from figures import ExplorerRun, explorer_figure, run_colors
from optimizers import GradientNoise, Trajectory, make_optimizer, run
from optimizers.explain import AdaMaxInternals, adamax_internals
from surfaces import make_surface

from .cache import TTL_SECONDS, cache_key, frozen_trajectory, max_entries, read_only
from .presets import preset_for
from .state import AppState, RunSpec

MAX_STRIDE_FRAMES = 1001  # a frame is a few hundred bytes: 1,001 frames stay well under Streamlit's limits
BOUND_FACTOR = 50.0  # a run that goes this many domain-widths out has diverged, for the app's purposes


@dataclass(frozen=True)
class RunResult:
    """One run of the comparison, ready to show: label, colour, trajectory (state recorded), its learning rate."""

    label: str
    color: str
    trajectory: Trajectory
    lr: float = float("nan")


def surface_of(state: AppState):
    return make_surface(state.surface, **dict(state.surface_params))


def divergence_bound(surface) -> float:
    """|x| or |y| beyond this counts as diverged: far outside the plotted domain."""
    return BOUND_FACTOR * float(np.max(np.abs(surface.domain)))


def trajectory_for(surface: str, surface_params: tuple, start: tuple[float, float], steps: int,
                   spec: RunSpec, noise: GradientNoise | None = None) -> Trajectory:
    """One run, state recorded; shared by every session of the process (ui/cache.py): never modify it."""
    return _trajectory(cache_key(surface, surface_params, start, steps, spec, noise), surface, surface_params,
                       start, steps, spec, noise)


@st.cache_resource(max_entries=max_entries("trajectory"), ttl=TTL_SECONDS, show_spinner=False)
def _trajectory(key: str, _surface: str, _surface_params: tuple, _start: tuple[float, float], _steps: int,
                _spec: RunSpec, _noise: GradientNoise | None) -> Trajectory:
    landscape = make_surface(_surface, **dict(_surface_params))
    optimizer = make_optimizer(_spec.optimizer, **_spec.kwargs())
    return frozen_trajectory(run(optimizer, landscape, np.array(_start), _steps, record_state=True,
                                 bound=divergence_bound(landscape), noise=_noise))


def adamax_runs(state: AppState) -> list[tuple[int | None, RunSpec]]:
    """(index in the race, spec) of every AdaMax run — or, when the race has none, [(None, the surface
    preset's AdaMax)], so the explainer sections always have an AdaMax to show."""
    found = [(index, spec) for index, spec in enumerate(state.runs) if spec.optimizer == "adamax"]
    if found:
        return found
    fallback = next((spec for spec in preset_for(state.surface).runs if spec.optimizer == "adamax"),
                    RunSpec("adamax", (("lr", 0.05),)))
    return [(None, fallback)]


def adamax_settings(state: AppState) -> dict[str, float]:
    """α, β1, β2, ε of the race's first AdaMax run (the preset's when the race has none)."""
    _, spec = adamax_runs(state)[0]
    values = make_optimizer("adamax", **spec.kwargs()).hyperparameters()
    return {name: float(values[name]) for name in ("lr", "beta1", "beta2", "eps")}


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
    colors = run_colors([spec.optimizer for spec in state.runs])  # by optimizer, not by place in the list
    return [
        RunResult(label, color,
                  trajectory_for(state.surface, state.surface_params, state.start, state.steps, spec, state.noise),
                  float(make_optimizer(spec.optimizer, **spec.kwargs()).lr))
        for label, color, spec in zip(labels_for(state.runs), colors, state.runs, strict=True)
    ]


def internals_for(state: AppState, spec: RunSpec) -> AdaMaxInternals:
    """The internals of one AdaMax run of `state`'s scene (pass a state whose other runs are blanked, so one
    entry serves every view of that run); shared by every session of the process: never modify it."""
    return _internals(cache_key(state, spec), state, spec)


@st.cache_resource(max_entries=max_entries("internals"), ttl=TTL_SECONDS, show_spinner=False)
def _internals(key: str, _state: AppState, _spec: RunSpec) -> AdaMaxInternals:
    trajectory = trajectory_for(_state.surface, _state.surface_params, _state.start, _state.steps, _spec,
                                _state.noise)
    return read_only(adamax_internals(make_optimizer(_spec.optimizer, **_spec.kwargs()), trajectory))


def explorer_figure_for(state: AppState, stride: int = 0, click_to_start: bool = True) -> dict:
    """The race's figure; `stride` > 0 makes a frame every `stride` steps (so ← / → reach single steps),
    at most MAX_STRIDE_FRAMES frames; 0 keeps the default ~80 frames. Without `click_to_start` (a teacher locked
    the start) the map offers no click. Shared by every session of the process (ui/cache.py): never modify it."""
    return _explorer_figure(cache_key(state, stride, click_to_start), state, stride, click_to_start)


@st.cache_resource(max_entries=max_entries("explorer_figure"), ttl=TTL_SECONDS, show_spinner=False)
def _explorer_figure(key: str, _state: AppState, _stride: int, _click_to_start: bool) -> dict:
    state, stride = _state, _stride
    results = results_for(state)
    runs = [ExplorerRun(result.label, result.color, result.trajectory) for result in results]
    frames = {"max_frames": min(state.steps // stride + 1, MAX_STRIDE_FRAMES)} if stride > 0 else {}
    return explorer_figure(surface_of(state), runs, view=state.view, click_to_start=_click_to_start, **frames)
