"""The catalogue: every test surface with its metadata, and `make_surface` to look one up by key.

Domains, minima and formulas follow docs/REFERENCE.md §5; the minima are given to
full double precision and each is checked numerically in tests/surfaces/test_surfaces.py.

`log_scale` follows one rule, checked in that test: True where f − f* spans at least 3 decades over the
domain, measured from its 0.1 % quantile to its maximum (f* = the grid minimum where f is unbounded below).
The quantile stands in for "smallest positive value", which is no property of the surface: on a grid it
shrinks toward 0 without end as a grid point lands closer to a minimum. By this rule every polynomial bowl
(Booth, Himmelblau, the six-hump camel, the quadratic too) needs a log scale, while Rastrigin and Ackley
(≤ 1.6 decades) and the two saddles (≤ 2.3) read best on a linear one.
"""

from __future__ import annotations

import numpy as np

from . import classic, periodic
from .base import UNSET, Surface
from .digits import digits_surface
from .quadratic import ANGLE_RANGE, CONDITION_RANGE, quadratic

# The root of ∇f = 0 found with 60-digit arithmetic (mpmath), rounded to float64; f there is −1.0316284534898774.
SIX_HUMP_CAMEL_MINIMUM = (0.08984201310031806, -0.7126564030207396)
NO_MINIMA = np.empty((0, 2))


def _surface(key: str, name: str, module, domain, minima, minimum_value, start, latex, log_scale, note) -> Surface:
    return Surface(key=key, name=name, f=getattr(module, key), grad=getattr(module, f"{key}_grad"),
                   domain=domain, minima=np.array(minima, dtype=np.float64).reshape(-1, 2),
                   minimum_value=minimum_value, start=np.array(start, dtype=np.float64), latex=latex,
                   log_scale=log_scale, note=note,
                   value_and_grad=getattr(module, f"{key}_value_and_grad", None),
                   bounded_below=getattr(module, f"{key}_bounded_below", UNSET))


_CLASSIC = (
    _surface("rosenbrock", "Rosenbrock", classic, ((-2.0, 2.0), (-1.0, 3.0)), [(1.0, 1.0)], 0.0, (-1.2, 1.0),
             r"(1 - x)^2 + 100\,(y - x^2)^2", True,
             "A long, curved, flat-bottomed valley: finding it is easy, following it to (1, 1) is the hard part."),
    _surface("beale", "Beale", classic, ((-4.5, 4.5), (-4.5, 4.5)), [(3.0, 0.5)], 0.0, (1.0, 1.5),
             r"(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2", True,
             "Flat plateaus beside walls orders of magnitude steeper: no single fixed step size suits both."),
    _surface("saddle", "Saddle", classic, ((-2.0, 2.0), (-2.0, 2.0)), NO_MINIMA, None, (-1.5, 1e-3),
             r"x^2 - y^2", False,
             "Started just off the ridge (y = 0.001), plain gradient steps grow y by the factor 1 + 2·lr per step, "
             "while Adam and AdaMax move every coordinate by lr at their first step."),
    _surface("himmelblau", "Himmelblau", classic, ((-5.0, 5.0), (-5.0, 5.0)),
             [(3.0, 2.0), (-2.805118086952745, 3.131312518250573), (-3.779310253377747, -3.283185991286170),
              (3.584428340330492, -1.848126526964404)], 0.0, (0.25, -4.0),
             r"(x^2 + y - 11)^2 + (x + y^2 - 7)^2", True,
             "Four equally good minima: which basin an optimizer ends in depends on its path, not only on the start."),
    _surface("rastrigin", "Rastrigin", periodic, ((-5.12, 5.12), (-5.12, 5.12)), [(0.0, 0.0)], 0.0, (4.0, -2.5),
             r"20 + \left(x^2 - 10\cos 2\pi x\right) + \left(y^2 - 10\cos 2\pi y\right)", False,
             "A lattice of local minima on a bowl: small steps stick in the nearest dimple, momentum may hop out."),
    _surface("ackley", "Ackley", periodic, ((-5.0, 5.0), (-5.0, 5.0)), [(0.0, 0.0)], 0.0, (3.3, 4.0),
             r"-20\,e^{-0.2\sqrt{(x^2 + y^2)/2}} - e^{(\cos 2\pi x + \cos 2\pi y)/2} + e + 20", False,
             "A nearly flat, rippled plain around one sharp funnel: local ripples trap gradient methods far from it."),
    _surface("booth", "Booth", classic, ((-10.0, 10.0), (-10.0, 10.0)), [(1.0, 3.0)], 0.0, (-8.0, 8.0),
             r"(x + 2y - 7)^2 + (2x + y - 5)^2", True,
             "A tilted quadratic bowl: every method should converge, which makes differences in speed easy to see."),
    _surface("goldstein_price", "Goldstein–Price", classic, ((-2.0, 2.0), (-2.0, 2.0)), [(0.0, -1.0)], 3.0,
             (0.8, -1.8),
             r"\left[1 + (x + y + 1)^2 (19 - 14x + 3x^2 - 14y + 6xy + 3y^2)\right] \\"  # \\: a line break
             r"\times \left[30 + (2x - 3y)^2 (18 - 32x + 12x^2 + 48y - 36xy + 27y^2)\right]", True,
             "Values run from 3 to about a million (5.5 decades), and local minima sit beside the global one, "
             "so raw-gradient steps explode."),
    _surface("six_hump_camel", "Six-hump camel", classic, ((-3.0, 3.0), (-2.0, 2.0)),
             [SIX_HUMP_CAMEL_MINIMUM, tuple(-v for v in SIX_HUMP_CAMEL_MINIMUM)], -1.0316284534898774, (-1.5, -1.5),
             r"\left(4 - 2.1x^2 + \tfrac{x^4}{3}\right)x^2 + xy + (-4 + 4y^2)\,y^2", True,
             "Two global and four local minima: a gentle test of which basin each optimizer settles in."),
    _surface("monkey_saddle", "Monkey saddle", classic, ((-1.5, 1.5), (-1.5, 1.5)), NO_MINIMA, None, (0.8, 1e-3),
             r"x^3 - 3xy^2", False,
             "A degenerate saddle whose gradient and curvature both vanish at the origin, so escaping it is slow."),
)

SURFACES: dict[str, Surface] = {surface.key: surface for surface in (*_CLASSIC, digits_surface(), quadratic())}

# Parameters a surface accepts in make_surface, with their valid ranges (for sliders and URL validation).
SURFACE_PARAMETER_RANGES: dict[str, dict[str, tuple[float, float]]] = {
    "quadratic": {"condition": CONDITION_RANGE, "angle": ANGLE_RANGE},
}


CUSTOM = "custom"  # make_surface("custom", formula=..., domain=..., minimum=...): a user's formula


def make_surface(key: str, **params: float) -> Surface:
    """The surface `key`; only "quadratic" takes parameters (condition, angle), the others take none.

    "custom" builds a user's formula (surfaces/formula.py, imported on first use: SymPy takes ~0.5 s to
    import): make_surface("custom", formula="x**2 + 3*y**2", domain=((-2, 2), (-2, 2)), minimum=None).

    >>> make_surface("quadratic", condition=4.0).parameters
    {'condition': 4.0, 'angle': 30.0}
    """
    if key == CUSTOM:
        from .formula import custom_surface

        return custom_surface(**params)  # type: ignore[arg-type]
    if key not in SURFACES:
        raise ValueError(f"unknown surface {key!r}; valid keys: {', '.join(SURFACES)}")
    accepted = SURFACE_PARAMETER_RANGES.get(key, {})
    unknown = sorted(set(params) - set(accepted))
    if unknown:
        valid = f"valid parameters: {', '.join(accepted)}" if accepted else "it takes no parameters"
        raise ValueError(f"surface {key!r} got unexpected parameter(s) {', '.join(unknown)}; {valid}")
    if key == "quadratic":
        return quadratic(**params)
    return SURFACES[key]
