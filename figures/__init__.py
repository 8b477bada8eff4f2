"""Plotly figures for AdaMax Lab, built as plain JSON-ready dicts (no Streamlit here).

Figures are dicts, not `go.Figure`s: plotly.py validates every frame of a Figure (tens of milliseconds per
hundred frames, docs/REFERENCE.md §6), while a dict of rounded numbers builds in milliseconds. The tests
validate each figure once through `go.Figure`, where time does not matter.
"""

from .explorer import ExplorerRun, explorer_figure
from .palette import RUN_COLORS, optimizer_color, run_color, run_colors

__all__ = ["RUN_COLORS", "ExplorerRun", "explorer_figure", "optimizer_color", "run_color", "run_colors"]
