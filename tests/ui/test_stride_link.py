"""The animation's stride travels in the link (`stride=`) and in a lesson's scene: a frame every N iterations."""

from __future__ import annotations

import pytest

from tests.support.app import chart, open_app, query, widget
from ui.lessons import LessonError, load_lesson


def _steps(figure) -> list[int]:
    return [int(frame["name"]) for frame in figure["frames"]]


def test_stride_one_in_the_link_makes_a_frame_every_iteration_and_stays_in_the_link():
    app = open_app({"surface": "rosenbrock", "steps": "200", "stride": "1"})
    assert not app.exception
    assert _steps(chart(app)) == list(range(201))
    assert query(app)["stride"] == ["1"]
    assert widget(app, "select_slider", "frame_stride").value == 1


def test_no_stride_is_auto_and_not_written():
    app = open_app({"surface": "rosenbrock", "steps": "200"})
    assert len(chart(app)["frames"]) < 100 and "stride" not in query(app)


@pytest.mark.parametrize("value", ["3", "-1", "x", "1" * 40])
def test_a_stride_that_is_not_offered_opens_auto_with_a_notice(value):
    app = open_app({"surface": "rosenbrock", "steps": "200", "stride": value})
    assert not app.exception
    assert "stride" not in query(app)
    assert any("is not a stride of the animation" in element.value for element in app.text)


def test_a_lesson_scene_sets_its_stride_and_the_next_scene_its_own():
    scene = load_lesson("saddles").scenes[1]
    assert scene.stride == 1 and "Scrub through" in scene.text
    app = open_app({"lesson": "saddles", "scene": "2"})
    assert _steps(chart(app)) == list(range(101))
    assert query(app)["stride"] == ["1"]
    widget(app, "button", "lesson_next").click().run()
    assert "stride" not in query(app) and len(chart(app)["frames"]) < 100


def test_a_lesson_with_a_bad_stride_is_refused(tmp_path):
    (tmp_path / "bad.toml").write_text('title = "t"\n[[scenes]]\ntitle = "s"\nlink = "?steps=100&stride=7"\n'
                                       'text = "words"\n', encoding="utf-8")
    with pytest.raises(LessonError, match="stride"):
        load_lesson("bad", tmp_path)
