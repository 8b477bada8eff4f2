"""A lecture in a real browser: a hidden scene played, the step button, a scene on one screen, accessibility."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e

CURVE_POINTS = """() => { const gd = document.querySelector('.js-plotly-plot');
  return gd.data.filter(t => (t.xaxis === 'x2' || t.xaxis === 'x3') && t.mode === 'lines')
                .map(t => (t.x || []).length); }"""
FRAME = "() => Number(document.querySelector('.js-plotly-plot')._fullLayout._currentFrame || 0)"


@pytest.mark.parametrize("sized_page", [(1366, 768)], indirect=True)
def test_play_in_a_hidden_scene_draws_the_curves_as_the_runs_go(sized_page, app_url):
    page = sized_page
    page.goto(app_url + "/?lesson=saddles&scene=1")
    wait_for_app(page)
    page.wait_for_selector(".player button")
    page.wait_for_timeout(800)
    assert set(page.evaluate(CURVE_POINTS)) == {0}  # nothing drawn before Play
    assert page.get_by_text("Predict first").count() == 1
    page.mouse.click(5, page.viewport_size["height"] - 5)
    page.keyboard.press(" ")
    page.wait_for_function(f"() => ({FRAME})() >= 40")
    halfway = page.evaluate(CURVE_POINTS)
    assert min(halfway) > 2
    page.wait_for_function(f"() => ({FRAME})() === 100", timeout=20_000)
    assert min(page.evaluate(CURVE_POINTS)) >= max(halfway)
    assert page.get_by_text("Before you press").count() == 0


@pytest.mark.parametrize("sized_page", [(1440, 900)], indirect=True)
def test_the_step_buttons_move_one_iteration_and_keep_the_stride_in_the_link(sized_page, app_url):
    page = sized_page
    page.goto(app_url + "/?surface=rosenbrock&steps=300")
    wait_for_app(page)
    page.wait_for_selector(".player button.step-forward")
    page.wait_for_timeout(800)
    assert page.evaluate("() => document.querySelector('.js-plotly-plot')._transitionData._frames.length") < 100
    page.locator(".player button.step-forward").click()  # a frame every iteration first, then one step
    page.wait_for_function("() => new URLSearchParams(location.search).get('stride') === '1'", timeout=30_000)
    wait_for_app(page)
    page.wait_for_function(f"() => ({FRAME})() === 1", timeout=15_000)
    for expected in (2, 3):
        page.locator(".player button.step-forward").click()
        page.wait_for_function(f"() => ({FRAME})() === {expected}")
    page.locator(".player button.step-back").click()
    page.wait_for_function(f"() => ({FRAME})() === 2")
    page.mouse.click(5, page.viewport_size["height"] - 5)
    page.keyboard.press("Shift+ArrowRight")
    page.wait_for_function(f"() => ({FRAME})() === 3")
