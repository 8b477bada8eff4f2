"""Lessons outside presentation mode: ▶ Play on screen without scrolling, for every scene of every
shipped lesson, at 1366×768, 1440×900 and 1920×1080 — the lesson's words sit beside the chart, not above it."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import IDLE, wait_for_app
from ui.lessons import lesson_names, load_lesson

pytestmark = pytest.mark.e2e

WHERE = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const play = [...gd.querySelectorAll('g.updatemenu-button')].find(g => g.textContent.includes('Play'));
  const main = document.querySelector('[data-testid="stMain"]');
  return {height: window.innerHeight, play: play ? play.getBoundingClientRect().bottom : null,
          chartTop: gd.getBoundingClientRect().top, scrolled: (main ? main.scrollTop : 0) + window.scrollY,
          scene: new URLSearchParams(location.search).get('scene')};
}"""


def _settled(page, charts: int = 1) -> None:
    wait_for_app(page, charts=charts)
    page.wait_for_timeout(900)  # the player reports the window's height; the chart is redrawn to fit it
    page.wait_for_selector(IDLE, state="attached")
    page.wait_for_timeout(300)


@pytest.mark.parametrize("width, height", [(1366, 768), (1440, 900), (1920, 1080)])
def test_play_is_on_screen_in_every_lesson_scene(browser, app_url, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(60_000)
    seen = []
    try:
        for name in lesson_names():
            scenes = len(load_lesson(name).scenes)
            lesson = load_lesson(name)
            # A question outside the race hides its section until Reveal: no chart to wait for then.
            charts = [0 if scene.question and scene.state.section != "race" else 1 for scene in lesson.scenes]
            page.goto(f"{app_url}/?lesson={name}&scene=1")
            _settled(page, charts[0])
            for number in range(1, scenes + 1):
                if number > 1:
                    page.get_by_role("button", name="Next").click()
                    page.wait_for_function(f"() => location.search.includes('scene={number}')")
                    _settled(page, charts[number - 1])
                    page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, 0)")
                if not charts[number - 1]:
                    reveal = page.get_by_role("button", name="Reveal the answer").bounding_box()
                    assert reveal and reveal["y"] + reveal["height"] <= height, (name, number, reveal)
                    seen.append((name, number))
                    continue
                where = page.evaluate(WHERE)
                assert where["scene"] == str(number), (name, where)
                assert where["scrolled"] == 0, (name, number, where)
                section = load_lesson(name).scenes[number - 1].state.section
                if section in ("race", "inside"):  # animated: ▶ Play must be on screen
                    assert where["play"] is not None and where["play"] <= height, (name, number, where)
                else:  # a still figure (no Play): it starts on screen
                    assert where["chartTop"] < 0.6 * height, (name, number, where)
                seen.append((name, number))
    finally:
        context.close()
    assert len(seen) == sum(len(load_lesson(name).scenes) for name in lesson_names())


LABELS = """() => { const gd = document.querySelector('.js-plotly-plot'), g = gd.getBoundingClientRect();
  const L = gd._fullLayout, x = L.xaxis, y = L.yaxis;
  const area = [g.left + x._offset, g.top + y._offset, g.left + x._offset + x._length, g.top + y._offset + y._length];
  return [...gd.querySelectorAll('.textpoint text')].map(t => [t, t.getBoundingClientRect()])
    .filter(([t, r]) => r.width > 0 && t.textContent)
    .map(([t, r]) => {
      // A label clipped to the plot area (plotly's clip-path) must lie in it, or part of it is cut off.
      const clipped = !!t.closest('[clip-path]');
      const within = r.left >= area[0] - 1 && r.right <= area[2] + 1 && r.top >= area[1] - 1 && r.bottom <= area[3] + 1;
      return {text: t.textContent, left: r.left - g.left, right: g.right - r.right, top: r.top - g.top,
              bottom: g.bottom - r.bottom, whole: within || !clipped, clipped}; }); }"""


@pytest.mark.parametrize("query", ["lesson=saddles&scene=1&present=1", "lesson=step_bound&scene=1&present=1"])
def test_presentation_labels_stay_inside_the_chart(browser, app_url, query):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{app_url}/?{query}")
        _settled(page)
        page.locator("h4").first.click()  # focus on the page, not a widget
        page.keyboard.press("End")  # the last frame: the points as far as they go
        page.wait_for_timeout(800)
        labels = page.evaluate(LABELS)
        assert labels, "no run labels"
        for label in labels:
            assert min(label["left"], label["right"], label["top"], label["bottom"]) >= 0, label
            assert label["whole"], label
    finally:
        context.close()


@pytest.mark.parametrize("sized_page", [(1366, 768), (1440, 900)], indirect=True)
def test_play_is_on_screen_on_the_default_page_of_a_laptop(sized_page, app_url):
    """The header says "Press ▶ Play": on a laptop's window, with the sidebar open, it is there without scrolling
    (above the map; the chart's bottom is below the fold at these sizes), with the path toggle and the speed menu
    on its row, none touching."""
    page = sized_page
    height = page.viewport_size["height"]
    page.goto(app_url)
    _settled(page)
    where = page.evaluate(WHERE)
    assert where["scrolled"] == 0 and where["play"] is not None and where["play"] <= height, where
    boxes = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot g.updatemenu-button')]
        .map(g => { const box = g.getBoundingClientRect();
                    return {text: g.textContent, left: box.left, right: box.right, top: box.top}; })""")
    speed = page.evaluate("""() => { const box = [...document.querySelectorAll('g.updatemenu-header-group')]
        .find(g => g.textContent.includes('speed')).getBoundingClientRect();
        return {left: box.left, right: box.right, top: box.top}; }""")
    pause = next(box for box in boxes if "Pause" in box["text"])
    toggle = next(box for box in boxes if "as they run" in box["text"])
    assert abs(pause["top"] - toggle["top"]) < 4 and toggle["left"] >= pause["right"] + 8, boxes
    assert abs(speed["top"] - toggle["top"]) < 4 and speed["left"] >= toggle["right"] + 8, (boxes, speed)
    assert page.locator('[data-testid="stSidebar"]').is_visible()
