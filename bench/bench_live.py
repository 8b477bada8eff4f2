"""Benchmarks of the live sliders: payload sizes, the server's batch, and dragging in Chromium.

    python bench/bench_live.py              (the browser part needs Debian's chromium and playwright)
    python bench/bench_live.py --server     (payloads and batch cost only; --browser: the browser part only)

Prints, each figure with the load average:
- payload: bytes for the default view (budget ≤ 150 kB), for 8 runs × 3 live hyperparameters each at 500 steps
  (≤ 400 kB), and for 8 runs as the page ships them (lr of each, the tuned run's others) at 500 … 5,000 steps
  (≤ 1 MB), with what is shown (simplified, values thinned) and the encode time;
- batch: one run's live batch (one batched `run` over all its sliders' values, outcomes included) against that
  run alone, and against the page's own run (state recorded); budget ≤ 1.5× the run alone;
- in Chromium, 8 runs: drawing per frame (median, p95; budget ≤ 2 ms p95), input → drawn (the event's timestamp
  to the path drawn; ≤ 5 ms p95), the frame rate of a drag with drawing on against drawing off (≥ 0.8×),
  decoding in the worker, key → redrawn map against the reference page's key → chart (a rerun; ≤ 0.25×),
  release → the page's rerun done, and that against today's page: the same link with the live sliders off
  (ADAMAX_LAB_LIVE=0), run 1's lr moved in its panel, key → chart (budget: a release no slower).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from figures.live import LiveRun, assemble, decode, encode_run  # noqa: E402
from optimizers import make_optimizer, run  # noqa: E402
from optimizers.live import live_batch, live_names  # noqa: E402
from surfaces import SURFACES  # noqa: E402
from ui.compute import divergence_bound  # noqa: E402
from ui.presets import preset_for  # noqa: E402
from ui.state import RunSpec  # noqa: E402

EIGHT = (*preset_for("rosenbrock").runs, RunSpec("adam", (("lr", 0.02),)), RunSpec("adamax", (("lr", 0.02),)),
         RunSpec("rmsprop", (("lr", 0.01),)), RunSpec("sgd", (("lr", 0.001),)))
EIGHT_LINK = ("/?surface=rosenbrock&start=-1.2,1&steps=500" + "".join(
    f"&run={spec.optimizer}({','.join(f'{k}%3D{v!r}' for k, v in spec.params)})" for spec in EIGHT))


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def p95(values) -> float:
    return float(np.percentile(values, 95)) if len(values) else float("nan")


def _payload(runs, steps: int, *, all_live: bool) -> tuple[bytes, float]:
    surface = SURFACES["rosenbrock"]
    start = preset_for("rosenbrock").start
    started = time.perf_counter()
    encoded = []
    for index, spec in enumerate(runs):
        names = live_names(spec.optimizer) if (all_live or index == 0) else ("lr",)
        batch = live_batch(spec.optimizer, spec.kwargs(), names, surface, start, steps,
                           bound=divergence_bound(surface))
        encoded.append((LiveRun(index, spec.optimizer, "#000000", 4.0), encode_run(batch, surface.domain, steps)))
    payload = assemble(encoded, surface.domain, steps)
    return payload, time.perf_counter() - started


def payloads() -> None:
    print(f"Payload ({load()})")
    default, seconds = _payload(preset_for("rosenbrock").runs, 500, all_live=False)
    print(f"  default view with run 1 tuned (its lr β1 β2 + 3 lr's, 500 steps): {len(default) / 1e3:.0f} kB "
          f"(budget ≤ 150 kB), computed and encoded in {seconds * 1e3:.0f} ms")
    everything, seconds = _payload(EIGHT, 500, all_live=True)
    sliders = sum(len(live_names(spec.optimizer)) for spec in EIGHT)
    print(f"  8 runs × every live hyperparameter ({sliders} sliders), 500 steps: {len(everything) / 1e3:.0f} kB "
          f"(budget ≤ 400 kB), {seconds:.2f} s")
    for steps in (500, 1000, 2000, 5000):
        for all_live in (False, True):
            payload, seconds = _payload(EIGHT, steps, all_live=all_live)
            header, paths = decode(payload)
            points = sum(len(p) for r in paths for s in r for p in s)
            shown = [f"simplified ≤ {header['tolerance_px'] + 0.21:.2f} px"] if header["simplified"] else []
            if header["thinned"] > 1:
                shown.append(f"1 value in {header['thinned']} shipped")
            print(f"  8 runs, {'all live' if all_live else 'as shipped'}, {steps:>5} steps: "
                  f"{len(payload) / 1e3:4.0f} kB (≤ 1 MB), {points / 1e6:.2f} M points "
                  f"({points * 8 / 2**20:.1f} MiB as Int32 in the browser), {seconds:.2f} s; "
                  f"{', '.join(shown) or 'every step of every value'}")


def batch_cost(repeats: int = 15) -> None:
    print(f"Batch against one run, rosenbrock, 500 steps, median of {repeats}, wall and CPU time ({load()})")
    surface = SURFACES["rosenbrock"]
    preset = preset_for("rosenbrock")
    clocks = {"wall": time.perf_counter, "cpu": time.process_time}
    for index, spec in enumerate(preset.runs):
        names = live_names(spec.optimizer) if index == 0 else ("lr",)
        optimizer = make_optimizer(spec.optimizer, **spec.kwargs())
        jobs = {"batch": lambda spec=spec, names=names: live_batch(
                    spec.optimizer, spec.kwargs(), names, surface, preset.start, 500, bound=divergence_bound(surface)),
                "alone": lambda optimizer=optimizer: run(optimizer, surface, np.array(preset.start), 500,
                                                         bound=divergence_bound(surface)),
                "page": lambda optimizer=optimizer: run(optimizer, surface, np.array(preset.start), 500,
                                                        bound=divergence_bound(surface), record_state=True)}
        timings = {(job, clock): [] for job in jobs for clock in clocks}
        for _ in range(repeats):   # interleaved: each sees the same machine
            for job, work in jobs.items():
                started = {clock: read() for clock, read in clocks.items()}
                work()
                for clock, read in clocks.items():
                    timings[job, clock].append(read() - started[clock])
        members = len(jobs["batch"]().points[0])
        ratios = []
        for clock in clocks:
            batch, alone, page = (statistics.median(timings[job, clock]) for job in jobs)
            ratios.append(f"{clock} {batch * 1e3:.1f} ms vs alone {alone * 1e3:.1f} → {batch / alone:.2f}× "
                          f"(vs the page's run, state recorded, {page * 1e3:.1f} → {batch / page:.2f}×)")
        print(f"  {spec.optimizer}{dict(spec.params)}: {members} members ({', '.join(names)}); " + "; ".join(ratios)
              + " — budget ≤ 1.5× alone")


SYNTHETIC_DRAG = """async ([cell, frames, off]) => {
  const live = window.__adamaxLive; const c = [...live.cells.values()][cell];
  const box = c.track.getBoundingClientRect();
  live.drawingOff = off; live.stats.frames.length = 0; live.stats.inputs.length = 0;
  const y = box.top + box.height / 2, id = 77;
  const pointer = (x) => ({pointerId: id, clientX: x, clientY: y, bubbles: true, pointerType: 'mouse', button: 0});
  c.track.dispatchEvent(new PointerEvent('pointerdown', pointer(box.left + 2)));
  const stamps = [];
  await new Promise(done => { let i = 0; const step = (now) => { stamps.push(now);
      const x = box.left + box.width * (0.5 + 0.45 * Math.sin(i / 9));
      c.track.dispatchEvent(new PointerEvent('pointermove', pointer(x)));
      if (++i < frames) requestAnimationFrame(step); else done(); };
    requestAnimationFrame(step); });
  live.drawingOff = false;
  const intervals = stamps.slice(1).map((t, i) => t - stamps[i]);
  return {fps: 1000 * intervals.length / (stamps[stamps.length - 1] - stamps[0]), intervals,
          frames: live.stats.frames.slice(), inputs: live.stats.inputs.map(x => x.input)};
}"""
END_SYNTHETIC = """([cell]) => { const live = window.__adamaxLive; const c = [...live.cells.values()][cell];
  live.drag = null; c.pointer = null; c.element.classList.remove('active'); c.index = c.slider.current; live.place(c);
  live.clear(); }"""

MARK_KEY = """() => { window.__keyAt = null;
  document.addEventListener('keydown', e => { window.__keyAt = e.timeStamp; }, {capture: true, once: true}); }"""
WAIT_CHART = """(before) => new Promise(done => { const poll = (now) => {
  const gd = document.querySelector('.js-plotly-plot');
  if (gd && gd.data && gd.data.map(t => t.name).join('|') !== before && window.__keyAt !== null)
    done(performance.now() - window.__keyAt); else requestAnimationFrame(poll); }; requestAnimationFrame(poll); })"""
SETTLED = ("() => { const l = window.__adamaxLive; return l.box.dataset.settled == l.requested"
           " && !document.querySelector('canvas.live-paths:not([hidden])'); }")
NAMES = "() => document.querySelector('.js-plotly-plot').data.map(t => t.name).join('|')"


def browser_measures() -> None:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM_ARGS, IDLE, chromium_path, start_server, wait_for_app

    path = chromium_path()
    if path is None:
        print("Browser: not measured (no Chromium)")
        return
    ports = {"app": 8667, "reference": 8668, "off": 8669}
    processes = [start_server(ROOT / "app.py", ports["app"]),
                 start_server(ROOT / "bench" / "reference_app.py", ports["reference"]),
                 start_server(ROOT / "app.py", ports["off"], env={"ADAMAX_LAB_LIVE": "0"})]
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(f"http://127.0.0.1:{ports['app']}{EIGHT_LINK}")
            wait_for_app(page)
            page.wait_for_function("() => window.__adamaxLive && window.__adamaxLive.model")
            cells = page.evaluate("() => window.__adamaxLive.cells.size")
            decodes = page.evaluate("() => window.__adamaxLive.stats.decodes")
            size = page.evaluate("() => window.__adamaxLive.lastBytes.length")
            print(f"Chromium, 8 runs × 500 steps, {cells} live sliders, payload {size / 1e3:.0f} kB ({load()})")
            print(f"  decode in the worker: {decodes[-1]['worker']:.0f} ms (message → applied "
                  f"{decodes[-1]['total']:.0f} ms; budget ≤ 100 ms, off the main thread)")
            on_fps, off_fps, frames, inputs = [], [], [], []
            for _ in range(3):
                for off in (False, True):
                    result = page.evaluate(SYNTHETIC_DRAG, [0, 240, off])
                    page.evaluate(END_SYNTHETIC, [0])
                    (off_fps if off else on_fps).append(result["fps"])
                    if not off:
                        frames += result["frames"]
                        inputs += result["inputs"]
            print(f"  drawing 8 runs per frame: median {statistics.median(frames):.2f} ms, p95 {p95(frames):.2f} ms "
                  f"(budget ≤ 2 ms), {len(frames)} frames")
            print(f"  input → drawn: median {statistics.median(inputs):.2f} ms, p95 {p95(inputs):.2f} ms "
                  f"(budget ≤ 5 ms, same frame)")
            ratio = statistics.median(on_fps) / statistics.median(off_fps)
            print(f"  drag frame rate: drawing on {statistics.median(on_fps):.1f} fps, off "
                  f"{statistics.median(off_fps):.1f} fps → {ratio:.2f}× (budget ≥ 0.8×)")
            # key → redrawn, against the reference page's key → chart (a rerun), interleaved
            reference = browser.new_page(viewport={"width": 1600, "height": 1000})
            reference.goto(f"http://127.0.0.1:{ports['reference']}/")
            wait_for_app(reference)
            slider = reference.get_by_role("slider").first
            live_keys, first_keys, reference_keys = [], [], []
            track = page.locator(".track").first
            track.focus()
            for step in range(8):
                key = "ArrowRight" if step % 2 == 0 else "ArrowLeft"
                page.wait_for_selector(IDLE, state="attached")
                page.wait_for_timeout(500)       # a quiet page, as a hand finds it between moves
                before = page.evaluate("() => window.__adamaxLive.stats.inputs.length")
                for _ in range(4):               # a key held: repeats ~40 ms apart, one rerun after the last
                    page.keyboard.press(key)
                    page.wait_for_timeout(40)
                page.wait_for_function(f"() => window.__adamaxLive.stats.inputs.length >= {before + 4}",
                                       polling="raf")
                times = page.evaluate(f"() => window.__adamaxLive.stats.inputs.slice({before}).map(x => x.input)")
                first_keys.append(times[0])
                live_keys += times
                page.wait_for_function(SETTLED, polling="raf", timeout=60_000)
                page.wait_for_selector(IDLE, state="attached")
                reference.wait_for_timeout(500)
                reference.evaluate(MARK_KEY)
                before_names = reference.evaluate(NAMES)
                slider.press(key)
                reference_keys.append(reference.evaluate(WAIT_CHART, before_names))
                reference.wait_for_selector(IDLE, state="attached")
            reruns = page.evaluate("() => (window.__adamaxLive.stats.settles || []).length")
            print(f"  {len(live_keys)} keys in 8 bursts of 4 → {reruns} reruns; first key of a burst: median "
                  f"{statistics.median(first_keys):.1f} ms, p95 {p95(first_keys):.1f} ms")
            live_key, reference_key = statistics.median(live_keys), statistics.median(reference_keys)
            print(f"  key → redrawn map: live {live_key:.1f} ms (p95 {p95(live_keys):.1f}); reference page's key → "
                  f"chart (a rerun) {reference_key:.0f} ms → {live_key / reference_key:.3f}× (budget ≤ 0.25×)")
            releases = page.evaluate("() => window.__adamaxLive.stats.settles")
            charts = page.evaluate("() => window.__adamaxLive.stats.charts || []")
            decodes = [d["worker"] for d in page.evaluate("() => window.__adamaxLive.stats.decodes")[1:]]
            print(f"  decode in the worker after a release: median {statistics.median(decodes):.0f} ms, "
                  f"p95 {p95(decodes):.0f} ms ({len(decodes)} payloads; budget ≤ 100 ms)")
            print(f"  release → the chart redrawn by its rerun: median {statistics.median(charts):.0f} ms, p95 "
                  f"{p95(charts):.0f} ms, against the reference's key → chart {reference_key:.0f} ms → "
                  f"{statistics.median(charts) / reference_key:.2f}× (today's page: bench_app.py --only race)")
            print(f"  release → live paths settled (new payload decoded, chart shows the released runs): "
                  f"median {statistics.median(releases):.0f} ms, against the reference's rerun {reference_key:.0f} ms "
                  f"→ {statistics.median(releases) / reference_key:.2f}× ({load()})")
            # today's page: the same link with the live sliders off, run 1's lr moved in its panel (a rerun)
            off = browser.new_page(viewport={"width": 1920, "height": 1080})
            off.goto(f"http://127.0.0.1:{ports['off']}{EIGHT_LINK}")
            wait_for_app(off)
            panel = off.locator('[data-testid="stExpander"]').filter(has_text="Run 1").first
            panel.locator("summary").click()
            slider = panel.get_by_role("slider").first
            slider.wait_for(timeout=60_000)
            today = []
            for step in range(8):
                off.wait_for_selector(IDLE, state="attached")
                off.wait_for_timeout(500)
                slider.focus()
                off.evaluate(MARK_KEY)
                before_names = off.evaluate(NAMES)
                slider.press("ArrowRight" if step % 2 == 0 else "ArrowLeft")
                today.append(off.evaluate(WAIT_CHART, before_names))
            print(f"  the same page with live sliders off (today's): a slider's key → chart (a rerun) median "
                  f"{statistics.median(today):.0f} ms, p95 {p95(today):.0f} ms; a live release → chart "
                  f"{statistics.median(charts):.0f} ms → {statistics.median(charts) / statistics.median(today):.2f}× "
                  f"(budget: no slower) ({load()})")
            browser.close()
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    if "--browser" not in sys.argv:
        payloads()
        batch_cost()
    if "--server" not in sys.argv:
        browser_measures()
