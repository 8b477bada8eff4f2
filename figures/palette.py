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


def run_color(index: int) -> str:
    """The colour of the run at position `index` (cycling, though the app allows at most 8 runs)."""
    return RUN_COLORS[index % len(RUN_COLORS)]


def with_alpha(hex_color: str, alpha: float) -> str:
    """'#RRGGBB' → 'rgba(r, g, b, alpha)' (Plotly 7 takes 0–255 channels in rgb()/rgba())."""
    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"
