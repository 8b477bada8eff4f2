"""Fullscreen entered while the race plays, as a teacher does it: F, the page's ⛶ button or the chart's toolbar icon,
at a projector's and a laptop's size, in presentation mode too — and leaving it again, still playing."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e

# Every subplot's clip rectangle against its axes' size: a chart re-laid out in the middle of an animation keeps
# drawing its traces for the old size (the map in a corner, the curves cut off) — this lists such subplots.
MISDRAWN = """() => { const gd = document.querySelector('.js-plotly-plot'), full = gd._fullLayout;
  return Object.entries(full._plots).filter(([id, plot]) => {
    const rect = gd.querySelector(`#clip${full._uid}${id}plot rect`);
    return rect && (Math.abs(+rect.getAttribute('width') - plot.xaxis._length) > 1 ||
                    Math.abs(+rect.getAttribute('height') - plot.yaxis._length) > 1); }).map(([id]) => id); }"""
CHART = """() => { const gd = document.querySelector('.js-plotly-plot'), full = gd._fullLayout;
  return {frames: gd._transitionData._frames.length, frame: Number(full._currentFrame || 0), width: full.width,
          height: full.height, mapWidth: full.xaxis._length, mapTop: full.yaxis._offset,
          full: !!document.fullscreenElement, playing: !!gd._transitionData._animationRaf}; }"""


def _enter(page, how: str) -> None:
    if how == "key":
        page.keyboard.press("f")
    elif how == "button":
        page.locator(".player button.fullscreen").click()
    else:  # the chart's own toolbar icon
        page.hover(".js-plotly-plot")
        page.locator('.js-plotly-plot .modebar-btn[data-title="Fullscreen"]').first.click()


def _settled(page) -> dict:
    """The chart once it has been drawn right for a second (a redraw in progress is misdrawn for a moment)."""
    page.evaluate("() => { window.__misdrawnAt = performance.now(); }")
    page.wait_for_function(f"""() => {{ const now = performance.now();
        if (({MISDRAWN})().length) window.__misdrawnAt = now;
        return now - window.__misdrawnAt > 1500; }}""", timeout=10_000, polling=50)
    return page.evaluate(CHART)


@pytest.mark.parametrize(("sized_page", "query", "how"), [
    ((1920, 1080), "", "key"),
    ((1920, 1080), "", "button"),
    ((1920, 1080), "", "toolbar"),
    ((1440, 900), "", "button"),
    ((1366, 768), "&present=1", "key"),
    ((1366, 768), "&present=1", "toolbar"),
], indirect=["sized_page"])
def test_fullscreen_during_play_draws_the_chart_whole_and_keeps_playing(sized_page, app_url, query, how):
    page = sized_page
    page.goto(app_url + "/?surface=rosenbrock&steps=2000" + query)
    wait_for_app(page)
    page.wait_for_selector(".player button")
    page.wait_for_timeout(800)  # the player hooks the chart within half a second
    before = page.evaluate(CHART)
    page.mouse.click(5, page.viewport_size["height"] - 5)  # focus on the page, not a widget
    page.keyboard.press(" ")
    page.wait_for_function(f"() => ({CHART})().frame > 0")
    _enter(page, how)
    page.wait_for_function("() => document.fullscreenElement !== null")
    page.wait_for_function(f"() => ({CHART})().height > {page.viewport_size['height'] - 5}")
    inside = _settled(page)
    assert inside["frames"] == before["frames"]  # the animation kept its frames
    assert inside["width"] >= page.viewport_size["width"] - 5
    assert inside["mapWidth"] > before["mapWidth"]  # the map grew with the screen, not only its axes
    page.wait_for_function(f"() => ({CHART})().frame > {inside['frame']}")  # still playing
    page.keyboard.press("f")  # F (or Esc) leaves; headless Chromium ignores Esc
    page.wait_for_function("() => document.fullscreenElement === null")
    page.wait_for_function(f"() => Math.abs(({CHART})().height - {before['height']}) <= 2")
    after = _settled(page)
    assert abs(after["width"] - before["width"]) <= 2
    # The map as it was: neither smaller nor lower (the fullscreen legend's room must go with the legend).
    assert abs(after["mapWidth"] - before["mapWidth"]) <= 2 and abs(after["mapTop"] - before["mapTop"]) <= 2, \
        ({k: before[k] for k in ("mapWidth", "mapTop")}, {k: after[k] for k in ("mapWidth", "mapTop")})
    assert after["frames"] == before["frames"]
    assert after["frame"] > inside["frame"]  # it went on playing from where it was


def test_the_toolbar_fullscreen_keeps_play_working(sized_page, app_url):
    """The chart's own fullscreen icon, pressed at rest: the frames stay, and ▶ Play (Space) plays."""
    page = sized_page
    page.goto(app_url + "/?surface=rosenbrock&steps=300")
    wait_for_app(page)
    page.wait_for_selector(".player button")
    page.wait_for_timeout(800)
    _enter(page, "toolbar")
    page.wait_for_function("() => document.fullscreenElement !== null")
    page.wait_for_function(f"() => ({CHART})().height > 1000")
    assert page.evaluate(CHART)["frames"] > 50
    page.keyboard.press(" ")
    page.wait_for_function(f"() => ({CHART})().frame > 40", timeout=15_000)
    assert page.evaluate(MISDRAWN) == []
