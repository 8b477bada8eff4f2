"""The outcome table: one row per run, in the run's colour, with what happened and when.

The words come from the core's one classification (optimizers/outcomes.py), the same the notices and the
sweep's maps use; every number in them is read off the run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from figures.palette import text_color
from optimizers.metrics import distance_to_nearest
from optimizers.outcomes import OUTCOMES, RunMetrics, classify, describe, trajectory_metrics

from .compute import RunResult

TOLERANCES = (1e-2, 1e-4, 1e-6, 1e-8, 1e-10)
DEFAULT_TOLERANCE = 1e-4


def current_tolerance() -> float:
    """The tolerance on f − f* chosen under the table (the default before the table is first drawn)."""
    return float(st.session_state.get("tolerance", DEFAULT_TOLERANCE))


def run_outcomes(results: list[RunResult], surface, tolerance: float) -> list[tuple[str, str, RunMetrics]]:
    """Per run: (outcome key, outcome in words, metrics), classified by the core."""
    outcomes = []
    for result in results:
        metrics = trajectory_metrics(result.trajectory, surface, minimum_value=surface.minimum_value,
                                     tolerance=tolerance)
        code = int(classify(metrics))
        outcomes.append((OUTCOMES[code], describe(code, metrics, tolerance=tolerance), metrics))
    return outcomes


def summary_frame(results: list[RunResult], surface, tolerance: float) -> pd.DataFrame:
    """Outcome, final and best loss, the first step with f − f* ≤ tolerance, final distance to a global minimum."""
    rows = []
    for result, (_, outcome, metrics) in zip(results, run_outcomes(results, surface, tolerance), strict=True):
        trajectory = result.trajectory
        reached = int(metrics.reached_at)
        row = {
            "run": result.label,
            "outcome": outcome,
            "final f": float(trajectory.losses[-1]),
            "best f": float(np.min(trajectory.losses)),
        }
        if surface.minimum_value is not None:
            row[f"first step with f − f* ≤ {tolerance:g}"] = str(reached) if reached >= 0 else "—"
        if len(surface.minima):
            row["final distance to a global minimum"] = float(distance_to_nearest(trajectory.points[-1],
                                                                                 surface.minima))
        rows.append(row)
    return pd.DataFrame(rows)


def draw_summary(results: list[RunResult], surface) -> None:
    left, right = st.columns([4, 1])
    tolerance = right.select_slider("tolerance on f − f*", TOLERANCES, value=DEFAULT_TOLERANCE, key="tolerance",
                                    format_func=lambda v: f"{v:g}",
                                    disabled=surface.minimum_value is None,
                                    help="A run has reached the minimum when f − f* is at most this.")
    frame = summary_frame(results, surface, tolerance)
    colors = {result.label: text_color(result.color) for result in results}  # yellow, darkened, reads
    styled = frame.style.format({"final f": "{:.4g}", "best f": "{:.4g}",
                                 "final distance to a global minimum": "{:.3g}"}, na_rep="—")
    styled = styled.map(lambda label: f"color: {colors.get(label, '#000')}; font-weight: 600", subset=["run"])
    left.dataframe(styled, hide_index=True, width="stretch")
