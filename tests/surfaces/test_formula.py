"""User formulas (surfaces/formula.py): exact against the hand-written surfaces, gradients against finite
differences, minima found or said to be missing, and a corpus of hostile formulas, each refused quickly with a
message that names the problem — and none of them ever executed."""

from __future__ import annotations

import time

import numpy as np
import pytest

from surfaces import SURFACES, make_surface
from surfaces.formula import MAX_FORMULA_CHARS, FormulaError, FormulaSurface, custom_surface, parse_formula
from tests.support.formulas import HOSTILE, MARKER, PAYLOADS

ROSENBROCK = "(1-x)**2 + 100*(y-x**2)**2"
DOMAIN = ((-2.0, 2.0), (-2.0, 2.0))

# The catalogue's surfaces in Python syntax: each must equal the hand-written one, value and gradient.
WRITTEN = {
    "rosenbrock": ROSENBROCK,
    "beale": "(1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2",
    "saddle": "x^2 - y^2",
    "himmelblau": "(x**2 + y - 11)**2 + (x + y**2 - 7)**2",
    "booth": "(x + 2*y - 7)**2 + (2*x + y - 5)**2",
    "goldstein_price": "(1 + (x + y + 1)**2 * (19 - 14*x + 3*x**2 - 14*y + 6*x*y + 3*y**2))"
                       " * (30 + (2*x - 3*y)**2 * (18 - 32*x + 12*x**2 + 48*y - 36*x*y + 27*y**2))",
    "six_hump_camel": "(4 - 2.1*x**2 + x**4/3)*x**2 + x*y + (-4 + 4*y**2)*y**2",
    "monkey_saddle": "x**3 - 3*x*y**2",
    "rastrigin": "20 + (x**2 - 10*cos(2*pi*x)) + (y**2 - 10*cos(2*pi*y))",
    "ackley": "-20*exp(-0.2*sqrt(0.5*(x**2 + y**2))) - exp(0.5*(cos(2*pi*x) + cos(2*pi*y))) + e + 20",
}


def points_in(domain, n: int = 500, seed: int = 0) -> np.ndarray:
    (x0, x1), (y0, y1) = domain
    rng = np.random.default_rng(seed)
    return np.stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)], axis=-1)


def test_rosenbrock_written_by_hand_equals_the_catalogue_surface_to_rounding():
    reference = SURFACES["rosenbrock"]
    surface = custom_surface(ROSENBROCK, reference.domain)
    xy = points_in(reference.domain)
    np.testing.assert_allclose(surface.f(xy), reference.f(xy), rtol=1e-14, atol=1e-12)
    np.testing.assert_allclose(surface.grad(xy), reference.grad(xy), rtol=1e-14, atol=1e-12)
    value, grad = surface.value_and_grad(xy)
    np.testing.assert_allclose(value, reference.f(xy), rtol=1e-14, atol=1e-12)
    np.testing.assert_allclose(grad, reference.grad(xy), rtol=1e-14, atol=1e-12)
    assert surface.minima_source == "found"
    np.testing.assert_allclose(surface.minima, [[1.0, 1.0]], atol=1e-8)
    assert abs(surface.minimum_value) < 1e-14 and surface.log_scale is reference.log_scale


@pytest.mark.parametrize("key", list(WRITTEN))
def test_every_catalogue_surface_written_as_a_formula_matches(key):
    reference = SURFACES[key]
    surface = custom_surface(WRITTEN[key], reference.domain)
    xy = points_in(reference.domain, seed=1)
    np.testing.assert_allclose(surface.f(xy), reference.f(xy), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(surface.grad(xy), reference.grad(xy), rtol=1e-10, atol=1e-8)
    if reference.minimum_value is None:
        assert surface.minima_source == "none" and len(surface.minima) == 0 and surface.minimum_value is None
        assert surface.bounded_below is False and reference.bounded_below is False
        assert "f is unbounded below (proven)" in surface.note
    else:  # the numerical search finds the catalogue's global minima (all of them, for Himmelblau's four)
        assert surface.minima_source == "found"
        assert surface.minimum_value == pytest.approx(reference.minimum_value, abs=1e-8)
        # proven bounded below, except Goldstein–Price, whose proof is beyond these tactics: not known
        assert surface.bounded_below is (None if key == "goldstein_price" else True)
        for known in reference.minima:
            assert np.linalg.norm(surface.minima - known, axis=-1).min() < 1e-5


@pytest.mark.parametrize("formula", [
    "sin(x)*cos(y) + x**2/5", "exp(-x**2 - y**2) * (x - y)", "log(1 + x**2 + y**2)", "tanh(3*x) * y + y**2",
    "atan(x*y) + 0.1*(x**2 + y**2)", "sqrt(1 + x**2 + 2*y**2)", "abs(x) + 2*abs(y - 0.5)", "x**y",
    "cosh(x/2) + sinh(y/3)**2", "2**x + 3**(-y)", "(x**2 + y**2)**0.75",
])
def test_gradients_match_finite_differences(formula):
    domain = ((0.5, 2.0), (0.3, 1.7)) if formula == "x**y" else DOMAIN
    surface = custom_surface(formula, domain)
    xy = points_in(domain, n=200, seed=2)
    dx, dy = np.array([1e-6, 0.0]), np.array([0.0, 1e-6])
    numeric = np.stack([(surface.f(xy + dx) - surface.f(xy - dx)) / 2e-6,
                        (surface.f(xy + dy) - surface.f(xy - dy)) / 2e-6], axis=-1)
    np.testing.assert_allclose(surface.grad(xy), numeric, rtol=1e-5, atol=1e-6)


def test_the_surface_is_a_surface_batched_and_through_make_surface():
    surface = make_surface("custom", formula="f(x, y) = x^2 + 3*y^2", domain=DOMAIN)
    assert isinstance(surface, FormulaSurface) and surface.key == "custom"
    assert surface.formula == "x**2 + 3*y**2" and surface.latex == "x^{2} + 3 y^{2}"
    assert custom_surface("y - x**2 + 1", DOMAIN).latex == "y - x^{2} + 1"  # as typed, not SymPy's −x² + y + 1
    assert surface.f(np.zeros((3, 4, 2))).shape == (3, 4)
    assert surface.grad(np.zeros((3, 4, 2))).shape == (3, 4, 2)
    assert float(surface.f(np.array([1.0, 1.0]))) == 4.0
    # a component that does not depend on the point still broadcasts: ∂/∂y (x + y²) at y = 0 is 0 everywhere
    linear = custom_surface("x + y**2", DOMAIN)
    assert linear.grad(np.ones((5, 2))).tolist() == [[1.0, 2.0]] * 5
    # the same arguments give the very same (memoised) surface: cheap to ask again on every rerun
    assert make_surface("custom", formula="f(x, y) = x^2 + 3*y^2", domain=DOMAIN) is surface


def test_minimum_given_is_used_and_labelled():
    surface = custom_surface("(x - 1)**2 + (y + 0.5)**2", DOMAIN, minimum=(1, -0.5))
    assert surface.minima_source == "given" and surface.minima.tolist() == [[1.0, -0.5]]
    assert surface.minimum_value == 0.0 and "as given" in surface.note
    with pytest.raises(ValueError, match="outside the domain"):
        custom_surface("x**2 + y**2", DOMAIN, minimum=(5, 0))


def test_minima_found_unbounded_and_kinks():
    double_well = custom_surface("x**4 - 2*x**2 + y**2 + 0.3*x", DOMAIN)
    assert double_well.minima_source == "found" and "found numerically" in double_well.note
    # the global one of the two wells: f'(x) = 4x³ − 4x + 0.3 = 0 at x ≈ −1.0356
    assert double_well.minima[0] == pytest.approx([-1.035579, 0.0], abs=1e-6)
    plane = custom_surface("x + y", DOMAIN)
    assert plane.minima_source == "none" and plane.minimum_value is None and len(plane.minima) == 0
    assert plane.bounded_below is False and "f → −∞ along the ray (x, y) = t·(-1, 0)" in plane.note
    cone = custom_surface("sqrt(x**2 + y**2)", DOMAIN)  # no gradient at its tip, yet a minimum
    assert cone.minima_source == "found" and np.abs(cone.minima).max() < 1e-9
    valley = custom_surface("(x - y)**2", DOMAIN)  # a line of minima: at most 8 shown, and said
    assert len(valley.minima) == 8 and "flat along a curve" in valley.note


def test_bad_domains_are_refused_with_the_parameter_named():
    for domain in (((1, 0), (0, 1)), ((0, np.inf), (0, 1)), ((0, 1),), "abc", ((-1e7, 0), (0, 1))):
        with pytest.raises(ValueError, match="domain"):
            custom_surface("x + y", domain)


# ---------------------------------------------------------------- the hostile corpus (tests/support/formulas.py)

def hostile_corpus() -> list[str]:
    return [*HOSTILE, *PAYLOADS]


def test_the_corpus_is_large():
    assert len(set(hostile_corpus())) >= 140


@pytest.mark.parametrize("formula", hostile_corpus(), ids=lambda text: repr(text[:30]))
def test_hostile_formulas_are_refused_quickly_with_a_message(formula):
    started = time.perf_counter()
    with pytest.raises(FormulaError) as refused:
        custom_surface(formula, DOMAIN)
    elapsed = time.perf_counter() - started
    message = str(refused.value)
    assert elapsed < 1.0, f"took {elapsed:.2f} s"
    assert 10 < len(message) < 400  # a sentence, never a traceback or a 100 KB echo
    expected = HOSTILE.get(formula)
    if expected is not None:
        assert expected in message, message
    assert not MARKER.exists()


def test_no_payload_is_executed():
    MARKER.unlink(missing_ok=True)
    for payload in PAYLOADS:
        with pytest.raises(FormulaError):
            parse_formula(payload)
    assert not MARKER.exists()


def test_messages_name_the_token_and_column():
    with pytest.raises(FormulaError, match=r"'foo' at column 5: unknown function"):
        parse_formula("x + foo(y)")
    with pytest.raises(FormulaError, match=r"'x.real' at column 1: attribute access"):
        parse_formula("x.real + y")
    with pytest.raises(FormulaError, match=r"'9\*\*9\*\*9' at column 1: the exponent 9\*\*9 = 3.8742e\+08 "):
        parse_formula("9**9**9")
    with pytest.raises(FormulaError, match=r"syntax error at column \d+"):
        parse_formula("x + * y")


def test_length_cap_is_the_documented_one():
    ok = "x + " + "+".join(["1"] * ((MAX_FORMULA_CHARS - 8) // 2)) + "*y"
    assert len(ok) <= MAX_FORMULA_CHARS
    with pytest.raises(FormulaError, match="too long"):
        parse_formula("x" + " " * MAX_FORMULA_CHARS)


def test_constants_stay_exact_and_valid_edge_cases_are_accepted():
    assert parse_formula("x**100 + y").as_poly() is not None
    assert str(parse_formula("1/3*x")) == "x/3"
    surface = custom_surface("x^2 + 0.1*y^2", DOMAIN)
    assert float(surface.f(np.array([0.0, 1.0]))) == 0.1  # 0.1 reaches NumPy as the same float64


@pytest.mark.parametrize("formula", ["sin(" * 12 + "x*y" + ")" * 12, "x**4 + y**4", "x**3 + y**2",
                                     "((((x**2+y)**3+x)**3+y)**3+x)**3", "abs(x*y) + 0*x"])
def test_the_minima_search_survives_degenerate_hessians(formula):
    """Flat or singular curvature (x⁴, a cusp, deep nesting) once made a 2 × 2 solve raise LinAlgError."""
    surface = custom_surface(formula, DOMAIN)
    assert surface.minima_source in ("found", "none")
    assert np.isfinite(surface.minima).all()
