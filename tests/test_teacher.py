"""The teacher's link (issue 10): sections offered, controls locked or hidden, and the panel that writes the link."""

from __future__ import annotations

from urllib.parse import parse_qs

from tests.test_app import open_app, open_panels, query
from ui import teacher


def widget(app, kind: str, key: str):
    return next(element for element in app.get(kind) if element.key == key)


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
