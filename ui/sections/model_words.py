"""The sentences of the section "On a real model", written from the numbers (no Streamlit: tested directly).

Each function takes the numbers it speaks about and returns Markdown; nothing is said that the numbers do not
show. Numbers are written with 3 significant digits unless a comparison needs more.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

PAPER_NEAR = 2.0   # "about as fast": final training losses within this factor of each other


def _loss(value: float) -> str:
    return f"{value:.3g}"


def _percent(value: float) -> str:
    return f"{100 * value:.1f} %"


def ranking_sentence(final_loss: Mapping[str, float], final_accuracy: Mapping[str, float],
                     diverged_epoch: Mapping[str, int | None], epochs: int) -> str:
    """Who leads after `epochs` epochs by training loss, the held-out accuracies, and who blew up (and when)."""
    alive = {label: loss for label, loss in final_loss.items() if diverged_epoch.get(label) is None}
    parts = []
    if alive:
        order = sorted(alive, key=alive.get)
        ranked = " < ".join(f"{label} {_loss(alive[label])}" for label in order)
        parts.append(f"After {epochs} epoch{'s' * (epochs != 1)} the training loss ranks {ranked}.")
        accuracy = {label: final_accuracy[label] for label in order}
        best = max(accuracy, key=accuracy.get)
        low, high = min(accuracy.values()), max(accuracy.values())
        if high - low < 0.005:
            parts.append(f"On the held-out images they are level: {_percent(low)}–{_percent(high)} correct.")
        else:
            parts.append(f"Held-out accuracy: {_percent(low)}–{_percent(high)}, best {best}"
                         + (f" (the lowest training loss is {order[0]}'s)." if best != order[0] else "."))
    for label, epoch in diverged_epoch.items():
        if epoch is not None:
            parts.append(f"**{label} blew up** in epoch {epoch}: its loss or weights stopped being finite numbers; "
                         "it is drawn stopped there. Try a smaller learning rate.")
    return " ".join(parts)


def paper_sentence(final_loss: Mapping[str, float], rates: Mapping[str, float], epochs: int) -> str:
    """The paper's qualitative result for logistic regression against the digits' numbers (keys "Adam",
    "SGD-Nesterov", "AdaGrad"): agreement only where the numbers show it, disagreement said with them."""
    adam, sgd, adagrad = (final_loss[key] for key in ("Adam", "SGD-Nesterov", "AdaGrad"))
    rates_text = ", ".join(f"{key} α = {rates[key]:.4g}" for key in ("Adam", "SGD-Nesterov", "AdaGrad"))
    numbers = (f"Adam {_loss(adam)}, SGD-Nesterov {_loss(sgd)}, AdaGrad {_loss(adagrad)}")
    claim = ("The paper (Kingma & Ba, §6.1, MNIST) reports Adam about as fast as SGD with Nesterov momentum, and "
             "both faster than AdaGrad, on logistic regression.")
    setting = (f"Here, on the digits, with minibatches of 128 and each optimizer at its best of 16 learning rates "
               f"({rates_text}; no step-size decay), the training loss after {epochs} epochs is {numbers}.")
    adagrad_last = adagrad > max(adam, sgd)
    factor = max(adam, sgd) / max(min(adam, sgd), 1e-300)
    near = factor <= PAPER_NEAR
    leader = "Adam" if adam < sgd else "SGD-Nesterov"
    if adagrad_last and near:
        verdict = (f"**The digits agree**: AdaGrad is last, and Adam and SGD-Nesterov are within {factor:.2g}× of "
                   f"each other ({leader} ahead).")
    elif adagrad_last:
        verdict = (f"**The digits agree only in part**: AdaGrad is last, but {leader} is {factor:.2g}× lower than "
                   "the other — not 'about as fast'.")
    else:
        ahead = [key for key, value in (("Adam", adam), ("SGD-Nesterov", sgd)) if adagrad <= value]
        verdict = (f"**The digits disagree**: AdaGrad ({_loss(adagrad)}) is ahead of {' and '.join(ahead)} — "
                   "on 64 dense pixels and 1,347 images, not the paper's 784 and 60,000.")
    return f"{claim} {setting} {verdict}"


def bound_sentence(largest: Mapping[str, float], still: Mapping[str, float], bound: float, weights: int) -> str:
    """The |Δθ|/α figure in words: the largest step per optimizer against AdaMax's bound, and how much did not move.

    largest: the largest |Δθ|/α of each run over every step and weight; still: the share of (step, weight) pairs
    with |Δθ| < 10⁻⁶·α."""
    parts = []
    if "AdaMax" in largest:
        within = largest["AdaMax"] <= bound * (1 + 1e-9)
        parts.append(f"Over all {weights:,} weights and every step, AdaMax's largest move was "
                     f"{largest['AdaMax']:.4g} α — {'within' if within else 'OVER'} its bound of {bound:.4g} α, the "
                     "same bound that draws the step box in the 2-D race.")
    others = [f"{label} {value:.3g} α" for label, value in largest.items() if label != "AdaMax"]
    if others:
        parts.append(f"The others' largest: {', '.join(others)} (SGD's step is α·|g|, RMSProp's first is "
                     "α/√(1 − ρ) = 10 α for ρ = 0.99: no bound of that kind).")
    if still:
        most = max(still, key=still.get)
        parts.append(f"Weights that did not move in a step (|Δθ| < 10⁻⁶ α) — pixels no image of the minibatch lit, "
                     f"among others: from {_percent(min(still.values()))} to {_percent(still[most])} ({most}).")
    return " ".join(parts)


def shadow_sentence(kind: str, explained: tuple[float, float], distances: Mapping[str, np.ndarray],
                    path_lengths: Mapping[str, float], true_loss: Mapping[str, np.ndarray],
                    map_loss: Mapping[str, np.ndarray], coordinates: Mapping[str, np.ndarray]) -> str:
    """What the drawn paths hide, with the numbers of shadow_gaps for each run."""
    worst = max(distances, key=lambda label: float(np.max(distances[label]) / max(path_lengths[label], 1e-300)))
    index = int(np.argmax(distances[worst]))
    gap = max(distances, key=lambda label: float(np.max(np.abs(true_loss[label] - map_loss[label]))))
    gap_index = int(np.argmax(np.abs(true_loss[gap] - map_loss[gap])))
    if kind == "pca":
        first = (f"This plane holds {_percent(explained[0])} + {_percent(explained[1])} of the AdaMax run's movement "
                 "(its first two principal directions); each dot is a run's weights at an epoch, drawn at its "
                 "closest point on the plane — a shadow, not a path on this map.")
    else:
        spread = max(float(np.abs(c).max()) for c in coordinates.values())
        first = (f"Along two random directions every run's shadow stays within {spread:.2g} of the centre while "
                 f"the runs moved up to {max(path_lengths.values()):.3g}: in thousands of dimensions two random "
                 "directions are nearly orthogonal to any path (Li et al. 2018). The map shows the loss around the "
                 "end, not the way there.")
    hidden = (f"The picture hides the distance from the plane: {worst}'s weights were {distances[worst][index]:.3g} "
              f"off it (its whole path is {path_lengths[worst]:.3g} long). And the map is not the loss the network "
              f"had: {gap}'s loss was {true_loss[gap][gap_index]:.3g} at one checkpoint, where the map shows "
              f"{map_loss[gap][gap_index]:.3g} under its shadow. A shadow need not go downhill on the map.")
    return f"{first} {hidden}"


def pixels_sentence(rare_ratio: Mapping[str, float], rare_count: int) -> str:
    """How each optimizer treats the weights of rarely lit pixels: their mean |weight| over the mean |weight| of
    the other lit pixels."""
    ordered = sorted(rare_ratio, key=rare_ratio.get, reverse=True)
    listed = ", ".join(f"{label} {rare_ratio[label]:.2g}" for label in ordered)
    sentence = (f"{rare_count} pixels are lit in fewer than 5 % of the training images (mostly at the left and right "
                f"edges). Their weights, as a share of the typical weight of the other lit pixels: {listed}.")
    if "AdaMax" in rare_ratio and "SGD-Nesterov" in rare_ratio:
        adamax, sgd = rare_ratio["AdaMax"], rare_ratio["SGD-Nesterov"]
        if adamax > 2 * sgd:
            sentence += (f" AdaMax divides each step by that weight's own largest recent gradient, so a rare, small "
                         f"gradient still moves it about as far as any other ({adamax:.2g}); SGD moves it by the "
                         f"gradient itself, rarely and little ({sgd:.2g}).")
        elif sgd > 2 * adamax:
            sentence += f" Here SGD moved them more than AdaMax ({sgd:.2g} against {adamax:.2g})."
        else:
            sentence += f" Here AdaMax and SGD treat them alike ({adamax:.2g} and {sgd:.2g})."
    return sentence
