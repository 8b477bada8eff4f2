"""Inside AdaMax: the next step is drawn over the current point, so a step of a few pixels (a flat basin, step_bound
scene 3 at step 64) still shows its end instead of hiding under θ_t's marker."""

from __future__ import annotations

import numpy as np

from figures.internals import internals_figure
from optimizers import AdaMax, run
from optimizers.explain import adamax_internals
from surfaces import SURFACES


def test_the_next_step_is_drawn_after_the_point_and_its_end_is_larger_than_nothing():
    surface = SURFACES["goldstein_price"]
    optimizer = AdaMax(lr=0.05)
    internals = adamax_internals(optimizer, run(optimizer, surface, np.array([0.8, -1.8]), 100, record_state=True))
    figure = internals_figure(surface, "AdaMax(lr=0.05)", "#D55E00", internals)
    names = [figure["data"][index]["name"] for index in figure["frames"][0]["traces"]]
    assert names.index("next step") > names.index("θ_t")
    step = next(trace for trace in figure["data"] if trace.get("name") == "next step")
    point = next(trace for trace in figure["data"] if trace.get("name") == "θ_t")
    assert step["marker"]["size"][1] >= 8 and step["marker"]["line"]["color"] == "white"
    assert point["marker"]["size"] > step["marker"]["size"][1]  # the point's ring still shows around the step's end
