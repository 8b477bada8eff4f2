"""The classroom in a real browser: keys, fullscreen, speed kept across Pause/Play, lessons by PageDown."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e

ACTIVE = "() => document.querySelector('.js-plotly-plot').layout.sliders[0].active"
FRAME = "() => document.querySelector('.js-plotly-plot')._fullLayout._currentFrame"
FRAME_INDEX = """() => { const gd = document.querySelector('.js-plotly-plot');
                         return gd._transitionData._frames.findIndex(f => f.name === gd._fullLayout._currentFrame); }"""
HEADS = """() => { const gd = document.querySelector('.js-plotly-plot');
                   const t = gd.data.find(t => t.name === 'current point'); return [t.x[0], t.y[0]]; }"""


def _click_box(page, locator) -> None:
    """A mouse click at the middle of an SVG element (Plotly's menus listen on their groups)."""
    box = locator.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _open_with_player(page, address: str) -> None:
    """Open `address` and wait until the page and its player component are drawn."""
    page.goto(address)
    wait_for_app(page)
    page.wait_for_selector(".player button")


def _focus_page(page) -> None:
    page.locator("h1, h4").first.click()  # focus on the page (a lesson shows its scene title, h4), not a widget


@pytest.mark.parametrize("sized_page", [(1920, 1080), (1440, 900)], indirect=True)
def test_keys_step_and_play(sized_page, app_url):
    page = sized_page
    _open_with_player(page, app_url + "/?surface=rosenbrock&steps=300")
    _focus_page(page)
    before = page.evaluate(HEADS)
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({FRAME})() !== undefined && ({FRAME})() !== '0'")
    assert page.evaluate(HEADS) != before
    page.keyboard.press("End")
    page.wait_for_function(f"() => ({FRAME})() === '300'")
    page.keyboard.press("Home")
    page.wait_for_function(f"() => ({FRAME})() === '0'")
    page.keyboard.press(" ")
    page.wait_for_function(f"() => Number(({FRAME})()) > 40", timeout=15_000)
    page.keyboard.press(" ")
    paused = page.evaluate(FRAME)
    page.wait_for_timeout(500)
    assert page.evaluate(FRAME) == paused


def test_fullscreen_then_play_advances_the_points(sized_page, app_url):
    page = sized_page
    page.goto(app_url + "/?surface=rosenbrock&steps=300")
    wait_for_app(page)
    page.locator(".player button.fullscreen").click()
    page.wait_for_function("() => document.fullscreenElement !== null")
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')._fullLayout.height > 900")
    frames = page.evaluate("() => document.querySelector('.js-plotly-plot')._transitionData._frames.length")
    assert frames > 50  # the frames are still there (Plotly's own fullscreen dropped them)
    before = page.evaluate(HEADS)
    page.keyboard.press(" ")
    page.wait_for_function(f"() => Number(({FRAME})()) > 40", timeout=15_000)
    assert page.evaluate(HEADS) != before
    page.keyboard.press("f")  # F (or Esc) leaves; headless Chromium ignores Esc
    page.wait_for_function("() => document.fullscreenElement === null")
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')._fullLayout.height < 900")


def test_the_speed_is_kept_across_pause_and_play(sized_page, app_url):
    page = sized_page
    _open_with_player(page, app_url + "/?surface=rosenbrock&steps=300")
    page.wait_for_timeout(800)  # the player hooks the chart within half a second
    _click_box(page, page.locator("g.updatemenu-header-group", has_text="speed").first)  # open the speed menu
    page.wait_for_timeout(300)
    _click_box(page, page.locator("text.updatemenu-item-text", has_text="speed 0.25×").first)
    page.locator("g.updatemenu-button", has_text="Pause").first.click()
    duration = page.evaluate("""() => document.querySelector('.js-plotly-plot')._fullLayout.updatemenus
                                 .find(m => m.name === 'play').buttons[0].args[1].frame.duration""")
    assert duration == 240  # 60 ms at 1×, so ▶ Play now resumes at 0.25×
    start = page.evaluate(FRAME_INDEX)
    page.locator("g.updatemenu-button", has_text="Play").first.click()
    page.wait_for_timeout(1200)
    advanced = page.evaluate(FRAME_INDEX) - start
    assert 1 <= advanced <= 7  # 1.2 s at 240 ms a frame: 5 frames at most (at 1×, 60 ms, it would be 20)


def test_page_down_goes_to_the_next_scene(sized_page, app_url):
    page = sized_page
    _open_with_player(page, app_url + "/?lesson=saddles&scene=1")
    _focus_page(page)
    page.keyboard.press("PageDown")
    page.wait_for_function("() => location.search.includes('scene=2')", timeout=30_000)
    wait_for_app(page)
    assert page.get_by_text("Momentum: in, then out").count() == 1
    _focus_page(page)
    page.keyboard.press("PageUp")
    page.wait_for_function("() => location.search.includes('scene=1')", timeout=30_000)


PLAY_BOTTOM = """() => { const b = [...document.querySelectorAll('g.updatemenu-button')]
                                   .find(g => g.textContent.includes('Play'));
                         return b ? b.getBoundingClientRect().bottom : null; }"""


@pytest.mark.parametrize("sized_page", [(1366, 768), (1440, 900), (1920, 1080)], indirect=True)
def test_presentation_mode_shows_play_without_scrolling(sized_page, app_url):
    page = sized_page
    page.goto(app_url + "/?lesson=step_bound&scene=1&present=1")
    wait_for_app(page)
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')._fullLayout.height > 500")
    wait_for_app(page)
    viewport = page.viewport_size
    bottom = page.evaluate(PLAY_BOTTOM)
    assert bottom is not None and bottom <= viewport["height"], (bottom, viewport)
    assert page.evaluate("() => window.scrollY") == 0
    assert not page.locator('section[data-testid="stSidebar"]').is_visible()
    layout = page.evaluate("() => document.querySelector('.js-plotly-plot')._fullLayout.font.size")
    assert layout >= 20
    labels = page.evaluate("""() => document.querySelector('.js-plotly-plot').data
                              .find(t => t.name === 'current point').mode""")
    assert labels == "markers+text"  # run labels ride on the points, inside the chart


LABEL_BOXES = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const heads = gd.data.find(t => t.name === 'current point');
  const names = new Set(heads.customdata || heads.text);
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, e.textContent]; };
  return {labels: [...gd.querySelectorAll('.textpoint text')].filter(e => names.has(e.textContent)).map(box),
          ticks: [...gd.querySelectorAll('.xtick text, .ytick text')].map(box), chart: box(gd)};
}"""


@pytest.mark.parametrize("sized_page", [(1366, 768), (1920, 1080)], indirect=True)
def test_presentation_labels_at_a_shared_start_stay_apart(sized_page, app_url):
    """Four runs at one start (two of them AdaMax): at step 0 each label is readable — none over another, over a
    tick label, or past the chart's edge."""
    page = sized_page
    page.goto(app_url + "/?present=1")
    wait_for_app(page)
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')._fullLayout.height > 500")
    wait_for_app(page)
    boxes = page.evaluate(LABEL_BOXES)
    labels = boxes["labels"]
    assert len(labels) == 4 and len({label[4] for label in labels}) == 4, labels

    def apart(a, b):
        return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]

    for i, label in enumerate(labels):
        assert all(apart(label, other) for other in labels[i + 1:]), labels
        assert all(apart(label, tick) for tick in boxes["ticks"]), (label, boxes["ticks"])
        chart = boxes["chart"]
        assert chart[0] <= label[0] and label[2] <= chart[2], (label, chart)


def test_inside_equations_follow_the_scrubber(sized_page, app_url):
    page = sized_page
    _open_with_player(page, app_url + "/?surface=rosenbrock&start=-1.2,1&steps=300&section=inside&run=adamax(lr%3D0.1)")
    page.wait_for_timeout(800)  # the player hooks the chart within half a second
    touch = page.locator(".js-plotly-plot .slider-rail-touch-rect").first
    touch.scroll_into_view_if_needed()
    rail = touch.bounding_box()
    page.mouse.click(rail["x"] + rail["width"] * 0.6, rail["y"] + rail["height"] / 2)
    page.wait_for_function("() => document.querySelector('.js-plotly-plot').layout.sliders[0].active > 10")
    # the slider moves first, the frame follows (on a busy machine, a moment later)
    page.wait_for_function("() => Number(document.querySelector('.js-plotly-plot')._fullLayout._currentFrame) > 10")
    scrubbed = int(page.evaluate("() => document.querySelector('.js-plotly-plot')._fullLayout._currentFrame"))
    field = page.get_by_label("step t (follows the chart's scrubber)")
    page.wait_for_function("t => [...document.querySelectorAll('input')].some(i => i.value === String(t))",
                           arg=scrubbed, timeout=30_000)
    assert field.input_value() == str(scrubbed)


def test_the_html_export_plays_offline_from_a_file(browser, tmp_path):
    from ui import url
    from ui.compute import explorer_figure_for
    from ui.handout import animation_html

    state, _ = url.decode({"surface": ["rosenbrock"], "steps": ["200"]})
    path = tmp_path / "race.html"
    path.write_text(animation_html(explorer_figure_for(state), "AdaMax Lab"), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1440, "height": 900}, offline=True)
    requested: list[str] = []
    context.route("**/*", lambda route: (requested.append(route.request.url), route.continue_()
                                         if route.request.url.startswith("file:") else route.abort()))
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_function("() => document.querySelector('.js-plotly-plot') && "
                           "document.querySelector('.js-plotly-plot')._transitionData._frames.length > 50")
    page.locator("g.updatemenu-button", has_text="Play").first.click()
    page.wait_for_function("() => Number(document.querySelector('.js-plotly-plot')._fullLayout._currentFrame) > 20",
                           timeout=15_000)
    assert all(address.startswith("file:") for address in requested), requested
    context.close()


def test_single_steps_with_a_frame_every_step(sized_page, app_url):
    page = sized_page
    page.goto(app_url + "/?surface=booth&steps=300")
    wait_for_app(page)
    slider = page.locator('[data-testid="stSlider"]').filter(has_text="Animation stride").get_by_role("slider")
    slider.focus()
    slider.press("ArrowRight")  # auto → 1
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')._transitionData._frames.length === 301",
                           timeout=30_000)
    wait_for_app(page)
    page.wait_for_timeout(600)
    _focus_page(page)
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({FRAME})() === '1'")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => ({FRAME})() === '2'")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => ({FRAME})() === '1'")
