"""Benchmark: the Gillespie kernel against two references on the same ensemble.

The discrete flashing ratchet of ``emergence.markov.flashing_ratchet`` on a ring of 8 sites
(16 states; V = 3 kT, r = 0.5, Gamma = 1); ``n`` trajectories from state 0 up to ``t_max``.

- NumPy: all trajectories advanced together, one jump per iteration (exponential waits and
  inverse-CDF destinations for every trajectory still running);
- numba: a compiled per-trajectory Gillespie loop, the usual fast CPU approach;
- JAX: ``emergence.markov.gillespie`` (vmapped ``lax.scan`` over a fixed jump buffer).

The three must agree on the mean number of jumps within statistical error. Prints jumps per
second, the ratios (best of three after a warm-up), and the share of JAX's time spent drawing
its random numbers (on CPU, XLA's counter-based generator costs several times more per number
than NumPy's PCG64, and it dominates the kernel).

    make bench              # or: python benchmarks/bench_markov.py [--trajectories 1000 10000]
"""

from __future__ import annotations

import argparse

import jax
import jax.numpy as jnp
import numpy as np
from common import best_of, header, optional_numba, write_results

from emergence import markov


def numpy_gillespie(Q, n, t_max, rng):
    off = Q - np.diag(np.diag(Q))
    exit_rate = off.sum(axis=1)
    cum = np.cumsum(off, axis=1) / exit_rate[:, None]
    x = np.zeros(n, dtype=np.int64)
    t = np.zeros(n)
    jumps = np.zeros(n, dtype=np.int64)
    alive = np.ones(n, dtype=bool)
    while alive.any():
        idx = np.nonzero(alive)[0]
        xi = x[idx]
        t_new = t[idx] + rng.exponential(1.0, idx.size) / exit_rate[xi]
        ok = t_new < t_max
        u = rng.random(idx.size)
        y = (u[:, None] > cum[xi]).sum(axis=1)
        go = idx[ok]
        t[go] = t_new[ok]
        x[go] = y[ok]
        jumps[go] += 1
        alive[idx[~ok]] = False
    return jumps


def make_numba_gillespie():
    import numba

    @numba.njit(cache=False)
    def run(Q, n, t_max, seed):
        np.random.seed(seed)
        S = Q.shape[0]
        exit_rate = np.empty(S)
        for i in range(S):
            exit_rate[i] = -Q[i, i]
        jumps = np.zeros(n, dtype=np.int64)
        for k in range(n):
            x, t = 0, 0.0
            while True:
                t += np.random.exponential(1.0) / exit_rate[x]
                if t >= t_max:
                    break
                u = np.random.random() * exit_rate[x]
                acc = 0.0
                y = 0
                for j in range(S):
                    if j != x:
                        acc += Q[x, j]
                        if u < acc:
                            y = j
                            break
                x = y
                jumps[k] += 1
        return jumps

    return run


def bench(n, t_max, numba_run):
    Q = markov.flashing_ratchet(3.0, 0.5, 1.0, n_sites=8)  # 16 states
    # jumps per trajectory ~ (mean exit rate) t_max; the buffer holds 8 sd more (checked below)
    mean_jumps = float(-np.diag(Q).mean()) * t_max
    buf = int(mean_jumps + 8 * np.sqrt(mean_jumps) + 10)
    x0 = jnp.zeros(n, jnp.int32)

    def jax_run():
        p = markov.gillespie(jax.random.key(1), Q, x0, t_max, buf)
        return np.asarray(jax.block_until_ready(p.n_jumps)), bool(p.complete.all())

    jax_run()
    t_jax, (j_jax, complete) = best_of(jax_run)
    assert complete, "raise the buffer"
    # the share of the random numbers alone (the kernel draws all of them up front, same shape)
    draw = jax.jit(lambda k: jax.random.uniform(k, (buf, 2, n)))
    jax.block_until_ready(draw(jax.random.key(1)))
    t_rng, _ = best_of(lambda: jax.block_until_ready(draw(jax.random.key(1))))
    rng = np.random.default_rng(2)
    t_np, j_np = best_of(lambda: numpy_gillespie(Q, n, t_max, rng))
    r_jax, r_np = j_jax.sum() / t_jax, j_np.sum() / t_np
    line = f"{n:>7d} trajectories, {j_jax.mean():6.1f} jumps each (buffer {buf})"
    line += f" | JAX {r_jax / 1e6:6.2f} M/s"
    line += f" ({100 * t_rng / t_jax:.0f}% drawing random numbers)"
    line += f" | NumPy {r_np / 1e6:6.2f} M/s (JAX {r_jax / r_np:5.1f}x)"
    row = dict(size=n, jax=float(r_jax), numpy=float(r_np), numba=None, rng_share=t_rng / t_jax)
    se = np.hypot(j_jax.std(), j_np.std()) / np.sqrt(n)
    assert abs(j_jax.mean() - j_np.mean()) < 5 * se, (j_jax.mean(), j_np.mean())
    if numba_run is not None:
        numba_run(Q, 10, t_max, 0)
        t_nb, j_nb = best_of(lambda: numba_run(Q, n, t_max, 3))
        assert abs(j_jax.mean() - j_nb.mean()) < 5 * np.hypot(j_jax.std(), j_nb.std()) / np.sqrt(n)
        r_nb = j_nb.sum() / t_nb
        line += f" | numba {r_nb / 1e6:6.2f} M/s (JAX {r_jax / r_nb:5.2f}x)"
        row["numba"] = float(r_nb)
    print(line, flush=True)
    return row


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--trajectories", type=int, nargs="+", default=[1000, 10_000])
    ap.add_argument("--t-max", type=float, default=50.0)
    args = ap.parse_args()
    numba_run = optional_numba(make_numba_gillespie)
    header("jumps per second")
    rows = [bench(n, args.t_max, numba_run) for n in args.trajectories]
    write_results(
        "markov",
        "jumps",
        "trajectories",
        rows,
        f"flashing ratchet on 8 sites (16 states), trajectories of duration {args.t_max:g}",
    )


if __name__ == "__main__":
    main()
