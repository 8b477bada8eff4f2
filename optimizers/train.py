r"""`train`: drive any optimizer over a real model's minibatches — the same kernels `run` drives over a surface.

A model is anything with `size` (P, the number of parameters), `init(seed) -> (P,)`,
`loss_and_grad(params (..., P), x, y) -> (loss (...), grad (..., P))` and `evaluate(params, x, y) ->
(loss, accuracy)`; data is anything with x_train, y_train, x_test, y_test (models/ has both). Each epoch visits
the training set once in a random order drawn from `seed`, in minibatches of `batch_size` (the last one
smaller when it does not divide), and each step is

    g_t = ∇L_batch(θ_{t−1}),   (Δθ_t, state_t) = optimizer.update(g_t, state_{t−1}),   θ_t = θ_{t−1} + Δθ_t.

Common random numbers: the order of the minibatches and the initial weights depend on `seed` alone, so every
optimizer — and every member of a batched run — sees the same examples at the same step. Hyperparameters
given as arrays of shape (B, 1) train B networks at once, parameters of shape (B, P), in one loop: the
optimizer's kernel works on arrays of any shape, and the model evaluates a batch of parameter vectors together.

Recorded: the loss and accuracy on the training and held-out sets after every epoch (epoch 0: the start),
the parameters at each epoch, and, per step, |Δθ|/α over every weight — the quantity AdaMax's step bound
caps — as a histogram over logarithmic bins and its maximum per step. A member whose loss, gradient or step
is not finite, or whose weights leave ±bound, has diverged: it stays at its last finite weights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from .base import Array, Optimizer, no_move_where_undefined

MAX_EPOCHS = 1000
MAX_MEMBERS = 1024
MAX_CHECKPOINT_VALUES = 25_000_000       # (epochs + 1) × members × P parameters kept: 200 MB
DEFAULT_BOUND = 1e6
# |Δθ|/α in bins of a tenth of a decade from 1e-6 to 1e2; the first bin [0, 1e-6) holds the steps that are
# (nearly) zero, such as weights of a pixel that is never lit, and the last one everything from 100 up.
RATIO_DECADES = (-6, 2)
RATIO_BINS_PER_DECADE = 10
RATIO_EDGES = np.concatenate([[0.0], 10.0 ** np.linspace(*RATIO_DECADES, RATIO_BINS_PER_DECADE
                                                          * (RATIO_DECADES[1] - RATIO_DECADES[0]) + 1), [np.inf]])


class Model(Protocol):
    size: int
    def init(self, seed: int = 0) -> Array: ...
    def loss_and_grad(self, params: Array, x: Array, y: Array) -> tuple[Array, Array]: ...
    def evaluate(self, params: Array, x: Array, y: Array) -> tuple[Array, Array]: ...


class Data(Protocol):
    x_train: Array
    y_train: Array
    x_test: Array
    y_test: Array


@dataclass(frozen=True, eq=False)
class TrainResult:
    """What `train` returns; B is the batch shape of the hyperparameters (() for one run).

    recorded_epochs:   (E,) the epochs at which the curves and weights were recorded: 0 (before any step),
                       every `record_every`-th epoch and the last; all of 0…epochs by default.
    train_loss, train_accuracy, test_loss, test_accuracy: (E, *B), at those epochs.
    params:            (E, *B, P), the weights at those epochs.
    batch_loss:        (steps, *B), the minibatch loss each step's gradient came from.
    diverged_at:       (*B,) the step at which a member diverged, −1 where it never did.
    step_ratio_counts: (*B, bins) how many (step, weight) pairs had |Δθ|/α in each bin of `step_ratio_edges`
                       (empty without record_steps); step_ratio_max: (steps, *B) the largest |Δθ|/α of each step.
    """

    epochs: int
    steps_per_epoch: int
    batch_size: int
    seed: int
    recorded_epochs: Array
    train_loss: Array
    train_accuracy: Array
    test_loss: Array
    test_accuracy: Array
    params: Array
    batch_loss: Array
    diverged_at: Array
    step_ratio_edges: Array
    step_ratio_counts: Array
    step_ratio_max: Array

    @property
    def steps(self) -> int:
        return self.epochs * self.steps_per_epoch


def train(optimizer: Optimizer, model: Model, data: Data, *, epochs: int = 20, batch_size: int = 64,
          seed: int = 0, params: Any = None, record_steps: bool = True, record_every: int = 1,
          bound: float = DEFAULT_BOUND) -> TrainResult:
    """Train `model` on `data` with `optimizer` for `epochs` passes over the training set (see the module).

    params: the initial weights (P,) or (*B, P); None: model.init(seed). record_steps: keep the |Δθ|/α histogram
    and maxima (costs ≈ 10 % of a step). record_every: evaluate and keep the weights every this many epochs (and
    after the last): a learning-rate curve that needs only the end passes `epochs`.

    ValueError for an epoch count outside [0, MAX_EPOCHS], a batch size outside [1, n_train], a seed outside
    [0, 2**32 − 1], hyperparameters that do not broadcast as (..., 1) against the parameters, data that does not
    fit the model, or more than MAX_CHECKPOINT_VALUES to keep.
    """
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"optimizer must be an Optimizer such as AdaMax(lr=0.002), got {type(optimizer).__name__}")
    x_train, y_train, x_test, y_test = _check_data(model, data)
    epochs = _check_integer("epochs", epochs, 0, MAX_EPOCHS)
    batch_size = _check_integer("batch_size", batch_size, 1, y_train.size)
    seed = _check_integer("seed", seed, 0, 2**32 - 1)
    record_every = _check_integer("record_every", record_every, 1, MAX_EPOCHS)
    recorded = sorted({*range(0, epochs + 1, record_every), epochs})
    if isinstance(bound, bool) or not isinstance(bound, int | float) or not bound > 0:
        raise ValueError(f"bound must be a number > 0, got {bound!r:.60}")
    start = model.init(seed) if params is None else _check_params(model, params)
    shape = _batched_shape(optimizer, start.shape, model.size)
    batch_shape, members = shape[:-1], math.prod(shape[:-1])
    if len(recorded) * members * model.size > MAX_CHECKPOINT_VALUES:
        raise ValueError(f"recorded epochs × members × parameters must be at most {MAX_CHECKPOINT_VALUES:,}, got "
                         f"{len(recorded)} × {members} × {model.size}")
    steps_per_epoch = math.ceil(y_train.size / batch_size)
    steps = epochs * steps_per_epoch

    checkpoints = np.empty((len(recorded), *shape))
    curves = {name: np.empty((len(recorded), *batch_shape)) for name in ("train_loss", "train_accuracy",
                                                                      "test_loss", "test_accuracy")}
    batch_loss = np.empty((steps, *batch_shape))
    diverged_at = np.full(batch_shape, -1, dtype=np.int64)
    bins = RATIO_EDGES.size - 1
    counts = np.zeros((members, bins) if record_steps else (members, 0), dtype=np.int64)
    ratio_max = np.zeros((steps if record_steps else 0, *batch_shape))
    lr = np.asarray(optimizer.lr, dtype=np.float64)

    params = np.array(np.broadcast_to(start, shape), dtype=np.float64, order="C")
    rng = np.random.default_rng(seed)
    with np.errstate(all="ignore"):   # a diverging member overflows: detected below, not warned
        state = optimizer.init(params)
        state = type(state)(0, *(np.broadcast_to(a, shape).copy() for a in state[1:]))
        spare = type(state)(0, *(np.empty(shape) for _ in state[1:]))
        updates_buffer, candidate = np.empty(shape), np.empty(shape)
        alive = np.ones(batch_shape, dtype=bool)
        _record_epoch(model, params, 0, checkpoints, curves, x_train, y_train, x_test, y_test)
        t = 0
        for epoch in range(1, epochs + 1):
            order = rng.permutation(y_train.size)
            for first in range(0, y_train.size, batch_size):
                t += 1
                rows = order[first:first + batch_size]
                loss, grad = model.loss_and_grad(params, x_train[rows], y_train[rows])
                batch_loss[t - 1] = loss
                updates, new_state = optimizer.update_into(grad, state, spare, updates_buffer)
                if not np.isfinite(updates).all():
                    no_move_where_undefined(grad, updates, new_state)
                spare, state = state, new_state
                np.add(params, updates, out=candidate)
                healthy = _healthy(loss, candidate, bound)
                if not healthy.all():
                    diverged_at[alive & ~healthy] = t
                    alive &= healthy
                np.copyto(params, candidate, where=alive[..., None])
                if record_steps:
                    _record_ratio(updates, lr, alive, counts, ratio_max[t - 1, ...], shape)
            if epoch in recorded:
                _record_epoch(model, params, recorded.index(epoch), checkpoints, curves, x_train, y_train, x_test,
                              y_test)
    return TrainResult(epochs, steps_per_epoch, batch_size, seed, np.array(recorded), params=checkpoints,
                       batch_loss=batch_loss, diverged_at=diverged_at, step_ratio_edges=RATIO_EDGES.copy(),
                       step_ratio_counts=counts.reshape(*batch_shape, counts.shape[-1]), step_ratio_max=ratio_max,
                       **curves)


def _healthy(loss: Array, candidate: Array, bound: float) -> Array:
    """Per member: a finite minibatch loss and finite weights within ±bound (NaN fails every comparison)."""
    largest = np.abs(candidate).max(axis=-1) if candidate.shape[-1] else np.zeros(candidate.shape[:-1])
    return np.isfinite(loss) & (largest <= bound)


def _record_epoch(model: Model, params: Array, index: int, checkpoints: Array, curves: dict[str, Array],
                  x_train: Array, y_train: Array, x_test: Array, y_test: Array) -> None:
    checkpoints[index] = params
    curves["train_loss"][index], curves["train_accuracy"][index] = model.evaluate(params, x_train, y_train)
    curves["test_loss"][index], curves["test_accuracy"][index] = model.evaluate(params, x_test, y_test)


def _record_ratio(updates: Array, lr: Array, alive: Array, counts: Array, largest: Array,
                  shape: tuple[int, ...]) -> None:
    """Add this step's |Δθ|/α to each live member's histogram and write its maximum (0 for a diverged member).

    The bin of r is ⌊(log10 r + 6)·10⌋ + 1 (bin 0: r < 1e-6, the last: r ≥ 100) — the same bins as RATIO_EDGES,
    computed by arithmetic instead of a search (a search over 80 edges cost as much as the step itself).
    """
    ratio = np.abs(updates) / lr
    ratio[~np.broadcast_to(alive[..., None], shape)] = 0.0
    np.max(ratio, axis=-1, out=largest)
    flat = ratio.reshape(counts.shape[0], -1)
    low = RATIO_DECADES[0]
    with np.errstate(divide="ignore"):
        position = np.floor((np.log10(flat) - low) * RATIO_BINS_PER_DECADE) + 1
    bins = counts.shape[1]
    index = np.clip(np.nan_to_num(position, nan=0.0, neginf=0.0, posinf=bins - 1), 0, bins - 1).astype(np.int64)
    index += (np.arange(counts.shape[0]) * bins)[:, None]
    live = np.broadcast_to(alive.reshape(-1, 1), index.shape)
    counts += np.bincount(index[live], minlength=counts.size).reshape(counts.shape)


def _check_integer(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not low <= value <= high:
        raise ValueError(f"{name} must be an integer in [{low:,}, {high:,}], got {value!r:.60}")
    return int(value)


def _check_data(model: Model, data: Data) -> tuple[Array, Array, Array, Array]:
    try:
        arrays = [np.asarray(getattr(data, name)) for name in ("x_train", "y_train", "x_test", "y_test")]
    except AttributeError:
        raise ValueError(f"data must have x_train, y_train, x_test and y_test (e.g. models.load_digits()), got "
                         f"{type(data).__name__}") from None
    x_train, y_train, x_test, y_test = arrays
    inputs = getattr(model, "sizes", (x_train.shape[-1],))[0]
    for x, y, part in ((x_train, y_train, "training"), (x_test, y_test, "held-out")):
        if x.ndim != 2 or x.shape[1] != inputs or y.shape != (x.shape[0],) or x.shape[0] == 0:
            raise ValueError(f"the {part} data must be inputs (n, {inputs}) and labels (n,), got {x.shape} and "
                             f"{y.shape}")
        if x.dtype.kind not in "iuf" or y.dtype.kind not in "iu" or not np.isfinite(x).all():
            raise ValueError(f"the {part} data must be finite real inputs and integer labels")
    return x_train.astype(np.float64, copy=False), y_train, x_test.astype(np.float64, copy=False), y_test


def _check_params(model: Model, params: Any) -> Array:
    array = np.asarray(params)
    if array.dtype.kind not in "iuf" or array.ndim == 0 or array.shape[-1] != model.size:
        raise ValueError(f"params must be real numbers of shape (..., {model.size}), got {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError("params must be finite")
    return array.astype(np.float64)


def _batched_shape(optimizer: Optimizer, start: tuple[int, ...], size: int) -> tuple[int, ...]:
    """The parameters' shape (*B, P): the start's against the array hyperparameters, given as (..., 1)."""
    shapes = [np.shape(v) for v in optimizer.hyperparameters().values() if np.ndim(v)]
    try:
        shape = np.broadcast_shapes(start, *shapes)
    except ValueError:
        raise ValueError(f"hyperparameter shapes {shapes} do not broadcast against the parameters {start}; give "
                         "per-configuration values the shape (..., 1)") from None
    if shape[-1] != size:
        raise ValueError(f"hyperparameters broadcast the parameters to {shape}; the last axis must stay {size}")
    if math.prod(shape[:-1]) > MAX_MEMBERS:
        raise ValueError(f"at most {MAX_MEMBERS} members may train at once, got {math.prod(shape[:-1])}")
    return shape
