"""Any section's figure re-laid out for a phone: the map on top at the full width, its side panels stacked below.

figures/narrow.py does this for the race's figure, whose panels it knows by name. The other sections' figures
(Inside AdaMax, From Adam to AdaMax, Where ε goes) are the same kind of thing — a map on axes x/y, beside it one
or more panels on axes x2/y2, x3/y3, … — so one function stacks them all, reading the panels from the layout:

    legend (two entries a row) · map (square for a square domain) · ▶ Play and the scrubber, when the figure
    is animated (under the map, so a phone's screen shows them together) · each panel, in its top-to-bottom order

A panel keeps its share of the height (a thin strip stays thin) and gets room under it for its tick labels and
title only when its x axis shows them. Titles and notes that named a place in the paper are moved onto their
panel, and long text is wrapped to the width it has, so nothing on a 390 px screen overlaps or is cut off.
`fit_map` does the same for a figure that is one map (the Sweeps section's maps).
"""

from __future__ import annotations

import copy
import math
import re

from .narrow import map_aspect
from .ticks import thinned

NARROW_PANEL = 170      # px: the tallest side panel
THIN_PANEL = 56         # px: the least a panel gets (Inside AdaMax's "fresh |g|?" strip)
TICKS = 50              # px under a panel whose x axis shows its tick labels and title
MAP_GAP = 26            # px between the map (tick labels inside it) and the first panel
BETWEEN = 14            # px between panels that share their x axis (no labels between them)
LEGEND_ROW = 30         # px per row of the legend
LEGEND_FONT = 13
LEGEND_SYMBOL = 48       # px of an entry before its text
LEGEND_SHARE = 0.46     # of the width, an entry's when two share a row (0.5 left no room for the gap)
NOTE_LINE = 1.35        # a line of a note is this many times its font size
PLAY_ROW = 44           # px: ▶ Play and ❚❚ Pause
SCRUBBER = 78           # px: the step scrubber with the current step above it
PANEL_LEFT = 80         # px left of the panels for their tick labels and (wrapped) titles
MAP_SLACK = 1.04        # the map row is this much taller than the width asks (figures/narrow.py)
SIDE = 4                # px of margin on each side
CHAR_WIDTH = 0.56       # a character's width over the font size, for wrapping (a generous average)
PANEL_NAME = re.compile(r"^yaxis(\d+)$")


def wrap(text: str, chars: int) -> str:
    """`text` broken with <br> into lines of at most `chars` characters (at spaces; existing <br> kept).

    >>> wrap("largest distance to AdaMax's path", 20)
    "largest distance to<br>AdaMax's path"
    """
    chars = max(int(chars), 8)
    lines = []
    for paragraph in re.split(r"<br\s*/?>", text):
        line = ""
        for word in paragraph.split(" "):
            if line and len(line) + 1 + len(word) > chars:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return "<br>".join(lines)


def _font_size(spec: dict | None, default: float = 14.0) -> float:
    size = ((spec or {}).get("font") or {}).get("size")
    return float(size) if isinstance(size, int | float) else default


def _legend_names(figure: dict) -> list[str]:
    """The names Plotly's legend shows: traces with a name, not switched off, of a type that has an entry."""
    if figure["layout"].get("showlegend") is False:
        return []
    quiet = {"heatmap", "contour", "surface", "image", "histogram2d", "mesh3d"}
    return [str(trace["name"]) for trace in figure.get("data", [])
            if trace.get("name") and trace.get("type", "scatter") not in quiet
            and trace.get("showlegend", True) is not False]


def legend_entries(figure: dict) -> int:
    return len(_legend_names(figure))


def _legend_layout(figure: dict, plot_width: float) -> tuple[int, dict]:
    """The legend's px and its layout: two entries a row when the longest fits half the width, else one."""
    names = _legend_names(figure)
    if len(names) < 2:
        return 0, {}
    longest = max(len(name) for name in names) * CHAR_WIDTH * LEGEND_FONT + LEGEND_SYMBOL
    two = longest <= LEGEND_SHARE * plot_width
    rows = math.ceil(len(names) / 2) if two else len(names)
    spec = {"orientation": "h", "x": 0.0, "xanchor": "left", "font": {"size": LEGEND_FONT},
            "entrywidth": LEGEND_SHARE if two else 1.0, "entrywidthmode": "fraction"}
    return rows * LEGEND_ROW + 8, spec


def _panels(layout: dict) -> list[tuple[str, str]]:
    """(yaxis name, xaxis name) of each side panel, top first (by where the wide layout put them)."""
    found = []
    for name, spec in layout.items():
        match = PANEL_NAME.match(name)
        if match and isinstance(spec, dict) and int(match.group(1)) >= 2:
            anchor = str(spec.get("anchor") or f"x{match.group(1)}")
            top = (spec.get("domain") or [0.0, 1.0])[1]
            found.append((-float(top), name, "xaxis" + anchor[1:]))
    return [(name, xaxis) for _, name, xaxis in sorted(found)]


def _animated(layout: dict) -> bool:
    return bool(layout.get("sliders")) or any(menu.get("type") == "buttons" for menu in layout.get("updatemenus", []))


def stack(figure: dict, width: int) -> dict:
    """A copy of a map-and-panels figure for a chart `width` px wide (a phone): everything stacked.

    The map keeps equal_scale's true geometry (plotly shrinks a domain to keep one unit of y as long as one
    of x); its row is a little taller than the width asks, so the width is what binds and the map spans it.
    """
    figure = copy.deepcopy(figure)
    layout = figure["layout"]
    plot_width = max(int(width) - 2 * SIDE, 100)
    panel_width = plot_width - PANEL_LEFT
    font = _font_size(layout)
    panels = _panels(layout)
    notes = _notes_by_panel(layout, panels)
    heights = _panel_heights(layout, panels)
    for (yaxis, _), height in zip(panels, heights, strict=True):
        heading = _title_beside_or_above(layout[yaxis], height, font)
        if heading:
            notes.setdefault(yaxis, []).append(heading)
            layout["annotations"] = [*layout.get("annotations", []), heading]
    for panel_notes in notes.values():
        for note in panel_notes:
            note["text"] = wrap(str(note.get("text", "")), panel_width / (CHAR_WIDTH * _font_size(note, font)))
    legend, legend_spec = _legend_layout(figure, plot_width)
    top = legend + 6
    map_px = plot_width * map_aspect(layout) * MAP_SLACK
    controls = PLAY_ROW + SCRUBBER if _animated(layout) else 0
    below, cursor = [], map_px + MAP_GAP + controls  # px from the plot area's top: where each panel starts
    for (yaxis, xaxis), height in zip(panels, heights, strict=True):
        cursor += _place_notes(notes.get(yaxis, []), yaxis, xaxis, height, font)
        below.append((cursor, cursor + height))
        shows_ticks = (layout.get(xaxis) or {}).get("showticklabels", True) is not False
        cursor += height + (TICKS if shows_ticks else BETWEEN)
    inner = cursor
    layout["height"] = round(top + inner + 6)
    layout["margin"] = {"l": SIDE, "r": SIDE, "t": top, "b": 6, "autoexpand": False}

    def up(px: float) -> float:  # px from the plot area's top → paper y
        return round(min(max(1.0 - px / inner, 0.0), 1.0), 5)

    for axis in ("xaxis", "yaxis"):
        spec = layout.get(axis)
        if isinstance(spec, dict):
            # Tick labels inside the map: no margin, so it takes the chart's width ("x", "y" are plain anyway).
            spec.update(ticklabelposition="inside", title={"text": ""}, automargin=False)
    layout["xaxis"]["domain"] = [0.0, 1.0]
    layout["yaxis"]["domain"] = [up(map_px), 1.0]
    panel_x = [round(min(PANEL_LEFT / plot_width, 0.4), 4), 1.0]
    for (yaxis, xaxis), (start, end), height in zip(panels, below, heights, strict=True):
        layout[yaxis] = thinned(layout[yaxis], height)  # a short panel holds fewer log labels
        layout[yaxis]["domain"] = [up(end), up(start)]
        layout[yaxis]["automargin"] = False
        if isinstance(layout.get(xaxis), dict):
            layout[xaxis]["domain"] = panel_x
            layout[xaxis]["automargin"] = False
    if legend:
        layout["legend"] = {**(layout.get("legend") or {}), **legend_spec, "y": 1.0, "yref": "paper",
                            "yanchor": "bottom"}
    _controls_under_map(layout, map_px + MAP_GAP, up)
    return figure


def _title_beside_or_above(axis: dict, height: float, font: float) -> dict | None:
    """A panel's y axis title on one line beside it when it fits the panel's height, else a heading above the
    panel (the last of its notes, so right on it): two lines beside a 170 px panel, with its tick labels, ran
    off the phone's left edge: returns that heading, a note to place with the panel's others. A remark in
    brackets stays on the wide layout."""
    title = axis.get("title")
    if not isinstance(title, dict) or not title.get("text"):
        return None
    text = re.sub(r"(\s|<br>)*\([^)]*\)\s*$", "", str(title["text"])).replace("<br>", " ")
    if len(text) <= height / (CHAR_WIDTH * _font_size(title, font)):
        title["text"] = text
        return None
    title["text"] = ""
    return {"text": text, "showarrow": False, "font": {"size": 13, "color": "#333"}}


def _panel_heights(layout: dict, panels: list[tuple[str, str]]) -> list[int]:
    """Each panel's px: NARROW_PANEL for the tallest in the wide layout, the others in proportion (≥ THIN_PANEL)."""
    spans = [abs(float(d[1]) - float(d[0])) for d in ((layout[y].get("domain") or [0, 1]) for y, _ in panels)]
    tallest = max(spans, default=1.0) or 1.0
    return [round(max(NARROW_PANEL * span / tallest, THIN_PANEL)) for span in spans]


def _notes_by_panel(layout: dict, panels: list[tuple[str, str]]) -> dict[str, list[dict]]:
    """The annotations that belong to a side panel: placed on its axes, or in paper height over its x axis (its
    title). Titles first."""
    by_x = {xaxis[5:]: yaxis for yaxis, xaxis in panels}
    by_y = {yaxis[5:]: yaxis for yaxis, _ in panels}
    found: dict[str, list[dict]] = {}
    for note in layout.get("annotations", []):
        xref, yref = str(note.get("xref", "")), str(note.get("yref", ""))
        on_y, on_x = re.fullmatch(r"y(\d+)( domain)?", yref), re.fullmatch(r"x(\d+)( domain)?", xref)
        panel = by_y.get(on_y.group(1)) if on_y else by_x.get(on_x.group(1)) if on_x and yref == "paper" else None
        if panel:
            found.setdefault(panel, []).append(note)
    for panel_notes in found.values():
        panel_notes.sort(key=lambda note: note.get("yref") != "paper")
    return found


def _place_notes(notes: list[dict], yaxis: str, xaxis: str, height: float, font: float) -> float:
    """Lay a panel's notes (already wrapped) one under another above it, where they cover no curve; their px."""
    sizes = [(str(note["text"]).count("<br>") + 1) * NOTE_LINE * _font_size(note, font) + 4 for note in notes]
    above = 0.0
    for note, size in zip(reversed(notes), reversed(sizes), strict=True):  # the last note sits on the panel
        note.update(xref=f"x{xaxis[5:]} domain", x=0.0, xanchor="left", yref=f"y{yaxis[5:]} domain",
                    y=round(1.0 + (above + 2) / height, 5), yanchor="bottom", align="left", yshift=0)
        above += size
    return above + (6 if notes else 0)


def _controls_under_map(layout: dict, top: float, up) -> None:
    """▶ Play / ❚❚ Pause on a row of their own `top` px under the plot area's top, the scrubber under them across
    the width."""
    for menu in layout.get("updatemenus", []):
        if menu.get("type") == "buttons":
            menu.update(x=0.0, xanchor="left", y=up(top), yanchor="top")
        else:
            menu.update(x=1.0, xanchor="right", y=up(top), yanchor="top", direction="down")
    for slider in layout.get("sliders", []):
        slider.update(x=0.0, len=1.0, y=up(top + PLAY_ROW + 4), yanchor="top")


MAP_TOP = 44            # px: the map's title
MAP_LEFT = 64           # px: the y axis's tick labels and title
MAP_TICKS = 62          # px under the map: its x tick labels and title
COLORBAR = 76           # px: a colour bar laid across under the map, its title above it, its ticks below


def fit_map(figure: dict, width: int, *, true_geometry: bool = False) -> dict:
    """A copy of a one-map figure (a sweep or basin map) for a chart `width` px wide: the map as wide as the
    chart allows and square (or at true geometry), its colour bar across under it, the legend under that."""
    figure = copy.deepcopy(figure)
    layout = figure["layout"]
    plot_width = max(int(width) - MAP_LEFT - SIDE, 100)  # the margins below: MAP_LEFT and SIDE
    bars = [trace for trace in figure.get("data", []) if trace.get("showscale")]
    legend, legend_spec = _legend_layout(figure, plot_width)
    map_px = plot_width * (map_aspect(layout) if true_geometry else 1.0)
    bottom = MAP_TICKS + (COLORBAR if bars else 0) + legend
    layout["height"] = round(MAP_TOP + map_px + bottom)
    layout["margin"] = {"l": MAP_LEFT, "r": SIDE, "t": MAP_TOP, "b": bottom, "autoexpand": False}
    if true_geometry:
        layout["xaxis"] = {**layout.get("xaxis", {}), "constrain": "domain", "constraintoward": "center"}
        layout["yaxis"] = {**layout.get("yaxis", {}), "scaleanchor": "x", "scaleratio": 1, "constrain": "domain",
                           "constraintoward": "top"}
    for trace in bars:
        title = ((trace.get("colorbar") or {}).get("title") or {}).get("text", "")
        trace["colorbar"] = {"orientation": "h", "thickness": 12, "len": 1.0, "lenmode": "fraction",
                             "x": 0.5, "xanchor": "center", "y": -(MAP_TICKS + 6) / map_px, "yanchor": "top",
                             "yref": "paper", "title": {"text": title, "side": "top"}}
    if legend:
        layout["legend"] = {**(layout.get("legend") or {}), **legend_spec, "yref": "paper",
                            "y": -(MAP_TICKS + (COLORBAR if bars else 0)) / map_px, "yanchor": "top"}
    title = layout.get("title")
    if isinstance(title, dict) and title.get("text"):
        title["text"] = wrap(title["text"], width / (CHAR_WIDTH * _font_size(title, 16)))
    return figure
