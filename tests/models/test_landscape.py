"""Loss-landscape slices: the plane's loss and gradient against the network's own, the two kinds of directions
(Li et al. 2018), the slice as a Surface the race can run on, and the numbers behind 'what the projection hides'."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from models import MODELS, load_digits
from models.landscape import (
    LossSlice,
    filter_normalized_directions,
    principal_directions,
    random_slice,
    shadow_gaps,
    trajectory_slice,
)
from models.plane import plane_loss
from optimizers import AdaMax, run, train
from surfaces.base import Surface

DATA = load_digits()


@pytest.fixture(scope="module")
def trained():
    model = MODELS["mlp"]
    return model, train(AdaMax(lr=0.01), model, DATA, epochs=6, seed=0)


@pytest.mark.parametrize("key", list(MODELS))
def test_plane_loss_and_gradient_are_the_networks(key):
    model = MODELS[key]
    rng = np.random.default_rng(3)
    center = model.init(1) + rng.normal(0, 0.1, model.size)
    directions = rng.normal(0, 0.1, (2, model.size))
    points = rng.normal(0, 1.0, (3, 2, 2))
    loss, grad = plane_loss(model, center, directions, points, DATA.x_train, DATA.y_train)
    alone, _ = plane_loss(model, center, directions, points, DATA.x_train, DATA.y_train, with_grad=False)
    weights = center + points[..., :1] * directions[0] + points[..., 1:] * directions[1]
    expected_loss, full_grad = model.loss_and_grad(weights, DATA.x_train, DATA.y_train)
    np.testing.assert_allclose(loss, expected_loss, rtol=1e-13)
    np.testing.assert_allclose(alone, expected_loss, rtol=1e-13)
    np.testing.assert_allclose(grad, full_grad @ directions.T, rtol=1e-10, atol=1e-15)   # ∂f/∂a = ∇L·δ
    h = 1e-6
    for axis in range(2):
        step = np.zeros(2)
        step[axis] = h
        up = plane_loss(model, center, directions, points[0, 0] + step, DATA.x_train, DATA.y_train)[0]
        down = plane_loss(model, center, directions, points[0, 0] - step, DATA.x_train, DATA.y_train)[0]
        assert (up - down) / (2 * h) == pytest.approx(grad[0, 0, axis], abs=1e-7)


def test_filter_normalised_directions_match_each_neurons_norm():
    model = MODELS["mlp2"]
    center = model.init(4)
    directions = filter_normalized_directions(model, center, seed=2)
    for block in model.blocks:
        part = directions[:, block.start:block.stop]
        if block.kind == "bias":
            assert not part.any()
            continue
        rows = center[block.start:block.stop].reshape(block.shape)
        for direction in part:
            np.testing.assert_allclose(np.linalg.norm(direction.reshape(block.shape), axis=1),
                                       np.linalg.norm(rows, axis=1), rtol=1e-12)
    assert not np.allclose(directions[0], directions[1])


def test_principal_directions_are_orthonormal_and_hold_most_of_the_path(trained):
    _, result = trained
    directions, explained = principal_directions(result.params)
    np.testing.assert_allclose(directions @ directions.T, np.eye(2), atol=1e-12)
    assert explained[0] >= explained[1] > 0 and sum(explained) <= 1 + 1e-12
    first = (result.params[0] - result.params[-1]) @ directions.T
    assert (first <= 0).all()
    with pytest.raises(ValueError, match="plane"):
        principal_directions(np.stack([np.zeros(5), np.ones(5), 2 * np.ones(5)]))


def test_a_slice_is_a_surface_the_race_can_run_on(trained):
    model, result = trained
    landscape = trajectory_slice(model, DATA, result.params, resolution=11)
    assert isinstance(landscape, Surface) and isinstance(landscape, LossSlice)
    values = landscape.grid[2]
    assert values.shape == (11, 11) and landscape.minimum_value == pytest.approx(values.min())
    assert landscape.f(landscape.minima[0]) == pytest.approx(landscape.minimum_value, rel=1e-12)
    assert landscape.f(np.zeros(2)) == pytest.approx(model.loss(result.params[-1], DATA.x_train, DATA.y_train))
    (x0, x1), (y0, y1) = landscape.domain
    assert x0 <= landscape.start[0] <= x1 and y0 <= landscape.start[1] <= y1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trajectory = run(AdaMax(lr=0.05), landscape, landscape.start, 30)
    assert trajectory.losses[-1] < trajectory.losses[0] and not trajectory.diverged.any()
    with pytest.raises(ValueError, match="finite"):
        landscape.f(np.array([np.nan, 0.0]))


def test_projection_is_the_inverse_of_the_plane(trained):
    model, result = trained
    landscape = random_slice(model, DATA, result.params[-1], resolution=5)
    points = np.array([[0.3, -0.2], [1.0, 0.5]])
    np.testing.assert_allclose(landscape.project(landscape.weights(points)), points, atol=1e-12)
    np.testing.assert_allclose(landscape.distance_from_plane(landscape.weights(points)), 0.0, atol=1e-10)


def test_what_the_projection_hides(trained):
    """On the PCA plane the end is on the plane and the map is right there; along random directions the whole path
    collapses near the centre (nearly orthogonal to both directions) and the map misreports its losses."""
    model, result = trained
    pca = shadow_gaps(trajectory_slice(model, DATA, result.params, resolution=5), DATA, result.params)
    assert pca["distance"][-1] == pytest.approx(0.0, abs=1e-9)
    assert pca["map_loss"][-1] == pytest.approx(pca["true_loss"][-1], rel=1e-12)
    assert (pca["distance"] < 0.5 * pca["path_length"]).all()
    scattered = shadow_gaps(random_slice(model, DATA, result.params[-1], resolution=5), DATA, result.params)
    spread = np.abs(scattered["coordinates"]).max()
    start_distance = np.linalg.norm(result.params[0] - result.params[-1])
    assert scattered["distance"][0] > 0.9 * start_distance and spread < 0.2
    assert scattered["true_loss"][0] - scattered["map_loss"][0] > 0.5


@pytest.mark.parametrize(("call", "match"), [
    (lambda m, r: random_slice(m, DATA, r.params[-1], span=0), "span"),
    (lambda m, r: random_slice(m, DATA, r.params[-1], resolution=3), "resolution"),
    (lambda m, r: random_slice(m, DATA, r.params[-1][:10]), "center"),
    (lambda m, r: trajectory_slice(m, DATA, r.params[:2]), "at least 3"),
    (lambda m, r: trajectory_slice(m, DATA, r.params[-1]), "checkpoints"),
])
def test_bad_slice_arguments_are_named(trained, call, match):
    model, result = trained
    with pytest.raises(ValueError, match=match):
        call(model, result)


def test_the_race_surface_is_the_networks_loss_as_shipped():
    """surfaces/data/ holds what models/race.py computes today, and the smooth surface built on it is within
    1e-4 of the network's exact loss on the plane (its gradient within 5 %) at random points of the map."""
    from models.race import DATA_FILE, SHIPPED, race_landscape, with_minimum
    from surfaces import SURFACES

    fresh = with_minimum(race_landscape())
    with np.load(DATA_FILE) as stored:
        assert set(stored.files) == set(SHIPPED)
        for name in SHIPPED:
            np.testing.assert_allclose(stored[name], fresh[name], rtol=1e-9, atol=1e-12, err_msg=name)
    surface = SURFACES["digits"]
    rng = np.random.default_rng(0)
    (x0, x1), (y0, y1) = surface.domain
    points = np.stack([rng.uniform(x0, x1, 100), rng.uniform(y0, y1, 100)], axis=-1)
    exact, slope = plane_loss(MODELS["mlp"], fresh["center"], fresh["directions"], points, DATA.x_train,
                              DATA.y_train)
    assert np.abs(surface.f(points) - exact).max() < 1e-4
    error = np.linalg.norm(surface.grad(points) - slope, axis=-1) / np.linalg.norm(slope, axis=-1)
    assert error.max() < 0.05 and np.median(error) < 0.005
    np.testing.assert_allclose(surface.start, fresh["path"][0])
    beyond = np.array([x1 + 5.0, y0 - 3.0])   # off the sampled box: the tangent plane, finite
    assert np.isfinite(surface.f(beyond)) and np.isfinite(surface.grad(beyond)).all()


def test_a_sampled_surface_is_smooth_across_its_edges_and_exact_for_quadratics():
    from surfaces.sampled import SampledFunction

    xs, ys = np.linspace(-2.0, 1.0, 7), np.linspace(0.0, 3.0, 9)
    quadratic = lambda p: 1.5 * p[..., 0] ** 2 - 0.7 * p[..., 0] * p[..., 1] + 0.3 * p[..., 1] ** 2 + p[..., 0]  # noqa: E731
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)
    sampled = SampledFunction(xs, ys, quadratic(grid))
    rng = np.random.default_rng(4)
    inside = np.stack([rng.uniform(-2, 1, 200), rng.uniform(0, 3, 200)], axis=-1)
    np.testing.assert_allclose(sampled(inside), quadratic(inside), atol=1e-12)
    # everywhere — inside, across the edges, one cell beyond, far beyond — the gradient is f's own
    points = np.concatenate([inside, np.stack([rng.uniform(-9, 8, 400), rng.uniform(-7, 10, 400)], axis=-1),
                             np.array([[-2.0, 1.0], [1.0, 0.0], [-2.5, 3.4], [0.3, -0.5]])])
    h = 1e-4   # beyond the box f is a steep bowl: a smaller step would lose the difference to rounding
    numeric = np.stack([(sampled(points + h * e) - sampled(points - h * e)) / (2 * h) for e in np.eye(2)], axis=-1)
    # (on the widened box's edge f is C1, not C2: a difference straddling it is off by O(h·c), c the bowl's curvature)
    np.testing.assert_allclose(sampled.grad(points), numeric, rtol=1e-6, atol=2e-4)
    with pytest.raises(ValueError, match="uniform"):
        SampledFunction(np.array([0.0, 1.0, 3.0, 4.0]), ys, np.zeros((9, 4)))
    with pytest.raises(ValueError, match="finite"):
        SampledFunction(xs, ys, np.full((9, 7), np.nan))


def test_the_race_surface_is_bounded_below_by_its_minimum_everywhere():
    """Beyond its samples the digits surface rises as a bowl: no point of the plane, near the map or far off it,
    is below the listed minimum, so bounded_below = True and f* is the global minimum."""
    from surfaces import SURFACES

    surface = SURFACES["digits"]
    (x0, x1), (y0, y1) = surface.domain
    rng = np.random.default_rng(2)
    for reach in (2.0, 50.0, 1e4):
        points = np.stack([rng.uniform(x0 - reach, x1 + reach, 50_000), rng.uniform(y0 - reach, y1 + reach, 50_000)],
                          axis=-1)
        assert surface.f(points).min() >= surface.minimum_value - 1e-9
    assert surface.bounded_below is True
