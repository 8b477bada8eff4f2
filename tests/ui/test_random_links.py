"""A randomised search for false words: random links of every surface, start, length and optimizer settings across
the sliders' ranges, opened as a student would; every outcome the table states and the header's claim about the
step are recomputed from runs made here, without the page."""

from __future__ import annotations

import os
import re

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimizers import OPTIMIZERS, adamax_step_bound, make_optimizer, run
from optimizers.outcomes import OSCILLATION_RATIO, recent_window_start, stationary_tolerance
from optimizers.sweep import hyperparameter_axis
from surfaces import SURFACES
from tests.support.app import open_app

PREFIXES = {"✖": "diverged", "↘": "escaped", "⇱": "departed", "✔": "reached", "↺": "left", "■": "stalled",
            "↻": "oscillating", "…": "moving"}


@st.composite
def links(draw):
    key = draw(st.sampled_from(sorted(set(SURFACES) - {"quadratic"})))
    surface = SURFACES[key]
    (x0, x1), (y0, y1) = surface.domain
    start = (round(draw(st.floats(x0, x1)), 3), round(draw(st.floats(y0, y1)), 3))
    runs = []
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(OPTIMIZERS)))
        values = {}
        for spec in OPTIMIZERS[name].HYPERPARAMETERS:
            if spec.scale in ("log", "one_minus_log", "linear") and spec.name in ("lr", "beta1", "beta2", "momentum"):
                axis = hyperparameter_axis(spec, 200)
                values[spec.name] = float(f"{axis[draw(st.integers(0, 199))]:.4g}")
        runs.append((name, values))
    steps = draw(st.sampled_from([60, 200, 500]))
    return key, start, steps, runs


def link_of(key, start, steps, runs):
    return {"surface": key, "start": f"{start[0]:g},{start[1]:g}", "steps": str(steps),
            "run": [f"{name}({','.join(f'{k}={v:g}' for k, v in values.items())})" for name, values in runs]}


# LINK_SEARCH_EXAMPLES=200 python -m pytest tests/ui/test_random_links.py searches wider (14 in the suite)
@settings(max_examples=int(os.environ.get("LINK_SEARCH_EXAMPLES", "14")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(links())
def test_the_page_words_hold_for_random_links(case):
    key, start, steps, runs = case
    app = open_app(link_of(key, start, steps, runs))
    assert not app.exception
    assert not app.warning, [w.value for w in app.warning]  # the link was valid: nothing was corrected
    surface = SURFACES[key]
    bound = 50.0 * float(np.max(np.abs(surface.domain)))
    table = app.dataframe[0].value
    for (name, values), words in zip(runs, table["outcome"], strict=True):
        trajectory = run(make_optimizer(name, **values), surface, np.array(start), steps, bound=bound)
        outcome = PREFIXES[words[0]]
        points, losses = trajectory.points, trajectory.losses
        if outcome == "stalled":
            assert np.linalg.norm(surface.grad(points[-1])) <= stationary_tolerance(surface)
        elif outcome == "oscillating":
            recent = points[recent_window_start(steps):]
            path = np.hypot(*np.diff(recent, axis=0).T).sum()
            assert path >= OSCILLATION_RATIO * np.hypot(*np.ptp(recent, axis=0)) * (1 - 1e-9)
        elif outcome == "escaped":
            assert surface.bounded_below is False and trajectory.diverged_at > 0
        elif outcome == "reached":
            settled = int(re.search(r"from step (\d+)", words).group(1))
            assert (losses[settled:] - surface.minimum_value <= 1e-4).all()
        elif outcome in ("diverged", "departed"):
            assert trajectory.diverged_at > 0
        elif outcome == "moving":  # not resting at a stationary point: still moving, or ∇f not small
            (x0, x1), (y0, y1) = surface.domain
            moved = np.linalg.norm(points[-1] - points[recent_window_start(steps)])
            assert (np.linalg.norm(surface.grad(points[-1])) > stationary_tolerance(surface)
                    or moved > 1e-3 * np.hypot(x1 - x0, y1 - y0))
    header = next(m.value for m in app.markdown if "AdaMax (Kingma" in m.value)
    capped = re.search(r"caps each coordinate's step at ([0-9.e+-]+) α for this run's β₁ = ([0-9.e+-]+) and "
                       r"β₂ = ([0-9.e+-]+)", header)
    if capped:
        beta1, beta2 = float(capped.group(2)), float(capped.group(3))
        assert np.isfinite(adamax_step_bound(1.0, beta1, beta2, 10**9))
        first = next(values for name, values in runs if name == "adamax")
        lr = first.get("lr", make_optimizer("adamax").lr)
        trajectory = run(make_optimizer("adamax", **first), surface, np.array(start), steps, bound=bound)
        moved = trajectory.steps if trajectory.diverged_at < 0 else int(trajectory.diverged_at) - 1
        moves = np.abs(np.diff(trajectory.points[: moved + 1], axis=0)) / lr
        assert moves.max(initial=0) <= float(capped.group(1)) * 1.005 + 1e-9
