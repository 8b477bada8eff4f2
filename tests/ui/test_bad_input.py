"""The library with bad input: a ValueError naming the parameter, before any large allocation, and no warning."""

from __future__ import annotations

import time
import tracemalloc
import warnings
from fractions import Fraction

import numpy as np
import pytest

from optimizers import OPTIMIZERS, SGD, AdaGrad, Adam, AdaMax, AdamLp, RMSProp, adam_step_bound, adamax_step_bound, run
from optimizers.base import HyperparameterError
from surfaces import SURFACES

ROSENBROCK = SURFACES["rosenbrock"]


def refuses_cheaply(call, match: str) -> None:
    """`call` raises ValueError matching `match` within 0.5 s, having allocated under 2 MB."""
    tracemalloc.start()
    began = time.perf_counter()
    try:
        with pytest.raises(ValueError, match=match):
            call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - began < 0.5
    assert peak < 2_000_000, f"allocated {peak:,} bytes before refusing"


@pytest.mark.parametrize("size", [5 * 10**8, 10**12])
def test_huge_broadcast_hyperparameters_are_refused_on_their_shape(size):
    lr = np.broadcast_to(0.05, (size, 1))  # a view: nothing behind it until someone copies it
    refuses_cheaply(lambda: AdaMax(lr=lr), r"lr has [\d,]+ elements")
    refuses_cheaply(lambda: run(AdaMax(lr=lr), ROSENBROCK, [0.0, 0.0], 10), "lr")


@pytest.mark.parametrize("size", [5 * 10**8, 10**12])
def test_huge_broadcast_starts_are_refused_before_the_copy(size):
    start = np.broadcast_to(np.array([0.5, 0.5]), (size, 2))
    refuses_cheaply(lambda: run(AdaMax(), ROSENBROCK, start, 10), "batch size")
    start_int = np.broadcast_to(np.array([1, 2]), (size, 2))  # an int view: a float cast would materialise it
    refuses_cheaply(lambda: run(AdaMax(), ROSENBROCK, start_int, 10), "batch size")


@pytest.mark.parametrize("value", [1j, np.complex128(1 + 0j), {}, {"lr": 0.1}, "0.1", b"0.1", True, np.True_, None,
                                   [0.1, "x"], np.array(["0.1"]), np.array([True]), object()])
@pytest.mark.parametrize("cls", list(OPTIMIZERS.values()))
def test_wrong_types_of_lr_name_the_parameter(cls, value):
    with pytest.raises(ValueError, match="lr"):
        cls(lr=value)


def test_real_numbers_of_any_kind_are_accepted():
    assert AdaMax(lr=1).lr == 1.0 and AdaMax(lr=np.float32(0.5)).lr == 0.5 and AdaMax(lr=Fraction(1, 4)).lr == 0.25
    assert AdaMax(lr=[0.1, 0.2]).lr.tolist() == [0.1, 0.2]
    assert AdaMax(lr=np.array([[1], [2]])).lr.dtype == np.float64


@pytest.mark.parametrize("cls", list(OPTIMIZERS.values()))
def test_unknown_hyperparameters_are_a_value_error_listing_the_valid_ones(cls):
    with pytest.raises(ValueError, match="no hyperparameter 'foo'; valid: lr") as caught:
        cls(foo=1)
    assert isinstance(caught.value, HyperparameterError) and isinstance(caught.value, TypeError)
    with pytest.raises(ValueError, match="positional"):
        cls(*range(1, 9))


@pytest.mark.parametrize(("kwargs", "name"), [({"eps_mode": ["paper"]}, "eps_mode"), ({"eps_mode": 3}, "eps_mode")])
def test_choice_hyperparameters_of_the_wrong_type(kwargs, name):
    with pytest.raises(ValueError, match=name):
        AdaMax(**kwargs)
    with pytest.raises(ValueError, match="form"):
        AdamLp(form=["stable"])


@pytest.mark.parametrize(("optimizer", "surface", "start", "steps", "bound", "name"), [
    ("adamax", ROSENBROCK, [0.0, 0.0], 10, 1e6, "optimizer"),
    (AdaMax, ROSENBROCK, [0.0, 0.0], 10, 1e6, "optimizer"),
    (AdaMax(), None, [0.0, 0.0], 10, 1e6, "surface"),
    (AdaMax(), "rosenbrock", [0.0, 0.0], 10, 1e6, "surface"),
    (AdaMax(), ROSENBROCK, ["1", "2"], 10, 1e6, "start"),
    (AdaMax(), ROSENBROCK, "1,2", 10, 1e6, "start"),
    (AdaMax(), ROSENBROCK, [True, False], 10, 1e6, "start"),
    (AdaMax(), ROSENBROCK, {"x": 1}, 10, 1e6, "start"),
    (AdaMax(), ROSENBROCK, [1j, 0], 10, 1e6, "start"),
    (AdaMax(), ROSENBROCK, [np.nan, 0], 10, 1e6, "start"),
    (AdaMax(), ROSENBROCK, [0.0, 0.0], 10.0, 1e6, "steps"),
    (AdaMax(), ROSENBROCK, [0.0, 0.0], True, 1e6, "steps"),
    (AdaMax(), ROSENBROCK, [0.0, 0.0], 10, float("nan"), "bound"),
    (AdaMax(), ROSENBROCK, [0.0, 0.0], 10, "big", "bound"),
])
def test_run_names_the_bad_argument(optimizer, surface, start, steps, bound, name):
    with pytest.raises(ValueError, match=name):
        run(optimizer, surface, start, steps, bound=bound)


@pytest.mark.parametrize("optimizer", [Adam(eps=0.0), AdaMax(eps=0.0), AdaMax(eps=0.0, eps_mode="keras"),
                                       RMSProp(eps=0.0), AdaGrad(eps=0.0), AdamLp(eps=0.0, p=4.0)])
def test_update_with_eps_zero_takes_zero_over_zero_as_no_move(optimizer):
    state = optimizer.init(np.zeros(2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        updates, state = optimizer.update(np.array([0.0, 2.0]), state)
        assert updates[0] == 0.0 and np.isfinite(updates).all() and updates[1] < 0
        updates, _ = optimizer.update(np.array([0.0, 1.0]), state)
        assert updates[0] == 0.0 and np.isfinite(updates).all()


@pytest.mark.parametrize("grad", [[np.nan, 0.0], [np.inf, 1.0], [-np.inf, 1.0]])
@pytest.mark.parametrize("optimizer", [AdaMax(), Adam(), SGD(momentum=0.9), RMSProp(), AdaGrad(), AdamLp()])
def test_update_refuses_non_finite_gradients(optimizer, grad):
    with pytest.raises(ValueError, match="grad must be finite"):
        optimizer.update(np.array(grad), optimizer.init(np.zeros(2)))


def test_update_reports_an_overflow_instead_of_returning_inf():
    optimizer = SGD(lr=2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="overflows"):
            optimizer.update(np.array([1e308, 0.0]), optimizer.init(np.zeros(2)))
        with pytest.raises(ValueError, match="state"):
            optimizer.update(np.zeros(2), (0, 1, 2))


@pytest.mark.parametrize("point", [[np.nan, 0.0], [np.inf, 0.0], [0.0, -np.inf]])
@pytest.mark.parametrize("key", list(SURFACES))
def test_surfaces_refuse_non_finite_points(key, point):
    surface = SURFACES[key]
    for function in (surface.f, surface.grad):
        with pytest.raises(ValueError, match="finite"):
            function(np.array(point))
    with pytest.raises(ValueError, match="real numbers"):
        surface.f(np.array(["1", "2"]))


@pytest.mark.parametrize("key", list(SURFACES))
def test_surfaces_beyond_float_range_answer_without_a_warning(key):
    surface = SURFACES[key]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        surface.f(np.array([1e200, -1e200]))
        surface.grad(np.array([1e200, -1e200]))
        value, grad = surface.value_and_grad(np.array([[0.5, 0.25]]))  # the path run takes: always there
    np.testing.assert_array_equal(value, surface.f(np.array([[0.5, 0.25]])))
    np.testing.assert_array_equal(grad, surface.grad(np.array([[0.5, 0.25]])))


@pytest.mark.parametrize("bound", [adamax_step_bound, adam_step_bound])
@pytest.mark.parametrize(("args", "name"), [
    ((np.nan, 0.9, 0.999, 1), "lr"), ((0.1, np.nan, 0.999, 1), "beta1"), ((0.1, 0.9, np.nan, 1), "beta2"),
    ((0.1, 0.9, 0.999, np.nan), "t"), ((0.1, 0.9, 0.999, 0), "t"), ((0.1, 0.9, 0.999, -3), "t"),
    ((0.1, 0.9, 0.999, 1.5), "t"), ((0.1, 0.9, 0.999, np.array([1, 0])), "t"), ((-0.1, 0.9, 0.999, 1), "lr"),
    ((0.1, 1.0, 0.999, 1), "beta1"), ((0.1, 0.9, 1.5, 1), "beta2"), ((0.1, 0.9, 0.999, "2"), "t"),
])
def test_step_bounds_refuse_nan_and_t_below_one(bound, args, name):
    with pytest.raises(ValueError, match=name):
        bound(*args)
