"""Benchmarks: generated communities and measurements (see bench/README.md)."""
