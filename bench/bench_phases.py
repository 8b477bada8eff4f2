"""Where a slider move's time goes, in the page's own clock: key press → websocket send → the server's messages →
plotly.js's draws (Plotly.react, wrapped) → the chart shows the new runs. For the race, or the reference page.

    python bench/bench_phases.py [app|reference] [moves]      (needs Debian's chromium and playwright)

Prints one line a move and the medians: `sent` (the browser sends the new value), `first`/`last` (the server's
first and last message of the rerun), `draw` (the first Plotly.react's start and end) and `shown` (when Playwright,
polling each frame, has seen the new runs: a few tens of ms late).
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.bench_app import APP_LINK, CHART_CHANGED  # noqa: E402
from tests.e2e.conftest import CHROMIUM_ARGS, IDLE, chromium_path, free_port, start_server, wait_for_app  # noqa: E402

# Before the page loads: every websocket message in and out, and the key press, timed in the page's clock.
RECORD_MESSAGES = """
window.__messages = [];
const Native = window.WebSocket;
const size = data => data.byteLength || data.length || 0;
window.WebSocket = function (...args) {
  const socket = new Native(...args);
  socket.addEventListener('message', event => window.__messages.push([performance.now(), size(event.data)]));
  const send = socket.send.bind(socket);
  socket.send = data => { window.__messages.push([performance.now(), -size(data)]); return send(data); };
  return socket;
};
window.WebSocket.prototype = Native.prototype;
Object.assign(window.WebSocket, Native);
document.addEventListener('keydown', () => { window.__key = performance.now(); }, true);
"""
RECORD_DRAWS = """() => { window.__draws = []; const plotly = window.Plotly; const react = plotly.react;
  plotly.react = function (...args) { const started = performance.now(); const done = react.apply(this, args);
    Promise.resolve(done).then(() => window.__draws.push([started, performance.now()])); return done; }; }"""


def moves(page, slider, count: int) -> list[dict[str, float]]:
    rows = []
    for move in range(count):
        slider.focus()
        before = page.evaluate("() => document.querySelector('.js-plotly-plot').data.map(t => t.name).join('|')")
        page.evaluate("() => { window.__messages = []; window.__draws = []; }")
        slider.press("ArrowRight" if move % 2 == 0 else "ArrowLeft")
        page.wait_for_function(CHART_CHANGED, arg=before, polling="raf", timeout=30_000)
        shown = page.evaluate("() => performance.now()")
        page.wait_for_selector(IDLE, state="attached")
        page.wait_for_timeout(400)
        record = page.evaluate("() => ({key: window.__key, messages: window.__messages, draws: window.__draws})")
        key = record["key"]
        sent = [at - key for at, size in record["messages"] if size < 0]
        received = [at - key for at, size in record["messages"] if size > 0]
        draws = [(start - key, end - key) for start, end in record["draws"]]
        rows.append({"sent": sent[0] if sent else float("nan"), "first": received[0] if received else float("nan"),
                     "last": received[-1] if received else float("nan"), "messages": len(received),
                     "draw start": draws[0][0] if draws else float("nan"),
                     "draw end": draws[0][1] if draws else float("nan"), "shown": shown - key})
        print("  ".join(f"{name} {value:5.0f}" for name, value in rows[-1].items()))
    return rows


def main(target: str, count: int) -> None:
    path = chromium_path()
    if path is None:
        print("not measured: no Chromium (apt-get install chromium)")
        return
    reference = target == "reference"
    port = free_port()
    server = start_server(ROOT / ("bench/reference_app.py" if reference else "app.py"), port)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1600, "height": 1000})
            context.add_init_script(RECORD_MESSAGES)
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{port}" + ("/" if reference else APP_LINK))
            wait_for_app(page)
            if reference:
                slider = page.get_by_role("slider").first
            else:  # run 1's learning rate, in its panel (drawn once opened)
                panel = page.locator('[data-testid="stExpander"]').filter(has_text="Run 1").first
                panel.locator("summary").click()
                slider = panel.get_by_role("slider").first
                slider.wait_for(timeout=60_000)
            page.wait_for_timeout(1500)
            page.evaluate(RECORD_DRAWS)
            rows = moves(page, slider, count)
            browser.close()
    finally:
        server.terminate()
    medians = {name: statistics.median(row[name] for row in rows) for name in rows[0]}
    print(f"{target}, median of {count} moves (ms from the key press): "
          + ", ".join(f"{name} {value:.0f}" for name, value in medians.items()))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "app", int(sys.argv[2]) if len(sys.argv) > 2 else 10)
