"""Hostile formulas: PAYLOADS would leave a marker file behind if any part of them were ever executed; HOSTILE maps
formulas the parser must refuse to a word of the message it must give."""

from __future__ import annotations

from pathlib import Path

MARKER = Path("/tmp/adamax_lab_formula_payload_ran")
PAYLOADS = [  # each would create MARKER if any part of it were ever executed
    f"__import__('os').system('touch {MARKER}')",
    f"__import__('pathlib').Path('{MARKER}').touch()",
    f"open('{MARKER}', 'w')",
    f"x + open('{MARKER}', 'w').write('1')",
    f"(lambda: __import__('os').system('touch {MARKER}'))()",
    f"[__import__('os').system('touch {MARKER}') for _ in (1,)]",
    f"f\"{{__import__('os').system('touch {MARKER}')}}\"",
    f"().__class__.__base__.__subclasses__()[0]('touch {MARKER}')",
    f"exec(\"open('{MARKER}','w')\")",
    f"eval(\"open('{MARKER}','w')\")",
    f"x.__class__.__init__.__globals__['os'].system('touch {MARKER}')",
    f"sin(x) if open('{MARKER}', 'w') else cos(y)",
    f"(y := open('{MARKER}', 'w'))",
    f"x; open('{MARKER}', 'w')",
    f"x\nopen('{MARKER}', 'w')",
    f"compile(\"open('{MARKER}','w')\", 'f', 'exec')",
    f"getattr(__builtins__, 'open')('{MARKER}', 'w')",
    f"sin(*[open('{MARKER}', 'w')])",
    f"sin(x=open('{MARKER}', 'w'))",
    f"{{'a': open('{MARKER}', 'w')}}",
]

HOSTILE = {
    # syntax errors
    "x +": "syntax", "(x": "syntax", "x)": "syntax", "x y": "syntax", "* x": "syntax", "x ** * y": "syntax",
    "2x": "syntax", "x,": "tuples", "sin(x": "syntax", "1e": "syntax", "x = 1": "syntax", "x.": "syntax",
    "...": "ellipsis", "def f(): pass": "syntax", "import os": "syntax", "x ==": "syntax", "0x": "syntax",
    # unknown names and functions
    "z": "unknown name", "X + Y": "unknown name", "foo(x)": "unknown function", "os": "unknown name",
    "np.sin(x)": "attribute", "sin": "is a function", "exp + 1": "is a function", "inf": "unknown name",
    "nan * x": "unknown name", "I * x": "unknown name", "E": "unknown name", "sympify(x)": "unknown function",
    "print(x)": "unknown function", "sin(x)(y)": "only these functions", "gamma(x)": "unknown function",
    # attribute access, dunders, builtins
    "x.real": "attribute", "(1).__class__": "attribute", "__builtins__": "double underscores",
    "__import__": "double underscores", "__import__('os')": "double underscores", "x.__add__(y)": "attribute",
    "sin.__call__(x)": "attribute", "__class__": "double underscores", "__dict__ + x": "double underscores",
    # lambdas, comprehensions, f-strings, other constructs
    "lambda: 1": "lambda", "(lambda x: x)(y)": "only these functions", "[x for x in (1, 2)]": "comprehensions",
    "sum(x for x in (1, 2))": "unknown function", "{x for x in (1,)}": "comprehensions",
    "{x: 1 for x in (1,)}": "comprehensions", "f'{x}'": "f-strings", "f'{__import__(\"os\")}'": "f-strings",
    "'x'": "quotes", "b'x'": "quotes", "'x' * 3": "quotes", "x[0]": "indexing", "x if y else 1": "if/else",
    "x < y": "comparisons", "x and y": "and/or", "not x": "only + and -", "~x": "only + and -",
    "(x, y)": "tuples", "[x, y]": "lists", "{x, y}": "sets", "{}": "dicts", "x % 2": "operator %",
    "x // 2": "operator //", "x @ y": "operator @", "x << 2": "operator <<", "x | y": "operator |",
    "x & y": "operator &", "(y := 2)": ":=", "sin(x, y)": "exactly one argument", "sin()": "exactly one argument",
    "sin(x=1)": "exactly one argument", "sin(*x)": "exactly one argument", "3j * x": "complex",
    "True * x": "bool", "None": "NoneType", "await x": "await", "yield x": "syntax", "x[1:2]": "indexing",
    # sizes: exponents, nesting, length
    "9**9**9": "exponent", "x**1000": "exponent", "x**(10**5)": "exponent", "2**2**2**2**2": "exponent",
    "10**400": "exponent 400 is too large",
    "1e300 * 1e300 * x": "not a finite real", "1e999 * x": "too large", "exp(1000) * x": "not a finite real",
    "x + 1" + "0" * 400: "not a finite real", "(" * 10_000 + "x" + ")" * 10_000: "too long",
    "x" * 100_000: "too long", "x + " * 40_000 + "x": "too long", "-" * 60 + "x": "nested too deeply",
    "sin(" * 45 + "x" + ")" * 45: "nested too deeply",
    "exp(" * 13 + "x" + ")" * 13: "functions are nested", "+".join(["x"] * 200): "too complex",
    "(((x)))" * 80: "too long",
    # Unicode look-alikes and control characters
    "ｘ + y": "U+FF58", "x + у": "U+0443", "х**2": "U+0445", "x − y": "U+2212", "x × y": "U+00D7",
    "x²": "U+00B2", "π * x": "U+03C0", "x\u200b + y": "U+200B", "x\x00": "U+0000", "x\x1b[2J": "U+001B",
    "ｓｉｎ(x)": "U+FF53", "𝑥 + y": "U+1D465",
    # undefined, infinite, constant over the domain
    "log(x)": "NaN", "sqrt(x)": "NaN", "1/x": "infinite", "1/(x**2 + y**2)": "infinite", "log(0) + x": "finite",
    "1/0 + x": "finite", "log(x - x)": "undefined", "acos(2) * x": "finite", "(-1)**0.5 * x": "finite",
    "x**-1": "infinite", "0**-1 + x": "finite", "x - x": "constant", "1": "constant", "pi": "constant",
    "sin(x)**2 + cos(x)**2 + 0*y": "constant", "exp(exp(exp(x + 10)))": "infinite", "": "empty",
    "   ": "empty", "f(x, y) = ": "empty", "asin(x)": "NaN", "x**0.5 + y": "NaN",
}
