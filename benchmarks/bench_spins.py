"""Benchmark: exact diagonalization of one symmetry sector, four ways.

Each method builds the mixed-field Ising ring's Hamiltonian (J = 1, hx = 0.9045, hz = 0.8090)
in the k = 0, P = +1 sector of L spins and computes all its eigenvalues and eigenvectors; the
unit is sector states per second (the sector's dimension D over the time to build and
diagonalize it), so that the sizes compare on one axis.

- **JAX**: ``spins.sector`` and ``spins.project`` (NumPy and SciPy sparse: the orbits of the
  dihedral group, then V^T H V), then ``spins.eigh``, ``jnp.linalg.eigh`` in float64 on JAX's
  device (on a CPU, LAPACK's divide and conquer through XLA).
- **NumPy**: the same sector build, then ``scipy.linalg.eigh`` (LAPACK's MRRR driver, SciPy's
  default): what a NumPy user writes.
- **numba**: a compiled loop over the representatives in the textbook way (each one's
  neighbours under H mapped back to their representatives, with the orbits' normalizations),
  then ``np.linalg.eigh`` inside the compiled function.
- **QuSpin** (``spin_basis_1d(L, kblock=0, pblock=1)``, ``hamiltonian(...).eigh()``): what a
  user of exact diagonalization picks; benchmark-only (requirements-bench.txt).

Before their speeds count, every method's spectrum must equal JAX's to 1e-8. Timings are the
best of three after a warm-up (JAX compiles once per padded size; numba once).

    make bench              # or: python benchmarks/bench_spins.py [--sizes 12 14 16]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.linalg
from common import best_of, header, optional_numba, write_results

from emergence import spins

J, HX, HZ = spins.KIM_HUSE["J"], spins.KIM_HUSE["hx"], spins.KIM_HUSE["hz"]


def sector_matrix(L):
    sec = spins.sector(L, m=0, parity=1)
    return spins.project(spins.mixed_field_ising(L, J, HX, HZ), sec)


def run_jax(L):
    return spins.eigh(sector_matrix(L)).energies


def run_numpy(L):
    return scipy.linalg.eigh(sector_matrix(L))[0]


def make_numba_ed():
    import numba

    @numba.njit(cache=False)
    def representative(s, L):
        """The smallest image of s under translations and reflection, and its orbit's size."""
        mask = (1 << L) - 1
        best, same = s, 0
        for refl in range(2):
            x = s
            if refl:
                x = 0
                for i in range(L):
                    x |= ((s >> i) & 1) << (L - 1 - i)
            for j in range(L):
                y = ((x << j) | (x >> (L - j))) & mask if j else x
                if y < best:
                    best = y
                if y == s:
                    same += 1
        return best, (2 * L) // same

    @numba.njit(cache=False)
    def build_and_diagonalize(L, J, hx, hz):
        n = 1 << L
        reps = np.empty(n, np.int64)
        orbit = np.empty(n, np.int64)
        D = 0
        for s in range(n):
            r, size = representative(s, L)
            if r == s:
                # k = 0, P = +1: every orbit has a state (the average over its members)
                reps[D] = s
                orbit[D] = size
                D += 1
        reps, orbit = reps[:D], orbit[:D]
        H = np.zeros((D, D))
        for a in range(D):
            r = reps[a]
            diag = 0.0
            for i in range(L):
                zi = 1 - 2 * ((r >> i) & 1)
                zj = 1 - 2 * ((r >> ((i + 1) % L)) & 1)
                diag += J * zi * zj + hz * zi
            H[a, a] += diag
            for i in range(L):
                t, _ = representative(r ^ (1 << i), L)
                b = np.searchsorted(reps, t)
                H[b, a] += hx * np.sqrt(orbit[a] / orbit[b])
        return np.linalg.eigh(H)[0]

    return build_and_diagonalize


def make_quspin():
    from quspin.basis import spin_basis_1d
    from quspin.operators import hamiltonian

    def run(L):
        basis = spin_basis_1d(L, kblock=0, pblock=1, pauli=1)
        zz = [[J, i, (i + 1) % L] for i in range(L)]
        x = [[HX, i] for i in range(L)]
        z = [[HZ, i] for i in range(L)]
        H = hamiltonian(
            [["zz", zz], ["x", x], ["z", z]],
            [],
            basis=basis,
            dtype=np.float64,
            check_herm=False,
            check_symm=False,
            check_pcon=False,
        )
        return H.eigh()[0]

    return run


def optional_quspin():
    try:
        return make_quspin()
    except ImportError:
        print("QuSpin is not installed (see requirements-bench.txt): skipping it")
        return None


def agree(name, E, ref, L):
    err = np.abs(np.sort(E) - ref).max()
    assert E.shape == ref.shape and err < 1e-8, f"{name} at L = {L}: spectra differ by {err:.2e}"


def bench(L, numba_run, quspin_run):
    D = spins.sector(L, m=0, parity=1).dim
    rates = {}
    run_jax(L)  # compile
    t, ref = best_of(lambda: run_jax(L))
    rates["jax"] = D / t
    t, E = best_of(lambda: run_numpy(L))
    rates["numpy"] = D / t
    agree("NumPy/SciPy", E, ref, L)
    if numba_run is not None:
        numba_run(6, J, HX, HZ)  # compile
        t, E = best_of(lambda: numba_run(L, J, HX, HZ))
        rates["numba"] = D / t
        agree("numba", E, ref, L)
    if quspin_run is not None:
        quspin_run(6)
        t, E = best_of(lambda: quspin_run(L))
        rates["quspin"] = D / t
        agree("QuSpin", E, ref, L)
    line = " | ".join(f"{k} {v:9.0f}/s" for k, v in rates.items())
    ratios = " ".join(f"JAX/{k} {rates['jax'] / v:5.2f}" for k, v in rates.items() if k != "jax")
    print(f"L = {L:2d} (D = {D:5d}): {line} | {ratios}", flush=True)
    return dict(size=D, L=L, **{k: rates.get(k) for k in ("jax", "numpy", "numba", "quspin")})


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=[12, 14, 16])
    args = ap.parse_args()
    t0 = time.perf_counter()
    numba_run = optional_numba(make_numba_ed)
    quspin_run = optional_quspin()
    header("sector states diagonalized per second")
    rows = [bench(L, numba_run, quspin_run) for L in args.sizes]
    write_results(
        "spins",
        "sector-states",
        "sector dimension D (k = 0, P = +1)",
        rows,
        f"mixed-field Ising ring (J = {J}, hx = {HX}, hz = {HZ}), the k = 0, P = +1 sector "
        f"built and fully diagonalized (eigenvalues and eigenvectors), float64; chains of "
        f"L = {', '.join(str(r['L']) for r in rows)} sites; the unit is the sector's dimension "
        f"over the time taken",
    )
    print(f"done in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
