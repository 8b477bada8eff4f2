"""Take it to slides: the offline HTML, the runs' CSV and JSON, and the Python snippet reproduce the page's runs."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from ui import url
from ui.compute import explorer_figure_for, results_for
from ui.handout import animation_html, runs_csv, runs_json

LINK = {"surface": ["goldstein_price"], "start": ["0.8,-1.8"], "steps": ["60"],
        "run": ["adamax(lr=0.05)", "sgd(lr=0.0001,momentum=0.9)"]}


@pytest.fixture(scope="module")
def page():
    state, notices = url.decode(LINK)
    assert notices == []
    return state, results_for(state)


def test_the_html_is_self_contained_and_animated(page):
    state, _ = page
    html = animation_html(explorer_figure_for(state), "AdaMax Lab", "AdaMax Lab — Rosenbrock, from (-1.2, 1)")
    assert "<h2" in html and "Rosenbrock, from (-1.2, 1)" in html
    assert '"showlegend":true' in html.replace(" ", "")  # the run names, in the legend
    assert "<script src=" not in html.lower() and "cdn" not in html.lower().split("plotly.js v")[0][-200:]
    assert "Plotly.addFrames" in html or '"frames"' in html
    assert len(html) > 3_000_000  # plotly.js itself is inside


def test_csv_has_every_step_exactly(page):
    state, results = page
    table = pd.read_csv(io.StringIO(runs_csv(results)))
    assert len(table) == 2 * (state.steps + 1)
    adamax = table[table["run"] == results[0].label]
    np.testing.assert_array_equal(adamax[["x", "y"]].to_numpy(), results[0].trajectory.points)
    np.testing.assert_array_equal(adamax["u_x"].to_numpy()[1:], results[0].trajectory.states["u"][:, 0])


def test_json_has_settings_and_points_and_no_nan(page):
    state, results = page
    document = json.loads(runs_json(state, results))
    assert url.decode(dict(__import__("urllib.parse").parse.parse_qs(document["link"][1:])))[0] == state
    sgd = document["runs"][1]
    assert sgd["optimizer"] == "sgd" and sgd["hyperparameters"]["momentum"] == 0.9 and sgd["diverged_at"] == 7
    assert np.array_equal(np.array(sgd["points"], dtype=float), results[1].trajectory.points)


