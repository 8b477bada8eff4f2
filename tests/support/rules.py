"""Naive reference implementations of the update rules, written from docs/REFERENCE.md alone.

Deliberately simple and independent of `optimizers/`: one point, an explicit loop over t, and inside it a loop
over the two coordinates in plain Python floats, each rule written the way the REFERENCE (or PyTorch's
documentation) states it — β·m + (1 − β)·g rather than a lerp, m̂ and v̂ formed explicitly, and so on. They are
slow and that is the point: if the vectorised kernels and these loops agree to rounding over hundreds of steps,
both say the same thing.

Every reference takes a gradient function (a point (2,) → gradient (2,)), a start, a number of steps and the
hyperparameters, and returns the path as an array (steps + 1, 2). Passing a dict as `record` fills it with the
per-step state, as lists of (2,) arrays keyed like the optimizers' state fields.

The module also holds small hand-written test surfaces (vectorised over (..., 2)) that the tests share.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

Grad = Callable[[np.ndarray], np.ndarray]


def _grad_floats(grad: Grad, theta: list[float]) -> list[float]:
    g = np.asarray(grad(np.array(theta, dtype=np.float64)), dtype=np.float64)
    return [float(g[0]), float(g[1])]


def _record(record: dict | None, **values: list[float]) -> None:
    if record is not None:
        for name, value in values.items():
            record.setdefault(name, []).append(np.array(value))


def _finish(path: list[list[float]]) -> np.ndarray:
    return np.array(path, dtype=np.float64)


# --- AdaMax: Kingma & Ba, Algorithm 2, and the two framework ε placements (docs/REFERENCE.md §1) -------------

def adamax(grad: Grad, start, steps: int, *, lr: float = 0.002, beta1: float = 0.9, beta2: float = 0.999,
           eps: float = 1e-8, eps_mode: str = "pytorch", record: dict | None = None) -> np.ndarray:
    """AdaMax with ε placed as in the paper (nowhere; 0/0 is no move), PyTorch (inside the max) or Keras."""
    if eps_mode not in ("paper", "pytorch", "keras"):
        raise ValueError(eps_mode)
    theta = [float(start[0]), float(start[1])]
    m = [0.0, 0.0]
    u = [0.0, 0.0]
    path = [list(theta)]
    for t in range(1, steps + 1):
        g = _grad_floats(grad, theta)
        for i in range(2):
            m[i] = beta1 * m[i] + (1.0 - beta1) * g[i]
            if eps_mode == "pytorch":
                u[i] = max(beta2 * u[i], abs(g[i]) + eps)
            else:
                u[i] = max(beta2 * u[i], abs(g[i]))
            if eps_mode == "paper":
                step = 0.0 if u[i] == 0.0 else (lr / (1.0 - beta1**t)) * m[i] / u[i]
            elif eps_mode == "pytorch":
                step = (lr / (1.0 - beta1**t)) * m[i] / u[i]
            else:
                step = lr * m[i] / ((1.0 - beta1**t) * (u[i] + eps))
            theta[i] = theta[i] - step
        _record(record, m=list(m), u=list(u), g=list(g))
        path.append(list(theta))
    return _finish(path)


# --- The comparison optimizers, PyTorch semantics (docs/REFERENCE.md §4) -------------------

def adam(grad: Grad, start, steps: int, *, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
         eps: float = 1e-8, record: dict | None = None) -> np.ndarray:
    """torch.optim.Adam: θ ← θ − lr·m̂/(√v̂ + ε), with √v̂ = √v/√(1 − β2^t)."""
    theta = [float(start[0]), float(start[1])]
    m = [0.0, 0.0]
    v = [0.0, 0.0]
    path = [list(theta)]
    for t in range(1, steps + 1):
        g = _grad_floats(grad, theta)
        for i in range(2):
            m[i] = beta1 * m[i] + (1.0 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1.0 - beta2) * g[i] * g[i]
            m_hat = m[i] / (1.0 - beta1**t)
            sqrt_v_hat = math.sqrt(v[i]) / math.sqrt(1.0 - beta2**t)
            theta[i] = theta[i] - lr * m_hat / (sqrt_v_hat + eps)
        _record(record, m=list(m), v=list(v))
        path.append(list(theta))
    return _finish(path)


def sgd(grad: Grad, start, steps: int, *, lr: float = 1e-3, momentum: float = 0.0, nesterov: bool = False,
        record: dict | None = None) -> np.ndarray:
    """torch.optim.SGD, dampening 0: b_1 = g_1, then b_t = μ·b_{t−1} + g_t; d = g + μ·b (Nesterov) or b."""
    theta = [float(start[0]), float(start[1])]
    b = [0.0, 0.0]
    path = [list(theta)]
    for t in range(1, steps + 1):
        g = _grad_floats(grad, theta)
        for i in range(2):
            if momentum == 0.0:
                d = g[i]
            else:
                b[i] = g[i] if t == 1 else momentum * b[i] + g[i]
                d = g[i] + momentum * b[i] if nesterov else b[i]
            theta[i] = theta[i] - lr * d
        _record(record, b=list(b))
        path.append(list(theta))
    return _finish(path)


def rmsprop(grad: Grad, start, steps: int, *, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
            momentum: float = 0.0, record: dict | None = None) -> np.ndarray:
    """torch.optim.RMSprop (not centered): v ← α·v + (1 − α)·g²; with momentum b ← μ·b + g/(√v + ε)."""
    theta = [float(start[0]), float(start[1])]
    v = [0.0, 0.0]
    b = [0.0, 0.0]
    path = [list(theta)]
    for _ in range(steps):
        g = _grad_floats(grad, theta)
        for i in range(2):
            v[i] = alpha * v[i] + (1.0 - alpha) * g[i] * g[i]
            avg = math.sqrt(v[i]) + eps
            if momentum > 0.0:
                b[i] = momentum * b[i] + g[i] / avg
                theta[i] = theta[i] - lr * b[i]
            else:
                theta[i] = theta[i] - lr * g[i] / avg
        _record(record, v=list(v), b=list(b))
        path.append(list(theta))
    return _finish(path)


def adagrad(grad: Grad, start, steps: int, *, lr: float = 1e-2, eps: float = 1e-10,
            initial_accumulator_value: float = 0.0, record: dict | None = None) -> np.ndarray:
    """torch.optim.Adagrad, lr_decay 0: s ← s + g² from s_0 = initial_accumulator_value; θ ← θ − lr·g/(√s + ε)."""
    theta = [float(start[0]), float(start[1])]
    s = [float(initial_accumulator_value)] * 2
    path = [list(theta)]
    for _ in range(steps):
        g = _grad_floats(grad, theta)
        for i in range(2):
            s[i] = s[i] + g[i] * g[i]
            theta[i] = theta[i] - lr * g[i] / (math.sqrt(s[i]) + eps)
        _record(record, s=list(s))
        path.append(list(theta))
    return _finish(path)


# --- Adam-Lp, the paper's parametrisation (docs/REFERENCE.md §3) -------------------------------------

def adam_lp_naive(grad: Grad, start, steps: int, *, p: float, lr: float = 0.002, beta1: float = 0.9,
                  beta2: float = 0.999, eps: float = 1e-8, record: dict | None = None) -> np.ndarray:
    """v ← β2^p·v + (1 − β2^p)·|g|^p, θ ← θ − lr·m̂/(v̂^(1/p) + ε), v̂ = v/(1 − β2^(p·t)). Moderate p only.

    Python floats raise OverflowError where |g|^p leaves float64: this reference is the literal formula and
    is meant for the p and gradients where that formula is exact enough to be a reference.
    """
    theta = [float(start[0]), float(start[1])]
    m = [0.0, 0.0]
    v = [0.0, 0.0]
    decay = beta2**p
    path = [list(theta)]
    for t in range(1, steps + 1):
        g = _grad_floats(grad, theta)
        for i in range(2):
            m[i] = beta1 * m[i] + (1.0 - beta1) * g[i]
            v[i] = decay * v[i] + (1.0 - decay) * abs(g[i]) ** p
            m_hat = m[i] / (1.0 - beta1**t)
            v_hat = v[i] / (1.0 - beta2 ** (p * t))
            theta[i] = theta[i] - lr * m_hat / (v_hat ** (1.0 / p) + eps)
        _record(record, m=list(m), v=list(v))
        path.append(list(theta))
    return _finish(path)


# --- Hand-written test surfaces: f (..., 2) → (...), grad (..., 2) → (..., 2) ---------------------------------

class Rosenbrock:
    """(1 − x)² + 100(y − x²)²."""

    name = "rosenbrock"

    @staticmethod
    def f(xy):
        x, y = xy[..., 0], xy[..., 1]
        return (1 - x) ** 2 + 100 * (y - x**2) ** 2

    @staticmethod
    def grad(xy):
        x, y = xy[..., 0], xy[..., 1]
        return np.stack([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)], axis=-1)


class RotatedQuadratic:
    """½ θᵀAθ with A = R(30°)·diag(1, 25)·R(30°)ᵀ, an ill-conditioned bowl whose axes are not the coordinates."""

    name = "rotated_quadratic"
    _c, _s = math.cos(math.pi / 6), math.sin(math.pi / 6)
    A = np.array([[_c, -_s], [_s, _c]]) @ np.diag([1.0, 25.0]) @ np.array([[_c, _s], [-_s, _c]])

    # Written out elementwise, not with matmul: BLAS sums in a batch-size-dependent order (and with FMA), which
    # would make a batched run differ from its members' own runs by rounding that the dynamics can amplify.
    @classmethod
    def f(cls, xy):
        x, y = xy[..., 0], xy[..., 1]
        return 0.5 * (cls.A[0, 0] * x * x + 2 * cls.A[0, 1] * x * y + cls.A[1, 1] * y * y)

    @classmethod
    def grad(cls, xy):
        x, y = xy[..., 0], xy[..., 1]
        return np.stack([cls.A[0, 0] * x + cls.A[0, 1] * y, cls.A[1, 0] * x + cls.A[1, 1] * y], axis=-1)


class Beale:
    """(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²."""

    name = "beale"

    @staticmethod
    def f(xy):
        x, y = xy[..., 0], xy[..., 1]
        return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2

    @staticmethod
    def grad(xy):
        x, y = xy[..., 0], xy[..., 1]
        a1, a2, a3 = 1.5 - x + x * y, 2.25 - x + x * y**2, 2.625 - x + x * y**3
        dx = 2 * a1 * (y - 1) + 2 * a2 * (y**2 - 1) + 2 * a3 * (y**3 - 1)
        dy = 2 * a1 * x + 4 * a2 * x * y + 6 * a3 * x * y**2
        return np.stack([dx, dy], axis=-1)


class Bowl:
    """x² + y²: the y-gradient is exactly 0 on the x-axis."""

    name = "bowl"

    @staticmethod
    def f(xy):
        return xy[..., 0] ** 2 + xy[..., 1] ** 2

    @staticmethod
    def grad(xy):
        return 2.0 * xy


class Saddle:
    """x² − y²: started on the x-axis, y never sees a gradient."""

    name = "saddle"

    @staticmethod
    def f(xy):
        return xy[..., 0] ** 2 - xy[..., 1] ** 2

    @staticmethod
    def grad(xy):
        return np.stack([2.0 * xy[..., 0], -2.0 * xy[..., 1]], axis=-1)


class Wavy:
    """A random-looking but smooth surface: a·x² + b·y² + c·xy + d·sin(k·x) + e·cos(k·y), parameters given."""

    def __init__(self, a: float, b: float, c: float, d: float, e: float, k: float) -> None:
        self.a, self.b, self.c, self.d, self.e, self.k = a, b, c, d, e, k

    def f(self, xy):
        x, y = xy[..., 0], xy[..., 1]
        return (self.a * x**2 + self.b * y**2 + self.c * x * y
                + self.d * np.sin(self.k * x) + self.e * np.cos(self.k * y))

    def grad(self, xy):
        x, y = xy[..., 0], xy[..., 1]
        dx = 2 * self.a * x + self.c * y + self.d * self.k * np.cos(self.k * x)
        dy = 2 * self.b * y + self.c * x - self.e * self.k * np.sin(self.k * y)
        return np.stack([dx, dy], axis=-1)


SURFACES_FOR_TESTS = (Rosenbrock(), RotatedQuadratic(), Beale())
