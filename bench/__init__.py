"""Benchmarks that print figures (run each as a script: python bench/bench_core.py, …)."""
