"""Benchmarks of the explorer page: payload, figure build time, interaction latency and first view.

    python bench/bench_app.py            (needs Debian's chromium and the playwright package)
    python bench/bench_app.py --only sweep       (one interaction pass: race, inside, sweep, sweep-beta1 or
                                                  floor; no payload, no first view)

Prints:
- payload: the chart's figure JSON for 8 runs × 5,000 steps (budget ≤ 1 MB) and its build time (≤ 100 ms);
- interaction: from a slider change to the updated chart, in Chromium, median of repeated changes, for the
  app (3 runs × 500 steps, a learning-rate slider) and for the minimal reference page (bench/reference_app.py,
  measured in the same run), in the race, Inside AdaMax and the Sweeps section (whose maps take run 1's other
  settings, so its slider redraws them); budget: app ≤ 1.25 × reference (sweeps ≤ 1.5×). The sweep pass moves
  run 1's lr, an axis of the maps: the cells are cached and only the race's mark moves; `--only sweep-beta1`
  moves its β1 to a new value each time, so the AdaMax map's cells are computed afresh;
- floor (`--only floor`, not in the default passes): the race's chart alone on a one-slider page
  (bench/race_chart_only_app.py) against the reference: what the chart costs before the page's other elements;
- first view: from navigation to a drawn chart, median over fresh browser contexts, for the default page
  and the reference page; budget: app ≤ 1.5 × reference.

The app runs with its live sliders off (ADAMAX_LAB_LIVE=0 unless set otherwise): with them on, the slider in
run 1's open panel is a live slider, whose keys are debounced into one release (bench/bench_live.py measures
that path, release → chart, against the same reference).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("ADAMAX_LAB_LIVE", "0")   # the servers this starts inherit it (see above)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import plotly.io as pio  # noqa: E402

from figures import ExplorerRun, explorer_figure, run_color  # noqa: E402
from figures.internals import internals_figure  # noqa: E402
from optimizers import SGD, AdaGrad, Adam, AdaMax, AdamLp, RMSProp, run  # noqa: E402
from optimizers.explain import adamax_internals  # noqa: E402
from surfaces import SURFACES  # noqa: E402
from ui.figure import drawn_once  # noqa: E402

REPEATS = 15
APP_LINK = "/?surface=rosenbrock&start=-1.2,1&steps=500&run=adamax(lr%3D0.1)&run=adam(lr%3D0.05)" \
           "&run=sgd(lr%3D0.001,momentum%3D0.9)"


def payload() -> None:
    surface = SURFACES["rosenbrock"]
    optimizers = [AdaMax(lr=0.05), Adam(lr=0.05), SGD(lr=5e-4, momentum=0.9), RMSProp(lr=0.01),
                  AdaGrad(lr=0.5), AdamLp(lr=0.05, p=8.0), AdaMax(lr=0.01), SGD(lr=1e-4)]
    runs = [ExplorerRun(opt.label() + f" #{i}", run_color(i), run(opt, surface, surface.start, 5000,
                                                                   record_state=True))
            for i, opt in enumerate(optimizers)]
    times, size = [], 0
    for _ in range(7):
        started = time.perf_counter()
        figure = explorer_figure(surface, runs)
        size = len(pio.to_json(figure, validate=False))
        times.append(time.perf_counter() - started)
    print(f"Payload, 8 runs × 5,000 steps: {size / 1e6:.3f} MB figure JSON, {_sent(figure) / 1e6:.3f} MB as the page "
          f"sends it (budget 1 MB), {len(figure['frames'])} frames; built and serialised in {min(times) * 1e3:.1f} ms "
          "(budget 100 ms)")
    internals = adamax_internals(optimizers[0], runs[0].trajectory)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        figure = internals_figure(surface, runs[0].label, runs[0].color, internals)
        size = len(pio.to_json(figure, validate=False))
        times.append(time.perf_counter() - started)
    print(f"Payload, Inside AdaMax of a 5,000-step run: {size / 1e6:.3f} MB, {_sent(figure) / 1e6:.3f} MB as sent, "
          f"{len(figure['frames'])} frames; built and serialised in {min(times) * 1e3:.1f} ms")


def _sent(figure: dict) -> int:
    """Bytes of the figure's JSON as the page sends it (plain arrays, ui/figure.py), the conversion timed apart."""
    return len(pio.to_json(drawn_once(figure, selectable=True), validate=False))


def _change_and_time(page, slider, step: int, *, onwards: bool = False) -> float:
    """Press ArrowRight (even steps, or every step when `onwards`) or ArrowLeft on `slider`; seconds until the
    chart's traces change."""
    before = page.evaluate("() => document.querySelector('.js-plotly-plot').data.map(t => t.name).join('|')")
    started = time.perf_counter()
    slider.press("ArrowRight" if step % 2 == 0 or onwards else "ArrowLeft")
    page.wait_for_function(CHART_CHANGED, arg=before, polling="raf", timeout=30_000)
    elapsed = time.perf_counter() - started
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', state="attached")
    page.wait_for_timeout(200)
    return elapsed


CHART_CHANGED = ("before => { const gd = document.querySelector('.js-plotly-plot');"
                 " return gd && gd.data && gd.data.map(t => t.name).join('|') !== before; }")


PASSES = {"race": ("app", "", "the race", 1.25), "inside": ("inside", "&section=inside", "Inside AdaMax", 1.25),
          "sweep": ("sweep", "&section=sweep", "Sweeps (two 64² maps redrawn)", 1.5),
          # run 1's β1 (its second slider) moved to a new value each time: the AdaMax map's 4,096 cells recomputed
          "sweep-beta1": ("sweep-beta1", "&section=sweep", "Sweeps, β1 → AdaMax map recomputed", 1.5),
          "floor": ("floor", "", "the race's chart alone on a one-slider page (the floor)", 1.25)}
DEFAULT_PASSES = ("race", "inside", "sweep")
BETA1_NEW_VALUES = 7  # β1 = 0.9 has seven slider values to its right: each one a map not yet in the cache


def browser_measures(only: str | None = None) -> None:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM_ARGS, chromium_path, free_port, start_server, wait_for_app

    path = chromium_path()
    if path is None:
        print("Interaction and first view: not measured (no Chromium: apt-get install chromium)")
        return
    servers = {name: (free_port(), script) for name, script in
               (("app", ROOT / "app.py"), ("reference", ROOT / "bench" / "reference_app.py"),
                ("floor", ROOT / "bench" / "race_chart_only_app.py"))
               if name != "floor" or only == "floor"}
    processes = [start_server(script, port) for port, script in servers.values()]
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
            urls = {"app": f"http://127.0.0.1:{servers['app'][0]}{APP_LINK}",
                    "reference": f"http://127.0.0.1:{servers['reference'][0]}/"}
            if "floor" in servers:
                urls["floor"] = f"http://127.0.0.1:{servers['floor'][0]}/"
            first_view = {name: [] for name in urls}
            for _ in range(0 if only else 7):  # interleaved, so both pages see the same machine
                for name, address in urls.items():
                    context = browser.new_context(viewport={"width": 1600, "height": 1000})
                    page = context.new_page()
                    started = time.perf_counter()
                    page.goto(address)
                    page.wait_for_function("() => { const gd = document.querySelector('.js-plotly-plot');"
                                           " return gd && gd.data && gd.data.length > 0; }", timeout=60_000)
                    first_view[name].append(time.perf_counter() - started)
                    context.close()

            # Both pages open side by side; their slider changes alternate, so both see the same machine.
            # Two pages open side by side, their slider changes alternating so both see the same machine;
            # one pass for the race, one for the Inside AdaMax section, each against the reference page.
            latency = {}
            passes = [PASSES[key] for key in ((only,) if only else DEFAULT_PASSES)]
            for name, address in ((name, urls.get(name) or urls["app"] + query) for name, query, _, _ in passes):
                app_page = browser.new_page(viewport={"width": 1600, "height": 1000})
                app_page.goto(address)
                wait_for_app(app_page)
                onwards = name == "sweep-beta1"
                if name == "floor":  # its one slider
                    app_slider = app_page.get_by_role("slider").first
                else:
                    run_panel = app_page.locator('[data-testid="stExpander"]').filter(has_text="Run 1").first
                    run_panel.locator("summary").click()
                    app_slider = run_panel.get_by_role("slider").nth(1 if onwards else 0)
                app_slider.wait_for(timeout=60_000)  # a run's panel draws its widgets once opened (lazy)
                reference_page = browser.new_page(viewport={"width": 1600, "height": 1000})
                reference_page.goto(urls["reference"])
                wait_for_app(reference_page)
                reference_slider = reference_page.get_by_role("slider").first
                times = {name: [], f"reference ({name})": []}
                for step in range(BETA1_NEW_VALUES if onwards else REPEATS):
                    for key, page, slider in ((name, app_page, app_slider),
                                              (f"reference ({name})", reference_page, reference_slider)):
                        page.bring_to_front()
                        slider.focus()
                        times[key].append(_change_and_time(page, slider, step, onwards=onwards and page is app_page))
                latency.update(times)
                app_page.close()
                reference_page.close()
            browser.close()
    finally:
        for process in processes:
            process.terminate()

    for name, _, title, budget in passes:
        app, reference = statistics.median(latency[name]), statistics.median(latency[f"reference ({name})"])
        print(f"Interaction (slider → updated chart), {title}, median of {len(latency[name])}: {app * 1e3:.0f} ms, "
              f"reference {reference * 1e3:.0f} ms → {app / reference:.2f}× (budget ≤ {budget}×)")
    if only:
        return
    app, reference = (statistics.median(first_view[k]) for k in ("app", "reference"))
    print(f"First view (navigation → drawn chart), median of 7: app {app * 1e3:.0f} ms, "
          f"reference {reference * 1e3:.0f} ms → {app / reference:.2f}× (budget ≤ 1.5×)")


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=list(PASSES), help="measure only this interaction pass")
    arguments = parser.parse_args()
    np.seterr(all="ignore")
    if not arguments.only:
        payload()
    browser_measures(arguments.only)
