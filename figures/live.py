"""The live sliders' payload: every computed path of every live slider, in a few bytes per step.

Layout (little-endian):  b"LIVE" · uint32 n · n bytes of UTF-8 JSON (the header) · the body, raw deflate

The body is each run's block deflated on its own (ended by a sync flush, so the blocks join into one stream)
and an empty final block: a run is compressed once, when it is computed, and a payload is the concatenation of
its runs' blocks — changing one run re-deflates that run alone (joining 8 runs' paths into one deflate call cost
110 ms at level 6, 760 ms at level 9).

Positions are quantised on the map: a coordinate x becomes round((x − x0)/(x1 − x0) · QUANTA) (y likewise on
its own range), so one unit is 1/QUANTA of the map's width: on a map MAP_PX pixels wide, QUANTA = 4096 puts every
drawn point within 0.5·MAP_PX/QUANTA ≈ 0.15 px of its true place on each axis (0.21 px diagonally). Points
far off the map (a run on its way to blowing up) keep their true coordinates: a line towards them leaves the map
at the true angle. Each path is
written as the second differences of its quantised points (a point predicted to continue the last step; the
first from 0), all x's then all y's, each a zigzag varint, and the whole body deflated: a smooth path costs about
half a byte a step, a converged one almost nothing (measured on 8 runs × 3 sliders × 65 values at 500 steps,
deflated at level 9: first differences interleaved took 363 kB, second differences by coordinate 294 kB; the
level used, 6, gives 331 kB). Differences of rounded
points, not rounded differences: the error never accumulates along a path.

Long horizons: beyond FULL_STEPS steps a path keeps a point only once it is more than SIMPLIFY_PX from the last
point kept (radial-distance simplification, vectorised over all paths): every dropped point lies within
SIMPLIFY_PX of a kept one, so the drawn line is never more than SIMPLIFY_PX + the quantisation (≤ 0.46 px) from
the path; settled paths shrink to a few points and a browser holds megabytes, not tens of them.

The header says what is drawn: for each run (index, label, colour, line width) its sliders, each with its exact
values (JSON numbers print and parse exactly), the index of the run's current value, each value's outcome
(an index into OUTCOMES, coloured in OUTCOME_COLORS as the sweep maps paint them) and the number of points of
each path. A payload stays under MAX_BYTES: when all values would not fit (long horizons, many sliders), every
other value is shipped (then every 4th, …), the run's current value and both ends always; the header's `thinned`
says by how much, and the slider offers exactly the values shipped. `decode` reads a payload back (tests and
benchmarks; the browser has its own reader in ui/live).
"""

from __future__ import annotations

import json
import struct
import zlib
from dataclasses import dataclass, replace

import numpy as np

from optimizers.live import SLIDER_VALUES, LiveBatch
from optimizers.outcomes import OUTCOMES

from .sweep import OVERLAYS, PAINTED

MAGIC = b"LIVE"
QUANTA = 4096            # quantisation units across the map's x (and y) range
MAP_PX = 1200            # the widest map the page draws (a 1920-px window): tolerances are pixels of it
FULL_STEPS = 1000        # up to this many steps every point is kept; beyond, paths are simplified …
SIMPLIFY_PX = 0.25       # … to within this many pixels (plus ≤ 0.21 px of quantisation: under half a pixel)
DEFLATE_LEVEL = 6        # level 9 saved 4 % and took 7× longer (760 against 112 ms for 8 runs)
MAX_BYTES = 1_000_000    # a payload never exceeds this: values are thinned until it fits
_OVERLAY = {outcome: color for outcome, _, color in OVERLAYS}
# The sweep maps paint the outcomes of PAINTED in fixed colours, and colour the rest by f − f* on Viridis, dark
# where it is low: reached takes Viridis's dark end, left its middle, moving its light end.
OUTCOME_COLORS = {"reached": "#440154", "left": "#21918C", "moving": "#FDE725",
                  **{outcome: _OVERLAY[outcome] for outcome in PAINTED}}


@dataclass(frozen=True)
class LiveRun:
    """A run of the race with its live sliders' batch, as drawn: its index in the race, label, colour, width."""

    index: int
    label: str
    color: str
    width: float
    batch: LiveBatch | None = None   # not needed once encoded (`assemble`)


def quantise(points: np.ndarray, domain) -> np.ndarray:
    """Map units (x, y) → integer quanta on the map, (..., 2) int64."""
    (x0, x1), (y0, y1) = domain
    scale = np.array([QUANTA / (x1 - x0), QUANTA / (y1 - y0)])
    return np.rint((points - np.array([x0, y0])) * scale).astype(np.int64)


def dequantise(quanta: np.ndarray, domain) -> np.ndarray:
    (x0, x1), (y0, y1) = domain
    return quanta / np.array([QUANTA / (x1 - x0), QUANTA / (y1 - y0)]) + np.array([x0, y0])


def keep_mask(quanta: np.ndarray, tolerance: float) -> np.ndarray:
    """(steps + 1, paths) bool: the points radial-distance simplification keeps (the first and last always),
    each more than `tolerance` quanta from the point kept before it. One pass over the steps, vectorised
    over the paths."""
    steps = quanta.shape[0]
    keep = np.zeros(quanta.shape[:2], dtype=bool)
    keep[0] = keep[-1] = True
    anchor = quanta[0].astype(np.float64)
    limit = tolerance * tolerance
    for step in range(1, steps - 1):
        offset = quanta[step] - anchor
        far = (offset * offset).sum(-1) > limit
        keep[step] = far
        anchor[far] = quanta[step][far]
    return keep


def second_differences(quanta: np.ndarray) -> np.ndarray:
    """(n, 2) integers → their second differences, each point's first from 0 (inverse: two cumulative sums)."""
    zero = np.zeros((1, 2), dtype=np.int64)
    return np.diff(np.diff(quanta, axis=0, prepend=zero), axis=0, prepend=zero)


def _zigzag_varints(values: np.ndarray) -> bytes:
    """Signed integers → zigzag LEB128 varints (7 bits a byte, high bit: more follows), vectorised."""
    unsigned = ((values << 1) ^ (values >> 63)).astype(np.uint64)
    out = bytearray()
    chunks = []
    remaining = unsigned.copy()
    while True:
        low = (remaining & np.uint64(0x7F)).astype(np.uint8)
        remaining >>= np.uint64(7)
        more = remaining > 0
        chunks.append((low | (more.astype(np.uint8) << 7), more.copy()))
        if not more.any():
            break
    # Interleave: value i writes chunk 0, then chunk 1 while it has more, …
    lengths = np.ones(len(values), dtype=np.int64)
    for _, more in chunks[:-1]:
        lengths += more
    ends = np.cumsum(lengths)
    buffer = np.zeros(int(ends[-1]) if len(values) else 0, dtype=np.uint8)
    starts = ends - lengths
    present = np.ones(len(values), dtype=bool)
    for depth, (byte, more) in enumerate(chunks):
        buffer[starts[present] + depth] = byte[present]
        present = present & more
    out += buffer.tobytes()
    return bytes(out)


def thinned_indices(count: int, current: int, stride: int) -> np.ndarray:
    """Every `stride`-th of `count` values, plus the current one and both ends, ascending."""
    return np.unique(np.concatenate([np.arange(0, count, stride), [current, count - 1]]))


@dataclass(frozen=True, eq=False)
class EncodedRun:
    """One run's batch as the payload carries it, before it is joined to the others': its sliders, each member's
    point count and the members' varint bytes, deflated (raw, sync-flushed: `deflated`; `offsets` index the
    inflated bytes) — a run at 5,000 steps is megabytes as points, a few hundred kB here, so a cache keeps many."""

    sliders: tuple
    counts: tuple[int, ...]
    offsets: tuple[int, ...]
    deflated: bytes

    def inflated(self) -> bytes:
        return zlib.decompressobj(-15).decompress(self.deflated)


def encode_members(points: np.ndarray, domain, steps: int) -> tuple[list[bytes], list[int]]:
    """Each path of `points` (steps + 1, members, 2) quantised, simplified (beyond FULL_STEPS) and written as
    varints: (bytes per member, points kept per member)."""
    quanta = quantise(points, domain)
    keep = (keep_mask(quanta, SIMPLIFY_PX * QUANTA / MAP_PX) if steps > FULL_STEPS
            else np.ones(quanta.shape[:2], dtype=bool))
    members = [_zigzag_varints(second_differences(quanta[keep[:, m], m]).T.reshape(-1))
               for m in range(quanta.shape[1])]
    return members, [int(c) for c in keep.sum(axis=0)]


def _encoded(sliders: tuple, members: list[bytes], counts) -> EncodedRun:
    offsets = np.concatenate([[0], np.cumsum([len(member) for member in members])])
    compressor = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
    deflated = compressor.compress(b"".join(members)) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return EncodedRun(sliders, tuple(int(c) for c in counts), tuple(int(o) for o in offsets), deflated)


def encode_run(batch: LiveBatch, domain, steps: int) -> EncodedRun:
    """Quantise, simplify (beyond FULL_STEPS) and write one run's paths."""
    members, counts = encode_members(batch.points, domain, steps)
    return _encoded(batch.sliders, members, counts)


def with_current(grid: EncodedRun, value: float, points: np.ndarray, outcome: int, domain, steps: int) -> EncodedRun:
    """One slider's grid (`encode_run` of a `live_batch(grid_only=True)` of one slider) with the run's current
    value: where the value is on the grid, only the slider's `current` moves there (nothing is re-encoded);
    otherwise the run's own path `points` (steps + 1, 2) and `outcome` are inserted at the value's place."""
    (slider,) = grid.sliders
    found = np.flatnonzero(slider.values == value)
    if len(found):
        return EncodedRun((replace(slider, current=int(found[0])),), grid.counts, grid.offsets, grid.deflated)
    at = int(np.searchsorted(slider.values, value))
    raw = grid.inflated()
    members = [raw[grid.offsets[i]:grid.offsets[i + 1]] for i in range(len(grid.counts))]
    (member,), (count,) = encode_members(np.asarray(points, dtype=np.float64)[:, None, :], domain, steps)
    members.insert(at, member)
    counts = [*grid.counts[:at], count, *grid.counts[at:]]
    inserted = replace(slider, values=np.insert(slider.values, at, value), current=at,
                       outcomes=np.insert(slider.outcomes, at, outcome).astype(np.int8))
    return _encoded((inserted,), members, counts)


def merge(parts: list[EncodedRun]) -> EncodedRun:
    """One run's sliders encoded apart, as one (their sync-flushed deflate blocks simply follow each other)."""
    offsets, shift = [0], 0
    for part in parts:
        offsets += [shift + o for o in part.offsets[1:]]
        shift += part.offsets[-1]
    return EncodedRun(tuple(slider for part in parts for slider in part.sliders),
                      tuple(c for part in parts for c in part.counts), tuple(offsets),
                      b"".join(part.deflated for part in parts))


def encode(runs: list[LiveRun], domain, steps: int, *, max_bytes: int = MAX_BYTES) -> bytes:
    """The payload for `runs` on a map of `domain` ((x0, x1), (y0, y1)) after `steps` steps, at most `max_bytes`
    (values thinned until it fits; ValueError if even a value a slider does not)."""
    return assemble([(live, encode_run(live.batch, domain, steps)) for live in runs], domain, steps,
                    max_bytes=max_bytes)


def assemble(runs: list[tuple[LiveRun, EncodedRun]], domain, steps: int, *, tuned: int = -1,
             max_bytes: int = MAX_BYTES) -> bytes:
    """The payload of runs already encoded (`encode_run`); `LiveRun.batch` is not read here. `tuned` is the index
    of the run whose every numeric hyperparameter has a slider (−1: none), which a run's sidebar panel shows."""
    stride = 1
    while True:
        payload = _assemble(runs, domain, steps, stride, tuned)
        if len(payload) <= max_bytes:
            return payload
        if stride > SLIDER_VALUES:
            raise ValueError(f"the live paths need {len(payload):,} bytes even with one value a slider; "
                             f"at most {max_bytes:,}")
        stride *= 2


def _assemble(runs: list[tuple[LiveRun, EncodedRun]], domain, steps: int, stride: int, tuned: int) -> bytes:
    (x0, x1), (y0, y1) = domain
    simplified = steps > FULL_STEPS
    header_runs, body = [], []
    for live, encoded in runs:
        members = encoded.inflated() if stride > 1 else b""
        sliders, first = [], 0
        for slider in encoded.sliders:
            chosen = thinned_indices(len(slider.values), slider.current, stride)
            sliders.append({"name": slider.name, "scale": slider.scale,
                            "values": [float(slider.values[i]) for i in chosen],
                            "current": int(np.flatnonzero(chosen == slider.current)[0]),
                            "outcomes": [int(slider.outcomes[i]) for i in chosen],
                            "points": [encoded.counts[first + i] for i in chosen]})
            if stride > 1:
                body.extend(members[encoded.offsets[first + i]:encoded.offsets[first + i + 1]] for i in chosen)
            first += len(slider.values)
        if stride == 1:
            body.append(encoded.deflated)
        header_runs.append({"index": live.index, "label": live.label, "color": live.color,
                            "width": round(float(live.width), 2), "sliders": sliders})
    header = {"version": 1, "steps": int(steps), "x": [float(x0), float(x1)], "y": [float(y0), float(y1)],
              "quanta": QUANTA, "simplified": simplified, "tolerance_px": SIMPLIFY_PX if simplified else 0.0,
              "map_px": MAP_PX, "thinned": stride,
              "outcomes": list(OUTCOMES), "outcome_colors": [OUTCOME_COLORS[name] for name in OUTCOMES],
              "tuned": int(tuned), "runs": header_runs}
    text = json.dumps(header, separators=(",", ":")).encode()
    if stride == 1:   # the runs' blocks as they are, and an empty final block (BFINAL, fixed codes, end of block)
        deflated = b"".join(body) + b"\x03\x00"
    else:             # values thinned: the chosen members deflated afresh
        compressor = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
        deflated = compressor.compress(b"".join(body)) + compressor.flush()
    return MAGIC + struct.pack("<I", len(text)) + text + deflated


def _read_varints(data: bytes) -> np.ndarray:
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(raw < 0x80)
    values = np.zeros(len(ends), dtype=np.uint64)
    starts = np.concatenate([[0], ends[:-1] + 1])
    for depth in range(10):
        index = starts + depth
        live = index <= ends
        if not live.any():
            break
        values[live] |= (raw[index[live]] & np.uint64(0x7F)).astype(np.uint64) << np.uint64(7 * depth)
    return ((values >> np.uint64(1)).astype(np.int64)) ^ -((values & np.uint64(1)).astype(np.int64))


def decode(payload: bytes) -> tuple[dict, list[list[list[np.ndarray]]]]:
    """(header, paths[run][slider][value] as (points, 2) arrays of map coordinates, dequantised)."""
    if payload[:4] != MAGIC:
        raise ValueError("not a live payload (no LIVE magic)")
    (length,) = struct.unpack("<I", payload[4:8])
    header = json.loads(payload[8:8 + length])
    varints = _read_varints(zlib.decompress(payload[8 + length:], -15))
    domain = (tuple(header["x"]), tuple(header["y"]))
    at, paths = 0, []
    for run in header["runs"]:
        per_slider = []
        for slider in run["sliders"]:
            per_value = []
            for count in slider["points"]:
                second = varints[at:at + 2 * count].reshape(2, count).T
                quanta = np.cumsum(np.cumsum(second, axis=0), axis=0)
                per_value.append(dequantise(quanta, domain))
                at += 2 * count
            per_slider.append(per_value)
        paths.append(per_slider)
    return header, paths
