"""Benchmark: the flows integrator against vectorized NumPy, a numba loop and SciPy's solve_ivp.

All integrate Lorenz-63 (sigma = 10, rho = 28, beta = 8/3) from starts on the attractor over
20 time units; the unit is trajectory-steps of dt = 0.01 (one trajectory advanced by 0.01).

- **JAX**: ``flows.trajectory_kernel``, diffrax's Tsit5 at the constant step dt, a batch of
  trajectories vmapped, every 100th state saved.
- **NumPy**: the same Tsit5 steps (diffrax's own Butcher tableau) on the whole batch as array
  operations, one Python iteration per step.
- **numba**: the same tableau in a compiled loop over trajectories and steps.
- **SciPy**: ``solve_ivp`` (its RK45, adaptive, rtol = atol = 1e-9) once per trajectory, what
  most users run; credited with the same 2000 steps per trajectory, whatever number it took
  (timed on at most 16 trajectories: it runs them one after another).

Every method's states after the first time unit must agree with the JAX kernel's (1e-10 for
the same tableau; 1e-3 for solve_ivp, the fixed step of 0.01 being itself off by ~1e-4) before
its speed counts; later, roundoff grows as e^{0.9 t} and the same tableau evaluated in another
order drifts apart. float64 throughout. Timings are the best of three after a warm-up.

    make bench              # or: python benchmarks/bench_flows.py [--sizes 1 64 4096]
"""

from __future__ import annotations

import argparse

import jax
import jax.numpy as jnp
import numpy as np
from common import best_of, header, optional_numba, rates_line, write_results

from emergence import flows

jax.config.update("jax_enable_x64", True)
P = np.array(flows.LORENZ.params)
DT, T = 0.01, 20.0
N_STEPS = int(round(T / DT))


def tableau():
    """Tsit5's (a, b, c) from diffrax, as dense NumPy arrays."""
    import diffrax

    tab = diffrax.Tsit5.tableau
    s = len(tab.c) + 1
    a = np.zeros((s, s))
    for i, row in enumerate(tab.a_lower):
        a[i + 1, : len(row)] = np.asarray(row)
    c = np.concatenate([[0.0], np.asarray(tab.c)])
    return a, np.asarray(tab.b_sol), c


A, B, C = tableau()


def lorenz_np(y):
    x, yy, z = y[..., 0], y[..., 1], y[..., 2]
    return np.stack([P[0] * (yy - x), x * (P[1] - z) - yy, x * yy - P[2] * z], axis=-1)


def numpy_tsit5(y0, n_steps):
    y = y0.copy()
    s = len(B)
    k = np.empty((s,) + y.shape)
    for _ in range(n_steps):
        for i in range(s):
            yi = y + DT * np.tensordot(A[i, :i], k[:i], axes=1) if i else y
            k[i] = lorenz_np(yi)
        y = y + DT * np.tensordot(B, k, axes=1)
    return y


def make_numba_tsit5():
    import numba

    @numba.njit(cache=False, fastmath=False)
    def run(y0, n_steps, a, b, dt, sigma, rho, beta):
        n, s = y0.shape[0], b.shape[0]
        out = y0.copy()
        k = np.empty((s, 3))
        yi = np.empty(3)
        for t in range(n):
            y = out[t].copy()
            for _ in range(n_steps):
                for i in range(s):
                    for d in range(3):
                        acc = y[d]
                        for j in range(i):
                            acc += dt * a[i, j] * k[j, d]
                        yi[d] = acc
                    k[i, 0] = sigma * (yi[1] - yi[0])
                    k[i, 1] = yi[0] * (rho - yi[2]) - yi[1]
                    k[i, 2] = yi[0] * yi[1] - beta * yi[2]
                for d in range(3):
                    acc = 0.0
                    for i in range(s):
                        acc += b[i] * k[i, d]
                    y[d] += dt * acc
            out[t] = y
        return out

    return run


def scipy_runs(y0, t_end):
    from scipy.integrate import solve_ivp

    def f(_, y):
        return [P[0] * (y[1] - y[0]), y[0] * (P[1] - y[2]) - y[1], y[0] * y[1] - P[2] * y[2]]

    return np.stack([solve_ivp(f, (0, t_end), y, rtol=1e-9, atol=1e-9).y[:, -1] for y in y0])


def bench(n, numba_run):
    y0 = flows.attractor_points(flows.LORENZ, n, dt=DT, t_transient=20.0, t_between=0.5)
    work = n * N_STEPS
    rates = {}

    def run_jax():
        out = flows.trajectory_kernel(flows.LORENZ.f, jnp.asarray(y0), jnp.asarray(P), DT, N_STEPS, 100)
        return np.asarray(jax.block_until_ready(out))[:, -1]

    # agreement over the first time unit (later, roundoff grows as e^{0.9 t} and the same
    # tableau evaluated in another order drifts apart)
    short = flows.trajectory(flows.LORENZ, y0, dt=DT, n_steps=100, save_every=100)[:, -1]
    np.testing.assert_allclose(numpy_tsit5(y0, 100), short, atol=1e-10, err_msg="NumPy")
    np.testing.assert_allclose(scipy_runs(y0, 1.0), short, atol=1e-3, err_msg="SciPy")  # dt=0.01: ~1e-4
    if numba_run is not None:
        y = numba_run(y0, 100, A, B, DT, *P)
        np.testing.assert_allclose(y, short, atol=1e-10, err_msg="numba")
    run_jax()  # compile
    t, _ = best_of(run_jax)
    rates["jax"] = work / t
    t, y = best_of(lambda: numpy_tsit5(y0, N_STEPS))
    rates["numpy"] = work / t
    if numba_run is not None:
        t, y = best_of(lambda: numba_run(y0, N_STEPS, A, B, DT, *P))
        rates["numba"] = work / t
    m = min(n, 16)  # one trajectory after another: the rate does not depend on the batch
    t, _ = best_of(lambda: scipy_runs(y0[:m], T))
    rates["scipy"] = m * N_STEPS / t
    print(f"{n:6d} trajectories: {rates_line(rates)}", flush=True)
    return dict(size=n, **{k: rates.get(k) for k in ("jax", "numpy", "numba", "scipy")})


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 64, 4096])
    args = ap.parse_args()
    numba_run = optional_numba(make_numba_tsit5)
    header("trajectory-steps per second")
    rows = [bench(n, numba_run) for n in args.sizes]
    write_results(
        "flows",
        "trajectory-steps",
        "trajectories in the batch",
        rows,
        f"Lorenz-63 at the classic parameters, {T:g} time units from starts on the attractor, "
        f"Tsit5 at dt = {DT} (JAX/diffrax, NumPy and numba with diffrax's tableau); SciPy's "
        f"solve_ivp (RK45, rtol = atol = 1e-9) per trajectory, credited with the same "
        f"{N_STEPS} steps; float64",
    )


if __name__ == "__main__":
    main()
