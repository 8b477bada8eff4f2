"""Phones: every section laid out for a narrow screen.

The race's figure is re-laid out by figures/narrow.py, the other sections' by figures/stacked.py (`stacked`,
`one_map` below); displayed formulas wider than the screen are drawn smaller until they fit (a small component
run in the page), and the Inside AdaMax equations are broken at their = signs.

Streamlit does not tell the server the browser's width; the player component (ui/player.py) does: it reports
the window's width when it is narrower than NARROW_BELOW px (and again when it crosses back), so a wide
screen costs no extra rerun. Until then the page is drawn wide. The page's side padding shrinks on narrow
screens by a CSS media query, so the chart (and the map) can take nearly the whole width.
"""

from __future__ import annotations

import streamlit as st

from figures.narrow import NARROW_BELOW
from figures.stacked import fit_map, stack

KEY = "viewport_width"
PADDING = 6  # px each side of the page's content on a narrow screen (the CSS below)

NARROW_STYLE = f"""<style>
@media (max-width: {NARROW_BELOW - 1}px) {{
  .block-container {{padding-left: {PADDING}px !important; padding-right: {PADDING}px !important}}
  /* plotly's drag handles reach 10 px past a plot area: at the screen's edge they made the page scroll sideways */
  [data-testid="stPlotlyChart"] {{overflow: hidden}}
  /* so does a table's resize handle, 9 px past its corner (a table cannot be resized on a phone anyway) */
  [data-testid="stDataFrameResizable"] {{overflow-x: clip}}
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
    # The marker tells a browser test (and anyone inspecting the page) that the narrow layout is drawn.
    st.markdown(NARROW_STYLE + ("<span class='phone-layout'></span>" if narrow() else ""), unsafe_allow_html=True)
    if narrow():
        with st.sidebar:  # the sidebar is closed on a phone: the component takes no room on the page
            _fit_formulae(key="fit_formulae", data={"below": NARROW_BELOW, "smallest": SMALLEST_FORMULA})


# A displayed formula wider than the screen is drawn smaller until it fits (KaTeX cannot break a display
# formula into lines by itself); below SMALLEST_FORMULA of its size it would be unreadable, and scrolls instead.
SMALLEST_FORMULA = 0.55
FIT_JS = """
function fit(smallest) {
  for (const box of document.querySelectorAll('.katex-display')) {
    const now = parseFloat(box.dataset.scale || '1');
    const room = box.clientWidth, need = box.scrollWidth;
    if (!room || need <= room + 1) continue;
    const scale = Math.max(now * room / need * 0.98, smallest);
    if (scale < now - 0.005) { box.style.fontSize = scale + 'em'; box.dataset.scale = String(scale); }
  }
}
export default function(component) {
  const { data } = component;
  if (window.__adamaxFit) return;
  window.__adamaxFit = setInterval(() => { if (window.innerWidth < data.below) fit(data.smallest); }, 400);
}
"""
_fit_formulae = st.components.v2.component("adamax_fit_formulae", html="<span></span>", js=FIT_JS)


def break_equalities(latex: str) -> str:
    r"""An `aligned` block with each chain a = b = c broken into lines at its = signs (at brace depth 0), so a
    phone shows it at a readable size:  `m &= a = b \\`  becomes  `m &= a \\ &= b \\`.

    >>> break_equalities(r"\begin{aligned} m &= 0.9 \cdot g = 1 \\ u &= \max(a, b) = 2 \end{aligned}")
    '\\begin{aligned} m &= 0.9 \\cdot g \\\\ &= 1 \\\\ u &= \\max(a, b) \\\\ &= 2 \\end{aligned}'
    """
    out, depth, index = [], 0, 0
    while index < len(latex):
        char = latex[index]
        depth += {"{": 1, "}": -1}.get(char, 0)
        if latex.startswith(" = ", index) and depth == 0 and not latex[:index].rstrip().endswith("&"):
            out.append(r" \\ &= ")
            index += 3
            continue
        out.append(char)
        index += 1
    return "".join(out)


def stacked(figure: dict) -> dict:
    """A section's map-and-panels figure, stacked on a narrow screen (figures/stacked.py); as it is otherwise."""
    return stack(figure, chart_width()) if narrow() else figure


def one_map(figure: dict, *, true_geometry: bool = False) -> dict:
    """A one-map figure (Sweeps), fitted to a narrow screen's width (figures/stacked.py); as it is otherwise."""
    return fit_map(figure, chart_width(), true_geometry=true_geometry) if narrow() else figure
