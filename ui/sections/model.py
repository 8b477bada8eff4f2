"""On a real model: the race's optimizers train a real network on real images — same kernels, same colours.

Five optimizers (ui/model_spec.py) train the chosen network on scikit-learn's 8×8 digits from the same initial
weights through the same minibatches (`optimizers.train`). The section shows their training and held-out loss
and accuracy per epoch, the distribution of |Δθ|/α over every weight and step (AdaMax's bound, now on thousands of
coordinates), the loss landscape on a plane with each run's shadow on it and what the shadow hides, the logistic
regression's weights as images, and — on a click — learning-rate curves from one batched run per optimizer.
Everything is computed once per setting in this process and shared by every session (st.cache_resource).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import streamlit as st

from figures.model import ModelRun, Shadow, curves_figure, landscape_figure, step_ratio_figure, weights_figure
from figures.palette import optimizer_color
from figures.sweep import lr_sensitivity_figure
from models import MODELS, LossSlice, load_digits, random_slice, shadow_gaps, trajectory_slice
from optimizers import TrainResult, adamax_step_bound, train

from ..cache import read_only
from ..figure import show_figure
from ..layout import Layout
from ..model_spec import (
    BATCHES,
    DEFAULT_LRS,
    EPOCH_RANGE,
    LR_RANGE,
    MODEL_OPTIMIZERS,
    NETWORKS,
    PLANES,
    SENSITIVITY_LRS,
    TITLES,
    ModelSpec,
    is_paper,
    make_model_optimizer,
    model_work,
    paper_preset,
)
from ..presets import preset_for
from ..sidebar.controls import load_state
from ..sidebar.model import load_model, lr_key, read_model
from ..sidebar.widgets import format_value, log_grid
from ..state import AppState
from .model_words import bound_sentence, paper_sentence, pixels_sentence, ranking_sentence, shadow_sentence

RESOLUTION = 41           # the landscape's grid per axis
RARE = 0.05               # a pixel lit in fewer than this share of the training images is "rarely lit"
STILL = 1e-6              # |Δθ|/α below this: the weight did not move
CURVE_EPOCHS = 20
CHART_TOP = 200
FRAME_KEY = None


def cost(state: AppState) -> float:
    """The training the view asks for, in run-steps (ui/model_spec.py `model_work`)."""
    return model_work(state.model)


@dataclass(frozen=True, eq=False)
class ModelView:
    """What the section shows for one ModelSpec: each optimizer's training, the slice and its shadows."""

    results: dict[str, TrainResult]
    landscape: LossSlice
    gaps: dict[str, dict[str, np.ndarray]]


@st.cache_resource(max_entries=8, ttl=3600, show_spinner=False)
def compute_view(spec: ModelSpec) -> ModelView:
    """Train the five optimizers and slice the landscape (≈ 1 s for the default view; shared by every session)."""
    data = load_digits()
    model = MODELS[spec.network]
    results = {key: read_only(train(make_model_optimizer(key, spec.lr(key)), model, data, epochs=spec.epochs,
                                    batch_size=spec.batch, seed=spec.seed)) for key in MODEL_OPTIMIZERS}
    reference = results["adamax"].params
    if spec.plane == "pca" and _spans_plane(reference):
        landscape = trajectory_slice(model, data, reference, resolution=RESOLUTION)
    else:
        landscape = random_slice(model, data, reference[-1], seed=spec.seed, resolution=RESOLUTION)
    gaps = {key: shadow_gaps(landscape, data, result.params) for key, result in results.items()}
    return ModelView(results, landscape, gaps)


@st.cache_resource(max_entries=8, ttl=3600, show_spinner=False)
def compute_curves(network: str, batch: int, seed: int) -> dict[str, TrainResult]:
    """Each optimizer at the 16 rates of SENSITIVITY_LRS, one batched run each, only the end evaluated."""
    rates = SENSITIVITY_LRS[:, None]
    return {key: read_only(train(make_model_optimizer(key, rates), MODELS[network], load_digits(), epochs=CURVE_EPOCHS,
                                 batch_size=batch, seed=seed, record_steps=False, record_every=CURVE_EPOCHS))
            for key in MODEL_OPTIMIZERS}


def _spans_plane(checkpoints: np.ndarray) -> bool:
    offsets = checkpoints - checkpoints[-1]
    singular = np.linalg.svd(offsets, compute_uv=False)
    return checkpoints.shape[0] >= 3 and singular.size >= 2 and singular[1] > 1e-12 * max(singular[0], 1e-300)


def draw(state: AppState, results: list, layout: Layout) -> None:
    spec = state.model
    _controls(spec)
    view = compute_view(spec)
    labels = {key: TITLES[key] for key in MODEL_OPTIMIZERS}
    colors = {key: optimizer_color(key) for key in MODEL_OPTIMIZERS}  # the race's colour of each optimizer
    model = MODELS[spec.network]
    st.caption(f"{model.title}: {model.size:,} weights, trained on 1,347 of the 1,797 digit images (minibatches of "
               f"{spec.batch}, seed {spec.seed}), scored on the other 450. Every optimizer starts from the same "
               "weights and sees the same minibatches in the same order.")
    _curves(spec, view, labels, colors, layout)
    if is_paper(spec):
        losses = {labels[key]: float(view.results[key].train_loss[-1]) for key in ("adam", "sgd", "adagrad")}
        rates = {labels[key]: spec.lr(key) for key in ("adam", "sgd", "adagrad")}
        st.markdown(paper_sentence(losses, rates, spec.epochs))
    _ratios(spec, view, labels, colors)
    _landscape(spec, view, labels, colors, layout)
    if spec.network == "logistic":
        _weights(spec, view, labels, layout)
    _sensitivity(spec, labels, colors)


def _controls(spec: ModelSpec) -> None:
    row = st.columns([1.6, 1.2, 0.9, 0.9, 1.5])
    row[0].selectbox("Network", list(NETWORKS), key="model_network", format_func=NETWORKS.get,
                     on_change=_network_changed)
    row[1].slider("Epochs", *EPOCH_RANGE, key="model_epochs")
    row[2].selectbox("Minibatch", BATCHES, key="model_batch")
    row[3].number_input("Seed", 0, 9999, step=1, key="model_seed",
                        help="draws the initial weights and the order of the minibatches, the same for every run")
    row[4].segmented_control("Landscape plane", list(PLANES), key="model_plane", format_func=_plane_title,
                             selection_mode="single")
    with st.expander("Learning rates", expanded=False):
        columns = st.columns(len(MODEL_OPTIMIZERS))
        for column, key in zip(columns, MODEL_OPTIMIZERS, strict=True):
            current = float(st.session_state.get(lr_key(key), spec.lr(key)))
            options = sorted({*log_grid(*LR_RANGE), current})
            column.select_slider(TITLES[key], options=options, key=lr_key(key), format_func=format_value)
        st.caption("SGD-Nesterov is SGD with Nesterov momentum 0.9; the others keep their defaults (β's, ε).")
    buttons = st.columns([1, 1, 2])
    buttons[0].button("The page's choice", key="model_default", on_click=load_model, args=(ModelSpec(),),
                      icon=":material/restart_alt:", help="the ReLU network, each optimizer at a good rate")
    buttons[1].button("The paper's comparison", key="model_paper", on_click=load_model, args=(paper_preset(),),
                      icon=":material/description:",
                      help="logistic regression, minibatches of 128, each optimizer at its best of 16 rates")


def _plane_title(key: str) -> str:
    return {"pca": "principal", "random": "random"}.get(key, key)


def _network_changed() -> None:
    """A new network opens with its own good learning rates."""
    network = st.session_state["model_network"]
    for key, lr in DEFAULT_LRS[network].items():
        st.session_state[lr_key(key)] = lr


def _diverged_epoch(result: TrainResult) -> int | None:
    step = int(result.diverged_at)
    return None if step < 0 else (step - 1) // result.steps_per_epoch + 1


def _curves(spec: ModelSpec, view: ModelView, labels: dict, colors: dict, layout: Layout) -> None:
    runs = [ModelRun(f"{labels[key]} (α = {spec.lr(key):.3g})", colors[key], result.recorded_epochs,
                     {name: getattr(result, name) for name in ("train_loss", "test_loss", "train_accuracy",
                                                               "test_accuracy")}, _diverged_epoch(result))
            for key, result in view.results.items()]
    narrow = layout.phone
    st.markdown(ranking_sentence({labels[k]: float(r.train_loss[-1]) for k, r in view.results.items()},
                                 {labels[k]: float(r.test_accuracy[-1]) for k, r in view.results.items()},
                                 {labels[k]: _diverged_epoch(r) for k, r in view.results.items()}, spec.epochs))
    show_figure(curves_figure(runs, columns=1 if narrow else 2, height=900 if narrow else 560), key="model_curves")


def _ratios(spec: ModelSpec, view: ModelView, labels: dict, colors: dict) -> None:
    st.subheader("Every weight's step, against α", anchor=False)
    first = view.results["adamax"]
    steps = np.arange(1, first.steps + 1)
    bound = float(np.max(adamax_step_bound(1.0, 0.9, 0.999, steps))) if first.steps else 1.0
    counts = [(labels[key], colors[key], np.asarray(result.step_ratio_counts)) for key, result in view.results.items()]
    show_figure(step_ratio_figure(counts, first.step_ratio_edges, bound), key="model_ratio")
    largest = {labels[key]: float(np.max(result.step_ratio_max, initial=0.0)) for key, result in view.results.items()}
    still = {labels[key]: float(result.step_ratio_counts[0] / max(result.step_ratio_counts.sum(), 1))
             for key, result in view.results.items()}
    st.markdown(bound_sentence(largest, still, bound, MODELS[spec.network].size))


def _landscape(spec: ModelSpec, view: ModelView, labels: dict, colors: dict, layout: Layout) -> None:
    st.subheader("The loss landscape on a plane", anchor=False)
    landscape = view.landscape
    a, b, values = landscape.grid
    shadows = [Shadow(labels[key], colors[key], view.gaps[key]["coordinates"], result.recorded_epochs)
               for key, result in view.results.items()]
    titles = ("a (1st principal direction)", "b (2nd principal direction)") if landscape.kind == "pca" else \
        ("a (random direction δ)", "b (random direction η)")
    figure = landscape_figure(a, b, values, shadows, landscape.minima[0], log=landscape.log_scale,
                              axis_titles=titles, height=420 if layout.phone else 520)
    show_figure(figure, key="model_landscape")
    st.markdown(shadow_sentence(
        landscape.kind, landscape.explained,
        {labels[k]: g["distance"] for k, g in view.gaps.items()},
        {labels[k]: float(g["path_length"]) for k, g in view.gaps.items()},
        {labels[k]: g["true_loss"] for k, g in view.gaps.items()},
        {labels[k]: g["map_loss"] for k, g in view.gaps.items()},
        {labels[k]: g["coordinates"] for k, g in view.gaps.items()}))
    st.caption(f"f(a, b) = L(θc + a·δ + b·η) on the training set, {RESOLUTION} × {RESOLUTION} points, centred on "
               "the AdaMax run's last weights θc. The race's surface “A real network's loss (digits)” is this "
               "plane for the page's choice (the 32-unit network, principal plane, seed 0): the same optimizers "
               f"race on it with two coordinates instead of {MODELS[spec.network].size:,}.")
    st.button("Race on this landscape", key="model_race", on_click=_race_on_digits, icon=":material/sports_score:")


def _race_on_digits() -> None:
    """Open the race on the digits surface (its preset), keeping this section's settings in the link."""
    load_state(replace(preset_for("digits"), model=read_model()))


def _weights(spec: ModelSpec, view: ModelView, labels: dict, layout: Layout) -> None:
    st.subheader("The weights as images", anchor=False)
    result = view.results["adamax"]
    epochs = [int(e) for e in result.recorded_epochs]
    if st.session_state.get("model_weights_epoch") not in epochs:  # another run length: show its end
        st.session_state["model_weights_epoch"] = epochs[-1]
    epoch = st.select_slider("Epoch", epochs, key="model_weights_epoch")
    index = epochs.index(epoch)
    size = 10 * 64
    rows = [(labels[key], np.asarray(r.params[index][:size]).reshape(10, 64)) for key, r in view.results.items()]
    show_figure(weights_figure(rows, height=60 + 48 * len(rows) if layout.phone else None), key="model_weights")
    data = load_digits()
    lit = (data.x_train > 0).mean(axis=0)
    rare = (lit > 0) & (lit < RARE)
    common = lit >= RARE
    final = {labels[key]: np.abs(np.asarray(r.params[-1][:size]).reshape(10, 64))
             for key, r in view.results.items() if _diverged_epoch(r) is None}
    ratios = {label: float(w[:, rare].mean() / max(w[:, common].mean(), 1e-300)) for label, w in final.items()}
    st.caption("Each digit's row of weights W (10 × 64) drawn as its 8×8 image: red pushes towards that digit, "
               "blue away; each optimizer's row is scaled to its own largest weights (the 99th percentile of |w|).")
    if ratios:
        st.markdown(pixels_sentence(ratios, int(rare.sum())))


def _sensitivity(spec: ModelSpec, labels: dict, colors: dict) -> None:
    st.subheader("Learning-rate curves", anchor=False)
    key = f"model_curves_{spec.network}_{spec.batch}_{spec.seed}"
    if not st.session_state.get(key):
        st.caption(f"Each optimizer at 16 learning rates from 10⁻⁴ to 10, {CURVE_EPOCHS} epochs, as one batched "
                   "run per optimizer (a few seconds of the server's time, so on request).")
        st.button("Compute the learning-rate curves", key="model_curves_button", icon=":material/show_chart:",
                  on_click=st.session_state.__setitem__, args=(key, True))
        return
    curves = compute_curves(spec.network, spec.batch, spec.seed)
    shown = [{"label": labels[k], "color": colors[k], "lr": SENSITIVITY_LRS,
              "value": np.asarray(r.train_loss[-1]), "diverged": np.asarray(r.diverged_at) >= 0}
             for k, r in curves.items()]
    show_figure(lr_sensitivity_figure(shown, metric=f"training loss after {CURVE_EPOCHS} epochs", log=True),
                key="model_sensitivity")
    best = {labels[k]: float(SENSITIVITY_LRS[int(np.argmin(np.where(np.asarray(r.diverged_at) < 0,
                                                                     r.train_loss[-1], np.inf)))])
            for k, r in curves.items()}
    st.markdown("Best rate of the 16 (lowest training loss): "
                + ", ".join(f"{label} {lr:.3g}" for label, lr in best.items()) + ".")
