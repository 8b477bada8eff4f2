"""The Sweeps section in a real browser: a click on a map's cell adds that configuration to the race."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

from optimizers import AdaMax
from optimizers.sweep import hyperparameter_axis, natural_coordinate
from tests.e2e.conftest import wait_for_app
from ui import url
from ui.sections.sweep import cell_spec
from ui.state import AppState, RunSpec

pytestmark = pytest.mark.e2e

LINK = "/?surface=booth&start=-8,8&steps=100&section=sweep&sweep=adamax(vs=none,cells=16)&run=adamax(lr%3D0.2)"


def test_clicking_a_map_cell_adds_its_configuration_to_the_race(page, app_url):
    page.goto(app_url + LINK)
    wait_for_app(page)
    specs = {h.name: h for h in AdaMax.HYPERPARAMETERS}
    lr, beta2 = hyperparameter_axis(specs["lr"], 16), hyperparameter_axis(specs["beta2"], 16)
    i, j = 9, 12
    x, y = float(natural_coordinate("log", lr[i])), float(natural_coordinate("one_minus_log", beta2[j]))
    target = page.evaluate(
        """([x, y]) => { const gd = document.querySelector('.js-plotly-plot'); const l = gd._fullLayout;
                         const box = gd.getBoundingClientRect();
                         return [box.left + l.xaxis._offset + l.xaxis.d2p(x),
                                 box.top + l.yaxis._offset + l.yaxis.d2p(y)]; }""", [x, y])
    page.mouse.move(*target)
    page.wait_for_timeout(300)
    assert "click to add to the race" in page.locator(".hoverlayer").first.text_content()
    page.mouse.click(*target)
    page.wait_for_function("() => new URLSearchParams(location.search).getAll('run').length === 2", timeout=30_000)
    wait_for_app(page)
    added = cell_spec(RunSpec("adamax", (("lr", 0.2),)), "lr", float(lr[i]), "beta2", float(beta2[j]))
    expected = url.encode(AppState(runs=(added,)))["run"][0]
    assert parse_qs(urlparse(page.url).query)["run"] == ["adamax(lr=0.2)", expected]
    assert page.get_by_text("to the race.").count() >= 1  # the confirmation
    assert np.isclose(dict(added.params)["lr"], lr[i])
