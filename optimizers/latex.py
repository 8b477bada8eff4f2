r"""Numbers and vectors as LaTeX, for the update rules written out with one step's actual values.

Numbers get 4 significant digits (`latex_number`); scientific notation is written `1.234 \times 10^{-5}`
(and a mantissa of exactly 1 as `10^{-8}`). Non-finite values never raise: they render as `\infty`,
`-\infty` and `\text{NaN}`. Hyperparameters get up to 6 digits (`latex_hyper`), so β2 = 0.99999 is not shown
as 1. This module imports nothing from the package, so every optimizer module can use it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Array = np.ndarray


def latex_number(x: Any, digits: int = 4) -> str:
    r"""`x` to `digits` significant digits as LaTeX: "0.1235", "-3", "1.234 \times 10^{-5}", "10^{-8}", "\infty".

    >>> latex_number(0.000012345), latex_number(1e-8), latex_number(-2.0), latex_number(float("nan"))
    ('1.234 \\times 10^{-5}', '10^{-8}', '-2', '\\text{NaN}')
    """
    value = float(np.asarray(x, dtype=np.float64).reshape(()))  # a single number; ValueError otherwise
    if np.isnan(value):
        return r"\text{NaN}"
    if np.isinf(value):
        return r"\infty" if value > 0 else r"-\infty"
    if value == 0:
        return "0"  # also for −0.0
    text = f"{value:.{digits}g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = f"10^{{{int(exponent)}}}"
    if mantissa in ("1", "-1"):
        return power if mantissa == "1" else "-" + power
    return rf"{mantissa} \times {power}"


def latex_hyper(x: Any) -> str:
    """A hyperparameter value: up to 6 significant digits (0.9999 stays 0.9999, 1 − 0.9 shows as 0.1)."""
    return latex_number(x, digits=6)


def latex_vector(v: Any, digits: int = 4) -> str:
    r"""A vector (one coordinate per entry, e.g. (x, y)) as `\left( a,\ b \right)`.

    >>> latex_vector([0.5, -1e-5])
    '\\left( 0.5,\\ -10^{-5} \\right)'
    """
    entries = np.asarray(v, dtype=np.float64).reshape(-1)
    return r"\left( " + r",\ ".join(latex_number(e, digits) for e in entries) + r" \right)"


def scalar_hyperparameter(name: str, value: Any) -> float:
    """`value` as a float; ValueError for per-member arrays (the written-out equations are for one member)."""
    if np.size(value) != 1:
        raise ValueError(f"{name} is an array of shape {np.shape(value)}: the equations with numbers need "
                         "one configuration; pass that member's scalar hyperparameters")
    return float(np.asarray(value, dtype=np.float64).reshape(()))


def latex_power(base: str, exponent: int) -> str:
    r"""`base^{exponent}`, braced when the base is itself a power (`{10^{-5}}^{3}`, never a double superscript)."""
    return (f"{{{base}}}" if "^" in base else base) + f"^{{{exponent}}}"


def coordinate_names(size: int) -> list[str]:
    """Names of a vector's coordinates in a note: "x", "y" for the 2-vectors of the maps, else "0", "1", …."""
    return ["x", "y"] if size == 2 else [str(i) for i in range(size)]


def aligned(lines: list[str]) -> str:
    r"""Lines of `lhs &= rhs` joined into one `\begin{aligned} … \end{aligned}` block."""
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


def safe_divide(numerator: Any, denominator: Any) -> Array:
    """numerator / denominator without RuntimeWarnings (0/0 gives NaN, x/0 gives ±inf, as the written maths)."""
    with np.errstate(all="ignore"):
        return np.divide(np.asarray(numerator, dtype=np.float64), np.asarray(denominator, dtype=np.float64))
