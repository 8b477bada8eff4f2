"""The section "From Adam to AdaMax": Adam-Lp for growing p closing in on AdaMax, and why |g|^p cannot be computed
literally (docs/REFERENCE.md §3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from figures.lp import lp_figure
from optimizers.limits import fitted_exponent, lp_family, naive_breakdown, naive_overflow

from ..compute import adamax_settings, divergence_bound, surface_of
from ..figure import show_figure
from ..layout import Layout
from ..state import AppState

NAIVE_ORDERS = (2, 8, 32, 64, 128, 256, 512)
BREAKDOWN_P = 256
LP_FIT_FROM = 4.0  # the power law sets in once p is a few; p = 1, 2 are left out of the fit
CHART_TOP = 110        # px above the chart with a lesson beside it (measured at 1366×768)
PAGE_CHART_TOP = 310   # px above the chart under the page's header (measured): the chart on screen at 1366×768
FRAME_KEY = None
BREAKDOWN_RUNS = 4.0  # the naive-vs-stable breakdown at p = 256: about 4 runs' work (measured)


def cost(state: AppState) -> float:
    """The Lp family (len(LP_ORDERS) orders, batched with AdaMax: ≈ 3 runs, measured) and the naive breakdown."""
    return (3.0 + BREAKDOWN_RUNS) * state.steps


DERIVATION = r"""
**The derivation (Kingma & Ba 2015, §7.1).** Replace Adam's L2 norm by an Lp norm, with decay $\beta_2^p$:
$v_t = \beta_2^p v_{t-1} + (1-\beta_2^p)|g_t|^p = (1-\beta_2^p)\sum_{i\le t}\beta_2^{p(t-i)}|g_i|^p$.
Its p-th root is $(1-\beta_2^p)^{1/p}$ times a p-norm of the decayed gradients $\beta_2^{t-i}|g_i|$; the factor
tends to 1 and, as $p\to\infty$, a p-norm becomes a max:
$u_t = \lim_{p\to\infty} v_t^{1/p} = \max(\beta_2^{t-1}|g_1|, \dots, |g_t|)$, i.e.
$u_t = \max(\beta_2 u_{t-1}, |g_t|)$ — AdaMax, with no bias correction needed for u. Above, Adam-Lp for
p = 1 … 64 runs from the race's start with the first AdaMax run's α, β₁, β₂: p = 2 is Adam (with decay β₂²).
Adam-Lp adds ε after the p-th root, as Keras adds it to u, so the black path is AdaMax with Keras's ε placement.
"""

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


def draw(state: AppState, results: list, layout: Layout) -> None:
    settings = adamax_settings(state)
    figure, rows, g_abs, overflow, breakdown = _lp(state, tuple(sorted(settings.items())))
    # The chart first, fitted to the window: on a laptop it and the page's header are one screen, the words under it.
    show_figure(layout.chart(figure, "panels", chart_top=CHART_TOP, page_chart_top=PAGE_CHART_TOP), key="lp_chart")
    st.markdown(_convergence_sentence(rows))
    st.markdown(DERIVATION)
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
        shown = ", ".join(f"{d:.3g}" for p, d in zip(orders, distances, strict=True) if p >= LP_FIT_FROM)
        return (f"Here the largest distances for p ≥ {LP_FIT_FROM:g} ({shown}) do not fall steadily as p grows, so "
                "no rate is fitted: the Lp runs do not close in on AdaMax's path at a steady rate from this start.")
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


