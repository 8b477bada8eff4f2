"""A heavy link waits for a click (ui/budget.py); every preset and ordinary link opens at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.budget import WORK_BUDGET, work
from ui.presets import PRESETS
from ui.sections import SECTIONS
from ui.state import MAX_RUNS, AppState, RunSpec

APP = str(Path(__file__).resolve().parents[1] / "app.py")
HEAVY = {"surface": "himmelblau", "view": "3d", "section": "lp", "steps": "5000", "run": ["adamlp(p=256)"] * 7}


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
