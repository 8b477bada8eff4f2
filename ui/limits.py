"""The sections "From Adam to AdaMax" (the Lp family's limit) and "Where ε goes" (AdaMax's three ε placements)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from figures.eps import eps_figure
from figures.lp import lp_figure
from optimizers import make_optimizer
from optimizers.limits import (
    EPS_MODE_ORDER,
    eps_modes,
    fitted_exponent,
    lp_family,
    naive_breakdown,
    naive_overflow,
    undefined_steps,
)

from . import phone, teacher
from .compute import adamax_runs, divergence_bound, surface_of
from .controls import load_state
from .figure import show_figure
from .presets import preset_for
from .state import AppState

NAIVE_ORDERS = (2, 8, 32, 64, 128, 256, 512)
BREAKDOWN_P = 256
LP_FIT_FROM = 4.0  # the power law sets in once p is a few; p = 1, 2 are left out of the fit

DERIVATION = r"""
**The derivation (Kingma & Ba 2015, §7.1).** Replace Adam's L2 norm by an Lp norm, with decay $\beta_2^p$:
$v_t = \beta_2^p v_{t-1} + (1-\beta_2^p)|g_t|^p = (1-\beta_2^p)\sum_{i\le t}\beta_2^{p(t-i)}|g_i|^p$.
Its p-th root is $(1-\beta_2^p)^{1/p}$ times a p-norm of the decayed gradients $\beta_2^{t-i}|g_i|$; the factor
tends to 1 and, as $p\to\infty$, a p-norm becomes a max:
$u_t = \lim_{p\to\infty} v_t^{1/p} = \max(\beta_2^{t-1}|g_1|, \dots, |g_t|)$, i.e.
$u_t = \max(\beta_2 u_{t-1}, |g_t|)$ — AdaMax, with no bias correction needed for u. Below, Adam-Lp for
p = 1 … 64 runs from the race's start with the first AdaMax run's α, β₁, β₂: p = 2 is Adam (with decay β₂²).
Adam-Lp adds ε after the p-th root, as Keras adds it to u, so the black path is AdaMax with Keras's ε placement.
"""

EPS_TEXT = r"""
**Where ε goes.** The paper's Algorithm 2 has no ε: where a coordinate's gradient has been exactly 0 since
the start, $m = u = 0$ and the step $m/u$ is $0/0$; where $u = 0$ but $m \ne 0$ ($\beta_2 = 0$ and a zero
gradient after non-zero ones, or u underflowing) it is $m/0 = \pm\infty$. This lab's *paper* mode moves 0 in
both cases. PyTorch (and Optax) put ε inside the max, $u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon)$, so
$u \ge \epsilon$; Keras adds it to the divisor, $\alpha\,\hat m_t/(u_t + \epsilon)$. With ε = 10⁻⁸ the three agree
until gradients get as small as ε; raise run 1's ε in the sidebar (try 10⁻³) and the steps near the
minimum shrink differently. The button below starts the saddle exactly on its axis y = 0 (its preset starts
just off it, at y = 0.001), where $g_y = -2y = 0$ at every step: every mode stays on the axis (and so on the
saddle point's ridge), the paper's rule through 0/0.
"""


def _adamax_settings(state: AppState) -> dict[str, float]:
    """α, β1, β2, ε of the race's first AdaMax run (the preset's when the race has none)."""
    _, spec = adamax_runs(state)[0]
    values = make_optimizer("adamax", **spec.kwargs()).hyperparameters()
    return {name: float(values[name]) for name in ("lr", "beta1", "beta2", "eps")}


@st.cache_data(max_entries=16, show_spinner=False)
def _lp(state: AppState, settings: tuple) -> tuple[dict, list[dict], float, list[dict], dict]:
    surface = surface_of(state)
    kwargs = dict(settings)
    family = lp_family(surface, state.start, state.steps, **kwargs, bound=divergence_bound(surface),
                       noise=state.noise)
    rows = [{"p": p, "largest distance to AdaMax's path": family.max_distance[p],
             "p × distance": p * family.max_distance[p]} for p in family.orders]
    g_abs = float(np.abs(surface.grad(np.asarray(state.start))).max())
    overflow = naive_overflow(g_abs, NAIVE_ORDERS, beta2=kwargs["beta2"])
    breakdown = naive_breakdown(surface, state.start, state.steps, p=BREAKDOWN_P, **kwargs,
                                bound=divergence_bound(surface), noise=state.noise)
    return lp_figure(surface, family), rows, g_abs, overflow, breakdown


def draw_lp(state: AppState) -> None:
    settings = _adamax_settings(state)
    st.markdown(DERIVATION)
    figure, rows, g_abs, overflow, breakdown = _lp(state, tuple(sorted(settings.items())))
    st.markdown(_convergence_sentence(rows))
    show_figure(phone.stacked(figure), key="lp_chart")
    left, right = st.columns(2)
    left.markdown("**How far each p stays from AdaMax** (the largest gap over the run)")
    left.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                   column_config={"largest distance to AdaMax's path": st.column_config.NumberColumn(format="%.3g"),
                                  "p × distance": st.column_config.NumberColumn(format="%.3g")})
    right.markdown(f"**Why not just compute $|g|^p$?** At the start, the largest |g| is {g_abs:.4g}:")
    right.dataframe(pd.DataFrame([_overflow_row(row) for row in overflow]), hide_index=True, width="stretch")
    right.markdown(_breakdown_sentence(breakdown))


def _convergence_sentence(rows: list[dict]) -> str:
    """How fast the paths close in, fitted from the distances the figure draws (never a rate typed in)."""
    orders = [row["p"] for row in rows]
    distances = [row["largest distance to AdaMax's path"] for row in rows]
    exponent = fitted_exponent(orders, distances, from_order=LP_FIT_FROM)
    if exponent is None:
        return "Here the paths are too few or too close to fit how fast they close in."
    products = [p * d for p, d in zip(orders, distances, strict=True) if p >= LP_FIT_FROM]
    return (f"Here the largest distance to AdaMax's path falls like $p^{{{exponent:.2f}}}$ (least squares on log–log "
            f"axes over p ≥ {LP_FIT_FROM:g}, the dotted line in the right panel): p × distance goes from "
            f"{products[0]:.2g} to {products[-1]:.2g}, so {'faster' if exponent < -1 else 'slower'} than 1/p.")


def _overflow_row(row: dict) -> dict:
    naive = row["naive"]
    shown = "inf (overflow)" if row["overflow"] else "0 (underflow)" if row["underflow"] else f"{naive:.4g}"
    return {"p": row["p"], "|g|^p in float64": shown, "stable form's term": f"{row['stable']:.4g}"}


def _breakdown_sentence(result: dict) -> str:
    p = result["p"]
    if result["breakdown_step"] is None:
        return (f"Here even p = {p} computed naively stays finite; larger gradients (Rosenbrock, "
                "Goldstein–Price) overflow.")
    effect = (r"v becomes inf, so the step $m/v^{1/p}$ is 0 and that coordinate stalls"
              if result["breakdown_kind"] == "overflow" else
              r"v underflows to 0, so the step $m/(0 + \epsilon)$ is huge")
    return (f"Run naively at p = {p}, $|g|^p$ breaks down at step {result['breakdown_step']} "
            f"({result['breakdown_kind']} on {result['breakdown_axis']}): {effect}. The naive run ends "
            f"{result['naive_to_adamax']:.3g} away from AdaMax's end point; the stable form, which tracks "
            "$w = v^{1/p}$ directly, ends " f"{result['stable_to_adamax']:.3g} away.")


@st.cache_data(max_entries=16, show_spinner=False)
def _eps(state: AppState, settings: tuple) -> tuple[dict, list[dict]]:
    surface = surface_of(state)
    modes = eps_modes(surface, state.start, state.steps, **dict(settings), bound=divergence_bound(surface),
                      noise=state.noise)
    paper = modes["paper"].points
    rows = []
    for mode in EPS_MODE_ORDER:
        trajectory = modes[mode]
        undefined = undefined_steps(trajectory)
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


def draw_eps(state: AppState) -> None:
    settings = _adamax_settings(state)
    st.markdown(EPS_TEXT)
    # It sets the surface, start, steps, view and runs: not on a page whose link locks any of them.
    st.button("Start on the saddle's axis (y = 0 exactly)", on_click=_load_saddle_axis, key="eps_preset",
              icon=":material/swap_calls:", disabled=bool(teacher.locked()),
              help="The teacher's link locks the settings this changes." if teacher.locked() else None)
    st.caption(f"AdaMax with α = {settings['lr']:g}, β₁ = {settings['beta1']:g}, β₂ = {settings['beta2']:g}, "
               f"ε = {settings['eps']:g} (the race's first AdaMax run), from ({state.start[0]:g}, "
               f"{state.start[1]:g}).")
    figure, rows = _eps(state, tuple(sorted(settings.items())))
    show_figure(phone.stacked(figure), key="eps_chart")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch",
                 column_config={name: st.column_config.NumberColumn(format="%.6g")
                                for name in ("final x", "final y", "final f", "largest gap to the paper's path")})

