"""The race: the runs animated on the map, their legend above, the outcome table below."""

from __future__ import annotations

import html

import streamlit as st

from figures.explorer import CLICK_GRID_TRACE
from figures.landscape import minimum_name
from figures.live import FULL_STEPS
from optimizers.live import live_names

from ..compute import RunResult, explorer_figure_for, surface_of
from ..figure import show_figure
from ..handout import draw_handout
from ..layout import Layout
from ..live import draw_live, is_live, tuned_run
from ..modes import teacher
from ..state import AppState
from ..summary import current_tolerance, draw_summary, run_outcomes

CHART_KEY = "explorer_chart"
CHART_TOP = 215        # px above the chart with a lesson beside it (measured)
PAGE_CHART_TOP = 325   # px above the chart under the page's header (measured): ▶ Play on screen at 1366×768 …
SENTENCE = 70          # … of which the page's sentence takes this much (three lines at 1366 px; a short window
                       # has it under the chart)
LIVE_ROW = 48          # px a row of live sliders takes (measured) …
LIVE_COLUMNS = 4       # … and this many sliders a row on a laptop's page beside the sidebar (ui/live/live.css) …
PHONE_COLUMNS = 2      # … and on a phone
PHONE_NOTE = 22        # px: the live sliders' note on a long run ("paths simplified …")
LIVE_SLOT = "live_slot"  # the live sliders' container, filled at the end of the section
FRAME_KEY = None       # the race's scrubber drives nothing else on the page


def live_sliders(state: AppState) -> int:
    """How many live sliders the page shows: every run's lr, and the tuned run's other settings."""
    tuned = tuned_run(state)
    return sum(len(live_names(spec.optimizer)) if index == tuned else 1 for index, spec in enumerate(state.runs))


def live_rows(sliders: int, columns: int = LIVE_COLUMNS) -> int:
    """Rows of `sliders` live sliders, `columns` a row.

    >>> live_rows(4), live_rows(6), live_rows(3, 2)
    (1, 2, 2)
    """
    return -(-sliders // columns)


def phone_band(state: AppState) -> int:
    """The px a phone's chart leaves blank under its scrubber for the live sliders: a row per two sliders (every
    run's lr, and the tuned run's others), and their note on a run long enough to be simplified."""
    note = PHONE_NOTE if state.steps > FULL_STEPS else 0
    return LIVE_ROW * live_rows(live_sliders(state), PHONE_COLUMNS) + note + 8


def cost(state: AppState) -> float:
    """Nothing beyond the race's runs, which ui/budget.py counts for every section."""
    return 0.0


def draw(state: AppState, results: list[RunResult], layout: Layout) -> None:
    surface = surface_of(state)
    live = is_live(state, layout.paths_hidden)  # sliders that move the paths while dragged
    # Their rows push the map down on a laptop: the chart is fitted lower, so ▶ Play and the map stay on screen.
    # On a phone they are laid over a band the chart leaves under its scrubber, between the map and the curves.
    below = LIVE_ROW * live_rows(live_sliders(state)) if live and not layout.phone else 0
    _legend(results, surface, state, layout, reserve=below)
    # Their place is kept (above the map on a laptop, after it on a phone) and filled last: their paths are the
    # rerun's slowest part on a new view (a batch per run), and the chart, the table and the rest need none of it.
    slot = st.container(key=LIVE_SLOT) if live and not layout.phone else None
    top = PAGE_CHART_TOP - (SENTENCE if layout.short else 0)
    band = phone_band(state) if live and layout.phone else 0
    clickable = state.view == "contour" and not layout.is_locked("start")  # a click moves the start
    figure = layout.chart(explorer_figure_for(state, layout.stride, clickable), "race", chart_top=CHART_TOP + below,
                          page_chart_top=top + below, phone_band=band, above=below)
    show_figure(figure, key=CHART_KEY, on_select=_on_chart_click, clickable=clickable,
                description=describe_race(results, surface, state, layout.paths_hidden))
    if live and layout.phone:  # a phone: under the map and ▶ Play, which must share its screen
        slot = st.container(key=LIVE_SLOT)
    if not layout.paths_hidden:  # a lesson's question waits: no outcome may give the answer away
        draw_summary(results, surface)
        draw_handout(state, results)
    if slot is not None:
        with slot:
            draw_live(state, results)


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


def _legend(results: list[RunResult], surface, state: AppState, layout: Layout, *, reserve: int = 0) -> None:
    """The runs' legend, as HTML above the chart: larger than Plotly's, and it costs the chart no redraw. With
    `reserve`, the live sliders' place under it is kept that tall before they arrive (the map does not jump)."""
    chips = "".join(
        f"<span style='margin-right:1.4em;white-space:nowrap'><span style='display:inline-block;width:0.9em;"
        f"height:0.9em;border-radius:0.2em;background:{result.color};vertical-align:-0.1em'></span>"
        f"&nbsp;{html.escape(result.label)}</span>" for result in results)
    marks = "○ start" + (f"&emsp;★ {minimum_name(surface)}" if len(surface.minima) else "") + "&emsp;✖ blew up"
    if surface.minimum_value is None:  # where a run may go downhill out of the window
        marks += ("&emsp;➜ escaped downhill" if surface.bounded_below is False else "&emsp;➜ left the window downhill")
    scale = "log₁₀(f − f*)" if surface.log_scale else "f"
    hint = "; click the map to start there" if state.view == "contour" and not layout.is_locked("start") else ""
    st.markdown(f"<div style='font-size:1.05rem;line-height:1.9'>{chips}</div>"
                f"<div style='color:#555;font-size:0.9rem'>{marks}&emsp;·&emsp;map colours: {scale}, "
                f"light is low{hint}</div>"
                + (f"<style>.st-key-{LIVE_SLOT} {{min-height: {reserve + 2}px}}</style>" if reserve else ""),
                unsafe_allow_html=True)


def _on_chart_click() -> None:
    """A click on the map's invisible grid moves the start there (docs/REFERENCE.md §6: contours report no clicks)."""
    if teacher.is_locked("start"):  # the teacher's link locked the start
        return
    event = st.session_state.get(CHART_KEY)
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    for point in points:
        if point.get("curve_number") == CLICK_GRID_TRACE:
            st.session_state["start_x"] = float(point["x"])
            st.session_state["start_y"] = float(point["y"])
            return
