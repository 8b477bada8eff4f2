"""The words of "Where ε goes" hold for the settings on screen: every number is read back and recomputed from the
three runs, the general claims are checked step by step on them, over the ε, surfaces, starts and β's a link
allows — and in the lesson scenes that open the section, whose ε is not 10⁻⁸ everywhere."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from optimizers import GradientNoise
from optimizers.limits import eps_modes
from surfaces import SURFACES
from tests.support.app import open_app, open_scene
from ui.compute import divergence_bound
from ui.lessons import lesson_names, load_lesson
from ui.presets import preset_for
from ui.sections.eps import VISIBLE, eps_facts, eps_words, saddle_words

SUPERSCRIPTS = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")
NUMBER = r"(?:[0-9.]+·)?(?:10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)|[0-9.]+"


def read(text: str) -> float:
    """A number as the page writes it ("2.72·10⁸", "10⁻⁸", "0.05") as a float."""
    if "10" in text and any(c in text for c in "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"):
        mantissa, _, power = text.rpartition("10")
        # Read as one literal, correctly rounded: a product of two floats loses digits when 10^power is subnormal.
        return float(f"{mantissa.rstrip('·') or 1}e{power.translate(SUPERSCRIPTS)}")
    return float(text)


def surface_and_start():
    keys = [key for key in SURFACES if key != "digits"]  # digits: a sampled surface, slow to build per example
    return st.sampled_from(keys).flatmap(lambda key: st.tuples(
        st.just(key), st.floats(*SURFACES[key].domain[0]), st.floats(*SURFACES[key].domain[1])))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(place=surface_and_start(), exponent=st.floats(-12, -3), steps=st.integers(1, 300),
       lr=st.floats(-4, np.log10(2.0)), beta1=st.sampled_from([0.0, 0.5, 0.9, 0.99]),
       beta2=st.sampled_from([0.0, 0.5, 0.9, 0.99, 0.999, 0.9999]), noisy=st.booleans(),
       run=st.sampled_from([None, "run 1", "run 3"]), settable=st.booleans())
@example(place=("rosenbrock", 0.0, 5e-324), exponent=-3.0, steps=1, lr=0.0, beta1=0.0, beta2=0.0, noisy=False,
         run=None, settable=False)  # u's floor is subnormal: its words must still read back to it
def test_every_sentence_holds_for_the_runs_on_screen(place, exponent, steps, lr, beta1, beta2, noisy, run,
                                                      settable):
    key, x, y = place
    surface = SURFACES[key]
    eps, lr = 10.0 ** exponent, 10.0 ** lr
    noise = GradientNoise(kind="gaussian", scale=0.1, relative=True, seed=1) if noisy else None
    modes = eps_modes(surface, np.array([x, y]), steps, lr=lr, beta1=beta1, beta2=beta2, eps=eps,
                      bound=divergence_bound(surface), noise=noise)
    (x0, x1), _ = surface.domain
    words = eps_words(eps_facts(modes, eps, x1 - x0), run=run, settable=settable)
    paper, pytorch, keras = modes["paper"], modes["pytorch"], modes["keras"]

    assert abs(read(re.search(rf"Here ε = ({NUMBER})", words).group(1)) / eps - 1) < 5e-3
    u, m = paper.states["u"], paper.states["m"]
    found = re.search(rf"u never falls below ({NUMBER}) where it is not 0, ({NUMBER}) times ε", words)
    assert (found is None) == (not (u > 0).any())
    if found:
        assert abs(read(found.group(1)) / u[u > 0].min() - 1) < 5e-3
        assert abs(read(found.group(2)) / (u[u > 0].min() / eps) - 1) < 5e-3
    for what, mask in (("u = m = 0", (u == 0) & (m == 0)), ("u = 0 but m ≠ 0", (u == 0) & (m != 0))):
        counts = mask.sum(axis=0)
        for axis, count in zip("xy", counts, strict=True):
            said = re.search(rf"{re.escape(what)} [^.]*?on {axis} at ([0-9]+) of {steps} steps", words)
            assert (int(said.group(1)) if said else 0) == count, (what, axis, words)
    gaps = [float(np.linalg.norm(mode.points - paper.points, axis=-1).max()) for mode in (pytorch, keras)]
    if max(gaps) == 0:
        assert "paths are the paper's, point for point" in words
    else:
        said = re.search(rf"PyTorch's path comes at most ({NUMBER}) from the paper's and Keras's at most ({NUMBER}): "
                         r"(too close to tell apart on this map|apart on the map)", words)
        for text, gap in zip(said.groups()[:2], gaps, strict=True):
            assert abs(read(text) - gap) <= 5e-3 * gap
        assert (said.group(3) == "apart on the map") == (max(gaps) >= VISIBLE * (x1 - x0))
    assert (f"Set {run}'s ε in the sidebar" in words) == (settable and run is not None)
    assert ("an AdaMax run added to the race" in words) == (settable and run is None)

    # The fixed paragraph's claims, step by step on these runs: Keras's step is the paper's rule on its own m and u
    # times u/(u + ε); PyTorch's u, fed the paper's gradients, stays within [u, u + ε] of the paper's.
    t = np.arange(1, keras.steps + 1)[:, None]
    k_u, k_m = keras.states["u"], keras.states["m"]
    with np.errstate(all="ignore"):
        paper_rule = np.where(k_u > 0, -lr / (1 - beta1 ** t) * k_m / k_u, 0.0)
        keras_step = np.where(k_u > 0, paper_rule * k_u / (k_u + eps), -lr / (1 - beta1 ** t) * k_m / eps)
    moved = np.diff(keras.points, axis=0)[:taken(keras)]
    keras_step = keras_step[:taken(keras)]
    assert np.all(np.abs(moved - keras_step) <= 1e-9 * np.abs(keras_step) + 1e-12 * (1 + np.abs(
        keras.points[:taken(keras)])))
    fed, above = np.zeros(2), []
    for step in range(taken(paper)):
        fed = np.maximum(beta2 * fed, np.abs(paper.grads[step]) + eps)
        above.append(fed - u[step])
    above = np.array(above).reshape(-1, 2)
    slack = 1e-15 * np.abs(u[:len(above)])  # |g| + ε rounds to |g|'s last bit
    assert np.all(above >= -slack) and np.all(above <= eps * (1 + 1e-9) + slack)


def taken(trajectory) -> int:
    """The steps a run took before it diverged (its later points and states are frozen copies)."""
    diverged = int(trajectory.diverged_at)
    return trajectory.steps if diverged < 0 else max(diverged - 1, 0)


def test_the_buttons_promise_holds_where_it_leads():
    """The button loads the saddle's preset on y = 0 with no noise: every mode stays on the axis, the paper's
    through 0/0 at every step on y; its preset starts at the y the words name."""
    preset = preset_for("saddle")
    adamax = next(spec for spec in preset.runs if spec.optimizer == "adamax").kwargs()
    surface = SURFACES["saddle"]
    modes = eps_modes(surface, np.array([-1.5, 0.0]), preset.steps, **adamax, bound=divergence_bound(surface))
    assert all(np.all(mode.points[:, 1] == 0.0) for mode in modes.values())
    paper = modes["paper"]
    assert np.all((paper.states["u"][:, 1] == 0) & (paper.states["m"][:, 1] == 0))
    assert f"at y = {preset.start[1]:g})" in saddle_words(preset.start[1]) and preset.start[1] != 0


SCENES = [(name, number) for name in lesson_names() for number, scene in enumerate(load_lesson(name).scenes, 1)
          if "section=eps" in scene.link]


def section_words(app) -> str:
    return "\n".join(m.value for m in app.markdown if m.value.startswith(("**Where ε goes.**", "For the same $m$"))
                     ) + "\n" + "\n".join(c.value for c in app.caption if c.value.startswith("AdaMax with"))


@pytest.mark.parametrize(("lesson", "scene"), SCENES)
def test_the_lesson_scenes_words_name_their_own_eps(lesson, scene):
    app = open_scene(lesson, scene)
    if any(button.key == "lesson_reveal" for button in app.button):
        app.button(key="lesson_reveal").click().run()
    assert not app.exception
    written = re.search(r"[(,]eps=([0-9.e-]+)", load_lesson(lesson).scenes[scene - 1].link)
    eps = float(written.group(1)) if written else 1e-8
    words = section_words(app)
    said = re.findall(rf"ε = ({NUMBER})", words)
    assert len(said) >= 2 and all(abs(read(text) / eps - 1) < 5e-3 for text in said), (said, eps)  # no other ε


def test_the_words_follow_the_page_whose_race_has_no_adamax_or_locks_the_runs():
    app = open_app({"section": "eps", "surface": "beale", "run": "adam(lr=0.01)"})
    words = section_words(app)
    assert "the surface preset's AdaMax: the race has none" in words and "run 1's" not in words
    assert "an AdaMax run added to the race" in words
    locked = open_app({"section": "eps", "run": "adamax(lr=0.05,eps=0.0001)", "lock": "runs"})
    words = section_words(locked)
    assert "Here ε = 0.0001 (run 1's)" in words and "in the sidebar" not in words
