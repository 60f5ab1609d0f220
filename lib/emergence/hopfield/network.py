"""Hebbian networks of any order: the kernels (jit- and vmap-able, no validation) and their
validating wrappers. See :mod:`emergence.hopfield` for the model and the normalization."""

from __future__ import annotations

import math
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

DYNAMICS = ("async", "sync")


class Retrieval(NamedTuple):
    """The result of running the dynamics (leading batch axes as in the input).

    Parameters
    ----------
    state : jax.Array
        Shape ``(..., N)``, int8: the final state.
    overlaps : jax.Array
        Shape ``(..., K)``, float32: ``m_mu = xi^mu . sigma / N`` in the final state (0 for
        patterns beyond ``n_stored``).
    sweeps : jax.Array
        Shape ``(...)``, int32: sweeps run (a sweep is N single-neuron updates).
    converged : jax.Array
        Shape ``(...)``, bool: a whole sweep flipped no neuron (only at T = 0).
    """

    state: jax.Array  # (..., N) int8, the final state
    overlaps: jax.Array  # (..., K) float32, m_mu = xi^mu . sigma / N in the final state
    sweeps: jax.Array  # (..., ) int32, sweeps run
    converged: jax.Array  # (..., ) bool, a whole sweep flipped no neuron (only at T = 0)


# --------------------------------------------------------------------------------------------
# kernels (no validation; jit- and vmap-able)
# --------------------------------------------------------------------------------------------


def _esym(S, n, k: int, N):
    """e_k / N^k of n variables +-1 summing to S (Newton's identities; p_odd = S, p_even = n)."""
    e = [jnp.ones_like(S)]
    p = [None] + [(S if i % 2 else n * jnp.ones_like(S)) / N**i for i in range(1, k + 1)]
    for j in range(1, k + 1):
        acc = sum(((-1) ** (i - 1)) * e[j - i] * p[i] for i in range(1, j + 1))
        e.append(acc / j)
    return e[k]


def _field(x, S, order: int, n):
    """h_i from one neuron's pattern values ``x`` (K,) int32 and ``S`` (K,) int32, the sums over
    j != i of xi_j sigma_j. For P = 2 in exact integers (a tie, h = 0, stays a tie); for P > 2
    in float32, in units where every term is O(1)."""
    if order == 2:
        return jnp.dot(x, S, preferred_element_type=jnp.int32).astype(jnp.float32) / n
    g = _esym(S.astype(jnp.float32), n - 1, order - 1, n)
    return math.factorial(order - 1) * jnp.dot(x.astype(jnp.float32), g)


def fields_kernel(xi, sigma, order: int, n=None):
    """The local fields of every neuron of one network (pure, unchecked; jit- and vmap-able).

    Parameters
    ----------
    xi : jax.Array
        Shape ``(K, N)``, +-1 integers: the stored patterns.
    sigma : jax.Array
        Shape ``(N,)``, +-1 integers: the state.
    order : int
        ``P``, the neurons each coupling joins (static).
    n : jax.Array, optional
        The number of neurons the network has (default ``N``); columns of ``xi`` beyond it must
        be zero (padding, so that networks of several sizes share one compiled kernel).

    Returns
    -------
    jax.Array
        Shape ``(N,)``, float32: ``h_i`` in the module docstring's normalization.
    """
    n = jnp.float32(xi.shape[-1]) if n is None else n
    xi, sigma = xi.astype(jnp.int32), sigma.astype(jnp.int32)
    M = xi @ sigma  # (K,) N m_mu, exact
    S = M[:, None] - xi * sigma[None, :]  # (K, N): sum over j != i of xi_j sigma_j
    return jax.vmap(partial(_field, order=order, n=n), in_axes=(1, 1))(xi, S)


def energy_kernel(xi, sigma, order: int, n=None):
    """The energy of one network's state (pure, unchecked).

    Parameters
    ----------
    xi : jax.Array
        Shape ``(K, N)``, +-1 integers: the stored patterns.
    sigma : jax.Array
        Shape ``(N,)``, +-1 integers: the state.
    order : int
        ``P`` (static).
    n : jax.Array, optional
        The number of real neurons (default ``N``).

    Returns
    -------
    jax.Array
        ``H(sigma)``, a scalar (a sum over distinct index tuples; extensive in N).
    """
    n = xi.shape[-1] if n is None else n
    M = (xi.astype(jnp.int32) @ sigma.astype(jnp.int32)).astype(jnp.float32)
    return -math.factorial(order - 1) * n * jnp.sum(_esym(M, n, order, n))


def _update(h, s_old, u, beta):
    """Zero temperature (beta = inf): sign of h, a tie keeps s_old. Else Glauber's heat bath."""
    zero_t = jnp.where(h > 0, 1, jnp.where(h < 0, -1, s_old))
    glauber = jnp.where(u < jax.nn.sigmoid(2.0 * beta * h), 1, -1)
    return jnp.where(jnp.isinf(beta), zero_t, glauber)


def retrieve_kernel(key, xi, sigma0, n_stored, n, beta, order: int, max_sweeps: int, dynamics: str):
    """Run the dynamics of one network (pure, unchecked; jit- and vmap-able).

    Only the first ``n_stored`` patterns and the first ``n`` neurons take part; the rest is
    padding, masked on the fly (no masked copy of the patterns is made).

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key (update orders and Glauber's uniforms).
    xi : jax.Array
        Shape ``(K, N)``, int8 +-1: the patterns.
    sigma0 : jax.Array
        Shape ``(N,)``, int8 +-1: the starting state.
    n_stored : jax.Array
        int32 scalar: patterns stored.
    n : jax.Array
        int32 scalar: real neurons.
    beta : jax.Array
        Inverse temperature, float32 (``inf``: zero temperature).
    order : int
        ``P`` (static).
    max_sweeps : int
        Most sweeps to run (static).
    dynamics : str
        ``"async"`` or ``"sync"`` (static).

    Returns
    -------
    Retrieval
        For one network.
    """
    K, N = xi.shape
    xiT = xi.T  # (N, K): neuron i's pattern values are contiguous
    nf = n.astype(jnp.float32)
    real = jnp.arange(N) < n  # padded neurons never change
    stored = (jnp.arange(K) < n_stored).astype(jnp.int32)

    def column(i):  # neuron i's values in the stored patterns, (K,) int32; zero if padding
        return xiT[i].astype(jnp.int32) * stored * real[i]

    def async_sweep(key, sigma, M):
        # a fresh random order each sweep (argsort of 32 random bits: cheaper to compile than
        # jax.random.permutation; ties, at ~N^2 / 2^33, only reorder two neurons)
        perm = jnp.argsort(jax.random.bits(jax.random.fold_in(key, 0), (N,)))
        u = jax.random.uniform(jax.random.fold_in(key, 1), (N,))

        def step(t, c):
            sigma, M, flips = c
            i = perm[t]
            x = column(i)
            s = sigma[i]
            h = _field(x, M - x * s, order, nf)
            new = jnp.where(real[i], _update(h, s, u[t], beta), s).astype(jnp.int32)
            return sigma.at[i].set(new), M + (new - s) * x, flips + (new != s)

        return jax.lax.fori_loop(0, N, step, (sigma, M, jnp.int32(0)))

    def sync_sweep(key, sigma, M):
        u = jax.random.uniform(jax.random.fold_in(key, 1), (N,))
        x = xi.astype(jnp.int32) * stored[:, None] * real[None, :]
        h = fields_kernel(x, sigma, order, nf)
        new = jnp.where(real, _update(h, sigma, u, beta), sigma).astype(jnp.int32)
        return new, x @ new, jnp.sum(new != sigma, dtype=jnp.int32)

    sweep = async_sweep if dynamics == "async" else sync_sweep

    def cond(c):
        _, _, k, flips = c
        return (k < max_sweeps) & ~((flips == 0) & jnp.isinf(beta))

    def body(c):
        sigma, M, k, _ = c
        sigma, M, flips = sweep(jax.random.fold_in(key, k), sigma, M)
        return sigma, M, k + 1, flips

    sigma = sigma0.astype(jnp.int32)
    # N m_mu in exact integers, a column at a time (no int32 copy of all the patterns)
    M = jax.lax.fori_loop(0, N, lambda i, M: M + column(i) * sigma[i], jnp.zeros(K, jnp.int32))
    sigma, M, k, flips = jax.lax.while_loop(cond, body, (sigma, M, jnp.int32(0), jnp.int32(-1)))
    converged = (flips == 0) & jnp.isinf(beta)
    return Retrieval(sigma.astype(jnp.int8), M.astype(jnp.float32) / nf, k, converged)


@partial(jax.jit, static_argnames=("order", "max_sweeps", "dynamics"))
def _retrieve_batched(keys, xi, sigma0, n_stored, n_neurons, beta, order, max_sweeps, dynamics):
    f = partial(retrieve_kernel, order=order, max_sweeps=max_sweeps, dynamics=dynamics)
    return jax.vmap(f, in_axes=(0, 0, 0, 0, 0, None))(keys, xi, sigma0, n_stored, n_neurons, beta)


@partial(jax.jit, static_argnames=("order",))
def _fields_batched(xi, sigma, order):
    return jax.vmap(partial(fields_kernel, order=order))(xi, sigma)


@partial(jax.jit, static_argnames=("order",))
def _energy_batched(xi, sigma, order):
    return jax.vmap(partial(energy_kernel, order=order))(xi, sigma)


# --------------------------------------------------------------------------------------------
# validated public functions
# --------------------------------------------------------------------------------------------


def _check_order(order) -> int:
    if isinstance(order, bool) or not isinstance(order, int | np.integer) or order < 2:
        raise ValueError(f"order P (neurons per coupling) must be an integer >= 2, got {order!r}")
    return int(order)


def _as_spins(a, name: str, min_ndim: int) -> np.ndarray:
    a = np.asarray(a)
    if a.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimensions, got shape {a.shape}")
    if a.size == 0:
        raise ValueError(f"{name} is empty (shape {a.shape})")
    if not np.all((a == 1) | (a == -1)):
        bad = a[(a != 1) & (a != -1)].ravel()[0].item()
        raise ValueError(f"{name} must hold only +1 and -1, found {bad!r}")
    return a.astype(np.int8)


def _check_pair(patterns, state, order):
    order = _check_order(order)
    xi = _as_spins(patterns, "patterns", 2)
    sigma = _as_spins(state, "state", 1)
    N = xi.shape[-1]
    if sigma.shape[-1] != N:
        raise ValueError(
            f"state has N = {sigma.shape[-1]} neurons but the patterns have N = {N}; they must agree"
        )
    if N < order:
        raise ValueError(f"need N >= P neurons for couplings of order P = {order}, got N = {N}")
    batch = np.broadcast_shapes(xi.shape[:-2], sigma.shape[:-1])
    xi = np.broadcast_to(xi, batch + xi.shape[-2:]).reshape((-1,) + xi.shape[-2:])
    sigma = np.broadcast_to(sigma, batch + (N,)).reshape(-1, N)
    return order, xi, sigma, batch


def _counts(c, name: str, largest: int, smallest: int, batch: tuple) -> np.ndarray:
    """Validate a per-network count (None: ``largest``) and flatten it to the batch."""
    c = np.asarray(largest if c is None else c)
    if not np.issubdtype(c.dtype, np.integer) or c.min() < smallest or c.max() > largest:
        raise ValueError(f"{name} must be integers in [{smallest}, {largest}], got {c!r}")
    try:
        return np.broadcast_to(c, batch).reshape(-1).astype(np.int32)
    except ValueError:
        raise ValueError(
            f"{name} of shape {c.shape} does not broadcast to the batch shape {batch}"
        ) from None


def random_patterns(key, n_patterns: int, n_neurons: int, batch_shape: tuple = ()) -> jax.Array:
    """Independent, unbiased +-1 patterns.

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key.
    n_patterns : int
        ``K`` (>= 1).
    n_neurons : int
        ``N`` (>= 2).
    batch_shape : tuple of int, optional
        Leading axes of independent networks.

    Returns
    -------
    jax.Array
        Shape ``batch_shape + (K, N)``, int8.
    """
    if int(n_patterns) < 1:
        raise ValueError(f"n_patterns K must be >= 1, got {n_patterns!r}")
    if int(n_neurons) < 2:
        raise ValueError(f"n_neurons N must be >= 2, got {n_neurons!r}")
    return _random_spins(key, tuple(batch_shape) + (int(n_patterns), int(n_neurons)))


@partial(jax.jit, static_argnums=1)
def _random_spins(key, shape):
    """Unbiased +-1 int8 entries, 32 from each random 32-bit word (unpacked in one fused loop,
    so no wider copy of the whole array is made)."""
    words = jax.random.bits(key, shape[:-1] + (-(-shape[-1] // 32),), jnp.uint32)
    bits = (words[..., None] >> jnp.arange(32, dtype=jnp.uint32)) & 1
    bits = bits.reshape(shape[:-1] + (-1,))[..., : shape[-1]]
    return jnp.where(bits == 1, 1, -1).astype(jnp.int8)


def corrupt(key, pattern, flip_fraction: float) -> jax.Array:
    """Flip exactly ``round(flip_fraction * N)`` randomly chosen neurons of each pattern.

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key (a fresh choice for every pattern of the batch).
    pattern : array_like
        Shape ``(..., N)``, +-1.
    flip_fraction : float
        In [0, 1].

    Returns
    -------
    jax.Array
        Shape ``(..., N)``, int8.
    """
    x = _as_spins(pattern, "pattern", 1)
    if not 0.0 <= float(flip_fraction) <= 1.0:
        raise ValueError(f"flip_fraction must lie in [0, 1], got {flip_fraction!r}")
    N = x.shape[-1]
    return _corrupt(key, jnp.asarray(x), round(float(flip_fraction) * N), N)


@jax.jit
def _corrupt(key, x, n_flip, n_neurons):
    """Flip, in every row of x (..., N), the n_flip (scalar or (...,)) neurons among its first
    n_neurons with the smallest random 32-bit keys; padding beyond n_neurons never flips."""
    N = x.shape[-1]
    u = jax.random.bits(key, x.shape, jnp.uint32)
    u = jnp.where(jnp.arange(N) < jnp.expand_dims(n_neurons, -1), u, jnp.uint32(0xFFFFFFFF))
    ranks = jnp.argsort(jnp.argsort(u, axis=-1), axis=-1)
    return jnp.where(ranks < jnp.expand_dims(n_flip, -1), -x, x).astype(jnp.int8)


def local_fields(patterns, state, order: int = 2) -> jax.Array:
    """The local fields of a state (computed from overlaps; no ``N^P`` tensor).

    Parameters
    ----------
    patterns : array_like
        Shape ``(..., K, N)``, +-1: each network's stored patterns.
    state : array_like
        Shape ``(..., N)``, +-1 (batch shapes broadcast).
    order : int, optional
        ``P``, the neurons each coupling joins (>= 2); default 2 (Hopfield).

    Returns
    -------
    jax.Array
        Shape ``(..., N)``: ``h_i = -dH/dsigma_i``.
    """
    order, xi, sigma, batch = _check_pair(patterns, state, order)
    return _fields_batched(jnp.asarray(xi), jnp.asarray(sigma), order).reshape(batch + (-1,))


def energy(patterns, state, order: int = 2) -> jax.Array:
    """The energy of a state.

    Parameters
    ----------
    patterns : array_like
        Shape ``(..., K, N)``, +-1.
    state : array_like
        Shape ``(..., N)``, +-1.
    order : int, optional
        ``P`` (>= 2); default 2.

    Returns
    -------
    jax.Array
        Shape ``(...)``: ``H(sigma)`` in the module docstring's normalization (extensive in N).
    """
    order, xi, sigma, batch = _check_pair(patterns, state, order)
    return _energy_batched(jnp.asarray(xi), jnp.asarray(sigma), order).reshape(batch)


def coupling_tensor(patterns, order: int = 2) -> np.ndarray:
    """The explicit coupling tensor of one network, for teaching and testing.

    O(N^P) memory: small networks only (``N^P <= 2e7``).

    Parameters
    ----------
    patterns : array_like
        Shape ``(K, N)``, +-1.
    order : int, optional
        ``P`` (>= 2); default 2.

    Returns
    -------
    numpy.ndarray
        Shape ``(N,) * P``, float64; zero where indices repeat.
    """
    order = _check_order(order)
    xi = _as_spins(patterns, "patterns", 2)
    if xi.ndim != 2:
        raise ValueError(f"patterns must have shape (K, N) for one network, got {xi.shape}")
    K, N = xi.shape
    if N**order > 2e7:
        raise ValueError(f"N^P = {N}^{order} entries is too large for an explicit tensor (max 2e7)")
    x = xi.astype(np.float64)
    J = np.einsum("ki,kj->kij", x, x)
    for _ in range(order - 2):
        J = np.einsum("k...,kj->k...j", J, x)
    J = J.sum(0) / N ** (order - 1)
    idx = np.indices((N,) * order)
    repeated = np.zeros((N,) * order, bool)
    for a in range(order):
        for b in range(a + 1, order):
            repeated |= idx[a] == idx[b]
    J[repeated] = 0.0
    return J


def _retrieve(key, xi, sigma, n_stored, n_neurons, temperature, order, sweeps, dynamics):
    """``retrieve`` on validated, flattened arrays: xi (B, K, N), sigma (B, N), counts (B,)."""
    beta = jnp.float32(np.inf if float(temperature) == 0.0 else 1.0 / float(temperature))
    keys = jax.random.split(key, xi.shape[0])
    return _retrieve_batched(
        keys,
        jnp.asarray(xi),
        jnp.asarray(sigma),
        jnp.asarray(n_stored),
        jnp.asarray(n_neurons),
        beta,
        order,
        sweeps,
        dynamics,
    )


def retrieve(
    key,
    patterns,
    initial,
    order: int = 2,
    *,
    temperature: float = 0.0,
    sweeps: int = 100,
    dynamics: str = "async",
    n_stored=None,
    n_neurons=None,
) -> Retrieval:
    """Run the network's dynamics from a starting state.

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key.
    patterns : array_like
        Shape ``(..., K, N)``, +-1: the stored patterns of each network.
    initial : array_like
        Shape ``(..., N)``, +-1: the starting states (batch shapes broadcast).
    order : int, optional
        ``P`` (>= 2); default 2.
    temperature : float, optional
        ``T >= 0`` in units of the fields: 0 for deterministic sign updates, stopped after a
        sweep with no flip; ``T > 0`` for Glauber's heat bath, always ``sweeps`` sweeps.
    sweeps : int, optional
        Most sweeps (N single-neuron updates each) to run (>= 1); default 100.
    dynamics : str, optional
        ``"async"`` (random sequential, a fresh order each sweep; default) or ``"sync"`` (all
        neurons at once; may end in a 2-cycle).
    n_stored : int or array_like, optional
        Each network stores only its first ``n_stored`` patterns (their overlaps beyond come
        back as 0): a scan over loads then runs as one compiled call on one padded array.
    n_neurons : int or array_like, optional
        Each network has only its first ``n_neurons`` neurons (at least P); the rest never
        change, and the overlaps are normalized by ``n_neurons``.

    Returns
    -------
    Retrieval
        Final states, overlaps, sweeps run, convergence.

    Raises
    ------
    ValueError
        If the spins are not +-1, the shapes disagree, or a setting is out of range.
    """
    order, xi, sigma, batch = _check_pair(patterns, initial, order)
    if not float(temperature) >= 0.0 or not np.isfinite(float(temperature)):
        raise ValueError(f"temperature must be finite and >= 0, got {temperature!r}")
    if isinstance(sweeps, bool) or int(sweeps) != sweeps or int(sweeps) < 1:
        raise ValueError(f"sweeps must be an integer >= 1, got {sweeps!r}")
    if dynamics not in DYNAMICS:
        raise ValueError(f"dynamics must be one of {DYNAMICS}, got {dynamics!r}")
    K, N = xi.shape[-2:]
    n_stored = _counts(n_stored, "n_stored", K, 1, batch)
    n_neurons = _counts(n_neurons, "n_neurons", N, order, batch)
    r = _retrieve(key, xi, sigma, n_stored, n_neurons, temperature, order, int(sweeps), dynamics)
    return Retrieval(
        r.state.reshape(batch + (N,)),
        r.overlaps.reshape(batch + (K,)),
        r.sweeps.reshape(batch),
        r.converged.reshape(batch),
    )
