"""Live sliders: a custom component that scrubs the race's paths while a slider is dragged, without a rerun.

For every run, its lr, and for the run being tuned (the "more ›" of a run's slider picks it; run 1 first) its
other numeric hyperparameters: the server computes each value's whole path in one batched `run` per run
(optimizers/live.py) and ships them compactly (figures/live.py). The browser (live.js, a Streamlit v2 component:
its JS, CSS and HTML are strings, no build) draws a slider per hyperparameter with each value's outcome as a
strip, and while a thumb is held draws the nearest computed path over the map on a canvas of its own, in the
same frame as the input. On release, exactly the value drawn comes back (one rerun) and is written into the
run's sidebar widget, so the rest of the page follows as after any setting; the URL then carries it exactly.

Not live: the 3-D view (no map to draw on), a teacher's locked runs, and a lesson's question (paths hidden).
Facts about the v2 component this relies on: docs/LIVE.md.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st

from figures.explorer import PATH_WIDTHS
from figures.live import EncodedRun, LiveRun, assemble, encode_run
from optimizers import make_optimizer
from optimizers.live import live_batch, live_names
from optimizers.noise import GradientNoise

from ..cache import TTL_SECONDS, SharedMemo, cache_key, max_entries
from ..compute import RunResult, divergence_bound, surface_of
from ..modes import teacher
from ..state import AppState, RunSpec
from ..summary import current_tolerance

LIVE_KEY = "live_sliders"
SELECTED_KEY = "live_selected"    # index of the run whose other hyperparameters are live too
_HERE = Path(__file__).parent
PAYLOADS = SharedMemo(max_entries("live_payload"))   # whole payloads, keyed on everything they show


def _component():
    """The component, registered once per process (the chart it draws over is named in its HTML)."""
    from ..sections.race import CHART_KEY

    return st.components.v2.component(
        "adamax_lab_live", html=f"<div class='live-config' data-chart='{CHART_KEY}' hidden></div>",
        css=(_HERE / "live.css").read_text(), js=(_HERE / "live.js").read_text())


_mount = None


def is_live(state: AppState, hidden: bool) -> bool:
    """Whether the race's sliders are live: a contour map, paths shown, runs not locked by a teacher."""
    return state.view == "contour" and not hidden and bool(state.runs) and not teacher.is_locked("runs")


def draw_live(state: AppState, results: list[RunResult]) -> None:
    """The live sliders for the race's runs (call just above the race's chart)."""
    global _mount
    if _mount is None:
        _mount = _component()
    selected = int(st.session_state.get(SELECTED_KEY, 0))
    selected = selected if 0 <= selected < len(state.runs) else 0
    payload = live_payload(state, [(result.label, result.color) for result in results], selected,
                           current_tolerance())
    _mount(key=LIVE_KEY, data=payload, on_release_change=_on_release, on_select_change=_on_select)


def _widths(count: int) -> list[float]:
    """The race's path widths, widest first (figures/explorer.py draws run 1 widest)."""
    low, high = PATH_WIDTHS
    return np.linspace(high, low, count).tolist() if count > 1 else [(low + high) / 2]


def live_payload(state: AppState, labels_colors: list[tuple[str, str]], selected: int, tolerance: float) -> bytes:
    """The payload for the race of `state`: lr of every run, every live hyperparameter of run `selected`."""
    key = cache_key(state.surface, state.surface_params, state.start, state.steps, state.runs, state.noise,
                    tuple(labels_colors), selected, tolerance)
    payload = PAYLOADS.get(key)
    if payload is None:
        surface = surface_of(state)
        runs = []
        for index, (spec, (label, color), width) in enumerate(
                zip(state.runs, labels_colors, _widths(len(state.runs)), strict=True)):
            names = live_names(spec.optimizer) if index == selected else ("lr",)
            encoded = encoded_run(state.surface, state.surface_params, state.start, state.steps, spec, names,
                                  state.noise, tolerance)
            runs.append((LiveRun(index, label, color, width), encoded))
        payload = assemble(runs, surface.domain, state.steps)
        PAYLOADS.put(key, payload)
    return payload


def encoded_run(surface: str, surface_params: tuple, start: tuple[float, float], steps: int, spec: RunSpec,
                names: tuple[str, ...], noise: GradientNoise | None, tolerance: float) -> EncodedRun:
    """One run's live batch, encoded; shared by every session of the process (one run's change recomputes it
    alone)."""
    return _encoded_run(cache_key(surface, surface_params, start, steps, spec, names, noise, tolerance),
                        surface, surface_params, start, steps, spec, names, noise, tolerance)


@st.cache_resource(max_entries=max_entries("live_run"), ttl=TTL_SECONDS, show_spinner=False)
def _encoded_run(key: str, _surface: str, _surface_params: tuple, _start: tuple[float, float], _steps: int,
                 _spec: RunSpec, _names: tuple[str, ...], _noise: GradientNoise | None,
                 _tolerance: float) -> EncodedRun:
    from surfaces import make_surface

    landscape = make_surface(_surface, **dict(_surface_params))
    batch = live_batch(_spec.optimizer, _spec.kwargs(), _names, landscape, _start, _steps,
                       bound=divergence_bound(landscape), noise=_noise, tolerance=_tolerance)
    return encode_run(batch, landscape.domain, _steps)


def _event(name: str):
    state = st.session_state.get(LIVE_KEY)
    try:
        return state.get(name) if isinstance(state, dict) else getattr(state, name, None)
    except (AttributeError, KeyError):
        return None


def _on_release() -> None:
    """A thumb let go: its value, exactly as computed, into the run's widget (the rest of the page follows)."""
    event = _event("release")
    if not isinstance(event, dict) or teacher.is_locked("runs"):
        return
    index, name, value = event.get("run"), event.get("name"), event.get("value")
    ids = st.session_state.get("run_ids", [])
    if not (isinstance(index, int) and 0 <= index < len(ids) and isinstance(name, str)
            and isinstance(value, int | float) and not isinstance(value, bool) and np.isfinite(value)):
        return
    key = f"run{ids[index]}_{name}"   # ui/sidebar/controls.py's widget key of that run's hyperparameter
    optimizer = st.session_state.get(f"run{ids[index]}_optimizer")
    if optimizer is None or name not in live_names(optimizer):
        return
    try:
        make_optimizer(optimizer, **{name: float(value)})   # in range (a page's own values always are)
    except ValueError:
        return
    st.session_state[key] = float(value)


def _on_select() -> None:
    index = _event("select")
    if isinstance(index, int) and 0 <= index < len(st.session_state.get("run_ids", [])):
        st.session_state[SELECTED_KEY] = index
