"""The "Inside AdaMax" section: one AdaMax run's state, its step bound, its equations with numbers, a step table."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from figures import optimizer_color
from figures.internals import LEGEND, internals_figure
from optimizers import make_optimizer
from optimizers.explain import equations_at, step_table

from ..cache import TTL_SECONDS, cache_key, max_entries
from ..compute import RunResult, adamax_runs, internals_for, surface_of, trajectory_for
from ..figure import show_figure
from ..layout import Layout
from ..modes.phone import break_equalities
from ..narration import inside_explanation
from ..state import AppState, RunSpec

CHART_TOP = 260               # px above the chart with a lesson beside it (measured)
FRAME_KEY = "equation_step"   # the chart's scrubber sets the step the equations show


def cost(state: AppState) -> float:
    """Nothing beyond the race's runs: the inspected run is one of them (or the preset's, one run's worth)."""
    return 0.0


def _scene(state: AppState) -> AppState:
    """What the inspected run depends on: the other runs and the section are blanked out of the cache key,
    so changing another run does not rebuild this one's figure."""
    return replace(state, runs=(), section="inside")


def _internals(scene: AppState, spec: RunSpec):
    return internals_for(scene, spec)


def _figure(scene: AppState, spec: RunSpec, label: str, color: str) -> dict:
    return _shared_figure(cache_key(scene, spec, label, color), scene, spec, label, color)


# Shared by every session of the process, keyed by a short string (ui/cache.py): never modify what it returns.
@st.cache_resource(max_entries=max_entries("internals_figure"), ttl=TTL_SECONDS, show_spinner=False)
def _shared_figure(key: str, _scene: AppState, _spec: RunSpec, _label: str, _color: str) -> dict:
    return internals_figure(surface_of(_scene), _label, _color, _internals(_scene, _spec))


def draw(state: AppState, results: list[RunResult], layout: Layout) -> None:
    choices = adamax_runs(state)
    labels = {index: (results[index].label if index is not None else
                      make_optimizer("adamax", **spec.kwargs()).label() + " (not in the race)")
              for index, spec in choices}
    options = [index for index, _ in choices]
    if st.session_state.get("inspect") not in options:
        st.session_state["inspect"] = options[0]
    left, right = st.columns([2, 3])
    chosen = left.selectbox("AdaMax run to look inside", options, key="inspect", format_func=labels.get)
    spec = dict(choices)[chosen]
    color = results[chosen].color if chosen is not None else optimizer_color("adamax")
    if chosen is None:
        right.info("The race has no AdaMax run, so this shows AdaMax with this surface's preset settings.")
    st.markdown(f"<div style='font-size:0.95rem;color:#333'>{LEGEND}</div>", unsafe_allow_html=True)
    figure = _figure(_scene(state), spec, labels[chosen], color)
    # A phone stacks the panels; a lesson's words beside the chart ask for a chart that keeps ▶ Play on screen.
    figure = layout.chart(figure, "panels", chart_top=CHART_TOP)
    show_figure(figure, key="internals_chart")
    settings = make_optimizer(spec.optimizer, **spec.kwargs()).hyperparameters()
    st.markdown(inside_explanation(_internals(_scene(state), spec), lr=settings["lr"], beta1=settings["beta1"],
                                   beta2=settings["beta2"], t=int(st.session_state.get(FRAME_KEY, 1))))
    _equations(state, spec, layout)
    _table(state, spec)


def _equations(state: AppState, spec: RunSpec, layout: Layout) -> None:
    optimizer = make_optimizer(spec.optimizer, **spec.kwargs())
    trajectory = trajectory_for(state.surface, state.surface_params, state.start, state.steps, spec, state.noise)
    st.subheader("The update rule, and step t with its numbers")
    last = trajectory.steps if trajectory.diverged_at < 0 else max(int(trajectory.diverged_at) - 1, 1)
    rule, numbers = st.columns([2, 3])
    rule.caption("The rule, as the code states it (optimizers/adamax.py)")
    rule.latex(optimizer.latex())
    # The player component sets FRAME_KEY to the chart's scrubbed step (ui/player.py); keep it in range.
    if int(st.session_state.get(FRAME_KEY, 1)) > max(last, 1):
        st.session_state[FRAME_KEY] = max(last, 1)
    t = numbers.number_input("step t (follows the chart's scrubber)", min_value=1, max_value=max(last, 1), value=1,
                             step=1, key=FRAME_KEY)
    numbers.caption(f"Step {int(t)} with its numbers, below: vectors are (x, y)")
    # The numbers get the page's full width: at step 200 each line is ≈ 650 px of TeX, wider than a column at
    # 1,440 px; on a phone the block scrolls sideways instead of being cut off.
    st.markdown("<style>.st-key-step_equations .katex-display {overflow-x: auto; overflow-y: hidden}</style>",
                unsafe_allow_html=True)
    equations = equations_at(optimizer, trajectory, int(t))
    if layout.phone:  # one equality a line: a phone shows them at a readable size
        equations = break_equalities(equations)
    st.container(key="step_equations").latex(equations)


def step_table_csv(internals, rows: int) -> str:
    """The first `rows` steps as CSV, every number with 17 significant digits (exact float64 round trip)."""
    return pd.DataFrame(step_table(internals, rows)).to_csv(index=False, float_format="%.17g")


def _table(state: AppState, spec: RunSpec) -> None:
    internals = _internals(_scene(state), spec)
    st.subheader("Every quantity of the first steps")
    rows = st.select_slider("rows", (10, 20, 50, 100, 200), value=20, key="table_rows")
    table = pd.DataFrame(step_table(internals, min(rows, len(internals.t))))
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={name: st.column_config.NumberColumn(format="%.6g") for name in table.columns
                                if name != "t"})
    # Built only when pressed (a callable): a file stored for every rerun is server time and memory for nothing.
    st.download_button("Download the step table (CSV)", lambda: step_table_csv(internals, len(table)),
                       file_name=f"adamax_steps_{state.surface}.csv", mime="text/csv", icon=":material/download:",
                       key="download_steps", on_click="ignore")

