"""The real task's data: scikit-learn's 8×8 handwritten digits, shipped inside the package (nothing downloaded).

1,797 grey-level images of the digits 0–9 (the UCI "Optical Recognition of Handwritten Digits" test set), each
8×8 pixels with values 0…16. Pixels are scaled to [0, 1] (divided by 16) and nothing else: not standardised,
so a pixel that is rarely lit keeps a rarely non-zero input — and its weights a rarely non-zero gradient,
the situation where AdaMax's per-coordinate scaling differs most from SGD's (docs/REAL_MODEL.md, "The data").

The held-out split is stratified and seeded: each class contributes the same fraction of its images.

>>> data = load_digits(test_fraction=0.25, seed=0)
>>> data.x_train.shape, data.x_test.shape, data.classes, data.image_shape
((1347, 64), (450, 64), 10, (8, 8))
>>> bool(data.x_train.max() <= 1.0), sorted(set(data.y_test.tolist())) == list(range(10))
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

Array = np.ndarray
TEST_FRACTION_RANGE = (0.05, 0.5)
SEED_RANGE = (0, 2**32 - 1)


@dataclass(frozen=True, eq=False)
class Dataset:
    """A classification task split into training and held-out parts.

    x_*: (n, features) float64 inputs; y_*: (n,) int64 class labels in [0, classes).
    image_shape: how one input row is drawn as an image (rows, columns).
    """

    name: str
    x_train: Array
    y_train: Array
    x_test: Array
    y_test: Array
    classes: int
    image_shape: tuple[int, int]

    @property
    def features(self) -> int:
        return int(self.x_train.shape[1])


@lru_cache(maxsize=1)
def _digits() -> tuple[Array, Array]:
    """The images (1797, 64) scaled to [0, 1] and their labels, read once (the package reads a compressed CSV)."""
    from sklearn.datasets import load_digits as sklearn_digits  # imported here: only the real task needs it

    bunch = sklearn_digits()
    images = np.asarray(bunch.data, dtype=np.float64) / 16.0
    labels = np.asarray(bunch.target, dtype=np.int64)
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def _check_arguments(test_fraction: float, seed: int) -> tuple[float, int]:
    low, high = TEST_FRACTION_RANGE
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, int | float | np.integer | np.floating) \
            or not low <= float(test_fraction) <= high:
        raise ValueError(f"test_fraction must be a number in [{low}, {high}], got {test_fraction!r:.60}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not SEED_RANGE[0] <= seed <= SEED_RANGE[1]:
        raise ValueError(f"seed must be an integer in [0, 2**32 − 1], got {seed!r:.60}")
    return float(test_fraction), int(seed)


@lru_cache(maxsize=8)
def load_digits(test_fraction: float = 0.25, seed: int = 0) -> Dataset:
    """The digits, split per class into training and held-out sets: round(test_fraction · n_class) images of
    each class are held out, chosen by a generator seeded with `seed` (the same split on every machine).

    ValueError for test_fraction outside [0.05, 0.5] or a seed outside [0, 2**32 − 1]. The arrays are read-only.
    """
    test_fraction, seed = _check_arguments(test_fraction, seed)
    images, labels = _digits()
    rng = np.random.default_rng(seed)
    held_out = np.zeros(labels.size, dtype=bool)
    for digit in range(10):
        members = np.flatnonzero(labels == digit)
        held_out[rng.choice(members, size=round(test_fraction * members.size), replace=False)] = True
    parts = [images[~held_out], labels[~held_out], images[held_out], labels[held_out]]
    for part in parts:
        part.flags.writeable = False
    return Dataset("digits", *parts, classes=10, image_shape=(8, 8))
