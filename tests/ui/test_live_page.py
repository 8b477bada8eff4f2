"""The live sliders on the page: on the race's contour map, with a payload of the race's own runs; not live in
3-D, under a teacher's lock, or while a lesson's question hides the paths."""

from __future__ import annotations

from figures.live import decode
from tests.support.app import open_app, open_scene, query
from ui.presets import preset_for
from ui.sidebar.controls import TUNED_RUN_KEY

LIVE = "adamax_lab_live"


def _live(app):
    return [element for element in app.get("bidi_component") if element.proto.component_name == LIVE]


def test_the_race_has_live_sliders_for_every_runs_lr_and_the_tuned_runs_settings():
    app = open_app()
    assert not app.exception
    (element,) = _live(app)
    header, _ = decode(element.proto.bytes)
    runs = preset_for("rosenbrock").runs
    assert [run["index"] for run in header["runs"]] == list(range(len(runs)))
    assert all([slider["name"] for slider in run["sliders"]] == ["lr"] for run in header["runs"])
    for run, spec in zip(header["runs"], runs, strict=True):
        lr = run["sliders"][0]
        assert lr["values"][lr["current"]] == spec.kwargs()["lr"]
    assert len(element.proto.bytes) <= 150_000
    app.session_state[TUNED_RUN_KEY] = 0      # run 1's "more ›"
    app.run()
    header, _ = decode(_live(app)[0].proto.bytes)
    assert [slider["name"] for slider in header["runs"][0]["sliders"]] == ["lr", "beta1", "beta2"]
    assert len(_live(app)[0].proto.bytes) <= 150_000


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


PANEL = "adamax_lab_live_panel"


def _panels(app):
    """The live mounts in the sidebar's run panels, by the run index their key ends with."""
    return {int(element.proto.id.rsplit("_", 1)[1]): element for element in app.get("bidi_component")
            if element.proto.component_name == PANEL}


def _open(app, *indices: int):
    """Open runs' panels, as a click on their titles does."""
    for index in indices:
        app.session_state[f"run{index}_panel"] = True
        app.session_state[f"run{index}_open"] = True
    return app.run()


def _streamlit_keys(app) -> set[str]:
    return {widget.key for widget in [*app.select_slider, *app.slider, *app.number_input]}


def test_an_open_runs_panel_holds_its_live_sliders_in_place_of_those_widgets():
    app = _open(open_app(), 0, 2)
    assert not app.exception
    panels = _panels(app)
    (race,) = _live(app)
    assert sorted(panels) == [0, 2] and all(p.proto.bytes == race.proto.bytes for p in panels.values())
    keys = _streamlit_keys(app)
    assert not keys & {"run0_lr", "run2_lr"}                   # no second control for a live setting
    assert {"run0_beta1", "run0_beta2"} <= keys                # not tuned: its β's stay widgets, nothing computed
    header, _ = decode(race.proto.bytes)
    assert header["tuned"] == -1 and all(len(run["sliders"]) == 1 for run in header["runs"])
    assert query(app)["run"][0] == "adamax(beta2=0.99,lr=0.1)"   # the run keeps what its widgets held
    app.session_state[TUNED_RUN_KEY] = 0                        # its "more ›": every numeric setting live
    app.run()
    assert not _streamlit_keys(app) & {"run0_lr", "run0_beta1", "run0_beta2"}
    header, _ = decode(_panels(app)[0].proto.bytes)
    assert [slider["name"] for slider in header["runs"][0]["sliders"]] == ["lr", "beta1", "beta2"]


def test_elsewhere_a_runs_panel_keeps_its_widgets():
    app = _open(open_app({"section": "sweep"}), 0)             # no race map to draw on
    assert not _panels(app) and "run0_lr" in _streamlit_keys(app)
    app = _open(open_app({"lock": "runs"}), 0)                 # a teacher's lock: disabled widgets, nothing live
    assert not _panels(app)
    assert all(widget.disabled for widget in app.select_slider if widget.key == "run0_lr")
    app = _open(open_app({"view": "3d"}), 0)                   # no map to draw on
    assert not _panels(app) and "run0_lr" in _streamlit_keys(app)
