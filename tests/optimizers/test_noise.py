"""Gradient noise in the core (optimizers/noise.py through run): reproducible by seed, common random numbers
across a batch and across the runs of a race, the true f recorded along the noisy path."""

from __future__ import annotations

import numpy as np
import pytest

from optimizers import SGD, Adam, AdaMax, GradientNoise, run
from surfaces import SURFACES

ROSENBROCK = SURFACES["rosenbrock"]
START = np.array([-1.2, 1.0])


def test_same_seed_same_path_other_seed_other_path():
    noise = GradientNoise(kind="gaussian", scale=0.3, seed=7)
    a = run(AdaMax(lr=0.05), ROSENBROCK, START, 300, noise=noise)
    b = run(AdaMax(lr=0.05), ROSENBROCK, START, 300, noise=GradientNoise(kind="gaussian", scale=0.3, seed=7))
    c = run(AdaMax(lr=0.05), ROSENBROCK, START, 300, noise=GradientNoise(kind="gaussian", scale=0.3, seed=8))
    plain = run(AdaMax(lr=0.05), ROSENBROCK, START, 300)
    assert np.array_equal(a.points, b.points)
    assert not np.array_equal(a.points, c.points) and not np.array_equal(a.points, plain.points)


def test_no_noise_and_zero_noise_leave_run_unchanged():
    plain = run(Adam(lr=0.05), ROSENBROCK, START, 200, record_state=True)
    zero = run(Adam(lr=0.05), ROSENBROCK, START, 200, record_state=True, noise=GradientNoise(scale=0.0))
    assert np.array_equal(plain.points, zero.points) and np.array_equal(plain.grads, zero.grads)


def test_losses_are_the_true_f_and_grads_the_noisy_ones_used():
    noise = GradientNoise(kind="gaussian", scale=0.5, relative=False, seed=1)
    trajectory = run(AdaMax(lr=0.05), ROSENBROCK, START, 100, record_state=True, noise=noise)
    np.testing.assert_array_equal(trajectory.losses, ROSENBROCK.f(trajectory.points))
    z, _ = noise.draws(100)
    true = ROSENBROCK.grad(trajectory.points[:-1])
    np.testing.assert_allclose(trajectory.grads - true, 0.5 * z, rtol=1e-9, atol=1e-9)
    # the first step of AdaMax is lr·sign(g̃₁) with the noisy gradient (PyTorch ε: up to 1e-8 relative)
    np.testing.assert_allclose(trajectory.points[1] - START, -0.05 * np.sign(trajectory.grads[0]), rtol=1e-6)


def test_relative_noise_is_in_proportion_to_the_gradient():
    noise = GradientNoise(kind="gaussian", scale=0.2, relative=True, seed=4)
    grads = np.array([[3.0, 4.0], [0.0, 0.0], [-30.0, 40.0]])
    noisy = noise.perturb(grads, 5)
    z = noise.draws(5)[0][4]
    np.testing.assert_allclose(noisy, grads + 0.2 * np.array([[5.0], [0.0], [50.0]]) * z)
    assert noisy[1].tolist() == [0.0, 0.0]  # at a stationary point relative noise vanishes


def test_a_cell_alone_equals_the_same_cell_inside_a_batch():
    """Common random numbers: a member's noise does not depend on the batch it runs in."""
    noise = GradientNoise(kind="gaussian", scale=0.4, seed=11)
    lrs = np.array([0.01, 0.05, 0.2])[:, None]
    starts = np.array([[-1.2, 1.0], [0.5, 2.0], [-1.9, -0.5]])
    batch = run(AdaMax(lr=lrs), ROSENBROCK, starts, 250, noise=noise, record_state=True)
    for i in range(3):
        alone = run(AdaMax(lr=float(lrs[i, 0])), ROSENBROCK, starts[i], 250, noise=noise, record_state=True)
        np.testing.assert_array_equal(batch.points[:, i], alone.points)
        np.testing.assert_array_equal(batch.grads[:, i], alone.grads)
    bigger = run(AdaMax(lr=np.concatenate([lrs, [[0.1]]])), ROSENBROCK, np.vstack([starts, [[1.0, 1.0]]]), 250,
                 noise=noise)
    np.testing.assert_array_equal(bigger.points[:, :3], batch.points)


def test_every_run_of_a_race_sees_the_same_noise_sequence():
    noise = GradientNoise(kind="gaussian", scale=1.0, relative=False, seed=2)
    z, _ = noise.draws(80)
    for optimizer in (AdaMax(lr=0.05), Adam(lr=0.05), SGD(lr=0.001, momentum=0.9)):
        trajectory = run(optimizer, ROSENBROCK, START, 80, record_state=True, noise=noise)
        np.testing.assert_allclose(trajectory.grads - ROSENBROCK.grad(trajectory.points[:-1]), z, atol=1e-9)


def test_a_shorter_run_sees_the_first_draws_of_a_longer_one():
    noise = GradientNoise(kind="spikes", every=20, factor=50.0, seed=5)
    short = run(AdaMax(lr=0.02), ROSENBROCK, START, 700, noise=noise)
    long = run(AdaMax(lr=0.02), ROSENBROCK, START, 3000, noise=noise)  # crosses the 1024 and 2048 blocks
    np.testing.assert_array_equal(short.points, long.points[:701])
    z_short, spikes_short = noise.draws(10)
    z_long, spikes_long = noise.draws(5000)
    assert np.array_equal(z_short, z_long[:10]) and np.array_equal(spikes_short, spikes_long[:10])


def test_spikes_hit_one_step_in_n_and_multiply_the_gradient():
    noise = GradientNoise(kind="spikes", every=25, factor=100.0, seed=0)
    _, spikes = noise.draws(100_000)
    assert spikes.mean() == pytest.approx(1 / 25, rel=0.05)
    grad = np.array([[1.0, -2.0]])
    hit = int(np.argmax(spikes)) + 1
    assert noise.perturb(grad, hit).tolist() == [[100.0, -200.0]]
    miss = int(np.argmin(spikes)) + 1
    assert noise.perturb(grad, miss).tolist() == [[1.0, -2.0]]


def test_a_spike_sets_adamax_u_for_about_ln_k_over_one_minus_beta2_steps():
    """On a bowl, u jumps to K·|g| at the spike and decays by β2 per step: it still exceeds the fresh |g|
    about ln K / (1 − β2) steps later, while Adam's √v̂ has long forgotten it."""
    bowl = SURFACES["quadratic"]
    noise = GradientNoise(kind="spikes", every=1000, factor=100.0, seed=1)
    _, spikes = noise.draws(3000)
    first, second = np.flatnonzero(spikes)[:2] + 1
    assert second - first > 600  # this seed leaves the first spike alone long enough to watch it fade
    beta2 = 0.99
    trajectory = run(AdaMax(lr=1e-4, beta2=beta2), bowl, [-1.8, 1.2], first + 600, record_state=True, noise=noise)
    u = trajectory.states["u"]
    g_true = np.abs(bowl.grad(trajectory.points[:-1]))
    assert np.all(u[first - 1] >= 99.0 * g_true[first - 1])   # the spike sets u at once
    held = int(np.argmax(np.all(u[first:] <= 1.01 * g_true[first:], axis=1))) + 1
    assert held == pytest.approx(np.log(100.0) / (1 - beta2), rel=0.05)  # ≈ 460 steps


@pytest.mark.parametrize("arguments, message", [
    ({"kind": "uniform"}, "kind"), ({"scale": -1.0}, "scale"), ({"scale": float("nan")}, "scale"),
    ({"every": 0}, "every"), ({"every": 2.5}, "every"), ({"factor": 0.5}, "factor"), ({"seed": -1}, "seed"),
    ({"seed": True}, "seed"), ({"relative": "yes"}, "relative"),
])
def test_bad_settings_are_refused_naming_the_parameter(arguments, message):
    with pytest.raises(ValueError, match=message):
        GradientNoise(**arguments)


def test_a_noisy_diverging_run_stays_finite():
    noise = GradientNoise(kind="spikes", every=2, factor=1e6, seed=0)
    trajectory = run(SGD(lr=0.01), ROSENBROCK, START, 200, noise=noise, record_state=True)
    assert trajectory.diverged and np.isfinite(trajectory.points).all() and np.isfinite(trajectory.losses).all()


def test_the_lp_family_under_common_noise_still_closes_in_on_adamax():
    """Adam-Lp and AdaMax see the same noisy draws, so the p → ∞ limit holds along noisy paths too."""
    from optimizers.limits import eps_modes, lp_family

    noise = GradientNoise(kind="gaussian", scale=0.3, seed=9)
    family = lp_family(ROSENBROCK, START, 300, lr=0.05, beta2=0.999, orders=(4, 16, 64), noise=noise)
    distances = [family.max_distance[p] for p in (4, 16, 64)]
    assert distances[0] > distances[1] > distances[2] and distances[2] < 0.05
    plain = lp_family(ROSENBROCK, START, 300, lr=0.05, beta2=0.999, orders=(4,))
    assert not np.array_equal(plain.adamax.points, family.adamax.points)
    modes = eps_modes(ROSENBROCK, START, 100, lr=0.05, noise=noise)
    z, _ = noise.draws(100)
    for trajectory in modes.values():  # each ε placement sees the very same noise
        size = np.linalg.norm(ROSENBROCK.grad(trajectory.points[:-1]), axis=-1, keepdims=True)
        np.testing.assert_allclose(trajectory.grads - ROSENBROCK.grad(trajectory.points[:-1]), 0.3 * size * z,
                                   rtol=1e-9, atol=1e-9)
