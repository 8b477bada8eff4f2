"""The race: the runs animated on the map, their legend above, the outcome table below."""

from __future__ import annotations

import html

import streamlit as st

from figures.classroom import for_presentation, hide_paths, scrub_every_frame
from figures.explorer import CLICK_GRID_TRACE
from figures.narrow import for_narrow

from .. import phone, presentation, teacher
from ..classroom import fit_height, paths_hidden
from ..compute import RunResult, explorer_figure_for, surface_of
from ..figure import show_figure
from ..handout import draw_handout
from ..state import AppState
from ..summary import current_tolerance, draw_summary, run_outcomes

CHART_KEY = "explorer_chart"


def draw(state: AppState, results: list[RunResult]) -> None:
    surface = surface_of(state)
    _legend(results, surface, state)
    hidden = paths_hidden()  # a lesson's question is waiting: no path, curve or outcome gives it away
    stride = presentation.frame_stride()
    figure = explorer_figure_for(state, stride)
    if stride:  # single steps: the scrubber stops at every frame too
        figure = scrub_every_frame(figure)
    if presentation.on():
        figure = for_presentation(figure, presentation.chart_height())
    elif phone.narrow():  # a phone: the map full width on top, the curves stacked below it
        figure = for_narrow(figure, phone.chart_width())
    else:  # as tall as keeps ▶ Play and the scrubber on screen (a lesson's words beside it, or the header above)
        figure = fit_height(figure, "race")
    show_figure(hide_paths(figure) if hidden else figure, key=CHART_KEY, on_select=_on_chart_click,
                clickable=state.view == "contour", description=describe_race(results, surface, state, hidden))
    if not hidden:
        draw_summary(results, surface)
        draw_handout(state, results)


def describe_race(results: list[RunResult], surface, state: AppState, hidden: bool) -> str:
    """The race chart in words (its text alternative): the map, the runs and what happened to each."""
    x, y = state.start
    head = (f"Animated race on the {surface.name} surface ({state.view} view), {len(results)} runs from "
            f"({x:g}, {y:g}) over {state.steps} steps; beside the map, f − f* and the distance to the nearest "
            "minimum against the step.")
    if hidden:
        return head + " Runs: " + "; ".join(result.label for result in results) + (
            ". Their paths are drawn as ▶ Play runs them; what happens to each is shown at Reveal.")
    outcomes = run_outcomes(results, surface, current_tolerance())
    return head + " " + " ".join(f"{result.label}: {words}." for result, (_, words, _) in
                                 zip(results, outcomes, strict=True))


def _legend(results: list[RunResult], surface, state: AppState) -> None:
    """The runs' legend, as HTML above the chart: larger than Plotly's, and it costs the chart no redraw."""
    chips = "".join(
        f"<span style='margin-right:1.4em;white-space:nowrap'><span style='display:inline-block;width:0.9em;"
        f"height:0.9em;border-radius:0.2em;background:{result.color};vertical-align:-0.1em'></span>"
        f"&nbsp;{html.escape(result.label)}</span>" for result in results)
    marks = "○ start" + ("&emsp;★ global minimum" if len(surface.minima) else "") + "&emsp;✖ blew up"
    if surface.minimum_value is None:
        marks += "&emsp;➜ escaped downhill"
    scale = "log₁₀(f − f*)" if surface.log_scale else "f"
    hint = "; click the map to start there" if state.view == "contour" and not teacher.is_locked("start") else ""
    st.markdown(f"<div style='font-size:1.05rem;line-height:1.9'>{chips}</div>"
                f"<div style='color:#555;font-size:0.9rem'>{marks}&emsp;·&emsp;map colours: {scale}, "
                f"light is low{hint}</div>", unsafe_allow_html=True)


def _on_chart_click() -> None:
    """A click on the map's invisible grid moves the start there (REFERENCE.md: contours report no clicks)."""
    if teacher.is_locked("start"):  # the teacher's link locked the start
        return
    event = st.session_state.get(CHART_KEY)
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    for point in points:
        if point.get("curve_number") == CLICK_GRID_TRACE:
            st.session_state["start_x"] = float(point["x"])
            st.session_state["start_y"] = float(point["y"])
            return
