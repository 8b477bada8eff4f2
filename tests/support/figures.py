"""Helpers to inspect figure dicts/JSON in tests: decode plotly.js typed arrays, find non-finite numbers."""

from __future__ import annotations

import base64
import json
import math
from typing import Any

import numpy as np

DTYPES = {"f4": np.float32, "f8": np.float64, "i4": np.int32, "i1": np.int8, "i2": np.int16,
          "u1": np.uint8, "u2": np.uint16, "u4": np.uint32}


def decode(value: Any) -> Any:
    """A typed-array spec {"dtype", "bdata", "shape"} as a NumPy array; anything else unchanged."""
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=DTYPES[value["dtype"]])
        if "shape" in value:
            array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
        return array
    return value


def values(value: Any) -> np.ndarray:
    """A trace's array as NumPy, whether a typed-array spec (figures/) or plain lists (the page: ui/figure.py)."""
    return np.asarray(decode(value))


def non_finite_paths(node: Any, path: str = "") -> list[str]:
    """Where in a figure (dict or parsed JSON) a NaN or ±inf appears, typed arrays included."""
    found: list[str] = []
    node = decode(node)
    if isinstance(node, np.ndarray):
        if node.dtype.kind == "f" and not np.isfinite(node).all():
            found.append(path)
    elif isinstance(node, dict):
        for key, value in node.items():
            found += non_finite_paths(value, f"{path}.{key}")
    elif isinstance(node, list | tuple):
        for index, value in enumerate(node):
            found += non_finite_paths(value, f"{path}[{index}]")
    elif isinstance(node, float) and not math.isfinite(node):
        found.append(path)
    return found


def strict_json(figure: dict) -> str:
    """The figure as JSON, refusing NaN/Infinity (json.dumps(allow_nan=False) raises on them)."""
    return json.dumps(figure, allow_nan=False, default=lambda o: o.tolist())
