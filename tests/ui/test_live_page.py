"""The live sliders on the page: on the race's contour map, with a payload of the race's own runs; not live in
3-D, under a teacher's lock, or while a lesson's question hides the paths."""

from __future__ import annotations

from figures.live import decode
from tests.support.app import open_app, open_scene
from ui.presets import preset_for

LIVE = "adamax_lab_live"


def _live(app):
    return [element for element in app.get("bidi_component") if element.proto.component_name == LIVE]


def test_the_race_has_live_sliders_for_every_runs_lr_and_run_1s_settings():
    app = open_app()
    assert not app.exception
    (element,) = _live(app)
    header, _ = decode(element.proto.bytes)
    runs = preset_for("rosenbrock").runs
    assert [run["index"] for run in header["runs"]] == list(range(len(runs)))
    assert [slider["name"] for slider in header["runs"][0]["sliders"]] == ["lr", "beta1", "beta2"]
    assert all([slider["name"] for slider in run["sliders"]] == ["lr"] for run in header["runs"][1:])
    for run, spec in zip(header["runs"], runs, strict=True):
        lr = run["sliders"][0]
        assert lr["values"][lr["current"]] == spec.kwargs()["lr"]
    assert len(element.proto.bytes) <= 150_000


def test_a_rerun_that_changes_nothing_sends_the_same_bytes():
    app = open_app()
    first = _live(app)[0].proto.bytes
    app.run()
    assert _live(app)[0].proto.bytes == first   # Streamlit's message cache then resends a reference only


def test_not_live_when_switched_off_for_the_process(monkeypatch):
    monkeypatch.setenv("ADAMAX_LAB_LIVE", "0")
    app = open_app()
    assert not app.exception and not _live(app)


def test_not_live_in_3d_nor_under_a_teachers_lock():
    assert not _live(open_app({"view": "3d"}))
    assert not _live(open_app({"lock": "runs"}))
    assert _live(open_app({"lock": "start"}))


def test_a_lessons_question_keeps_the_paths_hidden():
    app = open_scene("scale_invariance", 1)
    assert not _live(app)
    app.button(key="lesson_reveal").click().run()
    assert _live(app)
