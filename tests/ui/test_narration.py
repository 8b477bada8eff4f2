"""The page's sentences say what its own numbers show."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizers import Adam, AdaMax, adamax_step_bound, run
from optimizers.explain import adamax_internals, spike_memory
from surfaces import SURFACES
from tests.support.app import open_app
from ui.narration import header_sentence, inside_explanation

ROSENBROCK, START = SURFACES["rosenbrock"], np.array([-1.2, 1.0])


def internals_of(optimizer, steps=500):
    return adamax_internals(optimizer, run(optimizer, ROSENBROCK, START, steps, record_state=True))


def test_header_gives_the_races_median_step_not_alpha():
    app = open_app({})
    assert not app.exception
    header = next(m.value for m in app.markdown if "AdaMax (Kingma" in m.value)
    assert "moves a coordinate by about" not in header
    # independent: the default race's first AdaMax run, from its points
    points = run(AdaMax(lr=0.1, beta2=0.99), ROSENBROCK, START, 500).points
    median = np.median(np.abs(np.diff(points, axis=0))) / 0.1
    assert f"moves a median {median:.3g} α per coordinate" in header
    assert median < 0.1  # the point of the sentence: far below α


def test_inside_bounds_are_the_inspected_runs_at_the_chosen_step():
    optimizer = AdaMax(lr=0.1, beta2=0.99)
    text = inside_explanation(internals_of(optimizer), lr=0.1, beta1=0.9, beta2=0.99, t=500)
    assert "7.3" not in text and "7.27" not in text
    # Adam's exact bound for β2 = 0.99 at t = 500: docs/REFERENCE.md §2 gives 2.35 α in the limit; the sum by hand:
    a = np.array([(0.1 * 0.9 ** (500 - i)) / (1 - 0.9**500) for i in range(1, 501)])
    b = np.array([(0.01 * 0.99 ** (500 - i)) / (1 - 0.99**500) for i in range(1, 501)])
    adam_bound = np.sqrt(np.sum(a**2 / b))
    assert f"{adam_bound:.3g} α at step 500" in text and f"{adam_bound:.3g}" == "2.34"
    assert "(2.35 α as t → ∞)" in text


def test_fresh_gradient_sentence_has_the_right_sign_and_the_runs_numbers():
    internals = internals_of(AdaMax(lr=0.1, beta2=0.99))
    text = inside_explanation(internals, lr=0.1, beta1=0.9, beta2=0.99, t=1)
    assert r"-\alpha\,\mathrm{sign}(g_t)$ on the first step" in text and "≈ α·sign(g)" not in text
    fresh = internals.fresh_won
    median = np.median(np.abs(internals.step)[fresh]) / 0.1
    assert f"won {int(fresh.sum())} of {fresh.size} coordinate-steps, with a median step of {median:.3g} α" in text
    assert median < 0.9  # "≈ α" was not true


def test_spike_memory_against_the_real_rules():
    """A steady |g| = 1, a K-fold spike, then 1 again: count the steps u and Adam's √v̂ stay above 2."""
    beta2, factor = 0.999, 1e4
    steady = int(40 / (1 - beta2))  # long enough for Adam's bias correction to vanish
    grads = np.concatenate([np.ones(steady), [factor], np.ones(12_000)])[:, None] * np.ones(2)
    counts = {}
    for name, optimizer, field in (("adamax", AdaMax(beta2=beta2, eps=0.0), "u"),
                                   ("adam", Adam(beta2=beta2, eps=0.0), "v")):
        state = optimizer.init(np.zeros(2))
        after = []
        for k, gradient in enumerate(grads):
            _, state = optimizer.update(gradient, state)
            if k >= steady:
                value = getattr(state, field)[0]
                after.append(value if field == "u" else np.sqrt(value / (1 - beta2 ** (k + 1))))
        counts[name] = int(np.argmax(np.array(after) <= 2.0))
    assert spike_memory(beta2, factor) == counts
    assert counts["adam"] > counts["adamax"]  # a huge spike lingers longer in Adam: the old sentence was false


def test_spike_sentence_uses_the_runs_beta2():
    text = inside_explanation(internals_of(AdaMax(lr=0.1, beta2=0.99), 50), lr=0.1, beta1=0.9, beta2=0.99, t=1)
    memory = spike_memory(0.99, 1e4)
    assert f"{memory['adamax']:,} steps and {memory['adam']:,} steps" in text
    assert "far less lastingly" not in text


def test_lp_section_shows_the_fitted_exponent_of_the_drawn_distances():
    app = open_app({"section": "lp"})
    assert not app.exception
    sentence = next(m.value for m in app.markdown if "falls like $p^" in m.value)
    exponent = float(re.search(r"falls like \$p\^\{(-?[0-9.]+)\}\$", sentence).group(1))
    table = app.dataframe[0].value
    p, distance = table["p"].to_numpy(float), table["largest distance to AdaMax's path"].to_numpy(float)
    fitted = p >= 4
    slope = np.polyfit(np.log(p[fitted]), np.log(distance[fitted]), 1)[0]
    assert exponent == pytest.approx(slope, abs=0.006) and exponent < -1.2
    assert "about like 1/p" not in " ".join(m.value for m in app.markdown)
    breakdown = next(m.value for m in app.markdown if "breaks down at step" in m.value)
    assert r"the step $m/v^{1/p}$ is 0" in breakdown  # TeX, rendered (|g| = 216 at this start: 216^256 = inf)


def test_no_header_median_without_an_adamax_run():
    assert "median" not in header_sentence(None, None, None)


SURFACE_KEYS = ("rosenbrock", "booth", "himmelblau", "monkey_saddle", "saddle", "beale")


@settings(max_examples=60, deadline=None)
@given(key=st.sampled_from(SURFACE_KEYS), lr=st.floats(1e-4, 2.0), beta1=st.floats(0.0, 0.999),
       beta2=st.floats(0.0, 0.9999))
def test_the_header_sentence_holds_for_every_setting_of_the_sliders(key, lr, beta1, beta2):
    """The header's claims against the run itself, recomputed from its points: a cap it states is never passed,
    a comparison word follows the median's ratio to that cap, and where β1 ≥ β2 no cap is claimed at all (Booth
    at β2 = 0.8 steps 3.9 α; Rosenbrock at β2 = 0 hundreds)."""
    surface = SURFACES[key]
    optimizer = AdaMax(lr=lr, beta1=beta1, beta2=beta2)
    trajectory = run(optimizer, surface, surface.start, 200, record_state=True, bound=1e6)
    internals = adamax_internals(optimizer, trajectory)
    text = header_sentence("AdaMax", internals, lr, beta1, beta2)
    moved = internals.real_steps
    steps = np.abs(np.diff(trajectory.points[: moved + 1], axis=0)).ravel() / lr  # independent: from the points
    capped = re.search(r"caps each coordinate's step at ([0-9.e+-]+) α", text)
    if capped is None:
        assert beta1 >= beta2 and beta1 > 0 and "no bound after it" in text
        return
    cap = float(capped.group(1))
    assert steps.max(initial=0) <= cap * (1 + 5e-3) + 1e-12   # the cap as printed (3 digits), never passed
    median = float(np.median(steps)) if steps.size else 0.0
    if steps.size:
        word = re.search(r"the usual step is (well below|below|close to) the cap", text).group(1)
        exact = float(adamax_step_bound(1.0, beta1, beta2, 10**9))
        assert word == ("well below" if median <= exact / 4 else "below" if median <= 0.75 * exact else "close to")


def test_the_header_names_no_cap_for_beta2_below_beta1_and_the_step_shows_why():
    """Booth at β2 = 0.8 < β1: steps reach several α; the sentence says there is no bound, and names none."""
    surface = SURFACES["booth"]
    optimizer = AdaMax(lr=0.1, beta2=0.8)
    trajectory = run(optimizer, surface, surface.start, 500, record_state=True)
    text = header_sentence("AdaMax", adamax_internals(optimizer, trajectory), 0.1, 0.9, 0.8)
    assert np.abs(np.diff(trajectory.points, axis=0)).max() / 0.1 > 2
    assert "no bound after it" in text and "caps each coordinate's step" not in text
