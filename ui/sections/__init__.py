"""The page's sections: ONE table maps a section's key (the link's `section=`) to its title and its module.

A section is a module of this package with

    draw(state: AppState, results: list[RunResult]) -> None    what it puts on the page
    cost(state: AppState) -> float     the run-steps it computes beyond the race's runs (ui/budget.py: a view over
                                       the budget waits for a click, so every section must say what it costs)
    CHART_TOP: int                     px from the window's top to its chart when a lesson sits beside it
    FRAME_KEY: str | None              the session-state key the chart's scrubbed step is written to, if any

and one row below. Modules are imported when first used, so the table itself imports nothing heavy: the link's
reader (ui/url.py) and the state (ui/state.py) read the keys and titles without Streamlit's drawing code.
tests/ui/test_sections.py checks every row's module has all four.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import NamedTuple


class Section(NamedTuple):
    title: str
    module: str   # the module of this package that draws it


SECTIONS: dict[str, Section] = {
    "race": Section("The race", "race"),
    "inside": Section("Inside AdaMax", "inside"),
    "lp": Section("From Adam to AdaMax", "lp"),
    "eps": Section("Where ε goes", "eps"),
    "sweep": Section("Sweeps", "sweep"),
    "model": Section("On a real model", "model"),
}
TITLES: dict[str, str] = {key: section.title for key, section in SECTIONS.items()}
REQUIRED = ("draw", "cost", "CHART_TOP", "FRAME_KEY")


def section_module(key: str) -> ModuleType:
    """The module that draws section `key` (a KeyError for a key the table lacks)."""
    return importlib.import_module(f"{__name__}.{SECTIONS[key].module}")
