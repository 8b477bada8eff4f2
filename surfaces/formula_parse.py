"""Formula text → SymPy tree, built node by node from the checked syntax tree; and the text typeset as typed.

Runs in the formula worker (it imports SymPy; surfaces/formula_worker.py). The route: the text is checked by
surfaces/formula_text.py; its syntax tree is walked
against an allow-list: numbers, the names x, y, pi, e, the functions in FUNCTIONS, the operators + − × / ** and
unary ±. Anything else (attribute access, calls of other names, lambdas, comprehensions, f-strings, subscripts,
comparisons, …) is refused with a FormulaError naming the token, its column and why. The nesting is capped, and
so is a constant exponent (9**9**9 is refused before anything is computed). This code builds the SymPy tree
itself (never `sympify`, `parse_expr` or `eval`, which run text through Python's eval); every constant
sub-expression is first computed in float64 by `math`, so 9**9**9, 1/0, log(0) or 1e999 are refused instead
of computed.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import Any

import sympy

from .formula_text import MAX_CALL_DEPTH, MAX_DEPTH, MAX_EXPONENT, FormulaError, clean_text, parse_tree

X, Y = sympy.symbols("x y", real=True)

# name → (SymPy function, the float function used on constant arguments)
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
    surfaces.formula_text.FormulaError: '__import__' at column 1: names with double underscores are not allowed
    """
    clean = clean_text(text)
    built = _build(parse_tree(clean), clean)
    expr = built.expr
    if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.I):
        raise FormulaError("the formula is undefined (it simplifies to a division by zero, an infinity or "
                           "an imaginary number)")
    return expr


# ---------------------------------------------------------------- the text typeset as typed

_LATEX_FUNCTIONS = {"sin": r"\sin", "cos": r"\cos", "tan": r"\tan", "asin": r"\arcsin", "acos": r"\arccos",
                    "atan": r"\arctan", "sinh": r"\sinh", "cosh": r"\cosh", "tanh": r"\tanh", "exp": r"\exp",
                    "log": r"\log", "ln": r"\ln"}
_SUM, _PRODUCT, _SIGN, _POWER, _ATOM = range(5)   # binding strength, loosest first (Python's precedence)


def typeset(text: str) -> str:
    r"""LaTeX of a formula in the order it was typed (SymPy's printer reorders terms: y − x² became −x² + y).

    Parentheses are the ones the meaning needs; numbers are shown as typed (1e-3 as 1 \times 10^{-3}).

    >>> print(typeset("(1-x)^2 + 100*(y-x**2)**2"))
    \left(1 - x\right)^{2} + 100 \left(y - x^{2}\right)^{2}
    >>> print(typeset("f(x, y) = -x*y/2 + sqrt(abs(x)) + 2*3e-4*exp(-y)"))
    \frac{-x y}{2} + \sqrt{\left|x\right|} + 2 \cdot 3 \times 10^{-4} \exp\left(-y\right)
    """
    clean = clean_text(text)
    return _latex(parse_tree(clean), clean)[0]


def _wrap(latex: str) -> str:
    return rf"\left({latex}\right)"


def _latex(node: ast.AST, text: str) -> tuple[str, int]:
    """(LaTeX, binding strength) of an allow-listed syntax tree (parse_formula has refused everything else)."""
    if isinstance(node, ast.Constant):
        number = _typed_number(ast.get_source_segment(text, node) or repr(node.value))
        return number, _PRODUCT if r"	imes" in number else _ATOM
    if isinstance(node, ast.Name):
        return {"pi": r"\pi"}.get(node.id, node.id), _ATOM
    if isinstance(node, ast.UnaryOp):
        inner, strength = _latex(node.operand, text)
        if isinstance(node.op, ast.UAdd):
            return inner, strength
        return "-" + (_wrap(inner) if strength < _PRODUCT else inner), _SIGN
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
        argument = _latex(node.args[0], text)[0]
        name = node.func.id
        if name == "sqrt":
            return rf"\sqrt{{{argument}}}", _ATOM
        if name == "abs":
            return rf"\left|{argument}\right|", _ATOM
        return _LATEX_FUNCTIONS.get(name, rf"\operatorname{{{name}}}") + _wrap(argument), _POWER
    if isinstance(node, ast.BinOp):
        (left, left_strength), (right, right_strength) = _latex(node.left, text), _latex(node.right, text)
        if isinstance(node.op, ast.Add | ast.Sub):
            if right_strength == _SIGN or (isinstance(node.op, ast.Sub) and right_strength == _SUM):
                right = _wrap(right)
            return f"{left} {'+' if isinstance(node.op, ast.Add) else '-'} {right}", _SUM
        if isinstance(node.op, ast.Div):
            return rf"\frac{{{left}}}{{{right}}}", _PRODUCT
        if isinstance(node.op, ast.Mult):
            left = _wrap(left) if left_strength < _SIGN and left_strength != _PRODUCT else left
            right = _wrap(right) if right_strength <= _SIGN else right
            joint = r" \cdot " if right[:1].isdigit() or right[:1] == "." else " "
            return f"{left}{joint}{right}", _PRODUCT
        if isinstance(node.op, ast.Pow):
            base = left if left_strength == _ATOM and not left.startswith(r"\frac") else _wrap(left)
            return f"{base}^{{{right}}}", _POWER
    return _wrap(ast.get_source_segment(text, node) or "?"), _ATOM


def _typed_number(digits: str) -> str:
    """A number as typed; scientific notation written the way a textbook does (2.5e-3 → 2.5 × 10⁻³)."""
    mantissa, _, exponent = digits.lower().partition("e")
    if not exponent:
        return digits
    power = exponent.lstrip("+")
    power = "-" + power[1:].lstrip("0") if power.startswith("-") else power.lstrip("0")
    return rf"{mantissa} \times 10^{{{power or '0'}}}"
