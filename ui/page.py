"""The page: state from the link and the sidebar → cached runs → figures → Streamlit elements."""

from __future__ import annotations

import numpy as np
import streamlit as st

from . import url
from .compute import divergence_bound, results_for, surface_of
from .controls import draw_sidebar, load_state, read_state
from .sections import SECTIONS
from .summary import current_tolerance, run_outcomes


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
    st.segmented_control("Section", list(SECTIONS), key="section", format_func=lambda key: SECTIONS[key].title,
                         selection_mode="single", label_visibility="collapsed")
    _notices(results, surface)
    SECTIONS[state.section].draw(state, results)
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


FORMULA_BESIDE = 40  # the longest LaTeX source drawn in the header's right column


def _header(surface) -> None:
    st.markdown(PAGE_STYLE, unsafe_allow_html=True)
    left, right = st.columns([3, 2], vertical_alignment="center")
    left.title("AdaMax Lab")
    left.markdown(
        "AdaMax (Kingma & Ba, 2015, §7.1) is Adam with the L∞ norm: "
        r"$u_t = \max(\beta_2 u_{t-1}, |g_t|)$, so each step moves a coordinate by about $\alpha$, "
        "whatever the gradient's scale. Press **▶ Play** to watch it race the others.")
    right.markdown(f"**{surface.name}** — {surface.note}")
    # A long formula gets the page's width below, not a cramped column: at 1,440 px the column holds ~40
    # characters of LaTeX (Beale's 61 and the six-hump camel's 67 were cut off there).
    (right if len(surface.latex) <= FORMULA_BESIDE else st).latex(formula_latex(surface.latex))


def formula_latex(latex: str) -> str:
    """f(x, y) = the surface's formula; a formula written on several lines (\\) is aligned after the =."""
    if r"\\" not in latex:
        return f"f(x, y) = {latex}"
    lines = [line.strip() for line in latex.split(r"\\")]
    return r"\begin{aligned} f(x, y) &= " + r" \\ &\quad ".join(lines) + r" \end{aligned}"


def _notices(results, surface) -> None:
    notices = st.session_state.get("link_notices") or []
    if notices:
        st.warning("This link had parts that could not be used as they were:\n\n"
                   + "\n".join(f"- {notice}" for notice in notices), icon=":material/link:")
    bound = divergence_bound(surface)
    for result, (outcome, _, metrics) in zip(results, run_outcomes(results, surface, current_tolerance()),
                                                 strict=True):
        step = int(metrics.diverged_at)
        where = _where(metrics.final_point, surface.domain)
        if outcome == "diverged":
            st.error(f"**{result.label} blew up at step {step}**: its next point left |x|, |y| ≤ {bound:g} or "
                     f"was not finite. It is drawn stopped at its last finite point, {where}. "
                     "Try a smaller learning rate.", icon=":material/error:")
        elif outcome == "escaped":
            st.info(f"**{result.label} escaped downhill at step {step}**: f fell without bound (to "
                    f"{float(metrics.final_loss):.3g} when it passed |x|, |y| = {bound:g}), as it should on a "
                    f"surface with no minimum. Its last point is {where}.", icon=":material/south_east:")


COMPASS = ("east", "north-east", "north", "north-west", "west", "south-west", "south", "south-east")


def _where(point, domain) -> str:
    """Where a point is, for a sentence: on the map (✖ there), or off it and in which direction."""
    (x0, x1), (y0, y1) = domain
    x, y = (float(v) for v in point)
    if x0 <= x <= x1 and y0 <= y <= y1:
        return f"({x:.3g}, {y:.3g}) (✖ on the map)"
    angle = np.degrees(np.arctan2(y - (y0 + y1) / 2, x - (x0 + x1) / 2))
    direction = COMPASS[int(np.round(angle / 45)) % 8]
    return f"({x:.3g}, {y:.3g}), off the map to the {direction} (an arrow at the map's edge points to it)"
