"""The text of a user's formula, checked without SymPy and without executing it: characters, length, syntax.

`clean_text` caps the length and allows printable ASCII only (so no Unicode look-alike such as a fullwidth ｘ,
which Python's parser would silently fold into x) and reads `^` as `**`; `parse_tree` gives Python's syntax tree
(`ast.parse(text, mode="eval")`, which only reads) with its node count capped. Both cost O(length), so the server
runs them itself and most refusals are immediate; what follows (surfaces/formula_parse.py) runs in the formula
worker, under its limits on time and memory.
"""

from __future__ import annotations

import ast
import re
import unicodedata
import warnings
from typing import Any

MAX_FORMULA_CHARS = 500   # the longest catalogue formula, Goldstein–Price, is ~130 characters in Python syntax
MAX_NODES = 300           # syntax-tree nodes; Goldstein–Price has ~150
MAX_DEPTH = 40            # nesting of the syntax tree
MAX_CALL_DEPTH = 12       # functions inside functions: SymPy's diff of sin(sin(…)) costs ~n² (39 deep: seconds)
MAX_EXPONENT = 100        # |a constant exponent|: x**100 already overflows float64 beyond |x| ≈ 1200
MAX_DOMAIN = 1e6          # |domain bounds|
FUNCTION_NAMES = ("sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp", "log", "ln",
                  "sqrt", "abs")

_PREFIX = re.compile(r"^\s*f\s*\(\s*x\s*,\s*y\s*\)\s*=(?!=)")
_ALLOWED_TEXT = re.compile(r"[ -~\t]*")  # printable ASCII and tabs


class FormulaError(ValueError):
    """A formula this lab refuses: the message names the token (and its column) and says why."""


def clean_text(text: Any) -> str:
    """The formula as Python syntax: checked characters and length, "f(x, y) =" removed, ^ read as **."""
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


def parse_tree(text: str) -> ast.expr:
    """The body of the syntax tree of cleaned text; FormulaError on a syntax error or too many nodes."""
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
