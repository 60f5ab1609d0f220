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


def rates_line(rates: dict) -> str:
    """``rates`` (name -> units per second, ``jax`` first) as one printed line, with JAX's
    ratio to each of the others: ``jax  12.3 M/s | numpy ... | JAX/numpy  1.04 ...``."""
    line = " | ".join(f"{k} {v / 1e6:8.1f} M/s" for k, v in rates.items())
    ratios = " ".join(f"JAX/{k} {rates['jax'] / v:5.2f}" for k, v in rates.items() if k != "jax")
    return f"{line} | {ratios}"


def header(unit: str) -> None:
    print(f"jax {jax.__version__} on {jax.devices()[0].platform}; {unit} (best of {REPEATS})")


def _cpu_model() -> str:
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine()


def device_name() -> str:
    """JAX's first device, as provenance: ``cpu``, or ``gpu: <kind>``."""
    dev = jax.devices()[0]
    kind = dev.device_kind
    return dev.platform if kind.lower() == dev.platform else f"{dev.platform}: {kind}"


def write_results(kernel: str, unit: str, size_name: str, rows: list[dict], note: str = "") -> str:
    """Write one kernel's results to ``data/benchmarks/<kernel>-<platform>.json``.

    Each row holds the ensemble size (``size``) and the throughputs in ``unit`` per second of
    ``jax``, ``numpy`` and ``numba`` (None where not measured); the file holds the provenance
    (machine, cores, device, versions, date, command) beside them. Returns the path written.
    """
    import json
    import os
    import sys
    from datetime import UTC, datetime
    from pathlib import Path

    import numpy as np

    try:
        import numba

        numba_version = numba.__version__
    except ImportError:
        numba_version = None
    dev = jax.devices()[0]
    out = Path(__file__).resolve().parents[1] / "data" / "benchmarks"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{kernel}-{dev.platform}.json"
    record = {
        "kernel": kernel,
        "unit": unit,
        "size_name": size_name,
        "note": note,
        "rows": rows,
        "provenance": {
            "machine": _cpu_model(),
            "cores": os.cpu_count(),
            "device": device_name(),
            "jax": jax.__version__,
            "numpy": np.__version__,
            "numba": numba_version,
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": "python " + " ".join(["benchmarks/" + Path(sys.argv[0]).name, *sys.argv[1:]]),
            "repeats": REPEATS,
        },
    }
    path.write_text(json.dumps(record, indent=1) + "\n")
    print(f"wrote {path.relative_to(out.parents[1])}")
    return str(path)
