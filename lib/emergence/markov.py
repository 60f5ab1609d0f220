"""Finite-state Markov jump processes: exact simulation and the generator's exact results.

A process on states ``0 .. S-1`` is given by its generator ``Q`` (``Q[i, j] >= 0`` the rate of
jumps ``i -> j`` for ``i != j``; each row sums to zero). :func:`generator` builds one from a
matrix of rates, :func:`check_generator` validates one.

- :func:`gillespie` draws exact trajectories (Gillespie's direct method), vmapped over
  trajectories, into fixed-size buffers of jump times and states (JAX needs static shapes); it
  validates its arguments and calls the pure, jit-compiled :func:`gillespie_kernel`;
- :func:`on_grid` reads the state of each trajectory at given times (snapshots);
- :func:`stationary`, :func:`probability_currents` and :func:`entropy_production` are the
  generator's exact stationary distribution, net probability currents
  ``J_ij = pi_i Q_ij - pi_j Q_ji`` and Schnakenberg entropy production rate
  ``sigma = 1/2 sum_ij J_ij ln(pi_i Q_ij / (pi_j Q_ji))`` (in units of k_B per unit time);
  :func:`cycle_affinity` is ``ln prod Q_ij / Q_ji`` around a cycle of states;
- :func:`flashing_ratchet` is the generator of the discrete flashing ratchet;
- :func:`path_statistics` reduces full paths to the sufficient statistics of the exact path
  likelihood (time spent in each state, jump counts), :func:`path_log_likelihood` evaluates it;
- :func:`hmm_log_likelihood` is the likelihood of noisy snapshots (a hidden Markov model, by the
  scaled forward algorithm).
- :func:`detailed_balance_test` is the Bayes factor of "any rates" against "detailed balance"
  from complete paths' statistics (exact for the free rates, importance sampling over the state
  energies for the balanced model).

Exact results are computed in float64 with NumPy; simulation runs in JAX. The likelihoods and
:func:`flashing_ratchet` are JAX functions, differentiable in their parameters (for NumPyro).
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np


def check_generator(Q, atol: float = 1e-9) -> np.ndarray:
    """Return ``Q`` as a float64 array after checking that it is a generator: square, finite,
    non-negative off the diagonal, rows summing to zero (within ``atol`` times the largest rate)."""
    Q = np.asarray(Q, dtype=float)
    if Q.ndim != 2 or Q.shape[0] != Q.shape[1] or Q.shape[0] < 2:
        raise ValueError(
            f"a generator must be a square matrix with at least 2 states, got shape {Q.shape}"
        )
    if not np.all(np.isfinite(Q)):
        raise ValueError("the generator has NaN or infinite entries")
    off = Q - np.diag(np.diag(Q))
    if np.any(off < 0):
        i, j = np.argwhere(off < 0)[0]
        raise ValueError(f"off-diagonal rates must be >= 0, got Q[{i}, {j}] = {Q[i, j]!r}")
    rows = Q.sum(axis=1)
    scale = max(float(np.abs(off).max()), 1.0)
    if np.any(np.abs(rows) > atol * scale):
        i = int(np.argmax(np.abs(rows)))
        raise ValueError(f"each row of a generator must sum to 0, row {i} sums to {rows[i]!r}")
    return Q


def generator(rates) -> np.ndarray:
    """The generator with off-diagonal entries ``rates[i, j]`` (the diagonal of ``rates`` is
    ignored) and diagonal ``-sum_j rates[i, j]``."""
    R = np.asarray(rates, dtype=float)
    if R.ndim != 2 or R.shape[0] != R.shape[1] or R.shape[0] < 2:
        raise ValueError(f"rates must be a square matrix with at least 2 states, got shape {R.shape}")
    R = R - np.diag(np.diag(R))
    if not np.all(np.isfinite(R)) or np.any(R < 0):
        raise ValueError("rates must be finite and >= 0 off the diagonal")
    return R - np.diag(R.sum(axis=1))


def stationary(Q):
    """The stationary distribution ``pi Q = 0``, ``sum pi = 1`` (unique for an irreducible Q).

    A float64 NumPy array for a concrete ``Q`` (checked, reducibility detected). For a traced
    ``Q`` (inside a NumPyro model or under ``jit``) a differentiable JAX solve without checks:
    one of the dependent equations ``pi Q = 0`` is replaced by the normalization."""
    if isinstance(Q, jax.core.Tracer):
        A = Q.T.at[-1].set(1.0)
        return jnp.linalg.solve(A, jnp.zeros(Q.shape[0], Q.dtype).at[-1].set(1.0))
    Q = check_generator(Q)
    S = Q.shape[0]
    if np.linalg.matrix_rank(Q) < S - 1:
        raise ValueError("the generator is reducible: its stationary distribution is not unique")
    A = np.vstack([Q.T, np.ones(S)])
    b = np.zeros(S + 1)
    b[-1] = 1.0
    pi, *_ = np.linalg.lstsq(A, b, rcond=None)
    return np.clip(pi, 0.0, None) / np.clip(pi, 0.0, None).sum()


def probability_currents(Q, pi=None) -> np.ndarray:
    """Net stationary probability currents ``J_ij = pi_i Q_ij - pi_j Q_ji`` (antisymmetric)."""
    Q = check_generator(Q)
    pi = stationary(Q) if pi is None else np.asarray(pi, dtype=float)
    flux = pi[:, None] * (Q - np.diag(np.diag(Q)))
    return flux - flux.T


def entropy_production(Q, pi=None) -> float:
    """Schnakenberg's stationary entropy production rate (k_B per unit time); zero if and only
    if detailed balance holds; infinite if some jump has no reverse."""
    Q = check_generator(Q)
    pi = stationary(Q) if pi is None else np.asarray(pi, dtype=float)
    off = Q - np.diag(np.diag(Q))
    flux = pi[:, None] * off
    fwd, rev = flux, flux.T
    both = (fwd > 0) & (rev > 0)
    if np.any((fwd > 0) & (rev == 0)):
        return float("inf")
    terms = np.where(
        both, (fwd - rev) * np.log(np.where(both, fwd, 1.0) / np.where(both, rev, 1.0)), 0.0
    )
    return float(0.5 * terms.sum())


def cycle_affinity(Q, cycle):
    """The affinity ``ln prod_k Q[c_k, c_k+1] / Q[c_k+1, c_k]`` of the closed cycle of states
    ``cycle = (c_0, c_1, ..., c_m-1)`` (the return ``c_m-1 -> c_0`` is implied); zero for every
    cycle if and only if detailed balance holds (Kolmogorov's criterion). A float for a NumPy
    ``Q``, a JAX scalar for a JAX array (traced or not)."""
    c = [int(i) for i in cycle]
    if len(c) < 3 or len(set(c)) != len(c):
        raise ValueError(f"a cycle needs at least 3 distinct states, got {tuple(cycle)!r}")
    S = Q.shape[0]
    if min(c) < 0 or max(c) >= S:
        raise ValueError(f"cycle states must lie in [0, {S - 1}], got {tuple(cycle)!r}")
    a, b = np.array(c), np.roll(np.array(c), -1)
    if isinstance(Q, np.ndarray):  # exact results in float64
        return float(np.sum(np.log(Q[a, b]) - np.log(Q[b, a])))
    return jnp.sum(jnp.log(Q[a, b]) - jnp.log(Q[b, a]))


def _concrete(x):
    try:
        return float(x)
    except (TypeError, jax.errors.ConcretizationTypeError, jax.errors.TracerArrayConversionError):
        return None


def flashing_ratchet(V, r, gamma=1.0, n_sites: int = 3):
    """Generator of the discrete flashing ratchet (energies in k_BT).

    A particle hops between neighbouring sites ``x`` of a ring of ``n_sites`` at rate
    ``gamma * exp(-(U_y - U_x) / 2)``; the potential ``U`` is either the sawtooth
    ``U_x = V x / (n_sites - 1)`` (on: a slow rise over the ring, one steep drop from the last
    site back to 0) or flat (off), and switches on <-> off at rate ``r`` whatever the position.
    State ``x`` is the particle at ``x`` with the potential on, ``x + n_sites`` with it off.
    Returns a float64 NumPy array for numbers, a JAX array when ``V``, ``r`` or ``gamma`` are
    traced (inside a NumPyro model or under ``jit``).
    """
    if isinstance(n_sites, bool) or not isinstance(n_sites, int | np.integer) or n_sites < 3:
        raise ValueError(f"n_sites must be an integer >= 3, got {n_sites!r}")
    for name, value, lo in (("r", r, 0.0), ("gamma", gamma, 0.0)):
        v = _concrete(value)
        if v is not None and not (np.isfinite(v) and v >= lo):
            raise ValueError(f"{name} must be a finite rate >= 0, got {value!r}")
    v = _concrete(V)
    if v is not None and not np.isfinite(v):
        raise ValueError(f"V must be a finite energy (in k_BT), got {V!r}")
    n = int(n_sites)
    concrete = all(_concrete(a) is not None for a in (V, r, gamma))
    xp = np if concrete else jnp  # float64 NumPy for numbers, JAX for traced parameters
    if concrete:
        V, r, gamma = float(V), float(r), float(gamma)
    x = np.arange(n)
    up, down = np.eye(n)[(x + 1) % n], np.eye(n)[(x - 1) % n]  # row x: a 1 at x + 1 (x - 1)
    U = V * (x / (n - 1))
    on = (
        xp.diag(gamma * xp.exp(-(U[(x + 1) % n] - U) / 2)) @ up
        + xp.diag(gamma * xp.exp(-(U[(x - 1) % n] - U) / 2)) @ down
    )
    off = gamma * (up + down)
    switch = r * np.eye(n)
    R = xp.block([[on, switch], [switch, off * xp.ones_like(on)]])
    return R - xp.diag(R.sum(axis=1))


class Paths(NamedTuple):
    """Trajectories from :func:`gillespie`, for ``n`` trajectories and ``J = max_jumps`` buffers.

    times   (n, J + 1)  jump times, ``times[:, 0] = 0``; ``inf`` after the last jump before t_max
    states  (n, J + 1)  the state entered at each time (``states[:, 0]`` the initial state)
    n_jumps (n,)        jumps made before ``t_max``
    complete (n,)       False where the buffer filled before ``t_max`` (raise max_jumps)
    """

    times: jax.Array
    states: jax.Array
    n_jumps: jax.Array
    complete: jax.Array


def gillespie(key, Q, x0, t_max: float, max_jumps: int) -> Paths:
    """Exact trajectories of the jump process with generator ``Q`` from the states ``x0``
    (shape ``(n,)``), up to time ``t_max``, in buffers of ``max_jumps`` jumps."""
    Qn = check_generator(Q)
    S = Qn.shape[0]
    x0 = jnp.asarray(x0)
    if x0.ndim != 1 or not jnp.issubdtype(x0.dtype, jnp.integer):
        raise ValueError(
            f"x0 must be a 1D integer array of initial states, got shape {x0.shape}, dtype {x0.dtype}"
        )
    if x0.size and (int(x0.min()) < 0 or int(x0.max()) >= S):
        raise ValueError(
            f"initial states must lie in [0, {S - 1}], got range [{int(x0.min())}, {int(x0.max())}]"
        )
    t_max = float(t_max)
    if not (np.isfinite(t_max) and t_max > 0):
        raise ValueError(f"t_max must be a finite time > 0, got {t_max!r}")
    if isinstance(max_jumps, bool) or not isinstance(max_jumps, int | np.integer) or max_jumps < 1:
        raise ValueError(f"max_jumps must be an integer >= 1, got {max_jumps!r}")
    dtype = jnp.result_type(float)
    # sparse jump tables: for each state its K possible destinations (K the largest out-degree)
    # and the cumulative rates towards them, so each step gathers K numbers rather than S
    off = Qn - np.diag(np.diag(Qn))
    K = max(int((off > 0).sum(axis=1).max()), 1)
    dest = np.zeros((S, K), np.int32)
    cum = np.full((S, K), np.inf)
    for i in range(S):
        (js,) = np.nonzero(off[i] > 0)
        dest[i, : js.size] = js
        dest[i, js.size :] = js[-1] if js.size else i
        cum[i, : js.size] = np.cumsum(off[i, js])
    exit_rate = off.sum(axis=1)
    return gillespie_kernel(
        key,
        jnp.asarray(exit_rate, dtype),
        jnp.asarray(cum, dtype),
        jnp.asarray(dest),
        x0.astype(jnp.int32),
        jnp.asarray(t_max, dtype),
        int(max_jumps),
    )


def _one_path(u, exit_rate, cum, dest, x0, t_max):
    K = cum.shape[1]

    def step(carry, uk):
        t, x, alive = carry
        rate = exit_rate[x]
        t_new = jnp.where(rate > 0, t - jnp.log1p(-uk[0]) / jnp.where(rate > 0, rate, 1.0), jnp.inf)
        # the destination is the first k with cum[x, k] > u * rate (inverse CDF)
        k = jnp.minimum(jnp.sum(cum[x] <= uk[1] * rate), K - 1)
        y = dest[x, k]
        jumps = alive & (t_new < t_max)
        t_out = jnp.where(jumps, t_new, jnp.inf)
        x_new = jnp.where(jumps, y, x)
        return (jnp.where(jumps, t_new, t), x_new, jumps), (t_out, x_new)

    dtype = exit_rate.dtype
    (_, _, alive), (ts, xs) = jax.lax.scan(step, (jnp.zeros((), dtype), x0, True), u)
    times = jnp.concatenate([jnp.zeros(1, dtype), ts])
    states = jnp.concatenate([x0[None], xs])
    n_jumps = jnp.sum(jnp.isfinite(ts))
    return times, states, n_jumps, ~alive


@partial(jax.jit, static_argnums=(6,))
def gillespie_kernel(key, exit_rate, cum, dest, x0, t_max, max_jumps):
    """The pure kernel behind :func:`gillespie`, unchecked: ``exit_rate`` (S,), the cumulative
    rates ``cum`` (S, K) and destinations ``dest`` (S, K) of each state's K possible jumps,
    initial states ``x0`` (n,), ``t_max``; ``max_jumps`` static. Use :func:`gillespie` unless
    you are composing kernels."""
    # all random numbers up front, two uniforms per jump (one large draw beats many small ones),
    # laid out jump-major so that each step of the scan reads one contiguous slice
    u = jax.random.uniform(key, (max_jumps, 2, x0.shape[0]), dtype=exit_rate.dtype)
    times, states, n_jumps, complete = jax.vmap(_one_path, in_axes=(2, None, None, None, 0, None))(
        u, exit_rate, cum, dest, x0, t_max
    )
    return Paths(times, states, n_jumps, complete)


def on_grid(paths: Paths, grid) -> jax.Array:
    """The state of every trajectory at the times ``grid`` (shape ``(n, len(grid))``)."""
    grid = jnp.asarray(grid, paths.times.dtype)
    if grid.ndim != 1:
        raise ValueError(f"grid must be a 1D array of times, got shape {grid.shape}")
    idx = jax.vmap(lambda t: jnp.searchsorted(t, grid, side="right") - 1)(paths.times)
    return jnp.take_along_axis(paths.states, idx, axis=1)


def path_statistics(paths: Paths, n_states: int, t_max: float):
    """The sufficient statistics of the exact path likelihood, summed over all trajectories:
    ``dwell[i]`` the total time spent in state ``i`` up to ``t_max`` and ``counts[i, j]`` the
    number of jumps ``i -> j``. The paths must be complete (no buffer filled before ``t_max``)."""
    if isinstance(n_states, bool) or not isinstance(n_states, int | np.integer) or n_states < 2:
        raise ValueError(f"n_states must be an integer >= 2, got {n_states!r}")
    if not bool(jnp.all(paths.complete)):
        raise ValueError(
            f"{int(jnp.sum(~paths.complete))} paths filled their buffer before t_max; "
            "their statistics would be truncated (raise max_jumps)"
        )
    t_max = float(t_max)
    if not (np.isfinite(t_max) and t_max > 0):
        raise ValueError(f"t_max must be a finite time > 0, got {t_max!r}")
    if int(jnp.max(paths.states)) >= n_states:
        raise ValueError(f"the paths visit state {int(jnp.max(paths.states))} >= n_states = {n_states}")
    return _path_statistics(
        paths.times, paths.states, jnp.asarray(t_max, paths.times.dtype), int(n_states)
    )


@partial(jax.jit, static_argnums=(3,))
def _path_statistics(times, states, t_max, S):
    tc = jnp.minimum(times, t_max)
    dur = jnp.diff(jnp.concatenate([tc, jnp.full((tc.shape[0], 1), t_max, tc.dtype)], axis=1), axis=1)
    dwell = jnp.zeros(S, tc.dtype).at[states.ravel()].add(dur.ravel())
    jumped = jnp.isfinite(times[:, 1:]).astype(tc.dtype)
    counts = (
        jnp.zeros((S, S), tc.dtype)
        .at[states[:, :-1].ravel(), states[:, 1:].ravel()]
        .add(jumped.ravel())
    )
    return dwell, counts


def path_log_likelihood(Q, dwell, counts):
    """``ln L = sum_ij counts_ij ln Q_ij - sum_i dwell_i q_i`` (``q_i = -Q_ii`` the exit rate), the
    exact log-likelihood of fully observed paths given their initial states. Differentiable."""
    off = Q - jnp.diag(jnp.diag(Q))
    # log only where jumps were seen: rates absent from the graph (0) then get finite gradients
    seen = counts > 0
    return jnp.sum(jnp.where(seen, counts * jnp.log(jnp.where(seen, off, 1.0)), 0.0)) - jnp.sum(
        dwell * off.sum(axis=1)
    )


def hmm_log_likelihood(P, emission, observations, p0):
    """Log-likelihood of observation sequences from a hidden Markov chain (scaled forward
    algorithm), summed over sequences; differentiable in ``P``, ``emission`` and ``p0``.

    P            (S, S)  transition matrix between consecutive observations, e.g.
                         ``jax.scipy.linalg.expm(Q * dt)`` for snapshots of a jump process
    emission     (S, O)  ``emission[s, o]`` the probability of observing ``o`` in state ``s``
    observations (n, K)  integer observations in ``[0, O)``, ``n`` sequences of ``K``
    p0           (S,)    the hidden state's distribution at the first observation
    """
    observations = jnp.asarray(observations)
    if observations.ndim != 2 or not jnp.issubdtype(observations.dtype, jnp.integer):
        raise ValueError(
            f"observations must be a 2D integer array (sequences, times), got shape "
            f"{observations.shape}, dtype {observations.dtype}"
        )
    S = P.shape[0]
    if P.shape != (S, S) or emission.shape[0] != S or p0.shape != (S,):
        raise ValueError(
            f"shapes do not match: P {P.shape}, emission {emission.shape}, p0 {p0.shape} "
            f"(need (S, S), (S, O), (S,))"
        )
    # the emission probabilities of every reading at once (outside the sequential loop)
    like = jnp.take(emission, observations.T, axis=1).transpose(1, 2, 0)  # (K, n, S)

    def step(carry, lk):
        alpha, ll = carry
        alpha = (alpha @ P) * lk
        c = alpha.sum(axis=1)
        return (alpha / c[:, None], ll + jnp.sum(jnp.log(c))), None

    alpha0 = p0[None, :] * like[0]
    c0 = alpha0.sum(axis=1)
    (_, ll), _ = jax.lax.scan(step, (alpha0 / c0[:, None], jnp.sum(jnp.log(c0))), like[1:])
    return ll


# ----------------------------------------------------------------------------------------------
# Is detailed balance broken? A Bayesian model comparison from complete paths


class DetailedBalanceTest(NamedTuple):
    """The Bayes factor of :func:`detailed_balance_test`, with what it was computed from.

    ``log10_K`` = log10 p(data | M1) / p(data | M0) (M1: any rates; M0: detailed balance);
    ``log10_p_db`` = log10 P(M0 | data) at even prior odds; ``is_ess`` and ``is_rel_err`` the
    importance sampler's effective sample size and relative standard error of p(data | M0);
    ``dwell``, ``counts`` and ``links`` restricted to the visited states."""

    states: int
    links: list
    log10_K: float
    log10_p_db: float
    is_ess: float
    is_rel_err: float
    dwell: np.ndarray
    counts: np.ndarray


def log_evidence_free_rates(dwell, counts, links, a: float, b: float) -> float:
    """log p(data | M1): independent Gamma(a, b) rates (shape ``a``, rate ``b``) on both
    directions of every link, with the complete-path likelihood ``prod Q^n e^(-Q T)``. Exact:
    a product of Gamma-function ratios."""
    from scipy.special import gammaln

    total = 0.0
    for i, j in links:
        for s, t in ((i, j), (j, i)):
            n = counts[s, t]
            total += a * np.log(b) - gammaln(a) + gammaln(a + n) - (a + n) * np.log(b + dwell[s])
    return float(total)


def _db_log_integrand(E_free, dwell, n_fwd, n_bwd, i, j, a, b, e_scale):
    """log p(data, E | M0) with the symmetric link weights integrated out, for links i[l] -- j[l]
    with jump counts n_fwd (i -> j) and n_bwd (j -> i); E_0 = 0, E_free ~ N(0, e_scale)."""
    from jax.scipy.special import gammaln

    E = jnp.concatenate([jnp.zeros(1, E_free.dtype), E_free])
    d = E[j] - E[i]
    n = n_fwd + n_bwd
    c = dwell[i] * jnp.exp(-d / 2) + dwell[j] * jnp.exp(d / 2)
    per_link = (
        a * jnp.log(b)
        - gammaln(a)
        + gammaln(a + n)
        - (a + n) * jnp.log(b + c)
        - (n_fwd - n_bwd) * d / 2
    )
    return jnp.sum(jax.scipy.stats.norm.logpdf(E_free, 0.0, e_scale)) + jnp.sum(per_link)


_db_f = jax.jit(_db_log_integrand)
_db_grad = jax.jit(jax.grad(_db_log_integrand))
_db_hess = jax.jit(jax.hessian(_db_log_integrand))
_db_f_many = jax.jit(jax.vmap(_db_log_integrand, in_axes=(0, *[None] * 8)))


def log_evidence_detailed_balance(
    dwell, counts, links, a: float, b: float, e_scale: float, n_draws: int, seed: int, nu: float = 5.0
):
    """log p(data | M0) for the detailed-balanced rates ``Q_ij = w_ij exp(-(E_j - E_i)/2)``
    (``w_ij = w_ji ~ Gamma(a, b)`` per link, ``E_i ~ N(0, e_scale)``, ``E_0 = 0``): the link
    weights integrate out exactly; the ``S - 1`` energies by importance sampling from a
    multivariate Student-t (``nu`` degrees of freedom) at the mode, with the Laplace scale.

    Returns ``(log evidence, effective sample size, relative standard error)``."""
    from scipy import optimize, stats

    i, j = (np.array(v) for v in zip(*links, strict=True))
    # in JAX's default float precision (float64 when x64 is on, as the ratchet chapter sets)
    data = (
        jnp.asarray(dwell, float),
        jnp.asarray(counts[i, j], float),
        jnp.asarray(counts[j, i], float),
        jnp.asarray(i),
        jnp.asarray(j),
        *(jnp.asarray(x, float) for x in (a, b, e_scale)),
    )
    dim = len(dwell) - 1
    mode = optimize.minimize(
        lambda e: -float(_db_f(jnp.asarray(e, float), *data)),
        np.zeros(dim),
        jac=lambda e: -np.asarray(_db_grad(jnp.asarray(e, float), *data), float),
        method="BFGS",
    )
    cov = np.linalg.inv(-np.asarray(_db_hess(jnp.asarray(mode.x, float), *data), float))
    proposal = stats.multivariate_t(loc=mode.x, shape=cov, df=nu, seed=seed)
    draws = proposal.rvs(n_draws).reshape(n_draws, dim)
    logw = np.asarray(_db_f_many(jnp.asarray(draws, float), *data), float) - proposal.logpdf(draws)
    m = logw.max()
    w = np.exp(logw - m)
    ess = w.sum() ** 2 / (w**2).sum()
    return float(m + np.log(w.mean())), float(ess), float(np.std(w) / np.sqrt(n_draws) / w.mean())


def detailed_balance_test(
    dwell,
    counts,
    prior: tuple[float, float, float] = (1.0, 0.2, 5.0),
    n_draws: int = 4000,
    seed: int = 0,
) -> DetailedBalanceTest:
    """Bayes factor of "any rates" (M1) against "detailed balance" (M0) from complete paths'
    sufficient statistics (:func:`path_statistics`: time in each state, jump counts).

    ``prior = (a, b, e_scale)``: Gamma(a, b) rates (M1) and link weights (M0), N(0, e_scale)
    state energies (M0). States never visited are dropped; links are the pairs with a jump in
    either direction. See :func:`log_evidence_free_rates` and
    :func:`log_evidence_detailed_balance`."""
    dwell, counts = np.asarray(dwell, float), np.asarray(counts, float)
    if dwell.ndim != 1 or counts.shape != (dwell.size, dwell.size):
        raise ValueError(
            f"need dwell (S,) and counts (S, S), got shapes {dwell.shape} and {counts.shape}"
        )
    a, b, e_scale = (float(x) for x in prior)
    if not (a > 0 and b > 0 and e_scale > 0):
        raise ValueError(f"prior (a, b, e_scale) must all be > 0, got {prior!r}")
    if isinstance(n_draws, bool) or int(n_draws) != n_draws or n_draws < 100:
        raise ValueError(f"n_draws must be an integer >= 100, got {n_draws!r}")
    visited = dwell > 0
    dwell, counts = dwell[visited], counts[np.ix_(visited, visited)]
    S = dwell.size
    links = [(i, j) for i in range(S) for j in range(i + 1, S) if counts[i, j] + counts[j, i] > 0]
    if S < 2 or not links:
        raise ValueError(f"the paths visit {S} state(s) with {len(links)} link(s): nothing to test")
    log_m1 = log_evidence_free_rates(dwell, counts, links, a, b)
    log_m0, ess, rel_err = log_evidence_detailed_balance(
        dwell, counts, links, a, b, e_scale, int(n_draws), seed
    )
    log_k = log_m1 - log_m0
    return DetailedBalanceTest(
        states=S,
        links=links,
        log10_K=log_k / np.log(10),
        log10_p_db=float(-np.logaddexp(0.0, log_k) / np.log(10)),
        is_ess=ess,
        is_rel_err=rel_err,
        dwell=dwell,
        counts=counts,
    )
