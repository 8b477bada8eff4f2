"""Live sliders' numbers: one run's paths over every value a slider offers, computed as one batched `run`.

A live slider does not ask the server while it is dragged: the browser draws paths the server computed before,
one per value the slider can take. For a run and a set of its numeric hyperparameters ("live" ones), the values
of each are `slider_values` — `SLIDER_VALUES` values evenly spaced on the hyperparameter's natural scale (log α,
the "nines" −log10(1 − β) of a β, linear otherwise), as a sweep's axes are, plus the run's exact current value —
and `live_batch` runs all of them, for all live hyperparameters, as ONE batched `run`: member i varies one
hyperparameter and keeps the others at the run's settings. A step's cost is mostly fixed overhead (Python calls,
small-array NumPy calls), so 200 members cost little more than one. Each member's path is, bit for bit, the path
of `run` for that configuration alone (element-wise kernels; tests/optimizers/test_live.py checks it) — but for Adam-Lp,
whose β2^p and (·)^(1/p) with an array p round some values one ulp away from a scalar p's (paths within 1e-12).

Offered values are short decimals (3 significant digits of α, of 1 − β, 4 of a linear value): the value a
slider releases is a value whose path was computed, and it prints and parses back exactly (repr), so a link
restores the very path drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .base import Array, Hyperparameter
from .noise import GradientNoise
from .outcomes import OUTCOMES, classify, trajectory_metrics
from .registry import OPTIMIZERS, make_optimizer
from .sweep import hyperparameter_axis
from .trajectory import run

SLIDER_VALUES = 64                              # values per slider on its natural scale (the run's own is added)
LIVE_SCALES = ("log", "one_minus_log", "linear")
NOT_LIVE = ("eps",)                             # ε guards a division; its paths differ by far less than a pixel


@dataclass(frozen=True, eq=False)
class LiveSlider:
    """One slider of one run: its values (ascending), where the run's current value sits among them, and what
    each value's run did (an index into OUTCOMES)."""

    name: str
    scale: str
    values: Array             # (n,) float64
    current: int              # values[current] is the run's own value, bit for bit (−1: not among them)
    outcomes: Array           # (n,) int8


@dataclass(frozen=True, eq=False)
class LiveBatch:
    """Every live slider of one run and the whole path of each of their values.

    points: (steps + 1, members, 2), the members being slider 0's values, then slider 1's, …;
    `paths(k)` is slider k's block (steps + 1, len(values), 2).
    """

    sliders: tuple[LiveSlider, ...]
    points: Array
    diverged_at: Array        # (members,)

    def paths(self, index: int) -> Array:
        first = sum(len(slider.values) for slider in self.sliders[:index])
        return self.points[:, first:first + len(self.sliders[index].values)]


def live_names(optimizer: str) -> tuple[str, ...]:
    """The hyperparameters of `optimizer` a live slider can scrub: the numeric ones but ε."""
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; valid: {', '.join(OPTIMIZERS)}")
    return tuple(spec.name for spec in OPTIMIZERS[optimizer].HYPERPARAMETERS
                 if spec.scale in LIVE_SCALES and spec.name not in NOT_LIVE)


def short_value(spec: Hyperparameter, value: float) -> float:
    """`value` rounded to a short decimal on its scale: 3 significant digits of α (log), of 1 − β
    (one_minus_log: 0.99877, not 0.9987700000000001), 4 of a linear value.

    >>> from optimizers import AdaMax
    >>> specs = {spec.name: spec for spec in AdaMax.HYPERPARAMETERS}
    >>> short_value(specs["lr"], 0.0123456), short_value(specs["beta2"], 0.998765432)
    (0.0123, 0.99877)
    """
    if spec.scale == "log":
        return float(f"{value:.3g}")
    if spec.scale == "one_minus_log":
        gap = float(f"{1.0 - value:.3g}")
        if gap <= 0.0 or gap >= 1.0:
            return float(min(max(1.0 - gap, 0.0), 1.0))
        decimals = 2 - math.floor(math.log10(gap))
        return float(f"{1.0 - gap:.{decimals}f}")
    return float(f"{value:.4g}")


def slider_values(spec: Hyperparameter, current: float, count: int = SLIDER_VALUES) -> tuple[Array, int]:
    """(values, index of `current`): `count` short values evenly spaced on `spec`'s natural scale over its
    slider range, and `current` itself, exactly, sorted ascending without duplicates.

    >>> from optimizers import AdaMax
    >>> values, at = slider_values({s.name: s for s in AdaMax.HYPERPARAMETERS}["beta2"], 0.99, 5)
    >>> values.tolist(), at
    ([0.0, 0.9, 0.99, 0.999, 0.9999], 2)
    """
    if spec.scale not in LIVE_SCALES:
        raise ValueError(f"{spec.name} is not numeric (scale {spec.scale!r}): no live slider")
    current = float(current)
    if not math.isfinite(current):
        raise ValueError(f"{spec.name} must be finite, got {current!r}")
    grid = {short_value(spec, float(v)) for v in hyperparameter_axis(spec, count)}
    values = np.array(sorted(grid | {current}), dtype=np.float64)
    return values, int(np.flatnonzero(values == current)[0])


def grid_values(spec: Hyperparameter, count: int = SLIDER_VALUES) -> Array:
    """The short values a slider offers whatever the current one: `slider_values` without the current value."""
    return np.array(sorted({short_value(spec, float(v)) for v in hyperparameter_axis(spec, count)}),
                    dtype=np.float64)


def _allowed(optimizer: str, name: str, values: Array, settings: dict[str, Any]) -> Array:
    """The values the optimizer accepts with the run's other settings (Nesterov needs momentum > 0)."""
    if optimizer == "sgd" and name == "momentum" and settings.get("nesterov"):
        return values[values > 0]
    return values


def live_batch(optimizer: str, settings: dict[str, Any], names: tuple[str, ...], surface: Any, start: Any,
               steps: int, *, bound: float, noise: GradientNoise | None = None, tolerance: float = 1e-4,
               count: int = SLIDER_VALUES, grid_only: bool = False) -> LiveBatch:
    """The paths of `optimizer` (its hyperparameters `settings`, the rest at defaults) for every value of each
    live hyperparameter in `names`, as one batched `run` from `start` on `surface` for `steps` steps.

    Each value's outcome is `classify`'s, with f* = surface.minimum_value and `tolerance`: the race's own.
    `grid_only`: the grid's values alone, without the run's current one (unless it is on the grid), each
    slider's `current` then −1 (or its index there): a slider's grid does not depend on the slider's own
    current value, so a page keeps it while that value moves, and adds the current path from the run itself.
    """
    cls = OPTIMIZERS.get(optimizer)
    if cls is None:
        raise ValueError(f"unknown optimizer {optimizer!r}; valid: {', '.join(OPTIMIZERS)}")
    specs = {spec.name: spec for spec in cls.HYPERPARAMETERS}
    base = make_optimizer(optimizer, **settings).hyperparameters()
    columns: list[tuple[str, Array, int]] = []
    for name in names:
        if name not in specs or specs[name].scale not in LIVE_SCALES:
            raise ValueError(f"{cls.title} has no numeric hyperparameter {name!r}; live ones: "
                             f"{', '.join(live_names(optimizer))}")
        values, _ = slider_values(specs[name], base[name], count)
        if grid_only:
            values = grid_values(specs[name], count)
        values = _allowed(optimizer, name, values, base)
        found = np.flatnonzero(values == float(base[name]))
        columns.append((name, values, int(found[0]) if len(found) else -1))
    members = sum(len(values) for _, values, _ in columns)
    arrays = {}
    for name, _, _ in columns:  # every member carries the run's value of `name` but those that vary it
        arrays[name] = np.full((members, 1), float(base[name]))
    first = 0
    for name, values, _ in columns:
        arrays[name][first:first + len(values), 0] = values
        first += len(values)
    batched = make_optimizer(optimizer, **{**base, **arrays})
    starts = np.broadcast_to(np.asarray(start, dtype=np.float64), (members, 2))
    trajectory = run(batched, surface, starts, steps, bound=bound, noise=noise)
    codes = classify(trajectory_metrics(trajectory, surface, minimum_value=surface.minimum_value,
                                        tolerance=tolerance))
    sliders, first = [], 0
    for name, values, current in columns:
        sliders.append(LiveSlider(name, specs[name].scale, values, current, codes[first:first + len(values)]))
        first += len(values)
    return LiveBatch(tuple(sliders), trajectory.points, np.asarray(trajectory.diverged_at))


__all__ = ["LIVE_SCALES", "OUTCOMES", "SLIDER_VALUES", "LiveBatch", "LiveSlider", "grid_values", "live_batch",
           "live_names", "short_value", "slider_values"]
