"""The page's sections: one table maps a section key (as in the link's `section=`) to its title and draw function.

Each section is a module with a `draw(state, results)`; the titles live in ui/state.py (the link format needs them
without Streamlit), this table adds the drawing. A new section is a module here and one line below.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ..inside import draw_inside
from ..limits import draw_eps, draw_lp
from ..state import SECTIONS as TITLES
from . import model, race, sweep


class Section(NamedTuple):
    title: str
    draw: Callable[..., None]   # draw(state: AppState, results: list[RunResult]) -> None


SECTIONS: dict[str, Section] = {
    "race": Section(TITLES["race"], race.draw),
    "inside": Section(TITLES["inside"], draw_inside),
    "lp": Section(TITLES["lp"], lambda state, results: draw_lp(state)),
    "eps": Section(TITLES["eps"], lambda state, results: draw_eps(state)),
    "sweep": Section(TITLES["sweep"], sweep.draw),
    "model": Section(TITLES["model"], model.draw),
}
assert SECTIONS.keys() == TITLES.keys(), "every section of the link format has a drawer"
