"""Colours: the Okabe–Ito palette (distinct under the common colour-vision deficiencies), one per optimizer.

An optimizer keeps its colour on every chart, table, lesson and export: AdaMax is vermillion wherever it is, Adam
blue, SGD bluish green. Two runs of one optimizer are shades of its colour (the second darker, the third lighter,
…), so a glance still says which optimizer a path is. Yellow is left out: it is hard to see on a light background.
"""

from collections.abc import Sequence

OPTIMIZER_COLORS = {
    "adamax": "#D55E00",   # vermillion
    "adam": "#0072B2",     # blue
    "sgd": "#009E73",      # bluish green
    "rmsprop": "#CC79A7",  # reddish purple
    "adagrad": "#E69F00",  # orange
    "adamlp": "#56B4E9",   # sky blue
}
OTHER_COLOR = "#000000"    # an optimizer with no colour of its own
# The n-th run of one optimizer: its colour mixed towards black (< 0) or white (> 0) by this share. Dark and light
# alternate, each further from the colour, so shades of one family stay apart in lightness.
SHADES = (0.0, -0.45, 0.45, -0.7, 0.65, -0.25, 0.25, -0.85)

RUN_COLORS = (*OPTIMIZER_COLORS.values(), OTHER_COLOR, "#F0E442")  # anonymous runs (tests, benchmarks) by position


def shade(hex_color: str, share: float) -> str:
    """`hex_color` mixed towards black (share < 0) or white (share > 0) by |share| (0: unchanged)."""
    channels = [int(hex_color[i:i + 2], 16) for i in (1, 3, 5)]
    target = 255 if share > 0 else 0
    mixed = [round(c + (target - c) * abs(share)) for c in channels]
    return "#" + "".join(f"{c:02X}" for c in mixed)


def optimizer_color(optimizer: str, occurrence: int = 0) -> str:
    """The colour of the `occurrence`-th run (0-based) of `optimizer` in a race."""
    base = OPTIMIZER_COLORS.get(optimizer, OTHER_COLOR)
    return shade(base, SHADES[occurrence % len(SHADES)])


def run_colors(optimizers: Sequence[str]) -> list[str]:
    """The colours of a race's runs, given each run's optimizer key in order.

    >>> run_colors(["adam", "adamax", "adamax"])
    ['#0072B2', '#D55E00', '#753400']
    """
    seen: dict[str, int] = {}
    colors = []
    for optimizer in optimizers:
        colors.append(optimizer_color(optimizer, seen.get(optimizer, 0)))
        seen[optimizer] = seen.get(optimizer, 0) + 1
    return colors


# The landscape is drawn in quiet greys and blues so the runs' colours stand out on it.
LANDSCAPE_COLORSCALE = [
    [0.0, "#ffffff"], [0.3, "#e9eff5"], [0.6, "#cbd8e6"], [0.85, "#a9bdd3"], [1.0, "#8fa8c4"],
]
ISOLINE_RGB = (60, 80, 110)
MINIMUM_COLOR = "#FFD700"
DIVERGED_COLOR = "#B00020"
FONT = {"family": "Inter, Segoe UI, Helvetica, Arial, sans-serif", "size": 15}


# The two coordinates on the Inside AdaMax panels: Paul Tol's indigo and olive, a pair of hues no run has
# (a run's colour there is its point, path and step box), far apart in lightness as well as hue.
X_COLOR, Y_COLOR = "#332288", "#999933"
TEXT_CONTRAST = 3.0  # WCAG's minimum contrast for large or bold text on white


def relative_luminance(hex_color: str) -> float:
    """WCAG 2 relative luminance of '#RRGGBB' (sRGB channels linearised)."""
    channels = [int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def text_color(hex_color: str) -> str:
    """The colour darkened (same hue) until it reads on white with contrast ≥ TEXT_CONTRAST.

    Yellow, the 8th run's colour, is a fine line on a map but unreadable as text (contrast 1.2):

    >>> text_color("#F0E442"), text_color("#0072B2")
    ('#9E962C', '#0072B2')
    """
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    scale = 1.0
    while (1.05 / (relative_luminance(f"#{round(r * scale):02X}{round(g * scale):02X}{round(b * scale):02X}")
                   + 0.05)) < TEXT_CONTRAST and scale > 0:
        scale -= 0.01
    return f"#{round(r * scale):02X}{round(g * scale):02X}{round(b * scale):02X}"


def run_color(index: int) -> str:
    """A colour for the anonymous run at position `index` (tests, benchmarks); the page's runs take theirs from
    their optimizer (run_colors)."""
    return RUN_COLORS[index % len(RUN_COLORS)]


def with_alpha(hex_color: str, alpha: float) -> str:
    """'#RRGGBB' → 'rgba(r, g, b, alpha)' (Plotly 7 takes 0–255 channels in rgb()/rgba())."""
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"
