"""The digits network's loss landscape as a race surface: computed here, shipped as samples in surfaces/data/.

The race needs a surface whose f and ∇f cost microseconds (its map samples f on a 400 × 400 grid, a sweep runs
thousands of starts); the network's exact loss on a plane costs ≈ 0.5 ms a point over the 1,347 training images.
So the exact loss is sampled once on an 81 × 81 grid of the plane and shipped; `surfaces/sampled.py` makes it a
smooth surface (bicubic, continuous gradient) and tests/models/test_landscape.py recomputes the samples and measures
the interpolation's error against the exact loss. Regenerate with `python -m models.race` after changing the
network, the data or the settings below.

The plane: the ReLU network (64-32-10) trained by AdaMax (lr 0.02, minibatches of 64, seed 0) for 20 epochs;
its two principal directions (Li et al. 2018), centred on its last weights, over the box of its projected
checkpoints, widened past its end (the loss keeps falling beyond where 20 epochs stopped) so that the plane's
own minimum lies inside.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from optimizers import AdaMax, train
from surfaces.minima import MINIMA_GRID, domain_grid, find_minima, log_scale
from surfaces.sampled import SampledFunction

from .data import load_digits
from .landscape import principal_directions
from .network import MODELS
from .plane import plane_loss

DATA_FILE = Path(__file__).resolve().parents[1] / "surfaces" / "data" / "digits_landscape.npz"
SETTINGS = {"network": "mlp", "lr": 0.02, "epochs": 20, "batch_size": 64, "seed": 0, "resolution": 81}
MARGINS = {"left": 0.25, "right": 0.8, "bottom": 0.5, "top": 0.5}   # of the path's extent, beyond its box


def race_landscape(resolution: int = SETTINGS["resolution"]) -> dict[str, np.ndarray]:
    """The exact samples: a (resolution,), b (resolution,), values (resolution, resolution), the run's
    checkpoints projected on the plane (epochs + 1, 2), the share of its movement along each direction, and the
    plane itself (center (P,), directions (2, P); not shipped)."""
    data = load_digits()
    model = MODELS[SETTINGS["network"]]
    result = train(AdaMax(lr=SETTINGS["lr"]), model, data, epochs=SETTINGS["epochs"],
                   batch_size=SETTINGS["batch_size"], seed=SETTINGS["seed"], record_steps=False)
    directions, explained = principal_directions(result.params)
    center = result.params[-1]
    path = (result.params - center) @ directions.T
    low, high = path.min(axis=0), path.max(axis=0)
    extent = float((high - low).max())
    a = np.linspace(low[0] - MARGINS["left"] * extent, high[0] + MARGINS["right"] * extent, resolution)
    b = np.linspace(low[1] - MARGINS["bottom"] * extent, high[1] + MARGINS["top"] * extent, resolution)
    values = plane_loss(model, center, directions, np.stack(np.meshgrid(a, b), axis=-1), data.x_train,
                        data.y_train, with_grad=False)[0]
    return {"a": a, "b": b, "values": values, "path": path, "explained": np.array(explained), "center": center,
            "directions": directions}


SHIPPED = ("a", "b", "values", "path", "explained", "minima", "minimum_value", "log_scale")


def with_minimum(samples: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The samples plus what the catalogue lists for a surface: its minimum on the interpolated plane (searched
    as a user's formula's is, surfaces/minima.py), f there, and whether its map needs a log scale."""
    function = SampledFunction(samples["a"], samples["b"], samples["values"])
    domain = ((samples["a"][0], samples["a"][-1]), (samples["b"][0], samples["b"][-1]))
    minima, value, status, _ = find_minima(function, function.grad, domain)
    if status != "found":
        raise ValueError("the plane's loss has no minimum inside the sampled box: widen MARGINS")
    log = log_scale(function(domain_grid(domain, MINIMA_GRID)), value)
    return {**samples, "minima": minima, "minimum_value": np.array(value), "log_scale": np.array(log)}


def write(path: Path = DATA_FILE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    samples = with_minimum(race_landscape())
    np.savez_compressed(path, **{name: samples[name] for name in SHIPPED})


if __name__ == "__main__":
    write()
    print(f"wrote {DATA_FILE}")
