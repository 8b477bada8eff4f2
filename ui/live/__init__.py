"""Live sliders: a custom component that scrubs the race's paths while a slider is dragged, without a rerun.

For every run, its lr, and for the run being tuned (the "more ›" of a run's slider picks it; none at first: each
tuned slider's grid costs a batch on every change of that run's other settings) its other numeric hyperparameters:
the server computes each slider's grid of values — every value's whole path — in one batched `run` per run
(optimizers/live.py), keeps each grid while its own slider's value moves (the run's current path is the race's own
trajectory) and ships them compactly (figures/live.py). The browser (live.js, a Streamlit v2 component: its JS, CSS
and HTML are strings, no build) draws a slider per hyperparameter with each value's outcome as a strip, and while a
thumb is held draws the nearest computed path over the map on a canvas of its own, in the same frame as the input.
On release, exactly the value drawn comes back (one rerun) and is written into the run's sidebar widget, so the rest
of the page follows as after any setting; the URL then carries it exactly. A run's open panel in the sidebar shows
that run's sliders in place of its widgets for the same settings (another mount of the component with the same
payload, showing that run only; its "more ›" too), so its settings are live where they are set as well; opening a
panel computes nothing more.

Not live: the 3-D view (no map to draw on), a teacher's locked runs, and a lesson's question (paths hidden).
Facts about the v2 component this relies on: docs/LIVE.md.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import streamlit as st

from figures.explorer import PATH_WIDTHS
from figures.live import EncodedRun, LiveRun, assemble, encode_run, merge, with_current
from optimizers import make_optimizer
from optimizers.live import LiveBatch, live_batch, live_names
from optimizers.outcomes import classify, trajectory_metrics

from ..cache import cache_key, shared_memo
from ..compute import RunResult, divergence_bound, surface_of
from ..modes import teacher
from ..sidebar.controls import TUNED_RUN_KEY, param_key
from ..state import AppState, RunSpec
from ..summary import current_tolerance

LIVE_KEY = "live_sliders"         # the sliders above the race's map
PANEL_KEY = "live_panel"          # + "_<run index>": a run's sliders, in its sidebar panel
_HERE = Path(__file__).parent
PAYLOADS = shared_memo("live_payload")   # whole payloads, keyed on everything they show
GRIDS = shared_memo("live_grid")         # a slider's grid of paths, encoded
_COMPUTING = threading.Lock()


def _component(name: str, scope: str):
    """The component, registered once per process; its HTML names the chart it draws over and which sliders it
    shows: every run's ("race") or one run's ("run": the run whose index ends the mount's key)."""
    from ..sections.race import CHART_KEY

    return st.components.v2.component(
        name, html=f"<div class='live-config' data-chart='{CHART_KEY}' data-scope='{scope}' hidden></div>",
        css=(_HERE / "live.css").read_text(), js=(_HERE / "live.js").read_text())


_mounts: dict[str, object] = {}


def _mount(scope: str):
    if scope not in _mounts:
        _mounts[scope] = _component("adamax_lab_live" if scope == "race" else "adamax_lab_live_panel", scope)
    return _mounts[scope]


def is_live(state: AppState, hidden: bool) -> bool:
    """Whether the race's sliders are live: a contour map, paths shown, runs not locked by a teacher, and not
    switched off for the process (ADAMAX_LAB_LIVE=0: a server that would rather not compute the batches)."""
    return (state.view == "contour" and not hidden and bool(state.runs) and not teacher.is_locked("runs")
            and os.environ.get("ADAMAX_LAB_LIVE", "1") != "0")


def tuned_run(state: AppState) -> int:
    """The run whose every numeric hyperparameter is live (−1: none, until a "more ›" or a run's panel picks one)."""
    selected = st.session_state.get(TUNED_RUN_KEY, -1)
    return selected if isinstance(selected, int) and 0 <= selected < len(state.runs) else -1


def draw_live(state: AppState, results: list[RunResult]) -> None:
    """The live sliders for the race's runs (call just above the race's chart)."""
    payload = live_payload(state, results, tuned_run(state), current_tolerance())
    _mount("race")(key=LIVE_KEY, data=payload, on_release_change=lambda: _on_release(LIVE_KEY),
                   on_select_change=lambda: _on_select(LIVE_KEY))


def panel_key(index: int) -> str:
    """The key of run `index`'s live sliders in its sidebar panel (the component reads the index off it)."""
    return f"{PANEL_KEY}_{index}"


def panel_drawer(state: AppState, results: list[RunResult]) -> Callable[[int], tuple[str, ...]]:
    """What the sidebar calls in run `index`'s open panel: that run's live sliders — its lr, and its other settings
    when it is the tuned run — returning the names of the hyperparameters they set (the panel draws no widget of
    its own for those)."""
    tuned = tuned_run(state)
    payload = live_payload(state, results, tuned, current_tolerance())   # the race's own, already computed

    def draw(index: int) -> tuple[str, ...]:
        key = panel_key(index)
        _mount("run")(key=key, data=payload, on_release_change=lambda: _on_release(key),
                      on_select_change=lambda: _on_select(key))
        return live_names(state.runs[index].optimizer) if index == tuned else ("lr",)
    return draw


def _widths(count: int) -> list[float]:
    """The race's path widths, widest first (figures/explorer.py draws run 1 widest)."""
    low, high = PATH_WIDTHS
    return np.linspace(high, low, count).tolist() if count > 1 else [(low + high) / 2]


def live_payload(state: AppState, results: list[RunResult], selected: int, tolerance: float) -> bytes:
    """The payload for the race of `state`: lr of every run, every live hyperparameter of run `selected`."""
    labels_colors = tuple((result.label, result.color) for result in results)
    key = cache_key(state.surface, state.surface_params, state.start, state.steps, state.runs, state.noise,
                    labels_colors, selected, tolerance)
    payload = PAYLOADS.get(key)
    if payload is None:
        surface = surface_of(state)
        runs = []
        for index, (spec, result, width) in enumerate(zip(state.runs, results, _widths(len(state.runs)),
                                                          strict=True)):
            names = live_names(spec.optimizer) if index == selected else ("lr",)
            runs.append((LiveRun(index, result.label, result.color, width),
                         merge(run_sliders(state, spec, names, result, surface, tolerance))))
        payload = assemble(runs, surface.domain, state.steps, tuned=selected)
        PAYLOADS.put(key, payload)
    return payload


def run_sliders(state: AppState, spec: RunSpec, names: tuple[str, ...], result: RunResult, surface,
                tolerance: float) -> list[EncodedRun]:
    """Each live slider of one run: its grid of values, computed once for the run's other settings (the grids
    missing for a run are computed together, one batched `run`) and kept while the slider's own value moves,
    with the run's own path — the race's trajectory, already computed — at its current value."""
    settings = make_optimizer(spec.optimizer, **spec.kwargs()).hyperparameters()
    scene = (state.surface, state.surface_params, state.start, state.steps, state.noise, tolerance)

    def grid_key(name: str) -> str:   # everything but the slider's own value
        others = tuple(sorted((k, v) for k, v in settings.items() if k != name))
        return cache_key(*scene, spec.optimizer, others, name)

    grids = {name: GRIDS.get(grid_key(name)) for name in names}
    if any(grid is None for grid in grids.values()):
        with _COMPUTING:   # one computation per grid, however many sessions ask at once
            grids = {name: GRIDS.get(grid_key(name)) for name in names}
            missing = tuple(name for name, grid in grids.items() if grid is None)
            if missing:
                batch = live_batch(spec.optimizer, spec.kwargs(), missing, surface, state.start, state.steps,
                                   bound=divergence_bound(surface), noise=state.noise, tolerance=tolerance,
                                   grid_only=True)
                for index, name in enumerate(missing):
                    part = LiveBatch((batch.sliders[index],), batch.paths(index), batch.diverged_at)
                    grids[name] = encode_run(part, surface.domain, state.steps)
                    GRIDS.put(grid_key(name), grids[name])
    trajectory = result.trajectory
    outcome = int(classify(trajectory_metrics(trajectory, surface, minimum_value=surface.minimum_value,
                                              tolerance=tolerance)))
    return [with_current(grids[name], float(settings[name]), trajectory.points, outcome, surface.domain,
                         state.steps) for name in names]


def _event(key: str, name: str):
    state = st.session_state.get(key)
    try:
        return state.get(name) if isinstance(state, dict) else getattr(state, name, None)
    except (AttributeError, KeyError):
        return None


def _on_release(key: str) -> None:
    """A thumb let go: its value, exactly as computed, into the run's widget (the rest of the page follows)."""
    event = _event(key, "release")
    if not isinstance(event, dict) or teacher.is_locked("runs"):
        return
    index, name, value = event.get("run"), event.get("name"), event.get("value")
    ids = st.session_state.get("run_ids", [])
    if not (isinstance(index, int) and 0 <= index < len(ids) and isinstance(name, str)
            and isinstance(value, int | float) and not isinstance(value, bool) and np.isfinite(value)):
        return
    optimizer = st.session_state.get(param_key(ids[index], "optimizer"))
    if optimizer is None or name not in live_names(optimizer):
        return
    try:
        make_optimizer(optimizer, **{name: float(value)})   # in range (a page's own values always are)
    except ValueError:
        return
    st.session_state[param_key(ids[index], name)] = float(value)


def _on_select(key: str) -> None:
    index = _event(key, "select")
    if isinstance(index, int) and 0 <= index < len(st.session_state.get("run_ids", [])):
        st.session_state[TUNED_RUN_KEY] = index
