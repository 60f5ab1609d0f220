"""The associative-memory chapters' `full` scale: capacity scans on large networks.

Runs the chapters' two capacity experiments (``emergence.hopfield.capacity_scan``, the same
corruption, loads and sweep limit as the chapters) and writes the final overlaps, with the run's
provenance (device, date, command, timings), to ``data/associative_memory_full_scale.npz``
(``hopfield.save_scans``; ``hopfield.load_scans`` reads it):

- P = 2: for each N, the loads alpha = K / N on the chapter's grid (or ``--p2-alphas``, e.g. a
  narrower window around the threshold for the largest N: every row is padded to the largest
  K), ``--p2-trials`` networks each; ``chapters/learning/associative_memory.py`` fits alpha_c's
  finite-size scaling to these;
- P = 3 and 4: for each N, K on a grid of multiples of the signal-to-noise capacity
  ``hopfield.snr_capacity(N, P)``; ``chapters/learning/dense_associative_memory.py`` fits the
  exponent of K_c(N).

Results are saved after every network size, so a run stopped early keeps what it finished;
``--append`` adds sizes to an existing file (its provenance then lists every run). Meant for a
GPU:

    PYTHONPATH=lib python benchmarks/associative_memory_full_scale.py
"""

from __future__ import annotations

import argparse
import dataclasses
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import jax
import numpy as np

from emergence import hopfield

# must match chapters/learning/associative_memory.py and dense_associative_memory.py
# the pages' experiment (one definition, in the library); its fields go into the provenance,
# which the pages check when they load the file (hopfield.load_scans)
EXPERIMENT = hopfield.CAPACITY
FLIP = EXPERIMENT.flip  # fraction of neurons flipped in the starting state
ALPHAS = np.round(np.arange(0.08, 0.2201, 0.01), 3)  # P = 2 loads
FACTORS = np.geomspace(0.15, 4.0, 12)  # P >= 3 loads, in units of snr_capacity(N, P)
SWEEPS = EXPERIMENT.sweeps  # at most this many sweeps per run


def dense_loads(N, P, factors=FACTORS):
    """The loads K of the dense-network experiment (distinct integers >= 1)."""
    return np.unique(np.maximum(1, np.round(factors * hopfield.snr_capacity(N, P))).astype(int))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--p2-N", type=int, nargs="*", default=[500, 1000, 2000, 4000, 10000])
    ap.add_argument("--p2-trials", type=int, default=64)
    ap.add_argument("--p2-alphas", type=float, nargs="*", default=ALPHAS.tolist(), help="loads K/N")
    ap.add_argument("--p3-N", type=int, nargs="*", default=[20, 40, 80, 160, 320])
    ap.add_argument("--p4-N", type=int, nargs="*", default=[20, 40, 60, 80, 120])
    ap.add_argument("--dense-trials", type=int, default=64)
    ap.add_argument("--max-bytes", type=float, default=1e11, help="memory per chunk (bytes)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", default="data/associative_memory_full_scale.npz")
    ap.add_argument(
        "--append",
        action="store_true",
        help="add (or replace) sizes in an existing --out file; its provenance keeps a list of runs",
    )
    args = ap.parse_args()
    device = jax.devices()[0]
    run = dict(
        command="PYTHONPATH=lib python " + " ".join(sys.argv),
        device=f"{device.platform}: {getattr(device, 'device_kind', '')}",
        jax=jax.__version__,
        python=platform.python_version(),
        date=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    settings = dict(**dataclasses.asdict(EXPERIMENT), alphas=ALPHAS.tolist(), factors=FACTORS.tolist())
    if args.append and Path(args.out).exists():
        results, prov = hopfield.load_scans(args.out, EXPERIMENT)
        prov.setdefault("appended", []).append(run)
    else:
        results, prov = {}, dict(run, **settings)
    prov.setdefault("seconds", {})
    key = jax.random.key(args.seed)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)

    for P, Ns in ((3, args.p3_N), (4, args.p4_N), (2, args.p2_N)):  # the slowest last
        for N in Ns:
            if P == 2:
                Ks, trials = np.round(np.asarray(args.p2_alphas) * N).astype(int), args.p2_trials
            else:
                Ks, trials = dense_loads(N, P), args.dense_trials
            t0 = time.perf_counter()
            s = hopfield.capacity_scan(
                jax.random.fold_in(key, 1000 * P + N),
                P,
                {N: Ks},
                trials,
                FLIP,
                sweeps=SWEEPS,
                max_bytes=args.max_bytes,
            )[N]
            dt = time.perf_counter() - t0
            results.setdefault(P, {})[N] = s
            prov["seconds"][f"P{P}_N{N}"] = round(dt, 2)
            hopfield.save_scans(args.out, results, prov)
            ok = (s.overlap > 0.9) if P == 2 else (s.overlap == 1.0)
            print(
                f"P={P} N={N:6d}: {dt:7.1f} s, max sweeps {s.sweeps.max()}, "
                f"unconverged {(~s.converged).mean():.3f}, retrieved by load: "
                + " ".join(f"{x:.2f}" for x in ok.mean(1)),
                flush=True,
            )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
