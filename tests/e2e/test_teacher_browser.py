"""The teacher's link in a real browser: choose what students see in the sidebar, read the link the
panel shows, open it in a fresh browser (a student's), and find exactly those sections, the control locked or
the controls hidden."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.conftest import wait_for_app
from ui.sections import TITLES

pytestmark = pytest.mark.e2e

SECTION_BUTTONS = """() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stButtonGroup"] button')]
                        .map(b => b.innerText.trim())"""


def _teacher_page(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{app_url}/?surface=booth&steps=200")
    wait_for_app(page)
    sidebar = page.locator('section[data-testid="stSidebar"]')
    sidebar.get_by_text("Teacher's link").click()
    return context, page, sidebar


def _link(page, sidebar) -> str:
    wait_for_app(page)
    link = sidebar.locator('[data-testid="stCode"] code').inner_text().replace("\n", "").strip()
    assert link.startswith(page.url.split("?")[0] + "?"), link  # a whole link, ready to hand out
    assert sidebar.get_by_role("link", name="Open it as a student would").get_attribute("href") == link
    return link[link.index("?"):]


def _student_page(browser, app_url, link: str):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{app_url}/{link}")
    wait_for_app(page)
    return context, page


def test_the_teachers_link_offers_the_chosen_sections_and_locks_a_control(browser, app_url):
    context, page, sidebar = _teacher_page(browser, app_url)
    try:
        assert page.evaluate(SECTION_BUTTONS) == list(TITLES.values())
        sections = sidebar.locator('[data-testid="stMultiSelect"]').filter(has_text="Sections students see")
        for _ in range(len(TITLES) - 3):  # the last chips, one by one, down to the race, Inside AdaMax and Lp
            sections.locator("input").click()
            page.keyboard.press("Backspace")
            wait_for_app(page)
        page.keyboard.press("Escape")
        lock = sidebar.locator('[data-testid="stMultiSelect"]').filter(has_text="Lock these controls")
        lock.locator("input").click()
        page.keyboard.type("Steps")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        wait_for_app(page)
        link = _link(page, sidebar)
        assert "sections=race,inside,lp" in link and "lock=steps" in link, link
    finally:
        context.close()

    context, page = _student_page(browser, app_url, link)
    try:
        assert page.evaluate(SECTION_BUTTONS) == ["The race", "Inside AdaMax", "From Adam to AdaMax"]
        student_sidebar = page.locator('section[data-testid="stSidebar"]')
        steps = student_sidebar.locator('[data-testid="stSlider"]').filter(has_text="Steps").get_by_role("slider")
        assert steps.is_disabled()
        surface = student_sidebar.locator('[data-testid="stSelectbox"]').filter(has_text="Surface")
        assert surface.locator("input").is_enabled()  # only what the teacher chose is locked
        assert student_sidebar.get_by_text("Locked by the teacher's link: Steps").count() == 1
        assert student_sidebar.get_by_text("Teacher's link", exact=True).count() == 0  # a student's page builds no link
    finally:
        context.close()


def test_the_teachers_link_hides_the_controls(browser, app_url):
    context, page, sidebar = _teacher_page(browser, app_url)
    try:
        sidebar.get_by_text("Hide the sidebar's controls").click()
        link = _link(page, sidebar)
        assert "hide=controls" in link, link
    finally:
        context.close()

    context, page = _student_page(browser, app_url, link)
    try:
        student_sidebar = page.locator('section[data-testid="stSidebar"]')
        assert not student_sidebar.locator('[data-testid="stSlider"]').filter(has_text="Steps").is_visible()
        assert not student_sidebar.locator('[data-testid="stSelectbox"]').filter(has_text="Surface").is_visible()
        # every section is still offered (once the page's last size rerun has drawn its main area again)
        page.wait_for_function(f"() => ({SECTION_BUTTONS})().length === {len(TITLES)}", timeout=10_000)
    finally:
        context.close()


def test_a_students_page_keeps_its_locks_against_a_sweeps_click_and_the_lessons_menu(page, app_url):
    """`lock=runs`: a click on a Sweeps cell (which adds a run on a free page) leaves the race's runs as they were;
    the sidebar offers no lesson (a lesson changes the surface, start, steps and runs)."""
    link = ("/?surface=booth&start=-8,8&steps=100&section=sweep&sweep=adamax(vs=none,cells=16)"
            "&run=adamax(lr%3D0.2)&sections=race,sweep&lock=start,steps,runs")
    page.goto(app_url + link)
    wait_for_app(page)
    assert page.locator('section[data-testid="stSidebar"]').get_by_text("Lessons").count() == 0
    target = page.evaluate(
        """() => { const gd = document.querySelector('.js-plotly-plot'); const l = gd._fullLayout;
                   const box = gd.getBoundingClientRect();
                   return [box.left + l.xaxis._offset + l.xaxis._length * 0.6,
                           box.top + l.yaxis._offset + l.yaxis._length * 0.4]; }""")
    page.mouse.move(*target)
    page.wait_for_timeout(300)
    page.mouse.click(*target)
    page.get_by_text("the teacher's link locks the race's runs").wait_for(timeout=30_000)
    wait_for_app(page)
    assert parse_qs(urlparse(page.url).query)["run"] == ["adamax(lr=0.2)"]
