"""`Surface.bounded_below`: what is proven about f over the whole plane (True, False, or None: not known)."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

from surfaces import SURFACES, Surface


@pytest.mark.parametrize("key", sorted(SURFACES))
def test_the_catalogue_says_what_is_known(key):
    surface = SURFACES[key]
    if key in ("saddle", "monkey_saddle"):
        assert surface.bounded_below is False and surface.minimum_value is None
        # independent check: along the ray the module names, f falls past any bound
        ray = np.array([[0.0, 10.0**k] for k in range(1, 7)]) if key == "saddle" else \
            np.array([[-(10.0**k), 0.0] for k in range(1, 7)])
        assert (np.diff(surface.f(ray)) < 0).all() and surface.f(ray)[-1] < -1e11
    else:  # a known global minimum bounds f below
        assert surface.bounded_below is True and surface.minimum_value is not None


def _surface(**changes) -> Surface:
    base = SURFACES["booth"]
    fields = dict(key="t", name="t", f=base.f, grad=base.grad, domain=base.domain, minima=base.minima,
                  minimum_value=base.minimum_value, start=base.start, latex="", log_scale=False)
    return Surface(**{**fields, **changes})


def test_the_default_follows_minimum_value_and_a_given_value_is_kept():
    assert _surface().bounded_below is True
    assert _surface(minimum_value=None, minima=np.empty((0, 2))).bounded_below is None
    assert _surface(minimum_value=None, bounded_below=False).bounded_below is False
    assert _surface(minimum_value=None, bounded_below=True).bounded_below is True
    assert _surface(bounded_below=None).bounded_below is None  # a lowest value on a domain proves nothing
    with pytest.raises(ValueError, match="bounded_below"):
        _surface(bounded_below="yes")


# ---------------------------------------------------------------- user formulas: only what is proven

from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from surfaces.formula import FormulaError, custom_surface  # noqa: E402

DOMAIN = ((-2.0, 2.0), (-2.0, 2.0))
FALSE_WORDS = ("Unbounded below on the domain", "no minimum to reach", "fell without bound")


@pytest.mark.parametrize("formula", ["exp(-x**2)", "exp(-x)", "1/(1+x**2+y**2)", "sqrt(1+x**2)-x"])
def test_positive_functions_are_never_called_unbounded(formula):
    surface = custom_surface(formula, DOMAIN)
    assert surface.bounded_below is True
    assert "unbounded" not in surface.note.lower() and not any(words in surface.note for words in FALSE_WORDS)
    if formula != "sqrt(1+x**2)-x":  # > 0 follows from the formula's parts
        assert surface.positive and "f > 0 everywhere" in surface.note
    # what is said about the domain is what a grid sees: lowest on the edge, no minimum inside
    assert surface.minima_source == "none" and "Lowest value found on the domain" in surface.note


def test_a_cubic_is_bounded_on_its_domain_and_unbounded_beyond():
    surface = custom_surface("x**3", DOMAIN)
    assert surface.bounded_below is False
    assert "Lowest value found on the domain: f = -8 on its edge" in surface.note
    assert "falling past the edge toward the west" in surface.note
    assert "Beyond the domain, f is unbounded below (proven): f → −∞ along the ray (x, y) = t·(-1, 0)" in surface.note


def test_a_minimum_outside_the_window_is_described_as_observed():
    surface = custom_surface("tanh(x)*y + x**2/10 + y**2/10", ((-3.0, 3.0), (-3.0, 3.0)))
    # independently: f's minimum over a wide grid is ≈ −1.925, outside [−3, 3]², below anything on the domain
    xs = np.linspace(-12, 12, 2401)
    grid = np.stack(np.meshgrid(xs, xs), axis=-1)
    values = surface.f(grid)
    low = np.unravel_index(np.argmin(values), values.shape)
    assert values.min() == pytest.approx(-1.925, abs=2e-3) and np.abs(grid[low]).max() > 3
    on_domain = surface.f(grid[(np.abs(grid) <= 3).all(axis=-1)]).min()
    assert on_domain > values.min() + 0.2
    assert surface.minima_source == "none" and surface.minimum_value is None and surface.bounded_below is True
    assert f"Lowest value found on the domain: f = {on_domain:.3g}"[:-1] in surface.note
    assert "keeps falling past the edge toward the south" in surface.note
    assert "levels off or turns back up" in surface.note and "Minimum" not in surface.note


def test_the_sentences_on_the_page_say_only_what_is_proven():
    from tests.support.app import open_app

    app = open_app({"surface": "custom", "formula": "1/(1+x**2+y**2)", "steps": "300"})
    assert not app.exception
    # as a reader sees it: the header writes the surface's note as escaped HTML
    text = html.unescape(" ".join(block.value for block in [*app.markdown, *app.info, *app.caption]))
    assert "f > 0 everywhere" in text
    assert not any(words in text for words in FALSE_WORDS) and "f → −∞" not in text


# Random formulas: sums of terms, each a coefficient times one or two parts. What the page says about f's
# lower bound is compared with an independent look: f on a wide grid and far out along 72 rays.
PARTS = ["x", "y", "x**2", "y**2", "x*y", "x**3", "y**4", "exp(-x)", "exp(-x**2)", "exp(y/2)", "tanh(x)", "sin(x)",
         "cos(y)", "abs(x)", "sqrt(1+x**2)", "1/(1+x**2+y**2)", "atan(y)", "log(1+y**2)"]
terms = st.tuples(st.sampled_from([-3, -1, -0.5, 0.5, 1, 2]), st.sampled_from(PARTS),
                  st.sampled_from(["", *PARTS[:8]]))
formulas = st.lists(terms, min_size=1, max_size=4).map(
    lambda ts: " + ".join(f"({c})*{a}" + (f"*{b}" if b else "") for c, a, b in ts))


def claimed_path(reason: str) -> np.ndarray:
    """Points far out along the ray or line that a "f → −∞" reason names (t = 10^0.5 … 10⁶)."""
    t = np.logspace(0.5, 6, 23)
    ray = re.search(r"t·\((-?[\d.]+), (-?[\d.]+)\)", reason)
    if ray:
        return t[:, None] * np.array([float(ray[1]), float(ray[2])])
    line = re.search(r"f → −∞ as ([xy]) → ([+−])∞", reason)
    assert line, reason
    sign = 1.0 if line[2] == "+" else -1.0
    return np.stack([sign * t, 0 * t], axis=-1) if line[1] == "x" else np.stack([0 * t, sign * t], axis=-1)


def far_values(surface) -> np.ndarray:
    angles = np.linspace(0, 2 * np.pi, 72, endpoint=False)
    radii = np.logspace(0, 6, 61)
    rays = radii[:, None, None] * np.stack([np.cos(angles), np.sin(angles)], axis=-1)[None]
    xs = np.linspace(-60, 60, 241)
    grid = np.stack(np.meshgrid(xs, xs), axis=-1).reshape(-1, 2)
    with np.errstate(all="ignore"):
        values = np.concatenate([surface.f(rays).ravel(), surface.f(grid)])
    return values[np.isfinite(values)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(formulas)
@example("(-3)*y**2*y + (0.5)*exp(y/2)")  # bounded below, though far down: min ≈ −13,897 near y = 19
@example("(-3)*log(1+y**2) + (1)*x**2")  # unbounded below, slowly: −3·log(1 + y²)
@example("(-3)*exp(-x)")  # unbounded below, past float64's range
@example("(-3)*x*exp(-x) + (-3)*exp(-x)*exp(-x)")  # unbounded below, where float64 gives inf − inf
@example("(-3)*1/(1+x**2+y**2)*y**4 + (2)*cos(y)*y**2")  # → −∞ along the y axis, waving on the way
@example("(-3)*x*y**2 + (-1)*log(1+y**2)")  # → −∞ along the y axis as slowly as a log
def test_boundedness_words_agree_with_an_independent_look(formula):
    try:
        surface = custom_surface(formula, DOMAIN)
    except FormulaError:
        return  # e.g. terms that cancel to a constant
    values = far_values(surface)
    note = surface.note
    assert not any(words in note for words in FALSE_WORDS)
    if surface.bounded_below is False:
        assert "unbounded below (proven)" in note
        falling = claimed_path(surface.bound_reason)  # the path the words name: f keeps falling along it
        with np.errstate(all="ignore"):
            along = surface.f(falling)
        along = along[~np.isnan(along)]  # far out float64 overflows: inf − inf is NaN there
        along = np.maximum(along, -np.finfo(float).max)
        # → −∞ is a statement about far out (f may rise first, wave, or fall as slowly as a log): along the
        # path, the farthest third lies wholly below the nearest third
        third = len(along) // 3
        assert third >= 2 and along[-third:].max() < along[:third].min(), (formula, along)
    else:
        assert "unbounded" not in note
    if surface.bounded_below is True:
        assert surface.bound_reason in note or surface.minima_source != "none"
        floor = surface.lower_bound if surface.lower_bound is not None else -1e9
        assert values.min() >= floor - 1e-9 * max(1.0, abs(floor)), (formula, values.min(), floor)
    if surface.bounded_below is None and surface.minima_source == "none":
        assert "is not known" in note
