"""Benchmarks: they print figures and ratios to a bare baseline; they never pass or fail."""
