"""OPTIMIZERS: lowercase key → optimizer class. Each class carries HYPERPARAMETERS (ranges, descriptions)."""

from __future__ import annotations

from .adagrad import AdaGrad
from .adam import Adam
from .adamax import AdaMax
from .adamlp import AdamLp
from .base import Optimizer
from .rmsprop import RMSProp
from .sgd import SGD

OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.key: cls for cls in (AdaMax, Adam, SGD, RMSProp, AdaGrad, AdamLp)
}


def make_optimizer(key: str, **hyperparameters: object) -> Optimizer:
    """Build OPTIMIZERS[key](**hyperparameters); unknown keys or names raise ValueError listing valid ones."""
    if key not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {key!r}; valid: {', '.join(OPTIMIZERS)}")
    cls = OPTIMIZERS[key]
    names = [spec.name for spec in cls.HYPERPARAMETERS]
    unknown = sorted(set(hyperparameters) - set(names))
    if unknown:
        raise ValueError(f"{cls.title} has no hyperparameter {unknown[0]!r}; valid: {', '.join(names)}")
    return cls(**hyperparameters)
