"""A sweep map's axes in short numbers: every value of `readable_axis` lies within a tenth of a cell of its exact
place on the natural scale, in order, and is written with no more digits than that takes (counted here in
decimal arithmetic, independently of the rounding the module does); a value rounded past the range is its end."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizers import OPTIMIZERS
from optimizers.sweep import AXIS_ROUNDING, NUMERIC_SCALES, hyperparameter_axis, readable_axis
from ui.state import SWEEP_RESOLUTIONS

AXES = [spec for optimizer in OPTIMIZERS.values() for spec in optimizer.HYPERPARAMETERS
        if spec.scale in NUMERIC_SCALES]
COUNTS = st.one_of(st.sampled_from(SWEEP_RESOLUTIONS), st.integers(2, 256))


def place(scale: str, value: Decimal) -> float:
    """Where a value sits on its natural scale, from its exact decimal: log10 v, −log10(1 − v), v."""
    if scale == "log":
        return math.log10(value)
    if scale == "one_minus_log":
        return -math.log10(1 - value)
    return float(value)


def digits(scale: str, value: float) -> int:
    """The digits of a value as written (its shortest repr): significant digits of v or of 1 − v, or decimals."""
    text = Decimal(repr(value))
    if scale == "one_minus_log":
        text = 1 - text
    text = text.normalize()
    if scale == "linear":
        return max(-text.as_tuple().exponent, 0)
    return len(text.as_tuple().digits)


def rounded(scale: str, value: float, precision: int) -> Decimal:
    """The exact binary value rounded half-even to `precision` digits of the kind `digits` counts."""
    exact = Decimal(value)
    if scale == "one_minus_log":
        gap = 1 - exact
        return 1 - gap.quantize(Decimal(1).scaleb(gap.adjusted() - precision + 1), ROUND_HALF_EVEN)
    if scale == "log":
        return exact.quantize(Decimal(1).scaleb(exact.adjusted() - precision + 1), ROUND_HALF_EVEN)
    return exact.quantize(Decimal(1).scaleb(-precision), ROUND_HALF_EVEN)


def needed(scale: str, exact: np.ndarray, cell: float) -> int:
    """The fewest digits at which every exact value, rounded, stays within a tenth of a cell of its place."""
    first = 0 if scale == "linear" else 1
    for precision in range(first, 20):
        if all(abs(place(scale, rounded(scale, v, precision)) - place(scale, Decimal(v))) <= AXIS_ROUNDING * cell
               for v in exact):
            return precision
    raise AssertionError("no precision is enough")


@settings(max_examples=120, deadline=None)
@given(spec=st.sampled_from(AXES), count=COUNTS)
def test_every_value_is_short_in_order_and_within_a_tenth_of_its_cell(spec, count):
    exact = hyperparameter_axis(spec, count)
    values = readable_axis(spec, count)
    assert values.dtype == np.float64 and values.shape == exact.shape
    assert np.all(np.diff(values) > 0) and spec.low <= values[0] and values[-1] <= spec.high
    places = [place(spec.scale, Decimal(v)) for v in exact]
    cell = (places[-1] - places[0]) / (count - 1)
    for value, where in zip(values, places, strict=True):
        assert abs(place(spec.scale, Decimal(repr(float(value)))) - where) <= AXIS_ROUNDING * cell * (1 + 1e-9)
    # A value rounded past the slider's range is the range's end as the optimizer writes it (p ≤ 256, not 260).
    most = max((digits(spec.scale, float(value)) for value in values if value not in (spec.low, spec.high)),
               default=0)
    assert most <= needed(spec.scale, exact, cell), (spec.name, count, values)
    if count <= max(SWEEP_RESOLUTIONS):  # the page's maps: a run's label (six digits, f"{v:g}") and its link
        assert all(float(f"{value:g}") == value for value in values)  # say the very float a cell was run at
