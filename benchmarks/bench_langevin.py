"""Benchmark: the Langevin kernel against a vectorized NumPy integrator on the same ensemble.

Both integrate the Landauer chapter's erasure protocol (double well, barrier 10 kT, tilt 6 kT,
dt = 0.002) for the same number of trajectories and steps, with the same bookkeeping per step:
the work (trapezoid in time at fixed position) and the heat (two-point Gauss-Legendre
Stratonovich integral). NumPy advances all trajectories together, one time step per iteration
(the usual way to write it); JAX runs the whole loop compiled (``lax.scan``, noise drawn in
blocks). Timings are the best of three after a warm-up (JAX compiles once). The two must agree
on the mean work within statistical error (independent random numbers).

Prints trajectory-steps per second and the ratio, for Euler-Maruyama in both (like for like),
and for the kernel's default Heun scheme.

    make bench              # or: python benchmarks/bench_langevin.py [--trajectories 1000 10000]
"""

from __future__ import annotations

import argparse

import jax
import numpy as np
from common import best_of, header, optional_numba, write_results

from emergence import langevin

BARRIER, TILT, DT, TAU = 10.0, 6.0, 0.002, 4.0
G = 0.5 / np.sqrt(3.0)


def np_protocol(s):
    def ramp(u):
        return min(max(u, 0.0), 1.0)

    return 1.0 - ramp(4 * s) + ramp(4 * s - 2), ramp(4 * s - 1) - ramp(4 * s - 3)


def np_U(x, gf):
    g, f = gf
    x2 = x * x
    return BARRIER * x2 * (x2 - 2 * g) + TILT * f * x


def np_force(x, gf):
    g, f = gf
    return -(4 * BARRIER * x * (x * x - g) + TILT * f)


def numpy_erase(x0, n_steps, rng, kT=1.0):
    """Euler-Maruyama with Sekimoto work and Stratonovich heat, all trajectories at once
    (the protocol's scalars computed once per time, powers as products)."""
    x = x0.copy()
    w = np.zeros_like(x)
    q = np.zeros_like(x)
    amp = np.sqrt(2 * kT * DT)
    t = 0.0
    gf = np_protocol(0.0)
    u_xt = np_U(x, gf)
    for _ in range(n_steps):
        t1 = t + DT
        gf1, gfm = np_protocol(t1 / TAU), np_protocol((t + 0.5 * DT) / TAU)
        x1 = x + np_force(x, gf) * DT + amp * rng.standard_normal(x.shape)
        u_x1t1 = np_U(x1, gf1)
        w += 0.5 * ((np_U(x, gf1) - u_xt) + (u_x1t1 - np_U(x1, gf)))
        dx = x1 - x
        xm = 0.5 * (x + x1)
        q += 0.5 * (np_force(xm - G * dx, gfm) + np_force(xm + G * dx, gfm)) * dx
        x, t, u_xt, gf = x1, t1, u_x1t1, gf1
    return x, w, q


def make_numba_erase():
    """A compiled per-trajectory Euler-Maruyama loop with the same work and heat bookkeeping:
    the usual fast CPU approach."""
    import numba

    @numba.njit(cache=False, inline="always")
    def protocol(s):
        def ramp(u):
            return min(max(u, 0.0), 1.0)

        return 1.0 - ramp(4 * s) + ramp(4 * s - 2), ramp(4 * s - 1) - ramp(4 * s - 3)

    @numba.njit(cache=False, inline="always")
    def U(x, g, f):
        x2 = x * x
        return BARRIER * x2 * (x2 - 2 * g) + TILT * f * x

    @numba.njit(cache=False, inline="always")
    def force(x, g, f):
        return -(4 * BARRIER * x * (x * x - g) + TILT * f)

    @numba.njit(cache=False)
    def run(x0, n_steps, seed):
        np.random.seed(seed)
        n = x0.size
        w_out = np.zeros(n)
        amp = np.sqrt(2 * DT)
        for k in range(n):
            x, w, q, t = x0[k], 0.0, 0.0, 0.0
            g, f = protocol(0.0)
            for _ in range(n_steps):
                t1 = t + DT
                g1, f1 = protocol(t1 / TAU)
                gm, fm = protocol((t + 0.5 * DT) / TAU)
                x1 = x + force(x, g, f) * DT + amp * np.random.standard_normal()
                w += 0.5 * ((U(x, g1, f1) - U(x, g, f)) + (U(x1, g1, f1) - U(x1, g, f)))
                dx = x1 - x
                xm = 0.5 * (x + x1)
                q += 0.5 * (force(xm - G * dx, gm, fm) + force(xm + G * dx, gm, fm)) * dx
                x, t, g, f = x1, t1, g1, f1
            w_out[k] = w
        return w_out

    return run


def bench(n, numba_run):
    n_steps = round(TAU / DT)
    params = (TAU, BARRIER, TILT)
    x0 = langevin.sample_boltzmann_1d(
        jax.random.key(0), langevin.erasure_potential, n, 0.0, params, lo=-2.5, hi=2.5
    )
    x0_np = np.asarray(x0[:, 0], dtype=np.float64)
    rates = {}
    works = {}
    for method in ("euler", "heun"):

        def run(method=method):
            r = langevin.simulate(
                jax.random.key(1),
                langevin.erasure_potential,
                x0,
                dt=DT,
                n_steps=n_steps,
                params=params,
                method=method,
            )
            return jax.block_until_ready(r.work[-1])

        run()  # compile
        t, w = best_of(run)
        rates[method] = n * n_steps / t
        works[method] = np.asarray(w, dtype=float)
    rng = np.random.default_rng(2)
    t, (_, w_np, _) = best_of(lambda: numpy_erase(x0_np, n_steps, rng))
    rates["numpy"] = n * n_steps / t
    works["numpy"] = w_np
    se = np.hypot(works["euler"].std(), w_np.std()) / np.sqrt(n)
    diff = works["euler"].mean() - w_np.mean()
    assert abs(diff) < 5 * se, f"JAX and NumPy Euler disagree on the mean work: {diff:.4f} +- {se:.4f}"
    line_nb = ""
    if numba_run is not None:
        numba_run(x0_np[:4], 10, 0)  # compile
        t, w_nb = best_of(lambda: numba_run(x0_np, n_steps, 3))
        rates["numba"] = n * n_steps / t
        se_nb = np.hypot(works["euler"].std(), w_nb.std()) / np.sqrt(n)
        assert abs(works["euler"].mean() - w_nb.mean()) < 5 * se_nb, "JAX and numba disagree"
        ratio = rates["euler"] / rates["numba"]
        line_nb = f" | numba Euler {rates['numba'] / 1e6:7.1f} M/s (JAX {ratio:4.2f}x)"
    print(
        f"{n:>8d} trajectories x {n_steps} steps | NumPy Euler {rates['numpy'] / 1e6:7.1f} M/s | "
        f"JAX Euler {rates['euler'] / 1e6:7.1f} M/s ({rates['euler'] / rates['numpy']:5.1f}x) | "
        f"JAX Heun {rates['heun'] / 1e6:7.1f} M/s ({rates['heun'] / rates['numpy']:5.1f}x) | "
        f"<W> {works['euler'].mean():.3f} vs {w_np.mean():.3f} kT" + line_nb,
        flush=True,
    )
    return dict(
        size=n,
        jax=rates["euler"],
        numpy=rates["numpy"],
        numba=rates.get("numba"),
        jax_heun=rates["heun"],
    )


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--trajectories", type=int, nargs="+", default=[1000, 10_000, 100_000])
    args = ap.parse_args()
    numba_run = optional_numba(make_numba_erase)
    header("trajectory-steps per second")
    rows = [bench(n, numba_run) for n in args.trajectories]
    write_results(
        "langevin",
        "trajectory-steps",
        "trajectories",
        rows,
        f"the erasure protocol, tau = {TAU:g}, dt = {DT:g}; Euler-Maruyama in all three "
        "(jax_heun: the kernel's default Heun scheme)",
    )


if __name__ == "__main__":
    main()
