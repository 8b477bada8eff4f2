"""Tests of optimizers/."""
