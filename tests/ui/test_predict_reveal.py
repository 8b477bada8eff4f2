"""Predict, then reveal: nothing on the page gives a scene's answer away before Reveal — not its words, not a
section's chart, not the curve panels' ranges — and ▶ Play draws the curves as the runs go."""

from __future__ import annotations

import json

import pytest

from tests.support.app import open_app
from ui.lessons import lesson_names, load_lesson

QUESTIONS = [(name, number) for name in lesson_names() for number, scene in enumerate(load_lesson(name).scenes, 1)
             if scene.question]


def _open(lesson: str, scene: int):
    app = open_app({"lesson": lesson, "scene": str(scene)})
    assert not app.exception
    return app


def _words(app) -> str:
    return "\n".join([m.value for m in app.markdown] + [e.value for e in app.info] + [e.value for e in app.success])


@pytest.mark.parametrize(("lesson", "scene"), QUESTIONS)
def test_no_answer_before_reveal(lesson, scene):
    app = _open(lesson, scene)
    answer = load_lesson(lesson).scenes[scene - 1].answer
    words = _words(app)
    assert "Before you press ▶ Play" not in words  # also after Play, which the server does not see
    assert "Predict first" in words
    if answer:  # the answer's first words are not on the page yet
        assert answer.strip().split("{")[0][:40] not in words
    assert not app.dataframe  # outcome tables and section tables would answer it
    app.button(key="lesson_reveal").click().run()
    assert "Predict first" not in _words(app)
    if answer:
        assert answer.strip().split("{")[0][:40] in _words(app)


def test_where_eps_goes_asks_before_it_shows_the_three_paths():
    app = _open("where_eps_goes", 1)
    assert "on top of each other" not in _words(app)
    assert not app.get("plotly_chart")  # the ε chart would show the paths together
    assert app.button(key="lesson_reveal").label == "Reveal the answer"
    app.button(key="lesson_reveal").click().run()
    assert "on top of each other" in _words(app)
    assert app.get("plotly_chart") and app.dataframe


@pytest.mark.parametrize(("lesson", "scene"), [("saddles", 1), ("step_bound", 1), ("scale_invariance", 1)])
def test_hidden_curve_panels_give_no_range_away_and_grow_with_play(lesson, scene):
    app = _open(lesson, scene)
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    layout = figure["layout"]
    assert layout["yaxis2"]["showticklabels"] is False and layout["yaxis3"]["showticklabels"] is False
    curves = [index for index, trace in enumerate(figure["data"])
              if trace.get("xaxis") in ("x2", "x3") and trace.get("mode") == "lines"]
    assert curves and all(figure["data"][index]["x"] == [] for index in curves)  # nothing before Play
    steps = load_lesson(lesson).scenes[scene - 1].state.steps
    reached = {}
    for frame in figure["frames"]:
        for index, data in zip(frame["traces"], frame["data"], strict=True):
            if index in curves:
                assert max(data["x"], default=0) <= int(frame["name"])  # never ahead of the runs
                reached[index] = max(data["x"], default=0)
    last = figure["frames"][-1]
    assert all(reached[index] == steps for index in curves)  # the last frame carries the whole (thinned) curves
    assert int(last["name"]) == steps
    app.button(key="lesson_reveal").click().run()
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert figure["layout"]["yaxis2"].get("showticklabels") is not False
