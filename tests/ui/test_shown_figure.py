"""ui/figure.py: the figure the page sends is the figure figures/ built, as plain lists, drawn once."""

from __future__ import annotations

import json

import numpy as np

from figures.sampling import typed
from tests.support.figures import decode
from ui.figure import SELECTABLE_LAYOUT, drawn_once, plain_arrays


def test_plain_arrays_hold_the_typed_arrays_values():
    rng = np.random.default_rng(3)
    single, double = rng.normal(size=50) * 10.0 ** rng.integers(-8, 8, 50), rng.normal(size=50)
    grid = np.arange(6, dtype=np.int32).reshape(2, 3)
    node = {"x": typed(single), "y": typed(double, "f8"), "z": typed(grid, "i4"), "name": "run", "n": [1, 2]}
    plain = plain_arrays(node)
    assert plain["name"] == "run" and plain["n"] == [1, 2]
    np.testing.assert_array_equal(np.float32(plain["x"]), decode(node["x"]))  # float32 values exactly
    assert np.array_equal(plain["y"], double) and plain["z"] == [[0, 1, 2], [3, 4, 5]]
    # Short: each float32 is written as its shortest float32 decimal, not its float64 expansion.
    assert json.dumps(plain_arrays({"x": typed(np.array([0.1, 1 / 3]))})) == '{"x": [0.1, 0.33333334]}'


def test_the_page_figure_has_a_datarevision_and_a_selectable_charts_modes():
    spec = {"data": [{"type": "scatter", "x": typed(np.arange(3.0))}], "layout": {"height": 400, "hovermode": "x"}}
    shown = drawn_once(spec, selectable=False)
    assert shown["layout"]["datarevision"] == 0 and "clickmode" not in shown["layout"] and "frames" not in shown
    assert shown["data"][0]["x"] == [0.0, 1.0, 2.0]
    selectable = drawn_once(spec, selectable=True)
    assert selectable["layout"]["clickmode"] == SELECTABLE_LAYOUT["clickmode"]
    assert selectable["layout"]["hovermode"] == "x"  # the figure's own choice is kept
    assert drawn_once(spec, selectable=False) is shown  # converted once per figure
    assert spec["data"][0]["x"] == typed(np.arange(3.0))  # the (shared, cached) figure is not modified
    same = {"data": [{"type": "scatter", "x": typed(np.arange(3.0))}], "layout": {"height": 400, "hovermode": "x"}}
    assert json.dumps(drawn_once(same, selectable=False)) == json.dumps(shown)  # same figure, same element
