"""Optimizers in pure NumPy: AdaMax and the optimizers it is compared with, and `run` to drive them.

>>> from optimizers import AdaMax, run
>>> class Bowl:
...     f = staticmethod(lambda xy: (xy ** 2).sum(-1))
...     grad = staticmethod(lambda xy: 2 * xy)
>>> traj = run(AdaMax(lr=0.1), Bowl(), [1.0, -2.0], 3)
>>> traj.points[1].round(6).tolist()   # the first step is (up to ε) −lr·sign(g) per coordinate
[0.9, -1.9]
>>> traj.points.shape, traj.losses.shape, traj.diverged_at
((4, 2), (4,), array(-1))
"""

from .adagrad import AdaGrad
from .adam import Adam, adam_step_bound
from .adamax import AdaMax, adamax_step_bound
from .adamlp import AdamLp
from .base import Hyperparameter, Optimizer
from .explain import AdaMaxInternals, adamax_internals, equations_at, step_table
from .latex import latex_number, latex_vector
from .noise import GradientNoise
from .outcomes import OUTCOMES, RunMetrics, classify, trajectory_metrics
from .registry import OPTIMIZERS, make_optimizer
from .rmsprop import RMSProp
from .sgd import SGD
from .sweep import SweepResult, sweep, sweeps
from .train import TrainResult, train
from .trajectory import MAX_BATCH, MAX_STEPS, Trajectory, run

__all__ = [
    "MAX_BATCH", "MAX_STEPS", "OPTIMIZERS", "OUTCOMES", "SGD", "AdaGrad", "AdaMax", "AdaMaxInternals", "Adam",
    "AdamLp", "GradientNoise", "Hyperparameter", "Optimizer", "RMSProp", "RunMetrics", "SweepResult", "TrainResult",
    "Trajectory", "adam_step_bound", "adamax_internals", "adamax_step_bound", "classify", "equations_at",
    "latex_number", "latex_vector", "make_optimizer", "run", "step_table", "sweep", "sweeps", "train",
    "trajectory_metrics",
]
