"""Polynomial test functions and their analytic gradients, in the style of SciPy's `rosen`/`rosen_der`.

Every function takes points of shape (..., 2) and returns float64 values of shape (...) (`f`) or
(..., 2) (`*_grad`). Formulas: Wikipedia "Test functions for optimization" and the SFU Virtual
Library of Simulation Experiments (docs/REFERENCE.md §5). Residuals shared by f and ∇f
live in one private helper per surface, so the two can never disagree about the formula.
"""

from __future__ import annotations

import numpy as np

from .base import Array, split_xy, stack_xy


def _rosenbrock_terms(xy: Array) -> tuple[Array, Array, Array]:
    x, y = split_xy(xy)
    return x, 1.0 - x, y - x * x


def rosenbrock(xy: Array) -> Array:
    """Rosenbrock's banana valley f(x, y) = (1 − x)² + 100 (y − x²)², minimum f(1, 1) = 0.

    >>> float(rosenbrock(np.array([1.0, 1.0]))), float(rosenbrock(np.array([0.0, 0.0])))
    (0.0, 1.0)
    """
    _, a, b = _rosenbrock_terms(xy)
    return a * a + 100.0 * b * b


def rosenbrock_grad(xy: Array) -> Array:
    """∇f = (−2(1 − x) − 400 x (y − x²), 200 (y − x²)).

    >>> rosenbrock_grad(np.array([0.0, 0.0]))
    array([-2.,  0.])
    """
    x, a, b = _rosenbrock_terms(xy)
    return stack_xy(-2.0 * a - 400.0 * x * b, 200.0 * b)


def rosenbrock_value_and_grad(xy: Array) -> tuple[Array, Array]:
    """f and ∇f in one pass over the shared residuals: what `optimizers.run` calls when a surface offers it.

    >>> [a.tolist() for a in rosenbrock_value_and_grad(np.array([0.0, 0.0]))]
    [1.0, [-2.0, 0.0]]
    """
    x, a, b = _rosenbrock_terms(xy)
    # The gradient is written into one (..., 2) array, term by term in the order of `rosenbrock_grad`'s
    # expression (so the two agree to the last bit): no stacked copy, about 15% of a batched step.
    grad = np.empty((*np.shape(x), 2))
    dx, dy = grad[..., 0], grad[..., 1]
    np.multiply(x, 400.0, out=dx)
    dx *= b
    np.subtract(-2.0 * a, dx, out=dx)
    np.multiply(b, 200.0, out=dy)
    b100 = 100.0 * b
    b100 *= b
    f = a * a
    f += b100
    return f, grad


def _beale_terms(xy: Array) -> tuple[Array, Array, Array, Array, Array]:
    """x, y and the residuals t_k = c_k − x + x·y^k, k = 1, 2, 3."""
    x, y = split_xy(xy)
    return x, y, 1.5 - x + x * y, 2.25 - x + x * y * y, 2.625 - x + x * y * y * y


def beale(xy: Array) -> Array:
    """Beale's function f = (1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)², minimum f(3, 0.5) = 0.

    >>> float(beale(np.array([3.0, 0.5]))), float(beale(np.array([0.0, 0.0])))
    (0.0, 14.203125)
    """
    _, _, t1, t2, t3 = _beale_terms(xy)
    return t1 * t1 + t2 * t2 + t3 * t3


def beale_grad(xy: Array) -> Array:
    """∂f/∂x = 2 Σ t_k (y^k − 1),  ∂f/∂y = 2 Σ t_k · k x y^(k−1), with t_k the k-th residual above.

    >>> beale_grad(np.array([0.0, 0.0]))
    array([-12.75,   0.  ])
    """
    x, y, t1, t2, t3 = _beale_terms(xy)
    y2 = y * y
    dx = 2.0 * (t1 * (y - 1.0) + t2 * (y2 - 1.0) + t3 * (y2 * y - 1.0))
    dy = 2.0 * x * (t1 + 2.0 * t2 * y + 3.0 * t3 * y2)
    return stack_xy(dx, dy)


def saddle(xy: Array) -> Array:
    """The plain saddle f = x² − y²: a minimum along x, a maximum along y, unbounded below.

    >>> float(saddle(np.array([1.0, 2.0])))
    -3.0
    """
    x, y = split_xy(xy)
    return x * x - y * y


saddle_bounded_below = False  # f(0, y) = −y² → −∞ as |y| → ∞


def saddle_grad(xy: Array) -> Array:
    """∇f = (2x, −2y); the only stationary point is the saddle (0, 0).

    >>> saddle_grad(np.array([1.0, 2.0]))
    array([ 2., -4.])
    """
    x, y = split_xy(xy)
    return stack_xy(2.0 * x, -2.0 * y)


def _himmelblau_terms(xy: Array) -> tuple[Array, Array, Array, Array]:
    x, y = split_xy(xy)
    return x, y, x * x + y - 11.0, x + y * y - 7.0


def himmelblau(xy: Array) -> Array:
    """Himmelblau's function f = (x² + y − 11)² + (x + y² − 7)²: four global minima with f = 0, e.g. (3, 2).

    >>> float(himmelblau(np.array([3.0, 2.0]))), float(himmelblau(np.array([0.0, 0.0])))
    (0.0, 170.0)
    """
    _, _, a, b = _himmelblau_terms(xy)
    return a * a + b * b


def himmelblau_grad(xy: Array) -> Array:
    """∇f = (4x (x² + y − 11) + 2 (x + y² − 7), 2 (x² + y − 11) + 4y (x + y² − 7)).

    >>> himmelblau_grad(np.array([0.0, 0.0]))
    array([-14., -22.])
    """
    x, y, a, b = _himmelblau_terms(xy)
    return stack_xy(4.0 * x * a + 2.0 * b, 2.0 * a + 4.0 * y * b)


def _booth_terms(xy: Array) -> tuple[Array, Array]:
    x, y = split_xy(xy)
    return x + 2.0 * y - 7.0, 2.0 * x + y - 5.0


def booth(xy: Array) -> Array:
    """Booth's function f = (x + 2y − 7)² + (2x + y − 5)², a tilted quadratic bowl with minimum f(1, 3) = 0.

    >>> float(booth(np.array([1.0, 3.0]))), float(booth(np.array([0.0, 0.0])))
    (0.0, 74.0)
    """
    a, b = _booth_terms(xy)
    return a * a + b * b


def booth_grad(xy: Array) -> Array:
    """∇f = (2a + 4b, 4a + 2b) with a = x + 2y − 7, b = 2x + y − 5.

    >>> booth_grad(np.array([0.0, 0.0]))
    array([-34., -38.])
    """
    a, b = _booth_terms(xy)
    return stack_xy(2.0 * a + 4.0 * b, 4.0 * a + 2.0 * b)


def _goldstein_price_terms(xy: Array) -> tuple[Array, Array, Array, Array, Array, Array]:
    """The two factors A, B of f = A·B and their partial derivatives (product rule: ∇f = B ∇A + A ∇B).

    A = 1 + s² p,  s = x + y + 1,   p = 19 − 14x + 3x² − 14y + 6xy + 3y²
    B = 30 + d² q, d = 2x − 3y,     q = 18 − 32x + 12x² + 48y − 36xy + 27y²
    """
    x, y = split_xy(xy)
    s = x + y + 1.0
    p = 19.0 - 14.0 * x + 3.0 * x * x - 14.0 * y + 6.0 * x * y + 3.0 * y * y
    d = 2.0 * x - 3.0 * y
    q = 18.0 - 32.0 * x + 12.0 * x * x + 48.0 * y - 36.0 * x * y + 27.0 * y * y
    a = 1.0 + s * s * p
    b = 30.0 + d * d * q
    # ∂s/∂x = ∂s/∂y = 1 and ∂p/∂x = ∂p/∂y = −14 + 6x + 6y (p is symmetric), so ∂A/∂x = ∂A/∂y.
    da = 2.0 * s * p + s * s * (-14.0 + 6.0 * x + 6.0 * y)
    # ∂d/∂x = 2, ∂d/∂y = −3; ∂q/∂x = −32 + 24x − 36y, ∂q/∂y = 48 − 36x + 54y.
    db_dx = 4.0 * d * q + d * d * (-32.0 + 24.0 * x - 36.0 * y)
    db_dy = -6.0 * d * q + d * d * (48.0 - 36.0 * x + 54.0 * y)
    return a, b, da, da, db_dx, db_dy


def goldstein_price(xy: Array) -> Array:
    """Goldstein–Price f = [1 + (x+y+1)²(19 − 14x + 3x² − 14y + 6xy + 3y²)]
    · [30 + (2x − 3y)²(18 − 32x + 12x² + 48y − 36xy + 27y²)], minimum f(0, −1) = 3.

    >>> float(goldstein_price(np.array([0.0, -1.0]))), float(goldstein_price(np.array([0.0, 0.0])))
    (3.0, 600.0)
    """
    a, b, *_ = _goldstein_price_terms(xy)
    return a * b


def goldstein_price_grad(xy: Array) -> Array:
    """∇f = B ∇A + A ∇B for f = A·B, the factors written out in `_goldstein_price_terms`.

    >>> goldstein_price_grad(np.array([0.0, 0.0]))
    array([720., 720.])
    """
    a, b, da_dx, da_dy, db_dx, db_dy = _goldstein_price_terms(xy)
    return stack_xy(b * da_dx + a * db_dx, b * da_dy + a * db_dy)


def six_hump_camel(xy: Array) -> Array:
    """Six-hump camel f = (4 − 2.1x² + x⁴/3) x² + xy + (−4 + 4y²) y²; minimum ≈ −1.0316 at ±(0.0898, −0.7127).

    >>> round(float(six_hump_camel(np.array([0.08984201310031806, -0.7126564030207396]))), 10)
    -1.0316284535
    """
    x, y = split_xy(xy)
    x2, y2 = x * x, y * y
    return (4.0 - 2.1 * x2 + x2 * x2 / 3.0) * x2 + x * y + (-4.0 + 4.0 * y2) * y2


def six_hump_camel_grad(xy: Array) -> Array:
    """∇f = (8x − 8.4x³ + 2x⁵ + y, x − 8y + 16y³).

    >>> six_hump_camel_grad(np.array([1.0, 1.0]))
    array([2.6, 9. ])
    """
    x, y = split_xy(xy)
    x2 = x * x
    return stack_xy(x * (8.0 - 8.4 * x2 + 2.0 * x2 * x2) + y, x + y * (-8.0 + 16.0 * y * y))


def monkey_saddle(xy: Array) -> Array:
    """The monkey saddle f = x³ − 3xy²: three valleys meet at a degenerate saddle (0, 0); unbounded below.

    >>> float(monkey_saddle(np.array([1.0, 1.0])))
    -2.0
    """
    x, y = split_xy(xy)
    return x * (x * x - 3.0 * y * y)


monkey_saddle_bounded_below = False  # f(x, 0) = x³ → −∞ as x → −∞


def monkey_saddle_grad(xy: Array) -> Array:
    """∇f = (3x² − 3y², −6xy); the Hessian vanishes at the origin too, so ∇f is flat to second order there.

    >>> monkey_saddle_grad(np.array([1.0, 1.0]))
    array([ 0., -6.])
    """
    x, y = split_xy(xy)
    return stack_xy(3.0 * (x * x - y * y), -6.0 * x * y)
