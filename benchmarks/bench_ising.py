"""Benchmark: the Ising Metropolis kernel against vectorized NumPy, a numba loop and ising-rs.

All four run Metropolis sweeps of the zero-field ferromagnet at T = 2.5 J/k_B (above T_c: a
fair share of proposals is accepted) on lattices of side L, with enough lattices side by side
for 65,536 sites (one lattice from L = 256 on); the unit is spin-flip attempts (site updates).

- **JAX**: ``ising.checkerboard``, the two sublattices in turn, all lattices vmapped, the
  sweeps in one ``lax.scan``.
- **NumPy**: the same checkerboard sweep, all lattices advanced together, one half-sweep per
  Python step (the usual vectorized way).
- **numba**: a compiled typewriter sweep over each lattice in turn, with the two acceptance
  probabilities tabulated: the usual fast CPU loop.
- **ising-rs** (a Rust simulator on PyPI, module ``isingmodel``): its ``simulation_step`` is
  one single-spin attempt per Python call, so a sweep is L^2 calls, one lattice at a time:
  what a user who picks it gets.

Each method's mean energy per site (after discarding the first quarter of the sweeps) must
agree with Kaufman's exact value of the finite torus within five standard errors before its
speed counts. Timings are the best of three after a warm-up (JAX compiles once per shape).

    make bench              # or: python benchmarks/bench_ising.py [--sizes 16 64 256]
"""

from __future__ import annotations

import argparse

import jax
import jax.numpy as jnp
import numpy as np
from common import best_of, header, optional_numba, rates_line, write_results

from emergence import ising

T = 2.5
SITES = 65_536
SWEEPS = 200


def numpy_checkerboard(s, n_sweeps, rng, beta=1 / T):
    """Vectorized checkerboard Metropolis of a batch (B, L, L); energies per site per sweep."""
    s = s.astype(np.float64)
    L = s.shape[-1]
    i, j = np.indices((L, L))
    colours = [(i + j) % 2 == c for c in (0, 1)]
    energies = np.empty((s.shape[0], n_sweeps))
    for t in range(n_sweeps):
        u = rng.random(s.shape)
        for colour in colours:
            field = np.roll(s, 1, -1) + np.roll(s, -1, -1) + np.roll(s, 1, -2) + np.roll(s, -1, -2)
            flip = colour & (u < np.exp(-2 * beta * s * field))
            s = np.where(flip, -s, s)
        energies[:, t] = -(s * (np.roll(s, -1, -1) + np.roll(s, -1, -2))).mean((-2, -1))
    return energies


def make_numba_sweeps():
    import numba

    @numba.njit(cache=False)
    def run(s, n_sweeps, beta, seed):
        np.random.seed(seed)
        B, L, _ = s.shape
        p4, p8 = np.exp(-4 * beta), np.exp(-8 * beta)
        energies = np.empty((B, n_sweeps))
        for b in range(B):
            for t in range(n_sweeps):
                for r in range(L):
                    for c in range(L):
                        nb = (
                            s[b, (r + 1) % L, c]
                            + s[b, r - 1, c]
                            + s[b, r, (c + 1) % L]
                            + s[b, r, c - 1]
                        )
                        dE = 2 * s[b, r, c] * nb
                        if dE <= 0 or np.random.random() < (p4 if dE == 4 else p8):
                            s[b, r, c] = -s[b, r, c]
                e = 0
                for r in range(L):
                    for c in range(L):
                        e -= s[b, r, c] * (s[b, (r + 1) % L, c] + s[b, r, (c + 1) % L])
                energies[b, t] = e / (L * L)
        return energies

    return run


def isingrs_sweeps(L, n_sweeps):
    """ising-rs: one lattice, L^2 single-spin attempts per sweep (one Python call each)."""
    import isingmodel

    lat = isingmodel.Lattice(width=L, height=L, temperature=T, h_z=0.0)
    step = lat.simulation_step
    energies = np.empty(n_sweeps)
    for t in range(n_sweeps):
        for _ in range(L * L):
            step()
        energies[t] = lat.get_energy() / (L * L)
    return energies[None, :]


def agree(name, energies, L):
    """The mean energy per site (after the first quarter) against Kaufman's exact torus."""
    e = energies[:, energies.shape[1] // 4 :]
    blocks = e.reshape(e.shape[0], 5, -1).mean(-1).ravel()  # 5 blocks per lattice
    se = blocks.std(ddof=1) / np.sqrt(blocks.size)
    exact = ising.finite_energy(L, T)
    assert abs(e.mean() - exact) < 5 * se, (
        f"{name} at L = {L}: <e> = {e.mean():.5f} +- {se:.5f}, exact {exact:.5f}"
    )
    return e.mean()


def bench(L, numba_run, with_isingrs):
    B = max(1, SITES // L**2)
    work = B * L * L * SWEEPS
    s0 = np.ones((B, L, L), np.int8)
    rates = {}

    def run_jax():
        out = ising.checkerboard(jax.random.key(1), jnp.asarray(s0), T, n_sweeps=SWEEPS)
        return np.asarray(jax.block_until_ready(out.energy), float)

    run_jax()  # compile
    t, e = best_of(run_jax)
    rates["jax"] = work / t
    agree("JAX", e, L)
    rng = np.random.default_rng(2)
    n_np = SWEEPS // 4 * 4
    t, e = best_of(lambda: numpy_checkerboard(s0, n_np, rng))
    rates["numpy"] = B * L * L * n_np / t
    agree("NumPy", e, L)
    if numba_run is not None:
        numba_run(s0[:1, :4, :4].astype(np.int64), 2, 1 / T, 0)  # compile
        t, e = best_of(lambda: numba_run(s0.astype(np.int64), SWEEPS, 1 / T, 3))
        rates["numba"] = work / t
        agree("numba", e, L)
    if with_isingrs:
        n_rs = max(80, 2_000_000 // (L * L)) // 20 * 20  # 2 million calls, 80 sweeps at least
        t, e = best_of(lambda: isingrs_sweeps(L, n_rs))
        rates["ising_rs"] = L * L * n_rs / t
        agree("ising-rs", e, L)
    print(f"L = {L:4d} ({B:4d} lattices): {rates_line(rates)}", flush=True)
    return dict(
        size=L,
        lattices=B,
        jax=rates["jax"],
        numpy=rates["numpy"],
        numba=rates.get("numba"),
        ising_rs=rates.get("ising_rs"),
    )


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=[16, 64, 256])
    args = ap.parse_args()
    numba_run = optional_numba(make_numba_sweeps)
    try:
        import isingmodel  # noqa: F401

        with_isingrs = True
    except ImportError:
        print("ising-rs is not installed (pip install -r requirements-bench.txt): skipping it")
        with_isingrs = False
    header("spin-flip attempts per second")
    rows = [bench(L, numba_run, with_isingrs) for L in args.sizes]
    write_results(
        "ising",
        "spin-flip attempts",
        "lattice side L",
        rows,
        f"Metropolis at T = {T:g} J/k_B, zero field, {SITES:,} sites per run (lattices side by "
        f"side below L = 256); JAX and NumPy update the checkerboard's sublattices in turn, "
        f"numba and ising-rs sweep site by site; ising-rs (isingmodel.Lattice) one Python call "
        f"per attempt",
    )


if __name__ == "__main__":
    main()
