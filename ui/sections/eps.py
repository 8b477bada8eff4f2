"""The section "Where ε goes": AdaMax as in the paper, PyTorch and Keras side by side (docs/REFERENCE.md §1)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from figures.eps import eps_figure
from optimizers.limits import EPS_MODE_ORDER, eps_modes, undefined_steps

from ..compute import adamax_runs, adamax_settings, divergence_bound, surface_of
from ..figure import show_figure
from ..layout import Layout
from ..modes import teacher
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
$u \ge \epsilon$; Keras adds it to the divisor, $\alpha\,\hat m_t/(u_t + \epsilon)$.
"""
# Under the chart, before the numbers it explains (above it, it would push the chart off a laptop's screen).
HOW_MUCH = (r"For the same $m$ and $u$, Keras's step is the paper's times $u/(u + \epsilon)$, and for the same "
            r"gradients PyTorch's $u$ is never more than ε above the paper's: ε matters once $u$ is no longer large "
            "against ε.")
VISIBLE = 1 / 500  # a gap below this fraction of the map's width is under a pixel or two of a drawn map
SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class EpsFacts:
    """What the section's words say, each read off the three runs on screen (optimizers.limits.eps_modes)."""

    eps: float
    steps: int
    smallest_u: float | None      # the least u > 0 of the paper's run, over both coordinates and every step
    zero_over_zero: tuple[int, int]  # per coordinate, the paper's steps with u = m = 0
    over_zero: tuple[int, int]    # per coordinate, the paper's steps with u = 0, m ≠ 0
    gaps: tuple[float, float]     # the largest distance of PyTorch's and of Keras's path to the paper's
    width: float                  # the map's width


def power_of_ten(value: float) -> str:
    """1e-08 → "10⁻⁸", 3e-05 → "3·10⁻⁵", 0.05 → "0.05": a number as a page writes it (three digits at most).

    >>> power_of_ten(1e-8), power_of_ten(3e-5), power_of_ten(0.05), power_of_ten(2.5e5)
    ('10⁻⁸', '3·10⁻⁵', '0.05', '2.5·10⁵')
    """
    text = f"{value:.3g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = "10" + str(int(exponent)).translate(SUPERSCRIPTS)
    return power if mantissa == "1" else f"{mantissa}·{power}"


def saddle_words(saddle_y: float) -> str:
    """What the button does (true whatever is on screen: it loads its own view, with no noise); `saddle_y`: where
    the saddle's preset starts on y, beside the axis the button puts the start on."""
    return (f"The button above the chart starts the saddle, with no gradient noise, exactly on its axis y = 0 (its "
            f"preset starts just off it, at y = {saddle_y:g}), where $g_y = -2y = 0$ at every step: every mode stays "
            "on the axis (and so on the saddle point's ridge), the paper's rule through 0/0.")


def eps_words(facts: EpsFacts, *, run: str | None, settable: bool) -> str:
    """The section's words on the runs on screen (under the chart), every number one of `facts`.

    `run`: whose ε it is ("run 1"), None when the race has no AdaMax run (the preset's settings are shown);
    `settable`: a student may change it (no teacher's lock on the runs, controls shown).
    """
    eps = power_of_ten(facts.eps)
    whose = f" ({run}'s)" if run else " (the surface preset's AdaMax: the race has none)"
    sentences = [HOW_MUCH, f"Here ε = {eps}{whose}."]
    if facts.smallest_u is not None:
        sentences.append(f"Along the paper's path u never falls below {power_of_ten(facts.smallest_u)} where it "
                         f"is not 0, {power_of_ten(facts.smallest_u / facts.eps)} times ε.")
    for counts, what in ((facts.zero_over_zero, "u = m = 0 (0/0: every rule moves 0 there)"),
                         (facts.over_zero, "u = 0 but m ≠ 0 (the paper's mode moves 0, PyTorch and Keras "
                                           "m̂/ε)")):
        parts = [f"on {axis} at {count} of {facts.steps} steps" for axis, count in zip("xy", counts, strict=True)
                 if count]
        if parts:
            sentences.append(f"The paper's run has {what} {' and '.join(parts)}.")
    pytorch, keras = facts.gaps
    if pytorch == keras == 0.0:
        sentences.append(f"Over the {facts.steps} steps PyTorch's and Keras's paths are the paper's, point for "
                         "point.")
    else:
        seen = ("too close to tell apart on this map" if max(pytorch, keras) < VISIBLE * facts.width
                else "apart on the map")
        sentences.append(f"Over the {facts.steps} steps PyTorch's path comes at most {power_of_ten(pytorch)} "
                         f"from the paper's and Keras's at most {power_of_ten(keras)}: {seen}.")
    if settable:
        other = "10⁻³" if facts.eps < 1e-3 else "10⁻⁸"
        where = f"{run}'s ε in the sidebar" if run else "the ε of an AdaMax run added to the race"
        sentences.append(f"Set {where} (try {other}) and compare.")
    return " ".join(sentences)


def eps_facts(modes: dict, eps: float, width: float) -> EpsFacts:
    """The numbers `eps_words` says, from eps_modes' three runs (states recorded)."""
    paper = modes["paper"]
    u = paper.states["u"]
    positive = u[u > 0]
    undefined = undefined_steps(paper)
    gaps = tuple(float(np.linalg.norm(modes[mode].points - paper.points, axis=-1).max())
                 for mode in ("pytorch", "keras"))
    return EpsFacts(float(eps), paper.steps, float(positive.min()) if positive.size else None,
                    tuple(int(n) for n in undefined["zero_over_zero"]),
                    tuple(int(n) for n in undefined["over_zero"]), gaps, float(width))


@st.cache_data(max_entries=16, show_spinner=False)
def _eps(state: AppState, settings: tuple) -> tuple[dict, list[dict], EpsFacts]:
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
    (x0, x1), _ = surface.domain
    return eps_figure(surface, modes), rows, eps_facts(modes, dict(settings)["eps"], x1 - x0)


def _load_saddle_axis() -> None:
    preset = preset_for("saddle")
    load_state(AppState("saddle", (), (-1.5, 0.0), preset.steps, "contour", preset.runs, "eps"))


def draw(state: AppState, results: list, layout: Layout) -> None:
    settings = adamax_settings(state)
    figure, rows, facts = _eps(state, tuple(sorted(settings.items())))
    index = adamax_runs(state)[0][0]
    run = f"run {index + 1}" if index is not None else None
    settable = not (layout.is_locked("runs") or teacher.hidden())
    # The button and the run's settings in one row, the chart fitted under them, the words below: on a laptop the
    # page's header, the button and the chart are one screen.
    button, caption = st.columns([1, 2], vertical_alignment="center")
    # It sets the surface, start, steps, view and runs: not on a page whose link locks any of them.
    button.button("Start on the saddle's axis (y = 0 exactly)", on_click=_load_saddle_axis, key="eps_preset",
                  icon=":material/swap_calls:", disabled=bool(layout.locked),
                  help="The teacher's link locks the settings this changes." if layout.locked else None)
    whose = f"{run}, the race's first AdaMax run" if run else "the surface preset's AdaMax: the race has none"
    caption.caption(f"AdaMax with α = {settings['lr']:g}, β₁ = {settings['beta1']:g}, β₂ = {settings['beta2']:g}, "
                    f"ε = {power_of_ten(settings['eps'])} ({whose}), from ({state.start[0]:g}, {state.start[1]:g}).")
    show_figure(layout.chart(figure, "panels", chart_top=CHART_TOP, page_chart_top=PAGE_CHART_TOP), key="eps_chart")
    st.markdown(EPS_TEXT.rstrip() + " " + saddle_words(preset_for("saddle").start[1]))
    st.markdown(eps_words(facts, run=run, settable=settable))
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                 column_config={name: st.column_config.NumberColumn(format="%.6g")
                                for name in ("final x", "final y", "final f", "largest gap to the paper's path")})

