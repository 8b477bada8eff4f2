"""Show a figure dict from `figures` with st.plotly_chart: without plotly.py re-validating it, and drawn once.

st.plotly_chart turns a dict into `go.Figure(**dict)`, which validates every animation frame (tens of
milliseconds per hundred frames, docs/REFERENCE.md §6), but takes a Figure's `to_dict()` as it is. `Prebuilt` is a
Figure whose to_dict() is the dict that figures/ built — and that the tests validate through go.Figure.

Drawn once: Streamlit's chart (1.67) mounts each new figure with Plotly.react and then, when it re-applies its
theming, calls Plotly.react again with a deep copy of the figure. plotly.js reads the copy's arrays as new data
and draws everything a second time — measured in Chromium: two full draws of 60–170 ms per slider move. The
second draw costs ≈ 15 ms instead when (1) the layout has a `datarevision` (so plotly.js compares arrays by
value, not by identity) and (2) the arrays are plain JSON lists: base64 typed arrays ({"dtype", "bdata"}, which
figures/ uses to keep figures small) are decoded into new typed arrays on each call and always read as changed.
A constant `datarevision` cannot hide a real change: a figure with other contents is another element for
Streamlit (its element id hashes the figure), mounted afresh.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from .cache import SharedMemo

CONFIG = {"displaylogo": False, "scrollZoom": False,
          "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}
# What Streamlit's chart puts into a selectable chart's layout when the figure leaves them unset (clickable by
# points). Set here, they leave Streamlit's chart nothing to change after drawing: a change would redraw it.
SELECTABLE_LAYOUT = {"clickmode": "event+select", "hovermode": "closest", "dragmode": "pan"}
DTYPES = {"f4": np.float32, "f8": np.float64, "i4": np.int32, "i2": np.int16}
MEMO_SIZE = 16  # figures shown lately (most come from the caches in ui/compute.py), kept converted


class Prebuilt(go.Figure):
    """A go.Figure standing for an already-built figure dict: st.plotly_chart reads only its to_dict().

    go.Figure.__init__ is not called: it deep-copies plotly's default template into a layout to_dict() never
    reads — 7 ms a figure, and the Sweeps section draws five figures on every rerun.
    """

    def __init__(self, spec: dict) -> None:  # deliberately not calling super().__init__ (above)
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


def plain_arrays(node: Any) -> Any:
    """`node` with every typed array ({"dtype", "bdata", "shape"}) replaced by plain (nested) lists.

    float32 values are written as their shortest float32 decimal ("0.1", not 0.10000000149011612), so the
    JSON grows by only a few per cent; float64 and integers are written exactly.
    """
    if isinstance(node, dict):
        if "bdata" in node and "dtype" in node:
            array = np.frombuffer(base64.b64decode(node["bdata"]), dtype=DTYPES[node["dtype"]])
            if "shape" in node:
                array = array.reshape([int(n) for n in str(node["shape"]).split(",")])
            if array.dtype == np.float32:
                array = array.astype(str).astype(np.float64)
            return array.tolist()
        return {key: plain_arrays(value) for key, value in node.items()}
    if isinstance(node, list):
        return [plain_arrays(value) for value in node]
    return node


_shown = SharedMemo(MEMO_SIZE)  # (id(spec), selectable, description) → (spec, its Prebuilt)


def drawn_once(spec: dict, selectable: bool) -> dict:
    """The figure as the page sends it: plain arrays, a datarevision, and the selectable chart's modes."""
    return _prebuilt(spec, selectable).to_dict()


def describe(spec: dict) -> str:
    """A chart in words, for a screen reader: its title, what its lines and marks are, its axes."""
    layout = spec.get("layout", {})
    title = layout.get("title")
    title = title.get("text") if isinstance(title, dict) else title
    names = []
    for trace in spec.get("data", []):
        name = str(trace.get("name") or "")
        if name and trace.get("showlegend", True) is not False and name not in names and trace.get("visible", True):
            names.append(name)
    axes = []
    for key in sorted(layout):
        if key.startswith(("xaxis", "yaxis")) and isinstance(layout[key], dict):
            text = layout[key].get("title")
            text = text.get("text") if isinstance(text, dict) else text
            if text and text not in axes:
                axes.append(str(text))
    words = [f"Chart: {title}." if title else "Chart."]
    if names:
        words.append("Shows " + "; ".join(names[:12]) + ".")
    if axes:
        words.append("Axes: " + ", ".join(axes) + ".")
    return " ".join(words)


def _prebuilt(spec: dict, selectable: bool, description: str | None = None) -> Prebuilt:
    """drawn_once's figure as a Prebuilt, memoised on the figure object (held, so its id stays its own): a rerun
    that shows a cached figure again neither converts it again nor builds another go.Figure (≈ 2 ms).

    The chart's text alternative travels in its layout's `meta` (the player gives the chart element that label:
    ui/player.py), so it costs the page no element of its own."""
    key = (id(spec), selectable, description)
    held = _shown.get(key)
    if held is not None and held[0] is spec:
        return held[1]
    meta = {**(spec["layout"].get("meta") or {}), "description": description or describe(spec)}
    layout = {"datarevision": 0, **(SELECTABLE_LAYOUT if selectable else {}), **spec["layout"], "meta": meta}
    shown = {"data": plain_arrays(spec["data"]), "layout": plain_arrays(layout)}
    if spec.get("frames"):
        shown["frames"] = plain_arrays(spec["frames"])
    figure = Prebuilt(shown)
    _shown.put(key, (spec, figure))
    return figure


def show_figure(spec: dict, *, key: str, on_select: Callable[[], None] | None = None,
                clickable: bool = False, description: str | None = None) -> None:
    """st.plotly_chart of a figure dict; `description` is its text alternative (by default: describe(spec))."""
    selectable = clickable and on_select is not None
    figure = _prebuilt(spec, selectable, description)
    if selectable:
        st.plotly_chart(figure, key=key, on_select=on_select, selection_mode="points", config=CONFIG, theme=None)
    else:
        st.plotly_chart(figure, key=key, config=CONFIG, theme=None)


def show_as_built(spec: dict, *, key: str, on_select: Callable[[], None] | None = None) -> None:
    """st.plotly_chart of the figure as figures/ built it (base64 typed arrays kept, so drawn twice): for figures
    that are new on almost every rerun and large, where converting costs more than the second draw it saves —
    the Sweeps maps (≈ 35 ms a map, and 292 kB as plain arrays against their 300 kB budget)."""
    meta = {**(spec["layout"].get("meta") or {}), "description": describe(spec)}
    figure = Prebuilt({**spec, "layout": {**spec["layout"], "meta": meta}})
    if on_select is not None:
        st.plotly_chart(figure, key=key, on_select=on_select, selection_mode="points", config=CONFIG, theme=None)
    else:
        st.plotly_chart(figure, key=key, config=CONFIG, theme=None)
