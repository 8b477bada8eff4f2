"""The page, run headless through Streamlit's AppTest: defaults, every surface × optimizer, links, widgets."""

from __future__ import annotations

import pytest

from optimizers import OPTIMIZERS
from surfaces import SURFACES, make_surface
from tests.support.app import chart, legend_names, open_app, open_panels, query
from tests.support.figures import non_finite_paths, values
from ui import url
from ui.page import formula_latex
from ui.presets import preset_for


def test_default_page_is_an_animated_comparison_ready_to_play():
    app = open_app()
    assert not app.exception
    figure = chart(app)
    assert len(figure["frames"]) >= 50
    assert {b["label"] for b in figure["layout"]["updatemenus"][0]["buttons"]} == {"▶ Play", "❚❚ Pause"}
    names = legend_names(figure)
    default = preset_for("rosenbrock")
    assert len(names) == len(default.runs) and names[0].startswith("AdaMax")
    assert any(name.startswith("Adam(") for name in names) and any(name.startswith("SGD") for name in names)
    assert non_finite_paths(figure) == []
    assert query(app)["surface"] == ["rosenbrock"]
    assert len(query(app)["run"]) == len(default.runs)
    assert len(app.dataframe) == 1 and len(app.dataframe[0].value) == len(default.runs)


@pytest.mark.parametrize("key", list(SURFACES))
def test_every_surface_renders_every_optimizer(key):
    runs = [f"{name}(lr=0.01)" for name in OPTIMIZERS]
    app = open_app({"surface": key, "steps": "60", "run": runs})
    assert not app.exception
    assert not app.warning, [w.value for w in app.warning]  # the link was valid: no notice
    figure = chart(app)
    assert len(legend_names(figure)) == len(OPTIMIZERS)
    assert non_finite_paths(figure) == []
    state, _ = url.decode({"surface": [key]})
    assert formula_latex(make_surface(state.surface, **dict(state.surface_params)).latex) in app.latex[0].value


def test_diverging_run_is_reported_not_broken():
    app = open_app({"surface": "rosenbrock", "start": "-2,2", "steps": "200",
                    "run": ["sgd(lr=0.05)", "adamax(lr=0.05)"]})
    assert not app.exception
    errors = [e.value for e in app.error]
    assert len(errors) == 1 and "SGD(lr=0.05) blew up at step" in errors[0]
    assert "off the map to the east" in errors[0]  # (78.3, 22): the notice says where the ✖ cannot be
    figure = chart(app)
    assert any(t.get("name") == "SGD(lr=0.05) blew up" for t in figure["data"])
    assert non_finite_paths(figure) == []
    table = app.dataframe[0].value
    assert table["outcome"].iloc[0].startswith("✖ blew up at step")
    assert not table["outcome"].iloc[1].startswith("✖")


def test_escaping_a_surface_unbounded_below_is_not_an_error():
    """Saddle preset at 5,000 steps: every run leaves the bound while f falls — escaped, told apart from a blow-up."""
    app = open_app({"surface": "saddle", "start": "-1.5,0.001", "steps": "5000",
                    "run": ["adamax(lr=0.05)", "sgd(lr=0.01,momentum=0.9)"]})
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    infos = [i.value for i in app.info]
    assert len(infos) == 2 and all("escaped downhill at step" in text for text in infos)
    table = app.dataframe[0].value
    assert all(outcome.startswith("↘ escaped downhill") for outcome in table["outcome"])
    assert "first step with f − f* ≤ 0.0001" not in table.columns  # no f*: no such column, no literal "None"
    assert "final distance to a global minimum" not in table.columns


def test_link_round_trip_restores_the_view():
    link = {"surface": "quadratic(angle=45,condition=50)", "start": "1.5,-1", "steps": "300", "view": "3d",
            "run": ["adamax(lr=0.03)", "adamax(lr=0.1)", "adam(beta2=0.99,lr=0.05)", "sgd(lr=0.02,momentum=0.9)"]}
    app = open_app(link)
    assert not app.exception and not app.warning
    state, notices = url.decode(link)
    assert notices == []
    assert {key: value if isinstance(value, list) else [value] for key, value in url.encode(state).items()} == \
        query(app)
    figure = chart(app)
    assert legend_names(figure) == ["AdaMax(lr=0.03)", "AdaMax(lr=0.1)", "Adam(lr=0.05, beta2=0.99)",
                                    "SGD(lr=0.02, momentum=0.9)"]
    assert "scene" in figure["layout"]
    assert app.session_state["start_x"] == 1.5 and app.session_state["start_y"] == -1.0


BAD_LINKS = [
    {"surface": "himalaya"},
    {"run": "__import__('os').system('echo pwned')"},
    {"run": "adamax(lr=1e309)"},
    {"run": ["adamax(lr=nan)"]},
    {"run": ["adamax(lr=-1)", "adam(beta1=1.5)"]},
    {"steps": "1e9"},
    {"steps": "abc"},
    {"start": "1e400,0"},
    {"start": "a,b"},
    {"run": [f"adamax(lr={0.001 * (i + 1)})" for i in range(50)]},
    {"run": "sgd(nesterov=true)"},
    {"surface": "quadratic(condition=1e9)"},
    {"view": "hologram"},
    {"run": "adamax(" + "x" * 100_000 + ")"},
]


@pytest.mark.parametrize("link", BAD_LINKS, ids=[str(i) for i in range(len(BAD_LINKS))])
def test_bad_links_open_with_a_notice(link):
    app = open_app(link)
    assert not app.exception
    notices = [w.value for w in app.warning]
    assert len(notices) == 1 and "could not be used" in notices[0]
    figure = chart(app)
    assert figure["frames"] and non_finite_paths(figure) == []
    state, _ = url.decode(query(app))
    assert url.decode(url.encode(state))[1] == []  # the address bar now holds a clean link


def test_changing_steps_and_adding_a_run_updates_chart_and_link():
    app = open_app()
    before = chart(app)
    app.select_slider(key="steps").set_value(1500).run()
    after = chart(app)
    assert after["frames"][-1]["name"] == "1500" and before["frames"][-1]["name"] != "1500"
    assert query(app)["steps"] == ["1500"]
    runs = len(query(app)["run"])
    app.button(key="add_run").click().run()
    assert len(query(app)["run"]) == runs + 1
    assert len(legend_names(chart(app))) == runs + 1


def test_changing_a_learning_rate_reruns_only_that_run(monkeypatch):
    monkeypatch.setenv("ADAMAX_LAB_LIVE", "0")  # the panel's own slider (with them on, a live one: test_live_page)
    app = open_app({"surface": "beale", "run": ["adamax(lr=0.05)", "adam(lr=0.05)"], "steps": "100"})
    first = chart(app)
    assert "run0_lr" not in [slider.key for slider in app.select_slider]  # its panel is closed: not drawn
    open_panels(app, "run0_panel").select_slider(key="run0_lr").set_value(0.2).run()
    second = chart(app)
    assert query(app)["run"][0] == "adamax(lr=0.2)"
    path = [t for t in second["data"] if t.get("showlegend") and t.get("mode") == "lines"]
    old = [t for t in first["data"] if t.get("showlegend") and t.get("mode") == "lines"]
    assert path[0]["name"] == "AdaMax(lr=0.2)"
    assert (values(path[0]["x"]) != values(old[0]["x"])).any()
    assert (values(path[1]["x"]) == values(old[1]["x"])).all()


def test_a_closed_run_panel_keeps_its_values(monkeypatch):
    """A closed panel draws no widgets (a lazy expander), yet the run keeps what was set in it."""
    monkeypatch.setenv("ADAMAX_LAB_LIVE", "0")  # the panels' own sliders (with them on, live ones: test_live_page)
    app = open_panels(open_app({"surface": "beale", "run": ["adamax(lr=0.05)", "adam(lr=0.05)"], "steps": "100"}),
                      "run0_panel")
    app.select_slider(key="run0_lr").set_value(0.2).run()
    app = open_panels(app, "run1_panel")
    app.session_state["run0_panel"] = False
    app = app.run().run()
    assert "run0_lr" not in [slider.key for slider in app.select_slider]
    assert "run1_lr" in [slider.key for slider in app.select_slider]
    assert query(app)["run"] == ["adamax(lr=0.2)", "adam(lr=0.05)"]
    assert legend_names(chart(app))[0] == "AdaMax(lr=0.2)"


def test_switching_surface_opens_its_preset():
    app = open_app()
    app.selectbox(key="surface").set_value("saddle").run()
    preset = preset_for("saddle")
    assert query(app)["surface"] == ["saddle"]
    assert query(app)["run"] == url.encode(preset)["run"]
    assert (app.session_state["start_x"], app.session_state["start_y"]) == preset.start


def test_link_notices_clear_once_the_view_changes():
    app = open_app({"surface": "himalaya", "steps": "300"})
    assert len(app.warning) == 1
    app.select_slider(key="steps").set_value(500).run()
    assert not app.warning


def test_switching_surface_keeps_the_section():
    app = open_app({"section": "inside"})
    app.selectbox(key="surface").set_value("beale").run()
    assert not app.exception
    assert query(app)["section"] == ["inside"] and query(app)["surface"] == ["beale"]
