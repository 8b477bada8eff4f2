"""The page's gradient noise in the sidebar: off, Gaussian (relative to ‖∇f‖ or absolute) or spikes, and a seed.

The noise itself lives in the core (optimizers/noise.py, `run(..., noise=...)`), so a notebook gets the same
numbers as the page; here are only the widgets that hold its settings and turn them into a GradientNoise.
"""

from __future__ import annotations

import streamlit as st

from optimizers.noise import SEED_RANGE, GradientNoise

KINDS = {"off": "Off", "gaussian": "Gaussian", "spikes": "Spikes"}
SCALES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
EVERY = (2, 3, 5, 10, 20, 50, 100, 200, 500, 1000)
FACTORS = (2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 1000.0, 10_000.0)
DEFAULT = GradientNoise()


def load_noise(noise: GradientNoise | None) -> None:
    """Put `noise` (None: off) into the widgets (call before they are drawn, or from a callback)."""
    shown = noise or DEFAULT
    st.session_state["noise_kind"] = "off" if noise is None else noise.kind
    st.session_state["noise_scale"] = shown.scale
    st.session_state["noise_relative"] = shown.relative
    st.session_state["noise_every"] = shown.every
    st.session_state["noise_factor"] = shown.factor
    st.session_state["noise_seed"] = shown.seed


def read_noise() -> GradientNoise | None:
    """The noise the widgets describe, or None when it is off (or the widgets were never loaded)."""
    state = st.session_state
    kind = state.get("noise_kind") or "off"
    if kind == "off":
        return None
    try:
        return GradientNoise(kind=kind, scale=float(state.get("noise_scale", DEFAULT.scale)),
                             relative=bool(state.get("noise_relative", DEFAULT.relative)),
                             every=int(state.get("noise_every", DEFAULT.every)),
                             factor=float(state.get("noise_factor", DEFAULT.factor)),
                             seed=int(state.get("noise_seed", DEFAULT.seed)))
    except ValueError:  # the widgets only offer valid values; stay safe all the same
        return None


def draw_noise(sidebar) -> None:
    """The noise controls, under their own heading in the sidebar."""
    sidebar.subheader("Gradient noise")
    sidebar.segmented_control("noise", list(KINDS), key="noise_kind", format_func=KINDS.get,
                              selection_mode="single", label_visibility="collapsed",
                              help="Real training sees a noisy gradient. Every run sees the same noise "
                                   "sequence (same seed), so the race stays fair; the map and curves show "
                                   "the true f along the noisy path.")
    kind = st.session_state.get("noise_kind") or "off"
    if kind == "gaussian":
        sidebar.select_slider("σ", sorted({*SCALES, float(st.session_state["noise_scale"])}), key="noise_scale",
                              format_func=lambda v: f"{v:g}", help="g̃ = ∇f + σ·z (relative: σ·‖∇f‖·z), z ~ N(0, I)")
        sidebar.toggle("relative to ‖∇f‖", key="noise_relative")
    elif kind == "spikes":
        left, right = sidebar.columns(2)
        left.select_slider("one step in N", sorted({*EVERY, int(st.session_state["noise_every"])}),
                           key="noise_every", help="On average one gradient in N is a spike")
        right.select_slider("× K", sorted({*FACTORS, float(st.session_state["noise_factor"])}),
                            key="noise_factor", format_func=lambda v: f"{v:g}",
                            help="A spike multiplies the gradient by K: AdaMax's u jumps to K·|g| and "
                                 "holds the steps small for about ln K / (1 − β₂) steps")
    if kind != "off":
        sidebar.number_input("seed", SEED_RANGE[0], SEED_RANGE[1], key="noise_seed", step=1)
