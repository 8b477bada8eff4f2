"""The section "On a real model": its settings (one value in the AppState and the link) and what they cost.

Five optimizers train the same network from the same initial weights on the same minibatches: AdaMax
(PyTorch's ε), Adam, SGD with Nesterov momentum 0.9 — the paper's comparison — RMSProp and AdaGrad, each at a
learning rate of its own. The page's rates are each optimizer's good value on the digits (from the section's own
learning-rate curves, rounded); "the paper's comparison" is the logistic regression with minibatches of 128, the
paper's setting, each optimizer at its best rate of SENSITIVITY_LRS after 20 epochs, as the paper tuned each
one on a grid (docs/REAL_MODEL.md, "The paper's experiments").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizers import SGD, AdaGrad, Adam, AdaMax, Optimizer, RMSProp

NETWORKS = {"logistic": "Logistic regression (convex)", "mlp": "ReLU network, 32 hidden",
            "mlp2": "ReLU network, 32 × 32 hidden"}
MODEL_OPTIMIZERS = ("adamax", "adam", "sgd", "rmsprop", "adagrad")
TITLES = {"adamax": "AdaMax", "adam": "Adam", "sgd": "SGD-Nesterov", "rmsprop": "RMSProp", "adagrad": "AdaGrad"}
PLANES = {"pca": "the AdaMax run's principal plane", "random": "two random directions"}
BATCHES = (16, 32, 64, 128, 256)
EPOCH_RANGE = (1, 200)
SEED_RANGE = (0, 9999)
LR_RANGE = (1e-5, 10.0)
SENSITIVITY_LRS = np.logspace(-4, 1, 16)     # five decades, a third of a decade apart
DEFAULT_LRS = {
    "logistic": {"adamax": 0.05, "adam": 0.02, "sgd": 0.5, "rmsprop": 0.01, "adagrad": 0.2},
    "mlp": {"adamax": 0.02, "adam": 0.01, "sgd": 0.1, "rmsprop": 0.003, "adagrad": 0.05},
    "mlp2": {"adamax": 0.02, "adam": 0.01, "sgd": 0.1, "rmsprop": 0.003, "adagrad": 0.05},
}
# The best of SENSITIVITY_LRS for each optimizer: logistic regression, 20 epochs, minibatches of 128, seed 0,
# lowest final training loss (tests/ui/test_model_section.py recomputes them).
PAPER_INDEX = {"adamax": 13, "adam": 11, "sgd": 14, "rmsprop": 7, "adagrad": 14}
PAPER_LRS = {key: float(f"{SENSITIVITY_LRS[index]:.4g}") for key, index in PAPER_INDEX.items()}  # a short link
# Run-steps (ui/budget.py's unit, ≈ 40 µs) of one epoch of one optimizer at minibatches of 64, and of a 41 × 41
# slice: measured by bench/bench_model.py (best figures on a loaded machine, rounded).
EPOCH_WORK = {"logistic": 90.0, "mlp": 110.0, "mlp2": 140.0}
SLICE_WORK = {"logistic": 8_000.0, "mlp": 11_000.0, "mlp2": 20_000.0}


@dataclass(frozen=True)
class ModelSpec:
    """The network, its training (epochs, minibatch size, seed), the plane of its landscape, and the learning
    rates that differ from the network's defaults (DEFAULT_LRS), as sorted (optimizer, lr) pairs."""

    network: str = "mlp"
    epochs: int = 20
    batch: int = 64
    seed: int = 0
    plane: str = "pca"
    lrs: tuple[tuple[str, float], ...] = ()

    def lr(self, optimizer: str) -> float:
        return dict(self.lrs).get(optimizer, DEFAULT_LRS[self.network][optimizer])

    def learning_rates(self) -> dict[str, float]:
        return {key: self.lr(key) for key in MODEL_OPTIMIZERS}


def with_rates(spec: ModelSpec, rates: dict[str, float]) -> ModelSpec:
    """`spec` with these learning rates, keeping only those that differ from its network's defaults."""
    changed = tuple(sorted((key, float(value)) for key, value in rates.items()
                           if float(value) != DEFAULT_LRS[spec.network][key]))
    return ModelSpec(spec.network, spec.epochs, spec.batch, spec.seed, spec.plane, changed)


def paper_preset() -> ModelSpec:
    """The paper's comparison on the digits: logistic regression, minibatches of 128, each optimizer tuned."""
    return with_rates(ModelSpec(network="logistic", epochs=20, batch=128), PAPER_LRS)


def is_paper(spec: ModelSpec) -> bool:
    return spec.network == "logistic" and spec.batch == 128 and spec.learning_rates() == PAPER_LRS


def make_model_optimizer(key: str, lr: float | np.ndarray) -> Optimizer:
    """The section's optimizer `key` at learning rate `lr` (a float or an array of shape (B, 1))."""
    if key == "adamax":
        return AdaMax(lr=lr)
    if key == "adam":
        return Adam(lr=lr)
    if key == "sgd":
        return SGD(lr=lr, momentum=0.9, nesterov=True)
    if key == "rmsprop":
        return RMSProp(lr=lr)
    if key == "adagrad":
        return AdaGrad(lr=lr)
    raise ValueError(f"unknown optimizer {key!r}; valid: {', '.join(MODEL_OPTIMIZERS)}")


def model_work(spec: ModelSpec) -> float:
    """Run-steps the section's view of `spec` computes when nothing of it is cached: five trainings and a slice.
    Smaller minibatches take more, cheaper steps: an epoch's cost is taken as ∝ (64 / batch)^0.5."""
    epoch = EPOCH_WORK[spec.network] * (64 / spec.batch) ** 0.5
    return len(MODEL_OPTIMIZERS) * spec.epochs * epoch + SLICE_WORK[spec.network]
