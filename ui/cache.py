"""The process's shared caches: one result serves every session, bounded in entries and in bytes.

Why not plain `st.cache_data`: it pickles a result on the way in and unpickles a fresh copy on every hit, and
hashes every argument (dataclasses through pickle) on every call — together ≈ 5 ms per call, four calls a
rerun, a third of a rerun whose results are all cached. `st.cache_resource` hands back the stored object
itself; here it is keyed by one short string (the arguments' repr: exact for floats, ints, strings and the
frozen dataclasses of ui/state.py), the real arguments passed alongside unhashed (a leading underscore tells
Streamlit not to hash them). The price: a cached object is shared, so it must never be modified —
`frozen_trajectory` makes a trajectory's arrays read-only so that an attempt fails loudly.

Bytes: an entry's size has a worst case that the app's limits fix (MAX_RUNS runs × MAX_STEPS steps, state
recorded); max_entries × that worst case is each cache's bound in bytes, listed in CACHE_BUDGETS (checked by
tests/ui/test_cache.py against real worst-case entries). Entries idle for TTL_SECONDS are dropped.

The live sliders' caches hold that bound in bytes, counted entry by entry, rather than in entries: their entries'
sizes differ a hundredfold with the step count (a slider's grid ≈ 15 kB at 500 steps, ≈ 0.5 MB at 5,000), and a
bound of 24 grids, sized for the worst, kept a class of 30 students on their own starts (≈ 90 grids) recomputing
every grid on every move.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import Any

import numpy as np

from optimizers import Trajectory

TTL_SECONDS = 3600

# name → (max_entries, worst-case bytes of one entry); the product is the cache's bound in bytes
CACHE_BUDGETS: dict[str, tuple[int, int]] = {
    "trajectory": (192, 400_000),        # 5,000 steps, state recorded: 9 arrays of (5001, 2) floats ≈ 360 kB
    "explorer_figure": (24, 2_400_000),  # 8 runs × 5,000 steps: ≈ 0.75 MB of JSON, ≈ 2.3 MB as Python objects
    "internals": (32, 800_000),          # Inside AdaMax of a 5,000-step run ≈ 0.7 MB
    "internals_figure": (16, 1_000_000),  # its chart ≈ 0.35 MB of JSON, ≈ 0.7 MB as Python objects
    "live_grid": (24, 600_000),          # a slider's grid of paths at 5,000 steps, deflated: ≤ 0.5 MB measured
    "live_payload": (4, 1_000_000),      # the live sliders' payload: at most 1 MB (figures/live.MAX_BYTES)
}
CACHE_BYTES = sum(entries * size for entries, size in CACHE_BUDGETS.values())  # ≈ 176 MB per process


# name → the most entries of a cache bounded in bytes (CACHE_BUDGETS' product); its keys stay a small part of it
BOUNDED_IN_BYTES: dict[str, int] = {"live_grid": 2048, "live_payload": 256}


def max_entries(name: str) -> int:
    return CACHE_BUDGETS[name][0]


class SharedMemo:
    """A process-wide memo of at most `entries` values (and, given `max_bytes`, at most that many bytes of them by
    `deep_size`, the newest kept whatever its size), the least recently used dropped first; safe across the
    threads sessions run in. For what `st.cache_resource` cannot do: look a value up without computing it (the
    Sweeps page computes the maps that are missing together), or key it on an object's identity (ui/figure.py)."""

    def __init__(self, entries: int, max_bytes: int | None = None) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._sizes: dict[Hashable, int] = {}
        self.bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            if key not in self._values:
                return default
            self._values.move_to_end(key)
            return self._values[key]

    def put(self, key: Hashable, value: Any) -> None:
        size = deep_size(value) if self.max_bytes is not None else 0
        with self._lock:
            self.bytes += size - self._sizes.get(key, 0)
            self._values[key] = value
            self._sizes[key] = size
            self._values.move_to_end(key)
            while len(self._values) > self.entries or (
                    self.max_bytes is not None and self.bytes > self.max_bytes and len(self._values) > 1):
                dropped, _ = self._values.popitem(last=False)
                self.bytes -= self._sizes.pop(dropped)

    def __len__(self) -> int:
        return len(self._values)


def shared_memo(name: str) -> SharedMemo:
    """The memo for CACHE_BUDGETS[name]: at most max_entries entries, or — for a cache in BOUNDED_IN_BYTES — at most
    its bound in bytes, each entry counted at its `deep_size`."""
    entries, worst = CACHE_BUDGETS[name]
    if name in BOUNDED_IN_BYTES:
        return SharedMemo(BOUNDED_IN_BYTES[name], max_bytes=entries * worst)
    return SharedMemo(entries)


def cache_key(*arguments: object) -> str:
    """A short exact key for arguments made of numbers, strings, tuples and frozen dataclasses of those."""
    return repr(arguments)


def frozen_trajectory(trajectory: Trajectory) -> Trajectory:
    """`trajectory` with every array read-only: it is shared by every session that asks for it."""
    return read_only(trajectory)


def read_only(value):
    """`value` (a dataclass or mapping of arrays, nested) with every NumPy array in it made read-only."""
    if isinstance(value, np.ndarray):
        value.setflags(write=False)
    elif isinstance(value, Mapping):
        for item in value.values():
            read_only(item)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            read_only(getattr(value, name))
    return value


def deep_size(value: object) -> int:
    """Bytes held by `value`: NumPy buffers plus Python objects, followed through containers and dataclasses."""
    seen: set[int] = set()

    def size(item: object) -> int:
        if id(item) in seen:
            return 0
        seen.add(id(item))
        if isinstance(item, np.ndarray):
            return item.nbytes + 112  # the buffer and the array object
        total = sys.getsizeof(item)
        if isinstance(item, Mapping):
            total += sum(size(key) + size(element) for key, element in item.items())
        elif isinstance(item, list | tuple | set | frozenset):
            total += sum(size(element) for element in item)
        elif hasattr(item, "__dict__") or hasattr(item, "__dataclass_fields__"):
            fields = getattr(item, "__dataclass_fields__", None) or vars(item)
            total += sum(size(getattr(item, name)) for name in fields)
        return total

    return size(value)
