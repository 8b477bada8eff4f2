"""A rotated, ill-conditioned quadratic bowl: the cleanest picture of conditioning and of rotation (in)variance.

f(x, y) = ½ (κ x'² + y'²) with (x', y') = (x, y) rotated by θ:

    x' =  cos θ · x + sin θ · y
    y' = −sin θ · x + cos θ · y

The Hessian is Rᵀ diag(κ, 1) R: curvature κ along (cos θ, sin θ), 1 across it, so κ is the condition
number. Gradient descent is rotation-invariant (its path just rotates with θ); per-coordinate methods such
as Adam and AdaMax are not — θ = 0 aligns the valley with their axes, θ = 45° is their worst case.
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np

from .base import Array, Surface, split_xy, stack_xy

CONDITION_RANGE = (1.0, 1e4)
ANGLE_RANGE = (-180.0, 180.0)  # degrees


def _rotated(xy: Array, angle: float) -> tuple[Array, Array, float, float]:
    x, y = split_xy(xy)
    theta = math.radians(angle)
    c, s = math.cos(theta), math.sin(theta)
    return c * x + s * y, -s * x + c * y, c, s


def rotated_bowl(xy: Array, condition: float, angle: float) -> Array:
    """f = ½ (κ x'² + y'²), (x', y') = (x, y) rotated by `angle` degrees, κ = `condition`.

    >>> float(rotated_bowl(np.array([1.0, 0.0]), condition=10.0, angle=0.0))
    5.0
    >>> round(float(rotated_bowl(np.array([1.0, 1.0]), condition=10.0, angle=45.0)), 12)  # x' = √2, y' = 0
    10.0
    """
    u, v, _, _ = _rotated(xy, angle)
    return 0.5 * (condition * u * u + v * v)


def rotated_bowl_grad(xy: Array, condition: float, angle: float) -> Array:
    """∇f = Rᵀ (κ x', y') = (κ x' cos θ − y' sin θ, κ x' sin θ + y' cos θ).

    >>> rotated_bowl_grad(np.array([1.0, 2.0]), condition=10.0, angle=0.0)
    array([10.,  2.])
    """
    u, v, c, s = _rotated(xy, angle)
    ku = condition * u
    return stack_xy(c * ku - s * v, s * ku + c * v)


def _checked(name: str, value: float, valid: tuple[float, float]) -> float:
    """`value` as a float, or ValueError naming the parameter, the value and the valid range."""
    low, high = valid
    message = f"{name} must be a finite number in [{low:g}, {high:g}], got {value!r}"
    if isinstance(value, bool):  # float(True) == 1.0 would pass silently
        raise ValueError(message)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(message) from None
    if not (math.isfinite(number) and low <= number <= high):
        raise ValueError(message)
    return number


def quadratic(condition: float = 10.0, angle: float = 30.0) -> Surface:
    """The bowl ½ (κ x'² + y'²) with condition number κ = `condition` ∈ [1, 1e4], rotated by `angle` ∈ [−180, 180]°.

    >>> bowl = quadratic(condition=100.0, angle=0.0)
    >>> float(bowl.f(np.array([0.1, 1.0]))), bowl.parameters
    (1.0, {'condition': 100.0, 'angle': 0.0})
    """
    kappa = _checked("condition", condition, CONDITION_RANGE)
    theta = _checked("angle", angle, ANGLE_RANGE)
    rot = f"{theta:g}^\\circ"
    return Surface(
        key="quadratic",
        name="Rotated ill-conditioned quadratic",
        f=partial(rotated_bowl, condition=kappa, angle=theta),
        grad=partial(rotated_bowl_grad, condition=kappa, angle=theta),
        domain=((-2.0, 2.0), (-2.0, 2.0)),
        minima=np.zeros((1, 2)),
        minimum_value=0.0,
        # Off both eigen-axes for the default angle, so gradient descent zig-zags across the valley.
        start=np.array([-1.8, 1.2]),
        latex=(f"\\tfrac12\\left({kappa:g}\\,x'^2 + y'^2\\right), \\\\ "  # \\\\: a line break
               f"x' = x\\cos {rot} + y\\sin {rot},\\; y' = -x\\sin {rot} + y\\cos {rot}"),
        # f − f* spans ≥ 3 decades over the domain for every κ ≥ 1 (least at κ = 1: max/P0.1 ≈ 10^3.2),
        # and a log scale keeps the final approach to the minimum visible.
        log_scale=True,
        note=(f"A bowl with condition number {kappa:g} rotated by {theta:g}°: per-coordinate methods such as Adam "
              "and AdaMax are not rotation-invariant, so compare angle 0 with 45."),
        parameters={"condition": kappa, "angle": theta},
    )
