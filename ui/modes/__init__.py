"""The page's modes — a phone's narrow window, presentation, a lesson, the teacher's link — each keeping its own
state in its module, and `read_layout`, which reads them all once a rerun into the `Layout` (ui/layout.py) that the
frame hands every section."""

from __future__ import annotations

from ..layout import Layout


def read_layout() -> Layout:
    """This rerun's Layout, from every mode's state (the one place they are read together)."""
    # Imported here, not above: a mode's module may be imported alone (ui/lessons.py reads a link's stride with
    # ui/modes/presentation.py, and ui/modes/classroom.py reads lessons) without loading the others first.
    from . import classroom, phone, presentation, teacher

    return Layout(
        width=phone.width(),
        viewport_height=presentation.viewport_height(),
        present=presentation.on(),
        lesson=classroom.current() is not None,
        lesson_beside=classroom.beside(),
        paths_hidden=classroom.paths_hidden(),
        section_hidden=classroom.section_hidden(),
        locked=teacher.locked(),
        controls_hidden=teacher.hidden(),
        stride=presentation.frame_stride(),
    )
