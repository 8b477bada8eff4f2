"""How much computing one rerun may start on its own: a heavy view waits for a click, so one link cannot hold up
a class that shares the server.

The unit is a run-step: one optimizer step of one single-point run with its state recorded, ≈ 30–45 µs on
this project's machine (AdaMax 5,000 steps ≈ 160 ms, Adam-Lp ≈ 220 ms). A view costs its race runs, plus what
its section computes (measured: the Lp family, 7 orders batched with AdaMax, ≈ 3 runs; the naive-vs-stable
breakdown at p = 256 ≈ 4 runs; the three ε placements ≈ 3 runs). Up to WORK_BUDGET (≈ 1 s of one core) a view
is computed at once — every preset and any 8 runs × 2,000 steps; above it the page says what the view would
cost and computes it on a click. A view computed once in this process (by anyone) is cached and opens at once.

Sweeps are batched runs whose step has a fixed cost (≈ SWEEP_STEP run-steps: the ~35 ufunc calls of a step) and
a cost per cell (≈ 15–20 ns, SWEEP_CELL run-steps; relative Gaussian noise ≈ 2.5× that, for a norm per cell):

    sweep work = steps × (SWEEP_STEP + cells × SWEEP_CELL × noise factor)

The Sweeps section runs one or two maps (resolution² cells), a learning-rate curve per run of the race
(len(SENSITIVITY_LRS) cells) and up to three basin maps (BASIN_SIDE² starts), so a 128² link at 5,000 steps
(≈ 40 s of sweeps with noise) waits for the click like any other heavy view.
"""

from __future__ import annotations

from collections import OrderedDict

import streamlit as st

from .cache import cache_key
from .sections import section_module
from .state import AppState

WORK_BUDGET = 24_000            # run-steps one rerun may compute without asking
RUN_STEP_SECONDS = 40e-6        # for the message: about how long a run-step takes
WEIGHTS = {"adamlp": 1.4}       # per optimizer, relative to AdaMax (others ≈ 1)
SWEEP_STEP = 1.5               # run-steps: a sweep step's fixed cost, whatever its cells (measured 35–80 µs)
SWEEP_CELL = 1 / 2000          # run-steps per cell-step (≈ 20 ns)
NOISE_CELL_FACTOR = 2.5        # a noisy sweep's cost per cell, relative to a noiseless one (measured 2.4–2.5×)
_COMPUTED_MAX = 256

_computed: OrderedDict[str, None] = OrderedDict()  # heavy views this process has computed (their results are cached)


def sweep_work(cells: int, steps: int, *, noisy: bool = False) -> float:
    """The run-steps of one sweep of `cells` configurations for `steps` steps: a sweep step has a fixed cost (its
    ~35 ufunc calls) and a cost per cell."""
    return steps * (SWEEP_STEP + cells * SWEEP_CELL * (NOISE_CELL_FACTOR if noisy else 1.0))


def work(state: AppState) -> float:
    """The run-steps `state` asks for when nothing of it is cached: the race's runs, which every section computes,
    and what the section declares beside its drawing (its `cost`, ui/sections)."""
    race = sum(WEIGHTS.get(spec.optimizer, 1.0) for spec in state.runs) * state.steps
    return race + section_module(state.section).cost(state)


def _key(state: AppState) -> str:
    return cache_key(state)


def work_allowed(state: AppState) -> bool:
    """True when `state` may be computed in this rerun: within the budget, asked for, or computed here before."""
    key = _key(state)
    if work(state) <= WORK_BUDGET or key in _computed or key in st.session_state.get("approved_views", ()):
        if work(state) > WORK_BUDGET:
            _computed[key] = None
            _computed.move_to_end(key)
            while len(_computed) > _COMPUTED_MAX:
                _computed.popitem(last=False)
        return True
    return False


def ask_to_compute(state: AppState) -> None:
    """The message and the button of a view over the budget."""
    seconds = work(state) * RUN_STEP_SECONDS
    st.info(f"This view asks for about {work(state):,.0f} optimizer steps — roughly {seconds:.0f} s of the "
            "server's time, which everyone on this server shares — so it is computed on request. Fewer steps or "
            "runs in the sidebar open at once.", icon=":material/hourglass_top:")
    st.button("Compute this view", key="approve_view", on_click=_approve, args=(_key(state),), type="primary",
              icon=":material/play_arrow:")


def _approve(key: str) -> None:
    st.session_state["approved_views"] = {*st.session_state.get("approved_views", ()), key}
