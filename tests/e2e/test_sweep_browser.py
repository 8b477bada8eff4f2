"""The Sweeps section in a real browser: a click on a map's cell adds that configuration to the race; the CSV."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from optimizers import AdaMax, sweep
from optimizers.sweep import natural_coordinate, readable_axis
from surfaces import SURFACES
from tests.e2e.conftest import wait_for_app
from ui import url
from ui.compute import divergence_bound
from ui.sections.sweep import cell_spec, map_axes, sweep_frame
from ui.state import AppState, RunSpec, SweepSpec

pytestmark = pytest.mark.e2e

LINK = "/?surface=booth&start=-8,8&steps=100&section=sweep&sweep=adamax(vs=none,cells=16)&run=adamax(lr%3D0.2)"


def test_clicking_a_map_cell_adds_its_configuration_to_the_race(page, app_url):
    page.goto(app_url + LINK)
    wait_for_app(page)
    specs = {h.name: h for h in AdaMax.HYPERPARAMETERS}
    lr, beta2 = readable_axis(specs["lr"], 16), readable_axis(specs["beta2"], 16)  # the map's short values
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
    assert dict(added.params)["lr"] == lr[i]  # the cell's own float, in a few digits
    assert f"lr={url._number(lr[i])}" in expected and f"beta2={url._number(beta2[j])}" in expected
    assert len(expected) <= len("adamax(beta2=0.99937,lr=0.038)")


def test_the_csv_download_is_the_maps_sweep(page, app_url):
    """The CSV is written only when the button is clicked (deferred): what arrives is the map's sweep, cell by cell."""
    page.goto(app_url + LINK)
    wait_for_app(page)
    page.wait_for_timeout(1000)  # the player reports the window once, which may rerun the page: let it settle
    wait_for_app(page)
    button = page.get_by_role("button", name="Download this map as CSV")
    for attempt in range(2):  # a click that lands while a rerun replaces the button is lost (seen once in CI)
        try:
            with page.expect_download(timeout=20_000) as download:
                button.click()
            break
        except PlaywrightTimeoutError:
            if attempt:
                raise
            wait_for_app(page)
    text = Path(download.value.path()).read_text(encoding="utf-8")
    x_axis, y_axis = map_axes("adamax", SweepSpec(resolution=16))
    booth = SURFACES["booth"]
    result = sweep(AdaMax(lr=x_axis.values[:, None, None], beta2=y_axis.values[None, :, None]), booth,
                   np.array([-8.0, 8.0]), 100, bound=divergence_bound(booth))
    assert text == sweep_frame(result, x_axis, y_axis).to_csv(index=False)
    assert download.value.suggested_filename == "sweep_booth_adamax_lr_beta2.csv"
