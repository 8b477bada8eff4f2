"""The teacher's link: sections offered, controls locked or hidden, and the panel that writes the link."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from tests.support.app import chart, open_app, open_panels, query, widget
from ui.modes import teacher
from ui.state import AppState


def section_options(app) -> list[str]:
    return list(widget(app, "button_group", "section").options)


def notices(app) -> str:
    return "\n".join(element.value for element in app.text)


def test_sections_in_the_link_are_the_only_ones_offered_and_stay_in_the_address_bar():
    app = open_app({"sections": "race,inside"})
    assert not app.exception
    assert section_options(app) == ["The race", "Inside AdaMax"]
    assert query(app)["sections"] == ["race,inside"]
    assert not any(element.label == "Teacher's link" for element in app.expander)  # a student's page


def test_no_teacher_parameters_offer_every_section_and_the_teacher_panel():
    app = open_app()
    assert len(section_options(app)) == len(teacher.TITLES) > 2
    assert not {"sections", "lock", "hide"} & set(query(app))
    assert any(element.label == "Teacher's link" for element in app.expander)


def test_lock_shows_those_controls_disabled_and_the_others_not():
    app = open_panels(open_app({"lock": "steps,start"}), "run0_panel")
    assert not app.exception
    assert widget(app, "select_slider", "steps").disabled
    assert widget(app, "number_input", "start_x").disabled and widget(app, "number_input", "start_y").disabled
    assert not widget(app, "selectbox", "surface").disabled
    assert not widget(app, "selectbox", "run0_optimizer").disabled
    assert any("Locked by the teacher's link: Start, Steps" in element.value for element in app.caption)
    assert query(app)["lock"] == ["start,steps"]


@pytest.mark.parametrize("lock", [None, "start"])
def test_a_locked_start_leaves_the_map_offering_no_click(lock):
    """The map's hover says "click to start here" and a click selects a point (fading the others) only where a click
    can move the start."""
    app = open_app({"lock": lock} if lock else {})
    figure, element = chart(app), app.get("plotly_chart")[0].proto
    offered = any(trace.get("name") == "click to start here" for trace in figure["data"])
    selectable = figure["layout"].get("clickmode") == "event+select" or bool(element.selection_mode)
    assert offered == selectable == (lock is None), (offered, selectable)


def test_locked_runs_cannot_be_added_removed_or_changed():
    app = open_panels(open_app({"lock": "runs"}), "run0_panel")
    assert widget(app, "selectbox", "run0_optimizer").disabled
    assert widget(app, "button", "add_run").disabled and widget(app, "button", "remove_0").disabled
    assert widget(app, "button", "reset_preset").disabled


def test_hide_controls_hides_and_locks_them():
    app = open_app({"hide": "controls"})
    assert not app.exception
    assert widget(app, "selectbox", "surface").disabled and widget(app, "select_slider", "steps").disabled
    assert any(teacher.HIDE_CONTROLS in element.value for element in app.markdown)
    assert query(app)["hide"] == ["controls"]


def test_unknown_names_give_notices_and_the_section_moves_into_the_offered_ones():
    app = open_app({"sections": "race,bogus", "lock": "nope,steps", "hide": "everything", "section": "sweep"})
    assert not app.exception
    text = notices(app)
    assert "'bogus'" in text and "'nope'" in text and "'everything'" in text
    assert "'sweep' is not among the link's sections" in text
    assert section_options(app) == ["The race"]
    assert widget(app, "select_slider", "steps").disabled
    assert query(app)["sections"] == ["race"] and "section" not in query(app)


def test_sections_naming_nothing_offer_them_all():
    app = open_app({"sections": "nothing,here"})
    assert not app.exception
    assert len(section_options(app)) == len(teacher.TITLES)
    assert "offering them all" in notices(app)


def test_reading_never_raises_on_odd_values():
    for value in ("", ",,,", "x" * 10_000, ["race", "inside"], [3], "RACE , Inside"):
        sections, locked, hidden, found = teacher.read({"sections": value, "lock": value, "hide": value})
        assert sections is None or set(sections) <= set(teacher.TITLES)
        assert locked <= set(teacher.LOCKABLE) and isinstance(hidden, bool) and isinstance(found, list)
    assert teacher.read({"sections": "RACE , Inside"})[0] == ("race", "inside")


def test_the_teachers_choices_round_trip_through_the_link():
    app = open_panels(open_app(), "teach_panel")
    widget(app, "multiselect", "teach_sections").set_value(["race", "inside"])
    widget(app, "multiselect", "teach_lock").set_value(["steps", "runs"])
    app = app.run()
    link = app.code[-1].value
    assert link.startswith("?") and "sections=race,inside" in link and "lock=steps,runs" in link
    assert "sections" not in query(app)  # the teacher's own page stays unlocked
    student = open_panels(open_app({key: values if len(values) > 1 else values[0]
                                    for key, values in parse_qs(link[1:]).items()}), "run0_panel")
    assert not student.exception and notices(student) == ""
    assert section_options(student) == ["The race", "Inside AdaMax"]
    assert widget(student, "select_slider", "steps").disabled
    assert widget(student, "selectbox", "run0_optimizer").disabled
    assert not widget(student, "selectbox", "surface").disabled
    # The rest of the link is the teacher's view: the same runs.
    assert query(student)["run"] == query(app)["run"]


def test_the_link_opens_on_an_offered_section():
    app = open_panels(open_app({"section": "sweep"}), "teach_panel")
    widget(app, "multiselect", "teach_sections").set_value(["inside", "lp"])
    widget(app, "checkbox", "teach_hide").check()
    link = app.run().code[-1].value
    assert "section=inside" in link and "sections=inside,lp" in link and "hide=controls" in link
    assert "lock=" not in link


# Each lock against each way round it: a change written into the page's state the way a callback writes it (a
# Sweeps cell adds a run, a section's preset button or a lesson loads a whole view, a click on the map moves the
# start), then the rerun that reads it.
def _set_surface(app):
    app.session_state["surface"] = "beale"


def _set_start(app):
    app.session_state["start_x"] = 0.5


def _set_steps(app):
    app.session_state["steps"] = 1000


def _set_view(app):
    app.session_state["view"] = "3d"


def _add_a_run(app):  # what ui/sidebar/controls.add_run does for a Sweeps cell
    run_id = app.session_state["next_run_id"]
    app.session_state["next_run_id"] = run_id + 1
    app.session_state["run_ids"] = [*app.session_state["run_ids"], run_id]
    app.session_state[f"run{run_id}_optimizer"] = "sgd"
    app.session_state[f"run{run_id}_lr"] = 0.001


CHANGES = {"surface": (_set_surface, "surface"), "start": (_set_start, "start"), "steps": (_set_steps, "steps"),
           "view": (_set_view, "view"), "runs": (_add_a_run, "run")}
LINK = {"surface": "rosenbrock", "start": "-1.2,1", "steps": "300", "run": ["adamax(lr=0.1)", "adam(lr=0.1)"],
        "sections": "race,inside,eps,sweep"}


@pytest.mark.parametrize("teacher_choice", [{"lock": "surface,start,steps,view,runs"}, {"hide": "controls"}])
@pytest.mark.parametrize("name", list(CHANGES))
def test_a_locked_setting_stays_whatever_path_changes_it(name, teacher_choice):
    app = open_app({**LINK, **teacher_choice})
    before = query(app)
    change, parameter = CHANGES[name]
    change(app)
    app.run()
    assert not app.exception
    assert query(app).get(parameter) == before.get(parameter)
    assert any("teacher's link keeps" in element.proto.body for element in app.toast)


@pytest.mark.parametrize("name", list(CHANGES))
def test_an_unlocked_setting_still_changes(name):
    others = ",".join(key for key in CHANGES if key != name)
    app = open_app({**LINK, "lock": others})
    before = query(app)
    change, parameter = CHANGES[name]
    change(app)
    app.run()
    assert query(app).get(parameter) != before.get(parameter)
    assert not app.toast


def test_a_section_not_offered_goes_back_to_the_pinned_one(monkeypatch):
    """A lesson's scene (or anything else) writing a section the link does not offer: enforce puts it back.
    (AppTest refuses a segmented control's value outside its options by itself, so this one is called directly.)"""
    session, loaded, toasts = {}, [], []
    monkeypatch.setattr(teacher.st, "session_state", session)
    monkeypatch.setattr(teacher, "load_state", loaded.append)
    monkeypatch.setattr(teacher.st, "toast", lambda text, **_: toasts.append(text))
    session.update(teacher_sections=("race", "inside"), teacher_lock=frozenset(), teacher_hide=False)
    teacher.pin(AppState(section="inside"))
    assert teacher.enforce(AppState(section="race")) == AppState(section="race")  # offered: no change
    held = teacher.enforce(AppState(section="sweep", steps=300))
    assert held == AppState(section="inside", steps=300) and loaded == [held]
    assert "sections offered" in toasts[0]


@pytest.mark.parametrize("teacher_choice", [{"lock": "start"}, {"hide": "controls"}, {"sections": "race,inside"}])
def test_a_students_page_has_no_lessons_menu(teacher_choice):
    app = open_app({**LINK, **teacher_choice})
    assert not any(element.key == "lesson_pick" for element in app.selectbox)
    assert any(element.key == "lesson_pick" for element in open_app(LINK | {"sections": ""}).selectbox)


@pytest.mark.parametrize("lock", ["surface", "start", "steps", "runs"])
def test_the_saddle_button_in_where_eps_goes_respects_the_locks(lock):
    app = open_app({**LINK, "section": "eps", "lock": lock})
    assert widget(app, "button", "eps_preset").disabled
    before = query(app)
    # What its callback writes, should a click reach it anyway (AppTest refuses to click a disabled button)
    app.session_state["surface"], app.session_state["start_x"], app.session_state["start_y"] = "saddle", -1.5, 0.0
    app.session_state["steps"] = 200
    app.session_state["run_ids"] = [0]
    after = query(app.run())
    field = CHANGES[lock][1]
    assert after.get(field) == before.get(field)


def test_a_lesson_in_the_teachers_link_moves_the_locks_with_its_scenes():
    app = open_app({"lesson": "saddles", "scene": "1", "lock": "runs,surface"})
    first = query(app)
    widget(app, "button", "lesson_next").click().run()
    assert not app.exception
    assert query(app)["scene"] == ["2"]
    assert not app.toast  # the scene's runs are what the locks now hold
    assert query(app).get("run") != first.get("run") or query(app).get("start") != first.get("start")
