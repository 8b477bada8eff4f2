"""Pictures in Chromium: maps drawn at true geometry at a desktop, a laptop and a phone width."""

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


# A formula wider than its place scrolls inside .katex-display (overflow-x: auto): part of it is hidden.
# (A fully shown formula may still overhang by a pixel or two: KaTeX's italic corrections.)
OVERFLOWING_FORMULAE = """() => [...document.querySelectorAll('.katex-display')]
  .filter(el => el.scrollWidth > el.clientWidth + 4).map(el => el.textContent.slice(0, 40))"""


@pytest.mark.parametrize("surface", ["beale", "six_hump_camel", "ackley", "goldstein_price"])
def test_the_header_formula_is_not_cut_off_at_1440(browser, app_url, surface):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{app_url}/?surface={surface}")
        wait_for_app(page)
        assert page.evaluate(OVERFLOWING_FORMULAE) == []
    finally:
        context.close()
