"""The explainer sections through AppTest: what they show equals what the core computes."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from optimizers import AdaMax, adamax_step_bound, run
from optimizers.explain import adamax_internals
from surfaces import SURFACES
from tests.support.app import open_app
from tests.support.figures import non_finite_paths, values
from ui.sections.inside import step_table_csv

LINK = {"surface": "rosenbrock", "start": "-1.2,1", "steps": "300", "section": "inside",
        "run": ["adamax(beta2=0.99,lr=0.1)", "adam(lr=0.1)"]}


@pytest.fixture(scope="module")
def core():
    """The same run, computed by the core directly (not through the app's caches)."""
    optimizer = AdaMax(lr=0.1, beta2=0.99)
    trajectory = run(optimizer, SURFACES["rosenbrock"], [-1.2, 1.0], 300, record_state=True, bound=150.0)
    return optimizer, trajectory


@pytest.fixture(scope="module")
def inside():
    app = open_app(LINK)
    assert not app.exception
    return app


def internals_chart(app: AppTest) -> dict:
    return json.loads(app.get("plotly_chart")[0].proto.spec)


def trace(figure: dict, name: str) -> dict:
    return next(t for t in figure["data"] if t.get("name") == name)


def test_internals_shown_equal_the_core_state(inside, core):
    _, trajectory = core
    figure = internals_chart(inside)
    assert non_finite_paths(figure) == []
    m, u = trajectory.states["m"], trajectory.states["u"]
    t = np.arange(1, 301)
    for name, expected in (("m̂ (x)", m[:, 0] / (1 - 0.9**t)), ("m̂ (y)", m[:, 1] / (1 - 0.9**t)),
                           ("AdaMax u (x)", u[:, 0]), ("AdaMax u (y)", u[:, 1])):
        shown = trace(figure, name)
        steps = values(shown["x"])
        np.testing.assert_allclose(values(shown["y"]), expected[steps - 1], rtol=1e-12)
    steps = values(trace(figure, "Δθ (x)")["x"])
    np.testing.assert_allclose(values(trace(figure, "Δθ (x)")["y"]), np.diff(trajectory.points[:, 0])[steps - 1],
                               rtol=1e-12, atol=1e-15)


def test_every_frame_keeps_the_next_step_inside_the_drawn_box(inside, core):
    _, trajectory = core
    figure = internals_chart(inside)
    names = [figure["data"][i]["name"] for i in figure["frames"][0]["traces"]]
    box, step = names.index("AdaMax's step box"), names.index("next step")
    assert len(figure["frames"]) >= 40
    for frame in figure["frames"]:
        t = int(frame["name"])
        xs = frame["data"][box]["x"]
        half_width = (max(xs) - min(xs)) / 2
        np.testing.assert_allclose(half_width, adamax_step_bound(0.1, 0.9, 0.99, t), rtol=1e-5)
        segment = frame["data"][step]
        np.testing.assert_allclose([segment["x"][0], segment["y"][0]], trajectory.points[t - 1], atol=1e-6)
        moved = np.abs(np.diff(segment["x"])[0]), np.abs(np.diff(segment["y"])[0])
        assert max(moved) <= half_width * (1 + 1e-6) + 1e-6


def test_equations_render_with_the_step_numbers(inside):
    latex = [element.value for element in inside.latex]
    assert any(r"\max" in text and r"\epsilon" in text for text in latex)  # the rule from adamax.py
    numbers = next(text for text in latex if "m_{1}" in text)
    assert "-215.6" in numbers and "-88" in numbers  # g₁ = ∇f(−1.2, 1) = (−215.6, −88)
    inside.number_input(key="equation_step").set_value(7).run()
    assert any("m_{7}" in element.value for element in inside.latex)


def test_step_table_and_its_csv_match_the_core(inside, core):
    optimizer, trajectory = core
    table = inside.dataframe[0].value
    assert len(table) == 20
    np.testing.assert_allclose(table["theta_x"], trajectory.points[1:21, 0], rtol=1e-12)
    np.testing.assert_allclose(table["u_y"], trajectory.states["u"][:20, 1], rtol=1e-12)
    csv = pd.read_csv(io.StringIO(step_table_csv(adamax_internals(optimizer, trajectory), 50)))
    assert list(csv.columns[:3]) == ["t", "g_x", "g_y"] and len(csv) == 50
    np.testing.assert_array_equal(csv["g_x"], trajectory.grads[:50, 0])  # exact: written with 17 digits
    np.testing.assert_array_equal(csv["theta_y"], trajectory.points[1:51, 1])


def test_inside_without_an_adamax_run_explains_and_uses_the_preset():
    app = open_app({**LINK, "run": ["adam(lr=0.1)", "sgd(lr=0.001)"]})
    assert not app.exception
    assert any("no AdaMax run" in info.value for info in app.info)
    assert app.get("plotly_chart")


@pytest.mark.parametrize("section", ["lp", "eps"])
def test_limit_sections_render(section):
    app = open_app({**LINK, "section": section})
    assert not app.exception
    charts = app.get("plotly_chart")
    assert charts
    assert all(non_finite_paths(json.loads(chart.proto.spec)) == [] for chart in charts)


def test_saddle_axis_preset_button_starts_exactly_on_the_axis():
    app = open_app({**LINK, "section": "eps"})
    app.button(key="eps_preset").click().run()
    assert not app.exception
    query = {key: value if isinstance(value, list) else [value] for key, value in app.query_params.items()}
    assert query["surface"] == ["saddle"] and query["start"] == ["-1.5,0"] and query["section"] == ["eps"]
    rows = app.dataframe[0].value
    # paper, PyTorch (ε inside the max: u ≥ ε), Keras (divides by u + ε): only the paper's rule meets 0/0
    assert list(rows["steps with 0/0 (x, y)"]) == ["0, 100", "0, 0", "0, 0"]
    assert list(rows["steps with m/0 (x, y)"]) == ["0, 0"] * 3  # m = 0 wherever u = 0 on the axis
    assert (rows["final y"] == 0).all()
