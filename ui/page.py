"""The page: state from the link and the sidebar → cached runs → figures → Streamlit elements."""

from __future__ import annotations

import html

import streamlit as st

from figures.explorer import CLICK_GRID_TRACE

from . import url
from .compute import divergence_bound, explorer_figure_for, results_for, surface_of
from .controls import draw_sidebar, load_state, read_state
from .figure import show_figure
from .inside import draw_inside
from .limits import draw_eps, draw_lp
from .state import SECTIONS
from .summary import draw_summary

CHART_KEY = "explorer_chart"


def main() -> None:
    if "run_ids" not in st.session_state:  # a new session: open the view the link describes
        state, notices = url.decode({key: st.query_params.get_all(key) for key in st.query_params})
        load_state(state)
        st.session_state["link_notices"] = notices
        st.session_state["link_state"] = state

    state = read_state()
    if state != st.session_state.get("link_state"):  # the view moved on from the link: its notices are done
        st.session_state["link_notices"] = []
    results = results_for(state)
    surface = surface_of(state)
    _header(surface)
    st.segmented_control("Section", list(SECTIONS), key="section", format_func=SECTIONS.get,
                         selection_mode="single", label_visibility="collapsed")
    _notices(results, surface)
    if state.noise is not None:
        st.caption(f"Noisy gradients — {state.noise.label()}: every run sees the same draws; maps and curves "
                   "show the true f along the noisy paths.")
    if state.section == "inside":
        draw_inside(state, results)
    elif state.section == "lp":
        draw_lp(state)
    elif state.section == "eps":
        draw_eps(state)
    else:
        _legend(results, surface, state)
        show_figure(explorer_figure_for(state), key=CHART_KEY, on_select=_on_chart_click,
                    clickable=state.view == "contour")
        draw_summary(results, surface)
    # The sidebar is drawn last: its widgets' values were read above, and drawing the chart first sends it
    # to the browser sooner after a slider moves.
    draw_sidebar([result.label for result in results], [result.color for result in results])
    _mirror_in_url(state)


def _mirror_in_url(state) -> None:
    """Keep the address bar equal to the view, so copying it shares exactly what is on screen."""
    query = url.encode(state)
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    wanted = {key: value if isinstance(value, list) else [value] for key, value in query.items()}
    if current != wanted:
        st.query_params.from_dict(query)


PAGE_STYLE = """<style>
.block-container {padding-top: 2.2rem; padding-bottom: 1rem}   /* the chart and its controls fit a laptop screen */
h1 {padding-top: 0}
</style>"""


def _header(surface) -> None:
    st.markdown(PAGE_STYLE, unsafe_allow_html=True)
    left, right = st.columns([3, 2], vertical_alignment="center")
    left.title("AdaMax Lab")
    left.markdown(
        "AdaMax (Kingma & Ba, 2015, §7.1) is Adam with the L∞ norm: "
        r"$u_t = \max(\beta_2 u_{t-1}, |g_t|)$, so each step moves a coordinate by about $\alpha$, "
        "whatever the gradient's scale. Press **▶ Play** to watch it race the others.")
    right.markdown(f"**{surface.name}** — {surface.note}")
    # A long formula (Goldstein–Price, the rotated quadratic) gets the page's width below, not a cramped column.
    (right if len(surface.latex) <= 70 else st).latex(formula_latex(surface.latex))


def formula_latex(latex: str) -> str:
    """f(x, y) = the surface's formula; a formula written on several lines (\\) is aligned after the =."""
    if r"\\" not in latex:
        return f"f(x, y) = {latex}"
    lines = [line.strip() for line in latex.split(r"\\")]
    return r"\begin{aligned} f(x, y) &= " + r" \\ &\quad ".join(lines) + r" \end{aligned}"


def _legend(results, surface, state) -> None:
    """The runs' legend, as HTML above the chart: larger than Plotly's, and it costs the chart no redraw."""
    chips = "".join(
        f"<span style='margin-right:1.4em;white-space:nowrap'><span style='display:inline-block;width:0.9em;"
        f"height:0.9em;border-radius:0.2em;background:{result.color};vertical-align:-0.1em'></span>"
        f"&nbsp;{html.escape(result.label)}</span>" for result in results)
    marks = "○ start" + ("&emsp;★ global minimum" if len(surface.minima) else "") + "&emsp;✖ diverged"
    scale = "log₁₀(f − f*)" if surface.log_scale else "f"
    hint = "; click the map to start there" if state.view == "contour" else ""
    st.markdown(f"<div style='font-size:1.05rem;line-height:1.9'>{chips}</div>"
                f"<div style='color:#555;font-size:0.9rem'>{marks}&emsp;·&emsp;map colours: {scale}, "
                f"light is low{hint}</div>", unsafe_allow_html=True)


def _notices(results, surface) -> None:
    notices = st.session_state.get("link_notices") or []
    if notices:
        st.warning("This link had parts that could not be used as they were:\n\n"
                   + "\n".join(f"- {notice}" for notice in notices), icon=":material/link:")
    bound = divergence_bound(surface)
    for result in results:
        step = int(result.trajectory.diverged_at)
        if step >= 0:
            st.error(f"**{result.label} diverged at step {step}**: its next point left |x|, |y| ≤ {bound:g} or "
                     "was not finite. It is drawn stopped at its last finite point (✖ on the map). "
                     "Try a smaller learning rate.", icon=":material/error:")


def _on_chart_click() -> None:
    """A click on the map's invisible grid moves the start there (REFERENCE.md: contours report no clicks)."""
    event = st.session_state.get(CHART_KEY)
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    for point in points:
        if point.get("curve_number") == CLICK_GRID_TRACE:
            st.session_state["start_x"] = float(point["x"])
            st.session_state["start_y"] = float(point["y"])
            return
