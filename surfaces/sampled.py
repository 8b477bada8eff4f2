r"""A surface known only on a grid of samples, made smooth by bicubic (Catmull–Rom) interpolation.

For a value f_{jk} at each point (x_k, y_j) of a uniform grid, inside a cell with local coordinates
s, t ∈ [0, 1] the surface is

    f(x, y) = Σ_{m,n=0..3} w_m(t) w_n(s) f_{j−1+m, k−1+n},
    w_0 = (−s³ + 2s² − s)/2, w_1 = (3s³ − 5s² + 2)/2, w_2 = (−3s³ + 4s² + s)/2, w_3 = (s³ − s²)/2

(Keys' cubic convolution with a = −½): it passes through every sample, its gradient — the same sum with w′ on
one axis — is continuous, and it reproduces any quadratic exactly. The grid is extended by one row and column on
each side for the cells at the edge, by Keys' condition f_{−1} = 3f_0 − 3f_1 + f_2 (exact for quadratics too).
Outside the grid the edge cells' cubics continue for one more cell (so f stays twice differentiable where it
crosses the edge); beyond that box, from its nearest point q and with d = p − q,

    f(p) = f(q) + ∇f(q)·d + f_xy(q)·d_x·d_y + c·|d|²/2

— linear along x, then along y (a continuous gradient everywhere), and a bowl of curvature c chosen so that f
never falls more than 0.1 % of the samples' range below the lowest of them (or of the box's edge): the surface
is bounded below, and a run that leaves the map is turned back, never sent to −∞ or to a NaN.

>>> xs = ys = np.linspace(-1.0, 1.0, 5)
>>> sampled = SampledFunction(xs, ys, np.add.outer(ys**2, 2 * xs**2))   # f = 2x² + y² on the grid
>>> value, grad = sampled.value_and_grad(np.array([0.3, -0.6]))
>>> round(float(value), 12), np.round(grad, 12).tolist()                 # exact for a quadratic
(0.54, [1.2, -1.2])
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray


class SampledFunction:
    """f and ∇f of the bicubic interpolant of `values` (len(ys), len(xs)) on the uniform grid xs × ys."""

    def __init__(self, xs: Array, ys: Array, values: Array) -> None:
        xs, ys, values = (np.asarray(v, dtype=np.float64) for v in (xs, ys, values))
        if xs.ndim != 1 or ys.ndim != 1 or values.shape != (ys.size, xs.size) or min(xs.size, ys.size) < 4:
            raise ValueError(f"values must be (len(ys), len(xs)) with at least 4 samples per axis, got {values.shape}")
        if not np.isfinite(values).all():
            raise ValueError("the samples must be finite")
        for axis in (xs, ys):
            steps = np.diff(axis)
            if not (steps > 0).all() or not np.allclose(steps, steps[0], rtol=1e-9):
                raise ValueError("the grid must be uniform and increasing")
        self.xs, self.ys, self.values = xs, ys, values
        self.origin = np.array([xs[0], ys[0]])
        self.step = np.array([xs[1] - xs[0], ys[1] - ys[0]])
        self.cells = np.array([xs.size - 1, ys.size - 1])
        padded = np.empty((ys.size + 2, xs.size + 2))
        padded[1:-1, 1:-1] = values
        # Keys' boundary condition f_{−1} = 3f_0 − 3f_1 + f_2: the edge cells stay third-order accurate too
        padded[0, 1:-1] = 3 * values[0] - 3 * values[1] + values[2]
        padded[-1, 1:-1] = 3 * values[-1] - 3 * values[-2] + values[-3]
        padded[:, 0] = 3 * padded[:, 1] - 3 * padded[:, 2] + padded[:, 3]
        padded[:, -1] = 3 * padded[:, -2] - 3 * padded[:, -3] + padded[:, -4]
        self.padded = padded
        self.curvature = 0.0
        self.curvature = self._wall_curvature()

    def _wall_curvature(self, samples: int = 400) -> float:
        """The c of the bowl beyond the extended box (see the module docstring): the smallest that keeps f above the
        floor — the lowest sample or box-edge value, less 0.1 % of the samples' range —, from
        min f(q) − |∇f(q)|² / (2(c − |f_xy(q)|)) ≥ floor, taken ×1.5 over `samples` points per side of the box."""
        low, high = self.origin - self.step, self.origin + self.step * (self.cells + 1)
        t = np.linspace(0.0, 1.0, samples)
        across = low + t[:, None] * (high - low)              # (samples, 2): along the bottom-left → top-right
        boundary = np.concatenate([np.stack([across[:, 0], np.full_like(t, low[1])], axis=-1),
                                   np.stack([across[:, 0], np.full_like(t, high[1])], axis=-1),
                                   np.stack([np.full_like(t, low[0]), across[:, 1]], axis=-1),
                                   np.stack([np.full_like(t, high[0]), across[:, 1]], axis=-1)])
        value, grad, mixed = self._cubic(boundary)
        spread = max(float(np.ptp(self.values)), 1e-12)
        floor = min(float(self.values.min()), float(value.min())) - 1e-3 * spread
        return 1.5 * float(np.max(np.abs(mixed) + (grad**2).sum(axis=-1) / (2 * (value - floor))))

    def __call__(self, xy: Array) -> Array:
        return self.value_and_grad(xy)[0]

    def grad(self, xy: Array) -> Array:
        return self.value_and_grad(xy)[1]

    def value_and_grad(self, xy: Array) -> tuple[Array, Array]:
        """(f, ∇f) at points (..., 2): (...), (..., 2)."""
        points = np.asarray(xy, dtype=np.float64)
        low, high = self.origin - self.step, self.origin + self.step * (self.cells + 1)
        near = np.clip(points, low, high)       # the edge cells' cubics continue for one more cell
        value, grad, mixed = self._cubic(near)
        beyond = points - near
        if np.any(beyond):
            # Linear along x, then along y, plus a bowl: f(p) = f(q) + ∇f(q)·d + f_xy(q)·d_x·d_y + c|d|²/2, d = p − q.
            # Its gradient, ∇f(q) + f_xy(q)·(d_y, d_x) + c·d, is the same formula on both sides of every clamp line
            # (the bare tangent plane f(q) + ∇f(q)·d has a kink where a coordinate starts to be clamped).
            value = value + (grad * beyond).sum(axis=-1) + mixed * beyond[..., 0] * beyond[..., 1] \
                + 0.5 * self.curvature * (beyond**2).sum(axis=-1)
            grad = grad + mixed[..., None] * beyond[..., ::-1] + self.curvature * beyond
        return value, grad

    def _cubic(self, near: Array) -> tuple[Array, Array, Array]:
        """The cubic's f, ∇f and f_xy at points inside the grid widened by one cell."""
        position = (near - self.origin) / self.step
        cell = np.clip(np.floor(position), 0, self.cells - 1).astype(np.int64)
        local = position - cell
        wx, dwx = _weights(local[..., 0])
        wy, dwy = _weights(local[..., 1])
        offsets = np.arange(4)
        rows = cell[..., 1, None, None] + offsets[:, None]          # padded row j − 1 + m  → j + m
        columns = cell[..., 0, None, None] + offsets[None, :]
        block = self.padded[rows, columns]                            # (..., 4, 4)
        value = np.einsum("...m,...mn,...n->...", wy, block, wx)
        grad = np.stack([np.einsum("...m,...mn,...n->...", wy, block, dwx) / self.step[0],
                         np.einsum("...m,...mn,...n->...", dwy, block, wx) / self.step[1]], axis=-1)
        mixed = np.einsum("...m,...mn,...n->...", dwy, block, dwx) / (self.step[0] * self.step[1])
        return value, grad, mixed


def _weights(s: Array) -> tuple[Array, Array]:
    """Catmull–Rom weights w_0..w_3 at s and their derivatives, each (..., 4)."""
    s2, s3 = s * s, s * s * s
    weights = np.stack([(-s3 + 2 * s2 - s) / 2, (3 * s3 - 5 * s2 + 2) / 2, (-3 * s3 + 4 * s2 + s) / 2,
                        (s3 - s2) / 2], axis=-1)
    slopes = np.stack([(-3 * s2 + 4 * s - 1) / 2, (9 * s2 - 10 * s) / 2, (-9 * s2 + 8 * s + 1) / 2,
                       (3 * s2 - 2 * s) / 2], axis=-1)
    return weights, slopes
