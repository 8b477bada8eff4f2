"""A user's formula f(x, y) as a `Surface`, parsed without ever executing the user's text, and processed under
hard limits on time and memory.

The route:

1. here, in the server: the text is checked (surfaces/formula_text.py: length, plain ASCII, Python syntax,
   node count), which costs O(length) and gives most refusals at once;
2. in a worker process that the server kills at its limits (surfaces/formula_worker.py): the SymPy tree is
   built node by node from an allow-list (surfaces/formula_parse.py; nothing is evaluated), differentiated
   exactly, printed as NumPy code, checked and timed on the domain, its minima searched and its lower bound
   decided where it can be proven (surfaces/formula_build.py, surfaces/formula_bounds.py);
3. here again: the printed code is checked against an allow-list and compiled (surfaces/formula_code.py).

A formula that runs out of time or memory is refused with a message naming the stage ("this formula takes too
long to differentiate …"); the other sessions are served meanwhile. Results — surfaces and refusals — are
memoised, so a formula pays the worker once per server process.

Minima: a given minimum is used as given (labelled "given"). Otherwise surfaces/minima.py searches them on the
domain (a grid, then damped Newton steps): "found", or "none" where f is lowest on the domain's edge and still
falling there. What lies beyond the domain is said only where it is proven: `bounded_below` is True, False or
None (not known), with the reason in `bound_reason`.

>>> surface = custom_surface("(1-x)**2 + 100*(y-x**2)**2", ((-2, 2), (-1, 3)))
>>> surface.minima_source, surface.minima.round(6).tolist(), surface.bounded_below
('found', [[1.0, 1.0]], True)
>>> print(surface.latex)
\\left(1 - x\\right)^{2} + 100 \\left(y - x^{2}\\right)^{2}
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .base import Surface
from .formula_code import surface_functions
from .formula_text import (  # noqa: F401  (the public names of this module)
    FUNCTION_NAMES,
    MAX_CALL_DEPTH,
    MAX_DEPTH,
    MAX_DOMAIN,
    MAX_EXPONENT,
    MAX_FORMULA_CHARS,
    MAX_NODES,
    FormulaError,
    clean_text,
    parse_tree,
)
from .formula_worker import FormulaBusy, FormulaTimeout, process_formula

CACHE_SIZE = 64


@dataclass(frozen=True, eq=False)
class FormulaSurface(Surface):
    """A Surface built from a user's formula.

    formula: the text as parsed (after the optional "f(x, y) =" prefix was removed); `latex` typesets it as
        typed (the order of its terms kept).
    minima_source: "given" (the user gave the minimum), "found" (numerically, on the domain) or "none"
        (f is lowest on the domain's edge and still falling there: the domain holds no minimum).
    minima_message: one sentence saying which, for the page; `note` adds what is proven beyond the domain.
    bound_reason: how `bounded_below` was proven, in words ("" where it is None).
    lower_bound: a proven f ≥ lower_bound everywhere, where one was computed; positive: f > 0 proven.
    sources: the checked NumPy source of f, ∇f and both ({"f", "grad", "both"}), each `def generated(x, y)`
        returning a tuple (what an exported script reuses: no SymPy needed to run it).
    """

    formula: str = ""
    minima_source: str = "found"
    minima_message: str = ""
    bound_reason: str = ""
    lower_bound: float | None = None
    positive: bool = False
    sources: dict[str, str] = field(default_factory=dict)


def __getattr__(name: str) -> Any:
    if name == "parse_formula":  # SymPy is imported only by those who ask for a SymPy tree
        from .formula_parse import parse_formula

        return parse_formula
    raise AttributeError(name)


def _check_domain(domain: Any) -> tuple[tuple[float, float], tuple[float, float]]:
    try:
        (x0, x1), (y0, y1) = ((float(a), float(b)) for a, b in domain)
    except (TypeError, ValueError):
        raise ValueError(f"domain must be ((xmin, xmax), (ymin, ymax)), got {domain!r}") from None
    for axis, low, high in (("x", x0, x1), ("y", y0, y1)):
        if not (math.isfinite(low) and math.isfinite(high) and -MAX_DOMAIN <= low < high <= MAX_DOMAIN):
            raise ValueError(f"domain {axis} range must be finite numbers with min < max within "
                             f"±{MAX_DOMAIN:g}, got [{low:g}, {high:g}]")
    return (x0, x1), (y0, y1)


def custom_surface(formula: str, domain: Any = ((-2.0, 2.0), (-2.0, 2.0)),
                   minimum: Any = None) -> FormulaSurface:
    """The Surface of a user's formula in x and y over `domain`; FormulaError/ValueError if it is refused.

    formula: e.g. "(1-x)**2 + 100*(y-x**2)**2"; `^` is read as `**`, an "f(x, y) =" prefix is ignored.
    domain: ((xmin, xmax), (ymin, ymax)), the plot window (and where f must be finite).
    minimum: optionally a known global minimiser (x, y); otherwise the minima are searched numerically.

    Results (and refusals) are memoised on (formula, domain, minimum): asking again costs nothing.
    """
    domain = _check_domain(domain)
    if not isinstance(formula, str):
        raise FormulaError(f"the formula must be text, got {type(formula).__name__}")
    key_minimum = None if minimum is None else tuple(float(v) for v in np.asarray(minimum, float).reshape(-1))
    key = (formula, domain, key_minimum)
    result = _MEMO.get(key)
    if isinstance(result, Exception):
        raise type(result)(*result.args)
    return result


def _build(formula: str, domain, minimum) -> FormulaSurface | Exception:
    """The surface, or the refusal to remember (FormulaError/ValueError); FormulaBusy is raised, not kept."""
    try:
        parse_tree(clean_text(formula))  # the text's own refusals, without a worker
        if minimum is not None and (len(minimum) != 2 or not all(map(math.isfinite, minimum))):
            raise ValueError(f"minimum must be two finite numbers x, y, got {minimum!r}")
        try:
            kind, payload = process_formula(formula, domain, minimum)
        except FormulaTimeout as error:
            raise FormulaError(str(error)) from None
        except FormulaBusy as error:
            raise FormulaError(str(error)) from error
        if kind == "refused":
            raise FormulaError(payload)
        return _surface(payload, minimum)
    except FormulaError as error:
        if isinstance(error.__cause__, FormulaBusy):
            raise
        return FormulaError(*error.args)
    except ValueError as error:
        return ValueError(*error.args)


def _surface(description: dict[str, Any], minimum) -> FormulaSurface:
    f, grad, value_and_grad = surface_functions(description["sources"])
    domain = description["domain"]
    return FormulaSurface(
        key="custom", name="Your formula", f=f, grad=grad, domain=domain,
        minima=np.asarray(description["minima"], dtype=np.float64).reshape(-1, 2),
        minimum_value=description["minimum_value"], start=np.asarray(description["start"], dtype=np.float64),
        latex=description["latex"], log_scale=bool(description["log_scale"]), note=description["note"],
        parameters={"formula": description["formula"], "domain": domain, "minimum": minimum},
        value_and_grad=value_and_grad, bounded_below=description["bounded_below"],
        formula=description["formula"], minima_source=description["minima_source"],
        minima_message=description["minima_message"], bound_reason=description["bound_reason"],
        lower_bound=description["lower_bound"], positive=bool(description["positive"]),
        sources=dict(description["sources"]))


class _Memo:
    """An LRU of surfaces and refusals; one build per key at a time (a second session asking for the same new
    formula waits for the first one's result instead of paying a worker again)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.results: OrderedDict[tuple, Any] = OrderedDict()
        self.building: dict[tuple, threading.Lock] = {}

    def get(self, key: tuple) -> Any:
        with self.lock:
            if key in self.results:
                self.results.move_to_end(key)
                return self.results[key]
            own = self.building.setdefault(key, threading.Lock())
        with own:  # the first caller builds; the others wait here, then find the result
            with self.lock:
                if key in self.results:
                    return self.results[key]
            try:
                result = _build(*key)
            finally:
                with self.lock:
                    self.building.pop(key, None)
            with self.lock:
                self.results[key] = result
                while len(self.results) > self.size:
                    self.results.popitem(last=False)
            return result

    def clear(self) -> None:
        with self.lock:
            self.results.clear()


_MEMO = _Memo(CACHE_SIZE)


def clear_cache() -> None:
    """Forget every memoised surface and refusal (benchmarks time a formula's first build with it)."""
    _MEMO.clear()
