"""Everything a formula costs, done in one place — the formula worker process, under its limits.

`describe(formula, domain, minimum)` parses the text (surfaces/formula_parse.py), differentiates it exactly
(`sympy.diff`), prints f, ∇f and both together as NumPy code (common subexpressions pulled out), compiles that
code the way the server will (surfaces/formula_code.py), checks f and ∇f on a grid over the domain (f finite
everywhere there, ∇f almost everywhere: an isolated kink such as the tip of a cone is allowed, and not zero
everywhere), times one evaluation (a formula too slow to evaluate would make every run slow), searches the
minima (surfaces/minima.py), and asks what can be proven about f's lower bound (surfaces/formula_bounds.py).
It returns plain data (numbers, text, the code's source), which crosses a process boundary as a pickle.

Before each stage it calls `stage(name)` (a key of formula_worker.STAGES), so the server can say which one ran
out of time.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import sympy
from sympy.printing.numpy import NumPyPrinter

from .formula_bounds import UNKNOWN, Boundedness, decide
from .formula_code import FUNCTION_NAME, MAX_SOURCE_CHARS, CodeError, surface_functions
from .formula_parse import X, Y, parse_formula, typeset
from .formula_text import FormulaError, clean_text
from .minima import domain_grid, find_minima, log_scale, story_start

CHECK_GRID = 101          # f and ∇f are checked on CHECK_GRID² points (odd: the domain's centre is one)
GRADIENT_SINGULAR_SHARE = 0.01  # ∇f may be non-finite on at most this share of the check grid (kinks)
BOUNDS_SECONDS = 3.0      # the prover's share of the time; out of time, boundedness is "not known"
MAX_POINT_SECONDS = 2e-3  # (f, ∇f) at one point: the page's three runs of 500 steps call it 1,500 times
MAX_GRID_SECONDS = 0.25   # (f, ∇f) at 10,000 points: a sweep's step over a 100 × 100 grid


def describe(formula: str, domain, minimum: tuple[float, float] | None,
             stage: Callable[[str], None] = lambda name: None) -> dict[str, Any]:
    """The plain-data description of a formula's surface; FormulaError/ValueError where it is refused."""
    stage("read")
    text = clean_text(formula)
    expr = parse_formula(text)
    latex = typeset(text)
    stage("differentiate")
    gx, gy = sympy.diff(expr, X), sympy.diff(expr, Y)
    if gx == 0 and gy == 0:
        raise FormulaError("f is constant: its gradient is zero everywhere, so there is nothing to optimize")
    for component in (gx, gy):
        if component.has(sympy.Derivative, sympy.DiracDelta, sympy.Heaviside, sympy.Subs, sympy.Piecewise):
            raise FormulaError("the gradient of this formula cannot be evaluated numerically")
    stage("code")
    sources = {"f": numpy_source([expr]), "grad": numpy_source([gx, gy]), "both": numpy_source([expr, gx, gy])}
    try:
        f, grad, value_and_grad = surface_functions(sources)
    except (CodeError, SyntaxError, RecursionError, MemoryError) as error:
        raise FormulaError(f"this formula's gradient is too large to evaluate ({error})") from None
    stage("check")
    values = check_values(f, grad, domain)
    point_seconds, grid_seconds = evaluation_seconds(value_and_grad, domain)
    if point_seconds > MAX_POINT_SECONDS or grid_seconds > MAX_GRID_SECONDS:
        raise FormulaError(f"this formula is too slow to evaluate ({point_seconds * 1e3:.2g} ms per point; "
                           f"at most {MAX_POINT_SECONDS * 1e3:g} ms): runs on it would take minutes. "
                           "Try a shorter formula")
    stage("minima")
    if minimum is not None:
        minima, minimum_value = given_minimum(f, minimum, domain)
        source = "given"
        message = f"Minimum as given: f = {minimum_value:.6g} at ({minima[0, 0]:g}, {minima[0, 1]:g})."
    else:
        minima, minimum_value, source, message = find_minima(f, grad, domain)
    stage("bounds")
    try:
        with time_limit(BOUNDS_SECONDS):
            bound = decide(expr, X, Y, f)
    except (_OutOfTime, RecursionError, NotImplementedError, ValueError, TypeError, AttributeError,
            ZeroDivisionError, sympy.PolynomialError):
        bound = UNKNOWN  # not proven either way (SymPy gave up, or ran out of its share of time)
    floor = minimum_value if minimum_value is not None else float(values.min())
    return {
        "formula": text, "latex": latex, "sources": sources, "domain": domain,
        "minima": minima, "minimum_value": minimum_value, "minima_source": source, "minima_message": message,
        "bounded_below": bound.bounded_below, "bound_reason": bound.reason, "lower_bound": bound.lower_bound,
        "positive": bound.positive, "note": note(message, source, bound),
        "start": story_start(domain, minima), "log_scale": log_scale(values, min(floor, float(values.min()))),
        "point_seconds": point_seconds, "grid_seconds": grid_seconds,
    }


def note(message: str, source: str, bound: Boundedness) -> str:
    """The page's sentence on f's minimum: what was found on the domain, then only what is proven beyond it."""
    known = bound.bounded_below
    if known is False:
        return f"{message} Beyond the domain, f is unbounded below (proven): {bound.reason}."
    if source != "none":
        return message
    if known is True:
        return (f"{message} f is bounded below (proven: {bound.reason}), so past the edge it levels off or "
                "turns back up.")
    return f"{message} Whether f is bounded below beyond the domain is not known."


def numpy_source(exprs: list[Any]) -> str:
    """The source of `def generated(x, y): … return (e1, e2, …)`, common subexpressions as t0, t1, …"""
    replacements, reduced = sympy.cse(exprs, symbols=sympy.numbered_symbols("t"))
    printer = NumPyPrinter({"fully_qualified_modules": True})
    lines = [f"def {FUNCTION_NAME}(x, y):"]
    lines += [f"    {symbol} = {printer.doprint(value)}" for symbol, value in replacements]
    lines.append(f"    return ({', '.join(printer.doprint(value) for value in reduced)},)")
    source = "\n".join(lines) + "\n"
    if len(source) > MAX_SOURCE_CHARS:
        raise FormulaError(f"this formula's gradient is too large to evaluate ({len(source):,} characters of "
                           f"code; at most {MAX_SOURCE_CHARS:,}): try a shorter formula")
    return source


def check_values(f, grad, domain) -> np.ndarray:
    """f on the check grid, after checking f finite, ∇f finite almost everywhere and not zero everywhere."""
    grid = domain_grid(domain, CHECK_GRID)
    values = f(grid)
    bad = ~np.isfinite(values)
    if bad.any():
        x, y = grid[np.unravel_index(np.argmax(bad), bad.shape)]
        what = "NaN (undefined)" if np.isnan(values[bad]).any() else "infinite"
        raise FormulaError(f"f is {what} at ({x:.4g}, {y:.4g}) and on {bad.mean():.0%} of the domain: "
                           "choose a domain where f is defined and finite")
    gradients = grad(grid)
    singular = ~np.isfinite(gradients).all(axis=-1)
    if singular.mean() > GRADIENT_SINGULAR_SHARE:
        x, y = grid[np.unravel_index(np.argmax(singular), singular.shape)]
        raise FormulaError(f"the gradient of f is not finite at ({x:.4g}, {y:.4g}) and on {singular.mean():.0%} "
                           "of the domain: choose a domain where f is differentiable")
    norms = np.linalg.norm(np.where(singular[..., None], 0.0, gradients), axis=-1)
    scale = max(1.0, float(np.abs(values).max()))
    if float(norms.max()) <= 1e-12 * scale:
        raise FormulaError("f is constant over the domain: its gradient is zero, so there is nothing to optimize")
    return values


def evaluation_seconds(value_and_grad, domain) -> tuple[float, float]:
    """The best of a few timings of (f, ∇f) at one point and at 10,000 points (a 100 × 100 grid)."""
    (x0, x1), (y0, y1) = domain
    point = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    grid = domain_grid(domain, 100)
    timings = []
    for points, repeats in ((point, 5), (grid, 2)):
        best = math.inf
        for _ in range(repeats):
            started = time.perf_counter()
            value_and_grad(points)
            best = min(best, time.perf_counter() - started)
        timings.append(best)
    return timings[0], timings[1]


def given_minimum(f, minimum, domain) -> tuple[np.ndarray, float]:
    point = np.asarray(minimum, dtype=np.float64).reshape(-1)
    if point.shape != (2,) or not np.isfinite(point).all():
        raise ValueError(f"minimum must be two finite numbers x, y, got {minimum!r}")
    (x0, x1), (y0, y1) = domain
    if not (x0 <= point[0] <= x1 and y0 <= point[1] <= y1):
        raise ValueError(f"the given minimum ({point[0]:g}, {point[1]:g}) is outside the domain")
    value = float(f(point))
    if not math.isfinite(value):
        raise ValueError(f"f is not finite at the given minimum ({point[0]:g}, {point[1]:g})")
    return point.reshape(1, 2), value


class _OutOfTime(Exception):
    pass


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise _OutOfTime in the block after `seconds` of wall time (in a process's main thread; elsewhere,
    e.g. called from a test's thread, no limit: the worker process's own limit still holds)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def out_of_time(signum, frame):
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, out_of_time)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
