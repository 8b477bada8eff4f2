r"""The page's explanatory sentences, each number in them computed from the run the picture beside them draws.

A teacher repeats these words at the projector, so none of them carries a number typed into prose: every
figure is read off the trajectory, the internals, or the core's closed forms (step bounds, spike memory).
Pure functions of their inputs (no Streamlit), so tests can hold the words against the numbers.
"""

from __future__ import annotations

import numpy as np

from optimizers import adam_step_bound, adamax_step_bound
from optimizers.explain import AdaMaxInternals, spike_crossover, spike_memory

ADAM_LIMIT_T = 10**9        # "t → ∞" for the bounds: far past any run (the bound has converged to rounding)
SPIKES = (10.0, 1e4)         # the two spike sizes the text compares: a moderate one and a huge one
DEFAULT_BETAS = (0.9, 0.999)  # AdaMax's (β1, β2) in the paper and in PyTorch


def times_alpha(value: float) -> str:
    """A bound or step in units of α, for a sentence: "1.01 α", or "unbounded"."""
    return f"{value:.3g} α" if np.isfinite(value) else "unbounded"


def median_step(step: np.ndarray, lr: float, moved: int | None = None) -> float:
    """The median |Δθ| per coordinate and step, in units of α, over the first `moved` steps (all by default)."""
    steps = np.abs(np.asarray(step)[:moved]) / lr
    return float(np.median(steps)) if steps.size else 0.0


def size_word(value: float, cap: float) -> str:
    """How a value compares with a cap it cannot pass, in words that follow from the ratio value/cap:
    "well below" (≤ ¼ of it), "below" (≤ ¾), "close to" (above ¾).

    >>> size_word(0.04, 1.009), size_word(0.669, 1.009), size_word(0.8, 1.009)
    ('well below', 'below', 'close to')
    """
    ratio = value / cap
    return "well below" if ratio <= 0.25 else "below" if ratio <= 0.75 else "close to"


def header_sentence(label: str | None, internals: AdaMaxInternals | None, lr: float | None,
                    beta1: float | None = None, beta2: float | None = None) -> str:
    """What the header says AdaMax's step is, true for the run on screen: bounded (by its exact bound) where
    β1 < β2, unbounded after the first step where β1 ≥ β2 > 0 — and its median step beside that bound."""
    text = r"AdaMax (Kingma & Ba, 2015, §7.1) is Adam with the L∞ norm: $u_t = \max(\beta_2 u_{t-1}, |g_t|)$. "
    if beta1 is None or beta2 is None:
        default_cap = float(adamax_step_bound(1.0, *DEFAULT_BETAS, ADAM_LIMIT_T))
        return text + (r"Dividing by $u_t$ caps each coordinate's step near $\alpha$ whatever the gradient's scale "
                       rf"whenever $\beta_1 < \beta_2$ (the defaults {DEFAULT_BETAS}: {times_alpha(default_cap)}) — "
                       r"exactly $\alpha$ on the first step. Press **▶ Play** to watch it race the others.")
    cap = float(adamax_step_bound(1.0, beta1, beta2, ADAM_LIMIT_T))
    if np.isfinite(cap):
        text += (r"Dividing by $u_t$ caps each coordinate's step at "
                 f"{times_alpha(cap)} for this run's β₁ = {beta1:g} and β₂ = {beta2:g}, whatever the gradient's scale "
                 r"— exactly $\alpha$ on the first step")
    else:
        text += (f"With this run's β₂ = {beta2:g} ≤ β₁ = {beta1:g}, $u_t$ forgets a large gradient at least as fast as "
                 r"$\hat m_t$ does, so the step is exactly $\alpha$ on the first step but has no bound after it "
                 r"(AdaMax's cap near $\alpha$ needs $\beta_1 < \beta_2$)")
    if internals is not None and lr is not None and internals.steps:
        median = median_step(internals.step, lr, internals.real_steps)
        if np.isfinite(cap):
            text += f"; the usual step is {size_word(median, cap)} the cap"
        text += f" (here {label} moves a median {times_alpha(median)} per coordinate per step)"
    return text + ". Press **▶ Play** to watch it race the others."


def inside_explanation(internals: AdaMaxInternals, *, lr: float, beta1: float, beta2: float, t: int) -> str:
    """The "What you see" paragraph of Inside AdaMax for this run, its bounds at step t and at its last step."""
    last = int(internals.t[-1]) if internals.steps else 1
    t = int(min(max(t, 1), last))
    moved = internals.real_steps
    bound_t, bound_last = (float(adamax_step_bound(lr, beta1, beta2, k)) / lr for k in (t, last))
    adam_t, adam_last = (float(adam_step_bound(lr, beta1, beta2, k)) / lr for k in (t, last))
    adam_limit = float(adam_step_bound(lr, beta1, beta2, ADAM_LIMIT_T)) / lr
    steps = np.abs(internals.step[:moved]) / lr
    fresh = internals.fresh_won[:moved]
    settings = f"α = {lr:g}, β₁ = {beta1:g}, β₂ = {beta2:g}"
    paragraphs = [
        r"**What you see.** AdaMax (Kingma & Ba 2015, §7.1, Algorithm 2) divides the momentum $\hat m_t$ by "
        r"$u_t = \max(\beta_2 u_{t-1}, |g_t|)$, the largest recent gradient, decayed by $\beta_2$ per step. That caps "
        r"each coordinate's step: the solid box around the point, of half-width "
        r"$\alpha\,(1-\beta_1)(1-(\beta_1/\beta_2)^t)/((1-\beta_1^t)(1-\beta_1/\beta_2))$ — for this run "
        f"({settings}) {times_alpha(bound_t)} at step t = {t} and {times_alpha(bound_last)} at its last step, "
        f"{last}. Adam divides by $\\sqrt{{\\hat v_t}}$ instead; its worst case with the same α and β's, the "
        f"dotted box, is {times_alpha(adam_t)} at step {t} and {times_alpha(adam_last)} at step {last} "
        f"({times_alpha(adam_limit)} as t → ∞).",
        _steps_sentence(steps, fresh),
        _spike_sentence(beta2),
    ]
    return "\n\n".join(paragraphs)


def _steps_sentence(steps: np.ndarray, fresh: np.ndarray) -> str:
    if steps.size == 0:
        return "This run took no step."
    text = (f"These are ceilings: the steps this run takes are a median {times_alpha(float(np.median(steps)))} per "
            f"coordinate (largest {times_alpha(float(steps.max()))}). When $u_t$ is set by the fresh gradient "
            r"(dark in the strip), $u_t = |g_t|$ and the step is $-\alpha\,\hat m_t/|g_t|$: exactly "
            r"$-\alpha\,\mathrm{sign}(g_t)$ on the first step, smaller later wherever $\hat m_t$, an average of past "
            "gradients, disagrees with the fresh one")
    count = int(fresh.sum())
    if count:
        text += (f" — here the fresh gradient won {count} of {fresh.size} coordinate-steps, with a median step of "
                 f"{times_alpha(float(np.median(steps[fresh])))} there")
    text += ". When memory wins (light), a steep gradient seen earlier still holds the steps small"
    if fresh.size - count:
        text += (f": here on {fresh.size - count} coordinate-steps, with a median step of "
                 f"{times_alpha(float(np.median(steps[~fresh])))}")
    return text + "."


def _spike_sentence(beta2: float) -> str:
    if beta2 == 0:
        return (r"With $\beta_2 = 0$, $u_t = |g_t|$ forgets every earlier gradient at once: a spike is gone the "
                r"next step, and so is any bound beyond the first step.")
    small, huge = (spike_memory(beta2, factor) for factor in SPIKES)
    crossover = spike_crossover(beta2)
    return (f"**One gradient spike.** A gradient K times the steady one keeps $u_t$ above twice its baseline for "
            r"$\ln(K/2)/\ln(1/\beta_2)$ steps, and Adam's $\sqrt{\hat v_t}$ for "
            r"$\ln((1-\beta_2)(K^2-1)/3)/\ln(1/\beta_2)$. With this run's $\beta_2$ = "
            f"{beta2:g}: a {SPIKES[0]:g}× spike holds u above 2× for {_steps(small['adamax'])} and √v̂ for "
            f"{_steps(small['adam'])}; a {SPIKES[1]:g}× spike, {_steps(huge['adamax'])} and "
            f"{_steps(huge['adam'])}. AdaMax remembers moderate spikes longer; from K ≈ {crossover:,.0f} on, "
            "Adam's √v̂ holds them longer.")


def _steps(count: int) -> str:
    return "no step" if count == 0 else "1 step" if count == 1 else f"{count:,} steps"
