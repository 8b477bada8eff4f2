"""The browser's Back and Forward move between a lesson's scenes: one history entry per scene, each reopening its
scene — its panel, its question and its chart — while other changes of the address (a section picked) add none."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.conftest import IDLE, wait_for_app
from ui.lessons import load_lesson

pytestmark = pytest.mark.e2e

LESSON = "step_bound"  # scenes 1 and 2 ask a question on the race, scene 3 opens Inside AdaMax
SCENE = """() => {
  const panel = document.querySelector('.st-key-lesson_panel');
  const charts = [...document.querySelectorAll('.js-plotly-plot')].map(gd => ({
    traces: gd.data.map(t => t.name || t.type), frames: (gd._transitionData._frames || []).length,
    x: gd.layout.xaxis && gd.layout.xaxis.range}));
  return {panel: panel ? panel.innerText : '', charts, scene: new URLSearchParams(location.search).get('scene')};
}"""


def settled(page, *, chart: bool = True) -> None:
    page.wait_for_timeout(600)
    if chart:
        wait_for_app(page)
    page.wait_for_timeout(900)  # the player reports the window's height: at most one more rerun
    page.wait_for_selector(IDLE, state="attached")


def scene_of(page) -> dict:
    return page.evaluate(SCENE)


@pytest.mark.parametrize("sized_page", [(1366, 768)], indirect=True)
def test_back_and_forward_move_between_scenes(sized_page, app_url):
    page = sized_page
    lesson = load_lesson(LESSON)
    page.goto(f"{app_url}/?lesson={LESSON}&scene=1")
    settled(page)
    seen = {1: scene_of(page)}
    assert f"scene 1 of {len(lesson.scenes)}" in seen[1]["panel"]
    assert lesson.scenes[0].question[:40] in seen[1]["panel"]
    entries = page.evaluate("history.length")

    # Another section and back: the address changes twice, the history keeps its length.
    page.get_by_role("radio", name="Where ε goes").click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('section') === 'eps'")
    settled(page, chart=False)  # the question hides the section until Reveal
    page.get_by_role("radio", name="The race").click()
    page.wait_for_function("() => !new URLSearchParams(location.search).get('section')")
    settled(page)
    assert page.evaluate("history.length") == entries

    for number in (2, 3):
        page.get_by_role("button", name="Next").click()
        page.wait_for_function("n => new URLSearchParams(location.search).get('scene') === String(n)", arg=number)
        settled(page)
        seen[number] = scene_of(page)
        assert f"scene {number} of" in seen[number]["panel"]
    assert page.evaluate("history.length") == entries + 2  # one entry a scene
    assert seen[2]["charts"] != seen[3]["charts"] and lesson.scenes[1].question[:40] in seen[2]["panel"]

    for move, number in ((page.go_back, 2), (page.go_back, 1), (page.go_forward, 2)):
        move()
        page.wait_for_function("n => new URLSearchParams(location.search).get('scene') === String(n)", arg=number)
        page.wait_for_function("n => (document.querySelector('.st-key-lesson_panel') || {}).innerText"
                               "?.includes(`scene ${n} of`)", arg=number)
        settled(page)
        shown = scene_of(page)
        assert shown == seen[number], (number, shown, seen[number])  # its words, its question, its chart
        assert parse_qs(urlparse(page.url).query)["lesson"] == [LESSON]


@pytest.mark.parametrize("sized_page", [(1366, 768)], indirect=True)
def test_back_from_the_first_scene_leaves_the_lesson(sized_page, app_url):
    """The page's first address update (the view's parameters written beside the lesson's) makes no entry of its
    own: Back from scene 1 goes where the student came from, not to scene 1 again."""
    page = sized_page
    page.goto("about:blank")
    page.goto(f"{app_url}/?lesson={LESSON}&scene=1")
    settled(page)
    page.get_by_role("button", name="Next").click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('scene') === '2'")
    settled(page)

    page.go_back()
    page.wait_for_function("() => new URLSearchParams(location.search).get('scene') === '1'")
    settled(page)
    assert "scene 1 of" in scene_of(page)["panel"]

    page.go_back()
    page.wait_for_url("about:blank", timeout=10_000)
