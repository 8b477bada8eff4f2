"""Phones: at 390×844 the race stacks — the map spans the width at true geometry, nothing overlaps."""

from __future__ import annotations

from .conftest import wait_for_app

GEOMETRY = """() => {
  const gd = document.querySelector('.js-plotly-plot'), L = gd._fullLayout;
  const box = (x, y) => [L[x]._offset, L[y]._offset, L[x]._offset + L[x]._length, L[y]._offset + L[y]._length];
  const unit = a => L[a]._length / Math.abs(L[a].range[1] - L[a].range[0]);
  return {width: window.innerWidth, map: box('xaxis', 'yaxis'), gap: box('xaxis2', 'yaxis2'),
          distance: box('xaxis3', 'yaxis3'), mapWidth: L.xaxis._length, pxX: unit('xaxis'), pxY: unit('yaxis')};
}"""


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_the_race_stacks_on_a_phone(browser, app_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(app_url)
        wait_for_app(page)
        # The player reports the narrow width, the page reruns and draws the stacked layout.
        page.wait_for_function("() => { const gd = document.querySelector('.js-plotly-plot');"
                               " return gd && gd._fullLayout.xaxis && gd._fullLayout.xaxis._length > 300; }")
        wait_for_app(page)
        geometry = page.evaluate(GEOMETRY)
        assert geometry["mapWidth"] >= 0.9 * geometry["width"], geometry
        assert abs(geometry["pxX"] / geometry["pxY"] - 1) <= 0.02, geometry
        boxes = [geometry["map"], geometry["gap"], geometry["distance"]]
        for i, first in enumerate(boxes):
            for second in boxes[i + 1:]:
                assert not _overlap(first, second), geometry
        # ▶ Play right under the map, above the curves: pressed, the animation is on the same screen.
        play = page.evaluate("""() => { const gd = document.querySelector('.js-plotly-plot');
            const play = [...gd.querySelectorAll('g.updatemenu-button')].find(g => g.textContent.includes('Play'));
            const box = play.getBoundingClientRect(), chart = gd.getBoundingClientRect();
            return {top: box.top - chart.top, bottom: box.bottom - chart.top}; }""")
        assert geometry["map"][3] <= play["top"] <= geometry["map"][3] + 30, (play, geometry)
        assert play["bottom"] < geometry["gap"][1], (play, geometry)
        assert play["bottom"] - geometry["map"][1] < 844, (play, geometry)  # the map's top and Play fit one screen
    finally:
        context.close()
