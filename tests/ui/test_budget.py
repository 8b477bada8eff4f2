"""A heavy link waits for a click (ui/budget.py); every preset and ordinary link opens at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import url
from ui.budget import WORK_BUDGET, work
from ui.presets import PRESETS
from ui.sections import SECTIONS
from ui.state import MAX_RUNS, AppState, RunSpec

APP = str(Path(__file__).resolve().parents[2] / "app.py")
HEAVY = {"surface": "himmelblau", "view": "3d", "section": "lp", "steps": "5000", "run": ["adamlp(p=256)"] * 7}


# Per section, a link over the budget whose race alone is within it (the section's own work makes it heavy), where
# a section can have one: the race and Inside AdaMax compute nothing but the race's runs.
HEAVY_LINKS = {
    "race": "section=race&steps=5000" + "&run=adam" * MAX_RUNS,
    "inside": "section=inside&steps=5000" + "&run=adamax(lr=0.01)" * MAX_RUNS,
    "lp": "section=lp&steps=5000&run=adamax",
    "eps": "section=eps&steps=5000&run=adamax&run=adam",
    "sweep": "section=sweep&sweep=adamax(cells=128)&steps=5000",
    "model": "section=model&model=mlp(epochs=200)",
    "sweep noisy": "section=sweep&sweep=adamax(cells=128)&steps=5000&run=adamax&run=adam&run=sgd&run=rmsprop"
                   "&noise=gaussian(scale=0.1,relative=true,seed=1)",
}


def _state(link: str) -> AppState:
    query: dict[str, list[str]] = {}
    for pair in link.split("&"):
        key, value = pair.split("=", 1)
        query.setdefault(key, []).append(value)
    state, notices = url.decode(query)
    assert not notices, notices
    return state


def test_every_section_has_a_link_over_the_budget():
    assert {link.split("&")[0].removeprefix("section=") for link in HEAVY_LINKS.values()} == set(SECTIONS)
    for name, link in HEAVY_LINKS.items():
        assert work(_state(link)) > WORK_BUDGET, name


def test_the_sweeps_own_work_makes_its_heavy_link_heavy():
    """The race of the 128-cell link is within the budget: its maps, curves and basins are what is heavy."""
    state = _state(HEAVY_LINKS["sweep"])
    assert work(AppState(**{**state.__dict__, "section": "race"})) <= WORK_BUDGET < work(state)


@pytest.mark.parametrize("name", list(HEAVY_LINKS))
def test_a_heavy_link_of_every_section_waits_for_the_click(name):
    app = AppTest.from_file(APP, default_timeout=180)
    for pair in HEAVY_LINKS[name].split("&"):
        key, value = pair.split("=", 1)
        previous = app.query_params.get(key)
        app.query_params[key] = value if previous is None else [*(previous if isinstance(previous, list)
                                                                     else [previous]), value]
    app.run()
    assert not app.exception
    assert not app.get("plotly_chart")                       # nothing computed: no map, no chart
    assert "computed on request" in app.info[0].value
    assert app.button(key="approve_view")


@pytest.mark.parametrize("section", list(SECTIONS))
@pytest.mark.parametrize("surface", list(PRESETS))
def test_every_preset_opens_at_once(surface, section):
    assert work(AppState(**{**PRESETS[surface].__dict__, "section": section})) <= WORK_BUDGET


def test_eight_runs_of_2000_steps_open_at_once_and_of_5000_wait():
    runs = tuple(RunSpec("adamax") for _ in range(MAX_RUNS))
    assert work(AppState(steps=2000, runs=runs)) <= WORK_BUDGET < work(AppState(steps=5000, runs=runs))


def test_a_heavy_link_computes_nothing_until_asked_then_draws():
    app = AppTest.from_file(APP, default_timeout=180)
    for key, value in HEAVY.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception
    assert not app.get("plotly_chart")                       # nothing computed
    assert "computed on request" in app.info[0].value
    assert app.query_params["steps"] in ("5000", ["5000"])   # the link is kept as it was
    app.button(key="approve_view").click().run()
    assert not app.exception
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert figure["data"]


def test_a_heavy_sweeps_link_draws_its_maps_once_asked():
    link = "section=sweep&sweep=adamax(cells=128)&steps=1000"
    assert work(_state(link)) > WORK_BUDGET
    app = AppTest.from_file(APP, default_timeout=180)
    for pair in link.split("&"):
        key, value = pair.split("=", 1)
        app.query_params[key] = value
    app.run()
    assert not app.get("plotly_chart")
    app.button(key="approve_view").click().run()
    assert not app.exception
    maps = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    assert any(trace["type"] == "heatmap" and len(trace["x"]) == 128 for figure in maps for trace in figure["data"])
