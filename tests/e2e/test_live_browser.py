"""Live sliders in Chromium: dragging (mouse, touch, keys) draws computed paths with no rerun; a release is exactly
one rerun with exactly the value drawn; the path drawn for a value is `run`'s for that value."""

from __future__ import annotations

import time
from urllib.parse import unquote

import numpy as np
import pytest
from playwright.sync_api import Error as PlaywrightError

from figures.live import MAP_PX, QUANTA
from optimizers import make_optimizer, run
from surfaces import SURFACES
from ui.compute import divergence_bound
from ui.presets import preset_for

from .conftest import IDLE, wait_for_app

pytestmark = pytest.mark.e2e

READY = "() => window.__adamaxLive && window.__adamaxLive.model && window.__adamaxLive.box.dataset.ready"
COUNT_RERUNS = """() => { window.__reruns = 0; const app = document.querySelector('[data-testid=stApp]');
  new MutationObserver(() => { if (app.dataset.testScriptState === 'running') window.__reruns++; })
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']}); }"""
CELL = """i => { const l = window.__adamaxLive; const cell = [...l.cells.values()][i];
  return {index: cell.index, current: cell.slider.current, value: cell.slider.values[cell.index],
          values: cell.slider.values, name: cell.slider.name, run: cell.run.index,
          canvas: !!document.querySelector('canvas.live-paths:not([hidden])')}; }"""
PATH = """([i, index]) => { const l = window.__adamaxLive; const cell = [...l.cells.values()][i];
  return Array.from(l.model.paths[cell.r][cell.s][index]); }"""


def _open(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.wait_for_function(READY)
    page.evaluate(COUNT_RERUNS)


def _settled(page) -> None:
    """The release's rerun has finished and the chart shows the released value's run."""
    page.wait_for_function("() => window.__reruns > 0")
    page.wait_for_selector(IDLE, state="attached")
    page.wait_for_function("() => { const l = window.__adamaxLive; return l.box.dataset.settled == l.requested; }")


def _assert_drawn_path_is_runs(page, cell: int, index: int, value: float) -> None:
    """The path the page holds for a value of run 1's slider, dequantised, against `run` for that value."""
    preset = preset_for("rosenbrock")
    spec = preset.runs[0]
    surface = SURFACES["rosenbrock"]
    info = page.evaluate(CELL, cell)
    settings = {**spec.kwargs(), info["name"]: value}
    alone = run(make_optimizer(spec.optimizer, **settings), surface, np.array(preset.start), preset.steps,
                bound=divergence_bound(surface))
    quanta = np.array(page.evaluate(PATH, [cell, index]), dtype=np.float64).reshape(-1, 2)
    (x0, x1), (y0, y1) = surface.domain
    drawn = quanta / QUANTA * np.array([x1 - x0, y1 - y0]) + np.array([x0, y0])
    assert drawn.shape == alone.points.shape
    pixels = np.abs(drawn - alone.points) / np.array([x1 - x0, y1 - y0]) * MAP_PX
    assert pixels.max() <= 0.5 * MAP_PX / QUANTA + 1e-6


def test_a_mouse_drag_draws_without_a_rerun_and_a_release_is_one_rerun_with_that_value(page, app_url):
    _open(page, app_url)
    before = page.evaluate(CELL, 0)
    assert before["name"] == "lr" and before["run"] == 0
    box = page.locator(".track").first.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * (before["index"] + 0.5) / len(before["values"]), y)
    page.mouse.down()
    seen = set()
    for fraction in (0.6, 0.5, 0.4, 0.3, 0.45):
        page.mouse.move(box["x"] + box["width"] * fraction, y, steps=4)
        time.sleep(0.05)
        now = page.evaluate(CELL, 0)
        assert now["canvas"], "the live path is drawn over the map while dragging"
        seen.add(now["index"])
    assert len(seen) >= 4                                # the thumb followed the hand, value by value
    assert page.evaluate("() => window.__reruns") == 0   # no rerun while the thumb is held
    held = page.evaluate(CELL, 0)
    page.mouse.up()
    _settled(page)
    time.sleep(1.0)
    assert page.evaluate("() => window.__reruns") == 1   # exactly one after
    after = page.evaluate(CELL, 0)
    assert after["value"] == held["value"]                # the server has exactly the value drawn …
    assert after["index"] == after["current"]
    assert f"lr={held['value']!r}" in unquote(page.url)           # … and the link carries it exactly
    _assert_drawn_path_is_runs(page, 0, after["index"], held["value"])


def test_keys_step_one_computed_value_and_a_burst_is_one_rerun(page, app_url):
    _open(page, app_url)
    before = page.evaluate(CELL, 0)
    page.locator(".track").first.focus()
    for key in ("ArrowLeft", "ArrowLeft", "PageDown", "ArrowRight", "ArrowLeft"):
        page.keyboard.press(key)
    moved = page.evaluate(CELL, 0)
    assert moved["index"] == before["index"] - 3
    assert page.evaluate("() => window.__reruns") == 0
    _settled(page)
    time.sleep(1.0)
    assert page.evaluate("() => window.__reruns") == 1
    after = page.evaluate(CELL, 0)
    assert after["value"] == before["values"][before["index"] - 3]
    _assert_drawn_path_is_runs(page, 0, after["index"], after["value"])
    # focus stays on the slider through the rerun: the next key keeps going from there
    assert page.evaluate("() => document.activeElement && document.activeElement.tagName") != "BODY"
    # the page's own keys (← / → a frame of the animation) leave a key meant for the slider alone
    page.evaluate("() => { window.__frames = 0; const gd = document.querySelector('.js-plotly-plot');"
                  " gd.on('plotly_animatingframe', () => window.__frames++); }")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__frames") == 0


def _touch(cdp, kind: str, x: float, y: float) -> None:
    points = [] if kind == "touchEnd" else [{"x": x, "y": y, "id": 1}]
    cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})


def _swipe(cdp, start, end, moves: int = 12) -> None:
    _touch(cdp, "touchStart", *start)
    for i in range(1, moves + 1):
        _touch(cdp, "touchMove", start[0] + (end[0] - start[0]) * i / moves, start[1] + (end[1] - start[1]) * i / moves)
        time.sleep(0.016)
    _touch(cdp, "touchEnd", *end)


def test_a_vertical_swipe_on_a_slider_scrolls_and_a_sideways_one_drags(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        _open(page, app_url)
        track = page.locator(".track").first
        for attempt in range(3):  # on a phone the sliders are moved under the scrubber once the chart is drawn
            try:
                track.scroll_into_view_if_needed(timeout=5_000)
                break
            except PlaywrightError:
                if attempt == 2:
                    raise
                page.wait_for_timeout(500)
        scrolled = "() => document.querySelector('[data-testid=stMain]')?.scrollTop || window.scrollY"
        top = page.evaluate(scrolled)
        box = track.bounding_box()
        before = page.evaluate(CELL, 0)
        cdp = context.new_cdp_session(page)
        x, y = box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2
        _swipe(cdp, (x, y), (x + 4, y - 250))
        time.sleep(0.8)
        assert page.evaluate(scrolled) > top + 50, "a vertical swipe starting on the slider scrolls the page"
        assert page.evaluate(CELL, 0)["index"] == before["index"]
        assert page.evaluate("() => window.__reruns") == 0
        box = track.bounding_box()
        y = box["y"] + box["height"] / 2
        _swipe(cdp, (box["x"] + box["width"] * 0.7, y), (box["x"] + box["width"] * 0.3, y + 5))
        _settled(page)
        time.sleep(1.0)
        assert page.evaluate("() => window.__reruns") == 1
        assert page.evaluate(CELL, 0)["index"] < before["index"]
    finally:
        context.close()


def test_a_payload_arriving_mid_drag_does_not_move_the_thumb(page, app_url):
    _open(page, app_url)
    box = page.locator(".track").first.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.7, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.35, y, steps=5)
    held = page.evaluate(CELL, 0)
    # a payload as a rerun would bring it (the same bytes, arriving anew): held back until the thumb is let go
    page.evaluate("() => { const l = window.__adamaxLive; const bytes = l.lastBytes.slice(); l.lastBytes = null;"
                  " l.receive(bytes, l.chartKey); }")
    time.sleep(0.5)
    assert page.evaluate(CELL, 0)["index"] == held["index"]
    assert page.evaluate("() => !!window.__adamaxLive.pending")
    page.mouse.up()
    _settled(page)
    assert page.evaluate(CELL, 0)["value"] == held["value"]


def test_more_tunes_another_runs_settings_live_in_one_rerun(page, app_url):
    _open(page, app_url)
    names = "() => [...window.__adamaxLive.grid.children].map(element => element.dataset.id).join(' ')"
    assert page.evaluate(names).split() == ["0:lr", "1:lr", "2:lr", "3:lr"]   # every run's lr; none tuned yet
    page.locator(".more:not([hidden])").nth(1).click()      # run 2's "more ›"
    page.wait_for_function(f"() => ({names})().includes('1:beta2')")
    page.wait_for_selector(IDLE, state="attached")
    assert page.evaluate(names).split() == ["0:lr", "1:lr", "1:beta1", "1:beta2", "2:lr", "3:lr"]
    assert page.evaluate("() => window.__reruns") == 1


PANEL_READY = ("() => { const l = (window.__adamaxLivePanels || {})[0];"
               " return l && l.box.isConnected && l.box.dataset.ready; }")
PANEL_CELL = """name => { const l = window.__adamaxLivePanels[0]; const cell = l.cells.get('0:' + name);
  return cell && {index: cell.index, current: cell.slider.current, value: cell.slider.values[cell.index],
                  values: cell.slider.values, ids: [...l.cells.keys()]}; }"""
RACE_CELL = """id => { const cell = window.__adamaxLive.cells.get(id); return cell && cell.index; }"""


def test_a_runs_panel_in_the_sidebar_is_live_too(page, app_url):
    """Opening run 1's panel shows its lr as a live slider there; its "more ›" makes β1 and β2 live too (one
    rerun); dragging β1 in the panel moves the paths and the twin thumb above the map with no rerun; the release
    is one rerun with exactly that value."""
    _open(page, app_url)
    page.locator("[data-testid=stSidebar] [data-testid=stExpander] summary").first.click()
    page.wait_for_function(PANEL_READY)
    page.wait_for_selector(IDLE, state="attached")
    assert page.evaluate(PANEL_CELL, "lr")["ids"] == ["0:lr"]          # that run only; nothing tuned yet
    page.locator("[data-testid=stSidebar] .more:not([hidden])").first.click()
    page.wait_for_function(f"() => !!({PANEL_CELL})('beta1')")
    page.wait_for_selector(IDLE, state="attached")
    page.evaluate("() => { window.__reruns = 0; }")
    before = page.evaluate(PANEL_CELL, "beta1")
    assert before["ids"] == ["0:lr", "0:beta1", "0:beta2"]
    track = page.locator("[data-testid=stSidebar] .track").nth(1)
    track.scroll_into_view_if_needed()
    box = track.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * (before["index"] + 0.5) / len(before["values"]), y)
    page.mouse.down()
    seen = set()
    for fraction in (0.7, 0.55, 0.4, 0.25):
        page.mouse.move(box["x"] + box["width"] * fraction, y, steps=4)
        time.sleep(0.05)
        now = page.evaluate(PANEL_CELL, "beta1")
        seen.add(now["index"])
        assert page.evaluate(RACE_CELL, "0:beta1") == now["index"]   # the twin above the map follows
        assert page.evaluate("() => !!document.querySelector('canvas.live-paths:not([hidden])')")
    assert len(seen) >= 3 and page.evaluate("() => window.__reruns") == 0
    held = page.evaluate(PANEL_CELL, "beta1")
    page.mouse.up()
    page.wait_for_function("() => window.__reruns > 0")
    page.wait_for_selector(IDLE, state="attached")
    page.wait_for_function(f"() => ({PANEL_CELL})('beta1').current === {held['index']}")
    time.sleep(1.0)
    assert page.evaluate("() => window.__reruns") == 1
    assert f"beta1={held['value']!r}" in unquote(page.url)


PHONE_GEOMETRY = """() => { const gd = document.querySelector('.js-plotly-plot'), full = gd._fullLayout;
  const chart = gd.getBoundingClientRect(), live = window.__adamaxLive.box.getBoundingClientRect();
  const scrubber = gd.querySelector('.slider-container').getBoundingClientRect();
  const table = document.querySelector('[data-testid=stDataFrame], [data-testid=stTable]');
  return {chartTop: chart.top, chartBottom: chart.bottom, liveTop: live.top, liveBottom: live.bottom,
          scrubberBottom: scrubber.bottom, curvesTop: chart.top + full.yaxis2._offset,
          mapTop: chart.top + full.yaxis._offset, mapBottom: chart.top + full.yaxis._offset + full.yaxis._length,
          tableTop: table ? table.getBoundingClientRect().top : null}; }"""


@pytest.mark.parametrize("sized_page", [(390, 844)], indirect=True)
def test_on_a_phone_the_sliders_sit_between_the_scrubber_and_the_curves(sized_page, app_url):
    """On a phone the sliders are laid over the band the chart leaves under its scrubber: the map they move and the
    sliders share one screen (under the curves they did not), and nothing after the chart is covered or moved."""
    page = sized_page
    _open(page, app_url)
    page.wait_for_function("() => window.__adamaxLive.box.dataset.docked === '1'")
    page.wait_for_timeout(500)
    seen = page.evaluate(PHONE_GEOMETRY)
    assert seen["scrubberBottom"] - 2 <= seen["liveTop"] and seen["liveBottom"] <= seen["curvesTop"], seen
    assert seen["liveBottom"] - seen["mapTop"] <= page.viewport_size["height"], seen   # one screen, map to sliders
    assert seen["tableTop"] is None or seen["tableTop"] >= seen["chartBottom"], seen    # the table is not covered
    assert seen["tableTop"] is None or seen["tableTop"] - seen["chartBottom"] <= 60, seen   # and no hole before it
    track = page.locator(".track").nth(2)
    track.scroll_into_view_if_needed()
    box = track.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.5, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.9, y, steps=5)
    assert page.evaluate("() => !!document.querySelector('canvas.live-paths:not([hidden])')")
    assert page.evaluate("() => window.__reruns") == 0
    page.mouse.up()
    _settled(page)
