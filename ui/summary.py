"""The outcome table: one row per run, in the run's colour, with what happened and when.

The words come from the core's one classification (optimizers/outcomes.py), the same the notices and the
sweep's maps use; every number in them is read off the run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from optimizers.metrics import distance_to_nearest
from optimizers.outcomes import OUTCOMES, RunMetrics, classify, describe, trajectory_metrics

from .compute import RunResult
from .modes import phone

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
    # The table across the section's width (its columns fit a lesson's column at 1366 px), the tolerance under it.
    table = st.container()
    tolerance = st.columns([1, 3])[0].select_slider(
        "tolerance on f − f*", TOLERANCES, value=DEFAULT_TOLERANCE, key="tolerance", format_func=lambda v: f"{v:g}",
        disabled=surface.minimum_value is None, help="A run has reached the minimum when f − f* is at most this.")
    frame = summary_frame(results, surface, tolerance)
    narrow = phone.narrow()  # a phone: the run and its outcome fill the screen's width, the numbers scroll in
    rows = PHONE_ROW_HEIGHT if narrow else ROW_HEIGHT
    frame.insert(0, "", [color_swatch(result.color, rows) for result in results])
    table.dataframe(frame, hide_index=True, width="stretch", row_height=rows,
                    height=HEADER_HEIGHT + rows * len(frame) + 2, column_config=columns(tolerance, narrow=narrow))


def color_swatch(color: str, row_height: int = 0) -> str:
    """A small square of `color` as an SVG data URL, for an ImageColumn: the run's colour on the chart."""
    # As tall as a row (the grid scales an image to the row's height less 4 px above and below): a 14 px square
    # whatever the rows hold.
    height = max((row_height or ROW_HEIGHT) - 8, 14)
    return (f"data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='14' height='{height}'>"
            f"<rect y='{(height - 14) // 2}' width='14' height='14' rx='3' "
            f"fill='{color.replace('#', '%23')}'/></svg>")


ROW_HEIGHT = 68  # px: three lines of an outcome; Streamlit wraps a cell's text only in rows taller than 64 px
PHONE_ROW_HEIGHT = 108  # px: five lines of an outcome in a phone's narrower column
HEADER_HEIGHT = 35  # px: every run on screen, eight included, with no scrolling inside the table


# Formats in the column config rather than a pandas Styler: a Styler costs ≈ 15 ms of server time on every
# rerun (display values computed and sent cell by cell), a third of a rerun whose results are all cached.
def columns(tolerance: float, *, narrow: bool = False) -> dict:
    """Short labels (the full meaning in each header's tooltip), widths that fit the table with no horizontal
    scrolling on a 1366 px laptop, beside the sidebar or in a lesson's column (≈ 850 px), the phone's screen aside
    (there the run and its outcome span its 390 px), and numbers in four significant digits."""
    return {
        "": st.column_config.ImageColumn(width=24),
        "run": st.column_config.TextColumn(width=120 if narrow else 160),
        "outcome": st.column_config.TextColumn(width=216 if narrow else 330),
        "final f": st.column_config.NumberColumn(format="%.4g", width=80),
        "best f": st.column_config.NumberColumn(format="%.4g", width=80),
        f"first step with f − f* ≤ {tolerance:g}": st.column_config.TextColumn(
            "reached at", width=72, help=f"The first step with f − f* ≤ {tolerance:g}"),
        "final distance to a global minimum": st.column_config.NumberColumn(
            "distance", format="%.3g", width=72, help="The final distance to the nearest global minimum"),
    }
