"""One optimizer, one colour family: on every lesson scene the page draws, whatever the runs' order."""

from __future__ import annotations

import pytest

from figures.palette import OPTIMIZER_COLORS, optimizer_color, run_colors, shade
from optimizers import OPTIMIZERS
from tests.support.app import chart, legend_names, open_app
from ui.lessons import lesson_names, load_lesson

# Written out, not read from the palette: what a student sees, lesson after lesson.
EXPECTED = {"AdaMax": "#D55E00", "Adam": "#0072B2", "SGD": "#009E73", "RMSProp": "#CC79A7", "AdaGrad": "#E69F00"}
SCENES = [(name, number) for name in lesson_names() for number, scene in enumerate(load_lesson(name).scenes, 1)
          if scene.state.section == "race"]


def _optimizer(label: str) -> str:
    title = label.split("(")[0]
    return next(key for key, cls in OPTIMIZERS.items() if cls.title == title)


def test_run_colors_follow_the_optimizer_not_the_position():
    assert run_colors(["adam", "adamax"]) == [EXPECTED["Adam"], EXPECTED["AdaMax"]]
    assert run_colors(["sgd"]) == run_colors(["adam", "adamax", "sgd"])[2:] == [EXPECTED["SGD"]]
    first, second, third = run_colors(["adamax", "adamax", "adamax"])
    assert first == EXPECTED["AdaMax"] and len({first, second, third}) == 3


def test_shades_keep_the_hue_and_change_the_lightness():
    import colorsys
    base = OPTIMIZER_COLORS["adam"]
    hues, lights = [], []
    for occurrence in range(8):
        r, g, b = (int(optimizer_color("adam", occurrence)[i:i + 2], 16) / 255 for i in (1, 3, 5))
        hue, light, _ = colorsys.rgb_to_hls(r, g, b)
        hues.append(hue)
        lights.append(light)
    assert max(hues) - min(hues) < 0.02  # one family
    assert len({round(light, 2) for light in lights}) == 8  # eight shades
    assert shade(base, 0.0) == base and shade(base, 1.0) == "#FFFFFF" and shade(base, -1.0) == "#000000"


@pytest.mark.parametrize(("lesson", "scene"), SCENES)
def test_every_lesson_scene_colours_its_runs_by_optimizer(lesson, scene):
    app = open_app({"lesson": lesson, "scene": str(scene)})
    assert not app.exception
    figure = chart(app)
    heads = next(trace for trace in figure["data"] if trace.get("name") == "current point")
    colors = heads["marker"]["color"]
    colors = colors if isinstance(colors, list) else [colors]
    optimizers = [_optimizer(label) for label in legend_names(figure)]
    assert colors == run_colors(optimizers)
    seen = set()
    for label, color in zip(legend_names(figure), colors, strict=True):
        title = label.split("(")[0]
        if title in EXPECTED and title not in seen:  # the first run of an optimizer: its own colour
            assert color == EXPECTED[title], (label, color)
        seen.add(title)


# Colour-vision deficiency simulation: Machado, Oliveira & Fernandes (2009), severity 1.0, on linear sRGB.
CVD = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}
DISTINCT = 15.0  # CIELAB ΔE (1976): about 2.3 is a just-noticeable difference; 15 is plainly another colour


def _lab(linear_rgb):
    """CIE L*a*b* (D65) of a linear sRGB colour."""
    import numpy as np
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ np.clip(
        linear_rgb, 0, 1)
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("vision", ["typical", *CVD])
def test_optimizer_colours_stay_apart_for_colour_blind_students(vision):
    import itertools

    import numpy as np
    matrix = np.eye(3) if vision == "typical" else np.array(CVD[vision])

    def seen(hex_color):
        channels = np.array([int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)])
        linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
        return _lab(matrix @ linear)

    for (first, a), (second, b) in itertools.combinations(OPTIMIZER_COLORS.items(), 2):
        assert np.linalg.norm(seen(a) - seen(b)) > DISTINCT, (vision, first, second)
