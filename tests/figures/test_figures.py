"""The explorer figure: valid Plotly, small, finite, and frames that show the trajectories' real points."""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

from figures import explorer_figure
from figures.sampling import MAX_FRAMES, frame_steps, path_steps, typed
from optimizers import SGD, AdaMax
from surfaces import SURFACES
from tests.support.figures import decode, non_finite_paths, strict_json
from tests.support.runs import EIGHT, explorer_runs


@pytest.mark.parametrize("view", ["contour", "3d"])
@pytest.mark.parametrize("key", list(SURFACES))
def test_figure_is_valid_plotly_and_finite(key, view):
    surface = SURFACES[key]
    figure = explorer_figure(surface, explorer_runs(surface, EIGHT[:3], 60), view=view)
    go.Figure(figure)  # plotly.py's validation of every trace, frame and layout property
    assert non_finite_paths(figure) == []
    strict_json(figure)


def test_payload_of_eight_runs_of_5000_steps_stays_under_one_megabyte():
    surface = SURFACES["rosenbrock"]
    figure = explorer_figure(surface, explorer_runs(surface, EIGHT, 5000))
    size = len(strict_json(figure).encode())
    assert size <= 1_000_000, f"figure JSON is {size:,} bytes"
    assert len(figure["frames"]) <= MAX_FRAMES


def test_frames_move_the_heads_through_the_real_points():
    surface = SURFACES["beale"]
    runs = explorer_runs(surface, EIGHT[:3], 300)
    figure = explorer_figure(surface, runs)
    heads_index = figure["frames"][0]["traces"][0]
    assert figure["data"][heads_index]["name"] == "current point"
    for frame in figure["frames"]:
        step = int(frame["name"])
        heads = frame["data"][0]
        expected = np.array([r.trajectory.points[step] for r in runs])
        np.testing.assert_allclose(np.c_[heads["x"], heads["y"]], expected, atol=1e-4)
    assert [int(frame["name"]) for frame in figure["frames"]][-1] == 300
    stops = [step["args"][0][0] for step in figure["layout"]["sliders"][0]["steps"]]
    names = [frame["name"] for frame in figure["frames"]]
    assert set(stops) <= set(names) and stops[0] == names[0] and stops[-1] == names[-1]
    assert [step["label"] for step in figure["layout"]["sliders"][0]["steps"]] == stops


def test_static_paths_keep_start_and_end_and_are_labelled():
    surface = SURFACES["rosenbrock"]
    runs = explorer_runs(surface, EIGHT[:2], 2000)
    figure = explorer_figure(surface, runs)
    for run_ in runs:
        path = next(t for t in figure["data"] if t.get("name") == run_.label and t.get("showlegend"))
        xs, ys = decode(path["x"]), decode(path["y"])
        np.testing.assert_allclose([xs[0], ys[0]], run_.trajectory.points[0], atol=1e-6)
        np.testing.assert_allclose([xs[-1], ys[-1]], run_.trajectory.points[-1], atol=1e-6)
        assert run_.color in path["line"]["color"] or path["line"]["color"].startswith("rgba(")


def test_diverged_run_is_marked_where_and_when():
    surface = SURFACES["rosenbrock"]
    runs = explorer_runs(surface, [SGD(lr=0.05), AdaMax(lr=0.05)], 100)
    step = int(runs[0].trajectory.diverged_at)
    assert step > 0
    figure = explorer_figure(surface, runs)
    markers = [t for t in figure["data"] if t.get("name", "").endswith("blew up")]
    assert len(markers) == 1
    last = runs[0].trajectory.points[-1]
    (x0, x1), (y0, y1) = surface.domain
    assert not (x0 <= last[0] <= x1 and y0 <= last[1] <= y1)  # this one left the map
    # ...so it is marked at the map's edge, by an arrow pointing toward its last finite point, named in the label
    x, y = markers[0]["x"][0], markers[0]["y"][0]
    assert x0 <= x <= x1 and y0 <= y <= y1
    assert markers[0]["text"] == [f"blew up at step {step} → ({last[0]:.3g}, {last[1]:.3g})"]
    marker = markers[0]["marker"]
    assert marker["symbol"] == "arrow-wide"
    heading = np.radians(marker["angle"])  # clockwise from north
    toward = (last - [x, y]) / np.linalg.norm(last - [x, y])
    np.testing.assert_allclose([np.sin(heading), np.cos(heading)], toward, atol=1e-3)
    assert non_finite_paths(figure) == []


def test_a_blow_up_inside_the_map_is_marked_where_it_stopped():
    surface = SURFACES["goldstein_price"]
    runs = explorer_runs(surface, [SGD(lr=1e-4, momentum=0.9)], 50, start=(0.8, -1.8), bound=1.9)
    step = int(runs[0].trajectory.diverged_at)
    assert step > 0
    marker = next(t for t in explorer_figure(surface, runs)["data"] if t.get("name", "").endswith("blew up"))
    assert marker["text"] == [f"blew up at step {step}"] and marker["marker"]["symbol"] == "x"
    np.testing.assert_allclose([marker["x"][0], marker["y"][0]], runs[0].trajectory.points[-1], atol=1e-4)


def test_surfaces_without_minima_show_gradient_norm_and_linear_loss():
    surface = SURFACES["saddle"]
    figure = explorer_figure(surface, explorer_runs(surface, EIGHT[:2], 50))
    assert figure["layout"]["yaxis2"]["type"] == "linear"
    assert figure["layout"]["yaxis3"]["title"]["text"] == "|∇f|"
    assert not any(t.get("name") == "global minimum" for t in figure["data"])


def backdrop_pixels(figure: dict) -> np.ndarray:
    source = figure["layout"]["images"][0]["source"]
    assert source.startswith("data:image/png;base64,")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(source.split(",", 1)[1]))).convert("RGB"), float)


def test_contour_backdrop_is_log_coloured_with_isolines_and_placed_on_the_domain():
    surface = SURFACES["rosenbrock"]
    figure = explorer_figure(surface, explorer_runs(surface, EIGHT[:1], 10))
    image = figure["layout"]["images"][0]
    (x0, x1), (y0, y1) = surface.domain
    assert (image["x"], image["y"], image["sizex"], image["sizey"]) == (x0, y1, x1 - x0, y1 - y0)
    pixels = backdrop_pixels(figure).mean(axis=-1)
    assert pixels.shape == (400, 400)
    def at(x, y):  # the median shade around (x, y); image row 0 is the top of the domain
        row, column = round((y1 - y) / (y1 - y0) * 399), round((x - x0) / (x1 - x0) * 399)
        return np.median(pixels[max(row - 3, 0):row + 4, max(column - 3, 0):column + 4])

    assert at(0.0, 0.0) > at(-2.0, -1.0) + 30  # light is low: f(0, 0) = 1, f(−2, −1) = 2,509
    # Log colours: the banana-shaped valley is resolved, so many distinct shades (and isolines) appear.
    assert len(np.unique(np.round(pixels))) > 40


def test_frame_and_path_sampling():
    assert frame_steps(5000, 201).tolist()[:2] == [0, 25] and frame_steps(5000)[-1] == 5000
    assert len(frame_steps(5000)) == MAX_FRAMES and frame_steps(10).tolist() == list(range(11))
    points = np.cumsum(np.random.default_rng(0).normal(size=(5001, 2)), axis=0)
    index = path_steps(points, 600)
    assert index[0] == 0 and index[-1] == 5000 and len(index) <= 602 and np.all(np.diff(index) > 0)


def test_typed_arrays_round_trip_and_avoid_float32_overflow():
    values = np.array([1.5, -2.25, 3e5])
    np.testing.assert_array_equal(decode(typed(values)), values.astype(np.float32))
    huge = np.array([1e300, 1.0])
    assert decode(typed(huge)).dtype == np.float64 and np.isfinite(decode(typed(huge))).all()
    grid = np.arange(6.0).reshape(2, 3)
    assert decode(typed(grid)).shape == (2, 3)
