"""Issue 7, "Pictures", in Chromium: maps drawn at true geometry at a desktop, a laptop and a phone width."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e

PX_PER_UNIT = """() => { const l = document.querySelector('.js-plotly-plot')._fullLayout;
  const perUnit = axis => axis._length / Math.abs(axis.range[1] - axis.range[0]);
  return [perUnit(l.xaxis), perUnit(l.yaxis)]; }"""


@pytest.mark.parametrize("width, height", [(1920, 1080), (1440, 900), (390, 844)])
@pytest.mark.parametrize("link", ["/", "/?section=inside"], ids=["race", "inside"])
def test_one_unit_of_x_is_as_long_as_one_unit_of_y(browser, app_url, link, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(app_url + link)
        wait_for_app(page)
        x, y = page.evaluate(PX_PER_UNIT)
        assert x > 0 and abs(x / y - 1) < 0.02, f"{x:.1f} px per unit on x, {y:.1f} on y"
    finally:
        context.close()
