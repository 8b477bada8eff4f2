"""Live sliders' numbers: each value's path is `run`'s for exactly that value; the payload decodes to it within
the quantisation (simplified paths within half a pixel); values are exact and short; outcomes are the race's."""

from __future__ import annotations

import itertools
import json
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from figures.live import (
    FULL_STEPS,
    MAP_PX,
    QUANTA,
    LiveRun,
    decode,
    encode,
    keep_mask,
    quantise,
    second_differences,
)
from optimizers import OPTIMIZERS, OUTCOMES, GradientNoise, make_optimizer, run
from optimizers.live import SLIDER_VALUES, live_batch, live_names, short_value, slider_values
from optimizers.outcomes import classify, trajectory_metrics
from surfaces import SURFACES

ROSENBROCK = SURFACES["rosenbrock"]
START = (-1.2, 1.0)
BOUND = 150.0


def _px(domain) -> np.ndarray:
    """Pixels per map unit on each axis of a MAP_PX-wide map (the y axis as many pixels per unit range)."""
    (x0, x1), (y0, y1) = domain
    return np.array([MAP_PX / (x1 - x0), MAP_PX / (y1 - y0)])


def _specs(optimizer):
    return {spec.name: spec for spec in OPTIMIZERS[optimizer].HYPERPARAMETERS}


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_every_numeric_hyperparameter_but_eps_is_live(optimizer):
    names = live_names(optimizer)
    assert "lr" in names and "eps" not in names
    assert all(_specs(optimizer)[name].scale in ("log", "one_minus_log", "linear") for name in names)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([("adamax", "lr"), ("adamax", "beta1"), ("adamax", "beta2"), ("sgd", "momentum"),
                        ("adagrad", "initial_accumulator_value"), ("adamlp", "p"), ("rmsprop", "alpha")]),
       st.floats(0.0, 1.0))
def test_slider_values_hold_the_current_value_to_the_bit_and_short_values_elsewhere(pair, where):
    optimizer, name = pair
    spec = _specs(optimizer)[name]
    low = spec.low if spec.low > 0 or spec.scale != "log" else spec.high * 1e-8
    current = low + where * (spec.high - low)
    values, at = slider_values(spec, current)
    assert values[at] == current                       # the very float, not a rounded one
    assert np.all(np.diff(values) > 0)
    assert len(values) >= SLIDER_VALUES - 2            # rounding merges at most a value or two at the ends
    for value in np.delete(values, at).tolist():
        assert float(repr(value)) == value and len(repr(value)) <= 12   # prints and parses back exactly


def test_slider_values_are_even_on_the_natural_scale():
    lr, _ = slider_values(_specs("adamax")["lr"], 0.1)
    steps = np.diff(np.log10(np.delete(lr, np.flatnonzero(lr == 0.1))))
    assert steps.max() < 1.1 * steps.min() + 0.01     # log-even up to 3-digit rounding
    beta2, _ = slider_values(_specs("adamax")["beta2"], 0.99)
    nines = -np.log10(1 - beta2)
    assert nines[-1] == pytest.approx(4.0) and np.diff(nines).max() < 0.08


def test_short_value_rounds_on_the_scale():
    specs = _specs("adam")
    assert short_value(specs["lr"], 0.0123456) == 0.0123
    assert short_value(specs["beta2"], 0.998765432) == 0.99877
    assert short_value(specs["beta2"], 0.0) == 0.0


@pytest.mark.parametrize("optimizer, settings", [
    ("adamax", {"lr": 0.1, "beta2": 0.99}), ("adam", {"lr": 0.05}), ("sgd", {"lr": 0.002, "momentum": 0.9}),
    ("sgd", {"lr": 0.001, "momentum": 0.5, "nesterov": True}), ("rmsprop", {"lr": 0.01}), ("adagrad", {"lr": 0.3}),
    ("adamlp", {"lr": 0.05, "p": 8.0}),
])
def test_each_members_path_is_runs_path_for_that_value_alone(optimizer, settings):
    """Bit for bit, for every value of every live slider (a sample of them, spread over each slider); Adam-Lp's
    np.power with an array exponent rounds some values one ulp off a scalar exponent's: within 1e-12 there."""
    names = live_names(optimizer)
    batch = live_batch(optimizer, settings, names, ROSENBROCK, START, 120, bound=BOUND)
    assert [slider.name for slider in batch.sliders] == list(names)
    for index, slider in enumerate(batch.sliders):
        paths = batch.paths(index)
        assert slider.values[slider.current] == float(make_optimizer(optimizer, **settings).hyperparameters()[
            slider.name])
        for member in sorted({0, slider.current, len(slider.values) // 2, len(slider.values) - 1}):
            alone = run(make_optimizer(optimizer, **{**settings, slider.name: float(slider.values[member])}),
                        ROSENBROCK, np.array(START), 120, bound=BOUND)
            if optimizer == "adamlp":
                np.testing.assert_allclose(paths[:, member], alone.points, rtol=1e-12, atol=1e-14)
            else:
                np.testing.assert_array_equal(paths[:, member], alone.points)
            metrics = trajectory_metrics(alone, ROSENBROCK, minimum_value=0.0, tolerance=1e-4)
            assert slider.outcomes[member] == classify(metrics)


def test_nesterov_runs_offer_only_positive_momentum():
    batch = live_batch("sgd", {"lr": 0.001, "momentum": 0.5, "nesterov": True}, ("momentum",), ROSENBROCK, START,
                       10, bound=BOUND)
    assert batch.sliders[0].values.min() > 0


def test_noise_is_the_same_draws_as_the_run_alone():
    noise = GradientNoise(kind="gaussian", scale=0.5, seed=3)
    batch = live_batch("adamax", {"lr": 0.05}, ("lr",), ROSENBROCK, START, 80, bound=BOUND, noise=noise)
    slider = batch.sliders[0]
    alone = run(make_optimizer("adamax", lr=float(slider.values[7])), ROSENBROCK, np.array(START), 80,
                bound=BOUND, noise=noise)
    np.testing.assert_array_equal(batch.paths(0)[:, 7], alone.points)


def test_outcome_strip_sees_blow_ups_at_large_sgd_learning_rates():
    batch = live_batch("sgd", {"lr": 0.002}, ("lr",), ROSENBROCK, START, 200, bound=BOUND)
    names = [OUTCOMES[code] for code in batch.sliders[0].outcomes]
    assert names[-1] == "diverged" and names[0] != "diverged"


def test_unknown_names_are_refused_clearly():
    with pytest.raises(ValueError, match="no numeric hyperparameter 'eps_mode'"):
        live_batch("adamax", {}, ("eps_mode",), ROSENBROCK, START, 10, bound=BOUND)
    with pytest.raises(ValueError, match="unknown optimizer"):
        live_names("adamw")


def _payload(steps, names=("lr", "beta1", "beta2"), surface=ROSENBROCK, optimizer="adamax", settings=None):
    settings = settings if settings is not None else {"lr": 0.1, "beta2": 0.99}
    batch = live_batch(optimizer, settings, names, surface, START, steps, bound=BOUND)
    return batch, encode([LiveRun(0, "AdaMax", "#D55E00", 8.0, batch)], surface.domain, steps)


def test_decoded_paths_are_the_runs_paths_within_the_quantisation():
    batch, payload = _payload(500)
    header, paths = decode(payload)
    assert header["simplified"] is False and header["thinned"] == 1
    px = _px(ROSENBROCK.domain)
    worst = 0.0
    for index, slider in enumerate(batch.sliders):
        exact = batch.paths(index)
        for member in range(len(slider.values)):
            drawn = paths[0][index][member]
            assert drawn.shape == (501, 2)
            worst = max(worst, float(np.abs((drawn - exact[:, member]) * px).max()))
    # half a quantum on each axis: 0.5 · MAP_PX / QUANTA pixels
    assert worst <= 0.5 * MAP_PX / QUANTA + 1e-9


def test_header_values_are_the_sliders_values_to_the_bit():
    batch, payload = _payload(50)
    (length,) = struct.unpack("<I", payload[4:8])
    header = json.loads(payload[8:8 + length])
    for shipped, slider in zip(header["runs"][0]["sliders"], batch.sliders, strict=True):
        assert np.array_equal(np.array(shipped["values"], dtype=np.float64), slider.values)
        assert shipped["current"] == slider.current
        assert shipped["outcomes"] == slider.outcomes.tolist()


def _segment_distance(points, a, b):
    """Distance of each point (n, 2) to the segment a–b."""
    ab = b - a
    length = float(ab @ ab)
    t = np.zeros(len(points)) if length == 0 else np.clip((points - a) @ ab / length, 0, 1)
    return np.linalg.norm(points - (a + t[:, None] * ab), axis=1)


def test_long_horizons_are_simplified_within_half_a_pixel():
    steps = 2 * FULL_STEPS
    batch, payload = _payload(steps, names=("lr",))
    header, paths = decode(payload)
    assert header["simplified"] is True
    px = _px(ROSENBROCK.domain)
    exact = batch.paths(0) * px
    kept_total = 0
    for member in range(len(batch.sliders[0].values)):
        drawn = paths[0][0][member] * px
        kept_total += len(drawn)
        true = exact[:, member]
        # every true point lies within 0.5 px of the drawn polyline
        distance = np.full(len(true), np.inf)
        for a, b in itertools.pairwise(drawn):
            distance = np.minimum(distance, _segment_distance(true, a, b))
        if len(drawn) == 1:
            distance = np.linalg.norm(true - drawn[0], axis=1)
        assert distance.max() <= 0.5, member
    assert kept_total < 0.9 * (steps + 1) * len(batch.sliders[0].values)   # it did simplify


def test_keep_mask_keeps_the_ends_and_drops_what_is_close():
    quanta = np.array([[0, 0], [0, 1], [0, 5], [0, 6], [0, 6]])[:, None, :]
    assert keep_mask(quanta, 2.0)[:, 0].tolist() == [True, False, True, False, True]


def test_second_differences_invert_by_two_cumulative_sums():
    points = np.array([[3, -2], [5, 7], [5, 7], [-9, 100]])
    np.testing.assert_array_equal(np.cumsum(np.cumsum(second_differences(points), axis=0), axis=0), points)


def test_quantise_keeps_far_points_far():
    far = quantise(np.array([[1e3, -1e3]]), ROSENBROCK.domain)
    assert far[0, 0] > 100 * QUANTA and far[0, 1] < -100 * QUANTA


def test_the_default_view_fits_its_budget():
    from ui.presets import preset_for

    preset = preset_for("rosenbrock")
    lives = []
    for index, spec in enumerate(preset.runs):
        names = live_names(spec.optimizer) if index == 0 else ("lr",)
        batch = live_batch(spec.optimizer, spec.kwargs(), names, ROSENBROCK, preset.start, preset.steps,
                           bound=BOUND)
        lives.append(LiveRun(index, spec.optimizer, "#000000", 4.0, batch))
    assert len(encode(lives, ROSENBROCK.domain, preset.steps)) <= 150_000


def test_a_payload_over_its_budget_ships_fewer_values_with_the_current_one():
    batch, payload = _payload(300, names=("lr",))
    small = encode([LiveRun(0, "AdaMax", "#D55E00", 8.0, batch)], ROSENBROCK.domain, 300,
                   max_bytes=len(payload) // 3)
    header, paths = decode(small)
    shipped = header["runs"][0]["sliders"][0]
    assert header["thinned"] > 1 and len(small) <= len(payload) // 3
    slider = batch.sliders[0]
    assert shipped["values"][shipped["current"]] == slider.values[slider.current]
    assert shipped["values"][0] == slider.values[0] and shipped["values"][-1] == slider.values[-1]
    member = int(np.flatnonzero(slider.values == shipped["values"][3])[0])
    np.testing.assert_allclose(paths[0][0][3], batch.paths(0)[:, member], atol=4.0 / QUANTA)


@pytest.mark.parametrize("surface_key, optimizer", [("rosenbrock", "rmsprop"), ("rastrigin", "sgd")])
def test_a_cached_grid_stays_within_its_budget_at_the_longest_horizon(surface_key, optimizer):
    """The largest encoded runs measured over the surfaces and optimizers, at MAX_STEPS, slider by slider (a
    page caches each slider's grid: ui/cache.py's budget)."""
    from figures.live import encode_run
    from ui.cache import CACHE_BUDGETS, deep_size
    from ui.state import MAX_STEPS

    surface = SURFACES[surface_key]
    for name in live_names(optimizer):
        batch = live_batch(optimizer, {}, (name,), surface, surface.start, MAX_STEPS,
                           bound=50 * float(np.abs(surface.domain).max()), grid_only=True)
        assert deep_size(encode_run(batch, surface.domain, MAX_STEPS)) <= CACHE_BUDGETS["live_grid"][1]


@pytest.mark.parametrize("lr", [0.0123456, None])
def test_a_grid_plus_the_runs_own_path_is_the_batch_with_the_current_value(lr):
    """What the page ships (each slider's grid, kept while its value moves, and the run's own path inserted)
    decodes to exactly what one batch with the current value gives."""
    from figures.live import assemble, encode_run, merge, with_current
    from optimizers.live import grid_values

    specs = _specs("adamax")
    lr = float(grid_values(specs["lr"])[40]) if lr is None else lr    # on the grid, or off it
    settings = {"lr": lr, "beta2": 0.99}
    names = ("lr", "beta1")
    whole = live_batch("adamax", settings, names, ROSENBROCK, START, 200, bound=BOUND)
    alone = run(make_optimizer("adamax", **settings), ROSENBROCK, np.array(START), 200, bound=BOUND)
    outcome = int(classify(trajectory_metrics(alone, ROSENBROCK, minimum_value=0.0, tolerance=1e-4)))
    parts = []
    for name in names:
        grid = live_batch("adamax", settings, (name,), ROSENBROCK, START, 200, bound=BOUND, grid_only=True)
        parts.append(with_current(encode_run(grid, ROSENBROCK.domain, 200), settings.get(name, 0.9),
                                  alone.points, outcome, ROSENBROCK.domain, 200))
    live = LiveRun(0, "AdaMax", "#D55E00", 8.0)
    shipped = decode(assemble([(live, merge(parts))], ROSENBROCK.domain, 200))
    expected = decode(assemble([(live, encode_run(whole, ROSENBROCK.domain, 200))], ROSENBROCK.domain, 200))
    assert shipped[0]["runs"] == expected[0]["runs"]
    for got, want in zip(shipped[1][0], expected[1][0], strict=True):
        for a, b in zip(got, want, strict=True):
            np.testing.assert_array_equal(a, b)
