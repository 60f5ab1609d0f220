"""Helpers shared by the benchmarks (run them as scripts: ``python benchmarks/bench_*.py``)."""

from __future__ import annotations

import time

import jax

REPEATS = 3  # each timing is the best of this many: the fastest run is the least disturbed


def best_of(fn):
    """``(best wall time over REPEATS calls, the last call's result)``."""
    times, out = [], None
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def optional_numba(factory):
    """``factory()`` (which builds a numba-compiled reference), or None without numba."""
    try:
        return factory()
    except ImportError:
        print("numba is not installed (pip install -r requirements-bench.txt): skipping it")
        return None


def header(unit: str) -> None:
    print(f"jax {jax.__version__} on {jax.devices()[0].platform}; {unit} (best of {REPEATS})")
