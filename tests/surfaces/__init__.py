"""Tests of surfaces/."""
