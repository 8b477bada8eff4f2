r"""2-D slices of a network's training loss that behave like a `surfaces.Surface` (Li et al., NeurIPS 2018).

A slice is the loss on a plane through weight space, f(a, b) = L(θc + a·δ + b·η) on the whole training set,
drawn over (a, b). Two planes, as in "Visualizing the Loss Landscape of Neural Nets" (Li, Xu, Taylor, Studer,
Goldstein, 2018; docs/REAL_MODEL.md, "Loss-landscape slices"):

- random: δ, η drawn from N(0, 1) and *filter-normalised* — each neuron's incoming weights (a row of W_l) rescaled
  to the norm of the same row of θc, biases left at 0 — so a = 1 is a move as large as the weights themselves,
  whatever the layer's scale. Centred on trained weights θc. In thousands of dimensions two random directions are
  nearly orthogonal to any path of training, so a path drawn on them shows almost nothing.
- pca: δ, η the first two principal directions of a run's checkpoints θ_i − θ_n, centred on its last
  weights θ_n: the plane that holds as much of that path's movement as a plane can.

What the projection hides: a checkpoint θ_i is drawn at its closest point on the plane, (a_i, b_i), but it is
`distance_from_plane` away from it, and its loss is L(θ_i), not the map's f(a_i, b_i). The drawn path is a shadow:
it need not go downhill on the map, and it need not avoid the map's ridges. `shadow_gaps` puts numbers on that.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from surfaces.base import Surface

from .network import Network
from .plane import plane_loss

Array = np.ndarray
Kind = Literal["random", "pca"]
RESOLUTION_RANGE = (5, 161)


class _PlaneFunction:
    """f, ∇f or both of a plane's loss: a picklable callable (a Surface's functions may be cached and copied)."""

    def __init__(self, model: Network, center: Array, directions: Array, x: Array, y: Array, part: str) -> None:
        self.model, self.center, self.directions, self.x, self.y, self.part = model, center, directions, x, y, part

    def __call__(self, xy: Array) -> Array | tuple[Array, Array]:
        loss, grad = plane_loss(self.model, self.center, self.directions, xy, self.x, self.y,
                                with_grad=self.part != "f")
        return loss if self.part == "f" else grad if self.part == "grad" else (loss, grad)


@dataclass(frozen=True, eq=False)
class LossSlice(Surface):
    """A Surface whose f is a network's training loss on a plane; see the module docstring.

    model, center (P,), directions (2, P): the plane θc + a·δ + b·η. kind: "random" or "pca".
    explained: for "pca", the share of the run's squared movement along δ and along η.
    grid: (a values, b values, f on the grid (len b, len a)), computed when the slice is built.
    """

    model: Network | None = None
    center: Array | None = None
    directions: Array | None = None
    kind: Kind = "random"
    explained: tuple[float, float] = (0.0, 0.0)
    grid: tuple[Array, Array, Array] | None = None

    def weights(self, xy: Array) -> Array:
        """θc + a·δ + b·η for points (..., 2): (..., P)."""
        xy = np.asarray(xy, dtype=np.float64)
        return self.center + xy[..., :1] * self.directions[0] + xy[..., 1:] * self.directions[1]

    def project(self, params: Array) -> Array:
        """The closest point of the plane to each weight vector (..., P), as plane coordinates (..., 2)."""
        offsets = np.asarray(params, dtype=np.float64) - self.center
        gram = self.directions @ self.directions.T
        return np.linalg.solve(gram, (offsets @ self.directions.T)[..., None])[..., 0]

    def distance_from_plane(self, params: Array) -> Array:
        """‖θ − (its closest point on the plane)‖ for weight vectors (..., P): (...)."""
        params = np.asarray(params, dtype=np.float64)
        return np.linalg.norm(params - self.weights(self.project(params)), axis=-1)


def filter_normalized_directions(model: Network, center: Array, seed: int = 0) -> Array:
    """Two random directions (2, P), each weight row scaled to the norm of the same row of `center`; biases 0.

    A row of `center` that is all zeros gets a zero row (there is no scale to match).
    """
    rng = np.random.default_rng(seed)
    directions = np.zeros((2, model.size))
    for block in model.blocks:
        if block.kind != "weight":
            continue
        rows = center[block.start:block.stop].reshape(block.shape)
        for index in range(2):
            drawn = rng.standard_normal(block.shape)
            scale = np.linalg.norm(rows, axis=1, keepdims=True) / np.linalg.norm(drawn, axis=1, keepdims=True)
            directions[index, block.start:block.stop] = (drawn * scale).ravel()
    return directions


def principal_directions(checkpoints: Array) -> tuple[Array, tuple[float, float]]:
    """The first two principal directions (2, P) of θ_i − θ_n (θ_n the last checkpoint), unit length, signed so
    the first checkpoint has negative coordinates, and the share of Σ‖θ_i − θ_n‖² along each."""
    offsets = checkpoints - checkpoints[-1]
    _, singular, rows = np.linalg.svd(offsets, full_matrices=False)
    if singular.size < 2 or singular[1] <= 1e-12 * max(singular[0], 1e-300):
        raise ValueError("the checkpoints span less than a plane: give a run that moved in two directions")
    directions = rows[:2].copy()
    first = offsets[0] @ directions.T
    directions[first > 0] *= -1.0
    total = float(np.sum(singular**2))
    return directions, (float(singular[0] ** 2 / total), float(singular[1] ** 2 / total))


def _check_resolution(resolution: int) -> int:
    low, high = RESOLUTION_RANGE
    if isinstance(resolution, bool) or not isinstance(resolution, int | np.integer) or not low <= resolution <= high:
        raise ValueError(f"resolution must be an integer in [{low}, {high}], got {resolution!r:.60}")
    return int(resolution)


def _check_weights(model: Network, weights: Array, name: str, ndim: int) -> Array:
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim != ndim or weights.shape[-1] != model.size or not np.isfinite(weights).all():
        shape = "(P,)" if ndim == 1 else "(checkpoints, P)"
        raise ValueError(f"{name} must be finite weights of shape {shape} with P = {model.size}, got {weights.shape}")
    return weights


def random_slice(model: Network, data, center: Array, *, seed: int = 0, span: float = 1.0,
                 resolution: int = 41) -> LossSlice:
    """The training loss around `center` along two filter-normalised random directions, over [−span, span]²."""
    center = _check_weights(model, center, "center", 1)
    if isinstance(span, bool) or not isinstance(span, int | float) or not 0 < span <= 10:
        raise ValueError(f"span must be a number in (0, 10], got {span!r:.60}")
    directions = filter_normalized_directions(model, center, seed)
    domain = ((-float(span), float(span)), (-float(span), float(span)))
    return _build(model, data, center, directions, "random", (0.0, 0.0), domain, _check_resolution(resolution),
                  start=np.array([0.8 * span, 0.6 * span]))


def trajectory_slice(model: Network, data, checkpoints: Array, *, margin: float = 0.3,
                     resolution: int = 41) -> LossSlice:
    """The training loss on the plane of a run's first two principal directions, centred on its last weights,
    over the box of its projected checkpoints widened by `margin` of their extent on each side."""
    checkpoints = _check_weights(model, checkpoints, "checkpoints", 2)
    if checkpoints.shape[0] < 3:
        raise ValueError(f"a trajectory plane needs at least 3 checkpoints, got {checkpoints.shape[0]}")
    directions, explained = principal_directions(checkpoints)
    center = checkpoints[-1]
    coordinates = (checkpoints - center) @ directions.T
    low, high = coordinates.min(axis=0), coordinates.max(axis=0)
    extent = max(float((high - low).max()), 1e-6)
    pad = margin * extent
    domain = tuple((float(low[i] - pad), float(high[i] + pad)) for i in range(2))
    return _build(model, data, center, directions, "pca", explained, domain, _check_resolution(resolution),
                  start=coordinates[0])


def _build(model: Network, data, center: Array, directions: Array, kind: Kind, explained: tuple[float, float],
           domain, resolution: int, start: Array) -> LossSlice:
    x, y = np.asarray(data.x_train, dtype=np.float64), np.asarray(data.y_train)
    a_values = np.linspace(*domain[0], resolution)
    b_values = np.linspace(*domain[1], resolution)
    grid = np.stack(np.meshgrid(a_values, b_values), axis=-1)
    with np.errstate(over="ignore"):
        values = plane_loss(model, center, directions, grid, x, y, with_grad=False)[0]
    lowest = np.unravel_index(np.argmin(values), values.shape)
    minimum = grid[lowest]
    plane = "principal directions of the run" if kind == "pca" else "filter-normalised random directions"
    return LossSlice(
        key=f"digits_{model.key}_{kind}",
        name=f"{model.title} on the digits: loss on the {plane}",
        f=_PlaneFunction(model, center, directions, x, y, "f"),
        grad=_PlaneFunction(model, center, directions, x, y, "grad"),
        value_and_grad=_PlaneFunction(model, center, directions, x, y, "both"),
        domain=domain,
        minima=minimum[None, :],
        minimum_value=float(values[lowest]),
        start=np.asarray(start, dtype=np.float64),
        latex=r"L\!\left(\theta_c + a\,\delta + b\,\eta\right)",
        log_scale=bool(values.max() > 100 * max(values.min(), 1e-12)),
        note=("The training loss of a real network on one plane through its thousands of weights; the marked "
              f"minimum is the lowest point of a {resolution} × {resolution} grid, not a minimum of the network."),
        parameters={"resolution": float(resolution)},
        model=model, center=center, directions=directions, kind=kind, explained=explained,
        grid=(a_values, b_values, values),
    )


def shadow_gaps(landscape: LossSlice, data, checkpoints: Array) -> dict[str, Array]:
    """What the drawn path hides, per checkpoint θ_i (rows of (E, P)):

    coordinates (E, 2): where θ_i is drawn; distance (E,): ‖θ_i − its shadow‖; path_length: the run's total
    movement Σ‖θ_{i+1} − θ_i‖ (a scale for the distances); true_loss (E,): L(θ_i); map_loss (E,): the map's
    f at the shadow. Where true and map loss differ, the map misreports what the network went through.
    """
    checkpoints = _check_weights(landscape.model, checkpoints, "checkpoints", 2)
    coordinates = landscape.project(checkpoints)
    x, y = np.asarray(data.x_train, dtype=np.float64), np.asarray(data.y_train)
    return {
        "coordinates": coordinates,
        "distance": landscape.distance_from_plane(checkpoints),
        "path_length": np.array(float(np.linalg.norm(np.diff(checkpoints, axis=0), axis=1).sum())),
        "true_loss": landscape.model.loss(checkpoints, x, y),
        "map_loss": plane_loss(landscape.model, landscape.center, landscape.directions, coordinates, x, y,
                               with_grad=False)[0],
    }
