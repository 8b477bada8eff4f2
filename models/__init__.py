"""Real tasks for the optimizers: a shipped data set, networks with hand-written gradients, and 2-D slices of
their loss that behave like a surface.

>>> from models import MODELS, load_digits
>>> from optimizers import AdaMax, train
>>> result = train(AdaMax(lr=0.002), MODELS["logistic"], load_digits(), epochs=2, batch_size=128, seed=0)
>>> result.test_accuracy.shape, bool(result.test_accuracy[-1] > 0.8)
((3,), True)
"""

from .data import Dataset, load_digits
from .landscape import LossSlice, random_slice, shadow_gaps, trajectory_slice
from .network import MODELS, Block, Network, logistic_regression, mlp

__all__ = ["MODELS", "Block", "Dataset", "LossSlice", "Network", "load_digits", "logistic_regression", "mlp",
           "random_slice", "shadow_gaps", "trajectory_slice"]
