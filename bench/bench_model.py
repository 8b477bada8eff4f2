"""Benchmark of the real task: `optimizers.train` on the digits and the loss-landscape slices of models/.

    python bench/bench_model.py

Prints, after the load average (each figure the best of REPEATS runs, the least disturbed by the machine's
other work, with the median):
- one epoch of each of the section's five optimizers on the default network (64-32-10 ReLU, minibatches of 64,
  1,347 training images, |Δθ|/α recorded; budget ≤ 50 ms), and of the logistic regression;
- the section's default view: five optimizers × 20 epochs and the 41 × 41 slice on the AdaMax run's principal
  plane (budget ≤ 2 s);
- the 41 × 41 slices alone, principal plane and filter-normalised random directions (budget ≤ 1 s);
- a 16-value learning-rate curve (one batched run, only the end evaluated) against one run of the same kind, and
  against one full run (budget ≤ 3×);
- the growth of this process's peak memory over the default view (budget ≤ 200 MB).
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models import MODELS, load_digits, random_slice, trajectory_slice
from optimizers import SGD, AdaGrad, Adam, AdaMax, RMSProp, train

REPEATS = 5
EPOCHS = 20
OPTIMIZERS = {
    "AdaMax": AdaMax(lr=0.02), "Adam": Adam(lr=0.01), "SGD-Nesterov": SGD(lr=0.1, momentum=0.9, nesterov=True),
    "RMSProp": RMSProp(lr=0.003), "AdaGrad": AdaGrad(lr=0.05),
}


def timed(function, repeats: int = REPEATS) -> tuple[float, float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times), float(np.median(times))


def show(label: str, best: float, median: float, unit: str = "ms", budget: str = "") -> None:
    scale = 1000 if unit == "ms" else 1
    print(f"  {label:<52} best {best * scale:8.1f} {unit}   median {median * scale:8.1f} {unit}   {budget}")


def main() -> None:
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} cores")
    data = load_digits()
    model = MODELS["mlp"]
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("One epoch (|Δθ|/α recorded), budget ≤ 50 ms:")
    for key in ("mlp", "logistic"):
        for name, optimizer in OPTIMIZERS.items():
            best, median = timed(lambda optimizer=optimizer, key=key: train(optimizer, MODELS[key], data, epochs=4))
            show(f"{MODELS[key].title}: {name}", best / 4, median / 4)

    def default_view() -> None:
        runs = [train(optimizer, model, data, epochs=EPOCHS, batch_size=64) for optimizer in OPTIMIZERS.values()]
        trajectory_slice(model, data, runs[0].params)

    print(f"Default view (5 optimizers × {EPOCHS} epochs + the 41 × 41 principal-plane slice), budget ≤ 2 s:")
    show("default view", *timed(default_view, 3), unit="s")
    memory = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    adamax_run = train(OPTIMIZERS["AdaMax"], model, data, epochs=EPOCHS)
    print("41 × 41 slices on the training set, budget ≤ 1 s:")
    for key in ("mlp", "logistic", "mlp2"):
        run = train(AdaMax(lr=0.02), MODELS[key], data, epochs=EPOCHS)
        show(f"{MODELS[key].title}: principal plane",
             *timed(lambda run=run, key=key: trajectory_slice(MODELS[key], data, run.params), 3), unit="s")
        show(f"{MODELS[key].title}: random directions",
             *timed(lambda run=run, key=key: random_slice(MODELS[key], data, run.params[-1]), 3), unit="s")
    del adamax_run
    print(f"Learning-rate curve, 16 values × {EPOCHS} epochs in one batched run, budget ≤ 3× one run:")
    rates = np.geomspace(1e-4, 3, 16)[:, None]
    for key in ("logistic", "mlp"):
        bare = timed(lambda key=key: train(AdaMax(lr=0.002), MODELS[key], data, epochs=EPOCHS, record_steps=False,
                                           record_every=EPOCHS), 3)
        full = timed(lambda key=key: train(AdaMax(lr=0.002), MODELS[key], data, epochs=EPOCHS), 3)
        curve = timed(lambda key=key: train(AdaMax(lr=rates), MODELS[key], data, epochs=EPOCHS, record_steps=False,
                                            record_every=EPOCHS), 3)
        show(f"{MODELS[key].title}: one run, end only", *bare, unit="s")
        show(f"{MODELS[key].title}: one run, every epoch and |Δθ|/α", *full, unit="s")
        show(f"{MODELS[key].title}: 16 values", *curve, unit="s",
             budget=f"{curve[0] / bare[0]:.1f}× the first, {curve[0] / full[0]:.1f}× the second")
    print(f"Peak memory growth over the default view: {memory:.0f} MB (budget ≤ 200 MB); whole process peak "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
