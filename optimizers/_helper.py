"""A helper process that runs part of a large sweep, so a sweep uses both cores of a 2-core machine.

Why a process and not threads. NumPy's ufuncs release the GIL while they loop, but a sweep step is ~35 ufunc
calls of a few µs each on a 64 × 128 half-batch, and every call hands the GIL over between the threads: measured
on this project's 2-core VM, two threads each running half of the 128 × 128 benchmark sweep took 520–720 ms
against 430–500 ms for one thread doing all of it (each thread's CPU time was half the wall time: they ran in
turn, not side by side; a Rosenbrock gradient loop alone went from 138 ms to 333 ms in two threads). Two
processes have no GIL to share: the same two halves, in two processes, took 267–425 ms each at load ≈ 2.

The design:
- one helper per process (two processes in all: this project's machines have 2 cores; with one core there is
  no helper), started on the first sweep large enough to be split (that sweep runs whole in the
  caller while the helper imports NumPy, ≈ 0.3 s); `python -c` with the parent's sys.path, not
  multiprocessing, which would import the parent's `__main__` again (a Streamlit page, a user's script);
- requests and replies are length-prefixed pickles over the helper's stdin and stdout; the helper runs
  `optimizers.sweep._sweep_piece` and replies with its RunMetrics, or with the error it met. The piece is a
  slab of one sweep (`sweep`), or a whole sweep when two are run together (`sweeps`, the page's two maps);
- the helper's share of a batch follows its speed relative to the caller's, measured on each split sweep
  (`_Helper.share`): half on a quiet machine; less when its core is busy with other work, so that the caller
  does not wait long for it; nothing below MIN_SHARE. When the two processes had to take turns on one core
  (the CPU time of a split sweep not well above its wall time), splits pause for PAUSE_SECONDS: then a split
  only adds its overhead (each slab pays a step's fixed cost: ≈ 15% more CPU for a 128 × 128 grid, ≈ 40% for
  a 64 × 64 one). A measured speed is forgotten after SPEED_MEMORY_SECONDS;
- the helper serves one request at a time. Streamlit runs every session in a thread of one process, so a caller
  only *tries* to take the helper (`threading.Lock.acquire(blocking=False)`): when another session's sweep holds
  it, this sweep runs whole in its own thread, exactly as it did before there was a helper. Nobody ever waits
  for someone else's sweep;
- anything that cannot go (an object pickle refuses, e.g. a formula surface's lambdified functions), an error in
  the helper (a class it cannot import, such as one defined in a script's `__main__`), or a helper that died:
  the caller computes that half itself. A dead helper is restarted on a later sweep, at most MAX_STARTS times;
- the helper exits when its stdin closes: at the parent's exit (atexit), or when the parent dies.

Set the environment variable ADAMAX_LAB_SWEEP_HELPER=0 to never start it (every sweep then runs in its caller).
"""

from __future__ import annotations

import atexit
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, BinaryIO

import numpy as np

MAX_STARTS = 3            # helpers started per process at most (a helper that keeps dying is not retried forever)
STEP_OVERHEAD_CELLS = 2048  # a sweep step's fixed cost (≈ 25 µs of Python and ufunc calls), in cells (≈ 12 ns each)
MIN_SHARE = 0.1           # a helper share below this of a batch: not worth a split, the sweep runs whole here
SPEED_MEMORY_SECONDS = 5.0   # a speed measured longer ago than this is forgotten: the two are taken as equal again
MIN_PARALLELISM = 1.3     # CPU time / wall time of a split sweep below this: it did not get two cores …
PAUSE_SECONDS = 2.0       # … and splits pause this long (a busy machine's load comes and goes within seconds)
_HEADER = struct.Struct("<Q")
_BOOTSTRAP = "import sys; sys.path[:0] = sys.argv[1:]; from optimizers._helper import serve; serve()"


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS reports it, as in a container)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


ENABLED = (os.environ.get("ADAMAX_LAB_SWEEP_HELPER", "1") != "0" and os.name == "posix"
           and available_cores() >= 2)


def _write(stream: BinaryIO, payload: bytes) -> None:
    stream.write(_HEADER.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def _read(stream: BinaryIO) -> bytes | None:
    """One message, or None at the end of the stream (the other side is gone)."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    size = _HEADER.unpack(header)[0]
    payload = stream.read(size)
    return payload if len(payload) == size else None


class _Helper:
    """The parent's side: the helper process, its state, and the lock that lets one request through at a time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()   # held from a request until its reply is read; only ever try-acquired
        self.process: subprocess.Popen[bytes] | None = None
        self.ready = False             # the helper said hello: it has imported NumPy and the optimizers
        self.starts = 0
        self.peak_rss_kb = 0           # the helper's peak resident memory, from its last reply …
        self.cpu_seconds = 0.0         # … and the CPU time it has used (benchmarks add it to the caller's)
        self.served = 0                # pieces it has computed (tests check the work went there)
        self.owner = os.getpid()       # a forked child inherits this object, but the helper is not its own
        self.speed = 1.0               # its speed over the caller's, as last measured (1: as fast; 0.5: half)
        self.measured_at = -np.inf     # when (time.monotonic())
        self.paused_until = -np.inf    # no split before this time (time.monotonic())

    def share(self, cells: int) -> float:
        """The fraction of a batch of `cells` to send the helper, so that both finish together.

        Each process's time is (its cells + STEP_OVERHEAD_CELLS) / its speed, so the helper gets n cells with
        (n + c₀)/ρ = (N − n + c₀), ρ = its speed relative to the caller's: n = ((N + c₀)ρ − c₀)/(1 + ρ), N/2 when
        ρ = 1. On a busy machine the helper's core is shared (ρ < 1), and it gets less; 0 below MIN_SHARE, and 0
        while paused (the two processes last shared one core between them: a split only added its overhead).
        """
        now = time.monotonic()
        if not ENABLED or now < self.paused_until:
            return 0.0
        if now - self.measured_at > SPEED_MEMORY_SECONDS:
            self.speed = 1.0
        rho = self.speed
        share = ((cells + STEP_OVERHEAD_CELLS) * rho - STEP_OVERHEAD_CELLS) / (1 + rho) / cells
        return share if share >= MIN_SHARE else 0.0

    def observe(self, my_cells: int, my_seconds: float, their_cells: int, their_seconds: float, *,
                cpu_seconds: float | None = None, wall_seconds: float | None = None) -> None:
        """Learn from one split sweep: each side's cells and wall time for its piece, and optionally the CPU time
        both used together over the sweep's wall time.

        The helper's relative speed is updated (a geometric mean with the last estimate). CPU over wall is the
        parallelism the split obtained: about 2 when each process had a core, about 1 when they took turns on one
        (the other core busy with other work). Below MIN_PARALLELISM splits pause for PAUSE_SECONDS.
        """
        if my_seconds <= 0 or their_seconds <= 0:
            return
        measured = ((their_cells + STEP_OVERHEAD_CELLS) / their_seconds) / ((my_cells + STEP_OVERHEAD_CELLS)
                                                                             / my_seconds)
        self.speed = float(np.clip(np.sqrt(self.speed * measured), 1 / 8, 8))
        self.measured_at = time.monotonic()
        if cpu_seconds is not None and wall_seconds and cpu_seconds / wall_seconds < MIN_PARALLELISM:
            self.paused_until = self.measured_at + PAUSE_SECONDS

    def _start(self) -> None:
        self.owner = os.getpid()
        self.starts += 1
        self.ready = False
        paths = [path for path in sys.path if isinstance(path, str) and path]
        try:
            self.process = subprocess.Popen([sys.executable, "-c", _BOOTSTRAP, *paths],
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        except OSError:  # no interpreter to start (an embedded Python): sweeps run in their caller
            self.process = None

    def _forget_if_forked(self) -> None:
        """In a child forked after the helper started, the helper's pipes are the parent's: start another."""
        if self.process is not None and self.owner != os.getpid():
            self.process, self.ready, self.starts = None, False, 0

    def _stop(self) -> None:
        process, self.process, self.ready = self.process, None, False
        if process is not None:
            process.kill()
            process.wait()

    def _check_ready(self, timeout: float) -> bool:
        """Whether the helper has said hello (reading the hello if it is there within `timeout` seconds)."""
        if self.ready:
            return True
        assert self.process is not None and self.process.stdout is not None
        if select.select([self.process.stdout], [], [], timeout)[0]:
            hello = _read(self.process.stdout)
            if hello is None or pickle.loads(hello) != "ready":
                self._stop()
                return False
            self.ready = True
        return self.ready

    def submit(self, arguments: tuple) -> _Pending | None:
        """Send one piece of work; None (and nothing sent) when the helper is busy, still starting, or unavailable."""
        if not ENABLED or not self.lock.acquire(blocking=False):
            return None
        self._forget_if_forked()
        try:
            if self.process is not None and self.process.poll() is not None:
                self._stop()  # it died since the last request
            if self.process is None:
                if self.starts < MAX_STARTS:
                    self._start()
                self.lock.release()
                return None   # this sweep runs whole in its caller while the helper starts
            if not self._check_ready(0.0):
                self.lock.release()
                return None
            try:
                request = pickle.dumps(arguments, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # whatever pickle refuses (a lambdified formula) is computed here
                self.lock.release()
                return None
            assert self.process.stdin is not None
            _write(self.process.stdin, request)
        except OSError:  # the helper is gone (a broken pipe)
            self._stop()
            self.lock.release()
            return None
        return _Pending(self)

    def warm_up(self, timeout: float = 30.0) -> bool:
        """Start the helper if needed and wait until it is ready (benchmarks and tests); True when it is."""
        if not ENABLED:
            return False
        with self.lock:
            self._forget_if_forked()
            if self.process is not None and self.process.poll() is not None:
                self._stop()
            if self.process is None:
                self._start()
            return self.process is not None and self._check_ready(timeout)

    def close(self) -> None:
        """End the helper (at exit): closing its stdin ends its loop."""
        process, self.process, self.ready = self.process, None, False
        if process is not None:
            try:
                assert process.stdin is not None
                process.stdin.close()
                process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()


class _Pending:
    """A request sent to the helper: `result()` reads its reply (once) and lets the next request through."""

    def __init__(self, helper: _Helper) -> None:
        self.helper = helper
        self.done = False
        self.seconds = 0.0      # the helper's own wall time for the piece (transfer not included) …
        self.cpu_seconds = 0.0  # … and its CPU time for it

    def result(self) -> Any | None:
        """The helper's return value, or None if it failed (the caller then computes the piece itself)."""
        helper = self.helper
        try:
            assert helper.process is not None and helper.process.stdout is not None
            reply = _read(helper.process.stdout)
            if reply is None:
                helper._stop()
                return None
            status, value, self.seconds, self.cpu_seconds, helper.peak_rss_kb, total_cpu = pickle.loads(reply)
            helper.cpu_seconds = total_cpu
            if status != "ok":
                return None
            helper.served += 1
            return value
        except (OSError, pickle.UnpicklingError, ValueError, EOFError):
            helper._stop()
            return None
        finally:
            self.done = True
            helper.lock.release()

    def abandon(self) -> None:
        """The caller failed before reading the reply: end the helper rather than leave a reply in its pipe."""
        if not self.done:
            self.done = True
            self.helper._stop()
            self.helper.lock.release()


HELPER = _Helper()
atexit.register(HELPER.close)


def serve(stdin: BinaryIO | None = None, stdout: BinaryIO | None = None,
          work: Callable[..., Any] | None = None) -> None:
    """The helper's loop: read a request, run it, reply; return when stdin closes."""
    if stdout is None:
        # Our stdout carries the replies: anything printed (a library's message) goes to stderr instead.
        stdout = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
        sys.stdout = sys.stderr
    stdin = stdin if stdin is not None else sys.stdin.buffer
    import resource  # POSIX only, as the helper
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a terminal is for the parent; it ends us by closing stdin
    if work is None:
        from optimizers.sweep import _sweep_piece as work
    _write(stdout, pickle.dumps("ready"))
    while (request := _read(stdin)) is not None:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            reply = ("ok", work(*pickle.loads(request)))
        except Exception as error:  # any failure is reported; the parent computes the piece itself
            reply = ("error", f"{type(error).__name__}: {error}")
        usage = resource.getrusage(resource.RUSAGE_SELF)
        _write(stdout, pickle.dumps((*reply, time.perf_counter() - started, time.process_time() - cpu,
                                     usage.ru_maxrss, usage.ru_utime + usage.ru_stime),
                                    protocol=pickle.HIGHEST_PROTOCOL))
