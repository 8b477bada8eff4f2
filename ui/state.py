"""The app's state: one typed, immutable value, mirrored in the URL (see ui/url.py for the format)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from optimizers.noise import GradientNoise

from .model_spec import ModelSpec

View = Literal["contour", "3d"]
Section = str  # a key of ui.sections.SECTIONS
MAX_RUNS = 8
MIN_STEPS, MAX_STEPS = 10, 5000


@dataclass(frozen=True)
class RunSpec:
    """One run of the comparison: an optimizer key of OPTIMIZERS and the hyperparameters set on it.

    `params` holds only what differs from the optimizer's defaults, as a sorted tuple of (name, value)
    pairs, so a RunSpec is hashable (a cache key) and prints like a call: adamax(lr=0.05).
    """

    optimizer: str
    params: tuple[tuple[str, float | bool | str], ...] = ()

    def kwargs(self) -> dict[str, float | bool | str]:
        return dict(self.params)


SWEEP_METRICS: dict[str, str] = {   # key in the link → what the sweep's maps colour by
    "gap": "final f − f*",
    "best": "best f − f*",
    "steps": "steps to tolerance",
    "distance": "final distance to a minimum",
}
SWEEP_RESOLUTIONS = (16, 32, 64, 96, 128)


@dataclass(frozen=True)
class SweepSpec:
    """The Sweeps section's settings: the map's optimizer and axes (two of its numeric hyperparameters), the
    optimizer shown beside it ("" for none), the colour metric and the cells per axis. Every other setting of
    a map's optimizer is that of its first run in the race (its surface preset's, or its defaults, if none)."""

    optimizer: str = "adamax"
    x: str = "lr"
    y: str = "beta2"
    compare: str = "adam"
    metric: str = "gap"
    resolution: int = 64


@dataclass(frozen=True)
class AppState:
    """Everything on screen that a link should restore."""

    surface: str = "rosenbrock"
    surface_params: tuple[tuple[str, float], ...] = ()   # e.g. (("angle", 30.0), ("condition", 10.0));
    # for surface "custom": (("domain", ((x0, x1), (y0, y1))), ("formula", text), ("minimum", (x, y))), see ui/custom.py
    start: tuple[float, float] = (-1.2, 1.0)
    steps: int = 500
    view: View = "contour"
    runs: tuple[RunSpec, ...] = field(default_factory=tuple)
    section: Section = "race"
    noise: GradientNoise | None = None   # the page's gradient noise (every run sees the same draws); None: off
    sweep: SweepSpec = field(default_factory=SweepSpec)
    model: ModelSpec = field(default_factory=ModelSpec)   # the section "On a real model" (ui/model_spec.py)
