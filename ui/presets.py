"""The view each surface opens on: a start, a step count and runs tuned so every optimizer does something
instructive there (AdaMax's step is ~lr per coordinate whatever the gradient's scale; SGD's is lr × gradient,
so SGD needs a learning rate matched to each surface's gradients)."""

from __future__ import annotations

from .state import AppState, RunSpec


def _runs(*specs: tuple[str, dict[str, float | bool | str]]) -> tuple[RunSpec, ...]:
    return tuple(RunSpec(key, tuple(sorted(params.items()))) for key, params in specs)


THREE_WAY = "adamax", "adam", "sgd"

PRESETS: dict[str, AppState] = {
    "rosenbrock": AppState("rosenbrock", (), (-1.2, 1.0), 500, "contour", _runs(
        ("adamax", {"lr": 0.05}), ("adam", {"lr": 0.05}), ("sgd", {"lr": 0.0005, "momentum": 0.9}))),
    "beale": AppState("beale", (), (1.0, 1.5), 500, "contour", _runs(
        ("adamax", {"lr": 0.05}), ("adam", {"lr": 0.05}), ("sgd", {"lr": 0.005, "momentum": 0.9}))),
    "saddle": AppState("saddle", (), (-1.5, 0.001), 200, "contour", _runs(
        ("adamax", {"lr": 0.05}), ("adam", {"lr": 0.05}), ("sgd", {"lr": 0.01, "momentum": 0.9}),
        ("sgd", {"lr": 0.01}))),
    "himmelblau": AppState("himmelblau", (), (-0.3, -0.9), 500, "contour", _runs(
        ("adamax", {"lr": 0.05}), ("adam", {"lr": 0.05}), ("sgd", {"lr": 0.002, "momentum": 0.9}))),
    "rastrigin": AppState("rastrigin", (), (3.3, 4.2), 500, "contour", _runs(
        ("adamax", {"lr": 0.1}), ("adam", {"lr": 0.1}), ("sgd", {"lr": 0.002, "momentum": 0.9}))),
    "ackley": AppState("ackley", (), (2.5, -3.2), 500, "contour", _runs(
        ("adamax", {"lr": 0.1}), ("adam", {"lr": 0.1}), ("sgd", {"lr": 0.05, "momentum": 0.9}))),
    "booth": AppState("booth", (), (-8.0, 8.0), 500, "contour", _runs(
        ("adamax", {"lr": 0.2}), ("adam", {"lr": 0.2}), ("sgd", {"lr": 0.01, "momentum": 0.9}))),
    "goldstein_price": AppState("goldstein_price", (), (-1.2, 1.5), 500, "contour", _runs(
        ("adamax", {"lr": 0.01}), ("adam", {"lr": 0.01}), ("sgd", {"lr": 1e-5, "momentum": 0.9}))),
    "six_hump_camel": AppState("six_hump_camel", (), (-1.5, 1.2), 500, "contour", _runs(
        ("adamax", {"lr": 0.05}), ("adam", {"lr": 0.05}), ("sgd", {"lr": 0.01, "momentum": 0.9}))),
    "monkey_saddle": AppState("monkey_saddle", (), (0.8, 0.05), 300, "contour", _runs(
        ("adamax", {"lr": 0.02}), ("adam", {"lr": 0.02}), ("sgd", {"lr": 0.01, "momentum": 0.9}))),
    "quadratic": AppState("quadratic", (("angle", 30.0), ("condition", 20.0)), (-1.8, 1.2), 300, "contour", _runs(
        ("adamax", {"lr": 0.05}), ("adam", {"lr": 0.05}), ("sgd", {"lr": 0.04, "momentum": 0.9}))),
}

DEFAULT_SURFACE = "rosenbrock"


def preset_for(surface: str) -> AppState:
    """The opening view of `surface` (the default surface's view for an unknown key)."""
    return PRESETS.get(surface, PRESETS[DEFAULT_SURFACE])
