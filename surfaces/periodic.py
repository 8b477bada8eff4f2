"""Multimodal test functions built from cosines — Rastrigin and Ackley — with analytic gradients.

Same conventions as `surfaces.classic`: points of shape (..., 2) in, float64 values of shape (...) or
gradients of shape (..., 2) out.
"""

from __future__ import annotations

import numpy as np

from .base import Array, split_xy, stack_xy

TAU = 2.0 * np.pi
RASTRIGIN_A = 10.0


def rastrigin(xy: Array) -> Array:
    """Rastrigin (A = 10, 2-D) f = 2A + Σ (xᵢ² − A cos 2πxᵢ), minimum f(0, 0) = 0 amid a lattice of local minima.

    >>> float(rastrigin(np.array([0.0, 0.0]))), float(rastrigin(np.array([1.0, 0.5])))
    (0.0, 21.25)
    """
    x, y = split_xy(xy)
    return 2.0 * RASTRIGIN_A + (x * x - RASTRIGIN_A * np.cos(TAU * x)) + (y * y - RASTRIGIN_A * np.cos(TAU * y))


def rastrigin_grad(xy: Array) -> Array:
    """∂f/∂xᵢ = 2xᵢ + 2πA sin 2πxᵢ.

    >>> rastrigin_grad(np.array([1.0, 0.0])).round(12)
    array([2., 0.])
    """
    x, y = split_xy(xy)
    return stack_xy(2.0 * x + TAU * RASTRIGIN_A * np.sin(TAU * x), 2.0 * y + TAU * RASTRIGIN_A * np.sin(TAU * y))


def _ackley_terms(xy: Array) -> tuple[Array, Array, Array, Array]:
    """x, y, r = √(½(x² + y²)) and the ripple factor exp(½(cos 2πx + cos 2πy))."""
    x, y = split_xy(xy)
    # hypot, not sqrt(x² + y²): x² underflows to 0 for |x| < 1e-162, which would put r = 0 off the origin.
    r = np.hypot(x, y) * np.sqrt(0.5)
    return x, y, r, np.exp(0.5 * (np.cos(TAU * x) + np.cos(TAU * y)))


def ackley(xy: Array) -> Array:
    """Ackley f = −20 exp(−0.2 √(½(x² + y²))) − exp(½(cos 2πx + cos 2πy)) + e + 20, minimum f(0, 0) = 0.

    Evaluated as 20 (1 − exp(−0.2 r)) + (e − exp(…)) so that the two cancellations near the origin are exact
    there (f(0, 0) is 0.0, not a rounding residue).

    >>> float(ackley(np.array([0.0, 0.0])))
    0.0
    >>> round(float(ackley(np.array([1.0, 1.0]))), 10)
    3.6253849384
    """
    _, _, r, wave = _ackley_terms(xy)
    return -20.0 * np.expm1(-0.2 * r) + (np.e - wave)


def ackley_grad(xy: Array) -> Array:
    """∂f/∂x = 2x exp(−0.2 r) / r + π sin(2πx) exp(½(cos 2πx + cos 2πy)), likewise for y.

    x/r has no limit at the origin (f has a cone-shaped tip there), so ∇f is undefined at (0, 0); we return
    the subgradient 0 there, which also makes the minimum a stationary point for the optimizers.

    >>> ackley_grad(np.array([0.0, 0.0]))
    array([0., 0.])
    """
    x, y, r, wave = _ackley_terms(xy)
    # d/dx[−20 exp(−0.2 r)] = 2 exp(−0.2 r) · x / r = 2√2 exp(−0.2 r) · x / h, with h = √(x² + y²) = √2 r.
    # x/h is a direction cosine, |x/h| ≤ 1 however close to the origin; 1/r alone overflows for r < 1e-308.
    # Divide only where h > 0: no 0/0, no RuntimeWarning, and the tip keeps the 0 from `out`.
    h = np.hypot(x, y)
    cone = 2.0 * np.sqrt(2.0) * np.exp(-0.2 * r)
    cos_x = np.divide(x, h, out=np.zeros_like(h), where=h > 0.0)
    cos_y = np.divide(y, h, out=np.zeros_like(h), where=h > 0.0)
    ripple = np.pi * wave
    return stack_xy(cone * cos_x + ripple * np.sin(TAU * x), cone * cos_y + ripple * np.sin(TAU * y))
