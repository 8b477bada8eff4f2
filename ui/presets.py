"""The view each surface opens on: a start, a step count and runs tuned so every optimizer does something
instructive there (AdaMax's step is ~lr per coordinate whatever the gradient's scale; SGD's is lr × gradient,
so SGD needs a learning rate matched to each surface's gradients)."""

from __future__ import annotations

from .state import AppState, RunSpec


def _runs(*specs: tuple[str, dict[str, float | bool | str]]) -> tuple[RunSpec, ...]:
    return tuple(RunSpec(key, tuple(sorted(params.items()))) for key, params in specs)


THREE_WAY = "adamax", "adam", "sgd"

PRESETS: dict[str, AppState] = {
    # The classic start (−1.2, 1). AdaMax with β2 = 0.99 follows the valley to (1, 1) (f < 1e-4 by step 490);
    # the same AdaMax with the default β2 = 0.999 still remembers the walls' huge gradients in u, so its steps
    # in the flat valley are tiny and it crawls (f ≈ 2.3 at step 500). Adam gets most of the way (0.88, 0.77);
    # SGD with momentum swings across the valley first, then follows it to (1, 1).
    "rosenbrock": AppState("rosenbrock", (), (-1.2, 1.0), 500, "contour", _runs(
        ("adamax", {"lr": 0.1, "beta2": 0.99}), ("adamax", {"lr": 0.1}), ("adam", {"lr": 0.1}),
        ("sgd", {"lr": 0.002, "momentum": 0.9}))),
    # The easy start (1, 1.5), where all three converge, each differently (tests/ui/test_url.py pins this link):
    # SGD with momentum dives off the steep wall, swings far south and is at (3, 0.5) by step ~270; Adam
    # crosses the plateau and nears it (0.001 left); AdaMax, its u set by the start's |g| ≈ 100, is slowest (0.13).
    "beale": AppState("beale", (), (1.0, 1.5), 500, "contour", _runs(
        ("adamax", {"lr": 0.05}), ("adam", {"lr": 0.05}), ("sgd", {"lr": 0.005, "momentum": 0.9}))),
    # Just off the ridge: AdaMax and Adam step ≈ lr along y however small ∂f/∂y is, so they never come near the
    # saddle and leave the plot by steps 56 and 36. SGD with momentum rushes into the saddle (within 0.02 of it
    # at step 14), then escapes exponentially (out at step 79); plain SGD is still crawling toward it at 100.
    "saddle": AppState("saddle", (), (-1.5, 0.001), 100, "contour", _runs(
        ("adamax", {"lr": 0.05}), ("adam", {"lr": 0.05}), ("sgd", {"lr": 0.01, "momentum": 0.9}),
        ("sgd", {"lr": 0.01}))),
    # One start, three of the four minima: AdaMax and Adam (steps ≈ lr per coordinate, so a diagonal path) go
    # west to (−3.78, −3.28); plain SGD follows the gradient east to (3.58, −1.85); SGD with the same lr plus
    # momentum climbs north over the ridge to (3, 2).
    "himmelblau": AppState("himmelblau", (), (0.25, -4.0), 300, "contour", _runs(
        ("adamax", {"lr": 0.05}), ("adam", {"lr": 0.05}), ("sgd", {"lr": 0.002, "momentum": 0.9}),
        ("sgd", {"lr": 0.002}))),
    # Step size against the ripples' period of 1: AdaMax with lr = 1.5 jumps over the dimples, its m averages
    # the ripples out and the bowl pulls it to the global minimum (0, 0) by step ~110; AdaMax with lr = 0.5
    # stops two dimples in at (3, −2), Adam (lr = 0.5) at (2, −1), SGD with momentum at (4, −1) — four basins.
    # Which dimple each ends in is sensitive to the start: nudge it and see.
    "rastrigin": AppState("rastrigin", (), (4.0, -2.5), 300, "contour", _runs(
        ("adamax", {"lr": 1.5}), ("adam", {"lr": 0.5}), ("sgd", {"lr": 0.005, "momentum": 0.9}),
        ("adamax", {"lr": 0.5}))),
    # From the rippled plain: AdaMax (lr = 0.5) steps over the ripples into the central funnel (f ≈ 0.05);
    # Adam at the same lr overshoots the funnel and settles in the ripple just south of it, (0, −0.95);
    # SGD with momentum rolls west along the edge to (−2, 4); AdaMax with lr = 0.1 stops in the nearest dimple.
    "ackley": AppState("ackley", (), (3.3, 4.0), 300, "contour", _runs(
        ("adamax", {"lr": 0.5}), ("adam", {"lr": 0.5}), ("sgd", {"lr": 0.05, "momentum": 0.9}),
        ("adamax", {"lr": 0.1}))),
    # A plain, mildly ill-conditioned bowl (κ = 9), where every method converges and speed is the lesson:
    # well-tuned plain SGD is fastest (f < 1e-4 at step 66) on the straightest path; Adam (97) and AdaMax (130)
    # first move diagonally (equal steps per coordinate), then turn; SGD with momentum spirals in (125).
    "booth": AppState("booth", (), (-8.0, 8.0), 300, "contour", _runs(
        ("adamax", {"lr": 0.5}), ("adam", {"lr": 0.5}), ("sgd", {"lr": 0.01, "momentum": 0.9}),
        ("sgd", {"lr": 0.05}))),
    # Gradients ~7000 at the start: AdaMax and Adam move ≈ lr per step whatever the scale and reach the global
    # minimum (0, −1) (steps 434 and 122). SGD with momentum needs lr = 1e-5 to survive, and even then the
    # momentum it gains on the wall carries it straight through the global minimum (step 8) into the local one
    # at (−0.6, −0.4), f = 30. At lr = 1e-4 it explodes at step 7: this divergence is on purpose.
    "goldstein_price": AppState("goldstein_price", (), (0.8, -1.8), 500, "contour", _runs(
        ("adamax", {"lr": 0.05}), ("adam", {"lr": 0.05}), ("sgd", {"lr": 1e-5, "momentum": 0.9}),
        ("sgd", {"lr": 1e-4, "momentum": 0.9}))),
    # Four runs, four minima: AdaMax reaches the global minimum (0.09, −0.71); Adam at the same lr overshoots
    # it and ends in the other global minimum (−0.09, 0.71); SGD with momentum climbs into the local minimum
    # (−1.70, 0.80); plain SGD at the same lr slides into the nearest local minimum (−1.61, −0.57).
    "six_hump_camel": AppState("six_hump_camel", (), (-1.5, -1.5), 300, "contour", _runs(
        ("adamax", {"lr": 0.2}), ("adam", {"lr": 0.2}), ("sgd", {"lr": 0.005, "momentum": 0.9}),
        ("sgd", {"lr": 0.005}))),
    # On the ridge y ≈ 0 leading into the flat saddle: AdaMax and Adam turn off it at once and leave along the
    # diagonal (sign-like steps, ≈ 45°), not down the valley floor at 60°. SGD with momentum
    # rides the ridge straight through the saddle and is heading out along the valley x < 0 at step 150; plain
    # SGD crawls toward the saddle, where the gradient vanishes like r², and is still near it at (0.17, 0.02).
    "monkey_saddle": AppState("monkey_saddle", (), (0.8, 0.001), 150, "contour", _runs(
        ("adamax", {"lr": 0.02}), ("adam", {"lr": 0.02}), ("sgd", {"lr": 0.005, "momentum": 0.9}),
        ("sgd", {"lr": 0.01}))),
    # κ = 30, valley rotated 30° off the axes. AdaMax slides into the valley without zig-zagging, then creeps
    # along it (u still holds the start's gradient, so its steps shrink with |g|): 0.22 short at step 300.
    # Adam gets there by step 136; SGD with momentum zig-zags across the valley yet is there by step 86; plain
    # SGD at lr ≈ 1.8/κ bounces from wall to wall on every step and is first (80): tuned SGD suits a quadratic.
    "quadratic": AppState("quadratic", (("angle", 30.0), ("condition", 30.0)), (-1.8, 1.2), 300, "contour", _runs(
        ("adamax", {"lr": 0.1}), ("adam", {"lr": 0.1}), ("sgd", {"lr": 0.02, "momentum": 0.9}),
        ("sgd", {"lr": 0.06}))),
    # A real network's loss on the plane of an AdaMax run (surfaces/digits.py), from where that run started: all
    # three come down the long slope the 20 training epochs took and stay on the sampled square. Adam is within
    # 1e-4 of the plane's minimum (f* = 0.0485) from step 222, SGD with momentum from 427; AdaMax, its steps capped
    # near lr, is 5e-4 short at step 500.
    "digits": AppState("digits", (), (-12.36, -4.589), 500, "contour", _runs(
        ("adamax", {"lr": 0.5}), ("adam", {"lr": 0.5}), ("sgd", {"lr": 0.5, "momentum": 0.9}))),
}

DEFAULT_SURFACE = "rosenbrock"


def preset_for(surface: str) -> AppState:
    """The opening view of `surface` (the default surface's view for an unknown key)."""
    return PRESETS.get(surface, PRESETS[DEFAULT_SURFACE])
