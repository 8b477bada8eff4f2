"""Text from a link shown as plain text: never as Markdown, HTML, LaTeX or a Streamlit directive.

A link is written by whoever sent it, and Streamlit's Markdown is rich: `[Sign in](http://e.vil)` is a live
link, `![](http://host/x.png)` loads an outside image, `:red-background[URGENT]` a red badge, `__x__` bold,
`$…$` LaTeX, `:material/…:` an icon. So the link's notices go through `st.text`, which parses nothing, and any
value that must sit inside a Markdown sentence goes through `escape_markdown` first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import streamlit as st

# CommonMark lets a backslash escape any ASCII punctuation; these are the characters that start something in
# Markdown, GitHub's extensions (~~, |, autolinks) or Streamlit's own syntax (:directive[…], :emoji:, $math$).
_SPECIAL = re.compile(r"([\\`*_\[\]{}<>!|$:~&#^])")
_LINE_START = re.compile(r"^([-+=>])")  # a list item, setext heading or quote when it opens a line
_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c]+")
# Streamlit turns :material/name: and :emoji: into icons, and GitHub-flavoured Markdown turns http://… and www.…
# and a@b.c into links, after escapes are resolved: an invisible word joiner after ":", in "www." and before
# "@" stops them (st.text needs none of this: use it wherever the text can stand on its own).
_JOINER = "\u2060"
_WWW = re.compile(r"(?i)(www)(\.)")

LINK_NOTICE_TITLE = "This link had parts that could not be used as they were:"


def escape_markdown(text: str) -> str:
    """`text` as literal Markdown for use inside one line (line breaks become spaces).

    >>> print(escape_markdown("![x](y) __builtins__ $1$"))
    \\!\\[x\\](y) \\_\\_builtins\\_\\_ \\$1\\$
    """
    text = _WWW.sub(rf"\1{_JOINER}\2", _BREAKS.sub(" ", str(text)))
    escaped = _LINE_START.sub(r"\\\1", _SPECIAL.sub(r"\\\1", text))
    return escaped.replace(r"\:", "\\:" + _JOINER).replace("@", _JOINER + "@")


def show_link_notices(notices: Iterable[str]) -> None:
    """The link's notices under a fixed warning title, each as plain text (st.text parses no Markdown)."""
    with st.container(key="link_notice_box", gap="xsmall"):
        st.warning(LINK_NOTICE_TITLE, icon=":material/link:")
        st.text("\n".join(f"• {' '.join(str(notice).split())}" for notice in notices))  # one line each
