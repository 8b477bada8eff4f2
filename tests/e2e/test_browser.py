"""The explorer in a real browser: what a user does — load, play, move a slider, click the map, open a link."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e

CHART = ".js-plotly-plot"


def chart_state(page, index: int = 0) -> dict:
    """What Plotly holds for the chart: trace names, frame names, the scrubber position, the start marker."""
    return page.evaluate(
        """i => { const gd = document.querySelectorAll('.js-plotly-plot')[i];
                  const start = gd.data.find(t => t.name === 'start');
                  return { names: gd.data.filter(t => t.showlegend && t.mode === 'lines').map(t => t.name),
                           frames: (gd._transitionData._frames || []).map(f => f.name),
                           active: gd.layout.sliders[0].active,
                           start: start ? [start.x[0], start.y[0]] : null }; }""", index)


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def test_page_loads_and_draws_the_animated_chart(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    state = chart_state(page)
    assert len(state["names"]) >= 3 and state["names"][0].startswith("AdaMax")
    assert len(state["frames"]) >= 50 and state["active"] == 0
    assert page.locator(f"{CHART} .imagelayer image").count() == 1  # the contour map
    assert query_of(page)["surface"] == ["rosenbrock"]


def test_play_advances_the_frames(page, app_url):
    page.goto(app_url)
    wait_for_app(page)
    page.locator("g.updatemenu-button", has_text="Play").first.click()
    page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot').layout.sliders[0].active > 5", timeout=15_000)
    page.locator("g.updatemenu-button", has_text="Pause").first.click()
    paused = chart_state(page)["active"]
    page.wait_for_timeout(600)
    assert chart_state(page)["active"] == paused  # pause holds the frame


def test_moving_the_steps_slider_changes_the_chart(page, app_url):
    page.goto(app_url + "/?surface=beale&steps=300&run=adamax(lr%3D0.05)&run=adam(lr%3D0.05)")
    wait_for_app(page)
    assert chart_state(page)["frames"][-1] == "300"
    slider = page.locator('[data-testid="stSlider"]').filter(has_text="Steps").get_by_role("slider")
    slider.focus()
    slider.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('steps=500')", timeout=30_000)
    wait_for_app(page)
    page.wait_for_function(
        "() => { const f = document.querySelector('.js-plotly-plot')._transitionData._frames;"
        " return f[f.length - 1].name === '500'; }", timeout=30_000)
    assert query_of(page)["steps"] == ["500"]


def test_clicking_the_map_moves_the_start(page, app_url):
    page.goto(app_url + "/?surface=booth&start=-8,8&steps=100&run=adamax(lr%3D0.2)")
    wait_for_app(page)
    assert chart_state(page)["start"] == [-8, 8]
    where = """() => { const gd = document.querySelector('.js-plotly-plot'); const l = gd._fullLayout;
                   const box = gd.getBoundingClientRect();
                   return [box.left + l.xaxis._offset + l.xaxis.d2p(5),
                           box.top + l.yaxis._offset + l.yaxis.d2p(-5)]; }"""
    target, seen = None, page.evaluate(where)
    while target != seen:  # where (5, −5) is once the page has stopped moving (the live sliders arrive last)
        target = seen
        page.mouse.move(*target)
        page.wait_for_timeout(300)
        seen = page.evaluate(where)
    page.mouse.click(*target)
    page.wait_for_function("() => !location.search.includes('start=-8')", timeout=30_000)
    wait_for_app(page)
    page.wait_for_function(
        "() => { const s = document.querySelector('.js-plotly-plot').data.find(t => t.name === 'start');"
        " return s && s.x[0] === 5 && s.y[0] === -5; }", timeout=30_000)
    assert query_of(page)["start"] == ["5,-5"]


def test_a_shared_link_restores_the_same_view(page, app_url):
    link = ("/?surface=beale&start=1,1.5&steps=300&view=contour"
            "&run=adamax(lr%3D0.05)&run=adam(beta2%3D0.99,lr%3D0.05)&run=sgd(lr%3D0.002,momentum%3D0.9)")
    page.goto(app_url + link)
    wait_for_app(page)
    state = chart_state(page)
    assert state["names"] == ["AdaMax(lr=0.05)", "Adam(lr=0.05, beta2=0.99)", "SGD(lr=0.002, momentum=0.9)"]
    assert state["start"] == [1, 1.5] and state["frames"][-1] == "300"
    assert query_of(page)["run"] == ["adamax(lr=0.05)", "adam(beta2=0.99,lr=0.05)", "sgd(lr=0.002,momentum=0.9)"]
    assert page.get_by_text("could not be used").count() == 0


def test_internals_cursor_moves_with_the_scrubber(page, app_url):
    page.goto(app_url + "/?surface=rosenbrock&start=-1.2,1&steps=300&section=inside&run=adamax(lr%3D0.1)")
    wait_for_app(page)
    read = """() => { const gd = document.querySelector('.js-plotly-plot');
                      const cursors = gd.data.filter(t => t.name === 'cursor').map(t => t.x[0]);
                      const point = gd.data.find(t => t.name === 'θ_t');
                      const slider = gd.layout.sliders[0];
                      return { cursors, point: [point.x[0], point.y[0]],
                               step: Number(slider.steps[slider.active || 0].label) }; }"""
    before = page.evaluate(read)
    assert before["step"] == 1 and set(before["cursors"]) == {1}
    touch = page.locator(".js-plotly-plot .slider-rail-touch-rect").first
    touch.scroll_into_view_if_needed()
    rail = touch.bounding_box()
    page.mouse.click(rail["x"] + rail["width"] * 0.6, rail["y"] + rail["height"] / 2)  # scrub to ~60 %
    page.wait_for_function("() => document.querySelector('.js-plotly-plot').layout.sliders[0].active > 10")
    after = page.evaluate(read)
    assert after["step"] > 100
    assert set(after["cursors"]) == {after["step"]}  # every panel's cursor sits on the scrubbed step
    assert after["point"] != before["point"]  # and the point on the map moved with it


def test_inside_equations_at_step_200_are_not_cut_off(browser, app_url):
    """The equations with numbers got a 3/5 column and were cut off at step 200 (1,440 wide)."""
    context = browser.new_context(viewport={"width": 1440, "height": 1400})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(app_url + "/?section=inside")
    wait_for_app(page)
    step = page.locator('[data-testid="stNumberInput"]').filter(has_text="step t").locator("input")
    step.fill("200")
    step.press("Enter")
    page.wait_for_function("() => [...document.querySelectorAll('.st-key-step_equations .katex')]"
                           ".some(e => e.textContent.includes('200'))")
    widths = page.evaluate("() => [...document.querySelectorAll('.st-key-step_equations .katex-display')]"
                           ".map(e => [e.scrollWidth, e.clientWidth])")
    context.close()
    assert widths and all(scroll <= client + 2 for scroll, client in widths), widths


RECORD_DRAWS = """() => { window.__calcdata = []; const plotly = window.Plotly;
    if (!plotly.__recorded) { const react = plotly.react;
        plotly.react = function (gd, ...rest) { const done = react.call(this, gd, ...rest);
            Promise.resolve(done).then(() => window.__calcdata.push(gd.calcdata)); return done; };
        plotly.__recorded = true; } }"""
# A full draw computes the traces' calcdata afresh (a new array); a light update keeps the one it has.
DRAWS = "() => ({calls: window.__calcdata.length, computed: new Set(window.__calcdata).size})"


def test_a_slider_move_draws_the_new_chart_once(page, app_url):
    """Streamlit's chart mounts a new figure, then re-applies its theming to a deep copy of it; plotly.js must
    not compute and draw everything a second time for that copy (ui/figure.py)."""
    page.goto(app_url + "/?surface=rosenbrock&steps=300&run=adamax(lr%3D0.1)&run=adam(lr%3D0.05)")
    wait_for_app(page)
    panel = page.locator('[data-testid="stExpander"]').filter(has_text="Run 1").first
    panel.locator("summary").click()
    slider = panel.get_by_role("slider").first
    slider.wait_for()
    wait_for_app(page)
    page.wait_for_timeout(500)
    for key in ("ArrowRight", "ArrowLeft"):
        names = chart_state(page)["names"]
        page.evaluate(RECORD_DRAWS)
        slider.focus()
        slider.press(key)
        page.wait_for_function("before => document.querySelector('.js-plotly-plot').data.filter("
                               "t => t.showlegend && t.mode === 'lines').map(t => t.name).join('|') !== before",
                               arg="|".join(names))
        wait_for_app(page)
        page.wait_for_timeout(500)
        assert chart_state(page)["names"] != names
        draws = page.evaluate(DRAWS)
        assert draws["calls"] >= 1 and draws["computed"] == 1, draws
