"""The shared caches (ui/cache.py): bounded in bytes by their worst entries, shared and read-only."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from figures import ExplorerRun, explorer_figure, run_color
from figures.internals import internals_figure
from optimizers import OPTIMIZERS, AdaMax, make_optimizer, run
from optimizers.explain import adamax_internals
from surfaces import SURFACES
from ui.cache import CACHE_BUDGETS, CACHE_BYTES, SharedMemo, cache_key, deep_size, shared_memo
from ui.compute import explorer_figure_for, trajectory_for
from ui.state import MAX_RUNS, MAX_STEPS, AppState, RunSpec


def worst(name: str) -> int:
    return CACHE_BUDGETS[name][1]


@pytest.mark.parametrize("key", list(OPTIMIZERS))
def test_a_trajectory_entry_stays_within_its_budget(key):
    surface = SURFACES["rosenbrock"]
    trajectory = run(make_optimizer(key), surface, surface.start, MAX_STEPS, record_state=True)
    assert deep_size(trajectory) <= worst("trajectory")


@pytest.mark.parametrize("view", ["contour", "3d"])
@pytest.mark.parametrize("surface_key", ["goldstein_price", "quadratic"])
def test_a_figure_entry_stays_within_its_budget(view, surface_key):
    surface = SURFACES[surface_key]
    runs = [ExplorerRun(f"AdaMax(lr={0.01 * (i + 1):g})", run_color(i),
                        run(AdaMax(lr=0.01 * (i + 1)), surface, surface.start, MAX_STEPS, record_state=True))
            for i in range(MAX_RUNS)]
    assert deep_size(explorer_figure(surface, runs, view=view)) <= worst("explorer_figure")


def test_inside_adamax_entries_stay_within_their_budgets():
    surface = SURFACES["rosenbrock"]
    optimizer = AdaMax(lr=0.05)
    internals = adamax_internals(optimizer, run(optimizer, surface, surface.start, MAX_STEPS, record_state=True))
    assert deep_size(internals) <= worst("internals")
    assert deep_size(internals_figure(surface, "AdaMax(lr=0.05)", "#D55E00", internals)) <= worst("internals_figure")


def test_the_caches_together_stay_under_200_MB_per_process():
    assert CACHE_BYTES <= 200 * 2**20


def test_deep_size_counts_buffers_once():
    array = np.zeros(1000)
    assert 8000 <= deep_size([array, array]) < 9000


def test_cache_keys_tell_close_values_apart():
    assert cache_key(0.1, RunSpec("adamax")) != cache_key(0.1 + 1e-17 * 0 + 2**-56, RunSpec("adamax"))
    assert cache_key(AppState(steps=500)) != cache_key(AppState(steps=501))
    assert cache_key(AppState()) == cache_key(AppState())


def test_cached_results_are_shared_and_read_only():
    args = ("beale", (), (1.0, 1.5), 50, RunSpec("adamax", (("lr", 0.05),)))
    first, second = trajectory_for(*args), trajectory_for(*args)
    assert first is second
    with pytest.raises(ValueError, match="read-only"):
        first.points[0, 0] = 1.0
    state = AppState("beale", (), (1.0, 1.5), 50, "contour", (args[-1],))
    assert explorer_figure_for(state) is explorer_figure_for(state)


def test_a_shared_memo_keeps_the_most_recently_used_entries():
    memo = SharedMemo(2)
    memo.put("a", 1)
    memo.put("b", 2)
    assert memo.get("a") == 1  # a is now the most recent: b goes first
    memo.put("c", 3)
    assert (memo.get("b"), memo.get("a"), memo.get("c"), len(memo)) == (None, 1, 3, 2)
    assert memo.get("b", "missing") == "missing"


@given(st.lists(st.tuples(st.sampled_from("abcdefgh"), st.integers(0, 5000)), max_size=40),
       st.integers(1, 20_000))
def test_a_memo_bounded_in_bytes_keeps_the_newest_entries_that_fit(puts, budget):
    """Against a model written out: after each put, the oldest entries go until the rest fit the budget in bytes
    (the newest one stays whatever its size), sizes counted by deep_size."""
    memo = SharedMemo(100, max_bytes=budget)
    model: list[tuple[str, int]] = []   # (key, size), oldest first
    for key, length in puts:
        memo.put(key, b"x" * length)
        model = [entry for entry in model if entry[0] != key] + [(key, deep_size(b"x" * length))]
        while len(model) > 1 and sum(size for _, size in model) > budget:
            model.pop(0)
    kept, total = {key for key, _ in model}, sum(size for _, size in model)
    recent = {key for key, _ in puts}
    assert {key for key in recent if memo.get(key) is not None} == set(kept)
    assert memo.bytes == total


def test_the_live_grids_of_a_class_on_their_own_starts_stay_cached():
    """30 students, 3 runs each, every run's lr grid at 500 steps: all 90 fit the grid cache's bytes."""
    from figures.live import encode_run
    from optimizers.live import live_batch
    from ui.compute import divergence_bound

    surface = SURFACES["rosenbrock"]
    grids = shared_memo("live_grid")
    for index, optimizer in enumerate(("adamax", "adam", "sgd") * 30):
        start = (-1.5 + 0.01 * (index // 3), 1.0)
        batch = live_batch(optimizer, {}, ("lr",), surface, start, 500, bound=divergence_bound(surface),
                           grid_only=True)
        grids.put(index, encode_run(batch, surface.domain, 500))
    assert len(grids) == 90 and grids.get(0) is not None
