"""One widget per Hyperparameter spec, laid out on the parameter's own scale.

Streamlit has no log slider, so "log" parameters (learning rates, ε) get a select_slider over a grid of
round values spanning their decades, and "one_minus_log" ones (β) a grid dense near 1 (0.99, 0.995, 0.999,
0.9995, 0.9999), where their effect changes fastest. A value from a link that is not on the grid is added
to it, so a shared view is restored exactly.
"""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from optimizers import Hyperparameter

MANTISSAS = (1.0, 1.5, 2.0, 3.0, 5.0, 7.0)
BETA_GRID = (0.0, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999)
LOG_FLOOR = 1e-12  # the smallest value a log widget offers (a log scale has no 0)


def log_grid(low: float, high: float) -> list[float]:
    """Round values (1, 1.5, 2, 3, 5, 7 × 10^k) from low to high inclusive.

    >>> log_grid(0.01, 0.1)
    [0.01, 0.015, 0.02, 0.03, 0.05, 0.07, 0.1]
    """
    low = max(low, LOG_FLOOR)
    values = {low, high}
    for exponent in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1):
        for mantissa in MANTISSAS:
            value = float(f"{mantissa * 10.0**exponent:.6g}")
            if low <= value <= high:
                values.add(value)
    return sorted(values)


def options_for(spec: Hyperparameter, current: float) -> list[float]:
    """The select_slider options for a log or one-minus-log spec, with `current` on them."""
    grid = log_grid(spec.low, spec.high) if spec.scale == "log" else [v for v in BETA_GRID if v <= spec.high]
    return sorted({*grid, float(current)})


def format_value(value: float) -> str:
    return f"{value:.6g}"


def hyperparameter_widget(spec: Hyperparameter, key: str, *, disabled: bool = False) -> float | bool | str:
    """Draw the widget for `spec` bound to st.session_state[key] (which holds the current value)."""
    current = st.session_state[key]
    help_text = f"{spec.description}. Valid: {spec.valid}."
    if spec.scale == "bool":
        return st.toggle(spec.name, key=key, help=help_text, disabled=disabled)
    if spec.scale == "choice":
        return st.segmented_control(spec.name, spec.choices, key=key, help=help_text, disabled=disabled,
                                    selection_mode="single") or current
    if spec.scale in ("log", "one_minus_log"):
        return st.select_slider(spec.name, options=options_for(spec, current), key=key, help=help_text,
                                format_func=format_value, disabled=disabled)
    step = float(np.round((spec.high - spec.low) / 100, 6)) or 0.01
    return st.slider(spec.name, float(spec.low), float(spec.high), step=step, key=key, help=help_text,
                     format="%.3g", disabled=disabled)
