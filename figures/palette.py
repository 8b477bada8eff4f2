"""Colours: the Okabe–Ito palette (distinct under the common colour-vision deficiencies), one per run.

Run i has colour RUN_COLORS[i] on every chart and table of the page. AdaMax, the first run of every preset,
gets vermillion; yellow comes last because it is hard to see on a light background.
"""

RUN_COLORS = (
    "#D55E00",  # vermillion
    "#0072B2",  # blue
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
)

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
    """The colour of the run at position `index` (cycling, though the app allows at most 8 runs)."""
    return RUN_COLORS[index % len(RUN_COLORS)]


def with_alpha(hex_color: str, alpha: float) -> str:
    """'#RRGGBB' → 'rgba(r, g, b, alpha)' (Plotly 7 takes 0–255 channels in rgb()/rgba())."""
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"
