"""The maths behind the page's claims, each against an independent computation.

PyTorch is the reference where it is installed (pip install torch==2.13.0); the same facts are also checked
against the rules written out by hand, so the test means something without it.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizers import Adam, AdaMax, AdamLp
from optimizers.base import lerp_into, lerp_weight

HUGE, TINY = np.array([1e4, 1e4]), np.array([1e-13, 3e-9])


def two_steps(optimizer, shape=(2,)):
    """The second step and state after gradients HUGE then TINY, from θ = 0."""
    state = optimizer.init(np.zeros(shape))
    _, state = optimizer.update(np.broadcast_to(HUGE, shape), state)
    step, state = optimizer.update(np.broadcast_to(TINY, shape), state)
    return step, state


def test_beta1_zero_gives_m_equal_to_g_exactly_in_adamax():
    step, state = two_steps(AdaMax(lr=1.0, beta1=0.0, beta2=0.0, eps=0.0, eps_mode="paper"))
    assert state.m.tolist() == TINY.tolist()           # m₂ = g₂ exactly (was (0, 2.9e-9): 1e4 − 1e4 lost g)
    assert step.tolist() == [-1.0, -1.0]               # u₂ = |g₂|, so the step is −α·sign(g) exactly


@pytest.mark.parametrize("optimizer", [Adam(lr=1.0, beta1=0.0, beta2=0.0, eps=0.0),
                                       AdamLp(lr=1.0, beta1=0.0, beta2=0.0, eps=0.0, p=3.0)])
def test_beta1_zero_gives_m_equal_to_g_exactly_in_adam_and_adamlp(optimizer):
    _, state = two_steps(optimizer)
    assert state.m.tolist() == TINY.tolist()


@pytest.mark.parametrize("beta1", [0.0, 0.3, 0.49, 0.5, 0.9])
def test_first_moment_takes_pytorchs_lerp_form(beta1):
    """w = 1 − β1: PyTorch's CPU lerp takes end − (end − start)·(1 − w) for w ≥ 0.5, start + w·(end − start) below."""
    weight = 1.0 - beta1

    def lerp(start, end):
        return end - (end - start) * (1 - weight) if weight >= 0.5 else start + weight * (end - start)

    _, state = two_steps(AdaMax(lr=1.0, beta1=beta1, beta2=0.0, eps=0.0, eps_mode="paper"))
    assert state.m.tolist() == lerp(lerp(np.zeros(2), HUGE), TINY).tolist()


@pytest.mark.parametrize("beta1", [0.0, 0.2, 0.5, 0.9])
def test_first_moment_against_torch(beta1):
    torch = pytest.importorskip("torch")
    for cls, torch_cls, kwargs in ((AdaMax, torch.optim.Adamax, {}), (Adam, torch.optim.Adam, {})):
        param = torch.zeros(2, dtype=torch.float64, requires_grad=True)
        reference = torch_cls([param], lr=1.0, betas=(beta1, 0.5), eps=1e-8, **kwargs)
        for g in (HUGE, TINY):
            param.grad = torch.tensor(g, dtype=torch.float64)
            reference.step()
        ours = cls(lr=1.0, beta1=beta1, beta2=0.5, eps=1e-8)
        _, state = two_steps(ours)
        expected = reference.state[param]["exp_avg"].numpy()
        # PyTorch's vectorised lerp fuses the multiply-add (one rounding, FMA); NumPy rounds twice: ≤ 2 ulp apart,
        # and equal where the form is exact (β1 = 0: m = g).
        np.testing.assert_allclose(state.m, expected, rtol=4e-16, atol=0)
        if beta1 == 0.0:
            assert state.m.tolist() == expected.tolist() == TINY.tolist()


def test_array_beta1_takes_each_members_form():
    beta1 = np.array([[0.0], [0.9]])
    _, state = two_steps(AdaMax(lr=1.0, beta1=beta1, beta2=0.0, eps=0.0, eps_mode="paper"), shape=(2, 2))
    for i, value in enumerate(beta1[:, 0]):
        _, alone = two_steps(AdaMax(lr=1.0, beta1=value, beta2=0.0, eps=0.0, eps_mode="paper"))
        assert state.m[i].tolist() == alone.m.tolist()


@settings(max_examples=200)
@given(beta1=st.lists(st.floats(0.0, 0.9999), min_size=1, max_size=6),
       previous=st.floats(-1e6, 1e6), new=st.floats(-1e6, 1e6))
def test_a_prepared_array_weight_is_each_members_scalar_lerp_bit_for_bit(beta1, previous, new):
    """lerp_into with per-member weights (as given, or prepared once by lerp_weight) against the scalar lerp
    of each member alone: the same bits."""
    weights = 1.0 - np.array(beta1)[:, None] * np.ones((1, 2))
    start, end = np.full((len(beta1), 2), previous), np.full((len(beta1), 2), new)
    for weight in (weights, lerp_weight(weights)):
        together = lerp_into(np.empty_like(start), start, end, weight)
        for i, alone_weight in enumerate(weights[:, 0]):
            alone = lerp_into(np.empty(2), start[i], end[i], float(alone_weight))
            assert together[i].tolist() == alone.tolist()


# ---------------------------------------------------------------- the Lp limit, the breakdown, ε

def test_adam_lp_tends_to_adamax_with_kerass_eps_not_pytorchs():
    """Adam-Lp adds ε after the p-th root (Keras's placement): at large p its steps are Keras-mode AdaMax's,
    while PyTorch's ε inside the max stays a fixed gap that no p closes. Gradients of ε's size show it."""
    gradients = np.random.default_rng(0).normal(size=(30, 2)) * 0.1

    def steps(optimizer):
        state, out = optimizer.init(np.zeros(2)), []
        for gradient in gradients:
            step, state = optimizer.update(gradient, state)
            out.append(step)
        return np.array(out)

    lp = steps(AdamLp(lr=1.0, eps=0.1, beta2=0.9, p=2000.0))
    keras, pytorch = (steps(AdaMax(lr=1.0, eps=0.1, beta2=0.9, eps_mode=mode)) for mode in ("keras", "pytorch"))
    assert np.abs(lp - keras).max() < 1e-9 < 0.01 < np.abs(lp - pytorch).max()


@pytest.mark.parametrize("key, start", [("saddle", (-1.5, 0.001)), ("monkey_saddle", (0.8, 0.001))])
def test_naive_breakdown_names_the_axis_that_broke(key, start):
    """|g_y| = 0.002 on the saddle: 0.002^256 underflows on y (x's 3^256 is finite) — and the run diverges at step 1,
    after which `run` holds the recorded state at its initial value; the breakdown must be read from the replay."""
    from optimizers.limits import naive_breakdown
    from surfaces import SURFACES

    result = naive_breakdown(SURFACES[key], start, 100, lr=0.05, p=256, bound=100)
    assert result["breakdown_axis"] == "y" and result["breakdown_kind"] == "underflow"
    assert result["breakdown_step"] == 1 and result["naive_diverged_at"] == 1


class Ledge:
    """f = max(|x| − 1, 0)² + y²: the gradient is exactly 0 on x for |x| < 1, after non-zero gradients outside."""

    @staticmethod
    def f(xy):
        return np.maximum(np.abs(xy[..., 0]) - 1.0, 0.0) ** 2 + xy[..., 1] ** 2

    @staticmethod
    def grad(xy):
        gx = 2.0 * np.maximum(np.abs(xy[..., 0]) - 1.0, 0.0) * np.sign(xy[..., 0])
        return np.stack([gx, 2.0 * xy[..., 1]], axis=-1)


def test_u_zero_with_m_nonzero_is_named_m_over_zero_not_zero_over_zero():
    from optimizers import equations_at, run
    from optimizers.limits import undefined_steps, zero_over_zero_steps

    optimizer = AdaMax(lr=1.0, beta2=0.0, eps_mode="paper")
    trajectory = run(optimizer, Ledge(), np.array([1.5, 0.0]), 5, record_state=True)
    undefined = undefined_steps(trajectory)
    assert undefined["over_zero"][0] >= 1 and zero_over_zero_steps(trajectory)[0] == 0
    assert undefined["zero_over_zero"][1] == 5  # y sits at 0 throughout: 0/0 there
    t = int(np.argmax((trajectory.states["u"][:, 0] == 0) & (trajectory.states["m"][:, 0] != 0))) + 1
    latex = equations_at(optimizer, trajectory, t)
    assert "x: m/0 = ±∞" in latex and "x: 0/0" not in latex


# ---------------------------------------------------------------- bounds

def test_first_step_bound_is_alpha_whatever_beta2():
    from optimizers import adam_step_bound, adamax_step_bound

    assert adamax_step_bound(0.1, 0.9, 0.0, 1) == pytest.approx(0.1)
    assert adam_step_bound(0.1, 0.9, 0.0, 1) == pytest.approx(0.1)
    assert np.isinf(adamax_step_bound(0.1, 0.9, 0.0, 2))  # after that, β2 = 0 bounds nothing
    step, _ = AdaMax(lr=0.1, beta1=0.9, beta2=0.0, eps=0.0).update(np.array([3.0, -1e-9]),
                                                                   AdaMax(beta2=0.0).init(np.zeros(2)))
    assert np.abs(step).tolist() == pytest.approx([0.1, 0.1])


# ---------------------------------------------------------------- surfaces' small print

def test_six_hump_camel_minima_are_the_float64_roots():
    """One Newton step from each stored minimum moves it by less than an ulp or two (it was 6e-14 off)."""
    from surfaces import SURFACES

    surface = SURFACES["six_hump_camel"]
    for minimum in surface.minima:
        h = 1e-6
        hessian = np.array([(surface.grad(minimum + h * e) - surface.grad(minimum - h * e)) / (2 * h)
                            for e in np.eye(2)]).T
        newton = np.linalg.solve(hessian, surface.grad(minimum))
        assert np.abs(newton).max() < 4e-16


def test_ackley_gradient_is_finite_next_to_the_origin():
    from surfaces import SURFACES

    surface = SURFACES["ackley"]
    for point in ([1e-310, 0.0], [5e-324, 5e-324], [-1e-200, 3e-310], [0.0, 0.0]):
        gradient = surface.grad(np.array(point))
        assert np.isfinite(gradient).all(), point
        assert np.abs(gradient).max() <= 2 * np.sqrt(2) + 1e-9  # the cone's slope, the ripple vanishing there


def test_goldstein_price_note_states_its_span():
    from surfaces import SURFACES

    surface = SURFACES["goldstein_price"]
    (x0, x1), (y0, y1) = surface.domain
    grid = np.stack(np.meshgrid(np.linspace(x0, x1, 801), np.linspace(y0, y1, 801)), -1)
    span = np.log10(surface.f(grid).max() / surface.minimum_value)
    assert "5.5 decades" in surface.note and round(span, 1) == 5.5


def test_inside_map_draws_no_box_where_beta2_zero_bounds_nothing():
    """β2 = 0: the first step's box is α wide; after it nothing bounds the step, so no box (not a zero-width one)."""
    from figures.internals import internals_figure
    from optimizers import run
    from optimizers.explain import adamax_internals
    from surfaces import SURFACES
    from tests.support.figures import non_finite_paths

    optimizer = AdaMax(lr=0.05, beta2=0.0)
    surface = SURFACES["rosenbrock"]
    internals = adamax_internals(optimizer, run(optimizer, surface, np.array([-1.2, 1.0]), 60, record_state=True))
    assert np.abs(internals.step).max() > 2 * 0.05  # steps do exceed α here
    figure = internals_figure(surface, "AdaMax", "#D55E00", internals)
    boxes = {frame["name"]: frame["data"][1] for frame in figure["frames"]}  # AdaMax's box: the second moving trace
    first = boxes["1"]
    assert max(first["x"]) - min(first["x"]) == pytest.approx(0.1, rel=1e-4)  # 2 α wide at t = 1
    later = [box for name, box in boxes.items() if name != "1"]
    assert later and all(box["x"] == [] for box in later)
    assert non_finite_paths(figure) == []
