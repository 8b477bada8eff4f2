"""The "Inside AdaMax" section: one AdaMax run's state, its step bound, its equations with numbers, a step table."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from figures.internals import LEGEND, internals_figure
from optimizers import make_optimizer
from optimizers.explain import adamax_internals, equations_at, step_table

from .compute import RunResult, adamax_runs, surface_of, trajectory_for
from .figure import show_figure
from .state import AppState, RunSpec

EXPLANATION = r"""
**What you see.** AdaMax (Kingma & Ba 2015, §7.1, Algorithm 2) divides the momentum $\hat m_t$ by
$u_t = \max(\beta_2 u_{t-1}, |g_t|)$, the largest recent gradient, decayed by $\beta_2$ per step. So
$|\hat m_t / u_t| \lesssim 1$ and each coordinate moves by at most about $\alpha$ — the solid box around the
point, exact bound $\alpha\,(1-\beta_1)(1-(\beta_1/\beta_2)^t)/((1-\beta_1^t)(1-\beta_1/\beta_2))$, ≈ 1.009 α for the
default β's. Adam divides by $\sqrt{\hat v_t}$, an average, which a single huge gradient inflates far less
lastingly; its worst case is ≈ 7.3 α (the dotted box). When $u_t$ is set by the fresh gradient (dark in
the strip), the step is ≈ α·sign(g); when memory wins (light), a steep gradient seen earlier still holds the
steps small — why AdaMax crawls along Rosenbrock's valley with $\beta_2 = 0.999$.
"""


def _scene(state: AppState) -> AppState:
    """What the inspected run depends on: the other runs and the section are blanked out of the cache key,
    so changing another run does not rebuild this one's figure."""
    return replace(state, runs=(), section="inside")


@st.cache_data(max_entries=64, show_spinner=False)
def _internals(scene: AppState, spec: RunSpec):
    trajectory = trajectory_for(scene.surface, scene.surface_params, scene.start, scene.steps, spec)
    return adamax_internals(make_optimizer(spec.optimizer, **spec.kwargs()), trajectory)


@st.cache_data(max_entries=32, show_spinner=False)
def _figure(scene: AppState, spec: RunSpec, label: str, color: str) -> dict:
    return internals_figure(surface_of(scene), label, color, _internals(scene, spec))


def draw_inside(state: AppState, results: list[RunResult]) -> None:
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
    color = results[chosen].color if chosen is not None else "#D55E00"
    if chosen is None:
        right.info("The race has no AdaMax run, so this shows AdaMax with this surface's preset settings.")
    st.markdown(f"<div style='font-size:0.95rem;color:#333'>{LEGEND}</div>", unsafe_allow_html=True)
    show_figure(_figure(_scene(state), spec, labels[chosen], color), key="internals_chart")
    st.markdown(EXPLANATION)
    _equations(state, spec)
    _table(state, spec)


def _equations(state: AppState, spec: RunSpec) -> None:
    optimizer = make_optimizer(spec.optimizer, **spec.kwargs())
    trajectory = trajectory_for(state.surface, state.surface_params, state.start, state.steps, spec)
    st.subheader("The update rule, and step t with its numbers")
    last = trajectory.steps if trajectory.diverged_at < 0 else max(int(trajectory.diverged_at) - 1, 1)
    rule, numbers = st.columns([2, 3])
    rule.caption("The rule, as the code states it (optimizers/adamax.py)")
    rule.latex(optimizer.latex())
    # The player component sets equation_step to the chart's scrubbed step (ui/player.py); keep it in range.
    if int(st.session_state.get("equation_step", 1)) > max(last, 1):
        st.session_state["equation_step"] = max(last, 1)
    t = numbers.number_input("step t (follows the chart's scrubber)", min_value=1, max_value=max(last, 1), value=1,
                             step=1, key="equation_step")
    numbers.caption(f"Step {int(t)} with its numbers: vectors are (x, y)")
    numbers.latex(equations_at(optimizer, trajectory, int(t)))


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
    st.download_button("Download the step table (CSV)", step_table_csv(internals, len(table)),
                       file_name=f"adamax_steps_{state.surface}.csv", mime="text/csv", icon=":material/download:")

