"""Is a formula's f bounded below over the plane? Decided only where SymPy proves it: True, False, or None.

"Over the plane" means at every point where f is defined (real and finite). Tactics, in order:

1. ranges: every sub-expression gets an interval that holds everywhere (x, y ∈ ℝ: a square is ≥ 0, exp is > 0,
   sin and tanh lie in [−1, 1], 1/(1 + x²) in (0, 1], a sum adds its terms' ranges, …); a finite lower end
   proves f bounded below, e.g. Rosenbrock ≥ 0, exp(−x²) ≥ 0, 1/(1 + x² + y²) ≥ 0, Ackley ≥ 0;
2. polynomials, exactly (floats read as the binary fractions they are): the terms of highest degree d decide far
   out. If they are negative in some direction (always, when d is odd), f → −∞ along that ray; if they are
   positive in every direction (a one-variable check, by Sturm's root count), f → +∞ far out and is bounded
   below. A quadratic is decided completely (positive semi-definite with its linear part in the range). Else each
   mixed monomial c·xᵃyᵇ is bounded by the arithmetic–geometric mean inequality,
   |xᵃyᵇ| ≤ (a|x|ⁿ + b|y|ⁿ)/n with n = a + b, which leaves a sum g(x) + h(y) of one-variable polynomials on
   half-lines, bounded below when each leading coefficient is positive (six-hump camel, the double well);
3. other formulas: a bounded factor times the rest is at least −max|factor|·|rest| (tanh(x)·y ≥ −|y|), which
   may leave a sum g(x) + h(y) of one-variable functions; such a function is bounded below when SymPy finds it
   continuous on ℝ with limits at ±∞ above −∞ (√(1 + x²) − x → 0 and +∞), unbounded when a limit is −∞;
4. rays from the origin in 16 directions: where f falls there numerically, SymPy's limit along the ray may
   prove f → −∞.

Anything else is None: not known, and the page says what it observed instead. SymPy's limit and continuity
routines can take long on big formulas: the caller (the formula worker) bounds the time; out of time is None.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy
from sympy.calculus.util import continuous_domain

INF = math.inf
RAY_DIRECTIONS = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1),
                  (2, 1), (2, -1), (-2, 1), (-2, -1), (1, 2), (1, -2), (-1, 2), (-1, -2))
DIRECTION_SAMPLES = tuple(sympy.Rational(k, 4) for k in sorted(range(-40, 41), key=abs)) + tuple(
    sympy.Integer(k) for k in (-1000, -100, -30, 30, 100, 1000))


@dataclass(frozen=True)
class Boundedness:
    """bounded_below: True / False / None (not known); reason: how it was proven, as words for the page;
    lower_bound: a proven bound f ≥ lower_bound where tactic 1 gave one; positive: f > 0 proven."""

    bounded_below: bool | None
    reason: str = ""
    lower_bound: float | None = None
    positive: bool = False


UNKNOWN = Boundedness(None, "")


def decide(expr: Any, x: Any, y: Any, f: Any = None) -> Boundedness:
    """What can be proven about inf f over the plane; `f` (points (..., 2) → values) screens rays numerically."""
    low, _ = value_range(expr)
    if math.isfinite(low):
        bound = round_down(low)
        positive = bool(low > 0 or expr.is_positive)
        what = "f > 0 everywhere" if positive and bound <= 0 else f"f ≥ {bound:g} everywhere"
        return Boundedness(True, f"{what}, as each part of the formula is bounded below", bound, positive)
    if expr.is_polynomial(x, y):
        answer = _polynomial(expr, x, y)
        if answer.bounded_below is not None:
            return answer
    else:
        answer = _separable(expr, x, y)
        if answer.bounded_below is not None:
            return answer
    return _rays(expr, x, y, f)


# ---------------------------------------------------------------- 1. ranges that hold everywhere

def round_down(value: float) -> float:
    """`value` rounded down to 3 significant figures (a lower bound stays a lower bound when printed)."""
    if value == 0 or not math.isfinite(value):
        return value
    step = 10.0 ** (math.floor(math.log10(abs(value))) - 2)
    return math.floor(value / step * (1 - 1e-12 * math.copysign(1, value))) * step


def _guard(compute) -> float:
    try:
        return float(compute())
    except OverflowError:
        return INF
    except (ValueError, ZeroDivisionError):
        return math.nan


def _mul(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    products = [0.0 if (p == 0 or q == 0) else p * q for p in a for q in b]  # 0 · ∞ = 0: ends are limits
    return min(products), max(products)


def _pow_int(base: tuple[float, float], n: int) -> tuple[float, float]:
    low, high = base
    power = lambda v: _guard(lambda: math.copysign(abs(v) ** n, v if n % 2 else 1.0)) if math.isfinite(v) else (  # noqa: E731
        INF if (v > 0 or n % 2 == 0) else -INF)
    if n % 2:
        return power(low), power(high)
    if low >= 0:
        return power(low), power(high)
    if high <= 0:
        return power(high), power(low)
    return 0.0, max(power(low), power(high))


def _reciprocal(r: tuple[float, float]) -> tuple[float, float]:
    low, high = r
    if low > 0:
        return (0.0 if high == INF else 1 / high), 1 / low
    if high < 0:
        return 1 / high, (0.0 if low == -INF else 1 / low)
    if low == 0:  # 1/r where r ≥ 0 (undefined at r = 0): positive
        return (0.0 if high == INF else 1 / high if high > 0 else INF), INF
    if high == 0:
        return -INF, (1 / low if low > -INF else 0.0)
    return -INF, INF


def _monotone(function, r: tuple[float, float], at_low: float, at_high: float) -> tuple[float, float]:
    low = at_low if r[0] == -INF else _guard(lambda: function(r[0]))
    high = at_high if r[1] == INF else _guard(lambda: function(r[1]))
    return low, high


def value_range(expr: Any) -> tuple[float, float]:
    """An interval [low, high] that holds f's values at every point where f is defined (ends may be ±∞)."""
    low, high = _range(expr)
    if math.isnan(low) or math.isnan(high):
        return -INF, INF
    return low, high


def _range(expr: Any) -> tuple[float, float]:
    if expr.is_number:
        value = _guard(lambda: complex(expr.evalf(20)).real) if expr.is_real else math.nan
        return (value, value) if math.isfinite(value) else (-INF, INF)
    if expr.is_Symbol:
        return -INF, INF
    if expr.is_Add:
        parts = [_range(term) for term in expr.args]
        return sum(p[0] for p in parts), sum(p[1] for p in parts)
    if expr.is_Mul:
        result = (1.0, 1.0)
        for factor in expr.args:
            result = _mul(result, _range(factor))
        return result
    if expr.is_Pow:
        return _power(*expr.args)
    function = type(expr)
    if function in (sympy.sin, sympy.cos):
        return -1.0, 1.0
    inner = _range(expr.args[0]) if expr.args else (-INF, INF)
    if function is sympy.exp:
        return _monotone(math.exp, inner, 0.0, INF)
    if function is sympy.log:
        if inner[0] > 0:
            return _monotone(math.log, inner, -INF, INF)
        return -INF, (INF if inner[1] == INF else _guard(lambda: math.log(inner[1])) if inner[1] > 0 else -INF)
    if function is sympy.tanh:
        return _monotone(math.tanh, inner, -1.0, 1.0)
    if function is sympy.atan:
        return _monotone(math.atan, inner, -math.pi / 2, math.pi / 2)
    if function is sympy.sinh:
        return _monotone(math.sinh, inner, -INF, INF)
    if function is sympy.asin:
        return -math.pi / 2, math.pi / 2
    if function is sympy.acos:
        return 0.0, math.pi
    if function in (sympy.Abs, sympy.cosh):
        magnitude = _pow_int(inner, 2)
        low, high = math.sqrt(magnitude[0]), (INF if magnitude[1] == INF else math.sqrt(magnitude[1]))
        return (low, high) if function is sympy.Abs else _monotone(math.cosh, (low, high), 1.0, INF)
    return -INF, INF


def _power(base: Any, exponent: Any) -> tuple[float, float]:
    r = _range(base)
    if exponent.is_Integer:
        n = int(exponent)
        return _pow_int(r, n) if n >= 0 else _reciprocal(_pow_int(r, -n))
    if exponent.is_number and exponent.is_real:  # x**0.75: real only where the base is ≥ 0, and then ≥ 0
        e = float(exponent)
        low, high = max(r[0], 0.0), r[1]
        if high < 0:
            return -INF, INF  # nowhere defined: say nothing
        at = lambda v: _guard(lambda: v ** e) if math.isfinite(v) else (INF if e > 0 else 0.0)  # noqa: E731
        if e > 0:
            return at(low), at(high)
        return at(high), (INF if low == 0 else at(low))
    if base.is_number and base.is_positive:  # c**g = exp(g·ln c)
        return _range(sympy.exp(exponent * sympy.log(base)))
    if r[0] >= 0:
        return 0.0, INF
    return -INF, INF


# ---------------------------------------------------------------- 2. polynomials, exactly

def _exact(expr: Any) -> Any:
    """Floats replaced by the exact binary fractions they stand for (float64 is what NumPy computes with)."""
    return expr.xreplace({number: sympy.Rational(float(number)) for number in expr.atoms(sympy.Float)})


def _polynomial(expr: Any, x: Any, y: Any) -> Boundedness:
    try:
        poly = sympy.Poly(_exact(expr), x, y)
    except sympy.PolynomialError:
        return UNKNOWN
    if not poly.domain.is_QQ and not poly.domain.is_ZZ:
        return UNKNOWN  # pi or e among the coefficients: not decided exactly here
    degree = poly.total_degree()
    top = sum((coefficient * x ** a * y ** b for (a, b), coefficient in poly.terms() if a + b == degree),
              sympy.Integer(0))
    for a, b in _directions(top, x, y, degree):
        if top.subs({x: a, y: b}) < 0:
            return Boundedness(False, f"f → −∞ along the ray (x, y) = t·({_short(a)}, {_short(b)}) as t → ∞, "
                                      f"where its terms of degree {degree} are negative")
    if degree % 2 == 0 and _positive_definite(top, x, y, degree):
        return Boundedness(True, f"its terms of degree {degree} are positive in every direction, so f → +∞ "
                                 "far out")
    if degree == 2:
        return _quadratic(poly, x, y)
    return _mean_inequality(poly, x, y)


def _short(value: Any) -> str:
    return str(value) if value.q == 1 else f"{float(value):.3g}"


def _directions(top: Any, x: Any, y: Any, degree: int):
    yield from ((sympy.Integer(a), sympy.Integer(b)) for a, b in ((1, 0), (-1, 0), (0, 1), (0, -1)))
    for t in DIRECTION_SAMPLES:
        yield sympy.Integer(1), t
        yield sympy.Integer(-1), -t


def _positive_definite(top: Any, x: Any, y: Any, degree: int) -> bool:
    """top(x, y) > 0 for all (x, y) ≠ 0: top(1, t) has no real root and is positive, and so is y's coefficient."""
    t = sympy.Dummy("t", real=True)
    line = sympy.Poly(top.subs({x: 1, y: t}), t)
    return bool(line.count_roots() == 0 and line.eval(0) > 0 and top.subs({x: 0, y: 1}) > 0)


def _quadratic(poly: Any, x: Any, y: Any) -> Boundedness:
    """f = vᵀAv + bᵀv + c is bounded below iff A ⪰ 0 and b lies in A's range (here A ⪰ 0 already: no direction
    made the quadratic terms negative, and a 2 × 2 form ≥ 0 on the samples is checked again exactly)."""
    coefficient = lambda a, b: poly.coeff_monomial(x ** a * y ** b)  # noqa: E731
    a, b, c = coefficient(2, 0), coefficient(1, 1) / 2, coefficient(0, 2)
    p, q = coefficient(1, 0), coefficient(0, 1)
    matrix = sympy.Matrix([[a, b], [b, c]])
    if a < 0 or c < 0 or a * c - b * b < 0:
        return UNKNOWN
    if matrix.rank() == sympy.Matrix.hstack(matrix, sympy.Matrix([p, q])).rank():
        return Boundedness(True, "f is a quadratic whose curved part is never negative, and its slope lies "
                                 "along that part")
    null = matrix.nullspace()[0]
    slope = p * null[0] + q * null[1]
    direction = -null if slope > 0 else null
    return Boundedness(False, f"f falls linearly along the ray (x, y) = t·({_short(direction[0])}, "
                              f"{_short(direction[1])}) as t → ∞, where its curved part is flat")


def _mean_inequality(poly: Any, x: Any, y: Any) -> Boundedness:
    u = sympy.Dummy("u", nonnegative=True)
    pure = {"x": {}, "y": {}}
    for (a, b), coefficient in poly.terms():
        if b == 0:
            pure["x"][a] = pure["x"].get(a, 0) + coefficient
        elif a == 0:
            pure["y"][b] = pure["y"].get(b, 0) + coefficient
        elif coefficient > 0 and a % 2 == 0 and b % 2 == 0:
            continue  # ≥ 0 already
        else:  # c·xᵃyᵇ ≥ −|c|·(a|x|ⁿ + b|y|ⁿ)/n
            n = a + b
            pure["x"][("abs", n)] = pure["x"].get(("abs", n), 0) - abs(coefficient) * sympy.Rational(a, n)
            pure["y"][("abs", n)] = pure["y"].get(("abs", n), 0) - abs(coefficient) * sympy.Rational(b, n)
    for terms in pure.values():
        for sign in (1, -1):  # the half-lines x ≥ 0 (x = u) and x ≤ 0 (x = −u)
            half = sum((c * (u ** k[1] if isinstance(k, tuple) else (sign * u) ** k) for k, c in terms.items()),
                       sympy.Integer(0))
            half = sympy.Poly(half, u)
            if half.degree() > 0 and half.LC() <= 0:
                return UNKNOWN
    return Boundedness(True, "bounding each term in both x and y by powers of |x| and |y| leaves a polynomial "
                             "in x plus one in y, each bounded below")


# ---------------------------------------------------------------- 3. bounded factors, then one variable at a time

def _separable(expr: Any, x: Any, y: Any) -> Boundedness:
    """f = g(x) + h(y) + (terms in both, each replaced by a lower bound): decided one variable at a time."""
    groups: dict[Any, list[Any]] = {x: [], y: []}
    lossy = False  # a term was replaced by something lower: then only "bounded" can be concluded
    for term in sympy.Add.make_args(expr):
        symbols = term.free_symbols
        if len(symbols) < 2:
            if symbols:
                groups[next(iter(symbols))].append(term)
            continue
        if math.isfinite(value_range(term)[0]):
            lossy = True  # ≥ its lower end, a constant
            continue
        term, changed = _relax(term)
        if not changed or len(term.free_symbols) != 1:
            return UNKNOWN
        groups[next(iter(term.free_symbols))].append(term)
        lossy = True
    verdicts = {symbol: _one_variable(sympy.Add(*terms), symbol) for symbol, terms in groups.items() if terms}
    if all(verdict == "bounded" for verdict in verdicts.values()):
        how = "bounding the terms in both x and y from below leaves" if lossy else "f is"
        parts = " plus ".join(f"a function of {symbol}" for symbol in verdicts) or "a constant"
        each = ", each" if len(verdicts) > 1 else ""
        return Boundedness(True, f"{how} {parts}{each} continuous on the whole line with limits above −∞")
    falling = [(symbol, side) for symbol, verdict in verdicts.items() if isinstance(verdict, tuple)
               for side in verdict[1:]]
    if falling and not lossy:
        symbol, side = falling[0]
        other = "y" if symbol == x else "x"
        arrow = "−∞" if side < 0 else "+∞"
        return Boundedness(False, f"f → −∞ as {symbol} → {arrow} with {other} held fixed")
    return UNKNOWN


def _relax(term: Any) -> tuple[Any, bool]:
    """A bounded factor B times the rest R: B·R ≥ −max|B|·|R|. (term, False) where nothing is bounded."""
    if not term.is_Mul:
        return term, False
    bounded, rest = [], []
    for factor in term.args:
        low, high = value_range(factor)
        (bounded if math.isfinite(low) and math.isfinite(high) else rest).append(factor)
    if not bounded or not rest:
        return term, False
    low, high = value_range(sympy.Mul(*bounded))
    size = max(abs(low), abs(high))
    return -sympy.Rational(size) * sympy.Abs(sympy.Mul(*rest)), True


def _one_variable(g: Any, v: Any) -> Any:
    """"bounded", ("unbounded", ±1 for the side where g → −∞), or None (not known)."""
    if math.isfinite(value_range(g)[0]):
        return "bounded"
    if continuous_domain(g, v, sympy.S.Reals) != sympy.S.Reals:
        return None
    limits = {side: sympy.limit(g, v, side * sympy.oo) for side in (1, -1)}
    falling = [side for side, limit in limits.items() if limit == -sympy.oo]
    if falling:
        return ("unbounded", *falling)
    if all(limit == sympy.oo or (limit.is_real and limit.is_finite) for limit in limits.values()):
        return "bounded"
    return None


# ---------------------------------------------------------------- 4. rays from the origin

def _rays(expr: Any, x: Any, y: Any, f: Any) -> Boundedness:
    if f is None:
        return UNKNOWN
    t = sympy.Dummy("t", positive=True)
    scales = np.array([1e1, 1e2, 1e3, 1e4])
    for a, b in RAY_DIRECTIONS:
        with np.errstate(all="ignore"):
            values = np.asarray(f(np.stack([a * scales, b * scales], axis=-1)), dtype=float)
        if not (np.all(np.isfinite(values) | (values == -np.inf)) and np.all(np.diff(values) < 0)):
            continue
        if sympy.limit(expr.subs({x: a * t, y: b * t}, simultaneous=True), t, sympy.oo) == -sympy.oo:
            return Boundedness(False, f"f → −∞ along the ray (x, y) = t·({a}, {b}) as t → ∞")
    return UNKNOWN
