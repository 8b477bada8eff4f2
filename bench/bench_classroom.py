"""A class of N students on one link: time to first chart, slider → chart p50/p95, errors, server memory.

    python bench/bench_classroom.py                      # 30 students, one process, then the deployment
    python bench/bench_classroom.py --students 30 --moves 8 --targets single deploy --sessions 1000

Each student is a websocket client speaking Streamlit's own protocol (bench/st_client.py: the BackMsg and
ForwardMsg protobufs a browser exchanges), so a class fits on this machine; what it leaves out is the
browser's redraw (bench/bench_app.py measures that in Chromium). All students open the same link at once, then
each moves the first run's learning-rate slider `--moves` times, one move every `--think` seconds (± 50 %,
so they drift apart like a real class), in two scenarios:

- same: everyone moves to the same values, so the class shares one computation per value (the cache);
- different: each student has their own start point, so every move is a fresh computation;
- worst: the `same` class while one more student opens the heaviest links found (`--worst`: the Sweeps at 128²
  cells, 5,000 steps, 4 runs and noise; the Lp section with 8 Adam-Lp runs of 5,000 steps), which wait for a
  click, and clicks "Compute this view"; the class's p95 is compared with the quiet class's (`same`);
- sweeps: 25 students on the race (`same`) and 5 on Sweeps, each from their own start, moving run 1's β1 (its map,
  lr curve and basins computed afresh every move);
- drop: every student sends a move and closes the connection mid-rerun (a tab closed, a network lost), then
  the `same` class runs: errors and the server's log show what that left behind;
- kill (deploy only): the `same` class, and one Streamlit process killed (SIGKILL) after `--kill-after` s; its
  students reconnect as the browser does (health pings from 0.1 s, doubling up to 4 s, then a new session on
  the link) and the time from the kill to their chart on a live process is reported.

slider → chart is the time from sending the move to the chart element arriving (the browser draws from
then on); errors count exception elements, timeouts and dropped connections. Memory is the resident size of
the server processes (sum over the deployment's Streamlit processes), before and after, and along
`--sessions` sessions opened and closed in turn, ten at a time (over 50 starts: the caches fill, then stay
bounded). Streamlit keeps a closed session for server.disconnectedSessionTTL (30 s here) in case it reconnects.

Targets: `single` is one `streamlit run app.py`; `deploy` is deploy/serve.py's nginx in front of one process
per core. Every line carries the load average of the machine when it was printed (other work on it counts).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402

from bench.st_client import StreamlitSession  # noqa: E402
from deploy import serve  # noqa: E402
from tests.e2e.conftest import free_port  # noqa: E402

LINK = ("surface=rosenbrock&start=-1.2,1&steps=500&run=adamax(lr%3D0.1)&run=adam(lr%3D0.05)"
        "&run=sgd(lr%3D0.001,momentum%3D0.9)")
SLIDER = "run0_lr"
PANEL = "run0_panel"
SWEEPS_LINK = ("section=sweep&steps=500&run=adamax(lr%3D0.1)&run=adam(lr%3D0.05)&run=sgd(lr%3D0.001,momentum%3D0.9)"
               "&run=rmsprop(lr%3D0.01)")
SWEEPS_SLIDER = "run0_beta1"
WORST = {
    "sweeps": ("section=sweep&sweep=adamax(cells=128)&steps=5000&run=adamax&run=adam&run=sgd&run=rmsprop"
               "&noise=gaussian(scale%3D0.1,relative%3Dtrue,seed%3D1)"),
    "lp": "section=lp&steps=5000" + "&run=adamlp(p%3D256)" * 8,
}
FIRST_RETRY, LAST_RETRY = 0.1, 4.0   # the browser's health pings after a lost connection: from 0.1 s, doubling to 4 s


def load() -> str:
    return "load " + " ".join(f"{value:.1f}" for value in os.getloadavg())


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


async def student(base: str, number: int, link: str, moves: int, think: float, seed: int, *,
                  slider: str = SLIDER, reconnect: dict | None = None) -> dict:
    """Open `link`, open run 1's panel, move `slider` `moves` times. With `reconnect` (the kill scenario: it holds
    the kill's time), a lost connection is followed by the browser's reconnection, timed from the kill."""
    rng = random.Random(seed * 1000 + number)
    session = StreamlitSession(base, link, timeout=60.0)
    record = {"first": None, "moves": [], "errors": [], "finished": [], "back": None}
    try:
        opened = await session.open()
        if opened.error or opened.to_chart is None:
            record["errors"].append(f"open: {opened.error or 'no chart'}")
            return record
        record["first"] = opened.to_chart
        await session.set_bool(PANEL, True)  # open run 1's panel, whose widgets are drawn only while it is open
        move_to, options, here = _mover(session, slider)
        record["live"] = not session.has_widget(slider)
        for move in range(moves):
            pause = think * rng.uniform(0.5, 1.5)
            if reconnect is not None:
                with contextlib.suppress(TimeoutError):  # a browser notices a closed connection at once
                    await asyncio.wait_for(asyncio.shield(session._socket.wait_closed()), pause)
                if session._socket.state.name == "CLOSED":
                    session = await back_again(base, link, reconnect, record)
                    if session is None:
                        return record
                    continue
            else:
                await asyncio.sleep(pause)
            # everyone walks the same values in "same"; in "different" the start differs anyway
            result = await move_to(options[here + 1 + move % 3])
            if (result.error or "").startswith("ConnectionClosed") and reconnect is not None:
                session = await back_again(base, link, reconnect, record)
                if session is None:
                    return record
            elif result.error or result.to_chart is None:
                record["errors"].append(f"move: {result.error or 'no chart'}")
            else:
                record["moves"].append(result.to_chart)
                record["finished"].append(result.to_finished)
    except Exception as error:  # a benchmark reports, it does not stop
        record["errors"].append(f"{type(error).__name__}: {error}")
    finally:
        await session.close()
    return record


def _mover(session: StreamlitSession, slider: str):
    """How this student moves `slider`: its select_slider, or — where the run's panel holds live sliders
    (ui/live) — a release of the live slider, as the browser sends it after a drag. (move, values, start index)."""
    if session.has_widget(slider):
        options = session.select_slider_options(slider)
        proto = session.widgets[session.widget_id(slider)]
        here = min(int(proto.default[0]) if len(proto.default) else 0, len(options) - 4)
        return functools.partial(session.set_select_slider, slider), options, here
    from figures.live import decode
    from ui.live import panel_key

    run, name = int(slider[3:slider.index("_")]), slider[slider.index("_") + 1:]
    header, _ = decode(session.component_bytes(panel_key(run)))
    live = next(s for r in header["runs"] if r["index"] == run for s in r["sliders"] if s["name"] == name)
    here = min(live["current"], len(live["values"]) - 4)
    release = functools.partial(session.trigger, panel_key(run), "release")
    return (lambda value: release({"run": run, "name": name, "value": value})), live["values"], here


async def back_again(base: str, link: str, reconnect: dict, record: dict) -> StreamlitSession | None:
    """The browser after its connection closed: pings with back-off until a session opens with its chart."""
    lost = time.perf_counter()
    delay = FIRST_RETRY
    while time.perf_counter() - lost < 60:
        await asyncio.sleep(delay)
        delay = min(2 * delay, LAST_RETRY)
        session = StreamlitSession(base, link, timeout=30.0)
        try:
            opened = await session.open()
        except Exception:  # refused, or nginx's 502: try again
            continue
        if opened.to_chart is not None and not opened.error:
            record["back"] = time.perf_counter() - reconnect["killed_at"]
            await session.set_bool(PANEL, True)
            return session
        await session.close()
    record["errors"].append("never came back")
    return None


async def classroom(base: str, students: int, scenario: str, moves: int, think: float, seed: int) -> list[dict]:
    return await asyncio.gather(*(student(base, number, link_for(number, scenario), moves, think, seed)
                                  for number in range(students)))


async def heavy_student(base: str, link: str, after: float) -> dict:
    """One student opening a heavy link and clicking "Compute this view" `after` seconds into the class."""
    await asyncio.sleep(after)
    session = StreamlitSession(base, link, timeout=600.0)
    record = {"link": link, "waited": None, "computed": None, "errors": []}
    try:
        opened = await session.open()
        record["waited"] = session.has_widget("approve_view") and opened.to_chart is None
        started = time.perf_counter()
        result = await session.click("approve_view") if session.has_widget("approve_view") else opened
        record["computed"] = time.perf_counter() - started
        if result.error or result.to_finished is None:
            record["errors"].append(result.error or "not finished")
    except Exception as error:
        record["errors"].append(f"{type(error).__name__}: {error}")
    finally:
        await session.close()
    return record


async def class_with_worst(base: str, students: int, moves: int, think: float, seed: int,
                           worst: str) -> tuple[list[dict], dict]:
    heavy = asyncio.ensure_future(heavy_student(base, WORST[worst], after=2.0))
    records = await classroom(base, students, "same", moves, think, seed)
    return records, await heavy


async def race_and_sweeps(base: str, students: int, sweepers: int, moves: int, think: float,
                          seed: int) -> tuple[list[dict], list[dict]]:
    def sweeps_link(number: int) -> str:
        return SWEEPS_LINK + f"&start={-1.5 + 0.05 * number:.2f},{1.2 + 0.05 * number:.2f}"

    race = [student(base, number, LINK, moves, think, seed) for number in range(students - sweepers)]
    sweeps = [student(base, 100 + number, sweeps_link(number), moves, think, seed, slider=SWEEPS_SLIDER)
              for number in range(sweepers)]
    records = await asyncio.gather(*race, *sweeps)
    return records[:students - sweepers], records[students - sweepers:]


async def drop_mid_rerun(base: str, students: int) -> int:
    """Each student opens a link of their own, sends a move (a fresh computation) and closes the connection at
    once, mid-rerun, as a browser tab closed or a network lost does; returns how many did."""
    async def one(number: int) -> int:
        session = StreamlitSession(base, link_for(3000 + number, "different"), timeout=60.0)
        opened = await session.open()
        if opened.to_chart is None:
            return 0
        await session.set_bool(PANEL, True)
        state = WidgetState(id=session.widget_id(SLIDER))
        state.string_array_value.data[:] = [session.select_slider_options(SLIDER)[-1]]
        message = BackMsg()
        message.rerun_script.query_string = session.query
        message.rerun_script.page_script_hash = session.page_script_hash
        message.rerun_script.widget_states.widgets.extend([state])
        await session._socket.send(message.SerializeToString())
        await session.close()
        return 1

    return sum(await asyncio.gather(*(one(number) for number in range(students))))


async def class_with_a_kill(base: str, students: int, moves: int, think: float, seed: int, after: float,
                            victim: int) -> tuple[list[dict], dict]:
    reconnect = {"killed_at": float("inf")}

    async def kill() -> None:
        await asyncio.sleep(after)
        reconnect["killed_at"] = time.perf_counter()
        os.kill(victim, signal.SIGKILL)

    killer = asyncio.ensure_future(kill())
    records = await asyncio.gather(*(student(base, number, LINK, moves, think, seed, reconnect=reconnect)
                                     for number in range(students)))
    await killer
    return records, reconnect


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


async def hold(base: str, sessions: int, pids: list[int], every: int, scenario: str) -> list[tuple[int, int]]:
    """Open `sessions` sessions ten at a time and keep them all open (students who leave their tabs open), each
    on a link of its own (`different`) or all on one (`same`); RSS every `every`; then close them all."""
    samples, opened = [(0, rss_bytes(pids))], []
    try:
        for first in range(0, sessions, 10):
            batch = [StreamlitSession(base, link_for(2000 + first + i, scenario), timeout=120.0) for i in range(10)]
            await asyncio.gather(*(session.open() for session in batch))
            opened.extend(batch)
            if (first + 10) % every == 0:
                samples.append((first + 10, rss_bytes(pids)))
    finally:
        await asyncio.gather(*(session.close() for session in opened), return_exceptions=True)
    return samples


def summary(records: list[dict]) -> dict:
    moves = [m for r in records for m in r["moves"]]
    return {"firsts": [r["first"] for r in records if r["first"] is not None], "moves": moves,
            "finished": [m for r in records for m in r.get("finished", []) if m is not None],
            "errors": [e for r in records for e in r["errors"]],
            "p95": percentile(moves, 95) if moves else float("nan")}


def report(name: str, scenario: str, records: list[dict]) -> dict:
    figures = summary(records)
    firsts, moves, errors = figures["firsts"], figures["moves"], figures["errors"]
    line = f"  {scenario:9s} first chart p50 {statistics.median(firsts):5.2f} s, p95 {percentile(firsts, 95):5.2f} s;" \
        if firsts else f"  {scenario:9s} no chart opened;"
    if moves:
        live = sum(bool(record.get("live")) for record in records)
        line += (f" slider → chart p50 {statistics.median(moves):5.2f} s, p95 {percentile(moves, 95):5.2f} s "
                 f"({len(moves)} moves{f', {live} students on live sliders' if live else ''})")
        finished = figures["finished"]
        if finished:  # the whole rerun, the live sliders' payload included (it is sent after the chart)
            line += (f"; → rerun done p50 {statistics.median(finished):5.2f} s, "
                     f"p95 {percentile(finished, 95):5.2f} s")
    line += f"; errors {len(errors)}" + (f" (first: {errors[0]})" if errors else "") + f"  [{load()}]"
    print(line, flush=True)
    return figures


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
        title = f"deployment: nginx + {arguments.processes} Streamlit processes"
    base = f"ws://127.0.0.1:{port}"
    try:
        print(f"{title}, {arguments.students} students, {arguments.moves} moves each, one every "
              f"~{arguments.think:g} s  [{load()}]:", flush=True)
        before = rss_bytes(pids)
        quiet = None
        for scenario in arguments.scenarios:
            if scenario in ("same", "different"):
                figures = report(title, scenario, asyncio.run(classroom(
                    base, arguments.students, scenario, arguments.moves, arguments.think, arguments.seed)))
                quiet = figures["p95"] if scenario == "same" else quiet
            elif scenario == "worst":
                for worst in arguments.worst:
                    records, heavy = asyncio.run(class_with_worst(base, arguments.students, arguments.moves,
                                                                  arguments.think, arguments.seed, worst))
                    figures = report(title, f"worst:{worst}", records)
                    ratio = f", {figures['p95'] / quiet:.2f}× the quiet class's p95" if quiet else ""
                    print(f"      the heavy student: waited for the click {heavy['waited']}, computed in "
                          f"{heavy['computed'] or float('nan'):.1f} s, errors {heavy['errors']}{ratio}", flush=True)
            elif scenario == "sweeps":
                race, sweeps = asyncio.run(race_and_sweeps(base, arguments.students, arguments.sweepers,
                                                           arguments.moves, arguments.think, arguments.seed))
                report(title, "race", race)
                figures = report(title, "on Sweeps", sweeps)
                if figures["finished"]:
                    print(f"      Sweeps: β1 → whole page p50 {statistics.median(figures['finished']):.2f} s, p95 "
                          f"{percentile(figures['finished'], 95):.2f} s", flush=True)
            elif scenario == "drop":
                dropped = asyncio.run(drop_mid_rerun(base, arguments.students))
                print(f"  drop      {dropped} students closed their connection mid-rerun  [{load()}]", flush=True)
                report(title, "after it", asyncio.run(classroom(base, arguments.students, "same", arguments.moves,
                                                                arguments.think, arguments.seed)))
            elif scenario == "kill" and target == "deploy":
                victim = pids[0]
                records, _ = asyncio.run(class_with_a_kill(base, arguments.students, arguments.moves,
                                                                   arguments.think, arguments.seed,
                                                                   arguments.kill_after, victim))
                report(title, "kill", records)
                back = sorted(r["back"] for r in records if r["back"] is not None)
                lost = [r for r in records if r["back"] is None and r["errors"]]
                print(f"      killed process {victim} after {arguments.kill_after:g} s: {len(back)} students "
                      f"reconnected, back on a chart after p50 {statistics.median(back) if back else float('nan'):.2f}"
                      f" s, max {max(back) if back else float('nan'):.2f} s from the kill; within 10 s: "
                      f"{sum(b <= 10 for b in back)}/{len(back)}; students with errors and no way back: {len(lost)}",
                      flush=True)
                time.sleep(5)
                pids = deployment.pids()
        print(f"  server memory {before / 2**20:.0f} MB before, {rss_bytes(pids) / 2**20:.0f} MB after", flush=True)
        if arguments.hold:
            for scenario in ("same", "different"):
                samples = asyncio.run(hold(base, arguments.hold, pids, max(arguments.hold // 10, 10), scenario))
                (n0, m0), (n1, m1) = samples[1], samples[-1]
                per_session = (m1 - m0) / max(n1 - n0, 1)
                print(f"  {arguments.hold:,} sessions held open ({scenario} link): "
                      + ", ".join(f"{count}: {size / 2**20:.0f} MB" for count, size in samples)
                      + f"; {per_session / 2**20:.2f} MB a session → 2 GB at ≈ "
                      f"{(2 * 2**30 - m0) / per_session + n0:,.0f} sessions  [{load()}]", flush=True)
                time.sleep(2)
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
    parser.add_argument("--hold", type=int, default=0, help="also open this many sessions and keep them open (memory)")
    parser.add_argument("--targets", nargs="+", default=["single", "deploy"], choices=["single", "deploy"])
    parser.add_argument("--scenarios", nargs="*", default=["same", "different"],
                        choices=["same", "different", "worst", "sweeps", "kill", "drop"])
    parser.add_argument("--worst", nargs="+", default=list(WORST), choices=list(WORST))
    parser.add_argument("--sweepers", type=int, default=5, help="students on Sweeps in the sweeps scenario")
    parser.add_argument("--kill-after", type=float, default=4.0, help="seconds into the class the kill comes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="checkout whose app.py the single target runs (to compare versions)")
    arguments = parser.parse_args()
    for target in arguments.targets:
        run_target(target, arguments)


if __name__ == "__main__":
    main()
