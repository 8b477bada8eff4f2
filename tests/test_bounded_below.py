"""`Surface.bounded_below`: what is proven about f over the whole plane (True, False, or None: not known)."""

from __future__ import annotations

import numpy as np
import pytest

from surfaces import SURFACES, Surface


@pytest.mark.parametrize("key", sorted(SURFACES))
def test_the_catalogue_says_what_is_known(key):
    surface = SURFACES[key]
    if key in ("saddle", "monkey_saddle"):
        assert surface.bounded_below is False and surface.minimum_value is None
        # independent check: along the ray the module names, f falls past any bound
        ray = np.array([[0.0, 10.0**k] for k in range(1, 7)]) if key == "saddle" else \
            np.array([[-(10.0**k), 0.0] for k in range(1, 7)])
        assert (np.diff(surface.f(ray)) < 0).all() and surface.f(ray)[-1] < -1e11
    else:  # a known global minimum bounds f below
        assert surface.bounded_below is True and surface.minimum_value is not None


def _surface(**changes) -> Surface:
    base = SURFACES["booth"]
    fields = dict(key="t", name="t", f=base.f, grad=base.grad, domain=base.domain, minima=base.minima,
                  minimum_value=base.minimum_value, start=base.start, latex="", log_scale=False)
    return Surface(**{**fields, **changes})


def test_the_default_follows_minimum_value_and_a_given_value_is_kept():
    assert _surface().bounded_below is True
    assert _surface(minimum_value=None, minima=np.empty((0, 2))).bounded_below is None
    assert _surface(minimum_value=None, bounded_below=False).bounded_below is False
    assert _surface(minimum_value=None, bounded_below=True).bounded_below is True
    assert _surface(bounded_below=None).bounded_below is None  # a lowest value on a domain proves nothing
    with pytest.raises(ValueError, match="bounded_below"):
        _surface(bounded_below="yes")
