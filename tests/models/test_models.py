"""The real task: the digits split, the networks' hand-written gradients (against finite differences and torch's
autograd) and `train`, whose every optimizer step must equal torch.optim's on the same network and batches."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from models import MODELS, load_digits, logistic_regression, mlp
from optimizers import SGD, AdaGrad, Adam, AdaMax, RMSProp, adamax_step_bound
from optimizers.train import RATIO_EDGES, train

DATA = load_digits()


def batch(rows: int = 48, offset: int = 0) -> tuple[np.ndarray, np.ndarray]:
    return DATA.x_train[offset:offset + rows], DATA.y_train[offset:offset + rows]


def random_params(model, seed: int = 1, scale: float = 0.3) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, scale, model.size)


# --- data ------------------------------------------------------------------------------------------------------

def test_digits_split_is_stratified_seeded_and_disjoint():
    data = load_digits(test_fraction=0.25, seed=3)
    again = load_digits(test_fraction=0.25, seed=3)
    other = load_digits(test_fraction=0.25, seed=4)
    assert data.x_train.shape[0] + data.x_test.shape[0] == 1797
    np.testing.assert_array_equal(data.x_test, again.x_test)
    assert not np.array_equal(data.y_test, other.y_test) or not np.array_equal(data.x_test, other.x_test)
    counts = np.bincount(data.y_test, minlength=10)
    totals = counts + np.bincount(data.y_train, minlength=10)
    np.testing.assert_array_equal(counts, np.round(0.25 * totals))
    # no image is in both parts (rows as bytes; the digits have a few duplicate images, so compare counts)
    train_rows = {row.tobytes() for row in data.x_train}
    shared = sum(row.tobytes() in train_rows for row in data.x_test)
    assert shared <= 5
    assert data.x_train.min() >= 0.0 and data.x_train.max() == 1.0


@pytest.mark.parametrize(("fraction", "seed"), [(0.01, 0), (0.9, 0), (True, 0), ("0.2", 0), (0.2, -1), (0.2, 1.5)])
def test_digits_bad_arguments_name_the_parameter(fraction, seed):
    with pytest.raises(ValueError, match=r"test_fraction|seed"):
        load_digits(test_fraction=fraction, seed=seed)


# --- gradients -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("key", list(MODELS))
def test_gradient_matches_central_differences(key):
    model = MODELS[key]
    theta = random_params(model)
    x, y = batch()
    loss, grad = model.loss_and_grad(theta, x, y)
    assert np.isclose(loss, model.loss(theta, x, y), rtol=1e-14)
    coordinates = np.random.default_rng(0).choice(model.size, 60, replace=False)
    h = 1e-6
    for i in coordinates:
        step = np.zeros(model.size)
        step[i] = h
        numeric = (model.loss(theta + step, x, y) - model.loss(theta - step, x, y)) / (2 * h)
        assert numeric == pytest.approx(grad[i], abs=2e-8), f"coordinate {i}"


def test_batched_parameters_give_each_members_own_loss_and_gradient():
    model = MODELS["mlp2"]
    members = np.stack([random_params(model, seed) for seed in range(6)]).reshape(2, 3, model.size)
    x, y = batch()
    loss, grad = model.loss_and_grad(members, x, y)
    assert loss.shape == (2, 3) and grad.shape == (2, 3, model.size)
    for index in np.ndindex(2, 3):
        one_loss, one_grad = model.loss_and_grad(members[index], x, y)
        np.testing.assert_allclose(loss[index], one_loss, rtol=1e-13)
        np.testing.assert_allclose(grad[index], one_grad, rtol=1e-12, atol=1e-15)
    accuracy = model.evaluate(members, x, y)[1]
    assert accuracy.shape == (2, 3) and ((accuracy >= 0) & (accuracy <= 1)).all()


def test_network_rejects_parameters_of_the_wrong_size():
    with pytest.raises(ValueError, match="params must have shape"):
        MODELS["logistic"].loss(np.zeros(649), *batch())
    with pytest.raises(ValueError, match="hidden"):
        mlp((0,))
    with pytest.raises(ValueError, match="hidden"):
        mlp((8, 8, 8))


# --- against torch ---------------------------------------------------------------------------------------------

def torch_network(model, theta):
    """The same network in torch, float64, from our flat vector: a list of (W, b) leaf tensors."""
    torch = pytest.importorskip("torch")
    tensors = []
    for block in model.blocks:
        values = theta[block.start:block.stop].reshape(block.shape)
        tensors.append(torch.tensor(values, dtype=torch.float64, requires_grad=True))
    return tensors


def torch_loss(tensors, x, y):
    import torch
    import torch.nn.functional as F

    activation = torch.tensor(x, dtype=torch.float64)
    pairs = list(zip(tensors[::2], tensors[1::2], strict=True))
    for index, (weights, biases) in enumerate(pairs):
        activation = F.linear(activation, weights, biases)
        if index < len(pairs) - 1:
            activation = torch.relu(activation)
    return F.cross_entropy(activation, torch.tensor(y, dtype=torch.int64))


def flat(tensors) -> np.ndarray:
    return np.concatenate([tensor.detach().numpy().ravel() for tensor in tensors])


@pytest.mark.parametrize("key", list(MODELS))
def test_gradient_matches_torch_autograd(key):
    model = MODELS[key]
    theta = random_params(model, seed=5)
    x, y = batch(100, offset=200)
    tensors = torch_network(model, theta)
    loss = torch_loss(tensors, x, y)
    loss.backward()
    ours_loss, ours_grad = model.loss_and_grad(theta, x, y)
    assert ours_loss == pytest.approx(loss.item(), rel=1e-14)
    np.testing.assert_allclose(ours_grad, flat([t.grad for t in tensors]), rtol=1e-11, atol=1e-16)


def torch_optimizer(name, tensors, kwargs):
    import torch

    factory = {"adamax": torch.optim.Adamax, "adam": torch.optim.Adam, "sgd": torch.optim.SGD,
               "rmsprop": torch.optim.RMSprop, "adagrad": torch.optim.Adagrad}[name]
    return factory(tensors, foreach=False, **kwargs)


STEP_CASES = [
    ("adamax-pytorch", AdaMax(lr=0.01), "adamax", {"lr": 0.01}),
    ("adamax-pytorch-betas", AdaMax(lr=0.02, beta1=0.8, beta2=0.99, eps=1e-4), "adamax",
     {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-4}),
    ("adam", Adam(lr=0.01), "adam", {"lr": 0.01}),
    ("adam-betas", Adam(lr=0.003, beta1=0.5, beta2=0.99, eps=1e-6), "adam",
     {"lr": 0.003, "betas": (0.5, 0.99), "eps": 1e-6}),
    ("sgd", SGD(lr=0.1), "sgd", {"lr": 0.1}),
    ("sgd-momentum", SGD(lr=0.1, momentum=0.9), "sgd", {"lr": 0.1, "momentum": 0.9}),
    ("sgd-nesterov", SGD(lr=0.1, momentum=0.9, nesterov=True), "sgd",
     {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    ("rmsprop", RMSProp(lr=0.001), "rmsprop", {"lr": 0.001}),
    ("rmsprop-momentum", RMSProp(lr=0.001, alpha=0.9, momentum=0.5, eps=1e-6), "rmsprop",
     {"lr": 0.001, "alpha": 0.9, "momentum": 0.5, "eps": 1e-6}),
    ("adagrad", AdaGrad(lr=0.05), "adagrad", {"lr": 0.05}),
    ("adagrad-accumulator", AdaGrad(lr=0.05, initial_accumulator_value=0.1, eps=1e-6), "adagrad",
     {"lr": 0.05, "initial_accumulator_value": 0.1, "eps": 1e-6}),
]


def torch_training(model, theta, name, kwargs, batches):
    tensors = torch_network(model, theta)
    optimizer = torch_optimizer(name, tensors, kwargs)
    for x, y in batches:
        optimizer.zero_grad()
        torch_loss(tensors, x, y).backward()
        optimizer.step()
    return flat(tensors)


def our_training(model, theta, optimizer, batches):
    state = optimizer.init(theta)
    for x, y in batches:
        updates, state = optimizer.update(model.loss_and_grad(theta, x, y)[1], state)
        theta = theta + updates
    return theta


@pytest.mark.parametrize("key", ["logistic", "mlp"])
@pytest.mark.parametrize(("case", "ours", "name", "kwargs"), STEP_CASES, ids=[c[0] for c in STEP_CASES])
def test_steps_equal_torch_optim(key, case, ours, name, kwargs):
    """One step, and two more on other batches (so the state is used), as torch.optim takes them."""
    model = MODELS[key]
    theta = model.init(seed=2)
    batches = [batch(64, offset) for offset in (0, 64, 128)]
    for steps in (1, 3):
        expected = torch_training(model, theta, name, kwargs, batches[:steps])
        actual = our_training(model, theta, ours, batches[:steps])
        np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-12, err_msg=f"{case} after {steps}")


def test_train_takes_the_steps_torch_takes():
    """train() itself (its minibatch order, its loop) against torch.optim fed the same batches."""
    model = MODELS["mlp"]
    result = train(AdaMax(lr=0.01), model, DATA, epochs=1, batch_size=300, seed=7)
    order = np.random.default_rng(7).permutation(DATA.y_train.size)
    batches = [(DATA.x_train[order[i:i + 300]], DATA.y_train[order[i:i + 300]]) for i in range(0, order.size, 300)]
    expected = torch_training(model, model.init(7), "adamax", {"lr": 0.01}, batches)
    assert result.steps_per_epoch == 5
    np.testing.assert_allclose(result.params[-1], expected, rtol=1e-12, atol=1e-12)


def test_adamax_paper_mode_is_torch_without_eps_where_that_is_defined():
    """ε = 0 in torch.optim.Adamax divides 0 by 0 on the weights of never-lit pixels: NaN there, and at the next
    step NaN · 0 makes every logit NaN. The paper's rule (no ε) takes that step as no move; everywhere else the
    two agree."""
    model = MODELS["logistic"]
    theta = model.init()
    batches = [batch(64, offset) for offset in (0, 64)]
    expected = torch_training(model, theta, "adamax", {"lr": 0.01, "eps": 0.0}, batches[:1])
    actual = our_training(model, theta, AdaMax(lr=0.01, eps_mode="paper"), batches[:1])
    undefined = np.isnan(expected)
    assert undefined.any(), "some pixel is dark in every image of this batch"
    np.testing.assert_allclose(actual[~undefined], expected[~undefined], rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(actual[undefined], theta[undefined])
    assert np.isnan(torch_training(model, theta, "adamax", {"lr": 0.01, "eps": 0.0}, batches)).all()
    assert np.isfinite(our_training(model, theta, AdaMax(lr=0.01, eps_mode="paper"), batches)).all()


def test_adamax_keras_mode_follows_its_rule_on_the_network():
    """Keras's placement has no torch counterpart: checked against its rule written out here."""
    model = MODELS["logistic"]
    theta = model.init()
    lr, beta1, beta2, eps = 0.01, 0.9, 0.999, 1e-7
    m = u = np.zeros(model.size)
    expected = theta.copy()
    batches = [batch(64, offset) for offset in (0, 64, 128)]
    for t, (x, y) in enumerate(batches, start=1):
        g = model.loss_and_grad(expected, x, y)[1]
        m = beta1 * m + (1 - beta1) * g
        u = np.maximum(beta2 * u, np.abs(g))
        expected = expected - lr * m / ((1 - beta1**t) * (u + eps))
    actual = our_training(model, theta, AdaMax(lr=lr, eps=eps, eps_mode="keras"), batches)
    np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-14)


# --- train -----------------------------------------------------------------------------------------------------

def test_every_optimizer_sees_the_same_minibatches():
    """Common random numbers: the same seed gives the same initial weights and the same first minibatch."""
    model = MODELS["mlp"]
    first = [train(opt, model, DATA, epochs=1, seed=11).batch_loss[0]
             for opt in (AdaMax(), Adam(), SGD(lr=0.1))]
    assert first[0] == first[1] == first[2]
    other_seed = train(AdaMax(), model, DATA, epochs=1, seed=12).batch_loss[0]
    assert other_seed != first[0]


def test_a_batch_of_learning_rates_equals_separate_runs():
    model = MODELS["logistic"]
    rates = np.array([0.001, 0.01, 0.1])
    batched = train(AdaMax(lr=rates[:, None]), model, DATA, epochs=2, seed=3)
    assert batched.test_loss.shape == (3, 3) and batched.params.shape == (3, 3, model.size)
    for index, rate in enumerate(rates):
        alone = train(AdaMax(lr=rate), model, DATA, epochs=2, seed=3)
        np.testing.assert_allclose(batched.params[:, index], alone.params, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(batched.test_accuracy[:, index], alone.test_accuracy)
        np.testing.assert_array_equal(batched.step_ratio_counts[index], alone.step_ratio_counts)


def test_adamax_moves_every_weight_by_at_most_its_bound():
    """|Δθ|/α ≤ the exact bound of step t (1 at t = 1), now over every one of the network's weights."""
    result = train(AdaMax(lr=0.002), MODELS["mlp"], DATA, epochs=3, seed=0)
    steps = np.arange(1, result.steps + 1)
    bound = adamax_step_bound(0.002, 0.9, 0.999, steps) / 0.002
    assert (result.step_ratio_max <= bound * (1 + 1e-12)).all()
    assert result.step_ratio_max[0] == pytest.approx(1.0, abs=1e-6)    # the first step is α·sign(g) (up to ε)
    assert result.step_ratio_counts.sum() == result.steps * MODELS["mlp"].size
    sgd = train(SGD(lr=0.002), MODELS["mlp"], DATA, epochs=1, seed=0)
    assert sgd.step_ratio_counts.sum() == sgd.steps * MODELS["mlp"].size


def test_histogram_bins_hold_the_ratios_they_claim():
    result = train(SGD(lr=0.05), MODELS["logistic"], DATA, epochs=1, batch_size=1347, seed=0)
    model = MODELS["logistic"]
    grad = model.loss_and_grad(model.init(0), DATA.x_train, DATA.y_train)[1]
    expected = np.histogram(np.abs(grad), bins=RATIO_EDGES)[0]      # SGD's |Δθ|/α is |g|
    # a ratio on a bin's edge may round to the neighbour: allow a handful
    assert np.abs(result.step_ratio_counts - expected).sum() <= 4
    assert result.step_ratio_counts.sum() == model.size


def test_divergence_stops_a_member_without_nan_or_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = train(SGD(lr=np.array([[0.1], [1e4]])), MODELS["mlp"], DATA, epochs=3, seed=0)
    assert result.diverged_at[0] == -1 and result.diverged_at[1] > 0
    for array in (result.params, result.train_loss, result.test_accuracy, result.step_ratio_max, result.batch_loss):
        finite = np.isfinite(array) if array is not result.batch_loss else np.isfinite(array[:, 0])
        assert finite.all()


def test_record_every_keeps_the_start_and_the_end():
    result = train(Adam(lr=0.01), MODELS["logistic"], DATA, epochs=5, record_every=2, record_steps=False)
    assert result.recorded_epochs.tolist() == [0, 2, 4, 5]
    assert result.train_loss.shape == (4,) and result.step_ratio_counts.shape == (0,)
    full = train(Adam(lr=0.01), MODELS["logistic"], DATA, epochs=5)
    np.testing.assert_allclose(result.train_loss, full.train_loss[[0, 2, 4, 5]], rtol=1e-12)


def test_logistic_regression_learns_the_digits():
    result = train(Adam(lr=0.01), logistic_regression(), DATA, epochs=10, seed=0)
    assert result.test_accuracy[0] < 0.2 and result.test_accuracy[-1] > 0.93
    assert (np.diff(result.train_loss) < 0.05).all()


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"epochs": -1}, "epochs"), ({"epochs": 1.5}, "epochs"), ({"batch_size": 0}, "batch_size"),
    ({"batch_size": 100_000}, "batch_size"), ({"seed": -3}, "seed"), ({"params": np.zeros(3)}, "params"),
    ({"params": np.full(650, np.nan)}, "finite"), ({"record_every": 0}, "record_every"), ({"bound": 0}, "bound"),
])
def test_train_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        train(AdaMax(), MODELS["logistic"], DATA, **{"epochs": 1, **kwargs})


def test_train_rejects_data_and_optimizers_that_do_not_fit():
    with pytest.raises(ValueError, match="optimizer"):
        train("adamax", MODELS["logistic"], DATA)
    with pytest.raises(ValueError, match="data"):
        train(AdaMax(), MODELS["logistic"], object())
    with pytest.raises(ValueError, match="inputs"):
        train(AdaMax(), mlp((8,), features=10), DATA)
    with pytest.raises(ValueError, match="broadcast"):
        train(AdaMax(lr=np.array([0.1, 0.2])), MODELS["logistic"], DATA)
