"""A large sweep is split in two, half of it run by a helper process: the result is bit for bit the one-process one.

Every test here lowers the split thresholds so that small grids are split too, and compares the split sweep with
the same sweep run whole in this process (the helper switched off), metric by metric and outcome by outcome.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import threading
import time
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

from optimizers import SGD, Adam, AdaMax, GradientNoise, _helper, sweep, sweeps
from optimizers._helper import HELPER
from optimizers.outcomes import SCALAR_FIELDS
from surfaces import SURFACES

sweep_module = importlib.import_module("optimizers.sweep")  # `optimizers.sweep` is also the function

pytestmark = pytest.mark.skipif(not _helper.ENABLED, reason="the sweep helper is off (not POSIX, or "
                                "ADAMAX_LAB_SWEEP_HELPER=0)")


@pytest.fixture(autouse=True)
def as_a_script(monkeypatch):
    """Sweeps as a script or a notebook makes them (split with the helper), whatever a test before this module
    imported (the page switches offloading on for its process): the offloading tests switch it on themselves."""
    monkeypatch.setattr(sweep_module, "_offload", False)


@pytest.fixture
def split_everything(monkeypatch):
    """Split every sweep of at least two cells in halves, with the helper started and ready (its speed, which
    sets its share, taken as the caller's whatever these tiny sweeps measure)."""
    monkeypatch.setattr(sweep_module, "SPLIT_MIN_CELLS", 2)
    monkeypatch.setattr(sweep_module, "SPLIT_MIN_CELL_STEPS", 1)
    monkeypatch.setattr(HELPER, "speed", 1.0)
    monkeypatch.setattr(HELPER, "paused_until", -np.inf)
    monkeypatch.setattr(HELPER, "observe", lambda *args, **kwargs: None)
    assert HELPER.warm_up()


def one_process(*args, **kwargs):
    """The sweep run whole in this process."""
    enabled, _helper.ENABLED = _helper.ENABLED, False
    try:
        return sweep(*args, **kwargs)
    finally:
        _helper.ENABLED = enabled


def assert_same(result, expected):
    assert result.outcome.shape == expected.outcome.shape
    for field in fields(expected.metrics):
        if field.name in SCALAR_FIELDS:  # one value for the whole batch
            assert getattr(result.metrics, field.name) == getattr(expected.metrics, field.name)
            continue
        actual, wanted = getattr(result.metrics, field.name), getattr(expected.metrics, field.name)
        assert actual.dtype == wanted.dtype, field.name
        np.testing.assert_array_equal(actual, wanted, err_msg=field.name)
    np.testing.assert_array_equal(result.outcome, expected.outcome)


def split_and_whole(*args, **kwargs):
    """(the split sweep, the one-process sweep), checking the helper did compute a piece of the first."""
    served = HELPER.served
    result = sweep(*args, **kwargs)
    assert HELPER.served == served + 1, "the helper did not compute half of the sweep"
    return result, one_process(*args, **kwargs)


ROSENBROCK = SURFACES["rosenbrock"]
START = np.array([-1.2, 1.0])


def test_a_split_grid_with_diverging_cells_equals_the_whole_sweep(split_everything):
    lr = np.logspace(-4, 1, 16)[:, None, None]           # up to lr = 10: cells that blow up
    beta2 = 1 - np.logspace(-4, 0, 12, endpoint=False)[None, :, None]
    result, expected = split_and_whole(AdaMax(lr=lr, beta2=beta2), ROSENBROCK, START, 700, bound=50.0)
    assert_same(result, expected)
    names = set(expected.outcome_names.ravel().tolist())
    assert {"diverged", "reached", "moving"} <= names and (expected.diverged_at > 0).any()


@pytest.mark.parametrize("noise", [GradientNoise(kind="gaussian", scale=0.3, relative=True, seed=4),
                                   GradientNoise(kind="spikes", every=7, factor=30.0, seed=2)])
def test_a_noisy_split_sweep_sees_the_same_draws(split_everything, noise):
    """The draw of step t depends on the seed and t only, so both halves (in two processes) see the same one."""
    lr = np.logspace(-3, 0.5, 10)[:, None]
    result, expected = split_and_whole(Adam(lr=lr), ROSENBROCK, START, 400, bound=100.0, noise=noise)
    assert_same(result, expected)
    assert not np.array_equal(expected.final_point, one_process(Adam(lr=lr), ROSENBROCK, START, 400,
                                                                bound=100.0).final_point)


@pytest.mark.parametrize("shape", [(7,), (7, 3), (2, 9), (5, 3, 4)])
def test_batches_of_one_two_and_three_dimensions_and_uneven_halves(split_everything, shape):
    """Odd lengths (halves of 4 and 3 rows), the split along a later axis when it is the longest ((2, 9): the
    first axis's hyperparameter is then kept whole in both halves), and three axes: lr × β1 × a row of starts."""
    lr = np.logspace(-3, 0.3, shape[0]).reshape((shape[0],) + (1,) * len(shape))
    kwargs = {"lr": lr}
    start = START
    if len(shape) >= 2:
        kwargs["beta1"] = np.linspace(0.0, 0.95, shape[1]).reshape((1, shape[1]) + (1,) * (len(shape) - 1))
    if len(shape) == 3:
        start = np.stack([np.linspace(-1.5, 1.5, shape[2]), np.full(shape[2], 1.0)], axis=-1)[None, None]
    result, expected = split_and_whole(AdaMax(**kwargs), ROSENBROCK, start, 300, bound=20.0)
    assert result.outcome.shape == shape
    assert_same(result, expected)


def test_a_grid_of_starts_on_a_surface_with_sines_splits_exactly(split_everything):
    """No array hyperparameter (the starts make the batch) and transcendental functions (Rastrigin's cosines)."""
    rastrigin = SURFACES["rastrigin"]
    xs = np.linspace(-4.5, 4.5, 13)
    starts = np.stack(np.meshgrid(xs, xs[::2], indexing="ij"), axis=-1)
    result, expected = split_and_whole(SGD(lr=0.002, momentum=0.9), rastrigin, starts, 300, bound=100.0)
    assert_same(result, expected)


class _LocalOnly:
    """A surface the helper cannot rebuild: unpickling it raises there (as a class in a script's __main__ would)."""

    minimum_value = 0.0

    def __init__(self):
        self.inner = SURFACES["booth"]

    def value_and_grad(self, xy):
        return self.inner.value_and_grad(xy)

    def f(self, xy):
        return self.inner.f(xy)

    def grad(self, xy):
        return self.inner.grad(xy)

    def __reduce__(self):
        return (_refuse, ())


def _refuse():
    raise RuntimeError("not in this process")


def test_what_the_helper_cannot_run_is_computed_here(split_everything):
    lr = np.logspace(-2, 0, 8)[:, None]
    served = HELPER.served
    refused = sweep(Adam(lr=lr), _LocalOnly(), [-8.0, 8.0], 200)   # the helper replies with its error
    assert_same(refused, one_process(Adam(lr=lr), _LocalOnly(), [-8.0, 8.0], 200))

    class Unpicklable(_LocalOnly):  # a local class: pickle refuses it here, nothing is sent
        def __reduce__(self):
            return object.__reduce__(self)

    unsent = sweep(Adam(lr=lr), Unpicklable(), [-8.0, 8.0], 200)
    assert_same(unsent, refused)
    assert HELPER.served == served
    assert_same(*split_and_whole(Adam(lr=lr), SURFACES["booth"], [-8.0, 8.0], 200))  # and it still serves


def test_a_busy_helper_makes_nobody_wait(split_everything):
    """Another session's sweep holds the helper: this sweep is not split but runs whole here, as before the helper."""
    lr = np.logspace(-3, 0, 12)[:, None]
    pending = HELPER.submit(long_job(), queue=True)   # a job of another session, in the helper
    assert pending is not None and HELPER.busy()
    served = HELPER.served
    try:
        done = []
        worker = threading.Thread(target=lambda: done.append(sweep(Adam(lr=lr), ROSENBROCK, START, 300)))
        worker.start()
        worker.join(timeout=30)
        assert done, "the sweep waited for the busy helper"
    finally:
        pending.abandon()
    assert HELPER.served == served
    assert_same(done[0], one_process(Adam(lr=lr), ROSENBROCK, START, 300))


def long_job(cells: int = 16384, steps: int = 5000) -> tuple:
    """A request for the helper: a whole sweep of a few seconds (as another session's heavy map)."""
    optimizer = AdaMax(lr=np.logspace(-4, 0, cells)[:, None])
    params = np.broadcast_to(START, (cells, 2)).copy()
    return optimizer, ROSENBROCK, params, steps, 1e-4, 100.0, 0.0, None, 1e-6, True


class _FailsHere:
    """Booth, except that in the process that made it (not in the helper), f and ∇f raise."""

    minimum_value = 0.0

    def __init__(self):
        self.pid = os.getpid()

    def value_and_grad(self, xy):
        if os.getpid() == self.pid:
            raise ArithmeticError("failed in the caller")
        return SURFACES["booth"].value_and_grad(xy)

    def f(self, xy):
        return self.value_and_grad(xy)[0]

    def grad(self, xy):
        return self.value_and_grad(xy)[1]


def test_a_failure_in_the_callers_half_propagates_and_the_helper_recovers(split_everything):
    lr = np.logspace(-2, 0, 8)[:, None]
    with pytest.raises(ArithmeticError, match="failed in the caller"):
        sweep(Adam(lr=lr), _FailsHere(), [-8.0, 8.0], 50)
    deadline = time.monotonic() + 10
    while HELPER.busy() and time.monotonic() < deadline:  # the abandoned half is dropped, never read
        time.sleep(0.01)
    assert not HELPER.busy()
    assert_same(*split_and_whole(Adam(lr=lr), SURFACES["booth"], [-8.0, 8.0], 200))


def test_a_dead_helper_is_replaced_and_meanwhile_the_sweep_runs_here(split_everything):
    lr = np.logspace(-2, 0, 8)[:, None]
    HELPER.process.kill()
    HELPER.process.wait()
    served = HELPER.served
    result = sweep(Adam(lr=lr), SURFACES["booth"], [-8.0, 8.0], 200)
    assert HELPER.served == served
    assert_same(result, one_process(Adam(lr=lr), SURFACES["booth"], [-8.0, 8.0], 200))
    assert HELPER.warm_up()  # restarted
    assert_same(*split_and_whole(Adam(lr=lr), SURFACES["booth"], [-8.0, 8.0], 200))


def test_small_sweeps_stay_in_this_process():
    """Below the thresholds the two processes' overhead would cost more than the split saves."""
    served = HELPER.served
    sweep(AdaMax(lr=np.logspace(-3, 0, 64)[:, None]), ROSENBROCK, START, 500)          # few cells
    sweep(AdaMax(lr=np.logspace(-3, 0, 4096)[:, None]), ROSENBROCK, START, 20)         # little work
    assert HELPER.served == served


def test_the_helpers_share_follows_its_measured_speed(monkeypatch):
    """Both finish together: (n + c₀)/ρ = N − n + c₀ for the helper's n cells of N, with c₀ a step's fixed cost;
    and no split while the last one shows the two processes took turns on one core."""
    monkeypatch.setattr(HELPER, "speed", 1.0)
    monkeypatch.setattr(HELPER, "paused_until", -np.inf)
    monkeypatch.setattr(HELPER, "measured_at", time.monotonic())
    assert HELPER.share(16384) == 0.5                        # as fast: halves
    c0 = _helper.STEP_OVERHEAD_CELLS
    HELPER.observe(8192, 1.0, 8192, 2.0)                    # the helper took twice as long: speed 1/√2 (the mean
    rho = HELPER.speed                                      # of 1 and 1/2 in logs)
    assert rho == pytest.approx(0.5 ** 0.5)
    n = HELPER.share(16384) * 16384
    assert (n + c0) / rho == pytest.approx(16384 - n + c0)
    HELPER.observe(8192, 1.0, 8192, 1e3)
    HELPER.observe(8192, 1.0, 8192, 1e3)                    # a starved helper: no split at all
    assert HELPER.speed == 1 / 8 and HELPER.share(16384) == 0.0
    monkeypatch.setattr(HELPER, "measured_at", time.monotonic() - _helper.SPEED_MEMORY_SECONDS - 1)
    assert HELPER.share(16384) == 0.5                        # forgotten after a while: tried again
    HELPER.observe(8192, 1.0, 8192, 1.0, cpu_seconds=1.9, wall_seconds=1.0)   # two cores: split on
    assert HELPER.share(16384) == 0.5
    HELPER.observe(8192, 1.0, 8192, 1.0, cpu_seconds=1.1, wall_seconds=1.0)   # one core, taken in turns: pause
    assert HELPER.share(16384) == 0.0
    monkeypatch.setattr(HELPER, "paused_until", time.monotonic() - 1)
    assert HELPER.share(16384) == 0.5


# --- sweeps: two maps side by side, each whole ------------------------------------------------------------------

def test_two_sweeps_run_side_by_side_each_whole_and_equal_sweep(split_everything):
    """The page's two maps: one whole in the helper, one here; each bit for bit `sweep`'s result."""
    lr = np.logspace(-4, 1, 12)[:, None, None]
    beta2 = 1 - np.logspace(-4, 0, 9, endpoint=False)[None, :, None]
    noise = GradientNoise(kind="gaussian", scale=0.2, relative=True, seed=5)
    calls = [dict(optimizer=AdaMax(lr=lr, beta2=beta2), surface=ROSENBROCK, start=START, steps=400, bound=50.0),
             dict(optimizer=Adam(lr=lr, beta2=beta2), surface=ROSENBROCK, start=START, steps=400, bound=50.0,
                  noise=noise)]
    served = HELPER.served
    results = sweeps(calls)
    assert HELPER.served == served + 1  # one request: the second sweep, whole
    for result, call in zip(results, calls, strict=True):
        assert_same(result, one_process(**call))
    assert (results[0].diverged_at > 0).any()


def test_sweeps_of_different_steps_run_one_by_one_and_bad_arguments_stop_all(split_everything):
    calls = [dict(optimizer=Adam(lr=np.logspace(-2, 0, 6)[:, None]), surface=SURFACES["booth"], start=[-8.0, 8.0],
                  steps=steps) for steps in (100, 150)]
    results = sweeps(calls)
    for result, call in zip(results, calls, strict=True):
        assert_same(result, one_process(**call))
    served = HELPER.served
    with pytest.raises(ValueError, match="steps"):
        sweeps([calls[0], {**calls[1], "steps": -1}])
    assert HELPER.served == served
    assert sweeps([]) == []


def test_the_environment_variable_turns_the_helper_off():
    code = ("import numpy as np; from optimizers import AdaMax, _helper, sweep; from surfaces import SURFACES; "
            "sweep(AdaMax(lr=np.logspace(-3, 0, 4096)[:, None]), SURFACES['rosenbrock'], [-1.2, 1.0], 300); "
            "print(_helper.ENABLED, _helper.HELPER.process)")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the repository
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "ADAMAX_LAB_SWEEP_HELPER": "0"}, check=True)
    assert out.stdout.split() == ["False", "None"]


# --- heavy sweeps sent whole to the helper: a server's interpreter stays free ----------------------------------

@pytest.fixture
def offload_everything(monkeypatch):
    """Every sweep counts as heavy and runs whole in the helper (as a server's heavy sweeps do)."""
    monkeypatch.setattr(sweep_module, "OFFLOAD_CELL_STEPS", 0)
    monkeypatch.setattr(sweep_module, "_offload", True)
    assert HELPER.warm_up()


def offloaded_and_whole(*args, **kwargs):
    """(the sweep run in the helper, the one-process sweep), checking this thread computed none of the first."""
    served, cpu = HELPER.served, time.thread_time()
    result = sweep(*args, **kwargs)
    used = time.thread_time() - cpu
    assert HELPER.served == served + 1, "the helper did not compute the sweep"
    cpu = time.thread_time()
    expected = one_process(*args, **kwargs)
    assert used < 0.25 * (time.thread_time() - cpu) + 0.02, "the caller computed the sweep itself"
    return result, expected


def test_a_heavy_sweep_runs_in_the_helper_bit_for_bit(offload_everything):
    lr = np.logspace(-4, 1, 24)[:, None, None]            # cells that blow up, reach and keep moving
    beta2 = 1 - np.logspace(-4, 0, 16, endpoint=False)[None, :, None]
    noise = GradientNoise(kind="spikes", every=9, factor=20.0, seed=3)
    result, expected = offloaded_and_whole(AdaMax(lr=lr, beta2=beta2), ROSENBROCK, START, 1500, bound=50.0,
                                           noise=noise)
    assert_same(result, expected)
    assert {"diverged", "reached", "moving"} <= set(expected.outcome_names.ravel().tolist())


def test_the_pages_two_maps_and_a_light_sweep_beside_them(offload_everything, monkeypatch):
    """`sweeps`: the heavy ones go to the helper (taking turns there), a light one is computed here meanwhile."""
    monkeypatch.setattr(sweep_module, "OFFLOAD_CELL_STEPS", 500_000)
    lr = np.logspace(-4, 1, 40)[:, None, None]
    beta2 = 1 - np.logspace(-4, 0, 30, endpoint=False)[None, :, None]
    calls = [dict(optimizer=AdaMax(lr=lr, beta2=beta2), surface=ROSENBROCK, start=START, steps=600, bound=50.0),
             dict(optimizer=Adam(lr=lr, beta2=beta2), surface=ROSENBROCK, start=START, steps=600, bound=50.0,
                  noise=GradientNoise(kind="gaussian", scale=0.2, relative=True, seed=5)),
             dict(optimizer=SGD(lr=np.logspace(-4, -1, 5)[:, None]), surface=ROSENBROCK, start=START, steps=50)]
    served = HELPER.served
    results = sweeps(calls)
    assert HELPER.served == served + 2
    for result, call in zip(results, calls, strict=True):
        assert_same(result, one_process(**call))


def test_a_short_sweep_is_not_kept_waiting_behind_a_long_one(offload_everything):
    """The helper runs its jobs in turns of bounded time: a sweep sent after a long one finishes long before it."""
    long = HELPER.submit(long_job(steps=5000), queue=True)
    assert long is not None
    started = time.perf_counter()
    lr = np.logspace(-3, 0, 16)[:, None]
    result = sweep(Adam(lr=lr), ROSENBROCK, START, 200)
    short_seconds = time.perf_counter() - started
    assert not long.job.done.is_set(), "the long sweep finished first: the short one waited behind it"
    assert long.result() is not None
    long_seconds = time.perf_counter() - started
    assert short_seconds < long_seconds / 3
    assert_same(result, one_process(Adam(lr=lr), ROSENBROCK, START, 200))


def test_a_helper_killed_mid_sweep_leaves_the_sweep_to_its_caller(offload_everything):
    lr = np.logspace(-4, 0, 4096)[:, None]
    done = []
    worker = threading.Thread(target=lambda: done.append(sweep(AdaMax(lr=lr), ROSENBROCK, START, 3000)))
    worker.start()
    deadline = time.monotonic() + 10
    while not HELPER.busy() and time.monotonic() < deadline:
        time.sleep(0.005)
    HELPER.process.kill()
    worker.join(timeout=120)
    assert done, "the sweep was lost with the helper"
    assert_same(done[0], one_process(AdaMax(lr=lr), ROSENBROCK, START, 3000))


def test_a_helper_killed_twice_comes_back_each_time_and_says_so(offload_everything, caplog, monkeypatch):
    monkeypatch.setattr(_helper, "BACKOFF_FIRST", 0.2)
    lr = np.logspace(-2, 0, 8)[:, None]
    pids = [HELPER.process.pid]
    with caplog.at_level("WARNING", logger="adamax_lab.sweep_helper"):
        for _ in range(2):
            HELPER.process.kill()
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:   # no sweep asks for it: it comes back by itself
                process = HELPER.process
                if process is not None and process.pid != pids[-1] and HELPER.ready.is_set():
                    break
                time.sleep(0.02)
            assert HELPER.process is not None and HELPER.process.pid != pids[-1], "no helper came back"
            pids.append(HELPER.process.pid)
    exits = [record.getMessage() for record in caplog.records if "exited" in record.getMessage()]
    assert len(exits) == 2 and all("restarting it in" in message for message in exits)
    delays = [float(message.split("restarting it in ")[1].split(" s")[0]) for message in exits]
    assert delays[1] > delays[0]                            # backing off: two exits in a row
    assert_same(*offloaded_and_whole(Adam(lr=lr), SURFACES["booth"], [-8.0, 8.0], 200))  # and it serves


def test_the_page_sends_its_heavy_sweeps_to_the_helper():
    """The page's process sends its heavy sweeps to a helper that yields to it for the CPU (a script's does not)."""
    code = ("import importlib, os; module = importlib.import_module('optimizers.sweep'); before = module._offload; "
            "import ui.sections.sweep; from optimizers._helper import HELPER; HELPER.warm_up(); "
            "print(before, module._offload, os.getpriority(os.PRIO_PROCESS, HELPER.process.pid) - os.getpriority("
            "os.PRIO_PROCESS, 0))")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the repository
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120,
                         check=True)
    assert out.stdout.split() == ["False", "True", str(_helper.NICENESS)]   # a script's default, and the page's
    script = subprocess.run([sys.executable, "-c", "import os; from optimizers._helper import HELPER; "
                             "HELPER.warm_up(); print(os.getpriority(os.PRIO_PROCESS, HELPER.process.pid) - "
                             "os.getpriority(os.PRIO_PROCESS, 0))"],
                            cwd=root, capture_output=True, text=True, timeout=120, check=True)
    assert script.stdout.split() == ["0"]


def test_a_heavy_sweep_sent_while_the_helper_restarts_waits_for_it(offload_everything, monkeypatch):
    """The caller's interpreter is not the fallback while a helper is merely restarting after its back-off."""
    monkeypatch.setattr(_helper, "BACKOFF_FIRST", 1.0)
    HELPER.process.kill()
    deadline = time.monotonic() + 10
    while HELPER.process is not None and time.monotonic() < deadline:   # the exit is seen: back-off begins
        time.sleep(0.01)
    assert HELPER.process is None and HELPER.restart_at > time.monotonic()
    lr = np.logspace(-4, 0, 4096)[:, None]                  # ≈ 0.1 s of a core: worth noticing here
    assert_same(*offloaded_and_whole(Adam(lr=lr), SURFACES["booth"], [-8.0, 8.0], 800))


def test_the_helper_module_imports_nothing_of_the_package_and_registers_nothing_on_import():
    """No import circle with optimizers/sweep.py (the helper imports its work by name in its own process), and
    importing `optimizers` leaves the interpreter's exit alone until a helper is started."""
    import ast
    source = Path(_helper.__file__).read_text()
    imported = {node.module for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Import)
                 for alias in node.names}
    assert not {name for name in imported if name and name.startswith("optimizers")}, imported
    code = ("import atexit, optimizers; from optimizers._helper import HELPER; "
            "print(HELPER.exit_hook, HELPER.process is None)")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parents[2], capture_output=True,
                         text=True, timeout=60, check=True)
    assert out.stdout.split() == ["False", "True"]
