"""Lessons: every shipped lesson opens, scene by scene, without a notice; broken files and links say where."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from optimizers.limits import eps_modes, lp_family, naive_overflow
from surfaces import make_surface
from tests.support.app import open_scene
from ui import lessons
from ui.lessons import LessonError, lesson_names, load_lesson

APP = str(Path(__file__).resolve().parents[2] / "app.py")
SHIPPED = [(name, number) for name in lesson_names() for number in range(1, len(load_lesson(name).scenes) + 1)]


def test_at_least_five_lessons_ship():
    assert len(lesson_names()) >= 5


@pytest.mark.parametrize(("name", "number"), SHIPPED)
def test_every_scene_opens_without_a_notice(name, number):
    app = open_scene(name, number)
    assert not app.exception
    assert not app.warning, [w.value for w in app.warning]
    assert not [e.value for e in app.error if "lesson" in e.value.lower()]
    scene = load_lesson(name).scenes[number - 1]
    text = " ".join(m.value for m in app.markdown)
    assert scene.title in text and f"scene {number} of" in text
    assert_filled(app, scene.text)
    if scene.answer:
        if "lesson_reveal" in [button.key for button in app.button]:  # a question waits: no answer yet
            assert scene.answer.split("{")[0].strip()[:30] not in " ".join(m.value for m in app.markdown)
            app.button(key="lesson_reveal").click().run()
        assert_filled(app, scene.answer)
    query = {key: value for key, value in app.query_params.items()}
    assert query["lesson"] in (name, [name]) and query["scene"] in (str(number), [str(number)])


def assert_filled(app: AppTest, words: str) -> None:
    """`words` are on the page once, each placeholder filled with a real number (not "never")."""
    placeholder = f"({lessons.RATIO.pattern}|{lessons.PLACEHOLDER.pattern})"
    parts = re.split(placeholder, words)  # text, the placeholder and its 6 groups, text, …
    step = 1 + re.compile(placeholder).groups
    pattern = "".join(re.escape(part) if index % step == 0 else "(.+?)"
                      for index, part in enumerate(parts) if index % step in (0, 1))
    found = [match for match in (re.fullmatch(pattern, m.value, flags=re.S) for m in app.markdown) if match]
    assert len(found) == 1, f"on the page once: {words[:60]!r}"
    assert all(value not in ("never", "") and "{run" not in value for value in found[0].groups())


def test_a_question_hides_the_paths_until_reveal():
    app = open_scene("scale_invariance", 1)
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    paths = [t for t in figure["data"] if t.get("showlegend") and t.get("mode") == "lines"]
    assert paths and all(t.get("visible") is False for t in paths)
    assert not app.dataframe  # the outcome table would give the answer
    trail = figure["frames"][-1]["data"][1]
    assert len(trail["x"]) > 40  # the trail grows from the start as Play runs
    app.button(key="lesson_reveal").click().run()
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert all(t.get("visible") is not False for t in figure["data"] if t.get("showlegend"))
    assert app.dataframe


def test_next_and_previous_walk_the_scenes_and_the_link_follows():
    app = open_scene("saddles", 1)
    app.button(key="lesson_next").click().run()
    assert app.query_params["scene"] in ("2", ["2"])
    assert "Momentum: in, then out" in " ".join(m.value for m in app.markdown)
    assert app.query_params["run"] == ["adamax(lr=0.05)", "sgd(lr=0.01,momentum=0.9)"]
    app.button(key="lesson_previous").click().run()
    assert app.query_params["scene"] in ("1", ["1"])
    app.button(key="lesson_leave").click().run()
    assert "lesson" not in app.query_params


def test_an_unknown_lesson_or_scene_is_named_in_a_notice():
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["lesson"] = "no_such_lesson"
    app.run()
    assert not app.exception
    assert app.warning  # the link-notice box; its lines are plain text (ui/plain.py), never Markdown
    assert any("lessons/no_such_lesson.toml" in t.value for t in app.text)
    app = open_scene("saddles", 99)
    assert any("lessons/saddles.toml has scenes 1 to 4" in t.value for t in app.text)


@pytest.mark.parametrize(("content", "message"), [
    ("title = 'x'\n[[scenes]\n", "not valid TOML"),
    ("title = 'x'\n", "has no scenes"),
    ("title = 'x'\n[[scenes]]\ntitle='a'\nlink='?surface=nowhere'\ntext='t'\n", "scene 1: its link needs correcting"),
    ("title = 'x'\n[[scenes]]\ntitle='a'\nlink='?surface=booth'\ntext='t'\n"
     "[[scenes]]\ntitle='b'\nlink='?surface=booth'\ntext='{run9.final_f}'\n", "scene 2: {run9.final_f} names run 9"),
    ("title = 'x'\n[[scenes]]\ntitle='a'\nlink='?surface=booth'\ntext='{run1.speed}'\n", "unknown placeholder"),
])
def test_a_broken_lesson_file_names_the_file_and_the_scene(tmp_path, content, message):
    (tmp_path / "broken.toml").write_text(content, encoding="utf-8")
    with pytest.raises(LessonError, match=r"lessons/broken\.toml") as caught:
        load_lesson("broken", directory=tmp_path)
    assert message in str(caught.value)


def test_a_link_copied_with_its_address_reads_like_a_query():
    assert lessons.query_of("http://localhost:8501/?surface=beale&run=adamax(lr=0.05)") == \
        {"surface": ["beale"], "run": ["adamax(lr=0.05)"]}
    assert lessons.query_of("?steps=300") == lessons.query_of("steps=300") == {"steps": ["300"]}


# ---------------------------------------------------------------- claims in the words that are not placeholders

def test_claims_of_the_section_scenes_hold():
    """Sentences about the Lp and ε sections, recomputed with the core."""
    rosenbrock = make_surface("rosenbrock")
    family = lp_family(rosenbrock, (-1.2, 1.0), 500, lr=0.1, beta2=0.99, bound=150.0)
    distances = [family.max_distance[p] for p in family.orders]
    assert all(later < earlier for earlier, later in itertools.pairwise(distances))  # every doubling
    goldstein = make_surface("goldstein_price")
    g_abs = float(np.abs(goldstein.grad(np.array([0.8, -1.8]))).max())
    assert g_abs == 6048.0
    rows = naive_overflow(g_abs, (2, 8, 32, 64, 128, 256, 512), beta2=0.999)
    assert [row["p"] for row in rows if row["overflow"]] == [128, 256, 512]
    small = eps_modes(rosenbrock, (-1.2, 1.0), 500, lr=0.1, beta2=0.99, eps=1e-8, bound=150.0)
    paper = small["paper"].points
    assert max(float(np.linalg.norm(t.points - paper, axis=-1).max()) for t in small.values()) < 1e-6
    large = eps_modes(rosenbrock, (-1.2, 1.0), 500, lr=0.1, beta2=0.99, eps=1e-3, bound=150.0)
    assert large["keras"].losses[-1] > max(large["paper"].losses[-1], large["pytorch"].losses[-1])
    saddle = make_surface("saddle")
    on_axis = eps_modes(saddle, (-1.5, 0.0), 100, lr=0.05, bound=100.0)
    assert all(np.all(t.points[:, 1] == 0.0) for t in on_axis.values())


def test_a_frame_stride_of_one_gives_every_step_a_frame_and_a_scrubber_stop():
    app = AppTest.from_file(APP, default_timeout=90)
    app.query_params["surface"] = "booth"
    app.query_params["steps"] = "300"
    app.run()
    assert len(json.loads(app.get("plotly_chart")[0].proto.spec)["frames"]) <= 81
    app.select_slider(key="frame_stride").set_value(1).run()
    figure = json.loads(app.get("plotly_chart")[0].proto.spec)
    assert [frame["name"] for frame in figure["frames"]] == [str(step) for step in range(301)]
    assert [stop["label"] for stop in figure["layout"]["sliders"][0]["steps"]] == [str(s) for s in range(301)]
    assert len(app.get("plotly_chart")[0].proto.spec) < 2_000_000
