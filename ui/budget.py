"""How much computing one rerun may start on its own: a heavy view waits for a click, so one link cannot hold up
a class that shares the server.

The unit is a run-step: one optimizer step of one single-point run with its state recorded, ≈ 30–45 µs on
this project's machine (AdaMax 5,000 steps ≈ 160 ms, Adam-Lp ≈ 220 ms). A view costs its race runs, plus what
its section computes (measured: the Lp family, 7 orders batched with AdaMax, ≈ 3 runs; the naive-vs-stable
breakdown at p = 256 ≈ 4 runs; the three ε placements ≈ 3 runs). Up to WORK_BUDGET (≈ 1 s of one core) a view
is computed at once — every preset and any 8 runs × 2,000 steps; above it the page says what the view would
cost and computes it on a click. A view computed once in this process (by anyone) is cached and opens at once.
"""

from __future__ import annotations

from collections import OrderedDict

import streamlit as st

from .cache import cache_key
from .model_spec import model_work
from .state import AppState

WORK_BUDGET = 24_000            # run-steps one rerun may compute without asking
RUN_STEP_SECONDS = 40e-6        # for the message: about how long a run-step takes
WEIGHTS = {"adamlp": 1.4}       # per optimizer, relative to AdaMax (others ≈ 1)
SECTION_RUNS = {"race": 0.0, "inside": 0.0, "lp": 7.0, "eps": 3.0}  # extra runs of `steps` the section computes
_COMPUTED_MAX = 256

_computed: OrderedDict[str, None] = OrderedDict()  # heavy views this process has computed (their results are cached)


def work(state: AppState) -> float:
    """The run-steps `state` asks for when nothing of it is cached."""
    race = sum(WEIGHTS.get(spec.optimizer, 1.0) for spec in state.runs) * state.steps
    if state.section == "model":
        return race + model_work(state.model)
    return race + SECTION_RUNS.get(state.section, 0.0) * state.steps


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
