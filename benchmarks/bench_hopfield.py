"""Benchmark: the associative-memory retrieval sweep against a straightforward NumPy version.

Both run the same zero-temperature asynchronous dynamics on the same networks, from the same
corrupted patterns, in the same random update order (the NumPy reference is handed the
permutations the JAX kernel draws), for the same number of sweeps: NumPy loops over the
single-neuron updates in Python, vectorized over networks and patterns (local fields from
overlaps, as in the library). Prints network-sweeps per second and the ratio, and checks that
the two agree on the final overlaps.

    make bench                      # or: python benchmarks/bench_hopfield.py
"""

from __future__ import annotations

import argparse
import math
import time

import jax
import jax.numpy as jnp
import numpy as np
from common import best_of, header, optional_numba, write_results

from emergence import hopfield as hp


def esym(S, n, k, N):
    """e_k / N^k of n variables +-1 summing to S (Newton's identities), in NumPy."""
    e = [np.ones_like(S)]
    p = [None] + [(S if i % 2 else np.full_like(S, n)) / N**i for i in range(1, k + 1)]
    for j in range(1, k + 1):
        e.append(sum((-1) ** (i - 1) * e[j - i] * p[i] for i in range(1, j + 1)) / j)
    return e[k]


def numpy_retrieve(xi, sigma0, perms, order):
    """xi (B, K, N) int8, sigma0 (B, N), perms (sweeps, B, N): async zero-T dynamics."""
    B, K, N = xi.shape
    xiT = np.ascontiguousarray(xi.transpose(0, 2, 1)).astype(np.int64)  # (B, N, K)
    sigma = sigma0.astype(np.int64)
    M = np.einsum("bkn,bn->bk", xi.astype(np.int64), sigma)  # N m_mu, exact
    b = np.arange(B)
    fact = math.factorial(order - 1)
    for perm in perms:
        for t in range(N):
            i = perm[:, t]
            x = xiT[b, i]  # (B, K)
            s = sigma[b, i]
            S = M - x * s[:, None]
            if order == 2:  # exact integers, as in the library
                h = np.einsum("bk,bk->b", x, S)
            else:
                g = esym(S.astype(np.float32), N - 1, order - 1, N)
                h = fact * np.einsum("bk,bk->b", x.astype(np.float32), g)
            new = np.where(h > 0, 1, np.where(h < 0, -1, s))
            M += (new - s)[:, None] * x
            sigma[b, i] = new
    return sigma, M / N


def make_numba_retrieve():
    """A compiled loop over networks and single-neuron updates (the same order, the same
    fields from overlaps), the usual fast CPU approach."""
    import numba

    @numba.njit(cache=False)
    def field(x, S, order, N):
        K = x.size
        if order == 2:
            h = 0
            for k in range(K):
                h += x[k] * S[k]
            return float(h)
        fact = 1.0
        for j in range(2, order):
            fact *= j
        h = 0.0
        e = np.zeros(order)
        p = np.zeros(order)
        for k in range(K):
            e[0] = 1.0
            for i in range(1, order):
                p[i] = (S[k] if i % 2 else N - 1) / N**i
            for j in range(1, order):
                acc = 0.0
                for i in range(1, j + 1):
                    acc += (-1.0) ** (i - 1) * e[j - i] * p[i]
                e[j] = acc / j
            h += x[k] * e[order - 1]
        return fact * h

    @numba.njit(cache=False)
    def run(xi, sigma0, perms, order):
        B, K, N = xi.shape
        overlaps = np.zeros((B, K))
        for b in range(B):
            sigma = sigma0[b].astype(np.int64)
            M = np.zeros(K, np.int64)
            for k in range(K):
                for j in range(N):
                    M[k] += xi[b, k, j] * sigma[j]
            S = np.zeros(K, np.int64)
            x = np.zeros(K, np.int64)
            for s_ in range(perms.shape[0]):
                for t in range(N):
                    i = perms[s_, b, t]
                    s = sigma[i]
                    for k in range(K):
                        x[k] = xi[b, k, i]
                        S[k] = M[k] - x[k] * s
                    h = field(x, S, order, N)
                    new = 1 if h > 0 else (-1 if h < 0 else s)
                    if new != s:
                        for k in range(K):
                            M[k] += (new - s) * x[k]
                        sigma[i] = new
            for k in range(K):
                overlaps[b, k] = M[k] / N
        return overlaps

    return run


def kernel_permutations(key, B, N, sweeps):
    """The update orders the library's kernel draws (same keys, same construction)."""
    keys = jax.random.split(key, B)

    def one(k, s):
        return jnp.argsort(jax.random.bits(jax.random.fold_in(jax.random.fold_in(k, s), 0), (N,)))

    return np.stack([np.asarray(jax.vmap(one, (0, None))(keys, s)) for s in range(sweeps)])


def bench(order, N, K, B, flip, numba_run):
    key = jax.random.key(order * 1000 + N)
    xi = np.asarray(hp.random_patterns(jax.random.fold_in(key, 0), K, N, (B,)))
    s0 = np.asarray(hp.corrupt(jax.random.fold_in(key, 1), xi[:, 0], flip))
    run_key = jax.random.fold_in(key, 2)

    hp.retrieve(run_key, xi, s0, order).state.block_until_ready()  # compile

    def jax_run():
        r = hp.retrieve(run_key, xi, s0, order)
        r.state.block_until_ready()
        return r

    t_jax, r = best_of(jax_run)
    sweeps = int(np.asarray(r.sweeps).max())  # the batch runs until its slowest network stops
    perms = kernel_permutations(run_key, B, N, sweeps)
    t0 = time.perf_counter()
    _, m_np = numpy_retrieve(xi, s0, perms, order)
    t_np = time.perf_counter() - t0
    agree = np.mean(np.abs(m_np - np.asarray(r.overlaps)).max(axis=1) < 1e-5)
    assert agree >= 0.95, f"NumPy and JAX disagree on {1 - agree:.0%} of the networks"
    work = B * sweeps
    row = dict(size=N, order=order, K=K, jax=work / t_jax, numpy=work / t_np, numba=None)
    line_nb = ""
    if numba_run is not None:
        numba_run(xi[:1, :, :], s0[:1], perms[:1, :1], order)  # compile
        t_nb, m_nb = best_of(lambda: numba_run(xi, s0, perms, order))
        agree_nb = np.mean(np.abs(m_nb - np.asarray(r.overlaps)).max(axis=1) < 1e-5)
        assert agree_nb >= 0.95, f"numba and JAX disagree on {1 - agree_nb:.0%} of the networks"
        row["numba"] = work / t_nb
        line_nb = f" | numba {work / t_nb:9.1f}/s (JAX x{t_nb / t_jax:5.2f})"
    print(
        f"P={order} N={N:5d} K={K:6d} networks={B:4d} sweeps={sweeps:3d} | "
        f"JAX {work / t_jax:9.1f} network-sweeps/s | NumPy {work / t_np:8.1f}/s | "
        f"JAX x{t_np / t_jax:6.1f} | same final state in {agree:.0%} of networks" + line_nb,
        flush=True,
    )
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--networks", type=int, default=64)
    args = ap.parse_args()
    header("network-sweeps per second of async zero-T retrieval; NumPy timed once")
    numba_run = optional_numba(make_numba_retrieve)
    cases = ((2, 500, 60), (2, 1000, 120), (3, 100, 600), (4, 40, 2000))
    rows = [bench(order, N, K, args.networks, 0.1, numba_run) for order, N, K in cases]
    write_results(
        "hopfield",
        "network-sweeps",
        "network (order P, neurons N, patterns K)",
        rows,
        f"{args.networks} networks per case, async zero-T retrieval from 10% flipped neurons",
    )


if __name__ == "__main__":
    main()
