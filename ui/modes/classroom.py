"""The classroom on the page: a lesson's scene panel (Previous / Next, progress, question and Reveal).

A lesson (ui/lessons.py) is opened by `?lesson=NAME&scene=N`: the scene's own link sets the view, and the page's
address keeps `lesson` and `scene` beside the view's parameters, so a copied address reopens the same scene.
Session keys: "lesson" (name or None), "scene" (1-based), "revealed" (the question's answer is shown).

The browser's history holds one entry per scene: Streamlit writes every change of the address with
history.pushState, so `draw_history` makes that a replaceState unless the lesson or the scene changes (a slider
moved a hundred times leaves one entry, Next leaves a new one). Back and Forward rerun the script with the entry's
address and `history_navigation()` true; the page then opens that address as it opens a new session's link
(docs/REFERENCE.md §6).
"""

from __future__ import annotations

import html

import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from ..lessons import LessonError, fill, lesson_names, load_lesson
from ..sidebar.controls import load_state
from ..summary import run_outcomes
from . import phone, presentation, teacher

LESSON_TOLERANCE = 1e-4  # the tolerance the lessons' {runN.reached_at} means


def _scene_number(text: object, count: int, where: str, notices: list[str]) -> int:
    if text is None:
        return 1
    try:
        number = int(str(text).strip())
    except ValueError:
        notices.append(f"{where}: scene={str(text)[:20]!r} is not a scene number; opened scene 1.")
        return 1
    if not 1 <= number <= count:
        clamped = min(max(number, 1), count)
        notices.append(f"{where} has scenes 1 to {count}; scene={number} opened scene {clamped}.")
        return clamped
    return number


def open_link(query: dict[str, list[str]], state, notices: list[str]):
    """On a new session: if the link names a lesson, its scene's view (and notices if it cannot be shown)."""
    st.session_state.setdefault("lesson", None)
    names = query.get("lesson") or []
    if not names:
        return state, notices
    notices = list(notices)
    try:
        lesson = load_lesson(names[0])
    except LessonError as error:
        notices.append(f"{error} Showing the rest of the link without the lesson.")
        return state, notices
    number = _scene_number((query.get("scene") or [None])[0], len(lesson.scenes), lesson.path, notices)
    _enter(lesson.name, number)
    st.session_state["frame_stride"] = lesson.scenes[number - 1].stride  # the link's own stride= comes after
    return lesson.scenes[number - 1].state, notices


def _enter(name: str, number: int) -> None:
    st.session_state["lesson"] = name
    st.session_state["scene"] = number
    st.session_state["revealed"] = False


def go_to(name: str, number: int) -> None:
    """Open scene `number` of lesson `name` (a widget callback: it loads the scene's view into the widgets)."""
    try:
        lesson = load_lesson(name)
    except LessonError as error:
        st.session_state["lesson_error"] = str(error)
        return
    number = min(max(number, 1), len(lesson.scenes))
    _enter(name, number)
    state = lesson.scenes[number - 1].state
    st.session_state["frame_stride"] = lesson.scenes[number - 1].stride
    load_state(state)
    teacher.pin(state)  # a lesson in a teacher's link moves what the locks hold with its scenes
    st.session_state["link_state"] = state
    st.session_state["link_notices"] = []


def on_scene_key() -> None:
    """PageDown / PageUp (a presentation clicker) in a lesson: the next / previous scene."""
    from ..player import scene_request

    opened, request = current(), scene_request()
    if opened is not None and request is not None:
        go_to(opened[0].name, opened[1] + (1 if request == "next" else -1))


def leave() -> None:
    st.session_state["lesson"] = None


def _present() -> None:
    st.session_state["present"] = True


def _reveal() -> None:
    st.session_state["revealed"] = True


def current():
    """(lesson, scene number) being taught, or None."""
    name = st.session_state.get("lesson")
    if not name:
        return None
    try:
        return load_lesson(name), int(st.session_state.get("scene", 1))
    except LessonError:
        return None


def waiting() -> bool:
    """True while a scene's question waits for the class's prediction (until Reveal)."""
    opened = current()
    if opened is None:
        return False
    lesson, number = opened
    return lesson.scenes[number - 1].question is not None and not st.session_state.get("revealed")


def paths_hidden() -> bool:
    """True while the race's paths wait for the class's prediction: drawn only as Play runs them."""
    return waiting() and st.session_state.get("section", "race") == "race"


def section_hidden() -> bool:
    """True while another section waits for the prediction: its charts and tables would show the answer at once,
    so the section is drawn only at Reveal."""
    return waiting() and st.session_state.get("section", "race") != "race"


def draw_hidden_section() -> None:
    st.info("The class predicts first: this section's charts and tables appear with **Reveal the answer**, in the "
            "lesson's panel.", icon=":material/visibility_off:")


def history_navigation() -> bool:
    """True on the rerun the browser's Back or Forward button asked for: the address is the entry's, not the view's."""
    context = get_script_run_ctx()
    return bool(context is not None and getattr(context, "is_history_navigation", False))


# Runs once per page in the app's document (a v2 component is not in an iframe): Streamlit's pushState for an
# address that keeps the path, the lesson and the scene becomes a replaceState. Every entry written from then on
# is marked; an unmarked entry that shows the scene on screen was written before the rule arrived (the page's first
# address update, the view's parameters added to the link it was opened with), and Back passes over it.
HISTORY_JS = """
const KEPT = ['lesson', 'scene'];
const MARK = 'adamaxScene';
function place(url) {
  const address = new URL(url, window.location.href);
  return [address.pathname, ...KEPT.map(key => address.searchParams.get(key))].join('|');
}
const marked = state => ({...(state || {}), [MARK]: true});
export default function() {
  if (window.__adamaxSceneHistory) return;
  window.__adamaxSceneHistory = true;
  const push = window.history.pushState.bind(window.history);
  const replace = window.history.replaceState.bind(window.history);
  let shown = place(window.location.href);
  replace(marked(window.history.state), '', window.location.href);
  window.history.pushState = function(state, title, url) {
    const same = url !== undefined && url !== null && place(url) === place(window.location.href);
    if (url !== undefined && url !== null) shown = place(url);
    return same ? replace(marked(state), title, url) : push(marked(state), title, url);
  };
  window.history.replaceState = function(state, title, url) {
    if (url !== undefined && url !== null) shown = place(url);
    return replace(marked(state), title, url);
  };
  window.addEventListener('popstate', event => {
    const here = place(window.location.href);
    if (!(event.state && event.state[MARK]) && here === shown) {
      window.history.back();
      return;
    }
    shown = here;
  });
}
"""
_history = st.components.v2.component("adamax_scene_history", html="", js=HISTORY_JS)


def draw_history() -> None:
    """Mount the history rule (nothing visible): a new browser history entry per scene, not per slider move."""
    _history(key="scene_history")


def link_extras() -> dict[str, str]:
    """What the address bar carries beside the view: the lesson and its scene."""
    opened = current()
    if opened is None:
        return {}
    return {"lesson": opened[0].name, "scene": str(opened[1])}


LESSON_SHARE = [1, 2.6]          # the lesson's column beside the section's, on a wide screen


def beside() -> bool:
    """A lesson on a wide screen, outside presentation mode: its words sit beside the chart, not above it, so
    ▶ Play is on screen without scrolling (at 1366×768 too)."""
    return current() is not None and not presentation.on() and not phone.narrow()


def columns():
    """(lesson column, section column) when the lesson sits beside the section, else None."""
    if not beside():
        return None
    return st.columns(LESSON_SHARE, gap="medium")


def run_facts(results, surface) -> list[dict[str, str]]:
    """The numbers a lesson's {runN.fact} placeholders stand for, computed from the runs on screen."""
    facts = []
    for result, (_, words, metrics) in zip(results, run_outcomes(results, surface, LESSON_TOLERANCE), strict=True):
        trajectory = result.trajectory
        finite = trajectory.points[: int(trajectory.diverged_at) + 1] if trajectory.diverged_at >= 0 else \
            trajectory.points
        moves = np.abs(np.diff(finite, axis=0))
        reached, diverged, settled = int(metrics.reached_at), int(metrics.diverged_at), int(metrics.settled_at)
        x, y = (float(v) for v in trajectory.points[-1])
        facts.append({
            "label": result.label, "outcome": words,
            "reached_at": str(reached) if reached >= 0 else "never",
            # within tolerance from this step to the end ("from step N" in a lesson's words); reached_at is the first
            # touch, which a run that dips in and out again passes long before it stays
            "settled_at": str(settled) if settled >= 0 else "never",
            "diverged_at": str(diverged) if diverged >= 0 else "never",
            "final_f": f"{float(trajectory.losses[-1]):.3g}", "final_point": f"({x:.3g}, {y:.3g})",
            "max_step": f"{float(moves.max()) if moves.size else 0.0:.3g}",
            "max_step_lr": f"{float(moves.max()) / result.lr if moves.size else 0.0:.3g}",
            "median_step": f"{float(np.median(moves)) if moves.size else 0.0:.3g}",
            "median_step_lr": f"{float(np.median(moves)) / result.lr if moves.size else 0.0:.3g}",
            "lr": f"{result.lr:g}",
        })
    return facts


def draw_lesson(results, surface, question_area=None) -> None:
    """The scene panel above the chart: progress, title, the words, the question, navigation. With
    `question_area` (presentation mode: a strip above the chart), the question and Reveal go there instead."""
    error = st.session_state.pop("lesson_error", None)
    if error:
        st.error(error, icon=":material/school:")
    opened = current()
    if opened is None:
        return
    lesson, number = opened
    scene = lesson.scenes[number - 1]
    count = len(lesson.scenes)
    with st.container(border=True, key="lesson_panel"):
        if beside():  # a column of its own beside the chart: progress, Previous / Next, the words, the rest
            head, steps, words, navigation = (st.container() for _ in range(4))
        else:
            words, navigation = st.columns([5, 2], vertical_alignment="top")
            head, steps = words, navigation
        head.markdown(f"<div style='font-size:0.85rem;color:#555'>Lesson · {html.escape(lesson.title)} · "
                      f"scene {number} of {count}</div>", unsafe_allow_html=True)
        head.progress(number / count)
        words.markdown(f"#### {scene.title}")
        if beside():  # the page's header (with the surface's name) is left out to keep ▶ Play on screen
            words.caption(surface.name)
        words.markdown(fill(scene.text, run_facts(results, surface)))
        if scene.question and not waiting():
            words.success(f"**Question:** {scene.question}", icon=":material/visibility:")
            if scene.answer:
                words.markdown(fill(scene.answer, run_facts(results, surface)))
        elif scene.question:  # "Predict first" holds before and after ▶ Play, which the server does not see
            where = button_area = words
            if question_area is not None:  # one row above the chart: question, then Reveal at its right
                where, button_area = question_area.columns([5, 1], vertical_alignment="center")
            where.info(f"**Predict first:** {scene.question}", icon=":material/quiz:")
            # Right under the question, so the question, Reveal, the map and ▶ Play share a laptop's screen.
            button_area.button("Reveal the paths" if paths_hidden() else "Reveal the answer", key="lesson_reveal",
                               icon=":material/visibility:", width="stretch", on_click=_reveal,
                               help="▶ Play draws the paths as the runs go; Reveal shows them whole, with the "
                               "answer." if paths_hidden() else None)
        if scene.answer and not scene.question:
            words.markdown(fill(scene.answer, run_facts(results, surface)))
        left, right = steps.columns(2)
        left.button("Previous", key="lesson_previous", icon=":material/chevron_left:", width="stretch",
                    disabled=number <= 1, on_click=go_to, args=(lesson.name, number - 1))
        right.button("Next", key="lesson_next", icon=":material/chevron_right:", width="stretch",
                     disabled=number >= count, on_click=go_to, args=(lesson.name, number + 1), type="primary")
        if not st.session_state.get("present"):
            navigation.button("Present (large, for a projector)", key="lesson_present", width="stretch",
                              icon=":material/present_to_all:", on_click=_present)
        navigation.button("Restart this scene", key="lesson_restart", icon=":material/replay:", width="stretch",
                          on_click=go_to, args=(lesson.name, number))
        navigation.button("Leave the lesson", key="lesson_leave", icon=":material/close:", width="stretch",
                          on_click=leave)


def draw_lesson_menu() -> None:
    """In the sidebar: every shipped lesson in one menu, choosing one starts it (one widget, not a button a
    lesson: every element costs each rerun time on the server and in the browser). Not on a student's page of a
    teacher's link: a lesson would change what the link locks or open a section it does not offer."""
    if teacher.restricts():
        return
    lessons = {}
    for name in lesson_names():
        try:
            lessons[name] = load_lesson(name)
        except LessonError as error:
            st.sidebar.caption(str(error))
    st.sidebar.selectbox("Lessons", list(lessons), index=None, key="lesson_pick", placeholder="Start a lesson…",
                         format_func=lambda name: lessons[name].title, on_change=_start_picked,
                         help=" · ".join(f"**{lesson.title}**: {lesson.summary}" for lesson in lessons.values()))


def _start_picked() -> None:
    name = st.session_state.get("lesson_pick")
    st.session_state["lesson_pick"] = None  # the menu is for starting: it shows its placeholder again
    if name and not teacher.restricts():
        go_to(name, 1)
