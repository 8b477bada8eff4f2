"""Two-dimensional test surfaces with analytic gradients and the metadata the app draws them with.

`SURFACES` maps a key to its `Surface` (the quadratic at its default parameters); `make_surface(key, **params)`
builds one, with parameters for "quadratic" (condition, angle), or a user's formula:
`make_surface("custom", formula="x**2 + 3*y**2", domain=((-2, 2), (-2, 2)))` (see surfaces/formula.py).
"""

from .base import Surface, split_xy, stack_xy
from .catalog import SURFACE_PARAMETER_RANGES, SURFACES, make_surface
from .quadratic import quadratic

__all__ = ["SURFACES", "SURFACE_PARAMETER_RANGES", "Surface", "make_surface", "quadratic", "split_xy", "stack_xy"]
