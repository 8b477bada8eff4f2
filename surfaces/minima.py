"""Numerical minima of a surface over a rectangle: a grid, then damped Newton steps from its lowest points.

Used for user formulas (surfaces/formula.py), whose minima nobody wrote down. The search:

1. f on a MINIMA_GRID² grid; every interior grid point no higher than its 8 neighbours is a candidate
   (the 32 lowest), plus the grid's lowest point, which may lie on the edge;
2. each candidate is refined by damped Newton steps — the exact gradient, the Hessian by central differences
   of it, a gradient step where the Hessian is not positive definite, every step halved until f does not
   increase, all kept inside the domain;
3. a refined point is a local minimum when it is off the edge and no higher than a ring of 16 points around
   it (so a kink, the tip of a cone, counts too); the global minima are those within rounding of the lowest;
4. where the lowest refined point is on the edge and lower than every local minimum, f keeps falling past the
   edge: the domain holds no minimum, and the sentence says where f is lowest and which way it falls
   (whether f is bounded below beyond the domain is another question: surfaces/formula_bounds.py).
"""

from __future__ import annotations

import numpy as np

from .base import Array

MINIMA_GRID = 201         # the grid the minima are searched on
MAX_MINIMA = 8


def domain_grid(domain, n: int) -> Array:
    """An n × n grid of points (n, n, 2) over ((x0, x1), (y0, y1)), corners included."""
    (x0, x1), (y0, y1) = domain
    return np.stack(np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n)), axis=-1)


def refine(f, grad, points: Array, domain, iterations: int = 60) -> Array:
    """Damped Newton from each of `points` (k, 2), kept inside the domain: the Hessian by central
    differences of the exact gradient; where it is not positive definite, a gradient step; every step
    halved until f does not increase."""
    low = np.array([domain[0][0], domain[1][0]])
    high = np.array([domain[0][1], domain[1][1]])
    span = high - low
    h = 1e-6 * span
    steps_back = 2.0 ** -np.arange(30)
    for _ in range(iterations):
        g = grad(points)
        hessian = np.empty((len(points), 2, 2))
        for axis in range(2):
            shift = np.zeros(2)
            shift[axis] = h[axis]
            hessian[:, :, axis] = (grad(points + shift) - grad(points - shift)) / (2 * h[axis])
        hessian = 0.5 * (hessian + hessian.transpose(0, 2, 1))
        with np.errstate(all="ignore"):
            a, b, d = hessian[:, 0, 0], hessian[:, 0, 1], hessian[:, 1, 1]
            det = a * d - b * b
            # the 2 × 2 inverse written out: no LinAlgError on a singular or non-finite Hessian
            newton = -np.stack([d * g[:, 0] - b * g[:, 1], a * g[:, 1] - b * g[:, 0]], axis=-1) / det[:, None]
            convex = (det > 0) & (a > 0)
            direction = np.where(convex[:, None], newton, -g * (0.1 * span.max() / np.maximum(
                np.linalg.norm(g, axis=-1, keepdims=True), 1e-300)))
        direction = np.nan_to_num(direction, nan=0.0, posinf=0.0, neginf=0.0)
        current = f(points)
        trials = np.clip(points[:, None, :] + steps_back[None, :, None] * direction[:, None, :], low, high)
        values = f(trials)
        better = np.isfinite(values) & (values <= current[:, None])
        first = np.where(better.any(axis=1), np.argmax(better, axis=1), -1)
        moved = first >= 0
        points = np.where(moved[:, None], trials[np.arange(len(points)), np.maximum(first, 0)], points)
    return points


def locally_lowest(f, points: Array, values: Array, domain) -> Array:
    """Which points are inside the domain (off its edge) and no higher than a ring of 16 points around them:
    a local minimum, smooth or not (the tip of a cone has no gradient, yet is a minimum)."""
    low = np.array([domain[0][0], domain[1][0]])
    high = np.array([domain[0][1], domain[1][1]])
    span = high - low
    inside = ((points > low + 1e-9 * span) & (points < high - 1e-9 * span)).all(axis=-1)
    angles = np.linspace(0.0, 2 * np.pi, 16, endpoint=False)
    ring = points[:, None, :] + 1e-5 * span * np.stack([np.cos(angles), np.sin(angles)], axis=-1)
    around = f(ring)
    slack = 1e-12 * np.maximum(1.0, np.abs(values))
    return inside & np.isfinite(values) & (values <= np.where(np.isfinite(around), around, np.inf).min(axis=1) + slack)


def find_minima(f, grad, domain) -> tuple[Array, float | None, str, str]:
    """(minima (k, 2), their value or None, "found" or "none", a sentence for the page)."""
    grid = domain_grid(domain, MINIMA_GRID)
    values = f(grid)
    inner = values[1:-1, 1:-1]
    lowest = np.ones(inner.shape, dtype=bool)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if dx or dy:
                lowest &= inner <= values[1 + dy:MINIMA_GRID - 1 + dy, 1 + dx:MINIMA_GRID - 1 + dx]
    candidates = grid[1:-1, 1:-1][lowest]
    candidates = candidates[np.argsort(f(candidates))[:32]]
    edge = np.unravel_index(np.argmin(values), values.shape)
    starts = np.concatenate([candidates, grid[edge][None]])
    refined = refine(f, grad, starts, domain)
    refined_values = f(refined)
    local = locally_lowest(f, refined, refined_values, domain)
    floor = float(np.where(np.isfinite(refined_values), refined_values, np.inf).min())
    scale = max(1e-12, float(values.max() - values.min()))
    if not local.any() or float(refined_values[local].min()) > floor + 1e-9 * scale:
        lowest = int(np.argmin(np.where(np.isfinite(refined_values), refined_values, np.inf)))
        x, y = refined[lowest]
        return (np.empty((0, 2)), None, "none",
                f"Lowest value found on the domain: f = {refined_values[lowest]:.4g} on its edge near "
                f"({x:.3g}, {y:.3g}), and f keeps falling past the edge toward the "
                f"{downhill_direction(grad, refined[lowest], domain)}.")
    stationary = local
    best = float(refined_values[stationary].min())
    near_best = stationary & (refined_values <= best + 1e-9 * scale + 1e-12)
    apart = 1e-4 * max(domain[0][1] - domain[0][0], domain[1][1] - domain[1][0])
    minima: list[Array] = []
    for point in refined[near_best][np.argsort(refined_values[near_best])]:
        if all(np.linalg.norm(point - other) > apart for other in minima):
            minima.append(point)
    shown = np.array(minima[:MAX_MINIMA])
    where = ", ".join(f"({x:.4g}, {y:.4g})" for x, y in shown[:3]) + (" …" if len(shown) > 3 else "")
    more = f" (at least {MAX_MINIMA}: f may be flat along a curve)" if len(minima) > MAX_MINIMA else ""
    return (shown, best, "found",
            f"Minimum found numerically: f = {best:.6g} at {where}{more}.")


COMPASS = ("east", "north-east", "north", "north-west", "west", "south-west", "south", "south-east")


def downhill_direction(grad, point: Array, domain) -> str:
    """The compass direction of −∇f at `point` (north = +y); outward from the domain's centre where ∇f is 0."""
    with np.errstate(all="ignore"):
        g = np.asarray(grad(np.asarray(point, dtype=np.float64)), dtype=np.float64)
    direction = -g
    if not np.isfinite(direction).all() or not np.any(direction):
        direction = np.asarray(point) - np.array([sum(domain[0]) / 2, sum(domain[1]) / 2])
    angle = np.degrees(np.arctan2(direction[1], direction[0]))
    return COMPASS[int(np.round(angle / 45)) % 8]


def log_scale(values: Array, floor: float) -> bool:
    """The catalogue's rule: f − f* spans at least 3 decades, from its 0.1 % quantile to its maximum."""
    above = values - floor
    top = float(above.max())
    bottom = float(np.quantile(above, 0.001))
    if bottom <= 0:
        positive = above[above > 0]
        bottom = float(positive.min()) if positive.size else 0.0
    return bool(bottom > 0 and top / bottom >= 1e3)


def story_start(domain, minima: Array) -> Array:
    """A start that tells a story: one of the points 15 % in from the corners, the farthest from the minima."""
    (x0, x1), (y0, y1) = domain
    corners = np.array([[x0 + 0.15 * (x1 - x0), y1 - 0.2 * (y1 - y0)], [x1 - 0.15 * (x1 - x0), y1 - 0.2 * (y1 - y0)],
                        [x0 + 0.15 * (x1 - x0), y0 + 0.2 * (y1 - y0)], [x1 - 0.15 * (x1 - x0), y0 + 0.2 * (y1 - y0)]])
    if len(minima) == 0:
        return corners[0]
    distance = np.linalg.norm(corners[:, None, :] - minima[None], axis=-1).min(axis=1)
    return corners[int(np.argmax(distance))]
