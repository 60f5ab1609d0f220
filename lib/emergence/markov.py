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
- :func:`gillespie_stationary` starts trajectories in the stationary state with a buffer from
  :func:`jump_buffer` that they will not fill;
- :func:`flashing_ratchet` is the generator of the discrete flashing ratchet;
  :func:`ratchet_current`, :func:`ratchet_square` and :func:`ratchet_displacement` are its
  exact mean velocity, its square cycles, and the unwrapped displacement of its paths;
- :func:`path_statistics` reduces full paths to the sufficient statistics of the exact path
  likelihood (time spent in each state, jump counts), :func:`path_log_likelihood` evaluates it;
- :func:`hmm_log_likelihood` is the likelihood of noisy snapshots (a hidden Markov model, by the
  scaled forward algorithm); :func:`sample_hmm` draws snapshot sequences from the same model;
- :func:`jump_count_deviance` is the posterior predictive discrepancy of a rate model's jump
  counts given the dwell times (for :mod:`emergence.adequacy`).
- :func:`detailed_balance_test` is the Bayes factor of "any rates" against "detailed balance"
  from complete paths' statistics (exact for the free rates, importance sampling over the state
  energies for the balanced model).

Exact results are computed in float64 with NumPy; simulation runs in JAX. The likelihoods are
JAX functions, differentiable in their parameters (for NumPyro); :func:`stationary`,
:func:`flashing_ratchet` and :func:`cycle_affinity` return JAX arrays for JAX inputs (traced
or not) and NumPy float64 for NumPy inputs: the type follows the input.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np


def check_generator(Q, atol: float = 1e-9) -> np.ndarray:
    """Check that a matrix is a generator.

    Parameters
    ----------
    Q : array_like
        Shape ``(S, S)``, ``S >= 2``: rates off the diagonal (per unit time), rows summing to 0.
    atol : float, optional
        Tolerance of the row sums, relative to the largest rate (at least 1); default 1e-9.

    Returns
    -------
    numpy.ndarray
        ``Q`` as float64.

    Raises
    ------
    ValueError
        If ``Q`` is not square, has fewer than 2 states, a non-finite entry, a negative rate or
        a row not summing to zero (the first offender named).
    """
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
        raise ValueError(f"off-diagonal rates must be >= 0, got Q[{i}, {j}] = {float(Q[i, j])!r}")
    rows = Q.sum(axis=1)
    scale = max(float(np.abs(off).max()), 1.0)
    if np.any(np.abs(rows) > atol * scale):
        i = int(np.argmax(np.abs(rows)))
        raise ValueError(f"each row of a generator must sum to 0, row {i} sums to {float(rows[i]):.6g}")
    return Q


def generator(rates) -> np.ndarray:
    """The generator with given rates.

    Parameters
    ----------
    rates : array_like
        Shape ``(S, S)``: ``rates[i, j] >= 0`` the rate of ``i -> j`` (per unit time); the
        diagonal is ignored.

    Returns
    -------
    numpy.ndarray
        Float64, the rates off the diagonal and ``-sum_j rates[i, j]`` on it.

    Raises
    ------
    ValueError
        If ``rates`` is not square with at least 2 states, or a rate is negative or not finite.
    """
    R = np.asarray(rates, dtype=float)
    if R.ndim != 2 or R.shape[0] != R.shape[1] or R.shape[0] < 2:
        raise ValueError(f"rates must be a square matrix with at least 2 states, got shape {R.shape}")
    R = R - np.diag(np.diag(R))
    if not np.all(np.isfinite(R)) or np.any(R < 0):
        raise ValueError("rates must be finite and >= 0 off the diagonal")
    return R - np.diag(R.sum(axis=1))


def stationary(Q):
    """The stationary distribution, ``pi Q = 0`` with ``sum pi = 1``.

    The type follows the input: a NumPy (or nested-list) ``Q`` gives a checked float64 NumPy
    result; a JAX array (traced, inside a NumPyro model or under ``jit``, or not) a differentiable
    JAX solve without checks, one of the dependent equations ``pi Q = 0`` replaced by the
    normalization.

    Parameters
    ----------
    Q : array_like or jax.Array
        An irreducible generator, shape ``(S, S)``.

    Returns
    -------
    numpy.ndarray or jax.Array
        ``pi``, shape ``(S,)``.

    Raises
    ------
    ValueError
        For a NumPy ``Q`` that is not a generator or is reducible (no unique ``pi``).
    """
    if isinstance(Q, jax.Array):  # traced or not: a differentiable JAX solve, unchecked
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
    """The net stationary probability currents, ``J_ij = pi_i Q_ij - pi_j Q_ji``.

    Parameters
    ----------
    Q : array_like
        The generator, shape ``(S, S)``.
    pi : array_like, optional
        Its stationary distribution, if already known.

    Returns
    -------
    numpy.ndarray
        ``J``, shape ``(S, S)``, antisymmetric, in probability per unit time.
    """
    Q = check_generator(Q)
    pi = stationary(Q) if pi is None else np.asarray(pi, dtype=float)
    flux = pi[:, None] * (Q - np.diag(np.diag(Q)))
    return flux - flux.T


def entropy_production(Q, pi=None) -> float:
    """Schnakenberg's stationary entropy production rate.

    ``sigma = 1/2 sum_ij J_ij ln(pi_i Q_ij / (pi_j Q_ji))``; zero if and only if detailed
    balance holds.

    Parameters
    ----------
    Q : array_like
        The generator, shape ``(S, S)``.
    pi : array_like, optional
        The distribution to evaluate it in; default the stationary one.

    Returns
    -------
    float
        ``sigma`` in k_B per unit time; infinite if some jump has no reverse.
    """
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
    """The affinity of a closed cycle of states, ``ln prod_k Q[c_k, c_k+1] / Q[c_k+1, c_k]``.

    Zero for every cycle if and only if detailed balance holds (Kolmogorov's criterion).

    Parameters
    ----------
    Q : numpy.ndarray or jax.Array
        The generator, shape ``(S, S)``.
    cycle : sequence of int
        At least 3 distinct states ``(c_0, ..., c_m-1)``; the return ``c_m-1 -> c_0`` is implied.

    Returns
    -------
    float or jax.Array
        The affinity in k_BT: a float for a NumPy ``Q``, a JAX scalar for a JAX one.

    Raises
    ------
    ValueError
        If the cycle has fewer than 3 distinct states or a state outside ``[0, S)``.
    """
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
    """The generator of the discrete flashing ratchet.

    A particle hops between neighbouring sites ``x`` of a ring of ``n_sites`` at rate
    ``gamma * exp(-(U_y - U_x) / 2)``; the potential ``U`` is either the sawtooth
    ``U_x = V x / (n_sites - 1)`` (on: a slow rise over the ring, one steep drop from the last
    site back to 0) or flat (off), and switches on <-> off at rate ``r`` whatever the position.
    State ``x`` is the particle at ``x`` with the potential on, ``x + n_sites`` with it off.

    Parameters
    ----------
    V : float or jax.Array
        The sawtooth's height, in k_BT (finite; either sign).
    r : float or jax.Array
        Switching rate (>= 0, per unit time).
    gamma : float or jax.Array, optional
        Hopping rate on a flat potential (>= 0, per unit time); default 1.
    n_sites : int, optional
        Sites on the ring (>= 3); default 3.

    Returns
    -------
    numpy.ndarray or jax.Array
        ``Q``, shape ``(2 n_sites, 2 n_sites)``: float64 NumPy for numbers, JAX when any parameter
        is a JAX array (traced or not; differentiable, for NumPyro).

    Raises
    ------
    ValueError
        If ``n_sites < 3``, a rate is negative or not finite, or ``V`` is not finite (checked
        where the values are concrete).
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
    # the type follows the input: NumPy float64 for numbers, JAX for JAX arrays (traced or not)
    as_jax = any(isinstance(a, jax.Array) for a in (V, r, gamma))
    xp = jnp if as_jax else np
    if not as_jax:
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


def _check_sites(n_sites) -> int:
    if isinstance(n_sites, bool) or not isinstance(n_sites, int | np.integer) or n_sites < 3:
        raise ValueError(f"n_sites must be an integer >= 3, got {n_sites!r}")
    return int(n_sites)


@dataclass(frozen=True)
class Ratchet:
    """A flashing ratchet's parameters, defined once for the pages that study it.

    Parameters
    ----------
    V : float, optional
        The sawtooth's height, in k_BT (finite); default 4.
    r : float, optional
        Switching rate (>= 0, per unit time); default 1.
    gamma : float, optional
        Hopping rate on a flat potential (> 0); default 1 (it sets the time unit).
    n_sites : int, optional
        Sites on the ring (>= 3); default 3.

    Raises
    ------
    ValueError
        If a parameter is out of range.
    """

    V: float = 4.0
    r: float = 1.0
    gamma: float = 1.0
    n_sites: int = 3

    def __post_init__(self):
        _check_sites(self.n_sites)
        if not np.isfinite(self.V):
            raise ValueError(f"V must be a finite energy (in k_BT), got {self.V!r}")
        if not (np.isfinite(self.r) and self.r >= 0):
            raise ValueError(f"r must be a finite rate >= 0, got {self.r!r}")
        if not (np.isfinite(self.gamma) and self.gamma > 0):
            raise ValueError(f"gamma must be a finite rate > 0, got {self.gamma!r}")

    def generator(self) -> np.ndarray:
        """The generator, :func:`flashing_ratchet` of the parameters.

        Returns
        -------
        numpy.ndarray
            Shape ``(2 n_sites, 2 n_sites)``, float64.
        """
        return flashing_ratchet(self.V, self.r, self.gamma, n_sites=self.n_sites)

    @property
    def labels(self) -> list[str]:
        """The states' names, ``"0+"`` for site 0 with the potential on, ``"0-"`` with it off."""
        return [f"{x}{s}" for s in ("+", "-") for x in range(self.n_sites)]


RATCHET = Ratchet()


def ratchet_current(Q, n_sites: int = 3) -> float:
    r"""The flashing ratchet's mean velocity around its ring.

    The net number of jumps ``x -> x+1`` per unit time through a cut between two sites (in
    either potential) is the same for every cut in the stationary state; the velocity is
    ``n_sites`` times it.

    Parameters
    ----------
    Q : array_like
        A generator of :func:`flashing_ratchet`'s layout, shape ``(2 n_sites, 2 n_sites)``.
    n_sites : int, optional
        Sites on the ring (>= 3); default 3.

    Returns
    -------
    float
        The mean velocity, in sites per unit time (negative: towards the steep side).
    """
    n = _check_sites(n_sites)
    if np.shape(Q) != (2 * n, 2 * n):
        raise ValueError(f"Q must have shape ({2 * n}, {2 * n}) for n_sites = {n}, got {np.shape(Q)}")
    J = probability_currents(Q)
    return float(n * (J[0, 1] + J[n, n + 1]))


def ratchet_square(x: int, n_sites: int = 3) -> tuple[int, int, int, int]:
    """The ratchet's square cycle at site ``x``: hop with the potential on, switch, hop back.

    Parameters
    ----------
    x : int
        The site the cycle starts from, in ``[0, n_sites)``.
    n_sites : int, optional
        Sites on the ring (>= 3); default 3.

    Returns
    -------
    tuple of int
        The states ``(x on, x+1 on, x+1 off, x off)`` (``x + n_sites`` is site ``x`` off), for
        :func:`cycle_affinity`; its affinity is ``-(U_{x+1} - U_x) / k_BT``.
    """
    n = _check_sites(n_sites)
    if isinstance(x, bool) or not isinstance(x, int | np.integer) or not 0 <= x < n:
        raise ValueError(f"x must be a site in [0, {n - 1}], got {x!r}")
    y = (int(x) + 1) % n
    return (int(x), y, y + n, int(x) + n)


def ratchet_displacement(paths: Paths, n_sites: int = 3) -> jax.Array:
    """The net displacement of ratchet trajectories after each jump, unwrapped around the ring.

    Parameters
    ----------
    paths : Paths
        Trajectories of a :func:`flashing_ratchet` generator.
    n_sites : int, optional
        Sites on the ring (>= 3); default 3.

    Returns
    -------
    jax.Array
        Shape ``(n, J + 1)``: sites moved since the start (a switch of the potential moves
        nothing), at each entry of ``paths.times``.
    """
    n = _check_sites(n_sites)
    x = paths.states % n
    step = (jnp.diff(x, axis=1) + 1) % n - 1  # +1, -1, or 0 for a switch (or buffer padding)
    zero = jnp.zeros((x.shape[0], 1), step.dtype)
    return jnp.concatenate([zero, jnp.cumsum(step, axis=1)], axis=1)


class Paths(NamedTuple):
    """Trajectories from :func:`gillespie`: ``n`` paths in buffers of ``J = max_jumps`` jumps.

    Parameters
    ----------
    times : jax.Array
        Shape ``(n, J + 1)``: jump times, ``times[:, 0] = 0``; ``inf`` after the last jump
        before ``t_max``.
    states : jax.Array
        Shape ``(n, J + 1)``, int32: the state entered at each time (``states[:, 0]`` the
        initial state).
    n_jumps : jax.Array
        Shape ``(n,)``: jumps made before ``t_max``.
    complete : jax.Array
        Shape ``(n,)``, bool: False where the buffer filled before ``t_max`` (raise
        ``max_jumps``).
    """

    times: jax.Array
    states: jax.Array
    n_jumps: jax.Array
    complete: jax.Array


def gillespie(key, Q, x0, t_max: float, max_jumps: int) -> Paths:
    """Exact trajectories of a jump process (Gillespie's direct method).

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key.
    Q : array_like
        The generator, shape ``(S, S)``, rates per unit time.
    x0 : array_like
        Initial states, a 1D integer array of shape ``(n,)`` with values in ``[0, S)``.
    t_max : float
        Duration (> 0).
    max_jumps : int
        The buffer: jumps stored per trajectory (>= 1). See :func:`jump_buffer`.

    Returns
    -------
    Paths
        ``n`` trajectories; check ``complete``.

    Raises
    ------
    ValueError
        If ``Q`` is not a generator, an initial state is out of range, ``t_max`` is not a
        positive finite time or ``max_jumps`` is not a positive integer.
    """
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


def jump_buffer(Q, t_max: float) -> int:
    """A buffer of jumps that a stationary trajectory of duration ``t_max`` will not fill.

    Parameters
    ----------
    Q : array_like
        The generator, shape ``(S, S)``.
    t_max : float
        The trajectory's duration (> 0, in the rates' inverse unit).

    Returns
    -------
    int
        The expected number of jumps plus a margin of 20% and ten standard deviations, rounded
        up to ``2^k`` or ``1.5 x 2^k`` so that runs of similar length share one compilation.
    """
    Qn = check_generator(Q)
    t_max = float(t_max)
    if not (np.isfinite(t_max) and t_max > 0):
        raise ValueError(f"t_max must be a finite time > 0, got {t_max!r}")
    mean_jumps = t_max * float(-(stationary(Qn) * np.diag(Qn)).sum())
    need = 1.2 * mean_jumps + 10 * np.sqrt(mean_jumps) + 20
    k = int(np.ceil(np.log2(need)))  # 2^(k-1) < need <= 2^k
    three_quarters = 3 * 2 ** (k - 2)
    return int(three_quarters if three_quarters >= need else 2**k)


def gillespie_stationary(key, Q, n_paths: int, t_max: float) -> Paths:
    """Exact trajectories started in the stationary distribution, in a buffer they do not fill.

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key; split into one stream for the initial states and one for the
        dynamics.
    Q : array_like
        The generator, shape ``(S, S)``, irreducible.
    n_paths : int
        Trajectories (>= 1).
    t_max : float
        Their duration (> 0, in the rates' inverse unit).

    Returns
    -------
    Paths
        As :func:`gillespie`, with the buffer of :func:`jump_buffer`; every path complete.

    Raises
    ------
    RuntimeError
        In the (astronomically unlikely) case that a path fills the buffer.
    """
    if isinstance(n_paths, bool) or not isinstance(n_paths, int | np.integer) or n_paths < 1:
        raise ValueError(f"n_paths must be an integer >= 1, got {n_paths!r}")
    Qn = check_generator(Q)
    buffer = jump_buffer(Qn, t_max)
    k_start, k_paths = jax.random.split(key)
    pi = jnp.asarray(stationary(Qn))
    x0 = jax.random.choice(k_start, Qn.shape[0], (int(n_paths),), p=pi).astype(jnp.int32)
    paths = gillespie(k_paths, Qn, x0, t_max, buffer)
    if not bool(paths.complete.all()):
        raise RuntimeError(f"a trajectory filled its buffer of {buffer} jumps")
    return paths


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
    """The pure kernel behind :func:`gillespie`, unchecked and jit-compiled.

    Use :func:`gillespie` unless you are composing kernels.

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key.
    exit_rate : jax.Array
        Shape ``(S,)``: each state's total exit rate.
    cum : jax.Array
        Shape ``(S, K)``: cumulative rates towards each state's ``K`` possible destinations
        (``inf`` beyond the last).
    dest : jax.Array
        Shape ``(S, K)``, int32: those destinations.
    x0 : jax.Array
        Shape ``(n,)``, int32: initial states.
    t_max : jax.Array
        Duration, a scalar of the rates' dtype.
    max_jumps : int
        Buffer size (static).

    Returns
    -------
    Paths
        As :func:`gillespie`.
    """
    # all random numbers up front, two uniforms per jump (one large draw beats many small ones),
    # laid out jump-major so that each step of the scan reads one contiguous slice
    u = jax.random.uniform(key, (max_jumps, 2, x0.shape[0]), dtype=exit_rate.dtype)
    times, states, n_jumps, complete = jax.vmap(_one_path, in_axes=(2, None, None, None, 0, None))(
        u, exit_rate, cum, dest, x0, t_max
    )
    return Paths(times, states, n_jumps, complete)


def on_grid(paths: Paths, grid) -> jax.Array:
    """The state of every trajectory at given times (snapshots).

    Parameters
    ----------
    paths : Paths
        Trajectories.
    grid : array_like
        Times, 1D, in ``[0, t_max]``.

    Returns
    -------
    jax.Array
        Shape ``(n, len(grid))``: the state each trajectory occupies at each time.
    """
    grid = jnp.asarray(grid, paths.times.dtype)
    if grid.ndim != 1:
        raise ValueError(f"grid must be a 1D array of times, got shape {grid.shape}")
    idx = jax.vmap(lambda t: jnp.searchsorted(t, grid, side="right") - 1)(paths.times)
    return jnp.take_along_axis(paths.states, idx, axis=1)


def path_statistics(paths: Paths, n_states: int, t_max: float):
    """The sufficient statistics of the exact path likelihood, summed over trajectories.

    Parameters
    ----------
    paths : Paths
        Complete trajectories.
    n_states : int
        ``S``, the number of states (>= 2).
    t_max : float
        The trajectories' duration (> 0).

    Returns
    -------
    dwell : jax.Array
        Shape ``(S,)``: total time spent in each state up to ``t_max``.
    counts : jax.Array
        Shape ``(S, S)``: the number of jumps ``i -> j``.

    Raises
    ------
    ValueError
        If a path is incomplete, visits a state ``>= n_states``, or ``t_max`` is invalid.
    """
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
    """The exact log-likelihood of fully observed paths, given their initial states.

    ``ln L = sum_ij counts_ij ln Q_ij - sum_i dwell_i q_i`` with ``q_i = -Q_ii`` the exit rate.
    Differentiable in ``Q``; rates absent from the data's graph get finite gradients.

    Parameters
    ----------
    Q : jax.Array
        The generator, shape ``(S, S)``.
    dwell : jax.Array
        Shape ``(S,)``: time spent in each state (:func:`path_statistics`).
    counts : jax.Array
        Shape ``(S, S)``: jumps ``i -> j``.

    Returns
    -------
    jax.Array
        The log-likelihood, a scalar.
    """
    off = Q - jnp.diag(jnp.diag(Q))
    # log only where jumps were seen: rates absent from the graph (0) then get finite gradients
    seen = counts > 0
    return jnp.sum(jnp.where(seen, counts * jnp.log(jnp.where(seen, off, 1.0)), 0.0)) - jnp.sum(
        dwell * off.sum(axis=1)
    )


def hmm_log_likelihood(P, emission, observations, p0):
    """The log-likelihood of observation sequences from a hidden Markov chain.

    The scaled forward algorithm, summed over sequences; differentiable in ``P``, ``emission``
    and ``p0``.

    Parameters
    ----------
    P : jax.Array
        Shape ``(S, S)``: the transition matrix between consecutive observations, e.g.
        ``jax.scipy.linalg.expm(Q * dt)`` for snapshots of a jump process.
    emission : jax.Array
        Shape ``(S, O)``: ``emission[s, o]`` the probability of observing ``o`` in state ``s``.
    observations : array_like
        Shape ``(n, K)``, integers in ``[0, O)``: ``n`` sequences of ``K`` readings.
    p0 : jax.Array
        Shape ``(S,)``: the hidden state's distribution at the first reading.

    Returns
    -------
    jax.Array
        The log-likelihood, a scalar.

    Raises
    ------
    ValueError
        If ``observations`` is not a 2D integer array or the shapes disagree.
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

    Parameters
    ----------
    states : int
        States visited (the others are dropped).
    links : list of tuple of int
        The pairs ``(i, j)``, ``i < j``, with a jump in either direction.
    log10_K : float
        ``log10 p(data | M1) / p(data | M0)`` (M1: any rates; M0: detailed balance).
    log10_p_db : float
        ``log10 P(M0 | data)`` at even prior odds.
    is_ess : float
        The importance sampler's effective sample size for ``p(data | M0)``.
    is_rel_err : float
        Its relative standard error.
    dwell : numpy.ndarray
        Shape ``(states,)``: time in each visited state.
    counts : numpy.ndarray
        Shape ``(states, states)``: jumps between them.
    """

    states: int
    links: list
    log10_K: float
    log10_p_db: float
    is_ess: float
    is_rel_err: float
    dwell: np.ndarray
    counts: np.ndarray


def sample_hmm(key, P, emission, p0, n_sequences: int, n_readings: int) -> jax.Array:
    """Observation sequences drawn from the hidden Markov model of :func:`hmm_log_likelihood`.

    The hidden chain starts from ``p0`` and steps with ``P``; each reading is drawn from its
    state's row of ``emission``. Traceable (jit, vmap over parameters).

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key.
    P : jax.Array
        Shape ``(S, S)``: the transition matrix between readings.
    emission : jax.Array
        Shape ``(S, O)``: the reading's distribution in each state.
    p0 : jax.Array
        Shape ``(S,)``: the first hidden state's distribution.
    n_sequences, n_readings : int
        The shape of the result (static, >= 1).

    Returns
    -------
    jax.Array
        Shape ``(n_sequences, n_readings)``, int32 readings in ``[0, O)``.
    """
    for name, v in (("n_sequences", n_sequences), ("n_readings", n_readings)):
        if isinstance(v, bool) or int(v) != v or v < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {v!r}")
    P, emission, p0 = jnp.asarray(P), jnp.asarray(emission), jnp.asarray(p0)
    k0, k_steps, k_read = jax.random.split(key, 3)
    logP = jnp.log(jnp.maximum(P, 1e-300))
    x0 = jax.random.categorical(k0, jnp.log(jnp.maximum(p0, 1e-300)), shape=(int(n_sequences),))

    def step(x, k):
        nxt = jax.random.categorical(k, logP[x])
        return nxt, nxt

    _, rest = jax.lax.scan(step, x0, jax.random.split(k_steps, int(n_readings) - 1))
    hidden = jnp.concatenate([x0[:, None], rest.T], axis=1)
    logE = jnp.log(jnp.maximum(emission, 1e-300))
    return jax.random.categorical(k_read, logE[hidden]).astype(jnp.int32)


def jump_count_deviance(key, Qs, dwell, counts):
    """Posterior predictive deviance of jump counts given dwell times.

    The complete-path likelihood (:func:`path_log_likelihood`) is, as a function of the rates, the
    likelihood of independent counts ``n_ij ~ Poisson(Q_ij T_i)`` given the dwell times ``T_i``.
    For each posterior generator ``Q_s`` this draws replicated counts from that distribution and
    returns the deviance of the observed and of the replicated counts over the links of ``Q_s``.
    Along real paths the counts are tied to the dwell times (a path leaves a state about as often
    as it enters it), so the replicas scatter more than real data would: the check is
    conservative; it fails a rate model whose structure cannot produce the observed counts.

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key of the replicas.
    Qs : array_like
        Shape ``(n_draws, S, S)``: posterior generators.
    dwell : array_like
        Shape ``(S,)``: time in each state.
    counts : array_like
        Shape ``(S, S)``: observed jumps.

    Returns
    -------
    tuple of numpy.ndarray
        ``(observed, replicated)`` deviances, one per draw, and ``(observed_worst,
        replicated_worst)``, the largest single-link deviance.
    """
    Qs, dwell, counts = jnp.asarray(Qs), jnp.asarray(dwell), jnp.asarray(counts)
    if Qs.ndim != 3 or Qs.shape[1:] != counts.shape or dwell.shape != counts.shape[:1]:
        raise ValueError(
            f"need Qs (n_draws, S, S), dwell (S,) and counts (S, S); got {Qs.shape}, "
            f"{dwell.shape}, {counts.shape}"
        )
    off = ~jnp.eye(counts.shape[0], dtype=bool)

    def one(k, Q):
        mu = jnp.where(off, Q, 0.0) * dwell[:, None]
        link = off & (mu > 0)
        mu_safe = jnp.where(link, mu, 1.0)
        rep = jax.random.poisson(k, mu_safe).astype(mu.dtype)

        def dev(n):
            d = -2.0 * jax.scipy.stats.poisson.logpmf(n, mu_safe)
            # a jump on a link the model forbids makes the model impossible
            d = jnp.where(link, d, jnp.where(n > 0, jnp.inf, 0.0))
            return d.sum(), d.max()

        return dev(counts.astype(mu.dtype)), dev(jnp.where(link, rep, 0.0))

    (o, ow), (r, rw) = jax.vmap(one)(jax.random.split(key, Qs.shape[0]), Qs)
    return (np.asarray(o), np.asarray(r)), (np.asarray(ow), np.asarray(rw))


def log_evidence_free_rates(dwell, counts, links, a: float, b: float) -> float:
    """``log p(data | M1)``: independent Gamma rates on both directions of every link.

    Exact: with the complete-path likelihood ``prod Q^n e^(-Q T)`` each rate is conjugate, and
    the evidence is a product of Gamma-function ratios.

    Parameters
    ----------
    dwell : numpy.ndarray
        Shape ``(S,)``: time in each state.
    counts : numpy.ndarray
        Shape ``(S, S)``: jumps ``i -> j``.
    links : list of tuple of int
        The linked pairs ``(i, j)``.
    a, b : float
        The rates' Gamma prior, shape ``a`` and rate ``b`` (in the time unit of ``dwell``).

    Returns
    -------
    float
        The log evidence.
    """
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
    dwell, counts, links, a: float, b: float, e_scale: float, n_draws: int, seed, nu: float = 5.0
):
    """``log p(data | M0)`` for detailed-balanced rates ``Q_ij = w_ij exp(-(E_j - E_i)/2)``.

    ``w_ij = w_ji ~ Gamma(a, b)`` per link and ``E_i ~ N(0, e_scale)`` with ``E_0 = 0``: the link
    weights integrate out exactly, the ``S - 1`` energies by importance sampling from a
    multivariate Student-t at the mode, with the Laplace approximation's scale.

    Parameters
    ----------
    dwell : numpy.ndarray
        Shape ``(S,)``: time in each state.
    counts : numpy.ndarray
        Shape ``(S, S)``: jumps ``i -> j``.
    links : list of tuple of int
        The linked pairs ``(i, j)``.
    a, b : float
        The link weights' Gamma prior (shape, rate).
    e_scale : float
        The energies' prior standard deviation, in k_BT.
    n_draws : int
        Importance samples.
    seed : int or numpy.random.Generator
        The sampler's seed or generator (e.g. ``streams.numpy_rng(key)``).
    nu : float, optional
        The Student-t's degrees of freedom; default 5.

    Returns
    -------
    log_evidence : float
        ``log p(data | M0)``.
    ess : float
        The importance sampler's effective sample size.
    rel_err : float
        The relative standard error of the evidence.
    """
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
    seed=0,
) -> DetailedBalanceTest:
    """The Bayes factor of "any rates" (M1) against "detailed balance" (M0) from complete paths.

    States never visited are dropped; links are the pairs with a jump in either direction. See
    :func:`log_evidence_free_rates` and :func:`log_evidence_detailed_balance`.

    Parameters
    ----------
    dwell : array_like
        Shape ``(S,)``: time in each state (:func:`path_statistics`).
    counts : array_like
        Shape ``(S, S)``: jumps ``i -> j``.
    prior : tuple of float, optional
        ``(a, b, e_scale)``: Gamma(a, b) rates (M1) and link weights (M0), N(0, e_scale) state
        energies in k_BT (M0); all > 0. Default ``(1, 0.2, 5)``.
    n_draws : int, optional
        Importance samples for M0 (>= 100); default 4000.
    seed : int or numpy.random.Generator, optional
        The importance sampler's seed or generator (e.g. ``streams.numpy_rng(key)``);
        default 0.

    Returns
    -------
    DetailedBalanceTest
        The Bayes factor, the posterior probability of detailed balance, and the sampler's
        effective sample size and error.

    Raises
    ------
    ValueError
        If the shapes disagree, a prior parameter is not positive, ``n_draws < 100``, or the
        data visit fewer than two states.
    """
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
