"""Keep freed heap memory for reuse between the steps of a batched run (glibc only; a no-op elsewhere).

A batched step allocates and frees about a megabyte of temporaries (the surface's f and gradient, their
intermediate terms). glibc returns freed memory at the top of the heap to the OS once it exceeds its trim
threshold, and the next step faults the same pages back in. Page faults are dear on virtual machines:
measured here, a 10,000-member Rosenbrock gradient took 172 µs with that churn and 39 µs without it, and
the whole sweep of bench/bench_core.py ran 1.6× slower. M_TOP_PAD asks glibc to keep that much slack
at the top of the heap, so the loop reuses warm pages.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

M_TOP_PAD = -2          # mallopt parameter number, from glibc's <malloc.h>
TOP_PAD_BYTES = 64 << 20


@functools.cache
def keep_heap_warm() -> bool:
    """Set glibc's M_TOP_PAD once per process; True if it took effect."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_TOP_PAD, TOP_PAD_BYTES))
    except (OSError, AttributeError):  # not glibc (macOS, Windows, musl): nothing to tune
        return False
