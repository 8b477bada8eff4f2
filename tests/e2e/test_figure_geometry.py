"""The figures as Chromium lays them out: maps of a surface at true geometry, legends clear of what they name, tick
labels that do not collide, and the sections that must fit one laptop screen.

Each check reads the boxes plotly.js drew (getBoundingClientRect of its SVG groups) or its axes' scales
(`_m`: px per unit), never the figure dict: a dict can be right and the browser still draw it wrong.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e

SWEEPS = "/?section=sweep&sweep=adamax(cells=16)"
FIVE_RUNS = ("run=adamax(lr%3D0.1,beta2%3D0.99)&run=adamax(lr%3D0.1)&run=adam(lr%3D0.1)"
             "&run=sgd(lr%3D0.002,momentum%3D0.9)&run=rmsprop(lr%3D0.01)")

# The boxes of every chart on the page (or only those whose layout.uirevision is given; or only one that fills
# the window, as Streamlit's fullscreen shows it), in window px.
BOXES = """(revision, tall = false) => {
  const box = e => { const b = e.getBoundingClientRect(); return {l: b.left, t: b.top, r: b.right, b: b.bottom}; };
  const shown = b => b.r - b.l > 0.5 && b.b - b.t > 0.5;
  return [...document.querySelectorAll('.js-plotly-plot')].filter(gd => gd._fullLayout &&
      (!revision || gd._fullLayout.uirevision === revision) &&
      (!tall || gd._fullLayout.height > window.innerHeight - 100)).map(gd => {
    const full = gd._fullLayout, at = gd.getBoundingClientRect();
    const all = selector => [...gd.querySelectorAll(selector)].filter(e => getComputedStyle(e).display !== 'none')
                                                              .map(box).filter(shown);
    const plots = Object.values(full._plots || {}).map(p => ({
      l: at.left + p.xaxis._offset, r: at.left + p.xaxis._offset + p.xaxis._length,
      t: at.top + p.yaxis._offset, b: at.top + p.yaxis._offset + p.yaxis._length}));
    const entries = [...gd.querySelectorAll('.legend .traces')].map(entry => [
      ...[...entry.querySelectorAll('.legendtext')].map(box), ...[...entry.querySelectorAll(
        '.legendpoints path, .legendlines path, .legendfill path, .legendsymbols path')].map(box)].filter(shown));
    return {revision: full.uirevision || '', legend: full.showlegend ? all('.legend > .bg') : [], entries, plots,
            titles: all('.infolayer g[class^="g-"][class$="title"] text'), colorbars: all('.colorbar .cbbg'),
            colorbarText: all('.colorbar text'), modebar: all('.modebar'),
            xm: full.xaxis ? Math.abs(full.xaxis._m) : null, ym: full.yaxis ? Math.abs(full.yaxis._m) : null};
  });
}"""


def _meets(a: dict, b: dict, gap: float = 0.0) -> bool:
    """Two boxes overlap (or come closer than `gap` px)."""
    return a["l"] < b["r"] + gap and b["l"] < a["r"] + gap and a["t"] < b["b"] + gap and b["t"] < a["b"] + gap


def legend_collisions(chart: dict) -> list[str]:
    """What a chart's legend runs into: its plot areas, axis titles, colour bars and their labels, the modebar,
    and its own entries into each other."""
    found = []
    for legend in chart["legend"]:
        for kind in ("plots", "titles", "colorbars", "colorbarText", "modebar"):
            found += [f"legend meets {kind[:-1] if kind.endswith('s') else kind} {other}"
                      for other in chart[kind] if _meets(legend, other)]
    for i, first in enumerate(chart["entries"]):
        for second in chart["entries"][i + 1:]:
            if any(_meets(a, b, -1.0) for a in first for b in second):
                found.append(f"legend entries meet: {first} {second}")
    return found


def _open(page, address: str, charts: int = 1) -> None:
    page.goto(address)
    wait_for_app(page, charts=charts)
    page.wait_for_timeout(1_500)  # the window's size reported, the charts fitted to it
    wait_for_app(page, charts=charts)


def _all_drawn(page, revision: str, count: int) -> list[dict]:
    page.wait_for_function(f"() => ({BOXES})('{revision}').length >= {count}", timeout=60_000)
    return page.evaluate(BOXES, revision)


@pytest.mark.parametrize("sized_page", [(1440, 900), (1366, 768), (1920, 1080)], indirect=True,
                         ids=["1440", "1366", "1920"])
def test_basin_maps_have_true_geometry(sized_page, app_url):
    """One unit of start y is as many px on screen as one unit of start x, in every basin map (three of them)."""
    page = sized_page
    _open(page, app_url + SWEEPS, charts=5)
    basins = _all_drawn(page, "basins", 3)
    for chart in basins:
        assert chart["xm"] == pytest.approx(chart["ym"], rel=0.01), chart


@pytest.mark.parametrize("sized_page", [(1440, 900), (1366, 768), (1920, 1080)], indirect=True,
                         ids=["1440", "1366", "1920"])
def test_sweep_legends_touch_nothing(sized_page, app_url):
    page = sized_page
    _open(page, app_url + SWEEPS, charts=5)
    charts = _all_drawn(page, "", 6)
    assert [collision for chart in charts for collision in legend_collisions(chart)] == []
    assert sum(bool(chart["legend"]) for chart in charts) >= 5


@pytest.mark.parametrize("sized_page", [(1440, 900)], indirect=True, ids=["1440"])
@pytest.mark.parametrize("revision", ["sweep", "basins"])
def test_a_sweep_map_in_fullscreen_keeps_its_legend_clear(sized_page, app_url, revision):
    page = sized_page
    _open(page, app_url + SWEEPS, charts=5)
    _all_drawn(page, revision, 1)
    chart = page.locator(".js-plotly-plot").filter(
        has=page.locator(".legend")).nth(0 if revision == "sweep" else 3)
    chart.scroll_into_view_if_needed()
    chart.hover()
    chart.locator('.modebar-btn[data-title="Fullscreen"]').click()
    # Streamlit's fullscreen: the chart's element laid over the page at the window's size (not the Fullscreen API)
    page.wait_for_function(f"() => ({BOXES})('{revision}', true).length === 1")
    page.wait_for_timeout(800)
    seen = page.evaluate(f"() => ({BOXES})('{revision}', true)")
    assert legend_collisions(seen[0]) == []
    assert seen[0]["legend"][0]["b"] <= page.viewport_size["height"]  # not cut off at the bottom


@pytest.mark.parametrize("sized_page", [(1366, 768), (1920, 1080)], indirect=True, ids=["1366", "1920"])
@pytest.mark.parametrize("query", ["present=1", "surface=rosenbrock", FIVE_RUNS + "&present=1"],
                         ids=["present", "page", "five-runs-present"])
def test_the_race_legend_in_fullscreen_stays_clear_of_the_modebar(sized_page, app_url, query):
    page = sized_page
    page.goto(f"{app_url}/?{query}")
    wait_for_app(page)
    page.wait_for_selector(".player button")
    page.wait_for_timeout(1_000)
    page.mouse.click(5, page.viewport_size["height"] - 5)
    page.keyboard.press("f")
    page.wait_for_function("() => document.fullscreenElement !== null")
    page.wait_for_function("""() => { const gd = document.fullscreenElement.querySelector('.js-plotly-plot');
        return gd && gd._fullLayout.showlegend && gd._fullLayout.height > window.innerHeight - 5; }""")
    page.wait_for_timeout(1_500)
    chart = page.evaluate(BOXES, "")[0]
    assert chart["legend"] and chart["modebar"]
    assert legend_collisions(chart) == []
    # nor the ▶ Play row under it
    buttons = page.evaluate("""() => [...document.querySelectorAll('g.updatemenu-container')].map(g => {
        const b = g.getBoundingClientRect(); return {l: b.left, t: b.top, r: b.right, b: b.bottom}; })""")
    assert not [b for b in buttons if b["b"] > b["t"] and _meets(chart["legend"][0], b)]


# Every tick label plotly.js drew, per chart: [axis id, text, box].
TICK_LABELS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd =>
  [...gd.querySelectorAll('.xaxislayer-above text, .yaxislayer-above text')].filter(
    e => e.textContent.trim() && getComputedStyle(e).display !== 'none' && e.getAttribute('opacity') !== '0')
  .map(e => { const b = e.getBoundingClientRect();
    return [e.parentNode.getAttribute('class'), e.textContent, {l: b.left, t: b.top, r: b.right, b: b.bottom}]; })
  .filter(([, , b]) => b.r - b.l > 0.5))"""


def colliding_ticks(labels: list) -> list:
    """Pairs of tick labels (of any axes of one chart) whose boxes overlap by more than a px."""
    return [f"{a[0]} {a[1]} / {b[0]} {b[1]}".replace("\u200b", "")
            for i, a in enumerate(labels) for b in labels[i + 1:] if _meets(a[2], b[2], -1.0)]


@pytest.mark.parametrize("sized_page", [(1440, 900), (1366, 768), (1920, 1080)], indirect=True,
                         ids=["1440", "1366", "1920"])
@pytest.mark.parametrize("query", ["section=inside", "section=lp", "section=eps",
                                   "section=lp&surface=goldstein_price&start=0.8,-1.8&run=adamax(lr%3D0.05)",
                                   "section=inside&surface=goldstein_price&start=0.8,-1.8&run=adamax(lr%3D0.05)"],
                         ids=["inside", "lp", "eps", "lp-goldstein", "inside-goldstein"])
def test_tick_labels_do_not_collide(sized_page, app_url, query):
    page = sized_page
    _open(page, f"{app_url}/?{query}")
    charts = page.evaluate(TICK_LABELS)
    assert charts and all(len(labels) > 8 for labels in charts)
    assert [colliding_ticks(labels) for labels in charts] == [[] for _ in charts]


# The section's chart, its saddle button (Where ε goes), a lesson's question and Reveal: their boxes, window px.
SCREEN = """() => { const box = e => { if (!e) return null; const b = e.getBoundingClientRect();
    return {l: b.left, t: b.top, r: b.right, b: b.bottom}; };
  const find = (selector, pattern) => [...document.querySelectorAll(selector)].find(e => pattern.test(e.textContent));
  return {chart: box(document.querySelector('.js-plotly-plot')),
          button: box(find('button', /saddle's axis/)), question: box(find('[data-testid="stAlert"]', /Predict first/)),
          reveal: box(find('button', /Reveal/))}; }"""


def _on_screen(box: dict | None, height: int) -> bool:
    return box is not None and box["t"] >= 0 and box["b"] <= height


@pytest.mark.parametrize("sized_page", [(1366, 768)], indirect=True, ids=["1366"])
@pytest.mark.parametrize("query", ["section=lp", "section=eps", "lesson=adam_to_adamax&scene=2",
                                   "lesson=adam_to_adamax&scene=3", "lesson=where_eps_goes&scene=2",
                                   "lesson=where_eps_goes&scene=3"])
def test_the_lp_and_eps_charts_fit_one_laptop_screen(sized_page, app_url, query):
    """The chart whole on the first screen at 1366×768, under the page's header or beside a lesson's words; in
    Where ε goes its button too."""
    page = sized_page
    _open(page, f"{app_url}/?{query}")
    seen = page.evaluate(SCREEN)
    height = page.viewport_size["height"]
    assert _on_screen(seen["chart"], height), seen
    if "eps" in query:
        assert _on_screen(seen["button"], height), seen


@pytest.mark.parametrize("sized_page", [(1366, 768)], indirect=True, ids=["1366"])
def test_the_eps_question_scene_fits_before_and_after_reveal(sized_page, app_url):
    """The question and Reveal on the first screen while the section waits; after Reveal, its chart and button."""
    page = sized_page
    page.goto(f"{app_url}/?lesson=where_eps_goes&scene=1")
    page.get_by_role("button", name="Reveal the answer").wait_for()
    wait_for_app(page, charts=0)
    page.wait_for_timeout(1_000)
    seen, height = page.evaluate(SCREEN), page.viewport_size["height"]
    assert _on_screen(seen["question"], height) and _on_screen(seen["reveal"], height), seen
    page.get_by_role("button", name="Reveal the answer").click()
    wait_for_app(page)
    page.wait_for_timeout(1_000)
    seen = page.evaluate(SCREEN)
    assert _on_screen(seen["chart"], height) and _on_screen(seen["button"], height), seen


# The race's map: its x tick labels and axis title, and the scrubber under them (the step number and its rail).
UNDER_THE_MAP = """() => { const gd = document.querySelector('.js-plotly-plot');
  const box = e => { const b = e.getBoundingClientRect(); return {l: b.left, t: b.top, r: b.right, b: b.bottom}; };
  return {axis: [...gd.querySelectorAll('.g-xtitle text, .xaxislayer-above .xtick text')].map(box),
          scrubber: [...gd.querySelectorAll('.slider-group > text.slider-label, .slider-rail-rect')].map(box)}; }"""


@pytest.mark.parametrize("sized_page", [(1366, 768), (1440, 900), (1920, 1080)], indirect=True,
                         ids=["1366", "1440", "1920"])
@pytest.mark.parametrize("query", ["surface=rosenbrock", "lesson=saddles&scene=2", "lesson=beta2_memory&scene=1"])
def test_the_race_maps_axis_title_stays_above_the_scrubber(sized_page, app_url, query):
    """Fitted to a laptop's window, the race chart is shorter: the strip under its map keeps its px, so the map's x
    axis (ticks, title) never sits on the step number or the scrubber."""
    page = sized_page
    _open(page, f"{app_url}/?{query}")
    page.wait_for_selector(".slider-rail-rect", state="attached")
    seen = page.evaluate(UNDER_THE_MAP)
    assert seen["axis"] and len(seen["scrubber"]) == 2
    assert [(a, b) for a in seen["axis"] for b in seen["scrubber"] if _meets(a, b)] == []


@pytest.mark.parametrize(("sized_page", "query"), [
    ((1366, 768), "surface=rosenbrock"), ((1366, 768), "view=3d"), ((1366, 768), "lesson=step_bound&scene=2"),
    ((1366, 768), "lesson=real_model&scene=1"),
    ((1440, 900), "surface=rosenbrock"), ((1920, 1080), "lesson=saddles&scene=3"),
    ((390, 844), "surface=rosenbrock"), ((390, 844), "section=inside"), ((390, 844), "section=lp"),
    ((390, 844), "section=eps")], indirect=["sized_page"])
def test_the_race_and_phone_tick_labels_do_not_collide(sized_page, app_url, query):
    """The race's curve panels when its chart is fitted short (a laptop), and every panel on a phone: neither tick
    labels nor axis titles meet."""
    page = sized_page
    _open(page, f"{app_url}/?{query}")
    charts = page.evaluate(TICK_LABELS)
    assert charts and all(len(labels) > 4 for labels in charts)
    assert [colliding_ticks(labels) for labels in charts] == [[] for _ in charts]
    titles = [chart["titles"] for chart in page.evaluate(BOXES, "")]
    assert [[(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if _meets(a, b)] for boxes in titles] == [
        [] for _ in titles]
