"""Benchmark of the NumPy core: a batched sweep and a typical app request.

    python bench/bench_core.py

Prints:
- AdaMax on Rosenbrock, 10,000 configurations × 500 steps, as one batched `run`, in point-steps per second;
- the same sweep as a fused, JIT-compiled `jax.lax.scan` (the ceiling on this CPU), when JAX is installed,
  and the ratio of the two (the budget: NumPy within 1.5× of JAX's time);
- a naive NumPy loop (fresh temporaries everywhere, f and grad evaluated separately) for reference;
- a typical app request: AdaMax, Adam, SGD+momentum and RMSProp × 2,000 steps from one start, with state
  recorded (what the explorer asks for).
Each figure is the best of several repeats (the least disturbed by the machine's other work).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from optimizers import SGD, Adam, AdaMax, RMSProp, run
from surfaces import SURFACES

CONFIGS, STEPS, REPEATS = 10_000, 500, 5


def best_time(fn, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def sweep_inputs() -> tuple[np.ndarray, np.ndarray]:
    """10,000 learning rates log-spaced over 1e-3..1, one start: the shape of a real sweep."""
    lr = np.logspace(-3, 0, CONFIGS)[:, None]
    start = np.array([-1.2, 1.0])
    return lr, start


def numpy_sweep() -> float:
    lr, start = sweep_inputs()
    surface = SURFACES["rosenbrock"]
    return best_time(lambda: run(AdaMax(lr=lr), surface, start, STEPS))


def naive_numpy_sweep() -> float:
    """The textbook loop: every expression a fresh temporary, f and grad computed separately."""
    lr, start = sweep_inputs()
    beta1, beta2, eps = 0.9, 0.999, 1e-8

    def loop():
        theta = np.broadcast_to(start, (CONFIGS, 2)).copy()
        m = np.zeros_like(theta)
        u = np.zeros_like(theta)
        points = [theta]
        losses = []
        for t in range(1, STEPS + 1):
            x, y = theta[:, 0], theta[:, 1]
            losses.append((1 - x) ** 2 + 100 * (y - x**2) ** 2)
            g = np.stack([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)], axis=-1)
            m = beta1 * m + (1 - beta1) * g
            u = np.maximum(beta2 * u, np.abs(g) + eps)
            theta = theta - lr / (1 - beta1**t) * m / u
            points.append(theta)
        return np.stack(points), np.stack(losses)

    return best_time(loop)


def jax_sweep() -> float | None:
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    lr, start = sweep_inputs()
    beta1, beta2, eps = 0.9, 0.999, 1e-8

    def rosenbrock(theta):
        x, y = theta[:, 0], theta[:, 1]
        r = y - x**2
        loss = (1 - x) ** 2 + 100 * r**2
        grad = jnp.stack([-2 * (1 - x) - 400 * x * r, 200 * r], axis=-1)
        return loss, grad

    def step(carry, t):
        theta, m, u = carry
        _, g = rosenbrock(theta)
        m = beta1 * m + (1 - beta1) * g
        u = jnp.maximum(beta2 * u, jnp.abs(g) + eps)
        theta = theta - lr / (1 - beta1**t) * m / u
        loss, _ = rosenbrock(theta)
        return (theta, m, u), (theta, loss)

    @jax.jit
    def sweep(theta0):
        zeros = jnp.zeros_like(theta0)
        _, (points, losses) = jax.lax.scan(step, (theta0, zeros, zeros), jnp.arange(1, STEPS + 1, dtype=jnp.float64))
        return points, losses

    theta0 = jnp.broadcast_to(jnp.asarray(start), (CONFIGS, 2))
    jax.block_until_ready(sweep(theta0))  # compile once, outside the timing

    return best_time(lambda: jax.block_until_ready(sweep(theta0)))


def app_request() -> float:
    surface = SURFACES["rosenbrock"]
    optimizers = [AdaMax(lr=0.05), Adam(lr=0.05), SGD(lr=5e-4, momentum=0.9), RMSProp(lr=0.01)]
    start = np.array([-1.2, 1.0])
    return best_time(lambda: [run(opt, surface, start, 2000, record_state=True) for opt in optimizers])


def main() -> None:
    point_steps = CONFIGS * STEPS
    ours = numpy_sweep()
    naive = naive_numpy_sweep()
    fused = jax_sweep()
    print(f"AdaMax on Rosenbrock, {CONFIGS:,} configurations × {STEPS} steps ({point_steps:,} point-steps)")
    print(f"  optimizers.run (NumPy)   {ours * 1e3:8.1f} ms   {point_steps / ours / 1e6:6.1f} M point-steps/s")
    print(f"  naive NumPy loop         {naive * 1e3:8.1f} ms   {point_steps / naive / 1e6:6.1f} M point-steps/s")
    if fused is None:
        print("  jax.lax.scan (jit)       not measured: JAX is not installed (pip install jax)")
    else:
        print(f"  jax.lax.scan (jit)       {fused * 1e3:8.1f} ms   {point_steps / fused / 1e6:6.1f} M point-steps/s")
        print(f"  run / JAX time ratio     {ours / fused:8.2f}×  (budget ≤ 1.5×)")
    request = app_request()
    print(f"App request: 4 optimizers × 2,000 steps, state recorded: {request * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
