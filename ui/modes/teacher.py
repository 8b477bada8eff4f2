"""The teacher's link: which sections students are offered, which sidebar controls are locked or hidden.

    ?…&sections=race,inside&lock=steps,start&hide=controls

`sections=` lists the sections offered in the section selector (the link's own `section=` must be among them,
else the first listed is shown); `lock=` shows those sidebar controls disabled (LOCKABLE); `hide=controls` hides
the sidebar's view controls altogether (and locks them, so no key reaches them). As TensorFlow Playground does,
a teacher picks these in the sidebar's "Teacher's link" panel and copies the link it shows. Like ui/url.py,
reading never raises: an unknown name gives a notice and is ignored. While the page is open the address bar
carries the three parameters (`link_extras`), so a student's copied link keeps them.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from ..sections import TITLES
from ..sidebar.controls import load_state

LOCKABLE = {"surface": "Surface", "start": "Start", "steps": "Steps", "view": "View", "runs": "Runs"}
HIDEABLE = ("controls",)
MAX_NAMES = 12            # a list longer than every name there is was not written by this page
MAX_CHARS = 200
HIDDEN_KEY = "teacher_hidden"   # the keyed container of the hidden controls (Streamlit gives it a CSS class)
HIDE_CONTROLS = f"<style>.st-key-{HIDDEN_KEY} {{display: none !important}}</style>"


def _names(query, key: str, allowed, notices: list[str]) -> list[str] | None:
    """The comma-separated names of `key` that are in `allowed` (in order, once each); None when absent."""
    values = query.get(key) or []
    if isinstance(values, str):
        values = [values]
    if not values:
        return None
    text = values[0] if isinstance(values[0], str) else ""
    if len(values) > 1:
        notices.append(f"The link sets {key} more than once; used the first.")
    if len(text) > MAX_CHARS:
        notices.append(f"The {key} value is too long ({len(text):,} characters); ignored it.")
        return None
    names: list[str] = []
    for raw in text.split(",")[:MAX_NAMES]:
        name = raw.strip().lower()
        if name in allowed:
            if name not in names:
                names.append(name)
        elif name:
            notices.append(f"Unknown {key} name {raw.strip()[:30]!r} (expected {', '.join(allowed)}); ignored it.")
    return names


def read(query) -> tuple[tuple[str, ...] | None, frozenset[str], bool, list[str]]:
    """(sections offered or None for all, locked controls, controls hidden, notices) from a link's query."""
    notices: list[str] = []
    sections = _names(query, "sections", tuple(TITLES), notices)
    if sections is not None and not sections:
        notices.append("The link's sections name no section of this page; offering them all.")
        sections = None
    locked = frozenset(_names(query, "lock", tuple(LOCKABLE), notices) or ())
    hidden = "controls" in (_names(query, "hide", HIDEABLE, notices) or ())
    return (tuple(sections) if sections else None), locked, hidden, notices


def open_link(query, state, notices: list[str]):
    """On a new session: remember the link's teacher choices; the state's section is moved into the offered ones."""
    sections, locked, hidden, more = read(query)
    st.session_state["teacher_sections"] = sections
    st.session_state["teacher_lock"] = locked
    st.session_state["teacher_hide"] = hidden
    notices = [*notices, *more]
    if sections is not None and state.section not in sections:
        notices.append(f"The section {state.section!r} is not among the link's sections; showing {sections[0]!r}.")
        state = replace(state, section=sections[0])
    pin(state)
    return state, notices


# What each lock holds still: the AppState fields it covers.
LOCKED_FIELDS = {"surface": ("surface", "surface_params"), "start": ("start",), "steps": ("steps",),
                 "view": ("view",), "runs": ("runs",)}
PIN_KEY = "teacher_pin"


def pin(state) -> None:
    """The state the locks hold the page to: the link's, or the scene a lesson in the link has moved to."""
    st.session_state[PIN_KEY] = state


def restricts() -> bool:
    """True on a student's page: the link offers some sections only, or locks or hides controls."""
    return bool(locked() or st.session_state.get("teacher_sections"))


def enforce(state):
    """The state with every locked setting put back to the pinned one, and the section back into the offered ones.

    Every change of the page's state — a widget, a click on a map or a Sweeps cell, a section's preset button, a
    lesson — is a change of the widgets' values, read back once per rerun (ui/sidebar/controls.read_state). Checking
    where the state is read, holds the locks whatever the path that tried to change them; the widgets are written
    back, and the student is told what was kept.
    """
    held = st.session_state.get(PIN_KEY)
    if held is None or not restricts():
        return state
    changes = {name: getattr(held, name) for key in locked() for name in LOCKED_FIELDS[key]
               if getattr(state, name) != getattr(held, name)}
    sections = st.session_state.get("teacher_sections")
    if sections and state.section not in sections and state.section != held.section:
        changes["section"] = held.section
    if not changes:
        return state
    state = replace(state, **changes)
    load_state(state)
    kept = [title for key, title in LOCKABLE.items() if key in locked() and LOCKED_FIELDS[key][0] in changes]
    if "section" in changes:
        kept.append("the sections offered")
    st.toast("The teacher's link keeps " + ", ".join(kept) + " as they are.", icon=":material/lock:")
    return state


def offered(current: str) -> list[str]:
    """The sections for the selector: the link's (the one on screen kept, should a lesson scene open another)."""
    chosen = st.session_state.get("teacher_sections")
    if not chosen:
        return list(TITLES)
    return [key for key in TITLES if key in chosen or key == current]


def hidden() -> bool:
    return bool(st.session_state.get("teacher_hide"))


def locked() -> frozenset[str]:
    """The locked controls; hidden controls are all locked too."""
    return frozenset(LOCKABLE) if hidden() else frozenset(st.session_state.get("teacher_lock") or ())


def is_locked(name: str) -> bool:
    return name in locked()


def extras(sections, lock, hide: bool) -> dict[str, str]:
    """The link parameters for these choices (nothing when every section is offered and nothing locked)."""
    query = {}
    if sections and set(sections) != set(TITLES):
        query["sections"] = ",".join(key for key in TITLES if key in sections)
    if lock and not hide:
        query["lock"] = ",".join(key for key in LOCKABLE if key in lock)
    if hide:
        query["hide"] = "controls"
    return query


def link_extras() -> dict[str, str]:
    """What the address bar carries for the teacher's choices this page was opened with."""
    return extras(st.session_state.get("teacher_sections"), st.session_state.get("teacher_lock"), hidden())


def draw_hidden_style() -> None:
    if hidden():
        st.markdown(HIDE_CONTROLS, unsafe_allow_html=True)


def draw_locked_note() -> None:
    """In the sidebar, on a student's page: which controls the teacher's link locked."""
    names = [title for key, title in LOCKABLE.items() if key in locked()]
    if names and not hidden():
        st.sidebar.caption(f":material/lock: Locked by the teacher's link: {', '.join(names)}.")


def link_for(query: dict, sections, lock, hide: bool) -> str:
    """`?` + the query of the view on screen with the teacher's choices (the section moved into the offered)."""
    query = {key: value for key, value in query.items() if key not in ("sections", "lock", "hide")}
    if sections and query.get("section", "race") not in sections:
        query.pop("section", None)
        if sections[0] != "race":
            query["section"] = sections[0]
    query.update(extras(sections, lock, hide))
    return "?" + urlencode(query, doseq=True, safe=",()=")


def draw_builder(query: dict) -> None:
    """The sidebar's "Teacher's link" panel (only on a page whose link locks nothing): choose, then copy."""
    if locked() or st.session_state.get("teacher_sections"):
        return
    # Drawn only when opened (a lazy expander: every element costs each rerun); the choices are kept while closed.
    for key in ("teach_sections", "teach_lock", "teach_hide"):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    st.session_state.setdefault("teach_sections", list(TITLES))
    panel = st.sidebar.expander("Teacher's link", icon=":material/school:", key="teach_panel", on_change="rerun")
    if not panel.open:
        return
    with panel:
        sections = st.multiselect("Sections students see", list(TITLES), key="teach_sections",
                                  format_func=TITLES.get)
        lock = st.multiselect("Lock these controls", list(LOCKABLE), key="teach_lock", format_func=LOCKABLE.get,
                              help="Shown disabled: students see the settings but cannot change them.")
        hide = st.checkbox("Hide the sidebar's controls", key="teach_hide")
        if not sections:
            st.caption("Choose at least one section; the link offers them all meanwhile.")
        link = link_for(query, sections, lock, hide)
        full = _page_address() + link
        st.caption(_summary(sections, lock, hide) + " Copy the link with the icon at its right:")
        # Broken anywhere and a little smaller: the sidebar is narrow, and a link has no spaces to break at (the
        # default wrapping left "?" alone on a line and cut tokens at random places).
        st.markdown(LINK_STYLE, unsafe_allow_html=True)
        st.container(key="teacher_link").code(full, language=None, wrap_lines=True)
        st.link_button("Open it as a student would", full, icon=":material/open_in_new:", width="stretch")


LINK_STYLE = """<style>.st-key-teacher_link code {word-break: break-all; overflow-wrap: anywhere;
font-size: 0.78rem; line-height: 1.45}
.st-key-teacher_link pre {padding-right: 2.6rem}</style>"""


def _page_address() -> str:
    """The app's address without its query (as the browser shows it), or "" when unknown (then the link is
    the query alone, to add to the page's address)."""
    address = str(getattr(st.context, "url", "") or "")
    if not address.startswith(("http://", "https://")):
        return ""
    parts = urlsplit(address)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", ""))


def _summary(sections, lock, hide: bool) -> str:
    """The choices in words, above the link: what a student will find."""
    shown = ", ".join(TITLES[key] for key in TITLES if not sections or key in sections)
    controls = ("the sidebar's controls hidden" if hide else
                "locked: " + ", ".join(LOCKABLE[key] for key in LOCKABLE if key in lock) if lock else
                "every control free")
    return f"Students see **{shown}**; {controls}."
