"""The explorer's figure re-laid out for a phone: the map on top at the full width, the curves stacked below.

On a wide screen the map and the two curve panels sit side by side (figures/explorer.py). At 390 px that
leaves the map ~136 px wide and the curves' axis titles over it, so for a narrow chart the same figure (same
traces, same frames) gets new domains, laid out in pixels from the top:

    margin (path buttons) · map (square for a square domain) · Play · scrubber · [band] · f − f* panel · distance

(Play right under the map: with it at the bottom, a finger on ▶ Play had the map scrolled off the top of the
screen, and the animation ran where nobody could see it.) The band, when asked for, is blank paper the page's live
sliders are laid over (ui/live): a slider dragged there has the map it moves on the same screen, which it would not
have under the curves. Its place, px from the chart's top, travels in `layout.meta.live_band` as [top, height].

and the height that makes those pixels fit. The map keeps equal_scale's true geometry (plotly shrinks a
domain to keep one unit of y as long as one of x); its row is made a little taller than the width asks, so
the width is what binds and the map spans it. Its tick labels sit inside the plot area, so it needs no left
margin; the curves keep their labels and titles outside their plot area, in a left strip of the paper.
"""

from __future__ import annotations

import copy

from .ticks import thinned

NARROW_BELOW = 700      # px: a chart narrower than this is laid out stacked
TOP = 40                # px above the map: the "whole paths / paths as they run" buttons
MAP_SLACK = 1.04        # the map row is this much taller than the width asks (see above)
GAP = 26                # px between the map and the first curve panel
CURVE = 170             # px: each curve panel
BETWEEN = 22            # px between the two curve panels
STEP_LABELS = 46        # px under the second panel: its tick labels and "step"
PLAY_ROW = 44           # px: ▶ Play, ❚❚ Pause and the speed menu
SCRUBBER = 78           # px: the step scrubber with its current step above it
BOTTOM = 6
CURVE_LEFT = 76         # px of paper left of the curve panels for their tick labels ("10⁻¹", 45 px) and titles
MARGIN_SIDE = 2


def for_narrow(figure: dict, width: int, *, band: int = 0) -> dict:
    """A copy of an explorer figure for a chart `width` px wide (a phone): everything stacked, nothing overlapping.

    `width` is the chart's width in px (the page's width less its padding); the map's plot area spans it
    less MARGIN_SIDE on each side. `band` px of blank paper are left under the scrubber (see above).
    """
    figure = copy.deepcopy(figure)
    layout = figure["layout"]
    plot_width = max(int(width) - 2 * MARGIN_SIDE, 100)
    aspect = map_aspect(layout)
    map_px = plot_width * aspect * MAP_SLACK
    band = max(int(band), 0)
    below = GAP + band + CURVE + BETWEEN + CURVE + STEP_LABELS + PLAY_ROW + SCRUBBER  # px under the map
    inner = map_px + below                      # the plot area's height (paper y spans it)
    layout["height"] = round(TOP + inner + BOTTOM)
    layout["margin"] = {"l": MARGIN_SIDE, "r": MARGIN_SIDE, "t": TOP, "b": BOTTOM}

    def up(px: float) -> float:  # px from the plot area's bottom → paper y
        return round(min(max(px / inner, 0.0), 1.0), 5)

    curve_x = [round(min(CURVE_LEFT / plot_width, 0.4), 4), 1.0]
    second = (STEP_LABELS, STEP_LABELS + CURVE)
    first = (second[1] + BETWEEN, second[1] + BETWEEN + CURVE)
    scrubber = first[1] + GAP + band            # px from the bottom: the scrubber's row, Play's above it
    if band:  # from the scrubber's bottom edge down: the live sliders' place
        layout["meta"] = {**(layout.get("meta") or {}), "live_band": [round(TOP + inner - scrubber + 4), band]}
    controls = scrubber + SCRUBBER + PLAY_ROW   # the top of Play's row: the map's bottom
    map_rows = [up(controls), 1.0]
    if isinstance(layout.get("scene"), dict):
        layout["scene"]["domain"] = {"x": [0.0, 1.0], "y": map_rows}
    else:
        for axis in ("xaxis", "yaxis"):
            spec = layout.get(axis)
            if isinstance(spec, dict):
                # Tick labels inside the map: no margin, so the map takes the chart's width. "x" and "y" are
                # plain from the labels, and a title would need the margin back.
                spec.update(ticklabelposition="inside", title={"text": ""})
        layout["xaxis"]["domain"] = [0.0, 1.0]
        layout["yaxis"]["domain"] = map_rows
    for name in ("xaxis2", "xaxis3"):
        if isinstance(layout.get(name), dict):
            layout[name]["domain"] = curve_x
    for name in ("yaxis2", "yaxis3"):  # a 170 px panel holds fewer labels than a projector's
        if isinstance(layout.get(name), dict):
            layout[name] = thinned(layout[name], CURVE)
    if isinstance(layout.get("yaxis2"), dict):
        layout["yaxis2"]["domain"] = [up(first[0]), up(first[1])]
    if isinstance(layout.get("yaxis3"), dict):
        layout["yaxis3"]["domain"] = [up(second[0]), up(second[1])]
        title = (layout["yaxis3"].get("title") or {}).get("text") or ""
        if title.startswith("distance"):  # the long title would not fit beside a 170 px panel
            layout["yaxis3"]["title"] = {"text": "distance to min."}
    for menu in layout.get("updatemenus", []):
        if menu.get("name") == "play":
            menu.update(x=0.0, xanchor="left", y=up(controls), yanchor="top")
        elif menu.get("name") == "paths":  # ▶ Play went under the map: the toggle starts at the left edge
            menu["pad"] = {**menu.get("pad", {}), "l": 0}
        elif menu.get("name") == "speed":
            menu["pad"] = {**menu.get("pad", {}), "l": 0}
            menu.update(x=1.0, xanchor="right", y=up(controls), yanchor="top", direction="down")
    for slider in layout.get("sliders", []):
        slider.update(x=0.0, len=1.0, y=up(scrubber + SCRUBBER - 4), yanchor="top")
    return figure


def map_aspect(layout: dict) -> float:
    """The map's height over its width at true geometry: the y range over the x range (1 when unknown)."""
    if isinstance(layout.get("scene"), dict):
        return 1.0
    try:
        (x0, x1), (y0, y1) = layout["xaxis"]["range"], layout["yaxis"]["range"]
        aspect = abs(float(y1) - float(y0)) / abs(float(x1) - float(x0))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return 1.0
    return min(max(aspect, 0.3), 2.0)
