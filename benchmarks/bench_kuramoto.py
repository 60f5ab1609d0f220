"""Benchmark: the Kuramoto kernel against vectorized NumPy and a numba loop.

All three integrate the noiseless mean-field model (Lorentzian quantile frequencies of
half-width 0.4, K = 1.2, i.e. 1.5 K_c, from wrapped-Cauchy phases with r0 = 0.3) by the same
Heun predictor-corrector, dt = 0.05, and record r after every step; the unit is
oscillator-steps (one oscillator advanced by one step).

- **JAX**: ``kuramoto.simulate``, a batch of populations side by side, the steps in one
  ``lax.scan`` (one sine and cosine per oscillator and force evaluation, two means).
- **NumPy**: the same step on the whole batch as array operations, one Python step per step.
- **numba**: a compiled loop over populations, steps and oscillators (the mean field by a
  first pass over the oscillators, then the update), the usual fast CPU code.

The runs have 2^20 oscillators in all: one population of 2^20, 16 of 2^16, or 256 of 2^12.
Each method's final r must agree with the Ott-Antonsen solution within the finite-N error
before its speed counts. Timings are the best of three after a warm-up.

    make bench              # or: python benchmarks/bench_kuramoto.py [--sizes 4096 65536]
"""

from __future__ import annotations

import argparse

import jax
import numpy as np
from common import best_of, header, optional_numba, rates_line, write_results

from emergence import kuramoto

GAMMA, K, DT, R0 = 0.4, 1.2, 0.05, 0.3
TOTAL = 1 << 20
STEPS = 100


def start(N, B):
    th = np.stack([kuramoto.wrapped_cauchy_phases(jax.random.key(b), N, R0) for b in range(B)]).astype(
        np.float32
    )
    return th, kuramoto.lorentzian_frequencies(N, GAMMA).astype(np.float32)


def numpy_heun(th, om, n_steps):
    """The Heun step on a batch (B, N) with NumPy; r after each step, shape (n_steps, B)."""
    th = th.copy()
    rs = np.empty((n_steps, th.shape[0]), np.float32)

    def drift(t):
        c, s = np.cos(t), np.sin(t)
        x, y = c.mean(-1, keepdims=True), s.mean(-1, keepdims=True)
        return om + K * (y * c - x * s)

    for k in range(n_steps):
        f0 = drift(th)
        th = th + 0.5 * (f0 + drift(th + DT * f0)) * DT
        th = np.mod(th + np.pi, 2 * np.pi) - np.pi
        rs[k] = np.abs(np.exp(1j * th).mean(-1))
    return rs


def make_numba_heun():
    import numba

    @numba.njit(cache=False, fastmath=False)
    def run(th, om, n_steps, K, dt):
        # two sines and cosines per oscillator and step, as in the JAX kernel: each pass stores
        # them and sums the mean field the next pass needs
        B, N = th.shape
        th = th.copy()
        c = np.empty(N, np.float32)
        s = np.empty(N, np.float32)
        cp = np.empty(N, np.float32)
        sp = np.empty(N, np.float32)
        f0 = np.empty(N, np.float32)
        rs = np.empty((n_steps, B), np.float32)
        for b in range(B):
            x = 0.0
            y = 0.0
            for i in range(N):
                c[i], s[i] = np.cos(th[b, i]), np.sin(th[b, i])
                x += c[i]
                y += s[i]
            x /= N
            y /= N
            for k in range(n_steps):
                xp = 0.0
                yp = 0.0
                for i in range(N):
                    f0[i] = om[i] + K * (y * c[i] - x * s[i])
                    p = th[b, i] + dt * f0[i]
                    cp[i], sp[i] = np.cos(p), np.sin(p)
                    xp += cp[i]
                    yp += sp[i]
                xp /= N
                yp /= N
                x = 0.0
                y = 0.0
                for i in range(N):
                    t = th[b, i] + 0.5 * dt * (f0[i] + om[i] + K * (yp * cp[i] - xp * sp[i]))
                    t = (t + np.pi) % (2 * np.pi) - np.pi
                    th[b, i] = t
                    c[i], s[i] = np.cos(t), np.sin(t)
                    x += c[i]
                    y += s[i]
                x /= N
                y /= N
                rs[k, b] = np.sqrt(x * x + y * y)
        return rs

    return run


def agree(name, r_final, N):
    """Every population's final r against Ott-Antonsen, within 5 / sqrt(N) (its finite-N
    fluctuations are of order N^-1/2)."""
    exact = float(kuramoto.ott_antonsen_r(STEPS * DT, K, GAMMA, R0))
    err = np.abs(np.asarray(r_final, float) - exact).max()
    assert err < 5 / np.sqrt(N), f"{name} at N = {N}: r = {r_final} vs Ott-Antonsen {exact:.4f}"


def bench(N, numba_run):
    B = max(1, TOTAL // N)
    th, om = start(N, B)
    work = B * N * STEPS
    rates = {}

    def run_jax():
        out = kuramoto.simulate(None, th, om, K, dt=DT, n_steps=STEPS)
        return np.asarray(jax.block_until_ready(out.r))[1:]

    run_jax()  # compile
    t, r = best_of(run_jax)
    rates["jax"] = work / t
    agree("JAX", r[-1], N)
    t, r = best_of(lambda: numpy_heun(th, om, STEPS))
    rates["numpy"] = work / t
    agree("NumPy", r[-1], N)
    if numba_run is not None:
        numba_run(th[:1, :8], om[:8], 2, K, DT)  # compile
        t, r = best_of(lambda: numba_run(th, om, STEPS, K, DT))
        rates["numba"] = work / t
        agree("numba", r[-1], N)
    print(f"N = {N:8d} ({B:4d} populations): {rates_line(rates)}", flush=True)
    return dict(size=N, populations=B, **{k: rates.get(k) for k in ("jax", "numpy", "numba")})


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=[4096, 65536, 1 << 20])
    args = ap.parse_args()
    numba_run = optional_numba(make_numba_heun)
    header("oscillator-steps per second")
    rows = [bench(N, numba_run) for N in args.sizes]
    write_results(
        "kuramoto",
        "oscillator-steps",
        "oscillators per population N",
        rows,
        f"noiseless Heun steps, dt = {DT}, K = {K} (1.5 K_c), r recorded every step, "
        f"{TOTAL:,} oscillators per run (populations side by side below N = {TOTAL:,}); "
        f"float32 throughout",
    )


if __name__ == "__main__":
    main()
