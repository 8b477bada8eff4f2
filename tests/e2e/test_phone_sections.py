"""Phones: at 390×844 every section and the lessons are laid out for the width, nothing overlapping.

One checklist, measured on bounding boxes in Chromium, for each section and for lesson scenes:
- the page does not scroll sideways, and every element (charts included) fits the window's width;
- the sidebar starts closed;
- in every chart: plot areas do not overlap one another; the legend, titles, axis titles, ▶ Play / ❚❚ Pause,
  the scrubber and colour bars overlap no plot area nor one another (legend entries included), and no text
  covers a tick label; a note (annotation) lies wholly inside one plot area or outside all of them; nothing
  sticks out of the chart;
- the section's map spans the width at true geometry (one unit of x as long as one of y on screen); a sweep's
  map (log axes: no geometry) is square;
- every displayed formula (.katex-display) is shown whole: not scrolled, not past the window's edge.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import IDLE, wait_for_app

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}

CHECKLIST = r"""() => {
  const W = window.innerWidth, problems = [], tol = 2;
  const rect = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const empty = r => r[2] - r[0] < 1 || r[3] - r[1] < 1;
  const overlap = (a, b) => a[0] < b[2] - tol && b[0] < a[2] - tol && a[1] < b[3] - tol && b[1] < a[3] - tol;
  const inside = (a, b) => a[0] >= b[0] - tol && a[2] <= b[2] + tol && a[1] >= b[1] - tol && a[3] <= b[3] + tol;
  const name = el => (el.getAttribute('class') || el.tagName) + ' "' + (el.textContent || '').slice(0, 40) + '"';
  const main = document.querySelector('[data-testid="stMain"]');
  if (main && main.scrollWidth > main.clientWidth + tol) problems.push(`page scrolls sideways: ${main.scrollWidth}`);
  for (const box of document.querySelectorAll('[data-testid="stMain"] [data-testid="stElementContainer"]')) {
    const r = rect(box);
    if (!empty(r) && (r[0] < -tol || r[2] > W + tol)) problems.push(`element past the window: ${name(box)} ${r}`);
  }
  const sidebar = document.querySelector('section[data-testid="stSidebar"]');
  if (sidebar && sidebar.getAttribute('aria-expanded') !== 'false' && rect(sidebar)[2] > 1)
    problems.push('the sidebar is open');
  for (const el of document.querySelectorAll('.katex-display')) {
    const r = rect(el);
    if (el.scrollWidth > el.clientWidth + 4 || r[2] > W + tol || r[0] < -tol)
      problems.push(`formula cut off: ${el.textContent.slice(0, 40)} (${el.scrollWidth} in ${el.clientWidth})`);
  }
  const charts = [...document.querySelectorAll('.js-plotly-plot')];
  const maps = [];
  charts.forEach((gd, c) => {
    const L = gd._fullLayout, g = rect(gd);
    if (g[0] < -tol || g[2] > W + tol) problems.push(`chart ${c} past the window: ${g}`);
    const areas = Object.values(L._plots || {}).map(p => [g[0] + p.xaxis._offset, g[1] + p.yaxis._offset,
      g[0] + p.xaxis._offset + p.xaxis._length, g[1] + p.yaxis._offset + p.yaxis._length]);
    areas.forEach((a, i) => areas.slice(i + 1).forEach(b => {
      if (overlap(a, b)) problems.push(`chart ${c}: plot areas overlap ${a} / ${b}`); }));
    const solid = [...gd.querySelectorAll('.legend .traces, .gtitle, .infolayer g[class^="g-"][class$="title"] text, '
                                         + 'g.updatemenu-button, g.updatemenu-header-group, g.slider-container, '
                                         + '.colorbar')].filter(el => !empty(rect(el)));
    const notes = [...gd.querySelectorAll('.annotation')].filter(el => !empty(rect(el)));
    const ticks = [...gd.querySelectorAll('.xtick text, .ytick text')].filter(el => !empty(rect(el)));
    for (const el of [...solid, ...notes]) {
      const r = rect(el);
      if (!inside(r, g)) problems.push(`chart ${c}: ${name(el)} sticks out of the chart ${r} / ${g}`);
    }
    for (const el of solid) {
      const r = rect(el);
      for (const a of areas) if (overlap(r, a)) problems.push(`chart ${c}: ${name(el)} over a plot area ${r} / ${a}`);
    }
    const texts = [...solid, ...notes];
    texts.forEach((a, i) => texts.slice(i + 1).forEach(b => {
      if (!a.contains(b) && !b.contains(a) && overlap(rect(a), rect(b)))
        problems.push(`chart ${c}: ${name(a)} over ${name(b)}`); }));
    for (const el of [...solid.filter(el => el.matches('text, .legend .traces, .colorbar')), ...notes])
      for (const t of ticks) if (!el.contains(t) && overlap(rect(el), rect(t)))
        problems.push(`chart ${c}: ${name(el)} over the tick label ${name(t)}`);
    const buttons = solid.filter(el => el.matches('g.updatemenu-button, g.updatemenu-header-group'));
    const sliders = solid.filter(el => el.matches('g.slider-container'));
    for (const b of buttons) for (const s of sliders)
      if (overlap(rect(b), rect(s))) problems.push(`chart ${c}: ${name(b)} over the scrubber`);
    for (const el of notes) {
      const r = rect(el);
      const hit = areas.filter(a => overlap(r, a));
      if (hit.length > 1 || (hit.length === 1 && !inside(r, hit[0])))
        problems.push(`chart ${c}: note ${name(el)} straddles a plot area ${r}`);
    }
    if (L.xaxis && L.yaxis && L.xaxis._length) {
      const log = L.xaxis.type === 'log' || L.yaxis.type === 'log';
      const unit = a => a._length / Math.abs(a.range[1] - a.range[0]);
      maps.push({chart: c, width: L.xaxis._length, height: L.yaxis._length, geometry: L.yaxis.scaleanchor === 'x',
                 ratio: log ? null : unit(L.xaxis) / unit(L.yaxis), heatmap: gd.data.some(t => t.type === 'heatmap')});
    }
  });
  return {width: W, problems, maps};
}"""


def open_on_phone(browser, app_url, query: str):
    """A fresh 390×844 page at `query`, once the page has drawn its narrow layout."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(f"{app_url}/?{query}")
    wait_for_app(page)
    # The player reports the narrow width, the page reruns and draws the phone layout (ui/modes/phone.py).
    page.wait_for_selector(".phone-layout", state="attached")
    wait_for_app(page)
    page.wait_for_selector(IDLE, state="attached")
    page.wait_for_timeout(700)  # plotly.js lays out after the data arrive
    return context, page


def assert_fits_a_phone(page, *, section_map: str = "geometry") -> dict:
    report = page.evaluate(CHECKLIST)
    assert report["problems"] == [], "\n".join(report["problems"])
    assert report["maps"], "no map found"
    first = report["maps"][0]
    if section_map == "geometry":
        assert first["geometry"] and abs(first["ratio"] - 1) <= 0.02, first
        assert first["width"] >= 0.9 * report["width"], first
    for chart in report["maps"]:
        if chart["geometry"] and chart["ratio"] is not None:
            assert abs(chart["ratio"] - 1) <= 0.02, chart
        elif chart["heatmap"]:  # a sweep's map: log axes, square, as wide as the tick labels leave room for
            assert abs(chart["width"] / chart["height"] - 1) <= 0.05, chart
            assert chart["width"] >= 0.75 * report["width"], chart
    return report


@pytest.mark.parametrize("query, section_map", [
    ("section=race", "geometry"),
    ("section=inside", "geometry"),
    ("section=lp", "geometry"),
    ("section=eps", "geometry"),
    ("section=sweep", "sweep"),
    ("lesson=step_bound&scene=3", "geometry"),          # Inside AdaMax on Goldstein–Price, a long formula
    ("lesson=adam_to_adamax&scene=2", "geometry"),      # From Adam to AdaMax in a lesson
    ("lesson=where_eps_goes&scene=2", "geometry"),      # Where ε goes, with its note on the panel
], ids=["race", "inside", "lp", "eps", "sweep", "lesson-inside", "lesson-lp", "lesson-eps"])
def test_every_section_fits_a_phone(browser, app_url, query, section_map):
    context, page = open_on_phone(browser, app_url, query)
    try:
        assert_fits_a_phone(page, section_map=section_map)
    finally:
        context.close()


def test_a_lesson_works_on_a_phone(browser, app_url):
    context, page = open_on_phone(browser, app_url, "lesson=saddles&scene=1")
    try:
        assert_fits_a_phone(page)
        hidden = "() => document.querySelector('.js-plotly-plot').data.filter(t => t.visible === false).length"
        assert page.evaluate(hidden) > 0  # the question waits: the paths are hidden
        page.get_by_role("button", name="Reveal the paths").click()
        page.wait_for_function(f"() => ({hidden})() === 0")
        wait_for_app(page)
        page.get_by_role("button", name="Next").click()
        page.wait_for_function("() => location.search.includes('scene=2')")
        wait_for_app(page)
        assert page.get_by_text("Momentum: in, then out").count() == 1
        assert_fits_a_phone(page)
        page.get_by_role("button", name="Previous").click()
        page.wait_for_function("() => location.search.includes('scene=1')")
        wait_for_app(page)
        assert page.get_by_role("button", name="Reveal the paths").count() == 1  # the scene starts over
    finally:
        context.close()
