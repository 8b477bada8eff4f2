"""The section "On a real model": its settings in the link and the budget, its figures, the sentences it writes
(recomputed from the numbers) and the page itself through AppTest."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from figures.model import ModelRun, Shadow, curves_figure, landscape_figure, step_ratio_figure, weights_figure
from models import MODELS, load_digits
from optimizers import train
from optimizers.train import RATIO_EDGES
from tests.support.app import chart, open_app, query
from tests.support.figures import non_finite_paths
from ui import url
from ui.budget import WORK_BUDGET, work
from ui.model_spec import (
    BATCHES,
    DEFAULT_LRS,
    EPOCH_RANGE,
    LR_RANGE,
    MODEL_OPTIMIZERS,
    NETWORKS,
    PAPER_INDEX,
    PAPER_LRS,
    PLANES,
    SENSITIVITY_LRS,
    ModelSpec,
    is_paper,
    make_model_optimizer,
    model_work,
    paper_preset,
    with_rates,
)
from ui.sections.model_words import bound_sentence, paper_sentence, pixels_sentence, ranking_sentence, shadow_sentence
from ui.state import AppState

# --- settings, link, budget --------------------------------------------------------------------------------------

specs = st.builds(
    lambda network, epochs, batch, seed, plane, rates: with_rates(
        ModelSpec(network, epochs, batch, seed, plane), {**DEFAULT_LRS[network], **rates}),
    st.sampled_from(list(NETWORKS)), st.integers(*EPOCH_RANGE), st.sampled_from(BATCHES), st.integers(0, 9999),
    st.sampled_from(list(PLANES)),
    st.dictionaries(st.sampled_from(MODEL_OPTIMIZERS), st.floats(*LR_RANGE, allow_nan=False)))


@settings(max_examples=60, deadline=None)
@given(specs)
def test_every_setting_survives_the_link(spec):
    state = AppState(section="model", model=spec)
    query_ = {key: value if isinstance(value, list) else [value] for key, value in url.encode(state).items()}
    decoded, notices = url.decode(query_)
    assert notices == [] and decoded.model == spec


def test_the_default_model_is_left_out_of_a_link_of_another_section():
    assert "model" not in url.encode(AppState())
    assert url.encode(AppState(section="model"))["model"] == "mlp"


@pytest.mark.parametrize(("text", "expected", "notice"), [
    ("bogus", ModelSpec(), "unknown network"),
    ("mlp(epochs=9999)", ModelSpec(epochs=200), "clamped"),
    ("mlp(batch=100)", ModelSpec(batch=128), "not one of"),
    ("mlp(plane=sideways)", ModelSpec(), "plane"),
    ("mlp(adamax=1e9)", with_rates(ModelSpec(), {**DEFAULT_LRS["mlp"], "adamax": 10.0}), "clamped"),
    ("mlp(colour=red)", ModelSpec(), "no setting"),
    ("mlp(epochs=", ModelSpec(), "Could not read"),
])
def test_a_bad_model_link_falls_back_with_a_notice(text, expected, notice):
    state, notices = url.decode({"model": [text], "section": ["model"]})
    assert state.model == expected
    assert any(notice in message for message in notices), notices


def test_default_view_is_within_the_work_budget_and_long_training_waits_for_a_click():
    state = AppState(section="model")
    assert work(state) <= WORK_BUDGET
    assert work(AppState(section="model", model=paper_preset())) <= WORK_BUDGET
    assert work(AppState(section="model", model=ModelSpec(epochs=200))) > WORK_BUDGET
    assert model_work(ModelSpec(batch=16)) > model_work(ModelSpec(batch=256))


def test_the_papers_rates_are_the_best_of_the_grid():
    """The preset's rates are each optimizer's lowest final training loss on SENSITIVITY_LRS (logistic regression,
    20 epochs, minibatches of 128, seed 0), recomputed here with one batched run per optimizer."""
    data = load_digits()
    for key in MODEL_OPTIMIZERS:
        result = train(make_model_optimizer(key, SENSITIVITY_LRS[:, None]), MODELS["logistic"], data, epochs=20,
                       batch_size=128, seed=0, record_steps=False, record_every=20)
        losses = np.where(result.diverged_at < 0, result.train_loss[-1], np.inf)
        assert int(np.argmin(losses)) == PAPER_INDEX[key], key
        assert PAPER_LRS[key] == pytest.approx(SENSITIVITY_LRS[PAPER_INDEX[key]], rel=1e-3)
    assert is_paper(paper_preset()) and not is_paper(ModelSpec())


# --- sentences -----------------------------------------------------------------------------------------------

@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.sampled_from(["AdaMax", "Adam", "SGD-Nesterov", "RMSProp", "AdaGrad"]),
                       st.tuples(st.floats(1e-6, 10), st.floats(0, 1), st.one_of(st.none(), st.integers(1, 200))),
                       min_size=1))
def test_ranking_sentence_orders_the_runs_that_did_not_blow_up(runs):
    losses = {label: value[0] for label, value in runs.items()}
    accuracy = {label: value[1] for label, value in runs.items()}
    diverged = {label: value[2] for label, value in runs.items()}
    text = ranking_sentence(losses, accuracy, diverged, 20)
    alive = sorted((label for label in runs if diverged[label] is None), key=losses.get)
    positions = [text.index(f"{label} {losses[label]:.3g}") for label in alive]
    assert positions == sorted(positions)
    for label, epoch in diverged.items():
        assert (f"**{label} blew up** in epoch {epoch}" in text) == (epoch is not None)


@pytest.mark.parametrize(("adam", "sgd", "adagrad", "verdict"), [
    (0.008, 0.005, 0.015, "The digits agree"),
    (0.02, 0.005, 0.05, "agree only in part"),
    (0.008, 0.005, 0.006, "The digits disagree"),
    (0.008, 0.005, 0.001, "The digits disagree"),
])
def test_paper_sentence_says_what_the_numbers_show(adam, sgd, adagrad, verdict):
    losses = {"Adam": adam, "SGD-Nesterov": sgd, "AdaGrad": adagrad}
    text = paper_sentence(losses, {"Adam": 0.46, "SGD-Nesterov": 4.6, "AdaGrad": 4.6}, 20)
    assert verdict in text
    for value in losses.values():
        assert f"{value:.3g}" in text
    for other in {"The digits agree", "agree only in part", "The digits disagree"} - {verdict}:
        assert other not in text.replace("agree only in part", "") or verdict == "agree only in part"


def test_bound_sentence_says_within_or_over():
    assert "within its bound of 1.009 α" in bound_sentence({"AdaMax": 1.0, "SGD-Nesterov": 3.1}, {"AdaMax": 0.2},
                                                           1.00908, 650)
    assert "OVER" in bound_sentence({"AdaMax": 1.2}, {}, 1.00908, 650)


def test_shadow_sentence_names_the_farthest_run_and_the_largest_gap():
    distances = {"AdaMax": np.array([0.4, 0.1, 0.0]), "Adam": np.array([3.0, 1.0, 0.5])}
    lengths = {"AdaMax": 6.0, "Adam": 8.0}
    true = {"AdaMax": np.array([2.3, 1.0, 0.7]), "Adam": np.array([2.3, 0.9, 0.5])}
    shown = {"AdaMax": np.array([2.2, 1.0, 0.7]), "Adam": np.array([0.9, 0.9, 0.5])}
    coordinates = {label: np.zeros((3, 2)) for label in distances}
    text = shadow_sentence("pca", (0.9, 0.05), distances, lengths, true, shown, coordinates)
    assert "90.0 % + 5.0 %" in text and "Adam's weights were 3 off it" in text and "2.3 at one checkpoint" in text
    assert "0.9 under its shadow" in text
    assert "random directions" in shadow_sentence("random", (0, 0), distances, lengths, true, shown, coordinates)


def test_pixels_sentence_compares_adamax_with_sgd_only_as_the_numbers_do():
    assert "AdaMax divides each step" in pixels_sentence({"AdaMax": 0.8, "SGD-Nesterov": 0.03}, 10)
    assert "SGD moved them more" in pixels_sentence({"AdaMax": 0.1, "SGD-Nesterov": 0.5}, 10)
    assert "treat them alike" in pixels_sentence({"AdaMax": 0.4, "SGD-Nesterov": 0.5}, 10)


# --- figures ---------------------------------------------------------------------------------------------------

def test_the_figures_are_valid_plotly_and_finite():
    epochs = np.arange(4)
    curves = {"train_loss": np.array([2.3, 1.0, 0.5, 1e-9]), "test_loss": np.array([2.3, 1.1, 0.6, 0.5]),
              "train_accuracy": np.array([0.1, 0.8, 0.9, 1.0]), "test_accuracy": np.array([0.1, 0.7, 0.9, 0.95])}
    figures = [
        curves_figure([ModelRun("AdaMax", "#D55E00", epochs, curves), ModelRun("SGD", "#0072B2", epochs, curves, 3)]),
        curves_figure([ModelRun("AdaMax", "#D55E00", epochs, curves)], columns=1),
        step_ratio_figure([("AdaMax", "#D55E00", np.arange(RATIO_EDGES.size - 1))], RATIO_EDGES, 1.009),
        landscape_figure(np.linspace(-1, 1, 5), np.linspace(-1, 2, 4), np.random.default_rng(0).random((4, 5)) + 0.1,
                         [Shadow("AdaMax", "#D55E00", np.zeros((3, 2)), np.arange(3))], np.array([0.5, 0.5]),
                         log=True, axis_titles=("a", "b")),
        weights_figure([("AdaMax", np.random.default_rng(1).normal(size=(10, 64))), ("SGD", np.zeros((10, 64)))]),
    ]
    for figure in figures:
        go.Figure(figure)
        assert non_finite_paths(figure) == []
    weights = figures[-1]["data"][0]["z"]
    assert len(weights) == 2 * 9 - 1 and len(weights[0]) == 10 * 9 - 1


# --- the page --------------------------------------------------------------------------------------------------

def test_the_section_opens_from_its_link_and_keeps_it():
    app = open_app({"section": "model", "model": "mlp(epochs=5)"})
    assert not app.exception
    assert query(app)["model"] == ["mlp(epochs=5)"]
    texts = " ".join(m.value for m in app.markdown)
    assert "After 5 epochs the training loss ranks" in texts and "AdaMax's largest move" in texts
    figures = [chart(app, index) for index in range(len(app.get("plotly_chart")))]
    curves = next(f for f in figures if f["layout"].get("uirevision") == "model-curves")
    assert {trace["name"] for trace in curves["data"] if trace.get("showlegend")} >= {"AdaMax (α = 0.02)"}
    assert any(f["layout"].get("uirevision") == "model-landscape" for f in figures)
    app.slider(key="model_epochs").set_value(3).run()
    assert query(app)["model"] == ["mlp(epochs=3)"] and not app.exception


def test_the_papers_comparison_button_writes_its_verdict_and_the_weights():
    app = open_app({"section": "model", "model": "logistic(epochs=3)"})
    app.button(key="model_paper").click().run()
    assert not app.exception
    assert query(app)["model"][0].startswith("logistic(batch=128")
    texts = " ".join(m.value for m in app.markdown)
    assert "The paper (Kingma & Ba, §6.1, MNIST)" in texts and "The digits agree" in texts
    assert "pixels are lit in fewer than 5 %" in texts
    figures = [chart(app, index) for index in range(len(app.get("plotly_chart")))]
    assert any(f["data"][0].get("type") == "heatmap" for f in figures)


def test_learning_rate_curves_come_on_a_click():
    app = open_app({"section": "model", "model": "logistic(epochs=2)"})
    count = len(app.get("plotly_chart"))
    app.button(key="model_curves_button").click().run()
    assert not app.exception and len(app.get("plotly_chart")) == count + 1
    assert any("Best rate of the 16" in m.value for m in app.markdown)


def test_a_long_training_waits_for_a_click():
    app = open_app({"section": "model", "model": "mlp2(epochs=200)"})
    assert not app.exception
    assert any("computed on request" in info.value for info in app.info)
    assert not any(f["layout"].get("uirevision") == "model-curves"
                   for f in (chart(app, i) for i in range(len(app.get("plotly_chart")))))


def test_what_the_real_model_lesson_says_is_what_the_default_views_show():
    """lessons/real_model.toml states facts about the default views in words: checked on the same training."""
    data = load_digits()
    spec = ModelSpec()
    runs = {key: train(make_model_optimizer(key, spec.lr(key)), MODELS["mlp"], data, epochs=spec.epochs,
                       batch_size=spec.batch, seed=spec.seed) for key in MODEL_OPTIMIZERS}
    decades = {}   # the 5 %–95 % range of |Δθ|/α over the weights that moved, in decades (bins of a tenth)
    for key, result in runs.items():
        share = np.cumsum(result.step_ratio_counts[1:]) / result.step_ratio_counts[1:].sum()
        decades[key] = (np.searchsorted(share, 0.95) - np.searchsorted(share, 0.05)) / 10
    assert max(decades, key=decades.get) == "sgd"
    assert runs["adamax"].step_ratio_max.max() <= 1.0091 and runs["adagrad"].step_ratio_max.max() <= 1 + 1e-9
    logistic = ModelSpec(network="logistic")
    lit = (data.x_train > 0).mean(axis=0)
    rare, common = (lit > 0) & (lit < 0.05), lit >= 0.05
    for key, bound in (("sgd", (0, 0.1)), ("adamax", (0.5, 2.0))):
        weights = train(make_model_optimizer(key, logistic.lr(key)), MODELS["logistic"], data, epochs=20,
                        batch_size=64).params[-1][:640].reshape(10, 64)
        ratio = np.abs(weights[:, rare]).mean() / np.abs(weights[:, common]).mean()
        assert bound[0] < ratio < bound[1], (key, ratio)


def test_race_on_this_landscape_opens_the_race_on_the_digits_surface():
    app = open_app({"section": "model", "model": "mlp(epochs=2)"})
    app.button(key="model_race").click().run()
    assert not app.exception
    link = query(app)
    assert link["surface"] == ["digits"] and "section" not in link and link["model"] == ["mlp(epochs=2)"]
    assert any("A real network" in m.value and "(digits)" in m.value for m in app.markdown)  # the header names it
