"""Demo data for first start, tests and benchmarks."""
