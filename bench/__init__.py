"""Benchmarks: generated communities and measurements (the Benchmark section of the README; results in bench/RESULTS.md)."""
