"""Benchmarks behind ``shockbook bench``: each section times shockbook against a naive baseline
in the same run and reports seconds and ratios (no pass/fail thresholds)."""

from .engine import bench_engine

__all__ = ["bench_engine"]
