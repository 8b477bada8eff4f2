"""The sidebar: surface, start, steps, view and the runs — widgets in, one AppState out.

The AppState is the source of truth; widgets hold it while the page is open. `load_state` writes a state
into the widgets' keys (from a link, a preset, or a click on the map), `read_state` reads it back.
Runs have stable ids, so removing run 2 of 4 leaves the others' widgets (and their keys) untouched.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import fields, replace

import streamlit as st

from optimizers import OPTIMIZERS, make_optimizer
from surfaces import SURFACE_PARAMETER_RANGES, SURFACES

from ..custom import CUSTOM, applied_params, custom_preset, draw_custom_panel, load_custom
from ..presets import preset_for
from ..state import MAX_RUNS, MAX_STEPS, MIN_STEPS, AppState, RunSpec, SweepSpec
from .model import load_model, read_model
from .noise import draw_noise, load_noise, read_noise
from .widgets import format_value, hyperparameter_widget, log_grid

TUNED_RUN_KEY = "live_selected"   # the run (its index) whose every numeric hyperparameter is live (ui/live)
STEP_OPTIONS = (10, 20, 30, 50, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000)
VIEWS = {"contour": "Contour map", "3d": "3-D surface"}


def param_key(run_id: int, name: str) -> str:
    """The session key of run `run_id`'s widget for `name` (a hyperparameter, or "optimizer")."""
    return f"run{run_id}_{name}"


def _defaults(optimizer: str) -> dict:
    return dict(_default_hyperparameters(optimizer))


@functools.cache
def _default_hyperparameters(optimizer: str) -> dict:
    return make_optimizer(optimizer).hyperparameters()  # read on every rerun, for every run: built once


def _load_run(run_id: int, spec: RunSpec) -> None:
    st.session_state[param_key(run_id, "optimizer")] = spec.optimizer
    values = {**_defaults(spec.optimizer), **spec.kwargs()}
    for name, value in values.items():
        st.session_state[param_key(run_id, name)] = value


def load_state(state: AppState) -> None:
    """Put `state` into the widgets (call before they are drawn, or from a callback)."""
    st.session_state["surface"] = state.surface
    if state.surface == CUSTOM:  # a formula, a domain, a minimum: not numbers for sliders
        load_custom(state.surface_params)
    else:
        for name, value in state.surface_params:
            st.session_state[f"surface_{name}"] = float(value)
    load_noise(state.noise)
    st.session_state["start_x"], st.session_state["start_y"] = (float(v) for v in state.start)
    st.session_state["steps"] = int(state.steps)
    st.session_state["view"] = state.view
    st.session_state["section"] = state.section
    ids = list(range(len(state.runs)))
    st.session_state["run_ids"] = ids
    st.session_state["next_run_id"] = len(ids)
    for run_id, spec in zip(ids, state.runs, strict=True):
        _load_run(run_id, spec)
    for setting in fields(SweepSpec):  # the Sweeps section's widgets (ui/sections/sweep.py)
        st.session_state[f"sweep_{setting.name}"] = getattr(state.sweep, setting.name)
    load_model(state.model)  # the widgets of "On a real model" (ui/sections/model.py)


def add_run(spec: RunSpec) -> bool:
    """Add `spec` to the race as a new run (from a callback); False when the race is full."""
    ids = st.session_state["run_ids"]
    if len(ids) >= MAX_RUNS:
        return False
    run_id = st.session_state["next_run_id"]
    st.session_state["next_run_id"] = run_id + 1
    ids.append(run_id)
    _load_run(run_id, spec)
    return True


def _read_sweep() -> SweepSpec:
    """The Sweeps settings. Re-assigning each key keeps it when its widget is not drawn (another section is
    shown): Streamlit forgets a widget's value once the widget is gone, and the link must keep the sweep."""
    values = {}
    for setting in fields(SweepSpec):
        key = f"sweep_{setting.name}"
        _keep(key)
        values[setting.name] = st.session_state.get(key, setting.default)
    return SweepSpec(**values)


def _keep(key: str) -> None:
    """Re-assign a widget's value, so it survives a rerun in which its widget is not drawn (a closed run panel
    draws nothing: ui/sidebar/controls._draw_run): Streamlit forgets a widget's value once the widget is gone."""
    if key in st.session_state:
        st.session_state[key] = st.session_state[key]


def _run_spec(run_id: int) -> RunSpec:
    _keep(param_key(run_id, "optimizer"))
    optimizer = st.session_state[param_key(run_id, "optimizer")]
    defaults = _defaults(optimizer)
    changed = {}
    for name, default in defaults.items():
        _keep(param_key(run_id, name))
        value = st.session_state.get(param_key(run_id, name), default)
        if value != default:
            changed[name] = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
    if changed.get("nesterov") and not changed.get("momentum"):
        changed.pop("nesterov")  # Nesterov needs momentum > 0; its toggle is disabled then
    return RunSpec(optimizer, tuple(sorted(changed.items())))


# The sidebar's own widgets, besides the runs' (kept in _run_spec), the Sweeps' and the model's (kept where read).
SIDEBAR_KEYS = ("surface", "start_x", "start_y", "steps", "view", "section", "noise_kind", "noise_scale",
                "noise_relative", "noise_every", "noise_factor", "noise_seed", "custom_formula", "custom_x0",
                "custom_x1", "custom_y0", "custom_y1", "custom_minimum")


def read_state() -> AppState:
    """The state the widgets hold. Every widget's value is re-assigned first: a rerun asked for while the page's
    first run is still drawing (the player reporting the window's height, a click) stops that run before the
    sidebar is sent, and the browser's copy of a widget then starts again from its default (a number input's
    minimum: the start at the window's corner after the next rerun). A value assigned in the script is sent
    with the widget on every run, so the browser cannot lose it."""
    surface = st.session_state["surface"]
    ranges = SURFACE_PARAMETER_RANGES.get(surface, {})
    for key in (*SIDEBAR_KEYS, *(f"surface_{name}" for name in ranges)):
        _keep(key)
    params = tuple(sorted((name, float(st.session_state[f"surface_{name}"])) for name in ranges))
    if surface == CUSTOM:
        params = applied_params()
    runs = tuple(_run_spec(run_id) for run_id in st.session_state["run_ids"])
    start = (float(st.session_state["start_x"]), float(st.session_state["start_y"]))
    # A segmented control can be clicked off to nothing: put it back (widgets are drawn after this).
    section = st.session_state["section"] = st.session_state.get("section") or "race"
    view = st.session_state["view"] = st.session_state.get("view") or "contour"
    return AppState(surface, params, start, int(st.session_state["steps"]), view, runs, section, read_noise(),
                    _read_sweep(), read_model())


# ---------------------------------------------------------------- callbacks

def _surface_preset() -> AppState:
    """The current surface's preset (a custom surface's is worked out from its formula)."""
    surface = st.session_state["surface"]
    return custom_preset(applied_params()) if surface == CUSTOM else preset_for(surface)


def _preset_here() -> AppState:
    """The current surface's preset, in the section being looked at, with the page's noise kept."""
    return replace(_surface_preset(), section=st.session_state.get("section") or "race", noise=read_noise())


def _on_surface_change() -> None:
    """A new surface opens on its preset: its own start and learning rates tuned to its gradients."""
    load_state(_preset_here())


LR_FACTORS = (0.5, 2.0, 0.2, 5.0, 0.1, 10.0)  # tried in turn on run 1's lr for a run not yet in the race


def new_run_spec(current: list[RunSpec], preset_runs: tuple[RunSpec, ...]) -> RunSpec:
    """What "Add a run" adds: something new to see, never a copy on an existing run's path.

    The first of the surface preset's runs not in the race (tuned for this surface); when all are there,
    run 1's optimizer and settings at another learning rate (half, double, …), which draws a new path and
    gets a label of its own.
    """
    for spec in preset_runs:
        if spec not in current:
            return spec
    base = current[0] if current else RunSpec("adamax")
    settings = {**_defaults(base.optimizer), **base.kwargs()}
    limits = {spec.name: spec for spec in OPTIMIZERS[base.optimizer].HYPERPARAMETERS}["lr"]
    for factor in LR_FACTORS:
        lr = float(f"{settings['lr'] * factor:.6g}")
        if limits.low <= lr <= limits.high:
            candidate = RunSpec(base.optimizer, tuple(sorted({**base.kwargs(), "lr": lr}.items())))
            if candidate not in current:
                return candidate
    return RunSpec(base.optimizer, base.params)


def _add_run() -> None:
    ids = st.session_state["run_ids"]
    if len(ids) >= MAX_RUNS:
        return
    current = [_run_spec(run_id) for run_id in ids]
    run_id = st.session_state["next_run_id"]
    st.session_state["next_run_id"] = run_id + 1
    ids.append(run_id)
    _load_run(run_id, new_run_spec(current, _surface_preset().runs))


def _remember_open(run_id: int) -> None:
    st.session_state[f"run{run_id}_open"] = bool(st.session_state.get(f"run{run_id}_panel"))


def _remove_run(run_id: int) -> None:
    st.session_state["run_ids"].remove(run_id)
    st.session_state.pop(TUNED_RUN_KEY, None)  # run indices shift: no run is tuned until one is picked again


def _on_optimizer_change(run_id: int) -> None:
    """A run switched optimizer: take that optimizer's defaults, with the surface preset's lr if it has one."""
    optimizer = st.session_state[param_key(run_id, "optimizer")]
    preset = _surface_preset()
    tuned = next((spec for spec in preset.runs if spec.optimizer == optimizer), RunSpec(optimizer))
    _load_run(run_id, tuned)


def _reset_to_preset() -> None:
    load_state(_preset_here())


# ---------------------------------------------------------------- drawing

def draw_sidebar(labels: list[str], colors: list[str], *, locked: frozenset[str] = frozenset(),
                 hidden: bool = False, live_panel: Callable[[int], tuple[str, ...]] | None = None) -> None:
    """Draw every control. `labels`/`colors` name the runs as the chart does (same order).

    `live_panel(index)`, where the race's sliders are live (ui/live.panel_drawer), draws run `index`'s live
    sliders in its open panel and names the hyperparameters they set; the panel draws no widget for those.

    `locked` names the controls shown disabled and `hidden` puts them all in a container the page hides
    (the teacher's link, ui/modes/teacher.py): still drawn, so Streamlit keeps their values for the link.
    """
    sidebar = st.sidebar.container(key="teacher_hidden") if hidden else st.sidebar
    lock = {name: name in locked for name in ("surface", "start", "steps", "view", "runs")}
    sidebar.selectbox("Surface", [*SURFACES, CUSTOM], key="surface", on_change=_on_surface_change,
                      format_func=lambda key: SURFACES[key].name if key in SURFACES else "Your own formula…",
                      disabled=lock["surface"])
    if st.session_state["surface"] == CUSTOM:
        draw_custom_panel(sidebar, load_state)
    for name, (low, high) in SURFACE_PARAMETER_RANGES.get(st.session_state["surface"], {}).items():
        key = f"surface_{name}"
        if name == "condition":  # condition numbers span decades: a log grid
            options = sorted({*log_grid(low, high), st.session_state[key]})
            sidebar.select_slider("condition number κ", options, key=key, format_func=format_value,
                                  disabled=lock["surface"])
        else:
            sidebar.slider(f"{name} (degrees)", float(low), float(high), key=key, step=5.0, disabled=lock["surface"])
    custom = st.session_state["surface"] == CUSTOM
    (x0, x1), (y0, y1) = dict(applied_params())["domain"] if custom else SURFACES[st.session_state["surface"]].domain
    left, right = sidebar.columns(2)
    left.number_input("start x", float(x0), float(x1), key="start_x", step=0.1, format="%.4g",
                      disabled=lock["start"])
    right.number_input("start y", float(y0), float(y1), key="start_y", step=0.1, format="%.4g",
                       disabled=lock["start"])
    if not lock["start"]:
        sidebar.caption("…or click anywhere on the map to start there.")
    steps = st.session_state["steps"]
    sidebar.select_slider("Steps", sorted({*STEP_OPTIONS, steps}), key="steps",
                          help=f"{MIN_STEPS} to {MAX_STEPS:,} optimizer steps", disabled=lock["steps"])
    sidebar.segmented_control("View", list(VIEWS), key="view", format_func=VIEWS.get, selection_mode="single",
                              disabled=lock["view"])

    draw_noise(sidebar)

    sidebar.subheader("Runs")
    for index, run_id in enumerate(st.session_state["run_ids"]):
        label = labels[index] if index < len(labels) else ""
        # While a run's panel is open its title names the optimizer only (the values are inside): a title that
        # changed with every value would make Streamlit rebuild the open panel on each slider move.
        title = (f"Run {index + 1} · {OPTIMIZERS[st.session_state[param_key(run_id, 'optimizer')]].title}"
                 if st.session_state.get(f"run{run_id}_open") else f"Run {index + 1} · {label}")
        _draw_run(sidebar, index, run_id, title, colors[index % len(colors)], lock["runs"], live_panel)
    full = len(st.session_state["run_ids"]) >= MAX_RUNS
    sidebar.button("Add a run", key="add_run", icon=":material/add:", on_click=_add_run, disabled=full or lock["runs"],
                   width="stretch", help=f"Up to {MAX_RUNS} runs; the same optimizer may appear twice.")
    sidebar.button("Reset to this surface's preset", key="reset_preset", icon=":material/restart_alt:",
                   on_click=_reset_to_preset, width="stretch", disabled=any(lock.values()))


def _draw_run(sidebar, index: int, run_id: int, label: str, color: str, locked: bool = False,
              live_panel: Callable[[int], tuple[str, ...]] | None = None) -> None:
    optimizer = st.session_state[param_key(run_id, "optimizer")]
    # A closed panel draws nothing (an expander with on_change is lazy): every element costs each rerun time on
    # the server and in the browser, and read_state keeps the values of widgets not drawn. Its label follows the
    # values changed inside it, which makes Streamlit see a new expander: whether it is open is kept apart.
    panel = sidebar.expander(label, expanded=bool(st.session_state.get(f"run{run_id}_open")),
                             key=f"run{run_id}_panel", on_change=_remember_open, args=(run_id,))
    if not panel.open:
        return
    with panel:
        st.markdown(f"<div style='height:6px;background:{color};border-radius:3px'></div>",
                    unsafe_allow_html=True)
        st.selectbox("optimizer", list(OPTIMIZERS), key=param_key(run_id, "optimizer"),
                     format_func=lambda key: OPTIMIZERS[key].title, on_change=_on_optimizer_change,
                     args=(run_id,), disabled=locked)
        live = live_panel(index) if live_panel and not locked else ()
        for spec in OPTIMIZERS[optimizer].HYPERPARAMETERS:
            if spec.name in live:  # set by the live sliders just drawn (read_state keeps the value)
                continue
            key = param_key(run_id, spec.name)
            if key not in st.session_state:
                st.session_state[key] = _defaults(optimizer)[spec.name]
            disabled = spec.name == "nesterov" and not st.session_state.get(param_key(run_id, "momentum"))
            hyperparameter_widget(spec, key, disabled=disabled or locked)
        if len(st.session_state["run_ids"]) > 1:
            st.button("Remove this run", key=f"remove_{run_id}", on_click=_remove_run, args=(run_id,),
                      disabled=locked)


__all__ = ["draw_sidebar", "format_value", "load_state", "read_state"]
