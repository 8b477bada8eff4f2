"""Your own surface and gradient noise on the page: in the link (ui/url.py) and through the whole app (AppTest)."""

from __future__ import annotations

from urllib.parse import parse_qs

import numpy as np
import pytest

from optimizers import GradientNoise, make_optimizer, run
from surfaces import make_surface
from tests.support.app import chart, open_app, query
from tests.support.figures import non_finite_paths
from tests.support.formulas import MARKER, PAYLOADS
from ui import url
from ui.custom import CUSTOM, DEFAULT_PARAMS, custom_params, custom_preset
from ui.presets import preset_for
from ui.state import AppState

ROSENBROCK_TEXT = "(1-x)**2 + 100*(y-x**2)**2"
CUSTOM_LINK = {"surface": [CUSTOM], "formula": [ROSENBROCK_TEXT], "domain": ["-2,2,-1,3"]}


# ---------------------------------------------------------------- the link

@pytest.mark.parametrize("noise", [
    None, GradientNoise(kind="gaussian", scale=0.2, relative=True, seed=3),
    GradientNoise(kind="gaussian", scale=5.0, relative=False, seed=0),
    GradientNoise(kind="spikes", every=20, factor=1000.0, seed=4_000_000_000),
])
@pytest.mark.parametrize("params", [
    DEFAULT_PARAMS,
    custom_params("f(x, y) = x^2/10 + y**2 - 0.5*sin(3*x) + e", ((-3.0, 3.0), (-1.5, 2.5))),
    custom_params("(x - 1)**2 + (y + 0.5)**2", ((-2.0, 2.0), (-2.0, 2.0)), minimum=(1.0, -0.5)),
])
def test_custom_surfaces_and_noise_round_trip_through_the_link(params, noise):
    state = AppState(**{**custom_preset(params).__dict__, "noise": noise, "section": "inside"})
    assert url.decode(url.encode(state)) == (state, [])
    assert url.decode(parse_qs(url.to_query_string(state))) == (state, [])  # through real percent-encoding


def test_the_link_format_is_the_documented_one():
    params = custom_params("x**2 + 3*y**2", ((-2.0, 2.0), (-1.0, 3.0)), minimum=(0.0, 0.0))
    state = AppState(**{**custom_preset(params).__dict__, "noise": GradientNoise(scale=0.1, seed=1)})
    query = url.encode(state)
    assert query["surface"] == "custom" and query["formula"] == "x**2 + 3*y**2"
    assert query["domain"] == "-2,2,-1,3" and query["minimum"] == "0,0"
    assert query["noise"] == "gaussian(scale=0.1,relative=true,seed=1)"
    spikes = AppState(noise=GradientNoise(kind="spikes", every=50, factor=100.0, seed=2))
    assert url.encode(spikes)["noise"] == "spikes(every=50,factor=100,seed=2)"
    assert "noise" not in url.encode(AppState()) and "formula" not in url.encode(AppState())


def test_a_custom_link_without_domain_or_formula_opens_with_notices_never_an_error():
    state, notices = url.decode({"surface": ["custom"], "formula": ["x**2 + y**2"]})
    assert notices == [] and dict(state.surface_params)["domain"] == ((-2.0, 2.0), (-2.0, 2.0))
    assert url.decode({"surface": ["custom"]}) == (custom_preset(DEFAULT_PARAMS), [])


@pytest.mark.parametrize("formula", [*PAYLOADS, "9**9**9", "log(x)", "ｘ + y", "1", "x.real"],
                         ids=lambda text: repr(text[:30]))
def test_a_hostile_formula_in_a_link_falls_back_with_a_notice(formula):
    MARKER.unlink(missing_ok=True)
    state, notices = url.decode({"surface": ["custom"], "formula": [formula], "run": ["adamax"]})
    assert state.surface == "rosenbrock" and len(notices) == 1 and "could not be used" in notices[0]
    assert not MARKER.exists()


def test_a_formula_too_long_for_a_link_is_not_read():
    state, notices = url.decode({"surface": ["custom"], "formula": ["x" * 100_000]})
    assert state.surface_params == DEFAULT_PARAMS
    assert "too long (100,000 characters)" in notices[0] and "no usable formula" in notices[1]


def test_bad_domain_minimum_and_noise_in_a_link_are_noticed():
    state, notices = url.decode({"surface": ["custom"], "formula": ["x**2 + y**2"], "domain": ["2,-2,0,1"],
                                 "minimum": ["a,b"], "noise": ["gaussian(scale=1e9,seed=-1,volume=3)"]})
    assert dict(state.surface_params)["domain"] == ((-2.0, 2.0), (-2.0, 2.0))
    assert "minimum" not in dict(state.surface_params)
    assert state.noise == GradientNoise(kind="gaussian", scale=1000.0, seed=0)
    text = " ".join(notices)
    for expected in ("Could not read domain", "Could not read minimum", "scale=1e9 is above", "seed=-1 is below",
                     "no setting 'volume'"):
        assert expected in text
    _, notices = url.decode({"surface": ["custom"], "formula": ["x**2 + y**2"], "minimum": ["9,9"]})
    assert "minimum could not be used" in notices[0]
    assert url.decode({"noise": ["off"]}) == (preset_for("rosenbrock"), [])
    state, notices = url.decode({"surface": ["beale"], "formula": ["x"], "domain": ["0,1,0,1"]})
    assert state.surface == "beale" and notices == ["formula, domain apply only with surface=custom; ignored."]
    state, notices = url.decode({"noise": ["brownian(seed=1)"]})
    assert state.noise is None and "Unknown noise" in notices[0]
    state, notices = url.decode({"noise": ["spikes(every=2.5)"]})
    assert state.noise.every == 2 and "not a whole number" in notices[0]


# ---------------------------------------------------------------- the page

def test_the_page_with_a_custom_surface_and_noise_in_every_section():
    app = open_app({**CUSTOM_LINK, "noise": "gaussian(scale=0.2,seed=3)"})
    assert not app.exception and not app.warning, [w.value for w in app.warning]
    assert r"f(x, y) = \left(1 - x\right)^{2}" in app.latex[0].value
    assert any("Minimum found numerically" in block.value for block in app.markdown)
    assert any("Noisy gradients" in caption.value for caption in app.caption)
    figure = chart(app)
    assert non_finite_paths(figure) == []
    assert query(app)["surface"] == ["custom"] and query(app)["formula"] == [ROSENBROCK_TEXT]
    assert query(app)["noise"] == ["gaussian(scale=0.2,relative=true,seed=3)"]
    for section in ("inside", "lp", "eps", "race"):
        app.session_state["section"] = section
        app.run()
        assert not app.exception, (section, app.exception)
        assert not app.error, (section, [e.value for e in app.error])


def test_inside_adamax_shows_the_noisy_gradient_it_used():
    app = open_app({**CUSTOM_LINK, "noise": "spikes(every=5,factor=100,seed=1)", "run": "adamax(lr=0.05)",
                    "start": "-1.2,1", "steps": "100", "section": "inside"})
    assert not app.exception
    table = app.dataframe[0].value
    surface = make_surface("custom", formula=ROSENBROCK_TEXT, domain=((-2.0, 2.0), (-1.0, 3.0)))
    noise = GradientNoise(kind="spikes", every=5, factor=100.0, seed=1)
    expected = run(make_optimizer("adamax", lr=0.05), surface, np.array([-1.2, 1.0]), 100, record_state=True,
                   noise=noise, bound=50 * 3.0)
    np.testing.assert_allclose(table["g_x"], expected.grads[:len(table), 0])
    _, spikes = noise.draws(len(table))
    true = surface.grad(expected.points[:len(table)])
    np.testing.assert_allclose(table["g_x"][spikes], 100 * true[spikes, 0])  # the spikes are in the table


@pytest.mark.parametrize("formula", ["x**2 - y**2", "x + y", "sqrt(x**2 + y**2)"])
def test_every_section_survives_surfaces_without_a_smooth_minimum(formula):
    app = open_app({"surface": "custom", "formula": formula, "noise": "spikes(every=10,factor=10,seed=0)"})
    assert not app.exception
    if formula != "sqrt(x**2 + y**2)":
        assert any("f is unbounded below (proven)" in block.value for block in app.markdown)
        table = app.dataframe[0].value
        assert not any(column.startswith("first step with f − f*") for column in table.columns)  # no f*: no target
        assert all(row.startswith(("… still moving", "↘ escaped", "⇱ left the window", "■ stalled", "↻ oscillating"))
                   for row in table["outcome"])
    assert non_finite_paths(chart(app)) == []
    for section in ("inside", "lp", "eps"):
        app.session_state["section"] = section
        app.run()
        assert not app.exception, (section, app.exception)


def test_typing_a_formula_in_the_sidebar():
    app = open_app()
    app.selectbox(key="surface").set_value(CUSTOM).run()
    assert not app.exception and query(app)["surface"] == ["custom"]
    app.text_input(key="custom_formula").input("x^2 + 10*y^2")
    app.button(key="FormSubmitter:custom_surface-Use this formula").click().run()
    assert not app.exception and not app.sidebar.error
    assert query(app)["formula"] == ["x^2 + 10*y^2"]
    assert "x^{2} + 10 y^{2}" in app.latex[0].value
    # a refused formula: the message beside the field, the page still on the last good surface
    app.text_input(key="custom_formula").input("x + import")
    app.button(key="FormSubmitter:custom_surface-Use this formula").click().run()
    assert not app.exception
    assert "syntax error" in app.sidebar.error[0].value
    assert query(app)["formula"] == ["x^2 + 10*y^2"] and "x^{2} + 10 y^{2}" in app.latex[0].value
    app.text_input(key="custom_formula").input("log(x)")
    app.button(key="FormSubmitter:custom_surface-Use this formula").click().run()
    assert "NaN" in app.sidebar.error[0].value


def test_noise_controls_change_the_runs_and_the_link():
    app = open_app({"steps": "100"})
    before = chart(app)
    app.session_state["noise_kind"] = "gaussian"
    app.run()
    assert not app.exception and query(app)["noise"] == ["gaussian(scale=0.1,relative=true,seed=0)"]
    app.session_state["noise_seed"] = 5
    app.run()
    assert query(app)["noise"] == ["gaussian(scale=0.1,relative=true,seed=5)"]
    noisy = chart(app)
    assert noisy["data"] != before["data"] and non_finite_paths(noisy) == []
    app.session_state["noise_kind"] = "off"
    app.run()
    assert "noise" not in query(app)


def test_the_same_link_gives_the_same_picture_and_another_seed_another():
    link = {**CUSTOM_LINK, "steps": "200", "noise": "gaussian(scale=0.5,relative=false,seed=4)"}
    first, again = chart(open_app(link)), chart(open_app(link))
    other = chart(open_app({**link, "noise": "gaussian(scale=0.5,relative=false,seed=5)"}))
    paths = lambda figure: [t for t in figure["data"] if t.get("mode") == "lines"]  # noqa: E731
    assert paths(first) == paths(again) and paths(first) != paths(other)


def test_the_3d_view_of_a_custom_surface():
    app = open_app({**CUSTOM_LINK, "view": "3d"})
    assert not app.exception
    assert any(trace.get("type") == "mesh3d" for trace in chart(app)["data"])  # the 3-D landscape


# ---------------------------------------------------------------- the story stays on screen

ON_SCREEN_FORMULAS = [
    ("sin(x)*cos(y) + 0.1*(x**2+y**2)", "-2,2,-2,2"), ("x**4 - 2*x**2 + y**2 + 0.3*x", "-2,2,-2,2"),
    ("(1-x)**2 + 100*(y-x**2)**2", "-2,2,-1,3"), ("(x**2 + y - 11)**2 + (x + y**2 - 7)**2", "-5,5,-5,5"),
    ("atan(x*y) + 0.1*(x**2 + y**2)", "-2,2,-2,2"), ("x**2 + y**2 - 0.01*x**4", "-2,2,-2,2"),
    ("tanh(x)*y + x**2/10 + y**2/10", "-3,3,-3,3"), ("exp(-x)", "-2,2,-2,2"), ("x**3 + y**2", "-2,2,-2,2"),
]
LEFT_WORDS = ("left the map at step", "blew up at step", "escaped downhill at step", "left the window going downhill")


@pytest.mark.parametrize(("formula", "domain"), ON_SCREEN_FORMULAS)
def test_the_default_runs_stay_on_the_map_or_the_page_says_they_left(formula, domain):
    link = {"surface": "custom", "formula": formula, "domain": domain}
    state, notices = url.decode({key: [value] for key, value in link.items()})
    assert notices == []
    surface = make_surface("custom", **dict(state.surface_params))
    (x0, x1), (y0, y1) = surface.domain
    app = open_app(link)
    assert not app.exception
    said = " ".join(block.value for block in [*app.info, *app.error])
    left = []
    for spec in state.runs:
        points = run(make_optimizer(spec.optimizer, **spec.kwargs()), surface, np.array(state.start), state.steps,
                     bound=50 * max(abs(v) for v in (x0, x1, y0, y1))).points
        if not ((points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1)).all():
            left.append(spec.optimizer)
    assert said.count("**") // 2 >= len(left) and (not left or any(words in said for words in LEFT_WORDS)), (left, said)
    if formula in ("sin(x)*cos(y) + 0.1*(x**2+y**2)", "x**4 - 2*x**2 + y**2 + 0.3*x", "(1-x)**2 + 100*(y-x**2)**2",
                   "atan(x*y) + 0.1*(x**2 + y**2)", "x**2 + y**2 - 0.01*x**4"):
        assert left == []  # a minimum inside the window: a start exists from which every run stays on the map


def test_the_formula_is_shown_as_typed():
    app = open_app({"surface": "custom", "formula": "y - x^2 + sin(x)*cos(y)"})
    assert not app.exception
    assert any(r"y - x^{2} + \sin\left(x\right) \cos\left(y\right)" in block.value for block in app.latex)
