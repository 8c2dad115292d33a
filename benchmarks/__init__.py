"""Benchmarks: the library against a hand-written floor, measured in the same run."""
