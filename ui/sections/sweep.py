"""Sweeps: the whole hyperparameter plane at once — a map per optimizer, learning-rate curves, a CSV.

Every cell of a map is one configuration run from the race's start for the race's steps through
`optimizers.sweep`, classified by the core's one classification. The hyperparameters not on the axes are those
of the optimizer's first run in the race (the surface preset's, or the defaults, when the race has none), so
moving that run's sliders, the start or the steps redraws the maps. A click on a cell adds its configuration
to the race.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import streamlit as st

from figures import run_colors
from figures.sweep import (
    METRICS,
    SENSITIVE_WORDS,
    MapAxis,
    MapMark,
    basin_figure,
    cell_metric,
    click_cell,
    lr_sensitivity_figure,
    sweep_map_figure,
)
from optimizers import OPTIMIZERS, OUTCOMES, GradientNoise, make_optimizer, sweep, sweeps
from optimizers.outcomes import unbounded_step
from optimizers.sweep import SweepResult, offload_heavy_sweeps, readable_axis
from surfaces import make_surface

from ..budget import sweep_work
from ..cache import SharedMemo, cache_key, read_only
from ..compute import RunResult, divergence_bound, labels_for, surface_of
from ..figure import show_as_built
from ..layout import Layout
from ..modes import teacher
from ..presets import preset_for
from ..sidebar.controls import add_run
from ..state import SWEEP_RESOLUTIONS, AppState, RunSpec, SweepSpec
from ..summary import current_tolerance
from ..url import numeric_hyperparameters

# A server shared by a class: a sweep over ≈ 12 ms of work runs whole in the helper process, in turns with the
# other sessions' sweeps, while this interpreter serves them (optimizers.sweep.offload_heavy_sweeps).
offload_heavy_sweeps()

SENSITIVITY_LRS = np.logspace(-4, 1, 41)   # five decades
BASIN_SIDE = 48                            # starts per axis of a basin map
MAX_BASIN_MAPS = 3
# px of a basin map's plot area by the maps in its row: about a column's width on a laptop, so a map at true
# geometry leaves little of it empty
BASIN_PLOT = {1: 440, 2: 380, 3: 280}
CHART_TOP = 200
FRAME_KEY = None


def cost(state: AppState) -> float:
    """One or two maps (resolution² cells each), a learning-rate curve per race run and a basin map per optimizer of
    the race (at most MAX_BASIN_MAPS): a 128² map at 5,000 steps waits for the click like any heavy view."""
    spec, noisy = state.sweep, state.noise is not None
    maps = 2 if spec.compare and spec.compare != spec.optimizer else 1
    basins = min(len({run.optimizer for run in state.runs}), MAX_BASIN_MAPS)
    return (maps * sweep_work(spec.resolution ** 2, state.steps, noisy=noisy)
            + len(state.runs) * sweep_work(len(SENSITIVITY_LRS), state.steps, noisy=noisy)
            + basins * sweep_work(BASIN_SIDE ** 2, state.steps, noisy=noisy))
AXIS_TITLES = {"lr": "learning rate α", "beta1": "β₁", "beta2": "β₂", "eps": "ε", "momentum": "momentum μ",
               "alpha": "α (RMSProp decay)", "initial_accumulator_value": "initial accumulator s₀", "p": "p"}


def draw(state: AppState, results: list[RunResult], layout: Layout) -> None:
    spec = state.sweep
    _controls(spec)
    surface = surface_of(state)
    st.caption(f"Each cell is one run from ({state.start[0]:g}, {state.start[1]:g}) for {state.steps:,} steps "
               f"on {surface.name}; the other settings are those of the optimizer's run in the race (sidebar). "
               "Hover a cell for its settings and outcome; **click a cell to add it to the race.**")
    optimizers = [spec.optimizer] + ([spec.compare] if spec.compare and spec.compare != spec.optimizer else [])
    columns = st.columns(len(optimizers))
    mapped = [optimizer for optimizer in optimizers
              if {spec.x, spec.y} <= set(numeric_hyperparameters(optimizer))]
    results = dict(zip(mapped, map_results(state, mapped), strict=True))  # both maps at once, then drawn
    maps = {optimizer: _map_figure(state, optimizer, results[optimizer]) for optimizer in results}
    first = None
    for column, optimizer in zip(columns, optimizers, strict=True):
        axes = numeric_hyperparameters(optimizer)
        if optimizer not in results:
            column.info(f"{OPTIMIZERS[optimizer].title} has no {spec.x if spec.x not in axes else spec.y}: "
                        "no map on these axes.", icon=":material/info:")
            continue
        with column:
            x_axis, y_axis = _draw_map(state, optimizer, results[optimizer], *maps[optimizer], layout)
        first = first or (optimizer, results[optimizer], x_axis, y_axis)
    message = st.session_state.pop("sweep_added", None)
    if message:
        st.success(message, icon=":material/add_circle:")
    if first is not None:
        optimizer, result, x_axis, y_axis = first
        # Deferred: written when the button is clicked, not on every rerun (4,096 rows took 70 ms a rerun).
        csv = functools.partial(_csv, result, x_axis, y_axis)
        st.download_button("Download this map as CSV (one row per cell)", csv, key="sweep_csv",
                           file_name=f"sweep_{state.surface}_{optimizer}_{x_axis.name}_{y_axis.name}.csv",
                           mime="text/csv", icon=":material/download:")
    _sensitivity(state, results)
    _basins(state, layout)


def _controls(spec: SweepSpec) -> None:
    row = st.columns([1.1, 1, 1, 1.1, 1.3, 0.8])
    row[0].selectbox("Optimizer", list(OPTIMIZERS), key="sweep_optimizer", format_func=_title,
                     on_change=_fix_axes)
    axes = numeric_hyperparameters(st.session_state["sweep_optimizer"])
    row[1].selectbox("x axis", axes, key="sweep_x", format_func=_axis_title, on_change=_fix_axes)
    row[2].selectbox("y axis", [axis for axis in axes if axis != st.session_state["sweep_x"]], key="sweep_y",
                     format_func=_axis_title)
    row[3].selectbox("Beside it", ["", *OPTIMIZERS], key="sweep_compare",
                     format_func=lambda key: _title(key) if key else "nothing")
    row[4].selectbox("Colour", list(METRICS), key="sweep_metric", format_func=METRICS.get)
    row[5].selectbox("Cells", SWEEP_RESOLUTIONS, key="sweep_resolution", format_func=lambda n: f"{n}²",
                     help="cells per axis")


def _fix_axes() -> None:
    """After the optimizer or the x axis changed: keep two distinct axes the optimizer has."""
    axes = numeric_hyperparameters(st.session_state["sweep_optimizer"])
    if st.session_state.get("sweep_x") not in axes:
        st.session_state["sweep_x"] = axes[0]
    if st.session_state.get("sweep_y") not in axes or st.session_state["sweep_y"] == st.session_state["sweep_x"]:
        st.session_state["sweep_y"] = next(axis for axis in axes if axis != st.session_state["sweep_x"])


def _title(key: str) -> str:
    return OPTIMIZERS[key].title


def _axis_title(name: str) -> str:
    return AXIS_TITLES.get(name, name)


def settings_for(state: AppState, optimizer: str) -> tuple[int | None, RunSpec]:
    """(race index, spec) of the first run of `optimizer` in the race, else (None, the preset's or defaults)."""
    for index, spec in enumerate(state.runs):
        if spec.optimizer == optimizer:
            return index, spec
    preset = next((spec for spec in preset_for(state.surface).runs if spec.optimizer == optimizer), None)
    return None, preset or RunSpec(optimizer)


def map_axes(optimizer: str, spec: SweepSpec) -> tuple[MapAxis, MapAxis]:
    specs = {h.name: h for h in OPTIMIZERS[optimizer].HYPERPARAMETERS}
    scales = {"log": "log scale", "one_minus_log": "log of 1 − β", "linear": "linear"}
    return tuple(MapAxis(name, f"{_axis_title(name)} ({scales[specs[name].scale]})", specs[name].scale,
                         readable_axis(specs[name], spec.resolution))
                 for name in (spec.x, spec.y))


def _map_sweep(surface: str, surface_params: tuple, start: tuple[float, float], steps: int, spec: RunSpec,
               x: str, y: str, resolution: int, tolerance: float, noise: GradientNoise | None) -> dict:
    """`sweep`'s arguments for one map, by name."""
    landscape = make_surface(surface, **dict(surface_params))
    specs = {h.name: h for h in OPTIMIZERS[spec.optimizer].HYPERPARAMETERS}
    # The axes' short values, the very floats a click reads back (map_axes): a clicked cell's run is the cell's.
    xs, ys = readable_axis(specs[x], resolution), readable_axis(specs[y], resolution)
    optimizer = make_optimizer(spec.optimizer, **{**spec.kwargs(), x: xs[:, None, None], y: ys[None, :, None]})
    return dict(optimizer=optimizer, surface=landscape, start=np.array(start), steps=steps, tolerance=tolerance,
                bound=divergence_bound(landscape), noise=noise)


MAP_MEMO_ENTRIES = 32  # maps' sweeps kept (a 128² map's metrics ≈ 1 MB: ≈ 32 MB at most)
_maps = SharedMemo(MAP_MEMO_ENTRIES)  # cache_key(map's arguments) → its SweepResult (read-only)


def map_results(state: AppState, optimizers: list[str]) -> list[SweepResult]:
    """The sweeps behind the maps of `optimizers` (one or two), each with its optimizer's settings.

    Each map is kept on its own key, so moving a setting of one optimizer recomputes its map only; two maps
    missing at once run side by side (`optimizers.sweeps`: one in the sweep helper process, ≈ one map's time).
    A kept result is shared by every session, hence read-only (ui/cache.read_only)."""
    spec = state.sweep
    keys = [(state.surface, state.surface_params, state.start, state.steps,
             without(settings_for(state, optimizer)[1], spec.x, spec.y), spec.x, spec.y, spec.resolution,
             current_tolerance(), state.noise) for optimizer in optimizers]
    names = [cache_key(*key) for key in keys]
    found = {name: result for name in names if (result := _maps.get(name)) is not None}
    missing = {name: key for name, key in zip(names, keys, strict=True) if name not in found}
    if missing:
        arguments = [_map_sweep(*key) for key in missing.values()]
        computed = sweeps(arguments) if len(arguments) > 1 else [sweep(**arguments[0])]
        for name, result in zip(missing, computed, strict=True):
            found[name] = read_only(result)
            _maps.put(name, found[name])
    return [found[name] for name in names]


def _map_figure(state: AppState, optimizer: str, result: SweepResult) -> tuple[dict, str]:
    """The map of `optimizer`'s sweep and its caption."""
    spec = state.sweep
    index, settings = settings_for(state, optimizer)
    x_axis, y_axis = map_axes(optimizer, spec)
    surface = surface_of(state)
    labels = labels_for(state.runs)
    defaults = make_optimizer(optimizer).hyperparameters()
    colors = run_colors([run.optimizer for run in state.runs])
    marks = [MapMark(labels[i], colors[i], float(run.kwargs().get(spec.x, defaults[spec.x])),
                     float(run.kwargs().get(spec.y, defaults[spec.y])))
             for i, run in enumerate(state.runs) if run.optimizer == optimizer]
    fixed = ", ".join(f"{name}={value:g}" if isinstance(value, float) else f"{name}={value}"
                      for name, value in make_optimizer(optimizer, **settings.kwargs()).hyperparameters().items()
                      if name not in (spec.x, spec.y))
    source = f"run {index + 1}'s" if index is not None else "the preset's"
    cell_values = {**make_optimizer(optimizer, **settings.kwargs()).hyperparameters(),
                   spec.x: x_axis.values[:, None], spec.y: y_axis.values[None, :]}
    sensitive = unbounded_step(optimizer, cell_values.get("beta1", 0.0), cell_values.get("beta2", 0.0))
    figure = sweep_map_figure(result, x_axis, y_axis, metric=spec.metric, minima=surface.minima,
                              title=_title(optimizer), marks=marks,
                              sensitive=np.broadcast_to(sensitive, result.outcome.shape))
    counts = {name: int((result.outcome_names == name).sum()) for name in OUTCOMES}
    caption = (f"Other settings ({source}): {fixed}.  \nCells: "
               + " · ".join(f"{name} {count:,}" for name, count in counts.items() if count)
               + (f"  \n{SENSITIVE_WORDS}" if np.any(sensitive) else ""))
    return figure, caption


def _draw_map(state: AppState, optimizer: str, result: SweepResult, figure: dict, caption: str, layout: Layout):
    """A map, clickable (a cell joins the race), and its caption; returns its axes."""
    _, settings = settings_for(state, optimizer)
    x_axis, y_axis = map_axes(optimizer, state.sweep)
    key = f"sweep_map_{optimizer}"
    show_as_built(layout.chart(figure, "map"), key=key,
                  on_select=functools.partial(_on_map_click, key, result, settings, x_axis, y_axis))
    st.caption(caption)
    return x_axis, y_axis


def _on_map_click(key: str, result: SweepResult, settings: RunSpec, x_axis: MapAxis, y_axis: MapAxis) -> None:
    """A click on a map's invisible grid adds that cell's configuration to the race."""
    event = st.session_state.get(key)
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    for point in points:
        cell = click_cell(result, int(point.get("curve_number", -1)), int(point.get("point_index", -1)))
        if cell is not None:
            i, j = cell
            spec = cell_spec(settings, x_axis.name, float(x_axis.values[i]), y_axis.name, float(y_axis.values[j]))
            label = make_optimizer(spec.optimizer, **spec.kwargs()).label()
            if teacher.is_locked("runs"):
                st.session_state["sweep_added"] = f"{label}: the teacher's link locks the race's runs."
                return
            st.session_state["sweep_added"] = (f"Added {label} to the race." if add_run(spec)
                                               else "The race is full (8 runs): remove a run first.")
            return


def cell_spec(settings: RunSpec, x: str, x_value: float, y: str, y_value: float) -> RunSpec:
    """The RunSpec of a map cell: the map's fixed settings with the cell's x and y."""
    defaults = make_optimizer(settings.optimizer).hyperparameters()
    params = {**settings.kwargs(), x: x_value, y: y_value}
    return RunSpec(settings.optimizer, tuple(sorted((name, value) for name, value in params.items()
                                                    if value != defaults[name])))


def _csv(result: SweepResult, x_axis: MapAxis, y_axis: MapAxis) -> str:
    return sweep_frame(result, x_axis, y_axis).to_csv(index=False)


def without(spec: RunSpec, *names: str) -> RunSpec:
    """`spec` without the settings `names`: a sweep over those axes does not depend on them, so moving the race
    run's own lr (say) finds the lr × β2 map, and the lr curve, in the cache."""
    return RunSpec(spec.optimizer, tuple((name, value) for name, value in spec.params if name not in names))


def sweep_frame(result: SweepResult, x_axis: MapAxis, y_axis: MapAxis) -> pd.DataFrame:
    """One row per cell: its settings, its metrics and its outcome."""
    xs, ys = np.meshgrid(x_axis.values, y_axis.values, indexing="ij")
    return pd.DataFrame({
        x_axis.name: xs.ravel(), y_axis.name: ys.ravel(), "outcome": result.outcome_names.ravel(),
        "final_loss": result.final_loss.ravel(), "best_loss": result.best_loss.ravel(),
        "reached_at": result.reached_at.ravel(), "diverged_at": result.diverged_at.ravel(),
        "final_x": result.final_point[..., 0].ravel(), "final_y": result.final_point[..., 1].ravel(),
    })


@st.cache_data(max_entries=64, show_spinner=False)
def lr_curve(surface: str, surface_params: tuple, start: tuple[float, float], steps: int, spec: RunSpec,
             tolerance: float, noise: GradientNoise | None = None) -> SweepResult:
    """One race run's settings with lr swept over SENSITIVITY_LRS."""
    landscape = make_surface(surface, **dict(surface_params))
    optimizer = make_optimizer(spec.optimizer, **{**spec.kwargs(), "lr": SENSITIVITY_LRS[:, None]})
    return sweep(optimizer, landscape, np.array(start), steps, tolerance=tolerance,
                 bound=divergence_bound(landscape), noise=noise)


def _sensitivity(state: AppState, results: list[RunResult]) -> None:
    st.subheader("Learning-rate sensitivity", divider="gray")
    metric = "steps" if state.sweep.metric == "steps" else "gap"
    surface = surface_of(state)
    curves, log, title = [], True, METRICS[metric]
    # A curve is its run over every lr: named by the run's other settings ("AdaMax", "SGD(momentum=0.9)"), so
    # moving a run's own lr leaves this figure as it was (and the browser does not redraw it).
    specs = [without(spec, "lr") for spec in state.runs]
    colors = run_colors([spec.optimizer for spec in specs])
    for spec, label, color in zip(specs, labels_for(tuple(specs)), colors, strict=True):
        result = lr_curve(state.surface, state.surface_params, state.start, state.steps, spec,
                          current_tolerance(), state.noise)
        values, log, title = cell_metric(result, metric, surface.minima)
        curves.append({"label": label.replace("()", ""), "color": color, "lr": SENSITIVITY_LRS,
                       "value": values, "diverged": result.outcome_names == "diverged"})
    st.caption(f"{title} against the learning rate over five decades, one curve per run of the race with its "
               "other settings kept; ✖ marks a learning rate at which the run blew up. A flat, wide valley is a "
               "robust optimizer.")
    show_as_built(lr_sensitivity_figure(curves, metric=title, log=log), key="sweep_sensitivity")


@st.cache_data(max_entries=32, show_spinner=False)
def basin_cells(surface: str, surface_params: tuple, steps: int, spec: RunSpec,
                tolerance: float, noise: GradientNoise | None = None) -> tuple[SweepResult, np.ndarray, np.ndarray]:
    """One run's settings from every start of a BASIN_SIDE × BASIN_SIDE grid over the domain."""
    landscape = make_surface(surface, **dict(surface_params))
    (x0, x1), (y0, y1) = landscape.domain
    xs, ys = np.linspace(x0, x1, BASIN_SIDE), np.linspace(y0, y1, BASIN_SIDE)
    starts = np.stack(np.meshgrid(xs, ys, indexing="ij"), axis=-1)
    result = sweep(make_optimizer(spec.optimizer, **spec.kwargs()), landscape, starts, steps, tolerance=tolerance,
                   bound=divergence_bound(landscape), noise=noise)
    return result, xs, ys


def _basins(state: AppState, layout: Layout) -> None:
    st.subheader("Where each start ends: basins", divider="gray")
    labels = labels_for(state.runs)
    if not labels:
        st.info("Add a run to the race to see its basins.", icon=":material/info:")
        return
    firsts = list(dict.fromkeys(spec.optimizer for spec in state.runs))
    default = [[spec.optimizer for spec in state.runs].index(key) for key in firsts][:MAX_BASIN_MAPS]
    # Runs by their place in the race, not their label: a run whose lr moves keeps its basin map.
    chosen = st.multiselect("Runs", range(len(labels)), default=default, key="sweep_basin_runs",
                            format_func=labels.__getitem__, max_selections=MAX_BASIN_MAPS)
    chosen = [index for index in chosen if index < len(labels)]  # a run removed since it was chosen
    surface = surface_of(state)
    st.caption(f"Each pixel is a start on a {BASIN_SIDE}×{BASIN_SIDE} grid over the domain, run for {state.steps:,} "
               "steps with the run's settings: a hue per minimum it ended in (lighter: it got within tolerance "
               "in fewer steps), grey where it stalled at another stationary point, pink where it oscillates away from "
               "every minimum, beige where it is still on its way; the legend names the colours present.")
    columns = st.columns(max(len(chosen), 1))
    for column, index in zip(columns, chosen, strict=False):
        label = labels[index]
        result, xs, ys = basin_cells(state.surface, state.surface_params, state.steps, state.runs[index],
                                     current_tolerance(), state.noise)
        figure = basin_figure(result, xs, ys, minima=surface.minima, domain=surface.domain, title=label,
                              start=state.start, plot_height=BASIN_PLOT[len(columns)])
        with column:
            show_as_built(layout.chart(figure, "map", true_geometry=True), key=f"sweep_basin_{index}")
