"""`sweep`: every cell is the run of its configuration alone; the outcomes are the race's; memory is O(cells)."""

from __future__ import annotations

import importlib
import tracemalloc
from dataclasses import fields

import numpy as np
import pytest

from optimizers import OUTCOMES, SGD, AdaGrad, Adam, AdaMax, AdamLp, GradientNoise, RMSProp, run, sweep
from optimizers._helper import HELPER
from optimizers.outcomes import SCALAR_FIELDS, classify, trajectory_metrics
from optimizers.sweep import MAX_SWEEP_POINT_STEPS
from surfaces import SURFACES


class LogWell:
    """f = (log x)² + y²: not finite for x ≤ 0, so starts there are invalid and steps past x = 0 diverge."""

    minimum_value = 0.0

    @staticmethod
    def f(xy):
        return np.log(xy[..., 0]) ** 2 + xy[..., 1] ** 2

    @staticmethod
    def grad(xy):
        x = xy[..., 0]
        return np.stack([2 * np.log(x) / x, 2 * xy[..., 1]], axis=-1)


def assert_cells_equal_runs(optimizer_of, grid_shape, surface, start, steps, *, bound=1e3, tolerance=1e-4,
                            minimum_value=0.0, batched_optimizer, check_start=None):
    """Each cell of the sweep against `run` of that cell's configuration alone, metric by metric, exactly."""
    result = sweep(batched_optimizer, surface, start, steps, bound=bound, tolerance=tolerance,
                   minimum_value=minimum_value)
    assert result.outcome.shape == grid_shape
    starts = np.broadcast_to(start, (*grid_shape, 2))
    outcomes = set()
    for index in np.ndindex(grid_shape):
        alone = run(optimizer_of(index), surface, starts[index], steps, bound=bound)
        expected = trajectory_metrics(alone, surface, minimum_value=minimum_value, tolerance=tolerance)
        for field in fields(expected):
            if field.name in SCALAR_FIELDS:  # one value for the whole batch, not an array
                assert getattr(result.metrics, field.name) == getattr(expected, field.name), field.name
                continue
            np.testing.assert_array_equal(getattr(result.metrics, field.name)[index], getattr(expected, field.name),
                                          err_msg=f"{field.name} of cell {index}")
        assert result.outcome[index] == classify(expected)
        outcomes.add(OUTCOMES[int(result.outcome[index])])
    return result, outcomes


def test_adamax_lr_beta2_grid_cells_equal_single_runs_including_diverging_ones():
    lrs = np.array([1e-3, 0.05, 0.1, 0.3, 3.0])
    beta2s = np.array([0.0, 0.9, 0.99])
    rosenbrock = SURFACES["rosenbrock"]
    result, outcomes = assert_cells_equal_runs(
        lambda i: AdaMax(lr=lrs[i[0]], beta2=beta2s[i[1]]), (5, 3), rosenbrock, np.array([-1.2, 1.0]), 600,
        bound=20.0, batched_optimizer=AdaMax(lr=lrs[:, None, None], beta2=beta2s[None, :, None]))
    assert "diverged" in outcomes and result.diverged_at.max() > 0  # the test covers divergence
    assert {"reached", "left", "moving", "diverged"} <= outcomes


@pytest.mark.parametrize("optimizer_class, values", [
    (SGD, dict(lr=[1e-4, 1e-3, 3e-3], momentum=[0.0, 0.9])),
    (Adam, dict(lr=[0.01, 0.3, 5.0], beta1=[0.0, 0.9])),
    (RMSProp, dict(lr=[1e-3, 0.1, 3.0], alpha=[0.5, 0.99])),
    (AdaGrad, dict(lr=[0.01, 1.0, 30.0], initial_accumulator_value=[0.0, 0.1])),
    (AdamLp, dict(lr=[0.01, 0.3, 5.0], p=[3.0, 16.0])),
])
def test_every_optimizer_cells_equal_single_runs(optimizer_class, values):
    (first, a), (second, b) = ((name, np.array(v)) for name, v in values.items())
    assert_cells_equal_runs(
        lambda i: optimizer_class(**{first: a[i[0]], second: b[i[1]]}), (len(a), len(b)), SURFACES["beale"],
        np.array([1.0, 1.5]), 150, bound=50.0,
        batched_optimizer=optimizer_class(**{first: a[:, None, None], second: b[None, :, None]}))


@pytest.mark.parametrize("optimizer_class", [Adam, AdaMax, AdamLp])
def test_bias_corrections_taken_per_configuration_equal_single_runs(optimizer_class):
    """β1 on the first axis and β2 on the second: 1 − β^t is taken once per configuration and spread over the
    batch in both layouts (optimizers.base.Spread), and every cell still equals its run alone bit for bit."""
    beta1, beta2 = np.array([0.0, 0.5, 0.9, 0.99]), np.array([0.5, 0.99, 0.9999])
    assert_cells_equal_runs(
        lambda i: optimizer_class(lr=0.05, beta1=beta1[i[0]], beta2=beta2[i[1]]), (4, 3), SURFACES["rosenbrock"],
        np.array([-1.2, 1.0]), 300, bound=20.0,
        batched_optimizer=optimizer_class(lr=0.05, beta1=beta1[:, None, None], beta2=beta2[None, :, None]))


@pytest.mark.parametrize("block", [1, 5, 32, 1000])
def test_the_loss_block_does_not_change_the_metrics(block, monkeypatch):
    """Losses are folded into best and reached_at every LOSS_BLOCK steps: any block length gives the same result,
    including cells that first reach f* on a block's first or last step."""
    sweep_module = importlib.import_module("optimizers.sweep")  # `optimizers.sweep` is also the function
    lr = np.logspace(-3, 0, 40)[:, None]
    expected = sweep(AdaMax(lr=lr, beta2=0.99), SURFACES["booth"], [-8.0, 8.0], 301, bound=100.0)
    monkeypatch.setattr(sweep_module, "LOSS_BLOCK", block)
    result = sweep(AdaMax(lr=lr, beta2=0.99), SURFACES["booth"], [-8.0, 8.0], 301, bound=100.0)
    assert (expected.reached_at > 0).sum() > 10  # many cells reach, at many different steps
    for field in fields(expected.metrics):
        np.testing.assert_array_equal(getattr(result.metrics, field.name), getattr(expected.metrics, field.name))


def test_batch_buffers_are_c_ordered():
    """One start broadcast over a grid: astype would keep the broadcast's memory order, putting every x before
    every y, and each step mixing that order with the surface's C-ordered gradient ran ~7× slower."""
    from optimizers.trajectory import initial_params

    params = initial_params(np.array([-1.2, 1.0]), (64, 64, 2))
    assert params.flags.c_contiguous and params.strides == (1024, 16, 8)


@pytest.mark.parametrize("eps_mode", ["pytorch", "keras", "paper"])
def test_starts_grid_with_invalid_starts_and_divergence_equals_single_runs(eps_mode):
    """A grid of starts (no array hyperparameter) on a surface undefined for x ≤ 0: invalid starts (diverged at 0)
    and runs that step past x = 0 (diverged later) are held exactly as `run` holds them."""
    xs, ys = np.array([-0.5, 0.3, 1.2, 1.5, 2.4, 3.0]), np.linspace(-1.0, 1.0, 3)
    starts = np.stack(np.meshgrid(xs, ys, indexing="ij"), axis=-1)
    result, _ = assert_cells_equal_runs(
        lambda i: AdaMax(lr=1.5, eps_mode=eps_mode), (6, 3), LogWell(), starts, 60, bound=10.0,
        batched_optimizer=AdaMax(lr=1.5, eps_mode=eps_mode))
    assert (result.diverged_at == 0).any() and (result.diverged_at > 0).any()
    assert np.isfinite(result.final_loss).all() and np.isfinite(result.final_point).all()


@pytest.mark.parametrize("steps", [0, 1, 9, 10, 11])
def test_short_sweeps_and_an_unbatched_one(steps):
    """Edge cases of the recent window and of the unbatched shape (batch shape ())."""
    assert_cells_equal_runs(lambda i: Adam(lr=0.1), (), SURFACES["booth"], np.array([-8.0, 8.0]), steps,
                            batched_optimizer=Adam(lr=0.1))


def test_no_target_means_never_reached_and_the_surface_supplies_f_star_by_default():
    saddle, booth = SURFACES["saddle"], SURFACES["booth"]
    assert sweep(Adam(lr=0.1), saddle, [-1.5, 1e-3], 50).minimum_value is None
    assert (sweep(Adam(lr=0.1), saddle, [-1.5, 1e-3], 50).reached_at == -1).all()
    default = sweep(Adam(lr=0.5), booth, [-8.0, 8.0], 400)
    assert default.minimum_value == 0.0 and default.reached_at >= 0
    assert sweep(Adam(lr=0.5), booth, [-8.0, 8.0], 400, minimum_value=None).reached_at == -1


# --- the classification, on hand-made cases (the same ones the race's table is tested on) -----------------------

@pytest.mark.parametrize("optimizer, key, start, steps, expected", [
    (SGD(lr=0.005), "six_hump_camel", (-1.5, -1.5), 300, "stalled"),          # into a local minimum
    (AdaMax(lr=0.1, beta2=0.99), "rosenbrock", (-1.2, 1.0), 5000, "left"),     # reaches f*, then leaves
    (AdaMax(lr=0.1, beta2=0.99), "rosenbrock", (-1.2, 1.0), 500, "reached"),
    (AdaMax(lr=0.1), "rosenbrock", (-1.2, 1.0), 500, "moving"),
    (SGD(lr=0.01, momentum=0.9), "saddle", (-1.5, 1e-3), 5000, "escaped"),     # escapes the saddle downhill
    (SGD(lr=1e-4, momentum=0.9), "goldstein_price", (0.8, -1.8), 50, "diverged"),  # blows up at step 7
])
def test_hand_made_cases_classify_as_the_race_does(optimizer, key, start, steps, expected):
    surface = SURFACES[key]
    bound = 50 * float(np.abs(surface.domain).max())
    result = sweep(optimizer, surface, start, steps, bound=bound)
    assert OUTCOMES[int(result.outcome)] == expected
    assert result.outcome_names.item() == expected


def test_a_mixed_sweep_has_every_outcome_in_its_cells():
    """lr over six decades on Rosenbrock with β2 = 0.99: reached, left, moving and diverged cells side by side."""
    lrs = np.logspace(-4, 1.5, 24)[:, None]
    result = sweep(AdaMax(lr=lrs, beta2=0.99), SURFACES["rosenbrock"], [-1.2, 1.0], 3000, bound=100.0)
    names = set(result.outcome_names.tolist())
    assert {"reached", "moving", "diverged"} <= names


# --- limits and memory -----------------------------------------------------------------------------------------

def test_bad_arguments_raise_value_errors_naming_them():
    rosenbrock = SURFACES["rosenbrock"]
    with pytest.raises(ValueError, match="steps"):
        sweep(AdaMax(), rosenbrock, [0.0, 0.0], -1)
    with pytest.raises(ValueError, match="start"):
        sweep(AdaMax(), rosenbrock, [0.0, np.nan], 3)
    with pytest.raises(ValueError, match="broadcast"):
        sweep(AdaMax(lr=np.ones((3, 1)), beta2=np.full((4, 1), 0.9)), rosenbrock, [0.0, 0.0], 3)
    with pytest.raises(ValueError, match="tolerance"):
        sweep(AdaMax(), rosenbrock, [0.0, 0.0], 3, tolerance=-1.0)
    with pytest.raises(ValueError, match="minimum_value"):
        sweep(AdaMax(), rosenbrock, [0.0, 0.0], 3, minimum_value=np.inf)
    with pytest.raises(ValueError, match="bound"):
        sweep(AdaMax(), rosenbrock, [0.0, 0.0], 3, bound=0.0)
    with pytest.raises(ValueError, match="steps × batch"):
        sweep(AdaMax(lr=np.full((100_000, 1), 0.01)), rosenbrock, [0.0, 0.0], MAX_SWEEP_POINT_STEPS // 50_000)


@pytest.mark.parametrize("split", [False, True])
def test_memory_is_proportional_to_cells_not_steps(split, monkeypatch):
    """128×128 cells: the peak of Python allocations does not grow with the steps, and is a few MB — in one
    process, and split with the helper process (whose half and reply add O(cells) here, not O(steps))."""
    sweep_module = importlib.import_module("optimizers.sweep")
    monkeypatch.setattr(sweep_module, "SPLIT_MIN_CELL_STEPS", 1 if split else MAX_SWEEP_POINT_STEPS + 1)
    if split and not HELPER.warm_up():
        pytest.skip("no sweep helper process here")
    monkeypatch.setattr(HELPER, "speed", 1.0)  # halves, whatever the machine's load
    monkeypatch.setattr(HELPER, "paused_until", -np.inf)
    monkeypatch.setattr(HELPER, "observe", lambda *args, **kwargs: None)
    lr = np.logspace(-4, 0, 128)[:, None, None]
    beta2 = 1 - np.logspace(-4, 0, 128, endpoint=False)[None, :, None]
    peaks = []
    for steps in (40, 400):  # both past LOSS_BLOCK rows: the loss buffer is the same size in both
        tracemalloc.start()
        sweep(AdaMax(lr=lr, beta2=beta2), SURFACES["rosenbrock"], [-1.2, 1.0], steps)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < 1.1 * peaks[0] + 1e6
    assert peaks[1] < 30e6


@pytest.mark.parametrize("noise", [GradientNoise(kind="spikes", every=5, factor=50.0, seed=3),
                                   GradientNoise(kind="gaussian", scale=0.5, relative=True, seed=1)])
def test_noisy_sweep_cells_equal_noisy_runs_alone(noise):
    """Common random numbers: every cell sees the draws a run alone sees, so a noisy cell equals its noisy run."""
    surface = SURFACES["rosenbrock"]
    lr = np.array([0.003, 0.05, 2.0])
    result = sweep(AdaMax(lr=lr[:, None]), surface, np.array([-1.2, 1.0]), 300, bound=100, noise=noise)
    for i, value in enumerate(lr):
        alone = run(AdaMax(lr=value), surface, np.array([-1.2, 1.0]), 300, bound=100, noise=noise)
        np.testing.assert_array_equal(result.final_point[i], alone.points[-1])
        assert result.diverged_at[i] == alone.diverged_at
        assert result.best_loss[i] == alone.losses.min()
    quiet = sweep(AdaMax(lr=lr[:, None]), surface, np.array([-1.2, 1.0]), 300, bound=100)
    assert not np.array_equal(quiet.final_point, result.final_point)  # the noise did something
