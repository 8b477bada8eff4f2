"""The page's layout for one rerun: every mode read once, into one frozen value that the frame hands each section.

The modes — a phone's narrow window, presentation mode, a lesson (beside the chart on a wide screen, its question
hiding the paths), the teacher's locks — each keep their own state in their module (ui/modes/). `read_layout` reads
them all once at the top of a rerun; a section asks the `Layout` it is given, never the modes, and passes each of its
figures through `Layout.chart`, the one place a figure is adapted to the layout. A new mode is a field here and a
branch in `chart` (or in the frame, ui/page.py); no section changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from figures.classroom import for_presentation, hide_paths, scrub_every_frame
from figures.explorer import fit_height
from figures.narrow import NARROW_BELOW, for_narrow
from figures.stacked import fit_map, stack

ChartKind = Literal["race", "panels", "map"]
PHONE_PADDING = 6   # px each side of the page's content on a narrow screen (ui/modes/phone.py's CSS)
CHART_MIN = 360     # a chart fitted to the window is never shorter than this
SHORT_BELOW = 850   # px: a window this short (1366×768, 1280×800) keeps the map over the sentence
PRESENTATION_CHROME = 150                       # px above the chart in presentation mode …
PRESENTATION_QUESTION = 70                      # … and a lesson's question with Reveal, in a row above it
PRESENTATION_HEIGHTS = (420, 600, 1000)         # least, before the window's size is known, most


@dataclass(frozen=True)
class Layout:
    """How this rerun's page is laid out.

    width:           the browser window's width in px when it reported a narrow one (a phone), else None.
    viewport_height: the window's height in px when the browser reported it (presentation, lesson beside).
    present:         presentation mode: the race alone, large, no header or sidebar.
    lesson:          a lesson is open.
    lesson_beside:   its words sit in a column beside the chart (a wide screen, not presenting).
    paths_hidden:    a scene's question waits on the race: no path, curve or outcome may give the answer away.
    section_hidden:  a scene's question waits on another section: it is drawn only at Reveal.
    locked:          the controls the teacher's link locked ("surface", "start", "steps", "view", "runs").
    controls_hidden: the teacher's link hid the sidebar's controls.
    stride:          steps between animation frames (0: about 80 frames, whatever the step count).
    """

    width: int | None = None
    viewport_height: int | None = None
    present: bool = False
    lesson: bool = False
    lesson_beside: bool = False
    paths_hidden: bool = False
    section_hidden: bool = False
    locked: frozenset[str] = field(default_factory=frozenset)
    controls_hidden: bool = False
    stride: int = 0

    @property
    def phone(self) -> bool:
        """A narrow window: every section stacked, the map on top at the full width."""
        return self.width is not None and self.width < NARROW_BELOW

    @property
    def short(self) -> bool:
        """A laptop's short window (under SHORT_BELOW px tall, as reported): the page's sentence goes under the
        chart, so the map keeps a size worth looking at on the first screen."""
        return not self.phone and self.viewport_height is not None and self.viewport_height < SHORT_BELOW

    @property
    def chart_width(self) -> int:
        """The width of a chart spanning the page on a narrow screen."""
        return int(self.width or NARROW_BELOW) - 2 * PHONE_PADDING

    def is_locked(self, name: str) -> bool:
        return name in self.locked

    def chart_height(self, chart_top: int, default: int, *, above: int = 0) -> int:
        """A chart's height: in presentation mode what the window allows (less a lesson's question row and `above`
        px of the section's own rows over the chart); else what the window leaves below the chart's top
        (`chart_top` px from the window's top), at least CHART_MIN and at most `default`, so ▶ Play and the
        scrubber stay on screen."""
        if self.present:
            least, unknown, most = PRESENTATION_HEIGHTS
            if not self.viewport_height:
                return unknown
            chrome = PRESENTATION_CHROME + above + (PRESENTATION_QUESTION if self.lesson else 0)
            return int(min(max(self.viewport_height - chrome, least), most))
        if self.viewport_height:
            return int(min(default, max(CHART_MIN, self.viewport_height - chart_top)))
        return int(default)

    def chart(self, figure: dict, kind: ChartKind, *, chart_top: int | None = None,
              page_chart_top: int | None = None, true_geometry: bool = False, phone_band: int = 0,
              above: int = 0) -> dict:
        """`figure` adapted to this layout — the one place that happens (a new top-level dict; a cached figure and
        its frames are never modified).

        kind "race": the animated race (map and curves): for a projector, a phone, beside a lesson, one step a
        frame when asked, its paths hidden while a question waits. "panels": a section's map-and-panels figure,
        stacked on a phone. "map": one map, fitted to a phone's width. With `chart_top` (the section's CHART_TOP) a
        chart beside a lesson is as tall as keeps ▶ Play on screen; with `page_chart_top`, under the page's header
        too (no lesson open). `phone_band`: px left blank under the race's scrubber on a phone (the live sliders);
        `above`: px of the section's own rows over the chart (the live sliders), which a presentation leaves room for.
        """
        if kind == "map":
            return fit_map(figure, self.chart_width, true_geometry=true_geometry) if self.phone else figure
        if kind == "race":
            if self.stride:
                figure = scrub_every_frame(figure)
            if self.present:
                figure = for_presentation(figure, self.chart_height(0, 600, above=above))
            elif self.phone:
                figure = for_narrow(figure, self.chart_width, band=phone_band)
            elif (top := self._top(chart_top, page_chart_top)) is not None:
                figure = self._fitted(figure, top, fit_height)
            return hide_paths(figure) if self.paths_hidden else figure
        if self.phone:
            return stack(figure, self.chart_width)
        top = self._top(chart_top, page_chart_top)
        return self._fitted(figure, top) if top is not None else figure

    def _top(self, chart_top: int | None, page_chart_top: int | None) -> int | None:
        """The chart's top for fitting it to the window: beside a lesson, or under the page's header (no lesson
        open); None where the chart keeps its own height (a lesson above it, or no top given)."""
        if self.lesson_beside:
            return chart_top
        return page_chart_top if not self.lesson else None

    def _fitted(self, figure: dict, chart_top: int, resize=None) -> dict:
        """`figure` as tall as chart_height allows: by `resize(figure, height)` where a figure's parts must keep
        their px (the race's strip under its map), else by its height alone."""
        default = int(figure["layout"].get("height") or 600)
        height = self.chart_height(chart_top, default)
        if height == default:
            return figure
        return resize(figure, height) if resize else {**figure, "layout": {**figure["layout"], "height": height}}
