"""Keep freed heap memory for reuse between the steps of a batched run (glibc only; a no-op elsewhere).

A batched step allocates and frees about a megabyte of temporaries (the surface's f and gradient, their
intermediate terms). glibc returns freed memory at the top of the heap to the OS once it exceeds its trim
threshold, and the next step faults the same pages back in. Page faults are dear on virtual machines:
measured here, a 10,000-member Rosenbrock gradient took 172 µs with that churn and 39 µs without it, and
the whole sweep of bench/bench_core.py ran 1.6× slower. M_TOP_PAD asks glibc to keep that much slack
at the top of the heap, so the loop reuses warm pages.

This changes the whole process's allocator, once, on the first `run` or `sweep` (each says so in its docstring):
up to 64 MB of freed memory stays mapped instead of returning to the OS. ADAMAX_LAB_KEEP_HEAP=0 in the environment
leaves glibc's settings alone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os

M_TOP_PAD = -2          # mallopt parameter number, from glibc's <malloc.h>
TOP_PAD_BYTES = 64 << 20


@functools.cache
def keep_heap_warm() -> bool:
    """Set glibc's M_TOP_PAD once per process; True if it took effect (False: not glibc, or turned off)."""
    if os.environ.get("ADAMAX_LAB_KEEP_HEAP", "1") == "0":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_TOP_PAD, TOP_PAD_BYTES))
    except (OSError, AttributeError):  # not glibc (macOS, Windows, musl): nothing to tune
        return False
