"""The app's state: one typed, immutable value, mirrored in the URL (see ui/url.py for the format)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from optimizers.noise import GradientNoise

View = Literal["contour", "3d"]
Section = Literal["race", "inside", "lp", "eps"]
SECTIONS: dict[str, str] = {          # key in the URL → title on the page
    "race": "The race",
    "inside": "Inside AdaMax",
    "lp": "From Adam to AdaMax",
    "eps": "Where ε goes",
}
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
