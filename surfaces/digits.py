"""A real network's loss as a race surface: the digits network's training loss on the plane of its AdaMax run's
two principal directions (models/race.py computes it; the samples ship in surfaces/data/).

f(a, b) = L(θc + a·δ + b·η) over the 1,347 training images, sampled exactly on 81 × 81 points and made smooth by
bicubic interpolation (surfaces/sampled.py); tests/models/test_landscape.py measures the interpolation's error against
the network's exact loss. The start is where AdaMax's run started (its initial weights, projected on the plane);
the minimum is the plane's own, searched numerically on the interpolated surface.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .base import Surface
from .sampled import SampledFunction

DATA_FILE = Path(__file__).resolve().parent / "data" / "digits_landscape.npz"


def digits_surface() -> Surface:
    with np.load(DATA_FILE) as stored:
        samples = {name: stored[name] for name in stored.files}
    function = SampledFunction(samples["a"], samples["b"], samples["values"])
    explained = samples["explained"]
    return Surface(
        key="digits", name="A real network's loss (digits)",
        f=function, grad=function.grad, value_and_grad=function.value_and_grad,
        domain=((float(samples["a"][0]), float(samples["a"][-1])), (float(samples["b"][0]), float(samples["b"][-1]))),
        minima=np.asarray(samples["minima"], dtype=np.float64).reshape(-1, 2),
        minimum_value=float(samples["minimum_value"]),
        start=np.asarray(samples["path"][0], dtype=np.float64),
        latex=r"L\!\left(\theta_c + x\,\delta + y\,\eta\right)",
        log_scale=bool(samples["log_scale"]),
        # The network's loss is ≥ 0, and beyond the samples the surface rises as a bowl that never falls below the
        # lowest sample (surfaces/sampled.py): the minimum inside is the global one.
        bounded_below=True,
        note=("A 64-32-10 ReLU network's training loss on the 8×8 digits, on the plane of an AdaMax run's two "
              f"principal directions ({100 * explained[0]:.0f} % and {100 * explained[1]:.0f} % of its movement), "
              "from where that run started (81 × 81 exact samples, smoothed bicubically)."),
    )
