"""Your own surface: the sidebar panel (formula, plot domain, optional minimum) and its opening view.

In an AppState a custom surface is `surface="custom"` with `surface_params` holding the formula text, the
domain and (optionally) the minimum, sorted like every surface's parameters:

    (("domain", ((x0, x1), (y0, y1))), ("formula", "x**2 + 3*y**2"), ("minimum", (x, y)))

so `make_surface("custom", **dict(params))` builds it and every cache keyed by (surface, surface_params) keys it
by formula text + domain + minimum. The formula is parsed only by surfaces/formula.py (never executed).
The panel is a form: a formula, domain and minimum are checked together when "Use this formula" is pressed;
a refused formula leaves the page on the last good surface and shows why beside the field.
"""

from __future__ import annotations

import math
from dataclasses import replace
from functools import lru_cache

import numpy as np
import streamlit as st

from optimizers import make_optimizer, run
from surfaces import make_surface

from .compute import divergence_bound
from .plain import escape_markdown
from .sidebar.noise import read_noise
from .state import AppState, RunSpec

CUSTOM = "custom"
DEFAULT_FORMULA = "x**4 - 2*x**2 + y**2 + 0.3*x"   # a tilted double well: two basins, one of them global
DEFAULT_DOMAIN = ((-2.0, 2.0), (-2.0, 2.0))
CustomParams = tuple[tuple[str, object], ...]


def custom_params(formula: str, domain=DEFAULT_DOMAIN, minimum=None) -> CustomParams:
    """The surface_params of a custom surface (sorted by name, hashable)."""
    (x0, x1), (y0, y1) = domain
    params: dict[str, object] = {"formula": formula, "domain": ((float(x0), float(x1)), (float(y0), float(y1)))}
    if minimum is not None:
        params["minimum"] = (float(minimum[0]), float(minimum[1]))
    return tuple(sorted(params.items()))


DEFAULT_PARAMS = custom_params(DEFAULT_FORMULA)


def plain(text: str) -> str:
    """User text (a formula, an error quoting it) made safe to show in Markdown: x*y*z is no italics, and no
    :icon:, link or directive either (ui/plain.py)."""
    return escape_markdown(text)


def build(params: CustomParams):
    """The surface of `params` (memoised in surfaces/formula.py); FormulaError/ValueError if refused."""
    return make_surface(CUSTOM, **dict(params))


def _round(value: float) -> float:
    """One significant figure: learning rates read as round numbers (0.05, not 0.0473)."""
    return float(f"{value:.1g}")


def custom_preset(params: CustomParams, section: str = "race") -> AppState:
    """The opening view of a custom surface: runs scaled to its domain and gradients, from a start where they
    stay on the map.

    AdaMax and Adam move ≈ lr per coordinate and step, so lr = width/50 crosses the domain in ~50 steps;
    SGD moves lr·|∇f|, so its lr is 2 % of the width over a typical (median) gradient norm on the domain.
    The start is the first of `candidate_starts` from which all three runs go downhill and stay inside the plot
    window for all PRESET_STEPS steps (`start_on_screen`); where none does, the one that keeps the most runs on
    it (and the page says which runs left the map).
    """
    runs = default_runs(params)
    return AppState(CUSTOM, params, start_on_screen(params, runs), PRESET_STEPS, "contour", runs, section)


PRESET_STEPS = 500


def default_runs(params: CustomParams) -> tuple[RunSpec, ...]:
    """AdaMax, Adam and SGD with momentum, their learning rates scaled to the surface (see custom_preset)."""
    surface = build(params)
    (x0, x1), (y0, y1) = surface.domain
    width = max(x1 - x0, y1 - y0)
    xs, ys = np.meshgrid(np.linspace(x0, x1, 41), np.linspace(y0, y1, 41))
    norms = np.linalg.norm(surface.grad(np.stack([xs, ys], axis=-1)), axis=-1)
    typical = float(np.median(norms[np.isfinite(norms)])) if np.isfinite(norms).any() else 1.0
    adaptive = _round(width / 50)
    sgd = _round(0.02 * width / max(typical, 1e-12))
    return (RunSpec("adamax", (("lr", adaptive),)), RunSpec("adam", (("lr", adaptive),)),
            RunSpec("sgd", tuple(sorted({"lr": min(max(sgd, 1e-8), 10.0), "momentum": 0.9}.items()))))


def candidate_starts(surface) -> np.ndarray:
    """Starts that tell a story, best first: the surface's own (15 % in from a corner, far from the minima),
    the other corners and the edges' midpoints (farthest from the minima first), then a 5 × 5 grid inside."""
    (x0, x1), (y0, y1) = surface.domain
    fraction = np.array([0.15, 0.5, 0.85])
    ring = np.array([[x0 + (x1 - x0) * a, y0 + (y1 - y0) * b] for a in fraction for b in (0.2, 0.5, 0.8)
                     if not (a == 0.5 and b == 0.5)])
    inner = np.stack(np.meshgrid(x0 + (x1 - x0) * np.linspace(0.1, 0.9, 5), y0 + (y1 - y0) * np.linspace(0.1, 0.9, 5)),
                     axis=-1).reshape(-1, 2)
    minima = np.asarray(surface.minima, dtype=np.float64).reshape(-1, 2)
    if len(minima):
        far = lambda points: points[np.argsort(-np.linalg.norm(points[:, None] - minima[None], axis=-1).min(axis=1),  # noqa: E731
                                               kind="stable")]
        ring, inner = far(ring), far(inner)
    return np.round(np.concatenate([np.asarray(surface.start, dtype=np.float64)[None], ring, inner]), 9)


@lru_cache(maxsize=64)
def start_on_screen(params: CustomParams, runs: tuple[RunSpec, ...]) -> tuple[float, float]:
    """The first candidate start from which every run of `runs` stays in the plot window (see custom_preset).

    All candidates run as one batch per optimizer: three vectorised runs of PRESET_STEPS steps (≈ 0.1 s)."""
    surface = build(params)
    candidates = candidate_starts(surface)
    (x0, x1), (y0, y1) = surface.domain
    low, high = np.array([x0, y0]), np.array([x1, y1])
    values = surface.f(np.stack(np.meshgrid(np.linspace(x0, x1, 41), np.linspace(y0, y1, 41)), axis=-1))
    descent = 0.02 * float(np.ptp(values))  # a run that goes nowhere (started on a saddle) tells no story
    on_screen = np.zeros(len(candidates), dtype=int)
    moving = np.ones(len(candidates), dtype=bool)
    for spec in runs:
        trajectory = run(make_optimizer(spec.optimizer, **spec.kwargs()), surface, candidates, PRESET_STEPS,
                         bound=divergence_bound(surface))
        points = trajectory.points
        stays = ((points >= low) & (points <= high)).all(axis=(0, -1)) & (np.asarray(trajectory.diverged_at) < 0)
        on_screen += stays
        moving &= trajectory.losses.min(axis=0) < trajectory.losses[0] - descent
    # the first with the most runs on screen, all of them where possible, among starts where every run descends
    best = int(np.argmax(np.where(moving, on_screen, -1))) if moving.any() else 0
    return float(candidates[best, 0]), float(candidates[best, 1])


# ---------------------------------------------------------------- the sidebar panel

def load_custom(params: CustomParams) -> None:
    """Put `params` into the panel's widgets and make them the applied surface (call before drawing)."""
    values = dict(params)
    (x0, x1), (y0, y1) = values["domain"]
    st.session_state["custom_params"] = params
    st.session_state["custom_formula"] = values["formula"]
    st.session_state["custom_x0"], st.session_state["custom_x1"] = float(x0), float(x1)
    st.session_state["custom_y0"], st.session_state["custom_y1"] = float(y0), float(y1)
    minimum = values.get("minimum")
    st.session_state["custom_minimum"] = "" if minimum is None else f"{minimum[0]:g}, {minimum[1]:g}"
    st.session_state["custom_error"] = None


def applied_params() -> CustomParams:
    """The custom surface on screen (the last one that was accepted)."""
    return st.session_state.get("custom_params") or DEFAULT_PARAMS


def _read_minimum(text: str) -> tuple[float, float] | None:
    """"x, y" as two finite numbers; "" for none; ValueError naming the field otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    parts = text.replace(";", ",").split(",")
    try:
        numbers = [float(part) for part in parts] if len(parts) == 2 and len(text) <= 60 else []
    except ValueError:
        numbers = []
    if len(numbers) != 2 or not all(map(math.isfinite, numbers)):
        raise ValueError(f"known minimum: expected two numbers x, y (or nothing), got {text[:40]!r}")
    return numbers[0], numbers[1]


def _apply(load_state) -> None:
    """The form was submitted: build the surface; on success open its preset view, else say why."""
    state = st.session_state
    try:
        domain = ((float(state["custom_x0"]), float(state["custom_x1"])),
                  (float(state["custom_y0"]), float(state["custom_y1"])))
        params = custom_params(state["custom_formula"], domain, _read_minimum(state["custom_minimum"]))
        preset = custom_preset(params, state.get("section") or "race")
    except ValueError as error:  # FormulaError is a ValueError
        state["custom_error"] = str(error)
        return
    load_state(replace(preset, noise=read_noise()))  # a new formula keeps the page's noise


def draw_custom_panel(sidebar, load_state) -> None:
    """The formula form in the sidebar; `load_state` (ui/sidebar/controls.py) opens an accepted surface's view."""
    from surfaces.formula import MAX_DOMAIN, MAX_FORMULA_CHARS  # SymPy is imported when a formula is first used

    with sidebar.form("custom_surface", border=True):
        st.text_input("f(x, y) =", key="custom_formula", max_chars=MAX_FORMULA_CHARS,
                      help="x and y; + - * / and ** or ^; sin cos tan asin acos atan sinh cosh tanh exp log ln sqrt "
                           "abs; pi and e. Example: (1-x)**2 + 100*(y-x**2)**2")
        error = st.session_state.get("custom_error")
        if error:
            st.error(plain(error), icon=":material/error:")
        st.caption("Plot domain (f must be finite on it)")
        limit = float(MAX_DOMAIN)
        for axis in "xy":  # one row per axis, so a phone's stacked columns still read "x from, x to, y from, …"
            low, high = st.columns(2)
            low.number_input(f"{axis} from", -limit, limit, key=f"custom_{axis}0", step=0.5, format="%.4g")
            high.number_input(f"{axis} to", -limit, limit, key=f"custom_{axis}1", step=0.5, format="%.4g")
        st.text_input("known minimum x, y (optional)", key="custom_minimum", max_chars=60,
                      help="Leave empty and the minima are searched numerically (and labelled as found).")
        st.form_submit_button("Use this formula", icon=":material/function:", width="stretch",
                              on_click=_apply, args=(load_state,))
