"""Runs to draw: eight optimizers, each a run of the race."""

from __future__ import annotations

import numpy as np

from figures import run_color
from figures.explorer import ExplorerRun
from optimizers import SGD, AdaGrad, Adam, AdaMax, AdamLp, RMSProp, run

EIGHT = [AdaMax(lr=0.05), Adam(lr=0.05), SGD(lr=5e-4, momentum=0.9), RMSProp(lr=0.01), AdaGrad(lr=0.5),
         AdamLp(lr=0.05, p=8.0), AdaMax(lr=0.01, eps_mode="keras"), SGD(lr=1e-4)]


def explorer_runs(surface, optimizers, steps, start=None, bound=None):
    start = surface.start if start is None else start
    bound = 50 * np.abs(surface.domain).max() if bound is None else bound
    return [ExplorerRun(f"{i}: {opt.label()}", run_color(i), run(opt, surface, start, steps, record_state=True,
                                                                  bound=bound))
            for i, opt in enumerate(optimizers)]
