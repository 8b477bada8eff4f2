"""Seeded gradient noise, with common random numbers: the stochastic gradients of real training, made fair.

Real training sees a noisy estimate g̃ of the gradient ∇f. Two kinds are offered (noise on the loss value would
leave the gradient unchanged, so it goes on the gradient — docs/REFERENCE.md §8):

    gaussian, absolute:   g̃_t = ∇f(θ_{t−1}) + σ · z_t
    gaussian, relative:   g̃_t = ∇f(θ_{t−1}) + σ · ‖∇f(θ_{t−1})‖ · z_t        (noise in proportion to the signal)
    spikes:               g̃_t = K · ∇f(θ_{t−1})  on a step with u_t < 1/N, else ∇f(θ_{t−1})
                          (one gradient in N, on average, multiplied by K: a heavy-tailed minibatch)

with z_t ~ N(0, I₂) and u_t ~ U(0, 1) drawn per *step* from the seed, once, and shared by every member of a
batch: one draw of shape (2,) per step, broadcast over the batch. So every run of a race and every cell of a
sweep with the same seed sees the same sequence (common random numbers, the fair comparison), a member's
noise does not depend on how many others run beside it, and a run of 500 steps sees the first 500 draws of a
run of 5,000. A spike is where AdaMax differs most from Adam: u = max(β₂u, |g̃|) jumps to K|g| at once and
then decays by β₂ per step, so it holds the steps small for about ln K / (1 − β₂) steps.

For a driver of its own (e.g. a sweep), the whole interface is one method:

    noise = GradientNoise(kind="gaussian", scale=0.1, relative=True, seed=1)
    noisy = noise.perturb(true_grad, t)      # t = 1, 2, …: the gradient that step t will use; (..., 2) → (..., 2)

`perturb` is pure (a new array) and depends only on (the noise's settings, the true gradient, t).

>>> noise = GradientNoise(kind="gaussian", scale=0.5, relative=False, seed=3)
>>> a = noise.perturb(np.zeros(2), 1)
>>> b = noise.perturb(np.zeros((4, 2)), 1)          # the same draw for every member of a batch
>>> bool((b == a).all()), noise.perturb(np.zeros(2), 2).tolist() != a.tolist()
(True, True)
>>> GradientNoise(kind="spikes", every=1, factor=10.0).perturb(np.array([1.0, -2.0]), 7).tolist()
[10.0, -20.0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np

from .base import Array

KINDS = ("gaussian", "spikes")
SCALE_RANGE = (0.0, 1e3)
EVERY_RANGE = (1, 1_000_000)
FACTOR_RANGE = (1.0, 1e6)
SEED_RANGE = (0, 2**32 - 1)
_MIN_DRAWS = 1024


@dataclass(frozen=True)
class GradientNoise:
    """Seeded noise on the gradient (see the module docstring for the formulas).

    kind: "gaussian" or "spikes".
    scale: σ of the Gaussian, ≥ 0 (for "gaussian").
    relative: True: σ·‖∇f‖ (per member); False: σ in the gradient's own units (for "gaussian").
    every: N, a spike hits one step in N on average (for "spikes").
    factor: K ≥ 1, the spike multiplies the gradient by it (for "spikes").
    seed: the integer the whole sequence follows from.
    """

    kind: Literal["gaussian", "spikes"] = "gaussian"
    scale: float = 0.1
    relative: bool = True
    every: int = 50
    factor: float = 100.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        object.__setattr__(self, "scale", _number("scale", self.scale, *SCALE_RANGE))
        object.__setattr__(self, "factor", _number("factor", self.factor, *FACTOR_RANGE))
        object.__setattr__(self, "every", _integer("every", self.every, *EVERY_RANGE))
        object.__setattr__(self, "seed", _integer("seed", self.seed, *SEED_RANGE))
        if not isinstance(self.relative, bool | np.bool_):
            raise ValueError(f"relative must be True or False, got {self.relative!r}")
        object.__setattr__(self, "relative", bool(self.relative))

    def draws(self, steps: int) -> tuple[Array, Array]:
        """(z, spike) for steps 1 … `steps`: z of shape (steps, 2), spike a boolean (steps,) (read-only)."""
        normals, uniforms = _draws(self.seed, _bucket(steps))
        return normals[:steps], uniforms[:steps] < 1.0 / self.every

    def perturb(self, grad: Any, step: int) -> Array:
        """The noisy gradient step `step` (1, 2, …) uses, given the true gradient `grad` (..., 2); a new array."""
        grad = np.asarray(grad, dtype=np.float64)
        return self.perturb_into(grad, step, np.empty_like(grad))

    def perturb_into(self, grad: Array, step: int, out: Array) -> Array:
        """`perturb`, written into `out` (of grad's shape; it may be `grad` itself). Returns `out`."""
        if step < 1:
            raise ValueError(f"step must be ≥ 1 (the first step is 1), got {step}")
        normals, uniforms = _draws(self.seed, _bucket(step))
        if self.kind == "spikes":
            factor = self.factor if uniforms[step - 1] < 1.0 / self.every else 1.0
            return np.multiply(grad, factor, out=out)
        z = self.scale * normals[step - 1]
        if not self.relative:
            return np.add(grad, z, out=out)
        size = np.hypot(grad[..., 0], grad[..., 1])  # ‖∇f‖ per member; hypot: no overflow in the squares
        if np.may_share_memory(out, grad):
            return np.add(grad, size[..., None] * z, out=out)
        # Column by column into `out`: broadcasting (B, 1) against (2,) runs an inner loop of length 2, slow.
        np.multiply(size, z[0], out=out[..., 0])
        np.multiply(size, z[1], out=out[..., 1])
        return np.add(out, grad, out=out)

    def label(self) -> str:
        """A short description for a page, e.g. "Gaussian noise σ = 0.1·‖∇f‖, seed 1"."""
        if self.kind == "spikes":
            return f"spikes: one gradient in {self.every} (on average) multiplied by {self.factor:g}, seed {self.seed}"
        size = f"{self.scale:g}·‖∇f‖" if self.relative else f"{self.scale:g}"
        return f"Gaussian noise σ = {size}, seed {self.seed}"


def _bucket(steps: int) -> int:
    """Draws are made in power-of-two blocks, so a growing run reuses the cached block (a prefix never changes)."""
    return max(_MIN_DRAWS, 1 << max(int(steps) - 1, 0).bit_length())


@lru_cache(maxsize=16)  # a block of 8,192 steps is 200 kB; of MAX_STEPS (131,072), 3 MB
def _draws(seed: int, length: int) -> tuple[Array, Array]:
    """z_1…z_length ~ N(0, I₂) and u_1…u_length ~ U(0, 1) from two independent streams of `seed`.

    Two streams (SeedSequence.spawn), so the Gaussian draws do not depend on how many uniforms were drawn; NumPy's
    Generator fills a block in order, so a longer block starts with the shorter one (tested).
    """
    gaussian, spikes = (np.random.default_rng(child) for child in np.random.SeedSequence(seed).spawn(2))
    normals = gaussian.standard_normal((length, 2))
    uniforms = spikes.random(length)
    normals.flags.writeable = False
    uniforms.flags.writeable = False
    return normals, uniforms


def _number(name: str, value: Any, low: float, high: float) -> float:
    message = f"{name} must be a finite number in [{low:g}, {high:g}], got {value!r}"
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(message)
    number = float(value)
    if not (math.isfinite(number) and low <= number <= high):
        raise ValueError(message)
    return number


def _integer(name: str, value: Any, low: int, high: int) -> int:
    message = f"{name} must be a whole number in [{low}, {high:,}], got {value!r}"
    if isinstance(value, bool):
        raise ValueError(message)
    if isinstance(value, float | np.floating) and float(value).is_integer():
        value = int(value)
    if not isinstance(value, int | np.integer) or not low <= int(value) <= high:
        raise ValueError(message)
    return int(value)
