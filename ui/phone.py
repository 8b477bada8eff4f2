"""Phones: the race laid out for a narrow screen (issue 10, "Phones").

Streamlit does not tell the server the browser's width; the player component (ui/player.py) does: it reports
the window's width when it is narrower than NARROW_BELOW px (and again when it crosses back), so a wide
screen costs no extra rerun. Until then the page is drawn wide. The page's side padding shrinks on narrow
screens by a CSS media query, so the chart (and the map) can take nearly the whole width.
"""

from __future__ import annotations

import streamlit as st

from figures.narrow import NARROW_BELOW

KEY = "viewport_width"
PADDING = 6  # px each side of the page's content on a narrow screen (the CSS below)

NARROW_STYLE = f"""<style>
@media (max-width: {NARROW_BELOW - 1}px) {{
  .block-container {{padding-left: {PADDING}px !important; padding-right: {PADDING}px !important}}
}}
</style>"""


def width() -> int | None:
    """The browser window's width in px, when the player has reported a narrow one."""
    value = st.session_state.get(KEY)
    return int(value) if isinstance(value, int | float) else None


def narrow() -> bool:
    value = width()
    return value is not None and value < NARROW_BELOW


def chart_width() -> int:
    """The width of a chart spanning the page on a narrow screen."""
    return int(width() or NARROW_BELOW) - 2 * PADDING


def draw_style() -> None:
    st.markdown(NARROW_STYLE, unsafe_allow_html=True)
