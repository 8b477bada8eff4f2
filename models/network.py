r"""Fully connected classifiers with hand-written gradients, over a flat parameter vector of any batch shape.

A network with layer sizes (d, h₁, …, h_k, C) maps an input x ∈ Rᵈ to logits through

    a₀ = x,   z_l = W_l a_{l−1} + b_l,   a_l = max(z_l, 0)  (ReLU, hidden layers only),   logits = z_{k+1}

and its loss on a batch of n examples is the mean softmax cross-entropy

    L(θ) = −(1/n) Σ_i log softmax(z_{k+1}(x_i))_{y_i}.

With no hidden layer it is multinomial logistic regression (convex). Back-propagation, written by hand:

    δ_{k+1} = (softmax(z_{k+1}) − onehot(y)) / n
    ∂L/∂W_l = δ_lᵀ a_{l−1},   ∂L/∂b_l = Σ_i δ_l,   δ_{l−1} = (δ_l W_l) ⊙ [z_{l−1} > 0]

All parameters live in one flat vector θ, laid out layer by layer as W_l (out × in, row-major, PyTorch's
`nn.Linear.weight`) then b_l. A batch of parameter vectors, shape (..., P), is evaluated at once — one per
hyperparameter value of a batched training run, or one per grid point of a loss slice — so an optimizer's
kernel, written for arrays of any shape, updates all of them in one call.

>>> net = logistic_regression()
>>> net.size, [block.name for block in net.blocks]
(650, ['W1', 'b1'])
>>> theta = net.init(seed=0)
>>> x, y = np.eye(64)[:3], np.array([0, 1, 2])
>>> loss, grad = net.loss_and_grad(theta, x, y)
>>> round(float(loss), 6) == round(float(np.log(10)), 6), grad.shape   # zero weights: uniform predictions
(True, (650,))
"""

from __future__ import annotations

import math
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any, Literal

import numpy as np

Array = np.ndarray
Init = Literal["zeros", "uniform"]
MAX_HIDDEN_LAYERS = 2
HIDDEN_RANGE = (1, 256)
_CHUNK_ELEMENTS = 2_000_000   # members × examples × widest layer per chunk: ≈ 16 MB of activations at a time


@dataclass(frozen=True)
class Block:
    """One parameter array of the flat vector: a layer's weights (out, in) or its biases (out,)."""

    name: str
    kind: Literal["weight", "bias"]
    start: int
    shape: tuple[int, ...]

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def stop(self) -> int:
        return self.start + self.size


@dataclass(frozen=True, eq=False)
class Network:
    """A fully connected ReLU network with a softmax cross-entropy loss (see the module docstring).

    sizes: (inputs, hidden…, classes). init: "zeros" (every parameter 0: the convex logistic regression's usual
    start) or "uniform" (PyTorch's nn.Linear default: weights and biases uniform in ±1/√fan_in, seeded).
    """

    key: str
    title: str
    sizes: tuple[int, ...]
    init_kind: Init = "uniform"

    def __post_init__(self) -> None:
        if len(self.sizes) < 2 or len(self.sizes) > MAX_HIDDEN_LAYERS + 2:
            raise ValueError(f"sizes must be (inputs, up to {MAX_HIDDEN_LAYERS} hidden widths, classes), "
                             f"got {self.sizes!r}")
        for width in self.sizes:
            if isinstance(width, bool) or not isinstance(width, int | np.integer) or not 1 <= width <= 4096:
                raise ValueError(f"every layer size must be an integer in [1, 4096], got {width!r}")
        if self.init_kind not in ("zeros", "uniform"):
            raise ValueError(f"init_kind must be 'zeros' or 'uniform', got {self.init_kind!r}")
        blocks, start = [], 0
        for layer, (fan_in, fan_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:], strict=True), start=1):
            blocks.append(Block(f"W{layer}", "weight", start, (fan_out, fan_in)))
            start += fan_out * fan_in
            blocks.append(Block(f"b{layer}", "bias", start, (fan_out,)))
            start += fan_out
        object.__setattr__(self, "blocks", tuple(blocks))
        object.__setattr__(self, "size", start)

    blocks: tuple[Block, ...] = field(init=False, repr=False, default=())
    size: int = field(init=False, default=0)

    @property
    def hidden(self) -> tuple[int, ...]:
        return self.sizes[1:-1]

    def init(self, seed: int = 0) -> Array:
        """The initial parameters (P,): zeros, or PyTorch's default uniform ±1/√fan_in drawn from `seed`."""
        theta = np.zeros(self.size)
        if self.init_kind == "zeros":
            return theta
        rng = np.random.default_rng(seed)
        for block in self.blocks:
            bound = 1.0 / np.sqrt(self.sizes[int(block.name[1:]) - 1])
            theta[block.start:block.stop] = rng.uniform(-bound, bound, block.size)
        return theta

    def unpack(self, params: Array) -> list[tuple[Array, Array]]:
        """Views (W_l of shape (M, out, in), b_l of shape (M, out)) into params of shape (M, P)."""
        members = params.shape[0]
        views = [params[:, b.start:b.stop].reshape(members, *b.shape) for b in self.blocks]
        return list(zip(views[::2], views[1::2], strict=True))

    # -- evaluation --------------------------------------------------------------------------------------------

    def loss_and_grad(self, params: Array, x: Array, y: Array) -> tuple[Array, Array]:
        """(L, ∇L) on the examples (x, y): params (..., P) → loss (...), gradient (..., P)."""
        flat, batch = self._flat(params)
        loss = np.empty(flat.shape[0])
        grad = np.empty_like(flat)
        with one_blas_thread():
            for rows in self._chunks(flat.shape[0], x.shape[0]):
                loss[rows], grad[rows] = self._loss_and_grad(flat[rows], x, y)
        return loss.reshape(batch), grad.reshape(*batch, self.size)

    def loss(self, params: Array, x: Array, y: Array) -> Array:
        """L on the examples (x, y): params (..., P) → (...)."""
        return self.evaluate(params, x, y)[0]

    def evaluate(self, params: Array, x: Array, y: Array) -> tuple[Array, Array]:
        """(mean cross-entropy, accuracy) on the examples (x, y), each of the batch shape (...)."""
        flat, batch = self._flat(params)
        loss, accuracy = np.empty(flat.shape[0]), np.empty(flat.shape[0])
        with one_blas_thread():
            for rows in self._chunks(flat.shape[0], x.shape[0]):
                logits, _ = self._forward(flat[rows], x)
                log_probabilities = _log_softmax(logits)
                loss[rows] = -log_probabilities[:, np.arange(y.size), y].mean(axis=-1)
                accuracy[rows] = (logits.argmax(axis=-1) == y).mean(axis=-1)
        return loss.reshape(batch), accuracy.reshape(batch)

    def _flat(self, params: Array) -> tuple[Array, tuple[int, ...]]:
        params = np.asarray(params, dtype=np.float64)
        if params.ndim == 0 or params.shape[-1] != self.size:
            raise ValueError(f"params must have shape (..., {self.size}) for {self.title}, got {params.shape}")
        return params.reshape(-1, self.size), params.shape[:-1]

    def _chunks(self, members: int, examples: int) -> list[slice]:
        step = max(1, _CHUNK_ELEMENTS // max(1, examples * max(self.sizes[1:])))
        return [slice(i, min(i + step, members)) for i in range(0, members, step)]

    def _forward(self, params: Array, x: Array) -> tuple[Array, list[Array]]:
        """Logits (M, n, C) and the hidden pre-activations z_l (M, n, h_l), for params (M, P)."""
        layers = self.unpack(params)
        z = _shared_input_layer(x, layers[0][0])
        hidden: list[Array] = []
        for (_, biases), (weights, _) in pairwise(layers):
            z += biases[:, None, :]
            hidden.append(z)
            z = np.matmul(np.maximum(z, 0.0), weights.swapaxes(-1, -2))   # (M, n, in) @ (M, in, out)
        z += layers[-1][1][:, None, :]
        return z, hidden

    def _loss_and_grad(self, params: Array, x: Array, y: Array) -> tuple[Array, Array]:
        logits, hidden = self._forward(params, x)
        n = y.size
        log_probabilities = _log_softmax(logits)
        loss = -log_probabilities[:, np.arange(n), y].mean(axis=-1)
        delta = np.exp(log_probabilities)          # δ = (softmax − onehot(y)) / n
        delta[:, np.arange(n), y] -= 1.0
        delta /= n
        grad = np.empty_like(params)
        grad_layers = self.unpack(grad)
        layers = self.unpack(params)
        for index in range(len(layers) - 1, -1, -1):
            below = x if index == 0 else np.maximum(hidden[index - 1], 0.0)
            grad_weights, grad_biases = grad_layers[index]
            if index == 0:     # δᵀ x for every member at once: one (M·out, n) @ (n, in) product
                members, _, out = delta.shape
                grad_weights[...] = (delta.swapaxes(-1, -2).reshape(members * out, -1) @ x).reshape(grad_weights.shape)
            else:
                np.matmul(delta.swapaxes(-1, -2), below, out=grad_weights)   # δᵀ a_{l−1}: (M, out, in)
            np.sum(delta, axis=-2, out=grad_biases)
            if index:
                delta = np.matmul(delta, layers[index][0])               # δ W: (M, n, in)
                delta *= hidden[index - 1] > 0
        return loss, grad


@lru_cache(maxsize=1)
def _blas_controller() -> Any:
    from threadpoolctl import ThreadpoolController  # scikit-learn's dependency: there whenever the digits are

    return ThreadpoolController()


def one_blas_thread() -> Any:
    """A context in which BLAS runs on one thread (≈ 15 µs to enter).

    The products here are small (64 × 64 by 64 × 32 for a minibatch): a second BLAS thread only adds hand-offs,
    and on a shared two-core server it waits for a core — one epoch measured 3–4× slower and erratic with two.
    """
    try:
        return _blas_controller().limit(limits=1, user_api="blas")
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return nullcontext()


def _shared_input_layer(x: Array, weights: Array) -> Array:
    """x W_lᵀ for every member's W (M, out, in) and the one shared input x (n, in): (M, n, out).

    One matrix product (n, in) @ (in, M·out) instead of M: NumPy's batched matmul does not hand a broadcast
    operand to BLAS, and that was 18× slower on the digits (128 ms against 7 ms for 16 members).
    """
    members, out, inputs = weights.shape
    product = x @ weights.reshape(members * out, inputs).T            # (n, M·out)
    return np.ascontiguousarray(product.reshape(x.shape[0], members, out).swapaxes(0, 1))


def _log_softmax(logits: Array) -> Array:
    """log softmax over the last axis, shifted by the maximum (no overflow for any finite logits)."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    shifted -= np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return shifted


def logistic_regression(features: int = 64, classes: int = 10) -> Network:
    """Multinomial logistic regression: softmax(W x + b), started at W = 0, b = 0 (the loss is convex)."""
    return Network("logistic", "Logistic regression", (features, classes), "zeros")


def mlp(hidden: tuple[int, ...] = (32,), features: int = 64, classes: int = 10) -> Network:
    """A ReLU network with one or two hidden layers of the given widths, PyTorch's default initialisation."""
    hidden = tuple(hidden)
    if not 1 <= len(hidden) <= MAX_HIDDEN_LAYERS:
        raise ValueError(f"hidden must list 1 or {MAX_HIDDEN_LAYERS} layer widths, got {hidden!r}")
    for width in hidden:
        if isinstance(width, bool) or not isinstance(width, int | np.integer) \
                or not HIDDEN_RANGE[0] <= width <= HIDDEN_RANGE[1]:
            raise ValueError(f"hidden widths must be integers in [{HIDDEN_RANGE[0]}, {HIDDEN_RANGE[1]}], "
                             f"got {width!r}")
    shape = " × ".join(str(width) for width in hidden)
    return Network("mlp" if len(hidden) == 1 else "mlp2", f"ReLU network ({shape} hidden)",
                   (features, *hidden, classes), "uniform")


MODELS = {"logistic": logistic_regression(), "mlp": mlp((32,)), "mlp2": mlp((32, 32))}
