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


ON_SCREEN = """() => { const r = {}, gd = document.querySelector('.js-plotly-plot');
  if (gd && gd._fullLayout && gd._fullLayout.yaxis) { const b = gd.getBoundingClientRect(), y = gd._fullLayout.yaxis;
    r.mapTop = b.top + y._offset; r.mapBottom = b.top + y._offset + y._length; }
  const play = [...document.querySelectorAll('g.updatemenu-button')].find(g => g.textContent.includes('Play'));
  if (play) { const b = play.getBoundingClientRect(); r.playTop = b.top; r.playBottom = b.bottom; }
  const question = [...document.querySelectorAll('[data-testid="stAlert"]')].find(
    e => e.textContent.includes('Predict first'));
  if (question) r.questionBottom = question.getBoundingClientRect().bottom;
  const reveal = [...document.querySelectorAll('button')].find(e => /Reveal/.test(e.textContent));
  if (reveal) { const b = reveal.getBoundingClientRect(); r.revealTop = b.top; r.revealBottom = b.bottom; }
  return r; }"""
QUESTION_SCENES = ["lesson=scale_invariance&scene=1", "lesson=step_bound&scene=2", "lesson=saddles&scene=1",
                   "lesson=beta2_memory&scene=1", "lesson=saddles&scene=1&present=1",
                   "lesson=step_bound&scene=1&present=1"]


def _one_screen(page, address: str) -> dict:
    page.goto(address)
    wait_for_app(page)
    page.wait_for_selector(".player button")
    page.wait_for_timeout(1_500)  # the window's height reported, the chart fitted to it
    wait_for_app(page)
    return page.evaluate(ON_SCREEN)


@pytest.mark.parametrize("sized_page", [(1366, 768)], indirect=True)
@pytest.mark.parametrize("scene", QUESTION_SCENES)
def test_a_question_scene_fits_one_laptop_screen(sized_page, app_url, scene):
    """The map, ▶ Play, the question and Reveal at once at 1366×768, beside the chart or in presentation mode."""
    page = sized_page
    seen = _one_screen(page, f"{app_url}/?{scene}")
    height = page.viewport_size["height"]
    assert seen["playTop"] >= 0 and seen["mapBottom"] <= height, seen
    assert seen["questionBottom"] <= height and seen["revealTop"] >= 0 and seen["revealBottom"] <= height, seen


@pytest.mark.parametrize(("sized_page", "section"), [
    ((1366, 768), ""), ((1366, 768), "present=1"), ((1440, 900), ""), ((390, 844), ""),
    ((390, 844), "section=inside")], indirect=["sized_page"])
def test_the_map_and_play_share_the_first_screen(sized_page, app_url, section):
    page = sized_page
    seen = _one_screen(page, f"{app_url}/?{section}")
    assert seen["mapTop"] >= 0 and seen["mapBottom"] <= page.viewport_size["height"], seen
    assert seen["playTop"] >= 0 and seen["playBottom"] <= page.viewport_size["height"], seen


@pytest.mark.parametrize("sized_page", [(1366, 768), (1440, 900)], indirect=True)
def test_the_first_screens_map_is_one_worth_looking_at(sized_page, app_url):
    """Fitting the default page to a laptop's screen keeps the map large (≥ 260 px: a short window moves the page's
    sentence under the chart rather than shrink the map to 200 px); the sentence is still on the page."""
    page = sized_page
    seen = _one_screen(page, f"{app_url}/")
    assert seen["mapBottom"] - seen["mapTop"] >= 260, seen
    sentence = page.locator(".st-key-lab_sentence")
    assert sentence.count() == 1 and "AdaMax" in sentence.inner_text()


@pytest.mark.parametrize("sized_page", [(1366, 768)], indirect=True)
def test_presentation_mode_starts_at_the_top_of_the_page(sized_page, app_url):
    page = sized_page
    page.goto(app_url + "/?lesson=saddles&scene=2")
    wait_for_app(page)
    page.wait_for_selector(".player button")
    page.mouse.move(300, 500)
    page.mouse.wheel(0, 900)  # the teacher has scrolled down to the lesson's buttons
    page.wait_for_timeout(500)
    page.get_by_role("button", name="Present (large, for a projector)").click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('present') === '1'", timeout=30_000)
    wait_for_app(page)
    page.wait_for_timeout(1_000)
    seen = page.evaluate(ON_SCREEN)
    assert seen["playTop"] >= 0 and seen["mapBottom"] <= page.viewport_size["height"], seen


@pytest.mark.parametrize("sized_page", [(1440, 900)], indirect=True)
def test_a_step_typed_into_inside_adamax_moves_the_chart(sized_page, app_url):
    page = sized_page
    page.goto(app_url + "/?surface=rosenbrock&start=-1.2,1&steps=300&section=inside&run=adamax(lr%3D0.1)")
    wait_for_app(page)
    page.wait_for_selector(".player button")
    page.wait_for_timeout(800)
    field = page.get_by_label("step t (follows the chart's scrubber)")
    field.fill("150")
    field.press("Enter")
    wait_for_app(page)
    frames = page.evaluate("() => document.querySelector('.js-plotly-plot')._transitionData._frames"
                           ".map(f => Number(f.name))")
    nearest = min(frames, key=lambda step: abs(step - 150))
    page.wait_for_function(f"() => ({FRAME})() === {nearest}", timeout=15_000)
    page.wait_for_timeout(1_000)
    assert field.input_value() == "150"  # the typed step stays as typed
