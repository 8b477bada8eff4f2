"""Every student reached: axe-core's WCAG 2.1 A/AA rules find nothing serious on any section, a lesson scene or
presentation mode; each chart says in words what it shows; the animation honours prefers-reduced-motion."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        "resultTypes": ["violations"]}
VIEWS = ["", "section=inside", "section=lp", "section=eps", "section=sweep&sweep=adamax(cells=32)",
         "lesson=saddles&scene=1", "lesson=step_bound&scene=3", "present=1"]


def _open(page, address: str) -> None:
    page.goto(address)
    wait_for_app(page)
    page.wait_for_selector(".player button")
    page.wait_for_timeout(1_000)  # the player labels the charts and makes wide equations focusable
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', state="attached")


@pytest.mark.parametrize("view", VIEWS)
def test_no_serious_accessibility_violations(sized_page, app_url, view):
    from axe_playwright_python.sync_playwright import Axe

    page = sized_page
    _open(page, f"{app_url}/?{view}")
    results = Axe().run(page, options=WCAG).response
    serious = [(violation["id"], [node["target"] for node in violation["nodes"]][:3])
               for violation in results["violations"] if violation["impact"] in ("serious", "critical")]
    assert serious == []


def test_the_race_chart_says_the_runs_and_their_outcomes(page, app_url):
    _open(page, app_url + "/?surface=rosenbrock&steps=300&run=adamax(lr%3D0.1)&run=sgd(lr%3D0.5)")
    label = page.evaluate("() => document.querySelector('.js-plotly-plot').getAttribute('aria-label')")
    assert page.evaluate("() => document.querySelector('.js-plotly-plot').getAttribute('role')") == "figure"
    assert "Rosenbrock" in label and "AdaMax(lr=0.1):" in label and "SGD(lr=0.5):" in label
    assert "blew up" in label  # SGD at lr = 0.5 on Rosenbrock: the outcome in words


def test_reduced_motion_shows_the_outcome_without_animating(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, reduced_motion="reduce")
    page = context.new_page()
    try:
        _open(page, app_url + "/?surface=rosenbrock&steps=300")
        page.mouse.click(5, 895)
        page.keyboard.press(" ")
        page.wait_for_function(
            "() => document.querySelector('.js-plotly-plot')._fullLayout._currentFrame === '300'", timeout=2_000)
        page.locator(".player button.step-back").click()  # and the steps are still a click each
        page.wait_for_function("() => document.querySelector('.js-plotly-plot')._fullLayout._currentFrame !== '300'")
    finally:
        context.close()
