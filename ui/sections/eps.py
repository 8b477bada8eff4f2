"""The section "Where ε goes": AdaMax as in the paper, PyTorch and Keras side by side (docs/REFERENCE.md §1)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from figures.eps import eps_figure
from optimizers.limits import EPS_MODE_ORDER, eps_modes, undefined_steps

from ..compute import adamax_settings, divergence_bound, surface_of
from ..figure import show_figure
from ..layout import Layout
from ..presets import preset_for
from ..sidebar.controls import load_state
from ..state import AppState

CHART_TOP = 160        # px above the chart with a lesson beside it (measured at 1366×768)
PAGE_CHART_TOP = 360   # px above the chart under the page's header (measured): the chart on screen at 1366×768
FRAME_KEY = None


def cost(state: AppState) -> float:
    """The three ε placements, one run each."""
    return len(EPS_MODE_ORDER) * state.steps


EPS_TEXT = r"""
**Where ε goes.** The paper's Algorithm 2 has no ε: where a coordinate's gradient has been exactly 0 since
the start, $m = u = 0$ and the step $m/u$ is $0/0$; where $u = 0$ but $m \ne 0$ ($\beta_2 = 0$ and a zero
gradient after non-zero ones, or u underflowing) it is $m/0 = \pm\infty$. This lab's *paper* mode moves 0 in
both cases. PyTorch (and Optax) put ε inside the max, $u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon)$, so
$u \ge \epsilon$; Keras adds it to the divisor, $\alpha\,\hat m_t/(u_t + \epsilon)$. With ε = 10⁻⁸ the three agree
until gradients get as small as ε; raise run 1's ε in the sidebar (try 10⁻³) and the steps near the
minimum shrink differently. The button above the chart starts the saddle exactly on its axis y = 0 (its preset starts
just off it, at y = 0.001), where $g_y = -2y = 0$ at every step: every mode stays on the axis (and so on the
saddle point's ridge), the paper's rule through 0/0.
"""


@st.cache_data(max_entries=16, show_spinner=False)
def _eps(state: AppState, settings: tuple) -> tuple[dict, list[dict]]:
    surface = surface_of(state)
    modes = eps_modes(surface, state.start, state.steps, **dict(settings), bound=divergence_bound(surface),
                      noise=state.noise)
    paper = modes["paper"].points
    rows = []
    for mode in EPS_MODE_ORDER:
        trajectory = modes[mode]
        undefined = undefined_steps(trajectory, eps_mode=mode, eps=dict(settings)["eps"])
        zero, infinite = undefined["zero_over_zero"], undefined["over_zero"]
        rows.append({"ε placement": mode, "final x": trajectory.points[-1, 0], "final y": trajectory.points[-1, 1],
                     "final f": trajectory.losses[-1],
                     "steps with 0/0 (x, y)": f"{int(zero[0])}, {int(zero[1])}",
                     "steps with m/0 (x, y)": f"{int(infinite[0])}, {int(infinite[1])}",
                     "largest gap to the paper's path": float(np.linalg.norm(trajectory.points - paper,
                                                                             axis=-1).max())})
    return eps_figure(surface, modes), rows


def _load_saddle_axis() -> None:
    preset = preset_for("saddle")
    load_state(AppState("saddle", (), (-1.5, 0.0), preset.steps, "contour", preset.runs, "eps"))


def draw(state: AppState, results: list, layout: Layout) -> None:
    settings = adamax_settings(state)
    # The button and the run's settings in one row, the chart fitted under them, the words below: on a laptop the
    # page's header, the button and the chart are one screen.
    button, caption = st.columns([1, 2], vertical_alignment="center")
    # It sets the surface, start, steps, view and runs: not on a page whose link locks any of them.
    button.button("Start on the saddle's axis (y = 0 exactly)", on_click=_load_saddle_axis, key="eps_preset",
                  icon=":material/swap_calls:", disabled=bool(layout.locked),
                  help="The teacher's link locks the settings this changes." if layout.locked else None)
    caption.caption(f"AdaMax with α = {settings['lr']:g}, β₁ = {settings['beta1']:g}, β₂ = {settings['beta2']:g}, "
                    f"ε = {settings['eps']:g} (the race's first AdaMax run), from ({state.start[0]:g}, "
                    f"{state.start[1]:g}).")
    figure, rows = _eps(state, tuple(sorted(settings.items())))
    show_figure(layout.chart(figure, "panels", chart_top=CHART_TOP, page_chart_top=PAGE_CHART_TOP), key="eps_chart")
    st.markdown(EPS_TEXT)
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                 column_config={name: st.column_config.NumberColumn(format="%.6g")
                                for name in ("final x", "final y", "final f", "largest gap to the paper's path")})

