"""The section table: every registered section has what the frame needs of it, and its cost is counted."""

from __future__ import annotations

import types

import pytest

from ui import budget
from ui.sections import REQUIRED, SECTIONS, TITLES, section_module
from ui.state import AppState, SweepSpec


@pytest.mark.parametrize("key", list(SECTIONS))
def test_every_registered_section_has_its_draw_cost_and_layout_facts(key):
    module = section_module(key)
    missing = [name for name in REQUIRED if not hasattr(module, name)]
    assert not missing, f"section {key!r} lacks {missing}"
    assert callable(module.draw) and callable(module.cost)
    assert module.cost(AppState(section=key)) >= 0


def test_a_section_without_a_cost_cannot_open(monkeypatch):
    """The budget asks the section's module for its cost: a module without one fails loudly, not silently free."""
    bare = types.ModuleType("ui.sections.bare")
    bare.draw = lambda state, results: None
    monkeypatch.setitem(SECTIONS, "bare", SECTIONS["race"]._replace(module="bare"))
    monkeypatch.setitem(__import__("sys").modules, "ui.sections.bare", bare)
    with pytest.raises(AttributeError):
        budget.work(AppState(section="bare"))


def test_the_largest_sweeps_link_waits_for_a_click():
    """?section=sweep&sweep=adamax(cells=128)&steps=5000: two 128² maps × 5,000 steps, far over the budget."""
    state = AppState(section="sweep", steps=5000, sweep=SweepSpec(resolution=128))
    assert budget.work(state) > budget.WORK_BUDGET
    assert budget.work(AppState(section="sweep")) <= budget.WORK_BUDGET   # the default view opens at once


def test_titles_are_the_tables():
    assert {key: section.title for key, section in SECTIONS.items()} == TITLES
