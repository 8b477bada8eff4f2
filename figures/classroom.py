"""Figure changes for the classroom: hide the answer until the class has predicted it.

`hide_paths` takes an explorer figure (figures/explorer.py) and hides what gives the race away before Play:
the runs' full paths, their loss and distance curves, and the ✖/➜ marks where runs stopped. The heads still
move on Play, and each run's trail grows from the start (the frames carry the path up to their own step, at
the frames' steps), so the paths appear as they are run. Pure dict manipulation; no Streamlit.
"""

from __future__ import annotations

import copy
import math
from typing import Any

SPOILER_SUFFIXES = (" blew up", " escaped downhill", " left the window downhill")
TRAIL_OVERLAP = 4  # figures/explorer.py: a trail spans the last TRAIL_FRAMES frames


def hide_paths(figure: dict) -> dict:
    """A copy of `figure` whose paths and curves are drawn only as far as the animation has gone.

    The curve panels' value axes lose their tick labels, grid lines and minor ticks meanwhile: their ranges are
    the whole runs' (how low f goes; on a log axis, one grid line a decade counts them), which would give the
    answer away before a single step is drawn.
    """
    figure = copy.deepcopy(figure)
    data = figure["data"]
    frames = figure.get("frames") or []
    moving = set(frames[0]["traces"]) if frames else set()
    for index, trace in enumerate(data):
        if index in moving:
            continue
        is_path = trace.get("showlegend") and trace.get("mode") == "lines"
        is_curve = trace.get("xaxis") in CURVE_AXES and trace.get("mode") == "lines"
        is_mark = str(trace.get("name", "")).endswith(SPOILER_SUFFIXES)
        if (is_path and not is_curve) or is_mark or (is_curve and not frames):
            trace["visible"] = False
    layout = figure["layout"]
    for axis in ("yaxis2", "yaxis3"):
        if isinstance(layout.get(axis), dict):
            layout[axis] = {**layout[axis], "showticklabels": False, "showgrid": False,
                            "minor": {"ticks": "", "showgrid": False}}
    if frames:
        _growing_trails(data, frames)
        _growing_curves(data, frames)
    return figure


CURVE_AXES = ("x2", "x3")    # figures/explorer.py: f − f* against the step, and the distance to a minimum
GROWN_CURVE_POINTS = 30      # a growing curve's points in one frame (the frames' steps so far, thinned)
CURVE_UPDATES = 40           # frames that carry the curves (every other one of 80; every 26th of 1,001)


def _growing_curves(data: list[dict], frames: list[dict]) -> None:
    """Each run's curves drawn through the frames so far: the curve panels' moving dots (one a run, at each
    frame's step) leave their history behind, so the curves appear as the runs go and never ahead of them."""
    first = frames[0]
    heads = next((data[index] for index in first["traces"] if data[index].get("name") == "current point"), None)
    labels = list((heads or {}).get("text") or [])
    dots = {data[index].get("xaxis"): slot for slot, index in enumerate(first["traces"])
            if data[index].get("name") == "now" and data[index].get("xaxis") in CURVE_AXES}
    curves = {}  # (axis, run) → index of the run's full curve in data
    for index, trace in enumerate(data):
        if trace.get("xaxis") in CURVE_AXES and trace.get("mode") == "lines" and trace.get("name") in labels:
            curves[(trace["xaxis"], labels.index(trace["name"]))] = index
    if not curves or len(dots) != len(CURVE_AXES):
        for index in curves.values():
            data[index]["visible"] = False
        return
    every = max(math.ceil(len(frames) / CURVE_UPDATES), 1)
    history: dict[tuple[str, int], tuple[list, list]] = {key: ([], []) for key in curves}
    for number, frame in enumerate(frames):
        for (axis, run) in curves:
            dot = frame["data"][dots[axis]]
            if run < len(dot.get("y", [])):
                history[(axis, run)][0].append(dot["x"][run])
                history[(axis, run)][1].append(dot["y"][run])
        if number % every and number != len(frames) - 1:
            continue  # a frame that does not carry the curves keeps those of the last one that did
        for key, index in curves.items():
            xs, ys = history[key]
            keep = sorted({*(round(i) for i in _spaced(len(xs), GROWN_CURVE_POINTS)), len(xs) - 1}) if xs else []
            frame["traces"] = [*frame["traces"], index]
            frame["data"] = [*frame["data"], {"x": [xs[i] for i in keep], "y": [ys[i] for i in keep]}]
    for index in curves.values():  # before Play: nothing drawn yet
        data[index]["x"], data[index]["y"] = [], []


def _spaced(count: int, most: int) -> list[float]:
    """`most` evenly spaced positions in 0 … count − 1 (all of them when there are fewer)."""
    if count <= most:
        return list(range(count))
    return [i * (count - 1) / (most - 1) for i in range(most)]


def _growing_trails(data: list[dict], frames: list[dict]) -> None:
    """Each frame's trail of run i becomes the head's positions at every frame so far, then the trail itself."""
    trail_slots = [slot for slot, index in enumerate(frames[0]["traces"])
                   if data[index].get("mode") == "lines" and "xaxis" not in data[index]]
    history: dict[int, dict[str, list[Any]]] = {}
    for frame in frames:
        heads = frame["data"][0]
        for run, slot in enumerate(trail_slots):
            past = history.setdefault(slot, {key: [] for key in ("x", "y", "z") if key in heads})
            for key in past:
                if run < len(heads[key]):
                    past[key].append(heads[key][run])
            trail = frame["data"][slot]
            for key in past:  # the last few heads lie inside the trail's own window
                trail[key] = past[key][:-TRAIL_OVERLAP] + list(trail[key])
    first = frames[0]
    for slot in trail_slots:
        index = first["traces"][slot]
        for key in ("x", "y", "z"):
            if key in first["data"][slot]:
                data[index][key] = first["data"][slot][key]


def for_presentation(figure: dict, height: int) -> dict:
    """A copy of an explorer figure for the back of a room: taller, larger text and lines, a large step number,
    and each run's label travelling with its moving point (so any fullscreen keeps the labels)."""
    figure = copy.deepcopy(figure)
    layout = figure["layout"]
    layout["height"] = int(height)
    layout["font"] = {**layout.get("font", {}), "size": 20}
    for menu in layout.get("updatemenus", []):
        menu["font"] = {**menu.get("font", {}), "size": 20}
        pad = menu.get("pad") or {}
        if pad.get("l"):  # a menu placed after others on its row: they grow with the font, so does the offset
            menu["pad"] = {**pad, "l": round(pad["l"] * 20 / 14)}
    for axis in ("xaxis", "xaxis3"):  # their titles ("x", "step") would collide with the large step number
        if isinstance(layout.get(axis), dict):
            layout[axis] = {**layout[axis], "title": {"text": ""}}
    title = ((layout.get("yaxis3") or {}).get("title") or {}).get("text") or ""
    if title.startswith("distance"):  # at 20 px the long title outgrows its panel and runs into f − f*'s
        layout["yaxis3"]["title"] = {**layout["yaxis3"]["title"], "text": "distance to min."}
    for axis in ("yaxis2", "yaxis3"):  # large tick labels need fewer of them on a log axis spanning decades
        spec = layout.get(axis)
        if isinstance(spec, dict) and spec.get("type") == "log" and spec.get("range"):
            span = float(spec["range"][1]) - float(spec["range"][0])
            if isinstance(spec.get("dtick", 1), int | float):  # not "D2": a range shorter than two decades
                spec["dtick"] = max(int(spec.get("dtick", 1)), math.ceil(span / 6))
                if spec["dtick"] > 1:  # minor ticks only between labelled neighbouring decades
                    spec.pop("minor", None)
    for slider in layout.get("sliders", []):
        slider["currentvalue"] = {**slider.get("currentvalue", {}), "font": {"size": 30, "color": "#111"}}
    moving = set(figure["frames"][0]["traces"]) if figure.get("frames") else set()
    for index, trace in enumerate(figure["data"]):
        line = trace.get("line")
        if isinstance(line, dict) and "width" in line:
            line["width"] = float(line["width"]) * 1.6
        if index in moving and trace.get("name") == "current point":
            trace["mode"] = "markers+text"
            trace["marker"] = {**trace.get("marker", {}), "size": 22}
            colors = trace.get("marker", {}).get("color")
            count = len(colors) if isinstance(colors, list) else 1
            # Runs that start together would write their labels on top of each other: each its own place beside
            # the point, on the side facing the middle of the map where there is room, so a label never runs off
            # its edge. The label is the run's short name; the legend above the chart carries its settings, and
            # the hover its whole label.
            trace["textposition"] = label_places(_label_sides(figure, index, count))
            trace["customdata"] = short_labels(list(trace.get("text") or [""] * count))
            trace["texttemplate"] = "%{customdata}"
            trace["textfont"] = {"size": 19, "color": colors if isinstance(colors, list) else "#111"}
            trace["cliponaxis"] = False  # a label near the map's edge may reach into the margin, not be cut
    return figure


LABEL_ROWS = ("top", "bottom", "middle")


def label_places(sides: list[str]) -> list[str]:
    """A text position per run ("top right", …): each run on its preferred side while that side has a free row,
    else on the other, so up to six runs sharing a point never share a place (more reuse them in turn)."""
    taken: dict[str, int] = {"left": 0, "right": 0}
    places = []
    for side in sides:
        if taken[side] >= len(LABEL_ROWS):
            other = "left" if side == "right" else "right"
            side = other if taken[other] < len(LABEL_ROWS) else side
        places.append(f"{LABEL_ROWS[taken[side] % len(LABEL_ROWS)]} {side}")
        taken[side] += 1
    return places


def short_labels(labels: list[str]) -> list[str]:
    """Each run's optimizer ("AdaMax(lr=0.1)" → "AdaMax"), with its run's number where two runs share one
    ("AdaMax 1", "AdaMax 2", the numbers of the live sliders' "Run 1", "Run 2")."""
    names = [label.split("(", 1)[0].strip() or label for label in labels]
    return [f"{name} {run + 1}" if names.count(name) > 1 else name for run, name in enumerate(names)]


def _label_sides(figure: dict, index: int, count: int) -> list[str]:
    """For each run, "right" when its moving point spends most frames in the left half of the map, else "left"."""
    frames = figure.get("frames") or []
    try:
        low, high = (float(v) for v in figure["layout"]["xaxis"]["range"])
        slot = frames[0]["traces"].index(index)
        xs = [[frame["data"][slot]["x"][run] for frame in frames] for run in range(count)]
    except (KeyError, IndexError, TypeError, ValueError):
        return ["right"] * count
    middle = (low + high) / 2
    sides = []
    for values in xs:
        finite = [float(x) for x in values if isinstance(x, int | float)]
        left = sum(x < middle for x in finite)
        sides.append("right" if left >= len(finite) / 2 else "left")
    return sides


def scrub_every_frame(figure: dict, limit: int = 501) -> dict:
    """A copy of an animated figure whose scrubber stops at every frame (when there are at most `limit`), so
    with a frame per step it reaches every step. The stops reuse the existing stops' animate arguments."""
    frames = figure.get("frames") or []
    sliders = figure.get("layout", {}).get("sliders") or []
    if not frames or not sliders or len(frames) > limit or not sliders[0].get("steps"):
        return figure
    figure = {**figure, "layout": {**figure["layout"], "sliders": [dict(sliders[0]), *sliders[1:]]}}
    template = sliders[0]["steps"][0]
    options = template["args"][1]
    figure["layout"]["sliders"][0]["steps"] = [
        {**template, "label": frame["name"], "args": [[frame["name"]], options]} for frame in frames]
    return figure
