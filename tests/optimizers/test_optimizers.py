"""The optimizers against the naive references of tests/support/rules.py, plus validation and metadata.

Facts checked come from docs/REFERENCE.md §1, §3 and §4.
"""

from __future__ import annotations

import dataclasses
import re
import warnings

import numpy as np
import pytest

from optimizers import (
    OPTIMIZERS,
    SGD,
    AdaGrad,
    Adam,
    AdaMax,
    AdamLp,
    RMSProp,
    adamax_step_bound,
    make_optimizer,
    run,
)
from tests.support import rules as ref
from tests.support.rules import Beale, Bowl, Rosenbrock, RotatedQuadratic, Saddle

STEPS = 300
# (surface, start) pairs; each optimizer gets learning rates that keep it in a sensible region of each one.
ROSEN = (Rosenbrock(), (-1.5, 2.0))
QUAD = (RotatedQuadratic(), (2.0, -1.5))
BEALE = (Beale(), (1.0, 1.5))


def assert_paths_close(actual: np.ndarray, expected: np.ndarray, rtol: float = 1e-9) -> None:
    """Equal to rounding: relative to each value, with an absolute floor scaled by the path's size."""
    assert actual.shape == expected.shape
    assert np.isfinite(expected).all()
    scale = max(1.0, float(np.abs(expected).max()))
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol * scale)


# --- each optimizer against its reference --------------------------------------------------------------------

CASES = [
    # (id, optimizer, reference, reference kwargs, surface/start)
    *[(f"adamax-{mode}-{s[0].name}", AdaMax(lr=lr, eps_mode=mode), ref.adamax, {"lr": lr, "eps_mode": mode}, s)
      for mode in ("pytorch", "keras", "paper")
      for s, lr in ((ROSEN, 0.05), (QUAD, 0.02), (BEALE, 0.01))],
    # (β1, β2) = (0.5, 0.9) near a minimum with a larger lr is chaotic: rounding grows ×30 per 10 steps there
    ("adamax-betas-keras-eps", AdaMax(lr=0.005, beta1=0.5, beta2=0.9, eps=1e-3, eps_mode="keras"), ref.adamax,
     {"lr": 0.005, "beta1": 0.5, "beta2": 0.9, "eps": 1e-3, "eps_mode": "keras"}, ROSEN),
    ("adamax-betas-pytorch-eps", AdaMax(lr=0.03, beta1=0.95, beta2=0.99, eps=1e-3), ref.adamax,
     {"lr": 0.03, "beta1": 0.95, "beta2": 0.99, "eps": 1e-3, "eps_mode": "pytorch"}, QUAD),
    *[(f"adam-{s[0].name}", Adam(lr=lr), ref.adam, {"lr": lr}, s)
      for s, lr in ((ROSEN, 0.05), (QUAD, 0.02), (BEALE, 0.01))],
    ("adam-betas", Adam(lr=0.02, beta1=0.8, beta2=0.99, eps=1e-4), ref.adam,
     {"lr": 0.02, "beta1": 0.8, "beta2": 0.99, "eps": 1e-4}, ROSEN),
    *[(f"sgd-mu{mu}-nesterov{nest}-{s[0].name}", SGD(lr=lr, momentum=mu, nesterov=nest), ref.sgd,
       {"lr": lr, "momentum": mu, "nesterov": nest}, s)
      for mu, nest in ((0.0, False), (0.9, False), (0.9, True))
      for s, lr in ((ROSEN, 1e-4), (QUAD, 0.01), (BEALE, 1e-3))],
    *[(f"rmsprop-mu{mu}-{s[0].name}", RMSProp(lr=lr, momentum=mu), ref.rmsprop, {"lr": lr, "momentum": mu}, s)
      for mu in (0.0, 0.9)
      for s, lr in ((ROSEN, 1e-3), (QUAD, 1e-3), (BEALE, 1e-3))],
    ("rmsprop-alpha", RMSProp(lr=3e-3, alpha=0.9, eps=1e-6, momentum=0.5), ref.rmsprop,
     {"lr": 3e-3, "alpha": 0.9, "eps": 1e-6, "momentum": 0.5}, ROSEN),
    *[(f"adagrad-acc{acc}-{s[0].name}", AdaGrad(lr=lr, initial_accumulator_value=acc), ref.adagrad,
       {"lr": lr, "initial_accumulator_value": acc}, s)
      for acc in (0.0, 0.5)
      for s, lr in ((ROSEN, 0.1), (QUAD, 0.1), (BEALE, 0.05))],
    ("adagrad-eps", AdaGrad(lr=0.2, eps=1e-3, initial_accumulator_value=2.0), ref.adagrad,
     {"lr": 0.2, "eps": 1e-3, "initial_accumulator_value": 2.0}, QUAD),
    *[(f"adamlp-naive-p4-{s[0].name}", AdamLp(lr=lr, p=4.0, form="naive"), ref.adam_lp_naive,
       {"lr": lr, "p": 4.0}, s)
      for s, lr in ((ROSEN, 0.05), (QUAD, 0.02), (BEALE, 0.01))],
]


@pytest.mark.parametrize(("optimizer", "reference", "kwargs", "surface_start"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_matches_reference(optimizer, reference, kwargs, surface_start):
    surface, start = surface_start
    expected = reference(surface.grad, start, STEPS, **kwargs)
    traj = run(optimizer, surface, start, STEPS)
    assert (traj.diverged_at == -1).all()
    # the path must actually go somewhere, or agreement would say little
    assert np.abs(expected[-1] - expected[0]).max() > 1e-2
    assert_paths_close(traj.points, expected)
    np.testing.assert_allclose(traj.losses, surface.f(expected), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("optimizer", [AdaMax(lr=0.05), Adam(lr=0.05), SGD(lr=1e-4, momentum=0.9, nesterov=True),
                                       RMSProp(lr=1e-3, momentum=0.9), AdaGrad(lr=0.1), AdamLp(lr=0.05, p=3.0)],
                         ids=lambda o: o.key)
def test_update_is_pure_and_drives_run(optimizer):
    """Stepping with update() by hand gives run()'s path, and update() never modifies its inputs."""
    surface, start = ROSEN
    params = np.array(start)
    state = optimizer.init(params)
    path = [params.copy()]
    for _ in range(50):
        grad = surface.grad(params)
        grad_before = grad.copy()
        state_before = [np.array(a, copy=True) for a in state[1:]]
        updates, new_state = optimizer.update(grad, state)
        np.testing.assert_array_equal(grad, grad_before)
        for before, after in zip(state_before, state[1:], strict=True):
            np.testing.assert_array_equal(before, after)
        assert new_state.t == state.t + 1
        params = params + updates
        state = new_state
        path.append(params.copy())
    np.testing.assert_allclose(run(optimizer, surface, start, 50).points, np.array(path), rtol=1e-12, atol=1e-14)


def test_reference_surfaces_have_correct_gradients():
    """The hand-written gradients agree with central differences (they are the tests' own ground truth)."""
    rng = np.random.default_rng(0)
    points = rng.uniform(-2, 2, size=(20, 2))
    h = 1e-6
    for surface in (*ref.SURFACES_FOR_TESTS, Bowl(), Saddle(), ref.Wavy(0.3, 0.7, 0.2, 0.5, -0.4, 2.0)):
        numeric = np.stack([(surface.f(points + h * e) - surface.f(points - h * e)) / (2 * h)
                            for e in np.eye(2)], axis=-1)
        np.testing.assert_allclose(surface.grad(points), numeric, rtol=1e-6, atol=1e-5)


# --- AdaMax: ε placements and the paper's 0/0 ------------------------------------------------------------------

def test_adamax_modes_differ_only_by_eps():
    """With a large ε the three placements give visibly different paths, so the mode is really used."""
    surface, start = QUAD
    paths = {mode: run(AdaMax(lr=0.05, eps=0.5, eps_mode=mode), surface, start, 50).points
             for mode in ("pytorch", "keras", "paper")}
    assert np.abs(paths["pytorch"] - paths["keras"]).max() > 1e-4
    assert np.abs(paths["pytorch"] - paths["paper"]).max() > 1e-3
    assert np.abs(paths["keras"] - paths["paper"]).max() > 1e-3


def test_adamax_first_step_is_lr_times_sign():
    """At t = 1, m̂ = g and u = |g|: the paper's step is exactly α·sign(g), whatever the gradient's scale."""
    opt = AdaMax(lr=0.01, eps_mode="paper")
    for grad in ([3.0, -1e-5], [-250.0, 7.0]):
        updates, _ = opt.update(np.array(grad), opt.init(np.zeros(2)))
        np.testing.assert_allclose(updates, -0.01 * np.sign(grad), rtol=1e-15)


@pytest.mark.parametrize("mode", ["paper", "pytorch", "keras"])
@pytest.mark.parametrize(("surface", "start"), [(Bowl(), (1.0, 0.0)), (Saddle(), (-1.5, 0.0))], ids=["bowl", "saddle"])
def test_adamax_zero_gradient_coordinate_never_moves(mode, surface, start):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        traj = run(AdaMax(lr=0.05, eps_mode=mode), surface, start, STEPS, record_state=True)
    assert np.isfinite(traj.points).all() and np.isfinite(traj.losses).all()
    assert np.isfinite(traj.states["m"]).all() and np.isfinite(traj.states["u"]).all()
    assert (traj.points[:, 1] == 0.0).all()
    assert (traj.diverged_at == -1).all()
    # x does move, as the reference says it should
    assert abs(traj.points[-1, 0] - start[0]) > 0.5
    assert_paths_close(traj.points, ref.adamax(surface.grad, start, STEPS, lr=0.05, eps_mode=mode))
    if mode == "paper":
        assert (traj.states["u"][:, 1] == 0.0).all()


def test_adamax_paper_update_on_zero_gradient_is_zero_without_warning():
    opt = AdaMax(eps_mode="paper")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        updates, state = opt.update(np.zeros(2), opt.init(np.zeros(2)))
    np.testing.assert_array_equal(updates, 0.0)
    np.testing.assert_array_equal(state.u, 0.0)


# --- AdaMax step bound -----------------------------------------------------------------------------------------

def exact_bound(lr: float, beta1: float, beta2: float, t: int) -> float:
    """α(1 − β1)·Σ_{k<t} (β1/β2)^k / (1 − β1^t) in exact rational arithmetic on the given floats."""
    from fractions import Fraction

    b1, b2 = Fraction(beta1), Fraction(beta2)
    ratio = b1 / b2
    total = Fraction(t) if ratio == 1 else (1 - ratio**t) / (1 - ratio)
    return float(Fraction(lr) * (1 - b1) * total / (1 - b1**t))


@pytest.mark.parametrize(("beta1", "beta2"), [(0.9, 0.999), (0.5, 0.9), (0.0, 0.99), (0.99, 0.999), (0.9, 0.5),
                                              (0.8, 0.8), (0.9, 0.9 / (1 + 1e-6)), (0.9, 0.9 * (1 + 1e-7))])
def test_step_bound_formula(beta1, beta2):
    lr = 0.05
    assert adamax_step_bound(lr, beta1, beta2, 1) == pytest.approx(lr, rel=1e-14)
    for t in (2, 3, 10, 57, 300):
        assert adamax_step_bound(lr, beta1, beta2, t) == pytest.approx(exact_bound(lr, beta1, beta2, t), rel=1e-9)
    if beta1 < beta2:
        limit = lr * (1 - beta1) / (1 - beta1 / beta2)
        assert adamax_step_bound(lr, beta1, beta2, 10**10) == pytest.approx(limit, rel=1e-9)  # t ≫ 1/(1 − β1/β2)
        ts = np.arange(1, 5000)
        assert (adamax_step_bound(lr, beta1, beta2, ts) <= limit * (1 + 1e-12)).all()
    if beta1 >= beta2 > 0 and beta1 > 0:
        assert adamax_step_bound(lr, beta1, beta2, 300) > adamax_step_bound(lr, beta1, beta2, 30) > lr


def test_step_bound_defaults_value_from_reference():
    """docs/REFERENCE.md §2: the ratio reaches (1 − β1)/(1 − β1/β2) ≈ 1.0091 for the defaults."""
    assert adamax_step_bound(1.0, 0.9, 0.999, 10**6) == pytest.approx(1.0091, abs=5e-5)


def test_step_bound_broadcasts():
    bound = adamax_step_bound(np.array([[0.1], [0.2]]), 0.9, 0.999, np.array([1, 2, 3]))
    assert bound.shape == (2, 3)
    np.testing.assert_allclose(bound[:, 0], [0.1, 0.2], rtol=1e-14)
    np.testing.assert_allclose(bound[1], 2 * bound[0], rtol=1e-14)


def _steps_for_gradients(opt: AdaMax, gradients: np.ndarray) -> np.ndarray:
    """|Δθ| of every step when the optimizer is fed this gradient sequence (steps, 2)."""
    state = opt.init(np.zeros(2))
    steps = []
    for g in gradients:
        updates, state = opt.update(g, state)
        steps.append(np.abs(updates))
    return np.array(steps)


@pytest.mark.parametrize(("beta1", "beta2"), [(0.9, 0.999), (0.5, 0.9), (0.9, 0.95), (0.95, 0.9), (0.9, 0.9),
                                              (0.9, 0.9 / (1 + 1e-6)), (0.9, 0.9 * (1 + 1e-6))])
def test_step_bound_is_reached_by_decaying_gradients(beta1, beta2):
    """Same-sign gradients decaying like β2^i make the last step hit the bound; nothing exceeds it."""
    lr, t_max = 0.01, 300
    opt = AdaMax(lr=lr, beta1=beta1, beta2=beta2, eps_mode="paper")
    for t in (1, 2, 10, 100, t_max):
        gradients = np.stack([beta2 ** np.arange(t), -2.0 * beta2 ** np.arange(t)], axis=-1)
        observed = _steps_for_gradients(opt, gradients)
        bounds = adamax_step_bound(lr, beta1, beta2, np.arange(1, t + 1))[:, None]
        assert (observed <= bounds * (1 + 1e-9)).all()
        # the last step is the adversarial one: it reaches the bound
        np.testing.assert_allclose(observed[-1], np.full(2, bounds[-1, 0]), rtol=1e-9)


@pytest.mark.parametrize("mode", ["paper", "pytorch", "keras"])
def test_step_bound_holds_on_random_gradients(mode):
    rng = np.random.default_rng(42)
    for _ in range(40):
        beta1, beta2 = rng.uniform(0, 0.999, size=2)
        lr = 10 ** rng.uniform(-4, 0)
        opt = AdaMax(lr=lr, beta1=beta1, beta2=beta2, eps_mode=mode)
        t = 200
        scale = 10 ** rng.uniform(-3, 3, size=(t, 1))
        decay = np.where(rng.random((t, 1)) < 0.5, beta2 ** np.arange(t)[:, None], 1.0)
        gradients = rng.standard_normal((t, 2)) * scale * decay
        observed = _steps_for_gradients(opt, gradients)
        bounds = adamax_step_bound(lr, beta1, beta2, np.arange(1, t + 1))[:, None]
        assert (observed <= bounds * (1 + 1e-9)).all()
        if beta1 < beta2:
            assert (observed <= lr * (1 - beta1) / (1 - beta1 / beta2) * (1 + 1e-9)).all()


# --- Adam-Lp ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("beta2", [0.999, 0.99, 0.9])
@pytest.mark.parametrize(("surface", "start", "lr"), [(*ROSEN, 0.05), (*QUAD, 0.02), (*BEALE, 0.01)],
                         ids=["rosenbrock", "quadratic", "beale"])
def test_adamlp_p2_is_adam_with_beta2_squared(beta2, surface, start, lr):
    lp = run(AdamLp(lr=lr, beta2=beta2, p=2.0), surface, start, STEPS).points
    adam_path = run(Adam(lr=lr, beta2=beta2**2), surface, start, STEPS).points
    assert_paths_close(lp, adam_path)
    # and not Adam with the same β2, which the paper's parametrisation rules out
    other = run(Adam(lr=lr, beta2=beta2), surface, start, STEPS).points
    assert np.abs(other - lp).max() > 1e-4


@pytest.mark.parametrize("p", [1.0, 3.0, 4.0, 7.5])
@pytest.mark.parametrize(("surface", "start", "lr"), [(*ROSEN, 0.05), (*QUAD, 0.02), (*BEALE, 0.01)],
                         ids=["rosenbrock", "quadratic", "beale"])
def test_adamlp_stable_matches_naive_reference(p, surface, start, lr):
    expected = ref.adam_lp_naive(surface.grad, start, STEPS, p=p, lr=lr)
    assert_paths_close(run(AdamLp(lr=lr, p=p), surface, start, STEPS).points, expected)
    assert_paths_close(run(AdamLp(lr=lr, p=p, form="naive"), surface, start, STEPS).points, expected)


def test_adamlp_stable_state_is_the_pth_root_of_the_naive_one():
    surface, start = ROSEN
    stable = run(AdamLp(lr=0.05, p=4.0), surface, start, 100, record_state=True).states["w"]
    naive = run(AdamLp(lr=0.05, p=4.0, form="naive"), surface, start, 100, record_state=True).states["w"]
    np.testing.assert_allclose(stable, naive ** 0.25, rtol=1e-9)


def _distance_to_adamax(p: float, form: str = "stable") -> float:
    surface, start = ROSEN
    adamax_path = run(AdaMax(lr=0.05, eps_mode="keras"), surface, start, STEPS).points
    lp_path = run(AdamLp(lr=0.05, p=p, form=form), surface, start, STEPS).points
    return float(np.linalg.norm(lp_path - adamax_path, axis=-1).max())


def test_adamlp_approaches_adamax_as_p_grows():
    """docs/REFERENCE.md §3: Rosenbrock from (−1.5, 2), lr 0.05, 300 steps: 0.845 at p=4, 0.125 at 16, 0.020 at 64."""
    distances = {p: _distance_to_adamax(p) for p in (4, 8, 16, 64, 128)}
    assert distances[4] > distances[8] > distances[16] > distances[64] > distances[128]
    for p, quoted in ((4, 0.845), (16, 0.125), (64, 0.020), (128, 0.0076)):
        assert quoted / 1.5 < distances[p] < quoted * 1.5, (p, distances[p])
    assert distances[64] < 0.03


def test_adamlp_naive_overflows_where_stable_does_not():
    """|g|^p for |g| ≈ 155 and p = 200 is inf in float64: the naive state overflows, the stable one stays finite."""
    surface, start = ROSEN
    assert np.abs(surface.grad(np.array(start))).min() > 40
    naive = run(AdamLp(lr=0.05, p=200.0, form="naive"), surface, start, STEPS, record_state=True)
    stable = run(AdamLp(lr=0.05, p=200.0), surface, start, STEPS, record_state=True)
    assert np.isinf(naive.states["w"]).any()
    assert np.isfinite(naive.points).all() and np.isfinite(naive.losses).all()
    assert np.isfinite(stable.states["w"]).all()
    assert np.isfinite(stable.points).all() and np.isfinite(stable.losses).all()
    assert (stable.diverged_at == -1).all()
    assert _distance_to_adamax(200.0) < 0.01
    # the overflow wrecks the naive run: it is far from AdaMax
    assert _distance_to_adamax(200.0, form="naive") > 0.1


# --- validation ------------------------------------------------------------------------------------------------

BAD = [
    (AdaMax, "lr", 0.0), (AdaMax, "lr", -1e-3), (AdaMax, "lr", np.inf), (AdaMax, "lr", np.nan),
    (AdaMax, "beta1", 1.0), (AdaMax, "beta1", -0.1), (AdaMax, "beta2", 1.0), (AdaMax, "beta2", 1.5),
    (AdaMax, "beta1", np.nan), (AdaMax, "eps", -1e-8), (AdaMax, "eps", np.inf), (AdaMax, "eps_mode", "tf"),
    (Adam, "lr", 0.0), (Adam, "beta1", 1.0), (Adam, "beta2", -0.5), (Adam, "eps", -1.0),
    (SGD, "lr", -1.0), (SGD, "lr", np.nan), (SGD, "momentum", 1.0), (SGD, "momentum", -0.1),
    (SGD, "momentum", 2.0), (SGD, "nesterov", "yes"),
    (RMSProp, "lr", 0.0), (RMSProp, "alpha", 1.0), (RMSProp, "alpha", -0.1), (RMSProp, "eps", -1e-8),
    (RMSProp, "momentum", 1.0),
    (AdaGrad, "lr", np.inf), (AdaGrad, "eps", -1e-10), (AdaGrad, "initial_accumulator_value", -0.1),
    (AdaGrad, "initial_accumulator_value", np.nan),
    (AdamLp, "p", 0.5), (AdamLp, "p", np.inf), (AdamLp, "p", np.nan), (AdamLp, "p", -2.0),
    (AdamLp, "form", "fast"), (AdamLp, "lr", 0.0), (AdamLp, "beta2", 1.0), (AdamLp, "eps", -1.0),
    # array hyperparameters with one bad element
    (AdaMax, "lr", np.array([[0.1], [0.0], [0.2]])), (Adam, "beta2", np.array([[0.9], [1.0]])),
    (SGD, "momentum", np.array([0.5, 1.2])), (RMSProp, "alpha", np.array([[0.9], [np.nan]])),
    (AdaGrad, "lr", np.array([1.0, -1.0])), (AdamLp, "p", np.array([[2.0], [0.9]])),
]


@pytest.mark.parametrize(("cls", "name", "value"), BAD, ids=[f"{c.key}-{n}-{v!r}" for c, n, v in BAD])
def test_invalid_hyperparameter_raises_naming_it(cls, name, value):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        cls(**{name: value})


def test_nesterov_needs_momentum():
    with pytest.raises(ValueError, match="nesterov"):
        SGD(lr=0.01, momentum=0.0, nesterov=True)
    with pytest.raises(ValueError, match="nesterov"):
        SGD(lr=0.01, momentum=np.array([[0.9], [0.0]]), nesterov=True)
    assert SGD(lr=0.01, momentum=0.5, nesterov=True).nesterov is True


def test_valid_edge_values_are_accepted():
    AdaMax(beta1=0.0, beta2=0.0, eps=0.0)
    AdamLp(p=1.0)
    AdaGrad(initial_accumulator_value=0.0, eps=0.0)
    opt = AdaMax(lr=np.array([[0.1], [0.2]]))
    assert opt.lr.shape == (2, 1) and opt.lr.dtype == np.float64


def test_make_optimizer():
    opt = make_optimizer("adamax", lr=0.05, eps_mode="paper")
    assert opt == AdaMax(lr=0.05, eps_mode="paper")
    assert isinstance(make_optimizer("sgd", lr=0.1, momentum=0.9, nesterov=True), SGD)
    with pytest.raises(ValueError, match="unknown optimizer 'adamw'"):
        make_optimizer("adamw")
    with pytest.raises(ValueError, match="'momentum'"):
        make_optimizer("adamax", momentum=0.9)
    with pytest.raises(ValueError, match="'alpha'"):
        make_optimizer("adam", alpha=0.9)
    with pytest.raises(ValueError, match=r"^lr\b"):
        make_optimizer("adam", lr=-1.0)


# --- registry and metadata -------------------------------------------------------------------------------------

def test_registry_keys():
    assert set(OPTIMIZERS) == {"adamax", "adam", "sgd", "rmsprop", "adagrad", "adamlp"}
    for key, cls in OPTIMIZERS.items():
        assert cls.key == key


def _balanced(latex: str) -> bool:
    depth = 0
    unescaped = re.sub(r"\\[{}]", "", latex)
    for char in unescaped:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0 and latex.count(r"\begin") == latex.count(r"\end")


@pytest.mark.parametrize("cls", list(OPTIMIZERS.values()), ids=list(OPTIMIZERS))
def test_metadata(cls):
    field_names = [f.name for f in dataclasses.fields(cls)]
    assert [spec.name for spec in cls.HYPERPARAMETERS] == field_names
    defaults = cls()
    for spec in cls.HYPERPARAMETERS:
        assert spec.description.strip()
        default = getattr(defaults, spec.name)
        if spec.scale == "choice":
            assert default in spec.choices
        elif spec.scale == "bool":
            assert isinstance(default, bool)
        else:
            assert spec.low <= spec.high
            assert spec.low <= default <= spec.high, spec.name
    assert cls.title.strip()
    assert cls.LATEX.strip() and _balanced(cls.LATEX)
    texts = [defaults.latex()] if hasattr(cls, "latex") else []
    if cls is AdaMax:
        texts = [AdaMax(eps_mode=mode).latex() for mode in ("pytorch", "keras", "paper")]
        assert len(set(texts)) == 3
    for text in texts:
        assert text.strip() and _balanced(text)
    # every recorded state field has a symbol to show
    assert set(cls.STATE_LATEX) == set(defaults.init(np.zeros(2))._fields[1:])


def test_balanced_checker_rejects_unbalanced():
    assert not _balanced(r"\frac{a}{b")
    assert not _balanced(r"a}{")
    assert _balanced(r"\left\{ a \right\}")


def test_defaults_match_reference():
    """docs/REFERENCE.md §1 and §4: PyTorch's defaults (and the paper's for AdaMax)."""
    assert (AdaMax().lr, AdaMax().beta1, AdaMax().beta2, AdaMax().eps, AdaMax().eps_mode) == (
        0.002, 0.9, 0.999, 1e-8, "pytorch")
    assert (Adam().lr, Adam().beta1, Adam().beta2, Adam().eps) == (1e-3, 0.9, 0.999, 1e-8)
    assert (SGD().lr, SGD().momentum, SGD().nesterov) == (1e-3, 0.0, False)
    assert (RMSProp().lr, RMSProp().alpha, RMSProp().eps, RMSProp().momentum) == (1e-2, 0.99, 1e-8, 0.0)
    assert (AdaGrad().lr, AdaGrad().eps, AdaGrad().initial_accumulator_value) == (1e-2, 1e-10, 0.0)
