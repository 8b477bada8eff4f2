"""Adam's step bound, the step-by-step LaTeX of AdaMax/Adam/SGD, and optimizers.explain (one AdaMax run inside).

The update rules are Kingma & Ba's (arXiv:1412.6980, Algorithms 1 and 2) with PyTorch's ε placement, as in
docs/REFERENCE.md §1 and §4; the hand computations below are written from
those formulas, not from the package.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from optimizers import (
    SGD,
    Adam,
    AdaMax,
    AdaMaxInternals,
    RMSProp,
    adam_step_bound,
    adamax_internals,
    adamax_step_bound,
    equations_at,
    latex_number,
    latex_vector,
    run,
    step_table,
)
from optimizers.adam import AdamState
from optimizers.adamax import AdaMaxState
from optimizers.explain import TABLE_COLUMNS
from optimizers.sgd import SGDState

START = (-1.5, 2.0)


class Banana:
    """A Rosenbrock-like valley, (1 − x)² + 10(y − x²)², with its analytic gradient."""

    @staticmethod
    def f(p):
        x, y = p[..., 0], p[..., 1]
        return (1 - x) ** 2 + 10 * (y - x**2) ** 2

    @staticmethod
    def grad(p):
        x, y = p[..., 0], p[..., 1]
        return np.stack([-2 * (1 - x) - 40 * x * (y - x**2), 20 * (y - x**2)], axis=-1)


class FlatInY:
    """(x − 1)²: the y-gradient is exactly 0 everywhere, so AdaMax's u_y stays 0 (0/0 in the paper's rule)."""

    @staticmethod
    def f(p):
        return (p[..., 0] - 1) ** 2 + 0 * p[..., 1]

    @staticmethod
    def grad(p):
        return np.stack([2 * (p[..., 0] - 1), np.zeros_like(p[..., 1])], axis=-1)


# --- Adam's step bound ---------------------------------------------------------------------------------------

BETAS = [(0.9, 0.999), (0.5, 0.9), (0.0, 0.99), (0.9, 0.5), (0.3, 0.09), (0.99, 0.9), (0.95, 0.9999)]


def weights(beta1: float, beta2: float, t: int) -> tuple[np.ndarray, np.ndarray]:
    """a_i, b_i of m̂_t = Σ a_i g_i and v̂_t = Σ b_i g_i², i = 1 … t, written term by term."""
    a = np.array([(1 - beta1) * beta1 ** (t - i) / (1 - beta1**t) for i in range(1, t + 1)])
    b = np.array([(1 - beta2) * beta2 ** (t - i) / (1 - beta2**t) for i in range(1, t + 1)])
    return a, b


def ratio(a: np.ndarray, b: np.ndarray, g: np.ndarray) -> np.ndarray:
    """|m̂|/√v̂ for gradient sequences g (..., t)."""
    return np.abs((a * g).sum(-1)) / np.sqrt((b * g * g).sum(-1))


@pytest.mark.parametrize(("beta1", "beta2"), BETAS)
def test_adam_bound_is_lr_at_t1(beta1, beta2):
    for lr in (1e-3, 0.05, 1.7):
        assert adam_step_bound(lr, beta1, beta2, 1) == pytest.approx(lr, rel=1e-14)


@pytest.mark.parametrize(("beta1", "beta2"), BETAS)
def test_adam_bound_matches_brute_force_maximisation(beta1, beta2):
    rng = np.random.default_rng(0)
    for t in (1, 2, 3, 7, 25, 60):
        a, b = weights(beta1, beta2, t)
        tight = float(ratio(a, b, a / b))
        # no random sequence (signed, scaled, heavy-tailed) beats the Cauchy–Schwarz maximiser g ∝ a/b ...
        samples = np.concatenate([rng.normal(size=(4000, t)), rng.standard_cauchy(size=(4000, t)),
                                  (a / b) * rng.uniform(0.5, 1.5, size=(4000, t))])
        assert ratio(a, b, samples).max() <= tight * (1 + 1e-12)
        # ... nor does any small perturbation of it (it is a maximum, not just a stationary point)
        assert ratio(a, b, (a / b) * (1 + 1e-3 * rng.normal(size=(500, t)))).max() <= tight * (1 + 1e-12)
        assert adam_step_bound(0.01, beta1, beta2, t) == pytest.approx(0.01 * tight, rel=1e-10)


def test_adam_bound_limit_and_comparison_with_adamax():
    limit = math.sqrt(0.1**2 / (0.001 * (1 - 0.81 / 0.999)))
    assert limit == pytest.approx(7.27, abs=5e-3)
    assert adam_step_bound(1.0, 0.9, 0.999, 10**7) == pytest.approx(limit, rel=1e-9)
    ts = np.arange(1, 3000)
    assert (adam_step_bound(1.0, 0.9, 0.999, ts) >= adamax_step_bound(1.0, 0.9, 0.999, ts) * (1 - 1e-12)).all()
    assert adam_step_bound(1.0, 0.9, 0.999, 3000) > 5 * adamax_step_bound(1.0, 0.9, 0.999, 3000)


def test_adam_bound_edge_cases_and_broadcasting():
    # β2 = 0: v̂ = g_t² only, so a long run of earlier gradients is unbounded — unless β1 = 0 (step = lr·sign g)
    assert adam_step_bound(0.1, 0.5, 0.0, 5) == np.inf
    assert adam_step_bound(0.1, 0.0, 0.0, 5) == pytest.approx(0.1, rel=1e-15)
    assert adam_step_bound(0.1, 0.5, 0.0, 1) == pytest.approx(0.1, rel=1e-15)  # the first step is always ±α
    assert adam_step_bound(0.1, 0.5, 0.0, np.array([1, 2])).tolist() == [pytest.approx(0.1), np.inf]
    # r = β1²/β2 near 1: continuous across r = 1 (no special-casing error), ≈ √t growth factor there
    at_one = adam_step_bound(1.0, 0.3, 0.09, 400)
    for rel in (1e-13, 1e-9, -1e-9, -1e-13):
        assert adam_step_bound(1.0, 0.3, 0.09 * (1 + rel), 400) == pytest.approx(at_one, rel=1e-6)
    # r > 1 and a large t: computed in logarithms, finite while the bound itself is
    t, beta1, beta2 = 15_000, 0.99, 0.9
    r = beta1**2 / beta2
    log_expected = math.log(1e-3) + 0.5 * (2 * math.log(1 - beta1) - math.log(1 - beta2) + t * math.log(r)
                                           - math.log(r - 1))
    assert math.log(adam_step_bound(1e-3, beta1, beta2, t)) == pytest.approx(log_expected, rel=1e-10)
    # broadcasting like adamax_step_bound
    lr = np.array([[0.1], [0.2]])
    out = adam_step_bound(lr, 0.9, 0.999, np.array([1, 10, 100]))
    assert out.shape == (2, 3)
    assert out[1] == pytest.approx(2 * out[0], rel=1e-14)
    assert isinstance(adam_step_bound(0.1, 0.9, 0.999, 3), float)


def drive_adam(optimizer: Adam, grads: np.ndarray) -> np.ndarray:
    """Adam's updates for a gradient sequence (T, 2), through its own rule.

    With eps = 0, leading zero gradients (the adversarial sequence for β1 = 0) make those first steps 0/0 = NaN;
    a NaN fails every `<=` below, so the random-sequence test still catches any.
    """
    state = optimizer.init(np.zeros(2))
    steps = []
    for g in grads:
        with np.errstate(invalid="ignore"):
            update, state = optimizer.update(g, state)
        steps.append(update)
    return np.array(steps)


@pytest.mark.parametrize(("beta1", "beta2"), BETAS)
def test_adam_steps_never_exceed_the_bound(beta1, beta2):
    rng = np.random.default_rng(1)
    lr, steps = 0.05, 80
    bound = adam_step_bound(lr, beta1, beta2, np.arange(1, steps + 1))[:, None]
    for eps in (0.0, 1e-8):
        for kind in range(6):
            grads = [rng.normal(size=(steps, 2)),
                     rng.standard_cauchy(size=(steps, 2)),
                     np.exp(rng.uniform(-20, 20, size=(steps, 2))) * rng.choice([-1, 1], size=(steps, 2)),
                     np.geomspace(1e-6, 1e6, steps)[:, None] * np.ones(2),   # growing gradients: near the worst
                     np.geomspace(1e6, 1e-6, steps)[:, None] * np.ones(2),
                     np.abs(rng.normal(size=(steps, 2))) * 1.05 ** np.arange(steps)[:, None]][kind]
            taken = np.abs(drive_adam(Adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps), grads))
            assert (taken <= bound * (1 + 1e-12)).all(), (kind, eps)


@pytest.mark.parametrize(("beta1", "beta2"), BETAS)
def test_adversarial_sequence_reaches_adam_bound(beta1, beta2):
    lr = 0.05
    for t in (1, 2, 5, 30, 50):
        a, b = weights(beta1, beta2, t)
        g = a / b                                           # g_i ∝ (β1/β2)^(t−i): grows into step t
        grads = np.stack([g, -3.0 * g], axis=-1)            # sign and scale do not matter
        taken = drive_adam(Adam(lr=lr, beta1=beta1, beta2=beta2, eps=0.0), grads)
        np.testing.assert_allclose(np.abs(taken[-1]), adam_step_bound(lr, beta1, beta2, t), rtol=1e-10)


# --- the LaTeX formatting -------------------------------------------------------------------------------------

def test_latex_number_and_vector():
    assert latex_number(0.1234567) == "0.1235"
    assert latex_number(-2.0) == "-2"
    assert latex_number(-0.0) == "0"
    assert latex_number(1.23456e-5) == r"1.235 \times 10^{-5}"
    assert latex_number(-4.5e12) == r"-4.5 \times 10^{12}"
    assert latex_number(1e-8) == "10^{-8}"
    assert latex_number(np.float64(12346.0)) == r"1.235 \times 10^{4}"
    assert latex_number(np.inf) == r"\infty"
    assert latex_number(-np.inf) == r"-\infty"
    assert latex_number(np.nan) == r"\text{NaN}"
    assert latex_vector(np.array([0.5, -1e-5])) == r"\left( 0.5,\ -10^{-5} \right)"


def balanced(text: str) -> bool:
    depth = 0
    for char in text.replace(r"\{", "").replace(r"\}", ""):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0 and len(re.findall(r"\\left(?!arrow)", text)) == len(re.findall(r"\\right(?!arrow)", text))


def test_latex_numbers_never_crash_on_non_finite_values():
    bad = np.array([np.inf, np.nan])
    theta = np.array([1.0, -np.inf])
    texts = [
        *(AdaMax(eps_mode=mode).latex_numbers(bad, AdaMaxState(2, bad, np.array([0.0, np.inf])),
                                              AdaMaxState(3, bad, np.array([np.inf, 0.0])), theta, theta)
          for mode in ("pytorch", "keras", "paper")),
        Adam().latex_numbers(bad, AdamState(0, bad, bad), AdamState(1, bad, np.array([0.0, np.inf])), theta, theta),
        SGD(momentum=0.9, nesterov=True).latex_numbers(bad, SGDState(0, bad), SGDState(1, -bad), theta, theta),
    ]
    for text in texts:
        assert r"\infty" in text and r"\text{NaN}" in text and balanced(text)


def test_latex_numbers_needs_one_configuration():
    state = AdaMaxState(1, np.zeros(2), np.ones(2))
    optimizer = AdaMax(lr=np.array([[0.1], [0.2]]))
    with pytest.raises(ValueError, match="lr"):
        optimizer.latex_numbers(np.ones(2), state, state, np.zeros(2), np.zeros(2))


# --- internals of an AdaMax run -------------------------------------------------------------------------------

CONFIGS = [
    AdaMax(lr=0.05),
    AdaMax(lr=0.02, beta1=0.5, beta2=0.9),
    AdaMax(lr=0.3, beta1=0.95, beta2=0.9, eps=1e-3),            # β1 > β2: the bound grows with t
    AdaMax(lr=0.01, beta1=0.0, beta2=0.99, eps_mode="keras"),
    AdaMax(lr=0.1, beta1=0.8, beta2=0.7, eps_mode="paper"),
]


def internals_of(optimizer: AdaMax, steps: int = 300, surface=None, start=START):
    trajectory = run(optimizer, surface or Banana(), start, steps, record_state=True)
    return trajectory, adamax_internals(optimizer, trajectory)


@pytest.mark.parametrize("optimizer", CONFIGS, ids=lambda o: o.label())
def test_internals_are_the_recorded_state(optimizer):
    trajectory, inside = internals_of(optimizer)
    assert isinstance(inside, AdaMaxInternals)
    steps = trajectory.steps
    assert inside.t.tolist() == list(range(1, steps + 1))
    assert np.array_equal(inside.grad, trajectory.grads)
    assert np.array_equal(inside.m, trajectory.states["m"])
    assert np.array_equal(inside.u, trajectory.states["u"])
    t = np.arange(1, steps + 1)
    assert np.array_equal(inside.m_hat, trajectory.states["m"] / (1 - optimizer.beta1 ** t)[:, None])
    assert np.array_equal(inside.theta, trajectory.points)
    assert np.array_equal(inside.step, trajectory.points[1:] - trajectory.points[:-1])
    assert inside.bound.shape == inside.adam_bound.shape == (steps,)
    np.testing.assert_allclose(inside.bound, [adamax_step_bound(optimizer.lr, optimizer.beta1, optimizer.beta2, k)
                                              for k in t], rtol=1e-15)
    np.testing.assert_allclose(inside.adam_bound, [adam_step_bound(optimizer.lr, optimizer.beta1, optimizer.beta2, k)
                                                   for k in t], rtol=1e-15)
    assert inside.diverged_at == -1


def test_step_is_the_rule_in_pytorch_mode():
    optimizer = AdaMax(lr=0.05, beta1=0.8, beta2=0.95, eps=1e-6)
    trajectory, inside = internals_of(optimizer, 400)
    # hand-written rule: m and u re-derived from the recorded gradients, then −lr·m̂/u
    m, u = np.zeros(2), np.zeros(2)
    expected = []
    for k, g in enumerate(trajectory.grads, start=1):
        m = 0.8 * m + 0.2 * g
        u = np.maximum(0.95 * u, np.abs(g) + 1e-6)
        expected.append(-0.05 * (m / (1 - 0.8**k)) / u)
    expected = np.array(expected)
    scale = np.abs(trajectory.points).max()
    np.testing.assert_allclose(inside.step, expected, rtol=1e-9, atol=1e-15 * scale)
    np.testing.assert_allclose(inside.step, -0.05 * inside.m_hat / inside.u, rtol=1e-12, atol=1e-15 * scale)


@pytest.mark.parametrize("optimizer", [*CONFIGS, AdaMax(lr=1.0), AdaMax(lr=0.5, beta1=0.99, beta2=0.9, eps=0.0),
                                       AdaMax(lr=0.2, beta1=0.3, beta2=0.3, eps_mode="keras")],
                         ids=lambda o: o.label())
def test_steps_within_the_bound(optimizer):
    trajectory, inside = internals_of(optimizer, 500)
    # the point is rounded when the step is added to it: allow that rounding on top of the relative margin
    rounding = 2 * np.spacing(np.abs(trajectory.points[1:]))
    assert (np.abs(inside.step) <= inside.bound[:, None] * (1 + 1e-12) + rounding).all()
    # the first step is α·|g|/(|g| + ε) per coordinate: exactly ±α in the paper's rule
    g = np.abs(trajectory.grads[0])
    eps = 0.0 if optimizer.eps_mode == "paper" else optimizer.eps
    np.testing.assert_allclose(np.abs(inside.step[0]), optimizer.lr * g / (g + eps), rtol=1e-12)


@pytest.mark.parametrize("optimizer", CONFIGS, ids=lambda o: o.label())
def test_adam_sqrt_v_hat_is_adams_second_moment(optimizer):
    trajectory, inside = internals_of(optimizer)
    v = np.zeros(2)
    expected = []
    for k, g in enumerate(trajectory.grads, start=1):
        v = optimizer.beta2 * v + (1 - optimizer.beta2) * g * g
        expected.append(np.sqrt(v / (1 - optimizer.beta2**k)))
    np.testing.assert_allclose(inside.adam_sqrt_v_hat, np.array(expected), rtol=1e-12)


@pytest.mark.parametrize("optimizer", CONFIGS, ids=lambda o: o.label())
def test_fresh_won(optimizer):
    trajectory, inside = internals_of(optimizer)
    assert inside.fresh_won.dtype == bool and inside.fresh_won.shape == inside.u.shape
    assert inside.fresh_won[0].all()
    eps = optimizer.eps if optimizer.eps_mode == "pytorch" else 0.0
    fresh = np.abs(trajectory.grads) + eps
    memory = optimizer.beta2 * trajectory.states["u"][:-1]
    assert np.array_equal(inside.fresh_won[1:], fresh[1:] >= memory)
    # and it says which side u_t took
    u = trajectory.states["u"]
    assert np.array_equal(u[inside.fresh_won], fresh[inside.fresh_won])
    assert np.array_equal(u[1:][~inside.fresh_won[1:]], memory[~inside.fresh_won[1:]])


def test_fresh_won_sees_both_sides():
    _, inside = internals_of(AdaMax(lr=0.1, beta1=0.8, beta2=0.7, eps_mode="paper"))
    assert inside.fresh_won[1:].any() and not inside.fresh_won[1:].all()


def test_internals_of_a_diverged_run_are_held():
    optimizer = AdaMax(lr=0.05)
    trajectory = run(optimizer, Banana(), START, 100, record_state=True, bound=2.085)  # y rises past 2.085
    d = int(trajectory.diverged_at)
    assert d > 2
    inside = adamax_internals(optimizer, trajectory)
    assert inside.diverged_at == d
    assert not inside.fresh_won[d - 1:].any()
    assert (inside.adam_sqrt_v_hat[d - 1:] == inside.adam_sqrt_v_hat[d - 2]).all()
    assert (inside.step[d - 1:] == 0).all()


# --- the table -------------------------------------------------------------------------------------------------

def test_step_table():
    trajectory, inside = internals_of(AdaMax(lr=0.05, beta2=0.9), 50)
    table = step_table(inside, 12)
    assert tuple(table) == TABLE_COLUMNS == ("t", "g_x", "g_y", "m_x", "m_y", "m_hat_x", "m_hat_y", "u_x", "u_y",
                                             "step_x", "step_y", "theta_x", "theta_y")
    assert all(column.shape == (12,) for column in table.values())
    assert table["t"].tolist() == list(range(1, 13))
    for name, series in (("g", trajectory.grads), ("m", trajectory.states["m"]), ("m_hat", inside.m_hat),
                         ("u", trajectory.states["u"]), ("step", np.diff(trajectory.points, axis=0)),
                         ("theta", trajectory.points[1:])):
        assert np.array_equal(table[f"{name}_x"], series[:12, 0]), name
        assert np.array_equal(table[f"{name}_y"], series[:12, 1]), name
    # the theta columns are the point after each step: previous theta + step
    np.testing.assert_allclose(table["theta_x"][1:], table["theta_x"][:-1] + table["step_x"][1:], rtol=1e-14)
    assert len(step_table(inside, 500)["t"]) == 50
    assert len(step_table(inside, 0)["theta_y"]) == 0
    table["u_x"][0] = -1.0                                    # the table is a copy
    assert inside.u[0, 0] > 0
    for rows in (-1, 2.5, True, "3"):
        with pytest.raises(ValueError, match="rows"):
            step_table(inside, rows)


# --- the equations with numbers ---------------------------------------------------------------------------------

EQUATION_OPTIMIZERS = [
    AdaMax(lr=0.05), AdaMax(lr=0.05, eps_mode="keras", eps=1e-7), AdaMax(lr=0.05, eps_mode="paper"),
    Adam(lr=0.05), Adam(lr=0.02, beta1=0.8, beta2=0.99, eps=1e-4),
    SGD(lr=1e-3), SGD(lr=1e-3, momentum=0.9), SGD(lr=1e-3, momentum=0.9, nesterov=True),
]


@pytest.mark.parametrize("optimizer", EQUATION_OPTIMIZERS, ids=lambda o: o.label())
def test_equations_at_shows_the_steps_numbers(optimizer):
    trajectory = run(optimizer, Banana(), START, 40, record_state=True)
    names = list(trajectory.states)
    for t in (1, 2, 17, 40):
        text = equations_at(optimizer, trajectory, t)
        assert text.startswith("\\begin{aligned}") and text.endswith("\\end{aligned}")
        assert balanced(text)
        for k in range(2):
            assert latex_number(trajectory.grads[t - 1][k]) in text
            assert latex_number(trajectory.points[t - 1][k]) in text
            assert latex_number(trajectory.points[t][k]) in text
        assert latex_vector(trajectory.grads[t - 1]) in text
        assert latex_vector(trajectory.points[t]) in text
        for name in names:
            assert latex_vector(trajectory.states[name][t - 1]) in text, name              # the state after
            previous = trajectory.states[name][t - 2] if t > 1 else np.zeros(2)
            assert latex_vector(previous) in text, name                                    # the state before
        assert f"_{{{t}}} &=" in text
        assert "0/0" not in text


def test_equations_at_substitutes_hyperparameters():
    optimizer = AdaMax(lr=0.05, beta1=0.85, beta2=0.99995, eps=2e-8)
    trajectory = run(optimizer, Banana(), START, 5, record_state=True)
    text = equations_at(optimizer, trajectory, 3)
    assert r"0.85^{3}" in text and "0.99995" in text and r"2 \times 10^{-8}" in text and "0.05" in text
    m_hat = trajectory.states["m"][2] / (1 - 0.85**3)
    assert latex_vector(m_hat) in text


def test_paper_mode_shows_no_move_where_u_is_zero():
    optimizer = AdaMax(lr=0.05, eps_mode="paper")
    trajectory = run(optimizer, FlatInY(), (3.0, 0.5), 10, record_state=True)
    assert (trajectory.states["u"][:, 1] == 0).all() and (trajectory.points[:, 1] == 0.5).all()
    text = equations_at(optimizer, trajectory, 4)
    assert "0/0" in text and "no move" in text and "(y: 0/0" in text and balanced(text)
    assert latex_vector([-0.05 * trajectory.states["m"][3][0] / (1 - 0.9**4) / trajectory.states["u"][3][0],
                         0.0]) in text
    # with ε (PyTorch) u_y = ε > 0: no 0/0 and no note
    pytorch = AdaMax(lr=0.05)
    assert "0/0" not in equations_at(pytorch, run(pytorch, FlatInY(), (3.0, 0.5), 10, record_state=True), 4)


def test_equations_at_without_latex_numbers_is_none():
    optimizer = RMSProp(lr=1e-3)
    assert equations_at(optimizer, run(optimizer, Banana(), START, 5, record_state=True), 2) is None


# --- invalid inputs ---------------------------------------------------------------------------------------------

def test_invalid_inputs():
    optimizer = AdaMax(lr=0.05)
    recorded = run(optimizer, Banana(), START, 10, record_state=True)
    with pytest.raises(ValueError, match="record_state"):
        adamax_internals(optimizer, run(optimizer, Banana(), START, 10))
    with pytest.raises(ValueError, match="batched"):
        adamax_internals(optimizer, run(optimizer, Banana(), [START, (0.0, 0.0)], 10, record_state=True))
    per_coordinate = AdaMax(lr=np.array([0.05, 0.06]))  # unbatched points, but not one scalar configuration
    with pytest.raises(ValueError, match="arrays"):
        adamax_internals(per_coordinate, run(per_coordinate, Banana(), START, 10, record_state=True))
    with pytest.raises(ValueError, match="AdaMax"):
        adamax_internals(Adam(), recorded)
    with pytest.raises(ValueError, match="lacks"):
        adamax_internals(optimizer, run(Adam(), Banana(), START, 10, record_state=True))
    for t in (0, 11, -1, 2.0, True):
        with pytest.raises(ValueError, match="t must be"):
            equations_at(optimizer, recorded, t)
    with pytest.raises(ValueError, match="record_state"):
        equations_at(optimizer, run(optimizer, Banana(), START, 10), 3)
    with pytest.raises(ValueError, match="batched"):
        equations_at(optimizer, run(optimizer, Banana(), [START, START], 10, record_state=True), 3)
    with pytest.raises(ValueError, match="lr"):
        equations_at(per_coordinate, run(per_coordinate, Banana(), START, 10, record_state=True), 3)
    # a zero-step run has internals with no rows, and no step to write out
    empty = adamax_internals(optimizer, run(optimizer, Banana(), START, 0, record_state=True))
    assert empty.t.shape == (0,) and empty.theta.shape == (1, 2) and len(step_table(empty, 5)["t"]) == 0
