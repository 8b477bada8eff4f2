"""Show a figure dict from `figures` with st.plotly_chart, without plotly.py re-validating it.

st.plotly_chart turns a dict into `go.Figure(**dict)`, which validates every animation frame (tens of
milliseconds per hundred frames, REFERENCE.md), but takes a Figure's `to_dict()` as it is. `Prebuilt` is a
Figure whose to_dict() is the dict that figures/ built — and that the tests validate through go.Figure.
"""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

CONFIG = {"displaylogo": False, "scrollZoom": False,
          "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}


class Prebuilt(go.Figure):
    """A go.Figure standing for an already-built figure dict: st.plotly_chart reads only its to_dict().

    go.Figure.__init__ is not called: it deep-copies plotly's default template into a layout to_dict() never
    reads — 7 ms a figure, and the Sweeps section draws five figures on every rerun.
    """

    def __init__(self, spec: dict) -> None:  # deliberately not calling super().__init__ (above)
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


def show_figure(spec: dict, *, key: str, on_select: Callable[[], None] | None = None,
                clickable: bool = False) -> None:
    if clickable and on_select is not None:
        st.plotly_chart(Prebuilt(spec), key=key, on_select=on_select, selection_mode="points",
                        config=CONFIG, theme=None)
    else:
        st.plotly_chart(Prebuilt(spec), key=key, config=CONFIG, theme=None)
