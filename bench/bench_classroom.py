"""A class of N students on one link: time to first chart, slider → chart p50/p95, errors, server memory.

    python bench/bench_classroom.py                      # 30 students, one process, then the deployment
    python bench/bench_classroom.py --students 30 --moves 8 --targets single deploy --sessions 1000

Each student is a websocket client speaking Streamlit's own protocol (bench/st_client.py: the BackMsg and
ForwardMsg protobufs a browser exchanges), so a class fits on this machine; what it leaves out is the
browser's redraw (bench/bench_app.py measures that in Chromium). All students open the same link at once, then
each moves the first run's learning-rate slider `--moves` times, one move every `--think` seconds (± 50 %,
so they drift apart like a real class), in two scenarios:

- same: everyone moves to the same values, so the class shares one computation per value (the cache);
- different: each student has their own start point, so every move is a fresh computation.

slider → chart is the time from sending the move to the chart element arriving (the browser draws from
then on); errors count exception elements, timeouts and dropped connections. Memory is the resident size of
the server processes (sum over the deployment's Streamlit processes), before and after, and along
`--sessions` sessions opened and closed in turn, ten at a time (over 50 starts: the caches fill, then stay
bounded). Streamlit keeps a closed session for server.disconnectedSessionTTL (120 s) in case it reconnects.

Targets: `single` is one `streamlit run app.py`; `deploy` is deploy/serve.py's nginx in front of one process
per core, with sticky sessions.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.st_client import StreamlitSession  # noqa: E402
from deploy import serve  # noqa: E402
from tests.e2e.conftest import free_port  # noqa: E402

LINK = ("surface=rosenbrock&start=-1.2,1&steps=500&run=adamax(lr%3D0.1)&run=adam(lr%3D0.05)"
        "&run=sgd(lr%3D0.001,momentum%3D0.9)")
SLIDER = "run0_lr"
PANEL = "run0_panel"


def rss_bytes(pids: list[int]) -> int:
    """Resident memory of the processes, from /proc (Linux)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def start_app(root: Path, port: int) -> subprocess.Popen:
    """`streamlit run app.py` in `root` (its own .streamlit/config.toml), as a user would start it."""
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                                "--server.port", str(port), "--server.address", "127.0.0.1"],
                               cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    serve.wait_healthy(port, process)
    return process


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))]


def link_for(student: int, scenario: str) -> str:
    if scenario == "same":
        return LINK
    x, y = -1.5 + 0.01 * (student % 50), 1.0 + 0.01 * (student // 50)  # a start of one's own
    return LINK.replace("start=-1.2,1", f"start={x:.2f},{y:.2f}")


async def student(base: str, number: int, scenario: str, moves: int, think: float, seed: int) -> dict:
    rng = random.Random(seed * 1000 + number)
    session = StreamlitSession(base, link_for(number, scenario), timeout=60.0)
    record = {"first": None, "moves": [], "errors": []}
    try:
        opened = await session.open()
        if opened.error or opened.to_chart is None:
            record["errors"].append(f"open: {opened.error or 'no chart'}")
            return record
        record["first"] = opened.to_chart
        await session.set_bool(PANEL, True)  # open run 1's panel, whose widgets are drawn only while it is open
        options = session.select_slider_options(SLIDER)
        here = options.index("0.1")
        for move in range(moves):
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            # everyone walks the same values in "same"; in "different" the start differs anyway
            value = options[here + 1 + move % 3]
            result = await session.set_select_slider(SLIDER, value)
            if result.error or result.to_chart is None:
                record["errors"].append(f"move: {result.error or 'no chart'}")
            else:
                record["moves"].append(result.to_chart)
    except Exception as error:  # a benchmark reports, it does not stop
        record["errors"].append(f"{type(error).__name__}: {error}")
    finally:
        await session.close()
    return record


async def classroom(base: str, students: int, scenario: str, moves: int, think: float, seed: int) -> list[dict]:
    return await asyncio.gather(*(student(base, number, scenario, moves, think, seed)
                                  for number in range(students)))


async def churn(base: str, sessions: int, pids: list[int], every: int) -> list[tuple[int, int]]:
    """Open and close `sessions` sessions, ten at a time, over 50 different starts (so the caches fill and
    then stay at their bounds, and most sessions are cheap); RSS every `every`."""
    samples = [(0, rss_bytes(pids))]
    for first in range(0, sessions, 10):
        batch = [StreamlitSession(base, link_for(1000 + (first + i) % 50, "different"), timeout=60.0)
                 for i in range(10)]
        await asyncio.gather(*(session.open() for session in batch))
        await asyncio.gather(*(session.close() for session in batch))
        if (first + 10) % every == 0:
            samples.append((first + 10, rss_bytes(pids)))
    return samples


def report(name: str, scenario: str, records: list[dict]) -> None:
    firsts = [r["first"] for r in records if r["first"] is not None]
    moves = [m for r in records for m in r["moves"]]
    errors = [e for r in records for e in r["errors"]]
    line = f"  {scenario:9s} first chart p50 {statistics.median(firsts):5.2f} s, p95 {percentile(firsts, 95):5.2f} s;" \
        if firsts else f"  {scenario:9s} no chart opened;"
    if moves:
        line += (f" slider → chart p50 {statistics.median(moves):5.2f} s, p95 {percentile(moves, 95):5.2f} s "
                 f"({len(moves)} moves)")
    line += f"; errors {len(errors)}" + (f" (first: {errors[0]})" if errors else "")
    print(line, flush=True)


def run_target(target: str, arguments) -> None:
    port = free_port()
    if target == "single":
        processes = {port: start_app(arguments.root, port)}
        pids = [process.pid for process in processes.values()]
        stop = lambda: [p.terminate() for p in processes.values()]  # noqa: E731
        title = "one Streamlit process"
    else:
        backends = [free_port() for _ in range(arguments.processes)]
        deployment = serve.start(arguments.processes, port, address="127.0.0.1", backend_ports=backends)
        pids = deployment.pids()
        stop = deployment.stop
        title = f"deployment: nginx + {arguments.processes} Streamlit processes (sticky sessions)"
    base = f"ws://127.0.0.1:{port}"
    try:
        print(f"{title}, {arguments.students} students, {arguments.moves} moves each, one every "
              f"~{arguments.think:g} s:", flush=True)
        before = rss_bytes(pids)
        for scenario in ("same", "different"):
            records = asyncio.run(classroom(base, arguments.students, scenario, arguments.moves, arguments.think,
                                            arguments.seed))
            report(title, scenario, records)
        print(f"  server memory {before / 2**20:.0f} MB before, {rss_bytes(pids) / 2**20:.0f} MB after", flush=True)
        if arguments.sessions:
            samples = asyncio.run(churn(base, arguments.sessions, pids, max(arguments.sessions // 5, 10)))
            print("  memory over " + f"{arguments.sessions:,} sessions: "
                  + ", ".join(f"{count}: {size / 2**20:.0f} MB" for count, size in samples), flush=True)
    finally:
        stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--moves", type=int, default=8)
    parser.add_argument("--think", type=float, default=1.0, help="seconds between one student's moves (± 50 %%)")
    parser.add_argument("--processes", type=int, default=2, help="Streamlit processes in the deployment")
    parser.add_argument("--sessions", type=int, default=0, help="also open and close this many sessions (memory)")
    parser.add_argument("--targets", nargs="+", default=["single", "deploy"], choices=["single", "deploy"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="checkout whose app.py the single target runs (to compare versions)")
    arguments = parser.parse_args()
    for target in arguments.targets:
        run_target(target, arguments)


if __name__ == "__main__":
    main()
