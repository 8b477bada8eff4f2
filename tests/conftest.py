"""Shared by every test. The tests mirror the packages (tests/optimizers, tests/surfaces, tests/models,
tests/figures, tests/ui; tests/e2e drives the page in Chromium); the helpers they share live in tests/support, not
in other test modules."""

from __future__ import annotations

from hypothesis import settings

# Examples run whole optimizer runs and pages: their time is the work's, not a sign of a slow test to flag.
settings.register_profile("lab", deadline=None)
settings.load_profile("lab")
