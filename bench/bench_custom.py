"""Benchmark of user formulas and gradient noise.

    python bench/bench_custom.py

Prints (with the load average: this machine is shared):
- the time to start a formula worker (a process that imports SymPy; paid once, then kept);
- the time to turn a formula into a surface (in the worker: parse, exact gradient, code, checks on the domain,
  minima search, boundedness proof; here: compile the checked code), for a few formulas, first time (the result
  is memoised after that);
- the slowest refusal over the hostile corpus of tests/surfaces/test_formula.py (the budget: under a second each);
- the expensive corpus of tests/surfaces/test_formula_limits.py (cheap to write, expensive to process): each one's time
  to be drawn or refused under the worker's limits;
- other sessions' latency while the worst formula is processed: a cheap race (three runs of 500 steps on
  Rosenbrock) timed again and again in this process, quiet, while a worker chews the worst formula, and while
  the same SymPy work runs in a thread of this process (as it did before there was a worker) for comparison;
- a formula surface against the hand-written Rosenbrock inside `run` (1 × 2,000 steps, recorded, and
  10,000 × 500 batched): what a user's formula costs per step;
- `run` with gradient noise against without (10,000 × 500 and 1 × 2,000 recorded).
Each timing is the best of several repeats.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

started = time.perf_counter()
import sympy  # noqa: E402, F401  (timed on purpose)

SYMPY_IMPORT = time.perf_counter() - started

from bench.bench_core import best_time  # noqa: E402  (one timer for every benchmark)
from optimizers import SGD, Adam, AdaMax, GradientNoise, run  # noqa: E402
from surfaces import SURFACES, formula_worker  # noqa: E402
from surfaces.formula import FormulaError, clear_cache, custom_surface  # noqa: E402
from tests.surfaces.test_formula import WRITTEN, hostile_corpus  # noqa: E402
from tests.surfaces.test_formula_limits import EXPENSIVE, SMALL, nested_powers  # noqa: E402

DOMAIN = ((-2.0, 2.0), (-2.0, 2.0))


def fresh_build(formula: str, domain) -> float:
    """Time to build the surface with the memo cleared (what a newly typed formula costs)."""
    def build():
        clear_cache()
        custom_surface(formula, domain)
    return best_time(build, 3)


def load() -> str:
    return "load average " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def race_seconds() -> float:
    """A cheap rerun of another session: three runs of 500 steps on Rosenbrock."""
    surface, start = SURFACES["rosenbrock"], np.array([-1.2, 1.0])
    began = time.perf_counter()
    for optimizer in (AdaMax(lr=0.05), Adam(lr=0.05), SGD(lr=0.001, momentum=0.9)):
        run(optimizer, surface, start, 500, record_state=True)
    return time.perf_counter() - began


def latencies(busy: threading.Thread | None, seconds: float = 8.0) -> list[float]:
    """Race times, again and again, while `busy` runs (or for `seconds` when quiet)."""
    times: list[float] = []
    began = time.perf_counter()
    if busy is not None:
        busy.start()
    while (busy.is_alive() if busy is not None else time.perf_counter() - began < seconds) or len(times) < 5:
        times.append(race_seconds())
    if busy is not None:
        busy.join()
    return times


def summary(label: str, times: list[float]) -> str:
    p95 = sorted(times)[max(0, round(0.95 * len(times)) - 1)]
    return (f"{label:44s}: race p50 {statistics.median(times) * 1e3:6.1f} ms, p95 {p95 * 1e3:6.1f} ms, "
            f"max {max(times) * 1e3:6.1f} ms over {len(times)} reruns ({load()})")


def other_sessions() -> None:
    worst = nested_powers(12)

    def in_worker(result: dict) -> None:
        began = time.perf_counter()
        try:
            custom_surface(worst, SMALL)
            result["what"] = "drawn"
        except FormulaError as error:
            result["what"] = str(error)[:70]
        result["seconds"] = time.perf_counter() - began

    def in_this_process(result: dict, limit: float) -> None:
        from surfaces.formula_build import describe  # the same work, without a worker: nothing can stop it

        began = time.perf_counter()
        with contextlib.suppress(FormulaError, ValueError):
            describe(nested_powers(10), SMALL, None)
        result["seconds"] = time.perf_counter() - began

    print(summary("quiet", latencies(None)))
    result: dict = {}
    clear_cache()
    print(summary("while a worker processes the worst formula", latencies(threading.Thread(target=in_worker,
                                                                                            args=(result,)))))
    print(f"  the worst formula ({len(worst)} characters): {result['what']!r} after {result['seconds']:.1f} s")
    before: dict = {}
    print(summary("same work in this process (no worker)", latencies(threading.Thread(
        target=in_this_process, args=(before, 60.0)))))
    print(f"  in-process SymPy work on nested_powers(10) took {before['seconds']:.1f} s "
          "(depth 12 takes minutes there)")


def main() -> None:
    print(f"import sympy: {SYMPY_IMPORT * 1e3:.0f} ms (in a process that needs it; the server does not)")
    began = time.perf_counter()
    custom_surface("x**2 + y**2", DOMAIN)
    print(f"formula worker start + first formula: {(time.perf_counter() - began) * 1e3:.0f} ms ({load()})")
    for key in ("rosenbrock", "himmelblau", "goldstein_price", "ackley"):
        ms = fresh_build(WRITTEN[key], SURFACES[key].domain) * 1e3
        print(f"formula → surface, {key:16s}: {ms:6.1f} ms")

    slowest, which = 0.0, ""
    for formula in hostile_corpus():
        begun = time.perf_counter()
        with contextlib.suppress(FormulaError):
            custom_surface(formula, DOMAIN)
        elapsed = time.perf_counter() - begun
        if elapsed > slowest:
            slowest, which = elapsed, formula[:40]
    print(f"hostile corpus: {len(hostile_corpus())} formulas, slowest refusal {slowest * 1e3:.1f} ms ({which!r})")

    print(f"expensive corpus, limits {formula_worker.CPU_LIMIT_SECONDS:g} s CPU / "
          f"{formula_worker.WALL_LIMIT_SECONDS:g} s wall / {formula_worker.MEMORY_LIMIT_BYTES // 2**20} MB ({load()}):")
    clear_cache()
    for formula in EXPENSIVE:
        began = time.perf_counter()
        try:
            custom_surface(formula, SMALL)
            what = "drawn"
        except FormulaError as error:
            what = f"refused: {str(error)[:60]}"
        print(f"  {time.perf_counter() - began:6.2f} s  {formula[:36]!r:40s} {what}")
    other_sessions()

    reference = SURFACES["rosenbrock"]
    written = custom_surface(WRITTEN["rosenbrock"], reference.domain)
    start = np.array([-1.2, 1.0])
    lr = np.logspace(-3, 0, 10_000)[:, None]
    starts = np.broadcast_to(start, (10_000, 2))
    for label, surface in (("hand-written", reference), ("formula", written)):
        one = best_time(lambda s=surface: run(AdaMax(lr=0.05), s, start, 2000, record_state=True))
        many = best_time(lambda s=surface: run(AdaMax(lr=lr), s, starts, 500), 3)
        print(f"Rosenbrock {label:12s}: 1 × 2,000 recorded {one * 1e3:6.1f} ms; 10,000 × 500 {many * 1e3:6.0f} ms")

    for label, noise in (("no noise", None), ("gaussian relative", GradientNoise(scale=0.1, seed=1)),
                         ("spikes", GradientNoise(kind="spikes", every=50, factor=100.0, seed=1))):
        one = best_time(lambda n=noise: run(AdaMax(lr=0.05), reference, start, 2000, record_state=True, noise=n))
        many = best_time(lambda n=noise: run(AdaMax(lr=lr), reference, starts, 500, noise=n), 3)
        print(f"run, {label:17s}: 1 × 2,000 recorded {one * 1e3:6.1f} ms; 10,000 × 500 {many * 1e3:6.0f} ms")


if __name__ == "__main__":
    main()
