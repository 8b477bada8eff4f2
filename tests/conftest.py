"""Shared by every test. The tests mirror the packages (tests/optimizers, tests/surfaces, tests/models,
tests/figures, tests/ui; tests/e2e drives the page in Chromium); the helpers they share live in tests/support, not
in other test modules."""

from __future__ import annotations

import os

from hypothesis import settings

# Examples run whole optimizer runs and pages: their time is the work's, not a sign of a slow test to flag.
settings.register_profile("lab", deadline=None)
# In CI the examples are drawn from a fixed seed, so a landing is decided by the code and not by the draw; a run on a
# developer's machine draws new examples each time, and what it finds is pinned with @example.
settings.register_profile("ci", parent=settings.get_profile("lab"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "lab")
