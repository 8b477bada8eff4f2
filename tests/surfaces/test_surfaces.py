"""Tests for the `surfaces` package: formulas, gradients, minima, metadata and the quadratic's parameters.

Every analytic gradient is compared with central finite differences, every listed minimum is checked
numerically (public apps carry wrong minima, docs/REFERENCE.md §5), and the `log_scale` flags are
recomputed from the rule stated in surfaces/catalog.py.
"""

from __future__ import annotations

import math
import warnings
from functools import cache

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from surfaces import SURFACE_PARAMETER_RANGES, SURFACES, Surface, make_surface, quadratic

EXPECTED_KEYS = ["rosenbrock", "beale", "saddle", "himmelblau", "rastrigin", "ackley", "booth", "goldstein_price",
                 "six_hump_camel", "monkey_saddle", "digits", "quadratic"]
QUADRATIC_PARAMS = [(1.0, 0.0), (10.0, 45.0), (1e4, -60.0), (250.0, 180.0), (3.5, -180.0)]
CASES: dict[str, Surface] = {**SURFACES, **{f"quadratic({k:g},{a:g})": quadratic(k, a) for k, a in QUADRATIC_PARAMS}}
CASE_IDS = list(CASES)


def bounds(surface: Surface) -> tuple[np.ndarray, np.ndarray]:
    (x0, x1), (y0, y1) = surface.domain
    return np.array([x0, y0]), np.array([x1, y1])


def uniform_points(surface: Surface, n: int, seed: int = 0) -> np.ndarray:
    low, high = bounds(surface)
    return low + (high - low) * np.random.default_rng(seed).random((n, 2))


def step_size(surface: Surface) -> float:
    """Finite-difference step: 1e-6 of the domain's width, balancing truncation (h²) against rounding (ε/h)."""
    low, high = bounds(surface)
    return 1e-6 * float(np.max(high - low))


@cache
def typical_gradient(case: str) -> float:
    """Median |∇f| over the domain: the scale against which "small" and "close" are judged."""
    surface = CASES[case]
    return float(np.median(np.linalg.norm(surface.grad(uniform_points(surface, 4000, seed=1)), axis=-1)))


def central_differences(surface: Surface, points: np.ndarray) -> np.ndarray:
    h = step_size(surface)
    return np.stack([(surface.f(points + h * e) - surface.f(points - h * e)) / (2 * h) for e in np.eye(2)], axis=-1)


def assert_gradient_matches(case: str, points: np.ndarray) -> None:
    surface = CASES[case]
    analytic = surface.grad(points)
    numeric = central_differences(surface, points)
    # Measured FD errors stay below 0.3 % of this tolerance; a wrong term or coefficient exceeds it by orders.
    tolerance = 1e-6 * np.abs(analytic) + 1e-6 * typical_gradient(case)
    bad = np.abs(numeric - analytic) > tolerance
    assert not bad.any(), f"{case}: gradient mismatch at {points[bad.any(axis=-1)][:3]}"


def not_at_ackley_tip(case: str, points: np.ndarray) -> np.ndarray:
    """Ackley is not differentiable at the origin (a cone tip): FD across it measures nothing."""
    if case != "ackley":
        return np.ones(len(points), dtype=bool)
    return np.linalg.norm(points, axis=-1) > 1e3 * step_size(CASES[case])


# ---------------------------------------------------------------- catalogue

def test_catalogue_keys_and_order():
    assert list(SURFACES) == EXPECTED_KEYS
    for key, surface in SURFACES.items():
        assert isinstance(surface, Surface)
        assert surface.key == key


@pytest.mark.parametrize("case", CASE_IDS)
def test_metadata_is_well_formed(case):
    surface = CASES[case]
    (x0, x1), (y0, y1) = surface.domain
    assert x0 < x1 and y0 < y1
    assert surface.minima.dtype == np.float64 and surface.minima.ndim == 2 and surface.minima.shape[1] == 2
    assert (surface.minimum_value is None) == (len(surface.minima) == 0)
    assert surface.name and surface.note.endswith(".") and surface.note.count(". ") == 0  # one sentence
    assert surface.latex and "$" not in surface.latex
    low, high = bounds(surface)
    assert np.all((surface.minima >= low) & (surface.minima <= high))


@pytest.mark.parametrize("case", CASE_IDS)
def test_start_is_inside_the_domain_and_not_stationary(case):
    surface = CASES[case]
    low, high = bounds(surface)
    assert surface.start.shape == (2,) and surface.start.dtype == np.float64
    assert np.all((surface.start > low) & (surface.start < high))
    assert np.isfinite(surface.f(surface.start))
    # A start at a stationary point would leave every optimizer standing still.
    assert np.linalg.norm(surface.grad(surface.start)) > 1e-3 * typical_gradient(case)


def test_reference_minima_values():
    """The minima of docs/REFERENCE.md §5 (rounded there), against the full-precision metadata."""
    expected = {"rosenbrock": ([[1, 1]], 0.0), "beale": ([[3, 0.5]], 0.0), "rastrigin": ([[0, 0]], 0.0),
                "ackley": ([[0, 0]], 0.0), "booth": ([[1, 3]], 0.0), "goldstein_price": ([[0, -1]], 3.0),
                "himmelblau": ([[3, 2], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]], 0.0),
                "six_hump_camel": ([[0.0898, -0.7126], [-0.0898, 0.7126]], -1.0316)}
    for key, (minima, value) in expected.items():
        surface = SURFACES[key]
        np.testing.assert_allclose(surface.minima, minima, atol=1e-4 if key == "six_hump_camel" else 1e-6)
        assert surface.minimum_value == pytest.approx(value, abs=1e-4)
    for key in ("saddle", "monkey_saddle"):
        assert SURFACES[key].minima.shape == (0, 2) and SURFACES[key].minimum_value is None


# ---------------------------------------------------------------- gradients

@pytest.mark.parametrize("case", CASE_IDS)
def test_gradient_matches_finite_differences_on_a_random_sample(case):
    points = uniform_points(CASES[case], 2000, seed=2)
    assert_gradient_matches(case, points[not_at_ackley_tip(case, points)])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(CASE_IDS), u=st.floats(0.0, 1.0), v=st.floats(0.0, 1.0))
def test_gradient_matches_finite_differences_anywhere(case, u, v):
    low, high = bounds(CASES[case])
    point = (low + (high - low) * np.array([u, v]))[None, :]
    assume(not_at_ackley_tip(case, point)[0])
    assert_gradient_matches(case, point)


# ---------------------------------------------------------------- minima

@pytest.mark.parametrize("case", [c for c in CASE_IDS if len(CASES[c].minima)])
def test_listed_minima_are_global_minima(case):
    surface = CASES[case]
    fstar = surface.minimum_value
    values = surface.f(surface.minima)
    np.testing.assert_allclose(values, fstar, rtol=0, atol=1e-13 * max(1.0, abs(fstar)))
    gradient_norms = np.linalg.norm(surface.grad(surface.minima), axis=-1)
    assert np.all(gradient_norms <= 1e-10 * typical_gradient(case))
    # Independent of the metadata's own claims: nothing in the domain, nor right around each minimum, is lower.
    tiny = 1e-12 * max(1.0, abs(fstar))
    sample = surface.f(uniform_points(surface, 20_000, seed=3))
    assert sample.min() >= fstar - tiny
    offsets = 1e-3 * np.random.default_rng(4).standard_normal((500, 2))
    around = surface.f(surface.minima[:, None, :] + offsets[None, :, :])
    assert around.min() >= fstar - tiny


@pytest.mark.parametrize(("key", "ray"), [("saddle", (0.0, 1.0)), ("monkey_saddle", (-1.0, 0.0))])
def test_saddles_are_unbounded_below_with_a_stationary_origin(key, ray):
    surface = SURFACES[key]
    assert surface.f(1e4 * np.array(ray)) < -1e7
    assert np.array_equal(surface.grad(np.zeros(2)), np.zeros(2))
    assert surface.f(np.zeros(2)) == 0.0


# ---------------------------------------------------------------- shapes and dtypes

@pytest.mark.parametrize("case", CASE_IDS)
def test_shapes_and_dtypes(case):
    surface = CASES[case]
    batch = uniform_points(surface, 12, seed=5).reshape(3, 4, 2)
    values, grads = surface.f(batch), surface.grad(batch)
    assert values.shape == (3, 4) and grads.shape == (3, 4, 2)
    assert values.dtype == np.float64 and grads.dtype == np.float64
    # Batched evaluation agrees with one point at a time, and a (2,) point gives a scalar and a (2,) gradient.
    for index in np.ndindex(3, 4):
        single_value, single_grad = surface.f(batch[index]), surface.grad(batch[index])
        assert np.shape(single_value) == () and single_grad.shape == (2,)
        assert np.asarray(single_value).dtype == np.float64 and single_grad.dtype == np.float64
        assert single_value == pytest.approx(values[index], rel=1e-14, abs=1e-14)
        np.testing.assert_allclose(single_grad, grads[index], rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("case", CASE_IDS)
def test_integer_and_list_inputs_are_promoted_to_float64(case):
    surface = CASES[case]
    point = [1, 1]
    assert np.asarray(surface.f(point)).dtype == np.float64
    assert surface.f(point) == surface.f(np.array([1.0, 1.0]))
    np.testing.assert_array_equal(surface.grad(np.array(point)), surface.grad(np.array([1.0, 1.0])))


@pytest.mark.parametrize("case", ["rosenbrock", "quadratic"])
def test_wrong_trailing_dimension_is_rejected(case):
    with pytest.raises(ValueError, match=r"\(\.\.\., 2\)"):
        SURFACES[case].f(np.zeros((4, 3)))


# ---------------------------------------------------------------- Ackley's tip

def test_ackley_at_the_origin_is_exact_and_silent():
    ackley = SURFACES["ackley"]
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        value = ackley.f(np.zeros(2))
        gradient = ackley.grad(np.zeros(2))
        batch_gradient = ackley.grad(np.array([[0.0, 0.0], [0.5, 0.0], [0.0, 0.0]]))
    assert abs(value) <= 1e-12
    assert np.array_equal(gradient, [0.0, 0.0]) and np.isfinite(gradient).all()
    assert np.array_equal(batch_gradient[[0, 2]], np.zeros((2, 2)))
    assert batch_gradient[1, 0] > 1.0  # the masked division must not zero the points off the tip


def test_ackley_gradient_next_to_the_tip_is_the_cone_slope():
    """Along an axis, arbitrarily close to 0, ∂f/∂x → 2√2 sign(x) (the cone's slope), even where x² underflows."""
    ackley = SURFACES["ackley"]
    for x in (1e-8, 1e-200, -1e-300):
        np.testing.assert_allclose(ackley.grad(np.array([x, 0.0])), [2 * math.sqrt(2) * math.copysign(1, x), 0.0],
                                   rtol=1e-6)


# ---------------------------------------------------------------- the quadratic

def rotate_back(u, v, angle):
    """The point whose rotated coordinates (x', y') are (u, v): (x, y) = Rᵀ (u, v)."""
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return np.stack([c * u - s * v, s * u + c * v], axis=-1)


@settings(max_examples=200, deadline=None)
@given(condition=st.floats(1.0, 1e4), angle=st.floats(-180.0, 180.0), u=st.floats(-2.0, 2.0),
       v=st.floats(-2.0, 2.0))
def test_quadratic_in_its_eigen_axes(condition, angle, u, v):
    bowl = quadratic(condition, angle)
    point = rotate_back(np.float64(u), np.float64(v), angle)
    expected = 0.5 * (condition * u * u + v * v)
    assert bowl.f(point) == pytest.approx(expected, rel=1e-12, abs=1e-12 * condition)
    # Rotating the bowl rotates its values: f_θ(Rᵀp) = f_0(p), whatever θ.
    assert bowl.f(point) == pytest.approx(quadratic(condition, 0.0).f(np.array([u, v])), rel=1e-12,
                                          abs=1e-12 * condition)


@pytest.mark.parametrize(("condition", "angle"), [*QUADRATIC_PARAMS, (10.0, 30.0)])
def test_quadratic_hessian_has_the_requested_condition_and_orientation(condition, angle):
    bowl = quadratic(condition, angle)
    hessian = np.stack([bowl.grad(e) for e in np.eye(2)], axis=-1)  # the gradient is linear: columns = H e_i
    np.testing.assert_allclose(hessian, hessian.T, atol=1e-12 * condition)
    eigenvalues, eigenvectors = np.linalg.eigh(hessian)
    np.testing.assert_allclose(eigenvalues, sorted([1.0, condition]), rtol=1e-12)
    steep = eigenvectors[:, -1]
    direction = [math.cos(math.radians(angle)), math.sin(math.radians(angle))]
    if condition > 1:
        assert abs(steep @ direction) == pytest.approx(1.0, abs=1e-9)


def test_quadratic_defaults_and_metadata():
    bowl = quadratic()
    assert bowl.parameters == {"condition": 10.0, "angle": 30.0}
    assert SURFACES["quadratic"].parameters == bowl.parameters
    assert bowl.key == "quadratic" and bowl.domain == ((-2.0, 2.0), (-2.0, 2.0))
    np.testing.assert_array_equal(bowl.minima, [[0.0, 0.0]])
    assert bowl.minimum_value == 0.0 and bowl.f(np.zeros(2)) == 0.0
    assert "250" in quadratic(250.0, -45.0).latex and "-45" in quadratic(250.0, -45.0).latex
    for edge in [(1.0, -180.0), (1e4, 180.0)]:
        assert quadratic(*edge).parameters == {"condition": edge[0], "angle": edge[1]}


def test_quadratic_rotation_moves_gradient_steps_but_not_sign_steps():
    """Why the angle matters: ∇f rotates with the bowl, so gradient descent's path just rotates; a per-coordinate
    step such as AdaMax's first one, α·sign(∇f), does not rotate with it (0° versus 45°)."""
    angle = 45.0
    p = np.array([1.0, 0.5])
    q = rotate_back(p[0], p[1], angle)  # the same place on the bowl rotated by 45°
    aligned, rotated = quadratic(100.0, 0.0), quadratic(100.0, angle)
    g_aligned, g_rotated = aligned.grad(p), rotated.grad(q)
    np.testing.assert_allclose(g_rotated, rotate_back(g_aligned[0], g_aligned[1], angle), rtol=1e-12)
    sign_rotated = np.sign(g_rotated)
    sign_aligned_then_rotated = rotate_back(*np.sign(g_aligned), angle)
    assert not np.allclose(sign_rotated, sign_aligned_then_rotated, atol=0.1)


@pytest.mark.parametrize(("params", "pattern"), [
    ({"condition": 0.5}, r"condition .*\[1, 10000\].*0\.5"),
    ({"condition": 1e4 + 1}, r"condition .*\[1, 10000\].*10001"),
    ({"condition": float("nan")}, r"condition .*finite.*nan"),
    ({"condition": float("inf")}, r"condition .*inf"),
    ({"condition": "ten"}, r"condition .*'ten'"),
    ({"condition": True}, r"condition .*True"),
    ({"angle": 180.5}, r"angle .*\[-180, 180\].*180\.5"),
    ({"angle": -181.0}, r"angle .*\[-180, 180\].*-181"),
    ({"angle": float("-inf")}, r"angle .*-inf"),
    ({"angle": None}, r"angle .*None"),
])
def test_quadratic_rejects_bad_parameters(params, pattern):
    with pytest.raises(ValueError, match=pattern):
        quadratic(**params)
    with pytest.raises(ValueError, match=pattern):
        make_surface("quadratic", **params)


# ---------------------------------------------------------------- make_surface

def test_make_surface_returns_the_catalogue_entries():
    for key in EXPECTED_KEYS[:-1]:
        assert make_surface(key) is SURFACES[key]
    assert make_surface("quadratic").parameters == {"condition": 10.0, "angle": 30.0}
    made = make_surface("quadratic", condition=50.0, angle=-15.0)
    assert made.parameters == {"condition": 50.0, "angle": -15.0}
    assert made.f(np.array([1.0, 0.0])) == pytest.approx(quadratic(50.0, -15.0).f(np.array([1.0, 0.0])))
    assert set(SURFACE_PARAMETER_RANGES) == {"quadratic"}
    assert SURFACE_PARAMETER_RANGES["quadratic"] == {"condition": (1.0, 1e4), "angle": (-180.0, 180.0)}


def test_make_surface_errors():
    with pytest.raises(ValueError, match=r"unknown surface 'sphere'.*rosenbrock.*quadratic"):
        make_surface("sphere")
    with pytest.raises(ValueError, match=r"'rosenbrock'.*condition.*takes no parameters"):
        make_surface("rosenbrock", condition=10.0)
    with pytest.raises(ValueError, match=r"'quadratic'.*kappa.*valid parameters: condition, angle"):
        make_surface("quadratic", kappa=10.0)


# ---------------------------------------------------------------- colour scale

def decades_spanned(surface: Surface, n: int = 401) -> float:
    """log10(max / 0.1 % quantile) of f − f* on a cell-centred n × n grid (f* = grid minimum if f is unbounded)."""
    low, high = bounds(surface)
    centres = [lo + (np.arange(n) + 0.5) * (hi - lo) / n for lo, hi in zip(low, high, strict=True)]
    values = surface.f(np.stack(np.meshgrid(*centres), axis=-1))
    floor = values.min() if surface.minimum_value is None else surface.minimum_value
    excess = values - floor
    return float(np.log10(excess.max() / np.quantile(excess, 0.001)))


@pytest.mark.parametrize("case", CASE_IDS)
def test_log_scale_follows_the_decade_rule(case):
    surface = CASES[case]
    span = decades_spanned(surface)
    assert surface.log_scale == (span >= 3.0), f"{case} spans {span:.2f} decades"
    assert abs(span - 3.0) > 0.1, f"{case} spans {span:.2f} decades: too close to the threshold to call"


@pytest.mark.parametrize("key", list(SURFACES))
def test_value_and_grad_equals_f_and_grad(key):
    surface = SURFACES[key]
    points = np.random.default_rng(3).uniform(-2, 2, size=(64, 2))
    value, grad = surface.value_and_grad(points)
    np.testing.assert_array_equal(value, surface.f(points))
    np.testing.assert_array_equal(grad, surface.grad(points))


def test_rosenbrock_offers_the_fused_path():
    assert SURFACES["rosenbrock"].value_and_grad is not None
