"""The race's outcome table reads without horizontal scrolling on a laptop with the sidebar open: every column of
four runs, and of eight, inside the table's width at 1440×900 and 1366×768 — and in a lesson's column beside the
lesson's words."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e

EIGHT_RUNS = ("?surface=rosenbrock&steps=300&run=adamax(lr=0.05)&run=adam(lr=0.05,beta2=0.99,eps=0.001)"
              "&run=sgd(lr=0.001,momentum=0.9,nesterov=true)&run=rmsprop(lr=0.01)&run=adagrad(lr=0.5)"
              "&run=adamax(lr=0.5,beta1=0.5,beta2=0.5)&run=sgd(lr=0.01)&run=adamlp(lr=0.02,p=4)")
ROWS = """n => {
  const grid = document.querySelector('[data-testid="stDataFrame"] [role=grid]');
  return grid && grid.getAttribute('aria-rowcount') == n + 1
    && document.querySelector('[data-testid="stDataFrame"] .dvn-scroller');
}"""
TABLE = """() => {
  const table = document.querySelector('[data-testid="stDataFrame"]');
  const scroller = table.querySelector('.dvn-scroller');
  const sidebar = document.querySelector('[data-testid="stSidebar"]');
  return {scrollWidth: scroller.scrollWidth, clientWidth: scroller.clientWidth,
          scrollHeight: scroller.scrollHeight, clientHeight: scroller.clientHeight,
          sidebar: sidebar ? sidebar.getBoundingClientRect().width : 0};
}"""


@pytest.mark.parametrize("sized_page", [(1440, 900), (1366, 768)], indirect=True)
@pytest.mark.parametrize("link, runs", [("", 4), (EIGHT_RUNS, 8), ("?lesson=scale_invariance&scene=4", 3)],
                         ids=["four runs", "eight runs", "a lesson"])
def test_every_column_is_inside_the_table(sized_page, app_url, link, runs):
    page = sized_page
    page.goto(app_url + "/" + link)
    wait_for_app(page)
    table = page.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    # The grid's accessible copy of the table counts its rows, the header's included: one row a run.
    page.wait_for_function(ROWS, arg=runs)
    size = page.evaluate(TABLE)
    if "lesson" not in link:
        assert size["sidebar"] > 200  # the sidebar is open beside the page (a lesson's column stands for it)
    assert size["scrollWidth"] <= size["clientWidth"], size  # no horizontal scrolling
    assert size["scrollHeight"] <= size["clientHeight"] + 1, size  # every run on screen, no scrolling inside
