"""Formula work in a separate process, with hard limits on time and memory that the server enforces.

Caps on a formula's text are not caps on its work: `((2+sin(y))**(1+x*x))**(1+x*x)` nested a few times is
short, yet SymPy's derivative, the printed code and its evaluation grow without bound. So everything a formula
costs (surfaces/formula_build.py: parse, diff, code generation, checks, minima, the boundedness proof, a first
timed evaluation) runs in a worker process:

- started with `python -c` and the parent's sys.path (not multiprocessing, which would import the parent's
  `__main__` again: a Streamlit page), one BLAS thread, at a lower CPU priority (nice 10) than the server, so
  that under contention the other sessions' reruns go first;
- after its imports it caps its own address space (RLIMIT_AS: what it holds then, plus MEMORY_LIMIT_BYTES);
  a formula that needs more meets MemoryError, is refused with a message, and the worker exits; a worker whose
  address space has grown by half the allowance (freed memory stays there) retires after its reply;
- the server sends one request at a time (a length-prefixed pickle on the worker's stdin) and reads the
  replies: the stage it entered, then the result or the refusal. The server polls the worker's CPU time
  (/proc) and kills it when the formula has used CPU_LIMIT_SECONDS of CPU, or WALL_LIMIT_SECONDS of wall time
  (a busy machine stretches wall time, not CPU time), and says which stage ran out: "this formula takes too
  long to differentiate …";
- idle workers are kept for the next formula (a fresh one imports SymPy: about a second); at most
  MAX_WORKERS work at once; a request that finds them all busy waits up to QUEUE_SECONDS for one, then is
  refused with "busy, try again". A dead worker is simply replaced.

ADAMAX_LAB_FORMULA_CPU_SECONDS and ADAMAX_LAB_FORMULA_MEMORY_MB change the limits (a worker takes the memory
limit from the server when it starts).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from typing import Any, BinaryIO

CPU_LIMIT_SECONDS = float(os.environ.get("ADAMAX_LAB_FORMULA_CPU_SECONDS", "6"))
WALL_LIMIT_SECONDS = 2 * CPU_LIMIT_SECONDS + 5
MEMORY_LIMIT_BYTES = int(os.environ.get("ADAMAX_LAB_FORMULA_MEMORY_MB", "768")) * 2**20
START_SECONDS = 60.0      # a worker's imports, on a loaded machine
MAX_WORKERS = 2           # this project's machines have 2 cores
MAX_IDLE = 1
QUEUE_SECONDS = 2 * WALL_LIMIT_SECONDS
POLL_SECONDS = 0.05
STAGES = {  # the stages of surfaces/formula_build.py → what each does, in "this formula takes too long to …"
    "read": "read", "differentiate": "differentiate", "code": "turn into code",
    "check": "evaluate on the domain", "minima": "search for its minima", "bounds": "analyse",
}
_HEADER = struct.Struct("<Q")
_BOOTSTRAP = "import sys; sys.path[:0] = sys.argv[1:]; from surfaces.formula_worker import serve; serve()"
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class FormulaTimeout(Exception):
    """A formula ran out of time or memory in its worker: the message says which stage, for the student."""


class FormulaBusy(Exception):
    """Every worker was busy for QUEUE_SECONDS: nothing is wrong with the formula."""


# ---------------------------------------------------------------- the worker's side

def _write(stream: BinaryIO, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exact(stream: BinaryIO, size: int) -> bytes:
    """`size` bytes (a raw pipe may return fewer per read); EOFError where the other side has gone."""
    chunks, missing = [], size
    while missing:
        chunk = stream.read(missing)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        missing -= len(chunk)
    return b"".join(chunks)


def _read(stream: BinaryIO) -> Any:
    (size,) = _HEADER.unpack(_read_exact(stream, _HEADER.size))
    return pickle.loads(_read_exact(stream, size))  # only from our own worker or parent, never from a user


def _virtual_memory_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def serve() -> None:
    """The worker's loop: requests on stdin, replies on stdout, until stdin closes (the server exited)."""
    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the replies
    import gc
    import warnings

    import numpy
    import sympy  # imported before the memory cap is set

    numpy.seterr(all="ignore")  # inf and NaN are expected on strange formulas; the checks detect them
    warnings.simplefilter("ignore")  # nobody reads the worker's warnings: its replies say what matters

    from .formula_build import describe
    from .formula_text import FormulaError

    with contextlib.suppress(OSError):
        os.nice(10)
    limit = None
    try:
        import resource

        limit = _virtual_memory_bytes() + MEMORY_LIMIT_BYTES
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, ValueError):
        limit = None  # no cap available here: the server's time limit still holds
    _write(replies, ("ready", os.getpid()))
    while True:
        try:
            formula, domain, minimum = _read(requests)
        except EOFError:
            return
        try:
            result = describe(formula, domain, minimum, stage=lambda name: _write(replies, ("stage", name)))
            _write(replies, ("done", result))
        except (FormulaError, ValueError) as error:
            _write(replies, ("refused", str(error)))
        except RecursionError:
            _write(replies, ("refused", "the formula is nested too deeply for the computer algebra"))
        except MemoryError:
            _write(replies, ("memory", ""))
            return  # its heap may be fragmented near the cap: a fresh worker serves the next formula
        except Exception as error:  # any failure of SymPy on a strange formula is a refusal
            _write(replies, ("refused", f"this formula could not be processed ({type(error).__name__})"))
        finally:
            # A worker serves formula after formula under one memory cap: SymPy's caches (expressions, their
            # derivatives) would otherwise grow with every formula and leave the next one less room.
            sympy.core.cache.clear_cache()
            gc.collect()
        # Freed memory stays in the worker's address space, which the cap counts: once formulas have left it
        # holding half the allowance, the worker retires (the server replaces a dead worker), so a formula
        # never meets less room because of those before it.
        if limit is not None and _virtual_memory_bytes() > limit - MEMORY_LIMIT_BYTES // 2:
            return


# ---------------------------------------------------------------- the server's side

class _Worker:
    def __init__(self) -> None:
        environment = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                       "ADAMAX_LAB_FORMULA_MEMORY_MB": str(MEMORY_LIMIT_BYTES // 2**20)}
        self.process = subprocess.Popen(
            [sys.executable, "-c", _BOOTSTRAP, *[path for path in sys.path if path]],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=environment,
            bufsize=0)  # unbuffered: select() on the pipe then sees every byte not yet read
        self.ready = False

    def wait_ready(self) -> None:
        if not self.ready:
            kind, _ = self._next(time.monotonic() + START_SECONDS, cpu_limit=None)
            if kind != "ready":
                raise OSError("the formula worker did not start")
            self.ready = True

    def cpu_seconds(self) -> float:
        try:
            with open(f"/proc/{self.process.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
        except (OSError, IndexError, ValueError):
            return 0.0

    def _next(self, deadline: float, cpu_limit: float | None) -> tuple[str, Any]:
        stdout = self.process.stdout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("wall")
            if cpu_limit is not None and self.cpu_seconds() > cpu_limit:
                raise TimeoutError("cpu")
            ready, _, _ = select.select([stdout], [], [], min(POLL_SECONDS, remaining))
            if ready:
                return _read(stdout)

    def ask(self, request: tuple) -> tuple[str, Any, str]:
        """(kind, payload, last stage) for one request; kills itself on the limits (kind "timeout"/"died")."""
        stage = "read"
        start_cpu = self.cpu_seconds()
        deadline = time.monotonic() + WALL_LIMIT_SECONDS
        try:
            _write(self.process.stdin, request)
            while True:
                kind, payload = self._next(deadline, start_cpu + CPU_LIMIT_SECONDS)
                if kind != "stage":
                    return kind, payload, stage
                stage = payload
        except TimeoutError as limit:
            self.kill()
            return f"timeout-{limit.args[0]}", None, stage
        except (EOFError, OSError, pickle.UnpicklingError):
            self.kill()
            return "died", None, stage

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()


class _Pool:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.slots = threading.BoundedSemaphore(MAX_WORKERS)
        self.idle: list[_Worker] = []
        self.started = 0

    def take(self) -> _Worker:
        with self.lock:
            while self.idle:
                worker = self.idle.pop()
                if worker.alive():
                    return worker
            self.started += 1
        return _Worker()

    def give_back(self, worker: _Worker) -> None:
        with self.lock:
            if worker.alive() and len(self.idle) < MAX_IDLE:
                self.idle.append(worker)
                return
        worker.kill()

    def close(self) -> None:
        with self.lock:
            idle, self.idle = self.idle, []
        for worker in idle:
            worker.kill()


_POOL = _Pool()
atexit.register(_POOL.close)


def process_formula(formula: str, domain, minimum) -> tuple[str, Any]:
    """("done", description) or ("refused", message) from a worker; FormulaTimeout or FormulaBusy otherwise."""
    if not _POOL.slots.acquire(timeout=QUEUE_SECONDS):
        raise FormulaBusy("the server is busy with other formulas: try again in a few seconds")
    try:
        worker = _POOL.take()
        try:
            worker.wait_ready()
        except (OSError, EOFError, TimeoutError, pickle.UnpicklingError):
            worker.kill()
            raise FormulaBusy("the formula worker could not be started: try again in a few seconds") from None
        kind, payload, stage = worker.ask((formula, domain, minimum))
        if kind in ("done", "refused"):
            _POOL.give_back(worker)
            return kind, payload
        worker.kill()
        doing = STAGES.get(stage, "process")
        if kind == "timeout-cpu":
            raise FormulaTimeout(f"this formula takes too long to {doing} (more than {CPU_LIMIT_SECONDS:g} s "
                                 "of computing): try a shorter or less deeply nested formula")
        if kind == "timeout-wall":
            raise FormulaTimeout(f"this formula takes too long to {doing} (more than {WALL_LIMIT_SECONDS:g} s on "
                                 "this busy server): try a shorter or less deeply nested formula")
        raise FormulaTimeout(f"this formula needs too much memory to {doing} (more than "
                             f"{MEMORY_LIMIT_BYTES // 2**20} MB): try a shorter or less deeply nested formula")
    finally:
        _POOL.slots.release()


def workers_started() -> int:
    """How many worker processes this server has started (for tests and benchmarks)."""
    return _POOL.started
