"""Presentation mode (a toggle, and `present=1` in the link): the race alone, large, for a projector.

The sidebar and the page's header are hidden, the chart is as tall as the window allows (the player component
reports the window's size), text and lines are larger, run labels ride on the moving points, and the step
number is large. The lesson's words move below the chart, so ▶ Play stays on screen at 1366×768.
"""

from __future__ import annotations

import streamlit as st

HIDE_CHROME = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"]
  {display: none !important}
.block-container {padding-top: 0.6rem !important; max-width: 100% !important}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] *
  {color: #5f5e5c !important; opacity: 1 !important}
</style>"""


def open_link(query: dict[str, list[str]]) -> list[str]:
    """On a new session: `present=1` (or true, yes, on) in the link turns presentation mode on; `stride=N` sets the
    animation's stride. Returns the notices for what was ignored."""
    values = query.get("present") or []
    st.session_state["present"] = bool(values) and values[0].strip().lower() in ("1", "true", "yes", "on")
    stride, notices = read_stride(query)
    if stride is not None:  # else the stride a lesson's scene set, or auto
        st.session_state["frame_stride"] = stride
    return notices


def read_stride(query) -> tuple[int | None, list[str]]:
    """The link's `stride` (a frame every N iterations: one of STRIDES; 0 is "auto"), None when absent, and
    notices: an invalid value is ignored with a notice, never an error."""
    values = query.get("stride") or []
    if isinstance(values, str):
        values = [values]
    if not values:
        return None, []
    text = str(values[0]).strip()[:12]
    if text.isdigit() and int(text) in STRIDES:
        return int(text), []
    return None, [f"stride={text!r} is not a stride of the animation ({', '.join(map(str, STRIDES))}); "
                  "used auto."]


def on() -> bool:
    return bool(st.session_state.get("present"))


def link_extras() -> dict[str, str]:
    extras = {"present": "1"} if on() else {}
    if frame_stride():
        extras["stride"] = str(frame_stride())
    return extras


def viewport_height() -> int | None:
    """The window's height in px, once the player component has reported it."""
    value = st.session_state.get("viewport_height")
    return int(value) if isinstance(value, int | float) and value else None


def _leave() -> None:
    st.session_state["present"] = False


def _enter() -> None:
    st.session_state["present"] = True


def draw_chrome() -> None:
    """Hide the page's chrome and offer the way back."""
    if on():
        st.markdown(HIDE_CHROME, unsafe_allow_html=True)


def draw_exit() -> None:
    if on():
        st.button("Leave presentation mode", key="present_leave", icon=":material/fullscreen_exit:", on_click=_leave)


STRIDES = (0, 1, 2, 5, 10, 20, 50)


def frame_stride() -> int:
    """Steps between animation frames chosen in the sidebar (0: about 80 frames, whatever the step count)."""
    return int(st.session_state.get("frame_stride", 0) or 0)


def draw_stride() -> None:
    st.sidebar.select_slider(
        "Animation stride (a frame every N iterations)", STRIDES, key="frame_stride",
        format_func=lambda stride: "auto" if stride == 0 else f"{stride}",
        help="1 makes every step a frame, so ← / → (and the scrubber) go one step at a time; at most 1,001 frames.")


def draw_toggle() -> None:
    """In the sidebar: the switch into presentation mode."""
    st.sidebar.button("Presentation mode", key="present_enter", icon=":material/present_to_all:",
                      on_click=_enter, width="stretch",
                      help="The race alone, large, for a projector; `present=1` in the link. Keys: Space, ← →, F.")
