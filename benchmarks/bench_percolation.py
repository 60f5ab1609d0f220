"""Benchmark: the Domany-Kinzel kernel against vectorized NumPy and a numba loop.

All three run bond directed percolation at p_c (p1 = 0.6447, p2 = 1 - (1 - p1)^2) from fully
active rings for 200 steps and count the active sites after every step; the unit is site
updates (one stored site advanced by one step).

- **JAX**: ``percolation.domany_kinzel``, the realizations side by side, the steps in one
  ``lax.scan``, one 32-bit threefry word per site and step (each realization with its own key).
- **NumPy**: the same step on the whole batch as array operations (``np.roll`` for the parent,
  one float32 uniform per site from NumPy's PCG64), one Python step per step.
- **numba**: a compiled loop over realizations, steps and sites with a double buffer and
  numba's own generator (one double per site), the usual fast CPU code.

The runs have 2^20 stored sites in all: one ring of 2^20, 16 of 2^16, or 256 of 2^12. The
methods' final densities must agree within 3% (the density at t = 200 of 2^20 sites has a
relative error of about 0.5%) before their speeds count. Timings are the best of three after a
warm-up.

    make bench              # or: python benchmarks/bench_percolation.py [--sizes 4096 65536]
"""

from __future__ import annotations

import argparse

import jax
import numpy as np
from common import best_of, header, optional_numba, rates_line, write_results

from emergence import percolation

P1 = 0.6447
P2 = 1 - (1 - P1) ** 2
TOTAL = 1 << 20
STEPS = 200


def numpy_dk(s0, n_steps, seed=0):
    """The automaton on a batch (n, L) with NumPy; active sites after each step, (n_steps, n)."""
    rng = np.random.default_rng(seed)
    s = s0.copy()
    out = np.empty((n_steps, s.shape[0]), np.int64)
    thr = np.array([0.0, P1, P2], np.float32)
    for t in range(n_steps):
        k = s + np.roll(s, 1, axis=-1)
        s = (rng.random(s.shape, dtype=np.float32) < thr[k]).astype(np.uint8)
        out[t] = s.sum(-1)
    return out


def make_numba_dk():
    import numba

    @numba.njit(cache=False)
    def run(s0, n_steps, p1, p2, seed):
        np.random.seed(seed)
        n, L = s0.shape
        out = np.empty((n_steps, n), np.int64)
        a = np.empty(L, np.uint8)
        b = np.empty(L, np.uint8)
        for r in range(n):
            for j in range(L):
                a[j] = s0[r, j]
            for t in range(n_steps):
                count = 0
                left = a[L - 1]
                for j in range(L):
                    k = left + a[j]
                    left = a[j]
                    on = 0
                    if k == 1:
                        on = np.random.random() < p1
                    elif k == 2:
                        on = np.random.random() < p2
                    b[j] = on
                    count += on
                out[t, r] = count
                a, b = b, a
        return out

    return run


def agree(name, active, ref, L):
    rho, rho_ref = active.sum() / active.size / L, ref.sum() / ref.size / L
    assert abs(rho / rho_ref - 1) < 0.03, f"{name} at L = {L}: density {rho:.4f} vs JAX {rho_ref:.4f}"


def bench(L, numba_run):
    n = max(1, TOTAL // L)
    s0 = np.ones((n, L), np.uint8)
    work = n * L * STEPS
    rates = {}

    def run_jax():
        out = percolation.domany_kinzel(jax.random.key(0), s0, P1, P2, n_steps=STEPS)
        return np.asarray(jax.block_until_ready(out.active))

    run_jax()  # compile
    t, a_jax = best_of(run_jax)
    rates["jax"] = work / t
    t, a = best_of(lambda: numpy_dk(s0, STEPS))
    rates["numpy"] = work / t
    agree("NumPy", a[-1], a_jax[-1], L)
    if numba_run is not None:
        numba_run(s0[:1, :8], 2, P1, P2, 0)  # compile
        t, a = best_of(lambda: numba_run(s0, STEPS, P1, P2, 1))
        rates["numba"] = work / t
        agree("numba", a[-1], a_jax[-1], L)
    print(f"L = {L:8d} ({n:4d} rings): {rates_line(rates)}", flush=True)
    return dict(size=L, rings=n, **{k: rates.get(k) for k in ("jax", "numpy", "numba")})


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=[4096, 65536, 1 << 20])
    args = ap.parse_args()
    numba_run = optional_numba(make_numba_dk)
    header("site updates per second")
    rows = [bench(L, numba_run) for L in args.sizes]
    write_results(
        "percolation",
        "site-updates",
        "stored sites per ring L",
        rows,
        f"bond DP at p = {P1} from fully active rings, {STEPS} steps, active sites counted "
        f"every step, {TOTAL:,} stored sites per run (rings side by side below L = {TOTAL:,})",
    )


if __name__ == "__main__":
    main()
