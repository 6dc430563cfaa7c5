"""Benchmarks: generated communities and measurements (docs/benchmark.md; results in bench/RESULTS.md)."""
