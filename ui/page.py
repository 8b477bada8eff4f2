"""The page: state from the link and the sidebar → cached runs → figures → Streamlit elements."""

from __future__ import annotations

import html
from contextlib import nullcontext
from dataclasses import replace

import numpy as np
import streamlit as st

from figures import run_colors
from optimizers import make_optimizer

from . import url
from .budget import ask_to_compute, work_allowed
from .compute import adamax_runs, divergence_bound, internals_for, labels_for, results_for, surface_of
from .layout import Layout
from .live import is_live, panel_drawer
from .modes import classroom, phone, presentation, read_layout, teacher
from .narration import header_sentence
from .plain import escape_markdown, show_link_notices
from .player import draw_player
from .sections import SECTIONS, section_module
from .sidebar.controls import draw_sidebar, load_state, read_state
from .summary import current_tolerance, run_outcomes


def main() -> None:
    # A new session, or the browser's Back / Forward (one entry a lesson's scene): open the view the address describes.
    if "run_ids" not in st.session_state or classroom.history_navigation():
        query = {key: st.query_params.get_all(key) for key in st.query_params}
        state, notices = classroom.open_link(query, *url.decode(query))  # a lesson's scene sets the view
        state, notices = teacher.open_link(query, state, notices)  # sections offered, controls locked
        notices = [*notices, *presentation.open_link(query)]  # presentation mode, the animation's stride
        load_state(state)
        st.session_state["link_notices"] = notices
        st.session_state["link_state"] = state

    state = teacher.enforce(read_state())  # the teacher's locks hold whatever tried to change them
    layout = read_layout()  # every mode read once: the sections ask this, never the modes
    if state != st.session_state.get("link_state"):  # the view moved on from the link: its notices are done
        st.session_state["link_notices"] = []
    if not work_allowed(state):  # a heavy view waits for a click (ui/budget.py): one link cannot hold up a class
        _header(surface_of(state), state, layout, with_median=False)  # the median needs the runs it waits for
        if st.session_state.get("link_notices"):
            show_link_notices(st.session_state["link_notices"])
        ask_to_compute(state)
        draw_sidebar(labels_for(state.runs), run_colors([spec.optimizer for spec in state.runs]),
                     locked=layout.locked, hidden=layout.controls_hidden)
        teacher.draw_hidden_style()
        classroom.draw_history()
        _mirror_in_url(state)
        return
    results = results_for(state)
    surface = surface_of(state)
    # The section (its chart) is drawn before the header, which goes into a container above it: the chart's
    # message leaves the server first, so the browser starts drawing it while the rest of the page is being sent.
    above = st.container()
    side = classroom.columns()  # a lesson on a wide screen: (its column, the section's column) side by side
    with side[1] if side else nullcontext():
        caption = st.container()
        section = section_module(state.section)
        if layout.section_hidden:  # a lesson's question waits: the section would answer it
            classroom.draw_hidden_section()
        else:
            section.draw(state, results, layout)
        draw_player(lesson=layout.lesson, on_scene=classroom.on_scene_key, frame_key=section.FRAME_KEY)
    with above:
        phone.draw_style()  # narrow screens: less side padding, so the chart takes the width
        if layout.present:  # the race alone, large: no header, no sidebar
            presentation.draw_chrome()
            question_strip = st.container()  # a lesson's question and Reveal, above the chart
        elif layout.lesson_beside:  # a lesson's words beside the chart stand for the header (ui/modes/classroom.py)
            st.markdown(PAGE_STYLE, unsafe_allow_html=True)
        else:
            _header(surface, state, layout, sentence=not layout.short)
        st.segmented_control("Section", teacher.offered(state.section), key="section",
                             format_func=lambda key: SECTIONS[key].title, selection_mode="single",
                             label_visibility="collapsed")
    if not layout.present:
        with side[0] if side else above:
            classroom.draw_lesson(results, surface)
            _notices(results, surface, layout)
    if state.noise is not None:
        caption.caption(f"Noisy gradients — {state.noise.label()}: every run sees the same draws; maps and curves "
                        "show the true f along the noisy paths.")
    if layout.phone and not layout.present and not layout.lesson_beside:
        _header_below(surface, state)
    elif layout.short and not layout.present and not layout.lesson_beside:  # the sentence the header left out
        st.container(key="lab_sentence").markdown(_sentence(state, True))
    if layout.present:  # below the chart, so ▶ Play stays on screen (the question goes above it)
        classroom.draw_lesson(results, surface, question_area=question_strip)
        _notices(results, surface, layout)
        presentation.draw_exit()
    presentation.draw_toggle()
    presentation.draw_stride()
    classroom.draw_lesson_menu()
    # The sidebar is drawn last: its widgets' values were read above, and drawing the chart first sends it
    # to the browser sooner after a slider moves.
    teacher.draw_locked_note()
    # Where the race's sliders are live, the tuned run's panel in the sidebar holds the same live sliders (not on a
    # phone, where the open sidebar covers the map they would move).
    live = (state.section == "race" and not layout.section_hidden and not layout.phone
            and is_live(state, layout.paths_hidden))
    draw_sidebar([result.label for result in results], [result.color for result in results],
                 locked=layout.locked, hidden=layout.controls_hidden,
                 live_panel=panel_drawer(state, results) if live else None)
    teacher.draw_hidden_style()
    teacher.draw_builder(_view_query(state))
    classroom.draw_history()
    _mirror_in_url(state)


def _mirror_in_url(state) -> None:
    """Keep the address bar equal to the view, so copying it shares exactly what is on screen."""
    query = {**_view_query(state), **teacher.link_extras()}
    current = {key: st.query_params.get_all(key) for key in st.query_params}
    wanted = {key: value if isinstance(value, list) else [value] for key, value in query.items()}
    if current != wanted:
        st.query_params.from_dict(query)


def _view_query(state) -> dict:
    """The link of the view on screen (the teacher's link panel adds its choices to it)."""
    return {**url.encode(state), **classroom.link_extras(), **presentation.link_extras()}


# Captions in a grey that reads (Streamlit's is #828180 on white: contrast 3.9, WCAG 2.1 AA asks 4.5).
CAPTION_STYLE = ('[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * '
                 '{color: #5f5e5c !important; opacity: 1 !important}')
PAGE_STYLE = f"""<style>
.block-container {{padding-top: 1.4rem; padding-bottom: 1rem}}   /* the chart and its controls fit a laptop screen */
h1 {{padding-top: 0; padding-bottom: 0; font-size: 2.1rem !important}}
.lab-title {{font-size: 1.15rem}}
/* A phone: Plotly's toolbar would cover the path buttons and the Sweeps legends (zoom and pan are pinches there). */
@media (max-width: 640px) {{ .js-plotly-plot .modebar-container {{display: none !important}} }}
.lab-note {{font-size: 0.9rem; line-height: 1.35}}
.st-key-lab_sentence p {{font-size: 0.9rem; line-height: 1.4; margin-bottom: 0}}
{CAPTION_STYLE}
</style>"""


FORMULA_BESIDE = 40  # the longest LaTeX source drawn in the header's right column


def _header(surface, state, layout: Layout, *, with_median: bool = True, sentence: bool = True) -> None:
    """The title, the surface and its formula in one row, the page's sentence under them across the width (on a
    short window, `sentence=False`, it goes under the chart). A phone gets the title and the surface's name here
    and the rest under the chart (`_header_below`), so the map and ▶ Play share its screen."""
    st.markdown(PAGE_STYLE, unsafe_allow_html=True)
    if layout.phone:
        st.markdown(f"<div class='lab-title'><b>AdaMax Lab</b> · {html.escape(surface.name)}</div>",
                    unsafe_allow_html=True)
        return
    title, note, formula = st.columns([1.25, 2.2, 2], vertical_alignment="center")
    title.title("AdaMax Lab")
    note.markdown(f"<div class='lab-note'><b>{html.escape(surface.name)}</b> — {html.escape(surface.note)}</div>",
                  unsafe_allow_html=True)
    # A long formula gets the page's width below, not a cramped column: at 1,440 px the column holds ~40
    # characters of LaTeX (Beale's 61 and the six-hump camel's 67 were cut off there).
    (formula if len(surface.latex) <= FORMULA_BESIDE else st).latex(formula_latex(surface.latex))
    if sentence:
        st.container(key="lab_sentence").markdown(_sentence(state, with_median))  # no HTML: it names the runs


def _sentence(state, with_median: bool) -> str:
    index, spec = adamax_runs(state)[0]
    if index is None or not with_median:  # no AdaMax in the race (or not computed yet): no median
        return header_sentence(None, None, None)
    scene = replace(state, runs=(), section="inside")  # the same cache entry Inside AdaMax uses
    optimizer = make_optimizer(spec.optimizer, **spec.kwargs())
    label = escape_markdown(labels_for(state.runs)[index])
    return header_sentence(label, internals_for(scene, spec), float(optimizer.lr), float(optimizer.beta1),
                           float(optimizer.beta2))


def _header_below(surface, state) -> None:
    """A phone's header, under the chart: the page's sentence, the surface's note and its formula."""
    st.markdown(_sentence(state, True))
    st.markdown(f"**{surface.name}** — {surface.note}")
    st.latex(formula_latex(surface.latex))


def formula_latex(latex: str) -> str:
    """f(x, y) = the surface's formula; a formula written on several lines (\\) is aligned after the =."""
    if r"\\" not in latex:
        return f"f(x, y) = {latex}"
    lines = [line.strip() for line in latex.split(r"\\")]
    return r"\begin{aligned} f(x, y) &= " + r" \\ &\quad ".join(lines) + r" \end{aligned}"


def _notices(results, surface, layout: Layout) -> None:
    notices = st.session_state.get("link_notices") or []
    if notices:
        show_link_notices(notices)
    if layout.paths_hidden or layout.section_hidden:  # the notices would give the answer away
        return
    bound = divergence_bound(surface)
    off_map = []  # runs that left the map without blowing up or escaping: one notice for all of them
    for result, (outcome, _, metrics) in zip(results, run_outcomes(results, surface, current_tolerance()),
                                                 strict=True):
        step = int(metrics.diverged_at)
        where = _where(metrics.final_point, surface.domain)
        if outcome == "diverged":
            st.error(f"**{escape_markdown(result.label)} blew up at step {step}**: its next point left "
                     f"|x|, |y| ≤ {bound:g} or was not finite. It is drawn stopped at its last finite point, {where}. "
                     "Try a smaller learning rate.", icon=":material/error:")
        elif outcome == "escaped":
            st.info(f"**{escape_markdown(result.label)} escaped downhill at step {step}**: f falls without bound "
                    f"on this surface (it was {float(metrics.final_loss):.3g} when the run passed |x|, |y| = "
                    f"{bound:g}), so going downhill for good is success here. Its last point is {where}.",
                    icon=":material/south_east:")
        elif outcome == "departed":
            st.info(f"**{escape_markdown(result.label)} left the window downhill at step {step}**: f was "
                    f"{float(metrics.final_loss):.3g}, its lowest so far, when the run passed |x|, |y| = {bound:g}. "
                    f"Whether f falls without bound that way is not known. Its last point is {where}.",
                    icon=":material/south_east:")
        elif left := _first_step_off_map(result.trajectory.points, surface.domain):
            off_map.append(f"**{escape_markdown(result.label)} left the map at step {left}**; its last point is "
                           f"{where.split(' (an arrow')[0]}")
    if off_map:
        st.info("; ".join(off_map) + ". The map shows the plot window only (an arrow at its edge points to a run "
                "that ended outside it).", icon=":material/open_in_full:")


COMPASS = ("east", "north-east", "north", "north-west", "west", "south-west", "south", "south-east")


def _first_step_off_map(points, domain) -> int | None:
    """The first step at which a run's point is outside the plot window, None if it never is."""
    (x0, x1), (y0, y1) = domain
    points = np.asarray(points, dtype=np.float64)
    off = ~((points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1))
    return int(np.argmax(off)) if off.any() else None


def _where(point, domain) -> str:
    """Where a point is, for a sentence: on the map (✖ there), or off it and in which direction."""
    (x0, x1), (y0, y1) = domain
    x, y = (float(v) for v in point)
    if x0 <= x <= x1 and y0 <= y <= y1:
        return f"({x:.3g}, {y:.3g}) (✖ on the map)"
    angle = np.degrees(np.arctan2(y - (y0 + y1) / 2, x - (x0 + x1) / 2))
    direction = COMPASS[int(np.round(angle / 45)) % 8]
    return f"({x:.3g}, {y:.3g}), off the map to the {direction} (an arrow at the map's edge points to it)"
