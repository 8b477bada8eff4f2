"""Benchmark of user formulas and gradient noise.

    python bench/bench_custom.py

Prints:
- the time to import SymPy (paid once per process, on the first formula);
- the time to turn a formula into a surface (parse, exact gradient, lambdify, checks on the domain, minima
  search), for a few formulas, first time (the result is memoised after that);
- the slowest refusal over the hostile corpus of tests/test_formula.py (the budget: under a second each);
- a formula surface against the hand-written Rosenbrock inside `run` (1 × 2,000 steps, recorded, and
  10,000 × 500 batched): what a user's formula costs per step;
- `run` with gradient noise against without (10,000 × 500 and 1 × 2,000 recorded).
Each timing is the best of several repeats.
"""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

started = time.perf_counter()
import sympy  # noqa: E402, F401  (timed on purpose)

SYMPY_IMPORT = time.perf_counter() - started

from bench.bench_core import best_time  # noqa: E402  (one timer for every benchmark)
from optimizers import AdaMax, GradientNoise, run  # noqa: E402
from surfaces import SURFACES  # noqa: E402
from surfaces.formula import FormulaError, _custom_surface, custom_surface  # noqa: E402
from tests.test_formula import WRITTEN, hostile_corpus  # noqa: E402

DOMAIN = ((-2.0, 2.0), (-2.0, 2.0))


def fresh_build(formula: str, domain) -> float:
    """Time to build the surface with the memo cleared (what a newly typed formula costs)."""
    def build():
        _custom_surface.cache_clear()
        custom_surface(formula, domain)
    return best_time(build, 3)


def main() -> None:
    print(f"import sympy: {SYMPY_IMPORT * 1e3:.0f} ms (once per process)")
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
