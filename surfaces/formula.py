"""A user's formula f(x, y) as a `Surface`, parsed without ever executing the user's text.

The route (REFERENCE.md, "Safe evaluation of user formulas"):

1. the text is capped in length, must be printable ASCII (so no Unicode look-alike such as a fullwidth ｘ,
   which Python's parser would silently fold into x), and `^` is read as `**`;
2. `ast.parse(text, mode="eval")` gives a syntax tree, which is walked against an allow-list: numbers,
   the names x, y, pi, e, the functions in FUNCTIONS, the operators + − × / ** and unary ±. Anything else
   (attribute access, calls of other names, lambdas, comprehensions, f-strings, subscripts, comparisons, …)
   is refused with a FormulaError naming the token, its column and why. The node count and the nesting are
   capped, and so is a constant exponent (9**9**9 is refused before anything is computed);
3. this code builds the SymPy tree itself, node by node (never `sympify`, `parse_expr` or `eval`, which
   run text through Python's eval); every constant sub-expression is first computed in float64 by `math`,
   so 9**9**9, 1/0, log(0) or 1e999 are refused instead of computed;
4. the gradient is exact, `sympy.diff`; f, ∇f and both together come from `sympy.lambdify` of that tree
   (code printed from the tree, whose only names are x and y);
5. f and ∇f are evaluated on a grid over the plot domain: f must be finite everywhere there, ∇f almost
   everywhere (an isolated kink such as the tip of a cone is allowed), and not zero everywhere.

Minima: a given minimum is used as given (labelled "given"). Otherwise surfaces/minima.py searches them (a
grid, then damped Newton steps) and they are labelled "found". Where f is lowest on the domain's edge and
still falling there, it is unbounded below on the domain: no minimum, and the surface says so.

>>> surface = custom_surface("(1-x)**2 + 100*(y-x**2)**2", ((-2, 2), (-1, 3)))
>>> surface.minima_source, surface.minima.round(6).tolist(), surface.latex
('found', [[1.0, 1.0]], '\\\\left(1 - x\\\\right)^{2} + 100 \\\\left(- x^{2} + y\\\\right)^{2}')
"""

from __future__ import annotations

import ast
import math
import re
import unicodedata
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import sympy

from .base import Array, Surface, split_xy
from .minima import domain_grid, find_minima, log_scale, story_start

MAX_FORMULA_CHARS = 500   # the longest catalogue formula, Goldstein–Price, is ~130 characters in Python syntax
MAX_NODES = 300           # syntax-tree nodes; Goldstein–Price has ~150
MAX_DEPTH = 40            # nesting of the syntax tree
MAX_CALL_DEPTH = 12       # functions inside functions: SymPy's diff of sin(sin(…)) costs ~n² (39 deep: seconds)
MAX_EXPONENT = 100        # |a constant exponent|: x**100 already overflows float64 beyond |x| ≈ 1200
MAX_DOMAIN = 1e6          # |domain bounds|
CHECK_GRID = 101          # f and ∇f are checked on CHECK_GRID² points (odd: the domain's centre is one)
GRADIENT_SINGULAR_SHARE = 0.01  # ∇f may be non-finite on at most this share of the check grid (kinks)

X, Y = sympy.symbols("x y", real=True)

# name → (SymPy function, the float function used on constant arguments, argument count)
FUNCTIONS: dict[str, tuple[Any, Any]] = {
    "sin": (sympy.sin, math.sin), "cos": (sympy.cos, math.cos), "tan": (sympy.tan, math.tan),
    "asin": (sympy.asin, math.asin), "acos": (sympy.acos, math.acos), "atan": (sympy.atan, math.atan),
    "sinh": (sympy.sinh, math.sinh), "cosh": (sympy.cosh, math.cosh), "tanh": (sympy.tanh, math.tanh),
    "exp": (sympy.exp, math.exp), "log": (sympy.log, math.log), "ln": (sympy.log, math.log),
    "sqrt": (sympy.sqrt, math.sqrt), "abs": (sympy.Abs, abs),
}
CONSTANTS = {"pi": (sympy.pi, math.pi), "e": (sympy.E, math.e)}
VARIABLES = {"x": X, "y": Y}
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_REFUSED = {  # construct → why, in words a student reads beside the field
    ast.Attribute: "attribute access is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed", ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed", ast.GeneratorExp: "comprehensions are not allowed",
    ast.JoinedStr: "f-strings are not allowed", ast.FormattedValue: "f-strings are not allowed",
    ast.Subscript: "indexing with [ ] is not allowed", ast.Starred: "* unpacking is not allowed",
    ast.Compare: "comparisons are not allowed", ast.BoolOp: "and/or are not allowed",
    ast.IfExp: "if/else is not allowed", ast.NamedExpr: ":= is not allowed",
    ast.Tuple: "tuples (a comma outside a call) are not allowed", ast.List: "lists are not allowed",
    ast.Set: "sets are not allowed", ast.Dict: "dicts are not allowed",
    ast.Await: "await is not allowed", ast.Yield: "yield is not allowed", ast.YieldFrom: "yield is not allowed",
    ast.Slice: "slices are not allowed",
}
_PREFIX = re.compile(r"^\s*f\s*\(\s*x\s*,\s*y\s*\)\s*=(?!=)")
_ALLOWED_TEXT = re.compile(r"[ -~\t]*")  # printable ASCII and tabs


class FormulaError(ValueError):
    """A formula this lab refuses: the message names the token (and its column) and says why."""


@dataclass(frozen=True, eq=False)
class FormulaSurface(Surface):
    """A Surface built from a user's formula.

    formula: the text as parsed (after the optional "f(x, y) =" prefix was removed).
    minima_source: "given" (the user gave the minimum), "found" (numerically, by this module) or "none"
        (f is lowest on the domain's edge and still decreasing there: unbounded below on the domain).
    minima_message: one sentence saying which, for the page.
    """

    formula: str = ""
    minima_source: str = "found"
    minima_message: str = ""


# ---------------------------------------------------------------- text → syntax tree

def _clean_text(text: Any) -> str:
    if not isinstance(text, str):
        raise FormulaError(f"the formula must be text, got {type(text).__name__}")
    if len(text) > MAX_FORMULA_CHARS:
        raise FormulaError(f"the formula is too long ({len(text):,} characters; at most {MAX_FORMULA_CHARS})")
    if not _ALLOWED_TEXT.fullmatch(text):
        position, char = next((i, c) for i, c in enumerate(text) if not _ALLOWED_TEXT.fullmatch(c))
        name = unicodedata.name(char, "a control character")
        raise FormulaError(f"character {char!r} (U+{ord(char):04X} {name}) at column {position + 1} is not "
                           "allowed: type plain ASCII (x, y, digits, + - * / ^ ( ))")
    text = _PREFIX.sub("", text, count=1).strip()
    if not text:
        raise FormulaError("the formula is empty: type an expression in x and y, e.g. x**2 + 3*y**2")
    return text.replace("^", "**")  # x^2 means x squared to a student, not Python's bitwise xor


def _parse_tree(text: str) -> ast.expr:
    try:
        with warnings.catch_warnings():  # e.g. SyntaxWarning on "1if": the text is refused either way
            warnings.simplefilter("ignore")
            tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        column = error.offset or 0
        near = text[column - 1:column + 9].strip() if column else ""
        where = f" at column {column}" + (f", near {near!r}" if near else "") if column else ""
        raise FormulaError(f"syntax error{where}: {error.msg}") from None
    except (ValueError, RecursionError, MemoryError) as error:
        raise FormulaError(f"the formula cannot be read ({type(error).__name__})") from None
    for count, _ in enumerate(ast.walk(tree), 1):
        if count > MAX_NODES:
            raise FormulaError(f"the formula is too complex (more than {MAX_NODES} parts)")
    return tree.body


# ---------------------------------------------------------------- syntax tree → SymPy tree

@dataclass(frozen=True)
class _Built:
    expr: Any                 # the SymPy expression
    value: float | None       # its float64 value when it is a constant, else None
    text: str                 # the source it came from, for messages


def _source(node: ast.AST, text: str) -> str:
    segment = ast.get_source_segment(text, node) or type(node).__name__
    return segment if len(segment) <= 40 else segment[:40] + "…"


def _refuse(node: ast.AST, text: str, why: str) -> FormulaError:
    column = getattr(node, "col_offset", None)
    where = f" at column {column + 1}" if column is not None else ""
    return FormulaError(f"{_source(node, text)!r}{where}: {why}")


def _constant(node: ast.AST, compute, text: str) -> float:
    """A constant sub-expression computed in float64: finite and real, else refused (never a big number)."""
    try:
        value = float(compute())
    except (OverflowError, ZeroDivisionError, ValueError, TypeError):
        value = math.nan
    if not math.isfinite(value):
        raise _refuse(node, text, "this constant is not a finite real number (overflow, division by zero, "
                                  "or outside the function's domain)")
    return value


def _build(node: ast.AST, text: str, depth: int = 0, calls: int = 0) -> _Built:
    if depth > MAX_DEPTH:
        raise _refuse(node, text, f"the formula is nested too deeply (more than {MAX_DEPTH} levels)")
    kind = type(node)
    if kind in _REFUSED:
        raise _refuse(node, text, _REFUSED[kind])
    if isinstance(node, ast.Constant):
        return _number(node, text)
    if isinstance(node, ast.Name):
        return _name(node, text)
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            raise _refuse(node, text, "only + and - may stand before a term (no ~ or not)")
        inner = _build(node.operand, text, depth + 1, calls)
        if isinstance(node.op, ast.UAdd):
            return _Built(inner.expr, inner.value, _source(node, text))
        value = None if inner.value is None else -inner.value
        return _Built(-inner.expr, value, _source(node, text))
    if isinstance(node, ast.BinOp):
        return _binary(node, text, depth, calls)
    if isinstance(node, ast.Call):
        if calls >= MAX_CALL_DEPTH:
            raise _refuse(node, text, f"functions are nested too deeply (more than {MAX_CALL_DEPTH} inside each other)")
        return _call(node, text, depth, calls + 1)
    raise _refuse(node, text, f"{type(node).__name__} is not allowed in a formula")


def _number(node: ast.Constant, text: str) -> _Built:
    value = node.value
    if isinstance(value, bool) or not isinstance(value, int | float):
        what = "text in quotes" if isinstance(value, str | bytes) else f"{type(value).__name__} values"
        raise _refuse(node, text, f"{what} cannot be used: only real numbers, x and y")
    if isinstance(value, int):
        if abs(value) > 2**53:  # beyond float64's exact integers: a float, which must be finite
            number = _constant(node, lambda: float(value), text)
            return _Built(sympy.Float(number, 17), number, _source(node, text))
        return _Built(sympy.Integer(value), float(value), _source(node, text))
    if not math.isfinite(value):
        raise _refuse(node, text, "this number is too large for float64")
    # 17 significant digits: the lambdified code then prints it back to exactly the same float64
    return _Built(sympy.Float(value, 17), value, _source(node, text))


def _name(node: ast.Name, text: str) -> _Built:
    name = node.id
    if name in VARIABLES:
        return _Built(VARIABLES[name], None, name)
    if name in CONSTANTS:
        symbol, value = CONSTANTS[name]
        return _Built(symbol, value, name)
    if name.startswith("__"):
        raise _refuse(node, text, "names with double underscores are not allowed")
    if name in FUNCTIONS:
        raise _refuse(node, text, f"{name} is a function: write {name}(…)")
    raise _refuse(node, text, f"unknown name: use x, y, pi, e and the functions {', '.join(FUNCTIONS)}")


def _binary(node: ast.BinOp, text: str, depth: int, calls: int) -> _Built:
    operator = _OPERATORS.get(type(node.op))
    if operator is None:
        symbol = {ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
                  ast.BitOr: "|", ast.BitAnd: "&", ast.BitXor: "^"}.get(type(node.op), type(node.op).__name__)
        raise _refuse(node, text, f"the operator {symbol} is not allowed (use + - * / and ** or ^)")
    left = _build(node.left, text, depth + 1, calls)
    right = _build(node.right, text, depth + 1, calls)
    if operator == "**" and right.value is not None and abs(right.value) > MAX_EXPONENT:
        shown = right.text if right.text == f"{right.value:g}" else f"{right.text} = {right.value:g}"
        raise _refuse(node, text, f"the exponent {shown} is too large "
                                  f"(at most {MAX_EXPONENT} in absolute value)")
    a, b = left.value, right.value
    value = None
    if a is not None and b is not None:
        compute = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b,
                   "**": lambda: math.pow(a, b)}[operator]
        value = _constant(node, compute, text)
    expr = {"+": lambda p, q: p + q, "-": lambda p, q: p - q, "*": lambda p, q: p * q,
            "/": lambda p, q: p / q, "**": lambda p, q: p ** q}[operator](left.expr, right.expr)
    return _Built(expr, value, _source(node, text))


def _call(node: ast.Call, text: str, depth: int, calls: int) -> _Built:
    if isinstance(node.func, ast.Attribute):
        raise _refuse(node.func, text, _REFUSED[ast.Attribute])
    if not isinstance(node.func, ast.Name):
        raise _refuse(node, text, f"only these functions can be called: {', '.join(FUNCTIONS)}")
    name = node.func.id
    if name not in FUNCTIONS:
        if name.startswith("__"):
            raise _refuse(node.func, text, "names with double underscores are not allowed")
        raise _refuse(node.func, text, f"unknown function: use {', '.join(FUNCTIONS)}")
    if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
        raise _refuse(node, text, f"{name} takes exactly one argument, written {name}(…)")
    function, numeric = FUNCTIONS[name]
    argument = _build(node.args[0], text, depth + 1, calls)
    value = None
    if argument.value is not None:
        a = argument.value
        value = _constant(node, lambda: numeric(a), text)
    return _Built(function(argument.expr), value, _source(node, text))


def parse_formula(text: str) -> Any:
    """The SymPy expression of `text`, a formula in x and y; FormulaError (a ValueError) if it is refused.

    Only the allow-listed constructs are read (see the module docstring); no part of `text` is executed.

    >>> parse_formula("x^2 + 3*y**2")
    x**2 + 3*y**2
    >>> parse_formula("__import__('os')")
    Traceback (most recent call last):
    ...
    surfaces.formula.FormulaError: '__import__' at column 1: names with double underscores are not allowed
    """
    clean = _clean_text(text)
    built = _build(_parse_tree(clean), clean)
    expr = built.expr
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.I):
        raise FormulaError("the formula is undefined (it simplifies to a division by zero, an infinity or "
                           "an imaginary number)")
    return expr


# ---------------------------------------------------------------- SymPy tree → NumPy surface

def _vectorised(function, shape_of):
    """A lambdified function of (x, y) as a NumPy function of points (..., 2) → float64 (...), no warnings."""
    def evaluate(xy: Array) -> Array:
        x, y = split_xy(xy)
        shape = x.shape
        if not shape:  # one point (the page's runs): NumPy scalars are ~15× faster than 0-d arrays
            x, y = np.float64(x), np.float64(y)
        with np.errstate(all="ignore"):  # overflow and domain errors give inf/NaN, which callers detect
            result = function(x, y)
        return shape_of(result, shape)
    return evaluate


def _as_array(value: Any, shape: tuple[int, ...]) -> Array:
    """A fresh float64 array of `shape` (a component that is constant, e.g. ∂/∂y of x², comes as a number)."""
    out = np.empty(shape)
    out[...] = value
    return out


def _as_points(gx: Any, gy: Any, shape: tuple[int, ...]) -> Array:
    out = np.empty((*shape, 2))
    out[..., 0] = gx
    out[..., 1] = gy
    return out


def _compile(expr: Any) -> tuple[Any, Any, Any, tuple[Any, Any]]:
    gx, gy = sympy.diff(expr, X), sympy.diff(expr, Y)
    if gx == 0 and gy == 0:
        raise FormulaError("f is constant: its gradient is zero everywhere, so there is nothing to optimize")
    for component in (gx, gy):
        if component.has(sympy.Derivative, sympy.DiracDelta, sympy.Heaviside, sympy.Subs):
            raise FormulaError("the gradient of this formula cannot be evaluated numerically")
    f_code = sympy.lambdify((X, Y), expr, modules="numpy")
    grad_code = sympy.lambdify((X, Y), [gx, gy], modules="numpy", cse=True)
    both_code = sympy.lambdify((X, Y), [expr, gx, gy], modules="numpy", cse=True)

    f = _vectorised(f_code, _as_array)
    grad = _vectorised(grad_code, lambda parts, shape: _as_points(parts[0], parts[1], shape))
    value_and_grad = _vectorised(both_code, lambda parts, shape: (
        _as_array(parts[0], shape), _as_points(parts[1], parts[2], shape)))
    return f, grad, value_and_grad, (gx, gy)


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


def _check_values(f, grad, domain) -> None:
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


def _given_minimum(f, minimum, domain) -> tuple[Array, float]:
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


def _display_latex(expr: Any) -> str:
    """LaTeX of the tree, floats shown with 15 significant digits (the tree keeps 17 for exactness)."""
    shown = expr.xreplace({number: sympy.Float(float(number), 15) for number in expr.atoms(sympy.Float)})
    return sympy.latex(shown, full_prec=False)


def custom_surface(formula: str, domain: Any = ((-2.0, 2.0), (-2.0, 2.0)),
                   minimum: Any = None) -> FormulaSurface:
    """The Surface of a user's formula in x and y over `domain`; FormulaError/ValueError if it is refused.

    formula: e.g. "(1-x)**2 + 100*(y-x**2)**2"; `^` is read as `**`, an "f(x, y) =" prefix is ignored.
    domain: ((xmin, xmax), (ymin, ymax)), the plot window (and where f must be finite).
    minimum: optionally a known global minimiser (x, y); otherwise the minima are searched numerically.

    Results are memoised on (formula, domain, minimum), so asking again for the same surface is free.
    """
    domain = _check_domain(domain)
    key_minimum = None if minimum is None else tuple(float(v) for v in np.asarray(minimum, float).reshape(-1))
    return _custom_surface(formula if isinstance(formula, str) else _reject_type(formula), domain, key_minimum)


def _reject_type(value: Any) -> str:
    raise FormulaError(f"the formula must be text, got {type(value).__name__}")


@lru_cache(maxsize=64)
def _custom_surface(formula: str, domain, minimum) -> FormulaSurface:
    expr = parse_formula(formula)
    f, grad, value_and_grad, _ = _compile(expr)
    _check_values(f, grad, domain)
    if minimum is not None:
        minima, minimum_value = _given_minimum(f, minimum, domain)
        source, message = "given", f"Minimum as given: f = {minimum_value:.6g} at ({minima[0, 0]:g}, {minima[0, 1]:g})."
    else:
        minima, minimum_value, source, message = find_minima(f, grad, domain)
    values = f(domain_grid(domain, CHECK_GRID))
    floor = minimum_value if minimum_value is not None else float(values.min())
    return FormulaSurface(
        key="custom", name="Your formula", f=f, grad=grad, domain=domain, minima=minima,
        minimum_value=minimum_value, start=story_start(domain, minima), latex=_display_latex(expr),
        log_scale=log_scale(values, min(floor, float(values.min()))), note=message,
        parameters={"formula": _clean_text(formula), "domain": domain, "minimum": minimum},
        value_and_grad=value_and_grad, formula=_clean_text(formula), minima_source=source, minima_message=message)
