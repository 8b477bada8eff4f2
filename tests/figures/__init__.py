"""Tests of figures/."""
