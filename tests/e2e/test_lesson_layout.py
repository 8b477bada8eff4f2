"""Lessons outside presentation mode (issue 10): ▶ Play on screen without scrolling, for every scene of every
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


def _settled(page) -> None:
    wait_for_app(page)
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
            page.goto(f"{app_url}/?lesson={name}&scene=1")
            _settled(page)
            for number in range(1, scenes + 1):
                if number > 1:
                    page.get_by_role("button", name="Next").click()
                    page.wait_for_function(f"() => location.search.includes('scene={number}')")
                    _settled(page)
                    page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, 0)")
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
