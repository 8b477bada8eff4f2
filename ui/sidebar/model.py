"""The widgets of the section "On a real model": a ModelSpec written into their keys and read back.

Like the Sweeps settings (ui/sidebar/controls.py), each key is re-assigned on every read, so the settings survive the
reruns in which the section — and so its widgets — is not drawn: the link keeps them.
"""

from __future__ import annotations

import streamlit as st

from ..model_spec import DEFAULT_LRS, MODEL_OPTIMIZERS, ModelSpec, with_rates

FIELDS = ("network", "epochs", "batch", "seed", "plane")


def lr_key(optimizer: str) -> str:
    return f"model_lr_{optimizer}"


def load_model(spec: ModelSpec) -> None:
    """Put `spec` into the widgets' keys (before they are drawn, or from a callback)."""
    for name in FIELDS:
        st.session_state[f"model_{name}"] = getattr(spec, name)
    for optimizer, lr in spec.learning_rates().items():
        st.session_state[lr_key(optimizer)] = lr


def read_model() -> ModelSpec:
    """The section's settings from the widgets' keys (the defaults for keys not set yet)."""
    default = ModelSpec()
    values = {}
    for name in FIELDS:
        key = f"model_{name}"
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
        values[name] = st.session_state.get(key, getattr(default, name))
    spec = ModelSpec(**values)
    rates = {}
    for optimizer in MODEL_OPTIMIZERS:
        key = lr_key(optimizer)
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
        rates[optimizer] = float(st.session_state.get(key, DEFAULT_LRS[spec.network][optimizer]))
    return with_rates(spec, rates)
