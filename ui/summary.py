"""The outcome table: one row per run, in the run's colour, with what happened and when."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from optimizers.metrics import distance_to_nearest, steps_to_tolerance

from .compute import RunResult

TOLERANCES = (1e-2, 1e-4, 1e-6, 1e-8, 1e-10)


def summary_frame(results: list[RunResult], surface, tolerance: float) -> pd.DataFrame:
    """Final and best loss, steps until f − f* ≤ tolerance, final distance to a minimum, and the outcome."""
    target = surface.minimum_value
    rows = []
    for result in results:
        trajectory = result.trajectory
        diverged_at = int(trajectory.diverged_at)
        reached = int(steps_to_tolerance(trajectory.losses, target, tolerance)) if target is not None else -1
        distance = float(distance_to_nearest(trajectory.points[-1], surface.minima))
        if diverged_at >= 0:
            x, y = trajectory.points[-1]
            outcome = f"✖ diverged at step {diverged_at}, leaving ({x:.3g}, {y:.3g})"
        elif reached >= 0:
            outcome = f"✔ within {tolerance:g} of f* at step {reached}"
        else:
            outcome = "… still on its way" if target is not None else "— (f has no minimum)"
        rows.append({
            "run": result.label,
            "outcome": outcome,
            "final f": float(trajectory.losses[-1]),
            "best f": float(np.min(trajectory.losses)),
            f"steps to f − f* ≤ {tolerance:g}": str(reached) if reached >= 0 else "—",
            "final distance to a minimum": distance if np.isfinite(distance) else None,
        })
    return pd.DataFrame(rows)


def draw_summary(results: list[RunResult], surface) -> None:
    left, right = st.columns([4, 1])
    tolerance = right.select_slider("tolerance on f − f*", TOLERANCES, value=1e-4, key="tolerance",
                                    format_func=lambda v: f"{v:g}")
    frame = summary_frame(results, surface, tolerance)
    colors = {result.label: result.color for result in results}
    styled = frame.style.format({"final f": "{:.4g}", "best f": "{:.4g}",
                                 "final distance to a minimum": "{:.3g}"}, na_rep="—")
    styled = styled.map(lambda label: f"color: {colors.get(label, '#000')}; font-weight: 600", subset=["run"])
    left.dataframe(styled, hide_index=True, width="stretch")
