"""The section "On a real model" in a real browser: its charts drawn with the five runs at desktop, laptop and
phone widths (nothing wider than the window), and the paper's comparison from its button."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e

LINK = "/?section=model&model=mlp(epochs=6)"


@pytest.mark.parametrize("sized_page", [(1920, 1080), (1440, 900), (390, 844)], indirect=True,
                         ids=["desktop", "laptop", "phone"])
def test_the_section_draws_its_charts_within_the_window(sized_page, app_url):
    page = sized_page
    page.goto(app_url + LINK)
    wait_for_app(page, charts=3)
    summary = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => ({
        revision: gd.layout.uirevision, names: gd.data.filter(t => t.showlegend !== false && t.name).map(t => t.name),
        width: gd.getBoundingClientRect().width}))""")
    curves = next(chart for chart in summary if chart["revision"] == "model-curves")
    assert [name.split(" (")[0] for name in curves["names"]] == ["AdaMax", "Adam", "SGD-Nesterov", "RMSProp",
                                                                 "AdaGrad"]
    landscape = next(chart for chart in summary if chart["revision"] == "model-landscape")
    assert len(landscape["names"]) == 6   # five shadows and the grid's lowest point
    width = page.viewport_size["width"]
    assert all(chart["width"] <= width for chart in summary)
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    assert page.get_by_text("the training loss ranks").count() == 1


def test_the_papers_comparison_from_its_button(page, app_url):
    page.goto(app_url + "/?section=model&model=logistic(epochs=4)")
    wait_for_app(page, charts=3)
    page.get_by_role("button", name="The paper's comparison").click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('model').includes('batch=128')",
                           timeout=60_000)
    wait_for_app(page, charts=4)
    assert page.get_by_text("The paper (Kingma & Ba, §6.1, MNIST)").count() == 1
    assert page.get_by_text("The digits agree").count() == 1
