"""Whatever a link holds reaches the page as plain text only (st.text), never through Markdown, HTML or LaTeX."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.support.app import open_app
from ui.plain import escape_markdown

MARKER = "zqxj"  # in every hostile value: it may show up in plain-text elements only

# The issue's link: a live link, a red badge and an outside image.
ISSUE_LINK = {"[Sign in](http://e.vil/x)": "1", "section": ":red-background[URGENT]",
              "view": "![](http://host/v.png)"}

CONSTRUCTS = [
    "[Sign in zqxj](http://e.vil/x)", "![zqxj](http://host/v.png)", ":red-background[zqxj]", ":blue[zqxj]",
    "__zqxj__", "**zqxj**", "*zqxj*", "_zqxj_", "~~zqxj~~", "`zqxj`", "$zqxj$", "$$zqxj$$", ":material/home: zqxj",
    ":rocket: zqxj", "<b>zqxj</b>", "<img src=x onerror=alert(1)>zqxj", "# zqxj", "- zqxj", "> zqxj", "1. zqxj",
    "zqxj | a |\n|---|---|", "http://zqxj.example", "www.zqxj.example", "zqxj@e.vil", "&lt;zqxj&gt;",
    "zqxj\n\n# heading", "\\[zqxj\\]", "<http://zqxj.x>",
]


def leaves(node):
    children = getattr(node, "children", None)
    if children:
        for child in children.values():
            yield from leaves(child)
    else:
        yield node


def rendered(app: AppTest) -> tuple[list[str], list[str]]:
    """(every non-text element's proto as text — Markdown, alerts, labels, help, charts —, the st.text bodies)."""
    others, texts = [], []
    for node in leaves(app._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        (texts if node.type == "text" else others).append(str(proto) if node.type != "text" else proto.body)
    return others, texts


def test_the_issues_link_shows_its_text_as_plain_text():
    app = open_app(ISSUE_LINK)
    assert not app.exception
    others, texts = rendered(app)
    for payload in ("e.vil", "red-background", "host/v.png"):
        assert not any(payload in body for body in others), payload
        assert any(payload in body for body in texts), payload  # said, as text
    assert len(app.warning) == 1 and "could not be used" in app.warning[0].value


@pytest.mark.parametrize("construct", CONSTRUCTS, ids=[str(i) for i in range(len(CONSTRUCTS))])
def test_markdown_in_any_part_of_a_link_stays_plain_text(construct):
    word = re.sub(r"[^A-Za-z_]", "", construct) or "zqxj"
    link = {construct: "1", "surface": construct, "start": construct, "steps": construct, "view": construct,
            "section": construct, "run": [construct, f"adamax(lr={word},eps_mode={word})", f"{word}(lr=1)"]}
    app = open_app(link)
    assert not app.exception
    others, texts = rendered(app)
    assert not any(MARKER in body.lower() for body in others)
    assert any(MARKER in body.lower() for body in texts)


@pytest.mark.parametrize("construct", CONSTRUCTS)
def test_escaped_markdown_has_no_live_construct_left(construct):
    escaped = escape_markdown(construct)
    assert "\n" not in escaped
    # every Markdown-special ASCII character is backslash-escaped ...
    unescaped = re.findall(r"(?<!\\)[`*_\[\]{}<>!|$~&#^]", escaped.replace("\\\\", ""))
    assert unescaped == []
    # ... and removing the escapes and joiners gives the text back (line breaks as spaces)
    assert re.sub(r"\\(.)", r"\1", escaped).replace("\u2060", "") == re.sub(r"\n+", " ", construct)
