"""NumPy code of a formula, as text: checked against an allow-list, compiled, and wrapped as surface functions.

The formula worker (surfaces/formula_build.py) prints f, ∇f and both together as the source of one Python
function each (SymPy's NumPy printer, after common subexpressions are pulled out). The source comes back to the
server as text: `compiled` reads it with `ast`, accepts only what such a printer writes — one `def` of (x, y),
assignments to plain names, a returned tuple, numbers, + − × / **, unary ±, calls of `numpy.<allowed function>`
and `abs` — and only then compiles it, in a namespace that holds NumPy and nothing else (no builtins).
This module imports no SymPy: the server compiles a formula in milliseconds, and so can any process a surface
is pickled to (a `GeneratedFunction` pickles as its source).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from .base import Array, split_xy

NUMPY_FUNCTIONS = frozenset({
    "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "exp", "log", "sqrt", "abs",
    "sign", "pi", "e", "power", "absolute", "arcsinh", "arccosh", "arctanh", "exp2", "log2", "log10", "expm1",
    "log1p", "cbrt", "square", "reciprocal", "hypot",
})
MAX_SOURCE_CHARS = 200_000   # the printed code of f and ∇f together; Goldstein–Price's is ≈ 2,000 characters
FUNCTION_NAME = "generated"
_VARIABLE = re.compile(r"x|y|t[0-9]{1,6}")   # the coordinates and the printer's temporaries t0, t1, …
_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.USub, ast.UAdd)
_STRUCTURE = (ast.Module, ast.FunctionDef, ast.arguments, ast.arg, ast.Assign, ast.Return, ast.Tuple, ast.Load,
              ast.Store, ast.BinOp, ast.UnaryOp, ast.Name, ast.Constant, ast.Call, ast.Attribute)


class CodeError(ValueError):
    """Generated code that is not what the printer writes (never expected; refused, never run)."""


def check_source(source: str) -> ast.Module:
    """The syntax tree of generated code, after every node was checked against the allow-list."""
    if len(source) > MAX_SOURCE_CHARS:
        raise CodeError(f"generated code too long ({len(source):,} characters; at most {MAX_SOURCE_CHARS:,})")
    tree = ast.parse(source, mode="exec")
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef) or tree.body[0].name != FUNCTION_NAME:
        raise CodeError("generated code must be one function")
    function = tree.body[0]
    if [arg.arg for arg in function.args.args] != ["x", "y"] or function.decorator_list or function.returns:
        raise CodeError("generated code must be a plain function of (x, y)")
    allowed_names = set()  # id() of the Name nodes that are `numpy` in numpy.f(…) and `abs` in abs(…)
    for node in ast.walk(tree):
        if not isinstance(node, _STRUCTURE + _OPERATORS):
            raise CodeError(f"generated code contains {type(node).__name__}")
        if isinstance(node, ast.Attribute):
            if not (isinstance(node.value, ast.Name) and node.value.id == "numpy" and node.attr in NUMPY_FUNCTIONS):
                raise CodeError(f"generated code uses {ast.unparse(node)}")
            allowed_names.add(id(node.value))
        elif isinstance(node, ast.Call):
            if node.keywords or not (isinstance(node.func, ast.Attribute)
                                     or (isinstance(node.func, ast.Name) and node.func.id == "abs")):
                raise CodeError(f"generated code calls {ast.unparse(node.func)}")
            if isinstance(node.func, ast.Name):
                allowed_names.add(id(node.func))
        elif isinstance(node, ast.Constant) and (isinstance(node.value, bool)
                                                 or not isinstance(node.value, int | float)):
            raise CodeError(f"generated code holds a {type(node.value).__name__} constant")
    for node in ast.walk(tree):  # every other name is a coordinate or a temporary of the printer
        if isinstance(node, ast.Name) and id(node) not in allowed_names and not _VARIABLE.fullmatch(node.id):
            raise CodeError(f"generated code uses the name {node.id}")
    return tree


class GeneratedFunction:
    """A function of (x, y) compiled from checked generated source; pickles as that source."""

    def __init__(self, source: str) -> None:
        self.source = source
        namespace: dict[str, Any] = {"__builtins__": {}, "numpy": np, "abs": np.abs}
        exec(compile(check_source(source), "<formula>", "exec"), namespace)  # only code check_source accepted
        self.function = namespace[FUNCTION_NAME]

    def __call__(self, x: Any, y: Any) -> Any:
        return self.function(x, y)

    def __reduce__(self):
        return GeneratedFunction, (self.source,)


class Vectorised:
    """A generated function of (x, y) as a NumPy function of points (..., 2) → float64, without warnings.

    `shape_of(result, shape)` turns the returned tuple into the surface's arrays (a component that does not
    depend on the point, e.g. ∂/∂y of x², comes back as a number and is broadcast)."""

    def __init__(self, function: Callable[[Any, Any], Any], shape_of: Callable[[Any, tuple[int, ...]], Any]) -> None:
        self.function, self.shape_of = function, shape_of

    def __call__(self, xy: Array) -> Any:
        x, y = split_xy(xy)
        shape = x.shape
        if not shape:  # one point (the page's runs): NumPy scalars are ~15× faster than 0-d arrays
            x, y = np.float64(x), np.float64(y)
        with np.errstate(all="ignore"):  # overflow and domain errors give inf/NaN, which callers detect
            result = self.function(x, y)
        return self.shape_of(result, shape)


def as_array(value: Any, shape: tuple[int, ...]) -> Array:
    """A fresh float64 array of `shape` from a value or a broadcastable array."""
    out = np.empty(shape)
    out[...] = value
    return out


def value_of(parts: Any, shape: tuple[int, ...]) -> Array:
    return as_array(parts[0], shape)


def gradient_of(parts: Any, shape: tuple[int, ...]) -> Array:
    out = np.empty((*shape, 2))
    out[..., 0] = parts[0]
    out[..., 1] = parts[1]
    return out


def both_of(parts: Any, shape: tuple[int, ...]) -> tuple[Array, Array]:
    return as_array(parts[0], shape), gradient_of(parts[1:], shape)


def surface_functions(sources: dict[str, str]) -> tuple[Vectorised, Vectorised, Vectorised]:
    """(f, ∇f, (f, ∇f)) from the generated sources {"f": …, "grad": …, "both": …}."""
    return (Vectorised(GeneratedFunction(sources["f"]), value_of),
            Vectorised(GeneratedFunction(sources["grad"]), gradient_of),
            Vectorised(GeneratedFunction(sources["both"]), both_of))
