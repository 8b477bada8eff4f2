"""`run`: shapes, broadcasting, batching, divergence, recorded state and limits (the public contract in the README)."""

from __future__ import annotations

import math
import time
import tracemalloc
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizers import MAX_BATCH, MAX_STEPS, SGD, AdaGrad, Adam, AdaMax, AdamLp, RMSProp, adamax_step_bound, run
from optimizers.trajectory import DEFAULT_BOUND
from tests.support import rules as ref
from tests.support.rules import Beale, Bowl, Rosenbrock, RotatedQuadratic, Wavy

PROPERTY = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- shapes ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("batch", [(), (5,), (3, 4), (0,)])
@pytest.mark.parametrize("steps", [0, 1, 17])
def test_shapes(batch, steps):
    rng = np.random.default_rng(1)
    start = rng.uniform(-2, 2, size=(*batch, 2))
    start_copy = start.copy()
    traj = run(AdaMax(lr=0.01), Rosenbrock(), start, steps)
    assert traj.points.shape == (steps + 1, *batch, 2)
    assert traj.losses.shape == (steps + 1, *batch)
    assert traj.diverged_at.shape == batch
    assert traj.steps == steps
    assert traj.grads is None and traj.states is None
    np.testing.assert_array_equal(traj.points[0], start)
    np.testing.assert_array_equal(traj.losses, Rosenbrock.f(traj.points))
    np.testing.assert_array_equal(start, start_copy)  # the caller's start is not modified
    assert traj.points.dtype == np.float64


def test_start_as_list_and_record_state_shapes():
    traj = run(Adam(lr=0.01), Beale(), [[1.0, 1.5], [2.0, 0.0], [0.0, 0.0]], 9, record_state=True)
    assert traj.points.shape == (10, 3, 2)
    assert traj.grads.shape == (9, 3, 2)
    assert set(traj.states) == {"m", "v"}
    assert all(series.shape == (9, 3, 2) for series in traj.states.values())


# --- hyperparameter broadcasting -------------------------------------------------------------------------------

def test_lr_per_member_with_batched_start():
    rng = np.random.default_rng(2)
    start = rng.uniform(-2, 2, size=(4, 2))
    lr = np.array([[0.001], [0.01], [0.03], [0.1]])
    traj = run(AdaMax(lr=lr), Rosenbrock(), start, 120)
    assert traj.points.shape == (121, 4, 2)
    for i in range(4):
        alone = run(AdaMax(lr=float(lr[i, 0])), Rosenbrock(), start[i], 120)
        np.testing.assert_allclose(traj.points[:, i], alone.points, rtol=1e-12, atol=1e-14)
    # the members really differ
    assert np.abs(traj.points[-1, 0] - traj.points[-1, 3]).max() > 0.1


def test_single_start_with_lr_per_member_makes_a_batch():
    lr = np.array([[1e-4], [1e-3], [1e-2]])
    traj = run(SGD(lr=lr, momentum=0.9), RotatedQuadratic(), [2.0, -1.5], 80)
    assert traj.points.shape == (81, 3, 2) and traj.losses.shape == (81, 3) and traj.diverged_at.shape == (3,)
    np.testing.assert_array_equal(traj.points[0], [[2.0, -1.5]] * 3)
    for i in range(3):
        expected = ref.sgd(RotatedQuadratic.grad, (2.0, -1.5), 80, lr=float(lr[i, 0]), momentum=0.9)
        np.testing.assert_allclose(traj.points[:, i], expected, rtol=1e-10, atol=1e-12)


def test_two_hyperparameters_broadcast_to_a_grid():
    lr = np.array([0.01, 0.02, 0.05]).reshape(3, 1, 1)
    beta1 = np.array([0.0, 0.5, 0.9, 0.95]).reshape(1, 4, 1)
    traj = run(Adam(lr=lr, beta1=beta1), Beale(), [1.0, 1.5], 40)
    assert traj.points.shape == (41, 3, 4, 2)
    for i, j in [(0, 0), (2, 3), (1, 2)]:
        alone = run(Adam(lr=float(lr[i, 0, 0]), beta1=float(beta1[0, j, 0])), Beale(), [1.0, 1.5], 40)
        np.testing.assert_allclose(traj.points[:, i, j], alone.points, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(("lr_shape", "start_shape"), [((3,), (4, 2)), ((3, 1), (4, 2)), ((3,), (2,)),
                                                       ((2, 3), (2,)), ((5, 1), (2, 3, 2))])
def test_hyperparameter_shapes_that_do_not_broadcast(lr_shape, start_shape):
    with pytest.raises(ValueError, match="broadcast"):
        run(AdaMax(lr=np.full(lr_shape, 0.01)), Bowl(), np.zeros(start_shape), 5)


# --- property: a batch is its members run one by one -----------------------------------------------------------

def _log_uniform(low: float, high: float):
    return st.floats(math.log10(low), math.log10(high)).map(lambda e: 10.0**e)


SPACES = {
    "adamax": {"lr": _log_uniform(1e-4, 0.5), "beta1": st.floats(0.0, 0.99), "beta2": st.floats(0.5, 0.9999)},
    "adam": {"lr": _log_uniform(1e-4, 0.5), "beta1": st.floats(0.0, 0.99), "beta2": st.floats(0.5, 0.9999)},
    "adamlp": {"lr": _log_uniform(1e-4, 0.5), "beta1": st.floats(0.0, 0.99), "beta2": st.floats(0.5, 0.9999),
               "p": st.floats(1.0, 64.0)},
    "sgd": {"lr": _log_uniform(1e-5, 0.05), "momentum": st.floats(0.01, 0.95)},
    "rmsprop": {"lr": _log_uniform(1e-4, 0.1), "alpha": st.floats(0.5, 0.999), "momentum": st.floats(0.0, 0.9)},
    "adagrad": {"lr": _log_uniform(1e-3, 1.0), "initial_accumulator_value": st.floats(0.0, 2.0)},
}
CLASSES = {"adamax": AdaMax, "adam": Adam, "adamlp": AdamLp, "sgd": SGD, "rmsprop": RMSProp, "adagrad": AdaGrad}


@st.composite
def surfaces(draw):
    kind = draw(st.sampled_from(["wavy", "rosenbrock", "quadratic", "beale"]))
    if kind != "wavy":
        return {"rosenbrock": Rosenbrock(), "quadratic": RotatedQuadratic(), "beale": Beale()}[kind]
    coefficient = st.floats(-2.0, 2.0)
    return Wavy(draw(st.floats(0.05, 2.0)), draw(st.floats(0.05, 2.0)), draw(coefficient), draw(coefficient),
                draw(coefficient), draw(st.floats(0.5, 5.0)))


starts = st.tuples(st.floats(-2.0, 2.0), st.floats(-2.0, 2.0))


@given(data=st.data(), key=st.sampled_from(sorted(SPACES)), surface=surfaces(), size=st.integers(1, 4),
       steps=st.integers(0, 60))
@PROPERTY
def test_batch_equals_members_run_alone(data, key, surface, size, steps):
    cls, space = CLASSES[key], SPACES[key]
    members = [{name: data.draw(strategy) for name, strategy in space.items()} for _ in range(size)]
    shared = {}
    if key == "adamax":
        shared["eps_mode"] = data.draw(st.sampled_from(["pytorch", "keras", "paper"]))
    if key == "sgd":
        shared["nesterov"] = data.draw(st.booleans())
    if key == "adamlp":
        shared["form"] = data.draw(st.sampled_from(["stable", "naive"]))
    start = np.array([data.draw(starts) for _ in range(size)])
    batched = {name: np.array([[m[name]] for m in members]) for name in space}
    traj = run(cls(**batched, **shared), surface, start, steps)
    for i, member in enumerate(members):
        # As a batch of one, with hyperparameters of shape (1, 1): the very same kernels, so bitwise equal.
        single = run(cls(**{k: np.array([[v]]) for k, v in member.items()}, **shared), surface, start[i:i + 1], steps)
        assert traj.diverged_at[i] == single.diverged_at[0]
        np.testing.assert_array_equal(traj.points[:, i], single.points[:, 0])
        np.testing.assert_array_equal(traj.losses[:, i], single.losses[:, 0])
        # As the plain call, start (2,) and float hyperparameters: NumPy's scalar and array kernels may differ in
        # the last bit (power's fast paths for scalar exponents, 0-d arithmetic), and on chaotic paths the
        # dynamics amplify that (measured: 1e-17 at step 6 to 1e-3 at step 60 for Adam-Lp on a wavy surface),
        # so the plain call is held to 1e-12 over the first 10 steps, before any amplification can matter.
        alone = run(cls(**member, **shared), surface, start[i], min(steps, 10))
        np.testing.assert_allclose(traj.points[:11, i], alone.points, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(traj.losses[:11, i], alone.losses, rtol=1e-12, atol=1e-12)


# --- property: AdaMax's steps stay within the bound ------------------------------------------------------------

@given(surface=surfaces(), start=starts, steps=st.integers(1, 200), lr=_log_uniform(1e-4, 1.0),
       beta1=st.floats(0.0, 0.999), beta2=st.floats(0.01, 0.9999), eps_mode=st.sampled_from(["pytorch", "keras",
                                                                                            "paper"]))
@PROPERTY
def test_adamax_steps_within_bound(surface, start, steps, lr, beta1, beta2, eps_mode):
    traj = run(AdaMax(lr=lr, beta1=beta1, beta2=beta2, eps_mode=eps_mode), surface, start, steps)
    moves = np.abs(np.diff(traj.points, axis=0))
    # rounding of points[t] = points[t−1] + Δ and of the subtraction: a few ulps of the positions
    rounding = 4 * np.spacing(np.maximum(np.abs(traj.points[1:]), np.abs(traj.points[:-1])))
    bounds = adamax_step_bound(lr, beta1, beta2, np.arange(1, steps + 1))[:, None]
    assert (moves <= bounds * (1 + 1e-9) + 1e-15 + rounding).all()
    if beta1 < beta2:
        assert (moves <= lr * (1 - beta1) / (1 - beta1 / beta2) * (1 + 1e-9) + 1e-15 + rounding).all()
    assert np.isfinite(traj.points).all() and np.isfinite(traj.losses).all()


# --- property: outputs are finite whatever happens -------------------------------------------------------------

@given(data=st.data(), key=st.sampled_from(sorted(SPACES)), surface=surfaces(), steps=st.integers(0, 80),
       lr_scale=_log_uniform(1.0, 1e4))
@PROPERTY
def test_outputs_finite_even_when_diverging(data, key, surface, steps, lr_scale):
    """Learning rates up to 10⁴× the usual range: members may diverge, but nothing non-finite is returned."""
    cls, space = CLASSES[key], SPACES[key]
    member = {name: data.draw(strategy) for name, strategy in space.items()}
    member["lr"] *= lr_scale
    start = np.array([data.draw(starts) for _ in range(3)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = run(cls(**member), surface, start, steps, record_state=True)
    assert np.isfinite(traj.points).all() and np.isfinite(traj.losses).all() and np.isfinite(traj.grads).all()
    assert (np.abs(traj.points) <= DEFAULT_BOUND).all()
    for i, d in enumerate(traj.diverged_at):
        if d >= 1:  # held at the last finite point from the failing step on
            held = np.broadcast_to(traj.points[d - 1, i], (steps + 1 - d, 2))
            np.testing.assert_array_equal(traj.points[d:, i], held)
            np.testing.assert_array_equal(traj.losses[d:, i], traj.losses[d - 1, i])


# --- divergence ------------------------------------------------------------------------------------------------

def manual_sgd(grad, f, start, lr: float, steps: int, bound: float):
    """Plain SGD in Python floats, stopping at the first step whose point leaves the bound or is not finite."""
    x, y = float(start[0]), float(start[1])
    path = [(x, y)]
    for t in range(1, steps + 1):
        gx, gy = grad(x, y)
        x_new, y_new = x - lr * gx, y - lr * gy
        values = (x_new, y_new, *grad(x_new, y_new), f(x_new, y_new))
        if not all(math.isfinite(v) for v in values) or max(abs(x_new), abs(y_new)) > bound:
            return np.array(path), t
        x, y = x_new, y_new
        path.append((x, y))
    return np.array(path), -1


def rosenbrock_grad_floats(x, y):
    return -2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)


def rosenbrock_f_floats(x, y):
    return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)


@pytest.mark.parametrize(("start", "lr"), [((2.0, 2.0), 0.1), ((-1.5, 2.0), 0.02), ((0.5, 0.5), 0.01),
                                           ((-1.2, 1.0), 0.01)])
def test_sgd_divergence_on_rosenbrock(start, lr):
    steps = 200
    expected, diverged_at = manual_sgd(rosenbrock_grad_floats, rosenbrock_f_floats, start, lr, steps, DEFAULT_BOUND)
    assert diverged_at >= 1  # these learning rates are chosen to blow up
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = run(SGD(lr=lr), Rosenbrock(), start, steps)
    d = int(traj.diverged_at)
    assert d == diverged_at
    assert bool(traj.diverged)
    np.testing.assert_allclose(traj.points[:d], expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(traj.points[d:], np.broadcast_to(traj.points[d - 1], (steps + 1 - d, 2)))
    np.testing.assert_array_equal(traj.losses[d:], traj.losses[d - 1])
    assert np.isfinite(traj.points).all() and np.isfinite(traj.losses).all()


def test_divergence_with_a_smaller_bound():
    """The bound is a parameter: with bound 3 the same run diverges where |x| or |y| first exceeds 3."""
    start, lr = (-1.5, 2.0), 0.02
    expected, diverged_at = manual_sgd(rosenbrock_grad_floats, rosenbrock_f_floats, start, lr, 200, 3.0)
    traj = run(SGD(lr=lr), Rosenbrock(), start, 200, bound=3.0)
    assert int(traj.diverged_at) == diverged_at >= 1
    np.testing.assert_allclose(traj.points[:diverged_at], expected, rtol=1e-12, atol=1e-12)
    assert np.abs(traj.points).max() <= 3.0
    assert int(run(SGD(lr=lr), Rosenbrock(), start, 200).diverged_at) > diverged_at


class SqrtSurface:
    """√x + y²: NaN for x < 0, an infinite gradient at x = 0 — a run that crosses x = 0 meets non-finite values."""

    @staticmethod
    def f(xy):
        return np.sqrt(xy[..., 0]) + xy[..., 1] ** 2

    @staticmethod
    def grad(xy):
        return np.stack([0.5 / np.sqrt(xy[..., 0]), 2 * xy[..., 1]], axis=-1)


def test_divergence_by_non_finite_values_without_warnings():
    def grad(x, y):
        return (0.5 / math.sqrt(x) if x > 0 else math.nan), 2 * y

    def f(x, y):
        return math.sqrt(x) + y * y if x >= 0 else math.nan

    start, lr = (1.0, 0.5), 0.3
    expected, diverged_at = manual_sgd(grad, f, start, lr, 50, DEFAULT_BOUND)
    assert diverged_at >= 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = run(SGD(lr=lr), SqrtSurface(), start, 50, record_state=True)
    assert int(traj.diverged_at) == diverged_at
    np.testing.assert_allclose(traj.points[:diverged_at], expected, rtol=1e-12)
    assert np.isfinite(traj.points).all() and np.isfinite(traj.losses).all() and np.isfinite(traj.grads).all()


def test_invalid_start_member_is_diverged_at_zero():
    start = np.array([[1.0, 0.5], [-1.0, 0.5], [4.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = run(AdaMax(lr=0.01), SqrtSurface(), start, 20, record_state=True, bound=3.5)
    np.testing.assert_array_equal(traj.diverged_at, [-1, 0, 0])
    for i in (1, 2):
        np.testing.assert_array_equal(traj.points[:, i], np.broadcast_to(start[i], (21, 2)))
        np.testing.assert_array_equal(traj.losses[:, i], 0.0)
        np.testing.assert_array_equal(traj.grads[:, i], 0.0)
        np.testing.assert_array_equal(traj.states["m"][:, i], 0.0)
    assert np.isfinite(traj.points).all() and np.isfinite(traj.losses).all()
    assert abs(traj.points[-1, 0, 0] - 1.0) > 0.1


def test_batch_where_only_some_members_diverge():
    start = np.array([[-1.5, 2.0], [-1.5, 2.0], [0.5, 0.5], [-1.2, 1.0], [2.0, 2.0]])
    lr = np.array([[1e-4], [0.02], [1e-3], [0.005], [0.1]])
    traj = run(SGD(lr=lr), Rosenbrock(), start, 200)
    diverged = traj.diverged_at >= 1
    assert diverged.any() and not diverged.all()
    for i in range(len(start)):
        alone = run(SGD(lr=float(lr[i, 0])), Rosenbrock(), start[i], 200)
        assert traj.diverged_at[i] == alone.diverged_at
        np.testing.assert_array_equal(traj.points[:, i], alone.points)
        np.testing.assert_array_equal(traj.losses[:, i], alone.losses)
        if not diverged[i]:
            expected = ref.sgd(Rosenbrock.grad, start[i], 200, lr=float(lr[i, 0]))
            np.testing.assert_allclose(traj.points[:, i], expected, rtol=1e-10, atol=1e-12)


# --- recorded state --------------------------------------------------------------------------------------------

def test_recorded_adamax_state_matches_reference():
    record: dict = {}
    start, steps = (-1.5, 2.0), 300
    expected = ref.adamax(Rosenbrock.grad, start, steps, lr=0.05, record=record)
    traj = run(AdaMax(lr=0.05), Rosenbrock(), start, steps, record_state=True)
    assert set(traj.states) == {"m", "u"}
    np.testing.assert_allclose(traj.points, expected, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(traj.states["m"], np.array(record["m"]), rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(traj.states["u"], np.array(record["u"]), rtol=1e-9)
    np.testing.assert_allclose(traj.grads, np.array(record["g"]), rtol=1e-8, atol=1e-9)
    np.testing.assert_array_equal(traj.grads, Rosenbrock.grad(traj.points[:-1]))


@pytest.mark.parametrize("optimizer", [SGD(lr=np.array([[1e-4], [0.02], [0.1]])),
                                       SGD(lr=np.array([[1e-4], [0.02], [0.1]]), momentum=0.5)],
                         ids=["plain", "momentum"])
def test_recorded_state_after_divergence(optimizer):
    start = np.array([[-1.5, 2.0], [-1.5, 2.0], [2.0, 2.0]])
    steps = 100
    traj = run(optimizer, Rosenbrock(), start, steps, record_state=True)
    assert (traj.diverged_at[1:] >= 1).all() and traj.diverged_at[0] == -1
    # grads[i] is the gradient at points[i], also after a divergence (the point is held, so is its gradient)
    np.testing.assert_array_equal(traj.grads, Rosenbrock.grad(traj.points[:-1]))
    b = traj.states["b"]
    for i, d in enumerate(traj.diverged_at):
        alone = run(SGD(lr=float(optimizer.lr[i, 0]), momentum=optimizer.momentum), Rosenbrock(), start[i], steps,
                    record_state=True)
        np.testing.assert_array_equal(b[:, i], alone.states["b"])
        if d >= 1:
            # b before the failing step matches the reference rule; from the failing step on it is held
            record: dict = {}
            ref.sgd(Rosenbrock.grad, start[i], d - 1, lr=float(optimizer.lr[i, 0]),
                    momentum=optimizer.momentum, record=record)
            if optimizer.momentum > 0 and d >= 2:
                np.testing.assert_allclose(b[: d - 1, i], np.array(record["b"]), rtol=1e-12)
            elif d >= 2:  # μ = 0: the buffer is the gradient itself
                np.testing.assert_array_equal(b[: d - 1, i], traj.grads[: d - 1, i])
            held = b[d - 2, i] if d >= 2 else np.zeros(2)
            np.testing.assert_array_equal(b[d - 1:, i], np.broadcast_to(held, (steps - d + 1, 2)))


# --- limits ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("steps", [-1, MAX_STEPS + 1, 2.5, 10.0, True, False, "10", None])
def test_invalid_steps(steps):
    with pytest.raises(ValueError, match="steps"):
        run(AdaMax(), Bowl(), [1.0, 1.0], steps)


def test_valid_step_types():
    assert run(AdaMax(), Bowl(), [1.0, 1.0], np.int64(3)).points.shape == (4, 2)
    assert run(AdaMax(), Bowl(), [1.0, 1.0], 0).points.shape == (1, 2)


def _raises_quickly_without_allocating(call) -> None:
    tracemalloc.start()
    began = time.perf_counter()
    try:
        with pytest.raises(ValueError, match="must be at most"):
            call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - began < 1.0
    assert peak < 2_000_000, f"allocated {peak:,} bytes before refusing"


def test_batch_too_large():
    lr = np.broadcast_to(0.01, (4 * MAX_BATCH, 1))  # a view: no memory behind it
    _raises_quickly_without_allocating(lambda: run(AdaMax(lr=lr), Bowl(), [1.0, 1.0], 1))
    start = np.broadcast_to(np.array([1.0, 1.0]), (MAX_BATCH + 1, 2))
    _raises_quickly_without_allocating(lambda: run(AdaMax(), Bowl(), start, 1))


def test_steps_times_batch_too_large():
    start = np.zeros((1000, 2))
    _raises_quickly_without_allocating(lambda: run(AdaMax(), Bowl(), start, MAX_STEPS))
    start = np.zeros((10_000, 2))
    _raises_quickly_without_allocating(lambda: run(AdaMax(), Bowl(), start, 201, record_state=True))
    assert run(AdaMax(), Bowl(), start, 201).points.shape == (202, 10_000, 2)  # allowed without record_state


@pytest.mark.parametrize("start", [[1.0, 2.0, 3.0], 1.0, [[1.0, 2.0, 3.0]], np.zeros((2, 3)), np.zeros((4, 1)),
                                   [np.nan, 0.0], [[0.0, 0.0], [np.inf, 1.0]], [0.0, -np.inf]])
def test_invalid_start(start):
    with pytest.raises(ValueError, match="start"):
        run(AdaMax(), Bowl(), start, 5)


def test_invalid_bound():
    for bound in (0.0, -1.0, np.nan):
        with pytest.raises(ValueError, match="bound"):
            run(AdaMax(), Bowl(), [1.0, 1.0], 5, bound=bound)
