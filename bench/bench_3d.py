"""The 3-D view in headless Chromium: how long switching to it takes, and how long a played frame takes.

    python bench/bench_3d.py [app root]      (needs Debian's chromium and the playwright package)

Prints, for the default race (Rosenbrock preset, 4 runs × 500 steps):
- switch: from clicking "3-D surface" to the 3-D chart drawn and the script idle (median of 3 page loads);
- play: the mean time between Plotly's animation frames while playing (plotly_animatingframe events over
  ~6 s; the frames ask for 60 ms at 1× speed).
Wall time depends on what else the machine runs, so each is also given as CPU time (user + system, read
from /proc, of this script's child processes: the browser's and, for the switch, the server's), which
other processes' load disturbs much less.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.e2e.conftest import CHROMIUM_ARGS, IDLE, free_port, start_server  # noqa: E402


def cpu_seconds() -> float:
    """User + system CPU time of every descendant process of this one (browser, driver, server)."""
    ticks = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = fields
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0.0, list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        total += (int(stats[pid][11]) + int(stats[pid][12])) / ticks
        todo += children.get(pid, [])
    return total


COUNT_FRAMES = """() => { const gd = document.querySelector('.js-plotly-plot'); window.__frames = [];
  gd.on('plotly_animatingframe', () => window.__frames.push(performance.now())); }"""
IS_3D = """() => { const gd = document.querySelector('.js-plotly-plot');
  return gd && gd.data && gd.data.some(t => t.type === 'surface' || t.type === 'mesh3d') && gd._fullLayout.scene; }"""


def main() -> None:
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = start_server(ROOT / "app.py", port)
    switches, gaps, switch_cpu, frame_cpu = [], [], [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                 args=CHROMIUM_ARGS)
            for _ in range(3):
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                page = context.new_page()
                page.set_default_timeout(120_000)
                page.goto(f"http://127.0.0.1:{port}/")
                page.wait_for_selector(IDLE, state="attached")
                page.wait_for_function("() => document.querySelector('.js-plotly-plot')?.data?.length")
                page.wait_for_timeout(500)
                started, cpu = time.perf_counter(), cpu_seconds()
                page.locator("[data-testid=stSidebar]").get_by_text("3-D surface").click()
                page.wait_for_function(IS_3D, polling=20)
                page.wait_for_selector(IDLE, state="attached")
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                switches.append(time.perf_counter() - started)
                switch_cpu.append(cpu_seconds() - cpu)
                page.evaluate(COUNT_FRAMES)
                page.locator("g.updatemenu-button", has_text="Play").first.click()
                page.wait_for_function("() => window.__frames.length >= 2")
                cpu = cpu_seconds()
                page.wait_for_timeout(6000)
                cpu = cpu_seconds() - cpu
                stamps = page.evaluate("() => window.__frames")
                if len(stamps) > 2:
                    gaps.append((stamps[-1] - stamps[1]) / (len(stamps) - 2))
                    frame_cpu.append(1000 * cpu / (len(stamps) - 2))
                context.close()
            browser.close()
    finally:
        server.terminate()
    print(f"switch to 3-D: median {statistics.median(switches):.2f} s wall, "
          f"{statistics.median(switch_cpu):.2f} s CPU  (wall: " + ", ".join(f"{s:.2f}" for s in switches) + ")")
    if gaps:
        print(f"play in 3-D: {statistics.median(gaps):.0f} ms wall, {statistics.median(frame_cpu):.0f} ms CPU "
              f"per frame (median of {len(gaps)} plays; 60 ms asked)")
    else:
        print("play in 3-D: no frames counted")


if __name__ == "__main__":
    main()
