"""A helper process for sweeps: it runs part of a large sweep beside the caller (two cores), or a whole heavy sweep
instead of the caller (a server keeps its interpreter for its sessions).

Why a process and not threads. A sweep step is ~35 NumPy calls of a few µs, each handing the GIL over between
threads: measured on this project's 2-core machine, two threads each running half of a 128 × 128 sweep took
520–720 ms against 430–500 ms for one thread doing all of it. Two processes have no GIL to share.

The design:
- one helper per process, started on the first sweep that wants it (`python -c` with the parent's sys.path, not
  multiprocessing, which would import the parent's `__main__` again: a Streamlit page, a user's script);
- requests and replies are length-prefixed pickles over the helper's stdin and stdout, each tagged with a job
  number, so several sessions' jobs are in the helper at once. The helper runs each job (a generator that yields
  after every step of its loop, `optimizers.sweep._sweep_piece_steps`) for at most SLICE_SECONDS at a time, in
  turn: a long sweep cannot keep another session's short one waiting behind it. A thread of the parent reads
  the replies and wakes the caller waiting for each; the caller waits without holding the GIL. For a server
  (`niceness` set, by optimizers.sweep.offload_heavy_sweeps) the helper runs at a lower priority: where cores are
  short, the processes answering clicks come first;
- `submit(…, queue=False)` (the split of a large sweep, for speed) only takes an idle helper: nobody waits for
  another session's sweep. `submit(…, queue=True)` (a heavy sweep sent whole) joins the helper's turns;
- the helper's share of a split follows its speed relative to the caller's (`share`); when the two processes had
  to take turns on one core, splits pause for PAUSE_SECONDS;
- anything that cannot go (an object pickle refuses, a class the helper cannot import) or a helper that died
  mid-job: the caller computes that piece itself. A helper that exits is restarted after a back-off (BACKOFF_FIRST
  seconds, doubling with each death in a row up to BACKOFF_MAX), with a line in the log; a heavy sweep sent
  meanwhile waits for it rather than hold its caller's interpreter;
- the helper exits when its stdin closes: at the parent's exit (an atexit hook, registered when the first helper
  starts, not on import), or when the parent dies.

Set the environment variable ADAMAX_LAB_SWEEP_HELPER=0 to never start it (every sweep then runs in its caller).
"""

from __future__ import annotations

import atexit
import importlib
import logging
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, BinaryIO

import numpy as np

STEP_OVERHEAD_CELLS = 2048  # a sweep step's fixed cost (≈ 25 µs of Python and ufunc calls), in cells (≈ 12 ns each)
MIN_SHARE = 0.1           # a helper share below this of a batch: not worth a split, the sweep runs whole here
SPEED_MEMORY_SECONDS = 5.0   # a speed measured longer ago than this is forgotten: the two are taken as equal again
MIN_PARALLELISM = 1.3     # CPU time / wall time of a split sweep below this: it did not get two cores …
PAUSE_SECONDS = 2.0       # … and splits pause this long (a busy machine's load comes and goes within seconds)
SLICE_SECONDS = 0.02      # the helper runs one job this long before turning to the next
READY_SECONDS = 40.0      # a queued job waits this long at most for a helper to start (imports ≈ 0.3–2 s) or
                          # to come back after its back-off (≤ BACKOFF_MAX), rather than hold its caller's interpreter
BACKOFF_FIRST = 0.5       # seconds before restarting a helper that exited …
BACKOFF_MAX = 30.0        # … doubling with each exit in a row, up to this
BACKOFF_FORGET = 60.0     # a helper that lived this long before exiting starts the count again
NICENESS = 10             # a server's helper: its scheduling priority below its parent's (os.nice)
_NICENESS_VARIABLE = "ADAMAX_LAB_SWEEP_HELPER_NICENESS"
_HEADER = struct.Struct("<Q")
# The helper's command: argv[1] names the work ("module:function"), imported in the helper's own process (this module
# imports nothing of the package: no import circle with optimizers/sweep.py, which uses it); the rest is sys.path.
_BOOTSTRAP = ("import importlib, sys; sys.path[:0] = sys.argv[2:]; module, name = sys.argv[1].split(':'); "
              "from optimizers._helper import serve; serve(work=getattr(importlib.import_module(module), name))")
WORK = "optimizers.sweep:_sweep_piece_steps"   # what a job runs: a sweep's piece, one step at a time
LOG = logging.getLogger("adamax_lab.sweep_helper")


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


class _Job:
    """One request in the helper: its reply, when it comes, and the event its caller waits on."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.done = threading.Event()
        self.reply: tuple | None = None   # (status, value, seconds, cpu seconds), or None: the helper is gone


class _Helper:
    """The parent's side: the helper process, the jobs sent to it, the thread that reads its replies."""

    def __init__(self) -> None:
        self.lock = threading.RLock()  # guards the process, the jobs and writes to the helper's stdin
        self.process: subprocess.Popen[bytes] | None = None
        self.ready = threading.Event()  # the current helper said hello: it has imported NumPy and the optimizers
        self.jobs: dict[int, _Job] = {}
        self.numbers = 0
        self.starts = 0
        self.exits = 0                 # exits in a row (the back-off's exponent)
        self.started_at = 0.0
        self.restart_at = -np.inf      # no start before this time (time.monotonic()): the back-off
        self.closing = False
        self.peak_rss_kb = 0           # the helper's peak resident memory, from its last reply …
        self.cpu_seconds = 0.0         # … and the CPU time it has used (benchmarks add it to the caller's)
        self.served = 0                # pieces it has computed (tests check the work went there)
        self.owner = os.getpid()       # a forked child inherits this object, but the helper is not its own
        self.speed = 1.0               # its speed over the caller's, as last measured (1: as fast; 0.5: half)
        self.measured_at = -np.inf     # when (time.monotonic())
        self.paused_until = -np.inf    # no split before this time (time.monotonic())
        self.niceness = 0              # added to the helper's niceness when it starts (a server's: NICENESS)
        self.exit_hook = False         # atexit closes the helper; registered when the first helper starts

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

    # --- the process ---------------------------------------------------------------------------------------------

    def _start(self) -> None:
        """Start a helper (the lock held) and the thread that reads its replies."""
        self.owner = os.getpid()
        self.starts += 1
        self.ready = threading.Event()
        paths = [path for path in sys.path if isinstance(path, str) and path]
        try:
            process = subprocess.Popen([sys.executable, "-c", _BOOTSTRAP, WORK, *paths],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       env={**os.environ, _NICENESS_VARIABLE: str(self.niceness)})
        except OSError:  # no interpreter to start (an embedded Python): sweeps run in their caller
            self.process = None
            return
        self.process, self.started_at = process, time.monotonic()
        if not self.exit_hook:  # the helper ends with this process: registered once, when the first one starts
            atexit.register(self.close)
            self.exit_hook = True
        threading.Thread(target=self._read_replies, args=(process, self.ready), daemon=True,
                         name="sweep-helper-replies").start()

    def _read_replies(self, process: subprocess.Popen, ready: threading.Event) -> None:
        """The reader thread of one helper process: hello, then replies, until its stdout ends."""
        assert process.stdout is not None
        try:
            while (message := _read(process.stdout)) is not None:
                decoded = pickle.loads(message)
                if decoded == "ready":
                    ready.set()
                    continue
                # A reply is its facts, then its value as a message of its own, kept pickled until its caller
                # reads it: one copy here while the caller may still be computing its own half.
                number, status, seconds, cpu, self.peak_rss_kb, self.cpu_seconds = decoded
                value = _read(process.stdout)
                if value is None:
                    break
                with self.lock:
                    job = self.jobs.pop(number, None)
                if job is not None:
                    job.reply = (status, value, seconds, cpu)
                    job.done.set()
        except (OSError, ValueError, EOFError, pickle.UnpicklingError, TypeError):
            pass
        self._ended(process)

    def _ended(self, process: subprocess.Popen) -> None:
        """A helper's stdout closed: it exited (or was killed). Its jobs fail; another starts after the back-off."""
        process.wait()
        with self.lock:
            if self.process is not process:   # stopped on purpose, or already replaced
                return
            self.process = None
            failed, self.jobs = list(self.jobs.values()), {}
            if self.closing:
                return
            self.exits = 1 if time.monotonic() - self.started_at >= BACKOFF_FORGET else self.exits + 1
            delay = min(BACKOFF_FIRST * 2 ** (self.exits - 1), BACKOFF_MAX)
            self.restart_at = time.monotonic() + delay
        for job in failed:
            job.done.set()
        LOG.warning("sweep helper (pid %d) exited with code %s; %d sweep(s) in it are computed by their callers; "
                    "restarting it in %.1f s", process.pid, process.returncode, len(failed), delay)
        timer = threading.Timer(delay, self._restart)
        timer.daemon = True
        timer.start()

    def _restart(self) -> None:
        with self.lock:
            if self.process is None and not self.closing and self.owner == os.getpid():
                self._start()
                if self.process is not None:
                    LOG.warning("sweep helper restarted (pid %d)", self.process.pid)

    def _forget_if_forked(self) -> None:
        """In a child forked after the helper started, the helper's pipes are the parent's: start another."""
        if self.process is not None and self.owner != os.getpid():
            self.process, self.jobs, self.ready = None, {}, threading.Event()
            self.lock = threading.RLock()

    def _running(self, start: bool) -> bool:
        """Whether a helper process is there (the lock held), starting one if `start` and the back-off allows."""
        self._forget_if_forked()
        if self.process is None and start and time.monotonic() >= self.restart_at:
            self._start()
        return self.process is not None

    # --- jobs ----------------------------------------------------------------------------------------------------

    def submit(self, arguments: tuple, *, queue: bool = False) -> _Pending | None:
        """Send one piece of work; None when nothing was sent (the caller computes it).

        queue=False: only to an idle, ready helper (a split: nobody waits for another session's sweep; the first
        such request starts the helper and runs here). queue=True: to the helper whatever it is doing, its turns
        shared with the jobs it holds; waits up to READY_SECONDS for a helper that is starting or restarting.
        """
        if not ENABLED:
            return None
        deadline = time.monotonic() + READY_SECONDS
        while True:
            with self.lock:
                running = self._running(start=True)
                ready = self.ready
                waiting_restart = self.process is None and self.restart_at > time.monotonic() and not self.closing
            if running or not queue or not waiting_restart or time.monotonic() >= deadline:
                break
            time.sleep(0.05)   # a helper restarting after its back-off: a heavy sweep waits for it, not here
        if not running or (not queue and (self.jobs or not ready.is_set())):
            return None
        if queue and not ready.wait(max(deadline - time.monotonic(), 0.0)):
            return None
        try:
            request = pickle.dumps(arguments, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # whatever pickle refuses (a lambdified formula) is computed here
            return None
        with self.lock:
            if self.process is None or self.ready is not ready or (not queue and self.jobs):
                return None
            self.numbers += 1
            job = self.jobs[self.numbers] = _Job(self.numbers)
            try:
                assert self.process.stdin is not None
                _write(self.process.stdin, pickle.dumps((job.number, request), protocol=pickle.HIGHEST_PROTOCOL))
            except OSError:  # the helper is gone (a broken pipe): its reader thread restarts it
                self.jobs.pop(job.number, None)
                return None
        return _Pending(self, job)

    def busy(self) -> bool:
        """Whether the helper holds jobs (tests and benchmarks)."""
        with self.lock:
            return bool(self.jobs)

    def _cancel(self, job: _Job) -> None:
        with self.lock:
            if self.jobs.pop(job.number, None) is not None and self.process is not None:
                try:
                    assert self.process.stdin is not None
                    _write(self.process.stdin, pickle.dumps((job.number, None)))
                except OSError:
                    pass

    def warm_up(self, timeout: float = 30.0) -> bool:
        """Start the helper if needed (now, whatever the back-off) and wait until it is ready; True when it is."""
        if not ENABLED:
            return False
        with self.lock:
            self.restart_at = -np.inf
            if not self._running(start=True):
                return False
            ready = self.ready
        return ready.wait(timeout)

    def close(self) -> None:
        """End the helper (at exit): closing its stdin ends its loop."""
        with self.lock:
            self.closing = True
            process, self.process = self.process, None
        if process is not None:
            try:
                assert process.stdin is not None
                process.stdin.close()
                process.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()


class _Pending:
    """A request sent to the helper: `result()` waits for its reply (once)."""

    def __init__(self, helper: _Helper, job: _Job) -> None:
        self.helper = helper
        self.job = job
        self.seconds = 0.0      # the helper's own time on the piece (its slices; transfer not included) …
        self.cpu_seconds = 0.0  # … and its CPU time for it

    def result(self) -> Any | None:
        """The helper's return value, or None if it failed (the caller then computes the piece itself)."""
        self.job.done.wait()   # an Event: no GIL held while waiting; set with None when the helper exits
        if self.job.reply is None:
            return None
        status, value, self.seconds, self.cpu_seconds = self.job.reply
        self.job.reply = None
        if status != "ok":
            return None
        try:
            value = pickle.loads(value)
        except Exception:  # a reply that cannot be read here: computed by the caller
            return None
        self.helper.served += 1
        return value

    def abandon(self) -> None:
        """The caller failed before reading the reply: the helper drops the job."""
        if not self.job.done.is_set():
            self.helper._cancel(self.job)


HELPER = _Helper()


# --- the helper's side -------------------------------------------------------------------------------------------

def serve(stdin: BinaryIO | None = None, stdout: BinaryIO | None = None,
          work: Callable[..., Any] | None = None) -> None:
    """The helper's loop: take requests, run their jobs in turns of SLICE_SECONDS, reply; return when stdin closes.

    `work(*arguments)` returns the job's value, or a generator that yields between bounded steps and returns it.
    """
    if stdout is None:
        # Our stdout carries the replies: anything printed (a library's message) goes to stderr instead.
        stdout = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
        sys.stdout = sys.stderr
    stdin = stdin if stdin is not None else sys.stdin.buffer
    import resource  # POSIX only, as the helper
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a terminal is for the parent; it ends us by closing stdin
    # A server's sweeps are batch work: where cores are short, the processes answering students' clicks come first.
    os.nice(int(os.environ.get(_NICENESS_VARIABLE, "0")))
    np.seterr(all="ignore")  # jobs pause inside np.errstate blocks and resume in another order: one state for all
    if work is None:
        module, name = WORK.split(":")
        work = getattr(importlib.import_module(module), name)
    inbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()

    def receive() -> None:
        while (message := _read(stdin)) is not None:
            inbox.put(message)
        inbox.put(None)

    threading.Thread(target=receive, daemon=True).start()
    jobs: OrderedDict[int, list] = OrderedDict()   # number → [generator, seconds, cpu seconds], in turn order

    def reply(number: int, status: str, value: Any, seconds: float, cpu: float) -> None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        try:
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:
            status, payload = "error", pickle.dumps(f"{type(error).__name__}: {error}")
        _write(stdout, pickle.dumps((number, status, seconds, cpu, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)))
        _write(stdout, payload)

    def run(number: int, job: list, until: float) -> bool:
        """Advance a job until `until` (time.perf_counter()) or its end; True when it ended (and was answered)."""
        started, cpu = time.perf_counter(), time.process_time()
        try:
            generator = job[0]
            while True:
                next(generator)
                if time.perf_counter() >= until:
                    break
        except StopIteration as finished:
            outcome = ("ok", finished.value)
        except Exception as error:  # any failure is reported; the parent computes the piece itself
            outcome = ("error", f"{type(error).__name__}: {error}")
        else:
            outcome = None
        job[1] += time.perf_counter() - started
        job[2] += time.process_time() - cpu
        if outcome is not None:
            reply(number, *outcome, job[1], job[2])
        return outcome is not None

    _write(stdout, pickle.dumps("ready"))
    while True:
        try:
            message = inbox.get(block=not jobs)
        except queue.Empty:
            message = b""
        if message is None:
            return
        if message:
            number, request = pickle.loads(message)
            if request is None:         # the caller cancelled it
                jobs.pop(number, None)
                continue
            started, cpu = time.perf_counter(), time.process_time()
            try:
                value = work(*pickle.loads(request))
            except Exception as error:
                reply(number, "error", f"{type(error).__name__}: {error}", time.perf_counter() - started,
                      time.process_time() - cpu)
                continue
            if hasattr(value, "__next__") and hasattr(value, "send"):   # a generator: run in turns
                jobs[number] = [value, time.perf_counter() - started, time.process_time() - cpu]
            else:
                reply(number, "ok", value, time.perf_counter() - started, time.process_time() - cpu)
            continue                    # take every waiting request before the next turn
        number, job = next(iter(jobs.items()))
        if run(number, job, time.perf_counter() + SLICE_SECONDS):
            del jobs[number]
        else:
            jobs.move_to_end(number)
