r"""Associative memories: Hopfield's network (P = 2) and dense Hebbian networks (P > 2).

``N`` binary neurons :math:`\sigma_i = \pm 1` store ``K`` patterns :math:`\xi^\mu \in \{\pm1\}^N`
in Hebbian couplings of order ``P`` (the number of neurons each coupling joins),

.. math::

    J_{i_1 \dots i_P} = \frac{1}{N^{P-1}} \sum_{\mu=1}^K \xi^\mu_{i_1} \cdots \xi^\mu_{i_P}
    \quad \text{(all indices distinct; zero otherwise)},

with energy :math:`H(\sigma) = -\frac1P \sum_{i_1 \dots i_P} J_{i_1 \dots i_P}\,
\sigma_{i_1} \cdots \sigma_{i_P}` (a sum over ordered tuples) and local field
:math:`h_i = -\partial H / \partial \sigma_i = \sum_{i_2 \dots i_P} J_{i i_2 \dots i_P}
\sigma_{i_2} \cdots \sigma_{i_P}`. ``P = 2`` is Hopfield's network with :math:`J_{ii} = 0`.
Because no index repeats, :math:`H` is linear in each :math:`\sigma_i`: flipping neuron ``i``
changes the energy by exactly :math:`2\sigma_i h_i`, so zero-temperature asynchronous dynamics
:math:`\sigma_i \leftarrow \operatorname{sign} h_i` never raises it.

**No N^P tensor.** With :math:`x^\mu_j = \xi^\mu_j \sigma_j` the sum over distinct tuples is
an elementary symmetric polynomial, :math:`h_i = \frac{(P-1)!}{N^{P-1}} \sum_\mu \xi^\mu_i\,
e_{P-1}(\{x^\mu_j\}_{j \ne i})`, and since :math:`x^2 = 1` its power sums are
:math:`p_k = S^\mu_i` (``k`` odd) or :math:`N - 1` (``k`` even), where
:math:`S^\mu_i = \sum_{j \ne i} x^\mu_j = N m_\mu - \xi^\mu_i \sigma_i` and :math:`m_\mu` is the
overlap with pattern :math:`\mu`. Newton's identities turn the power sums into
:math:`e_{P-1}`: each field costs O(K P^2), not O(N^{P-1} K). We evaluate them in units of
:math:`N^k`, so every term is O(1) in float32.

Dynamics (``retrieve``): asynchronous (one neuron at a time, a fresh random order each sweep)
or synchronous (all at once) updates, at zero temperature (:math:`\sigma_i \leftarrow
\operatorname{sign} h_i`, a tie leaves the neuron as it is) or at temperature ``T`` with
Glauber's heat bath (:math:`\sigma_i = +1` with probability :math:`1/(1 + e^{-2 h_i / T})`).
Everything is vmapped over leading batch axes (independent networks, or several starting
states of one network).

Also here: the replica-symmetric theory of Amit, Gutfreund and Sompolinsky for ``P = 2``
(``rs_capacity`` gives :math:`\alpha_c \approx 0.138` and the retrieval overlap at it,
``rs_retrieval_overlap`` the retrieval overlap at load :math:`\alpha` and temperature ``T``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from emergence import data

DYNAMICS = ("async", "sync")


class Retrieval(NamedTuple):
    """Result of running the dynamics (leading batch axes as in the input)."""

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
    """Local fields of every neuron. ``xi``: (K, N) +-1 integers; ``sigma``: (N,) +-1 integers.

    ``n``: the number of neurons the network has (default N); columns beyond it must be zero
    in ``xi`` (padding, so that networks of several sizes share one compiled kernel)."""
    n = jnp.float32(xi.shape[-1]) if n is None else n
    xi, sigma = xi.astype(jnp.int32), sigma.astype(jnp.int32)
    M = xi @ sigma  # (K,) N m_mu, exact
    S = M[:, None] - xi * sigma[None, :]  # (K, N): sum over j != i of xi_j sigma_j
    return jax.vmap(partial(_field, order=order, n=n), in_axes=(1, 1))(xi, S)


def energy_kernel(xi, sigma, order: int, n=None):
    """H(sigma) for one network (a sum over distinct index tuples, see the module docstring)."""
    n = xi.shape[-1] if n is None else n
    M = (xi.astype(jnp.int32) @ sigma.astype(jnp.int32)).astype(jnp.float32)
    return -math.factorial(order - 1) * n * jnp.sum(_esym(M, n, order, n))


def _update(h, s_old, u, beta):
    """Zero temperature (beta = inf): sign of h, a tie keeps s_old. Else Glauber's heat bath."""
    zero_t = jnp.where(h > 0, 1, jnp.where(h < 0, -1, s_old))
    glauber = jnp.where(u < jax.nn.sigmoid(2.0 * beta * h), 1, -1)
    return jnp.where(jnp.isinf(beta), zero_t, glauber)


def _retrieve_one(key, xi, sigma0, n_stored, n, beta, order: int, max_sweeps: int, dynamics: str):
    """Run the dynamics of one network. ``xi``: (K, N) int8; ``sigma0``: (N,) int8. Only the
    first ``n_stored`` patterns and the first ``n`` neurons take part (int32 scalars); the rest
    is padding, masked on the fly (no masked copy of the patterns is made)."""
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
    f = partial(_retrieve_one, order=order, max_sweeps=max_sweeps, dynamics=dynamics)
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
        bad = a[(a != 1) & (a != -1)].ravel()[0]
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
    """``batch_shape + (K, N)`` independent, unbiased +-1 patterns (int8)."""
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
    """Flip exactly ``round(flip_fraction * N)`` randomly chosen neurons of each ``(..., N)``
    pattern (a fresh choice for every pattern of the batch)."""
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
    """``(..., N)`` local fields h_i of ``state`` (..., N) in the network storing ``patterns``
    (..., K, N) with couplings of order ``order`` (computed from overlaps; no N^P tensor)."""
    order, xi, sigma, batch = _check_pair(patterns, state, order)
    return _fields_batched(jnp.asarray(xi), jnp.asarray(sigma), order).reshape(batch + (-1,))


def energy(patterns, state, order: int = 2) -> jax.Array:
    """``(...)`` energy H(sigma) (the module docstring's normalization; extensive in N)."""
    order, xi, sigma, batch = _check_pair(patterns, state, order)
    return _energy_batched(jnp.asarray(xi), jnp.asarray(sigma), order).reshape(batch)


def coupling_tensor(patterns, order: int = 2) -> np.ndarray:
    """The explicit (N,)*P coupling tensor of one network (zero where indices repeat).

    O(N^P) memory: for teaching and testing on small networks only (N^P <= 2e7)."""
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
    """Run the network's dynamics from ``initial`` for at most ``sweeps`` sweeps.

    ``patterns``: (..., K, N) +-1, the stored patterns of each network; ``initial``: (..., N)
    +-1, the starting states (batch shapes broadcast). ``temperature`` T >= 0 in units of the
    fields (0: deterministic sign updates, stopped after a sweep with no flip; T > 0: Glauber,
    always ``sweeps`` sweeps). ``dynamics``: ``"async"`` (random sequential, a fresh order
    each sweep) or ``"sync"`` (all neurons at once; may end in a 2-cycle). One sweep is N
    single-neuron updates.

    ``n_stored`` (optional, an integer or an array broadcasting to the batch shape): each
    network stores only its first ``n_stored`` patterns and ignores the rest (their overlaps
    come back as 0). A sweep over loads then runs as one compiled call on one padded array,
    rather than compiling once per K. ``n_neurons`` likewise: each network has only its first
    ``n_neurons`` neurons (at least P); the rest are ignored, never change, and the overlaps
    are normalized by ``n_neurons``. Networks of several sizes then share one compiled call
    (at the cost of updating the padding: keep the sizes within a factor of a few).
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


def snr_capacity(n_neurons, order: int, threshold: str = "median"):
    r"""The signal-to-noise estimate of the error-free capacity, K_c = C(N-1, P-1) / z_N^2.

    In a stored pattern the field of neuron i has signal C(N-1, P-1) (in units of
    (P-1)! / N^(P-1)) and, from each of the other K - 1 random patterns, an independent noise
    of variance C(N-1, P-1). Treating the noise as Gaussian, all N neurons are stable while the
    signal-to-noise ratio sqrt(C(N-1, P-1) / K) exceeds the largest of N standard normals.

    ``threshold="median"``: z_N is that maximum's median, Phi(z_N)^N = 1/2, so K_c is where half
    the patterns are stable; ``threshold="asymptotic"``: z_N^2 = 2 ln N, its leading term for
    large N. Either way K_c ~ N^(P-1) / (2 (P-1)! ln N) as N -> infinity; P = 2 gives McEliece
    et al.'s N / (2 ln N). At N = 20 to 200, z_N^2 is only 0.55 to 0.65 of 2 ln N and grows
    faster than it."""
    from scipy.special import ndtri

    order = _check_order(order)
    if threshold not in ("median", "asymptotic"):
        raise ValueError(f"threshold must be 'median' or 'asymptotic', got {threshold!r}")
    N = np.asarray(n_neurons)
    if not np.issubdtype(N.dtype, np.integer) or N.min() < max(order, 2):
        raise ValueError(
            f"n_neurons must be integers >= max(P, 2) = {max(order, 2)}, got {n_neurons!r}"
        )
    c = np.vectorize(lambda n: float(math.comb(int(n) - 1, order - 1)))(N)
    if threshold == "asymptotic":
        return c / (2 * np.log(N))
    z = -ndtri(-np.expm1(-np.log(2.0) / N))  # Phi(z)^N = 1/2, accurate for large N
    return c / z**2


class Sweep(NamedTuple):
    """Result of :func:`retrieval_sweep` for one network size: one row per number of patterns."""

    n_patterns: np.ndarray  # (L,) the loads K
    overlap: np.ndarray  # (L, trials) final overlap with the pattern the run started near
    sweeps: np.ndarray  # (L, trials) sweeps run
    converged: np.ndarray  # (L, trials) whether a sweep without flips ended the run


@partial(jax.jit, static_argnames=("K", "N", "order", "max_sweeps", "dynamics"))
def _sweep_chunk(key, n_stored, n_neurons, n_flip, beta, K, N, order, max_sweeps, dynamics):
    """Fresh random patterns, corrupted starts and the dynamics, in one compiled call (rows
    padded to K patterns and N neurons): the final overlap with pattern 0, the sweeps run and
    whether each run converged."""
    B = n_stored.shape[0]
    xi = _random_spins(jax.random.fold_in(key, 0), (B, K, N))
    initial = _corrupt(jax.random.fold_in(key, 1), xi[:, 0, :], n_flip, n_neurons)
    keys = jax.random.split(jax.random.fold_in(key, 2), B)
    r = _retrieve_batched(keys, xi, initial, n_stored, n_neurons, beta, order, max_sweeps, dynamics)
    return r.overlaps[:, 0], r.sweeps, r.converged


def retrieval_sweep(
    key,
    order: int,
    loads,
    trials: int,
    flip_fraction: float,
    *,
    temperature: float = 0.0,
    sweeps: int = 200,
    dynamics: str = "async",
    max_bytes: float = 2e9,
    pad_below: float = 2e8,
) -> dict:
    """The capacity experiment. ``loads`` maps each network size N to the numbers of patterns
    K to test; for each (N, K), ``trials`` independent networks store K fresh random patterns,
    start from their first pattern with ``round(flip_fraction * N)`` neurons flipped, and run
    :func:`retrieve`. Returns ``{N: Sweep}``.

    Each size runs all its loads in one compiled call, padded to its largest K
    (``n_stored``), in chunks of trials that keep the patterns under ``max_bytes``. Sizes whose
    padded work together stays below ``pad_below`` neuron-pattern updates per sweep share one
    call, padded to the largest N (``n_neurons``): for small networks compiling costs more
    than the padding."""
    order = _check_order(order)
    if not isinstance(loads, dict) or not loads:
        raise ValueError(f"loads must be a non-empty dict {{N: array of K}}, got {loads!r}")
    checked = {}
    for N, Ks in loads.items():
        if isinstance(N, bool) or int(N) != N or N < order:
            raise ValueError(f"network sizes N must be integers >= P = {order}, got {N!r}")
        Ks = np.asarray(Ks)
        if Ks.ndim != 1 or Ks.size == 0 or not np.issubdtype(Ks.dtype, np.integer) or Ks.min() < 1:
            raise ValueError(f"loads[{N}] must be a 1D array of integers >= 1, got {Ks!r}")
        checked[int(N)] = Ks
    if isinstance(trials, bool) or int(trials) != trials or trials < 1:
        raise ValueError(f"trials must be an integer >= 1, got {trials!r}")
    if not 0.0 <= float(flip_fraction) <= 1.0:
        raise ValueError(f"flip_fraction must lie in [0, 1], got {flip_fraction!r}")
    if not float(temperature) >= 0.0 or not np.isfinite(float(temperature)):
        raise ValueError(f"temperature must be finite and >= 0, got {temperature!r}")
    if dynamics not in DYNAMICS:
        raise ValueError(f"dynamics must be one of {DYNAMICS}, got {dynamics!r}")
    if isinstance(sweeps, bool) or int(sweeps) != sweeps or int(sweeps) < 1:
        raise ValueError(f"sweeps must be an integer >= 1, got {sweeps!r}")
    beta = jnp.float32(np.inf if float(temperature) == 0.0 else 1.0 / float(temperature))

    # group sizes (largest first) while the padded work of the group stays small
    groups, sizes = [], sorted(checked, reverse=True)
    for N in sizes:
        if groups:
            g = groups[-1] + [N]
            rows = sum(checked[n].size for n in g) * trials
            if rows * max(checked[n].max() for n in g) * g[0] <= pad_below:
                groups[-1] = g
                continue
        groups.append([N])

    results = {}
    for gi, g in enumerate(groups):
        N_pad = g[0]
        K_pad = int(max(checked[n].max() for n in g))
        row_n = np.concatenate([np.full(checked[n].size, n) for n in g])
        row_k = np.concatenate([checked[n] for n in g])
        per_trial = row_k.size * K_pad * N_pad * 3  # patterns, their random bits, their transpose
        chunk = int(max(1, min(trials, max_bytes // per_trial)))
        out = []
        for c, start in enumerate(range(0, trials, chunk)):
            t = min(chunk, trials - start)
            n_neurons = np.repeat(row_n, t).astype(np.int32)
            n_flip = np.round(float(flip_fraction) * n_neurons).astype(np.int32)
            r = _sweep_chunk(
                jax.random.fold_in(jax.random.fold_in(key, gi), c),
                jnp.asarray(np.repeat(row_k, t), jnp.int32),
                jnp.asarray(n_neurons),
                jnp.asarray(n_flip),
                beta,
                K_pad,
                N_pad,
                order,
                int(sweeps),
                dynamics,
            )
            out.append(tuple(np.asarray(a).reshape(row_k.size, t) for a in r))
        m, s, conv = (np.concatenate(a, axis=1) for a in zip(*out, strict=True))
        row = 0
        for n in g:
            L = checked[n].size
            sl = slice(row, row + L)
            results[n] = Sweep(checked[n].copy(), m[sl], s[sl], conv[sl])
            row += L
    return {N: results[N] for N in checked}


def summarize(sweeps: dict) -> str:
    """A few lines on a :func:`retrieval_sweep` result ``{N: Sweep}``: the networks run, and per
    size the loads, the sweeps to a fixed point and the runs stopped without reaching one."""
    n = sum(r.overlap.size for r in sweeps.values())
    lines = [f"{n} networks"]
    for N, r in sweeps.items():
        stopped = "" if r.converged is None else f"; stopped without one: {np.mean(~r.converged):.1%}"
        lines.append(
            f"  N = {N:5d}: K = {r.n_patterns.min()}..{r.n_patterns.max()}; sweeps to a fixed point: "
            f"median {np.median(r.sweeps):.0f}, max {r.sweeps.max()}{stopped}"
        )
    return "\n".join(lines)


def save_sweeps(path, sweeps: dict, provenance: dict) -> None:
    """Write capacity experiments ``{P: {N: Sweep}}`` and their ``provenance`` (a JSON-able dict:
    device, date, command, settings) to a compressed ``.npz``: arrays ``P{P}_N{N}_K``,
    ``..._overlap`` (float32), ``..._sweeps`` (int32) and ``..._converged``, and the provenance
    as a JSON string. :func:`load_sweeps` reads it back."""
    if not isinstance(sweeps, dict) or not all(
        isinstance(b, dict) and all(isinstance(s, Sweep) for s in b.values()) for b in sweeps.values()
    ):
        raise ValueError(f"sweeps must be a dict {{P: {{N: Sweep}}}}, got {type(sweeps).__name__}")
    try:
        out = {"provenance": json.dumps(provenance)}
    except TypeError as e:
        raise ValueError(f"provenance must be JSON-serializable: {e}") from None
    for P, by_size in sweeps.items():
        for N, s in by_size.items():
            out[f"P{int(P)}_N{int(N)}_K"] = np.asarray(s.n_patterns)
            out[f"P{int(P)}_N{int(N)}_overlap"] = np.asarray(s.overlap, np.float32)
            out[f"P{int(P)}_N{int(N)}_sweeps"] = np.asarray(s.sweeps, np.int32)
            if s.converged is not None:
                out[f"P{int(P)}_N{int(N)}_converged"] = np.asarray(s.converged, bool)
    np.savez_compressed(path, **out)


@dataclass(frozen=True)
class CapacityExperiment:
    """The capacity experiment's settings, defined once for the two associative-memory pages
    and their large-run script (``benchmarks/associative_memory_full_scale.py``), and recorded
    in the provenance of the data it ships: each run starts from a stored pattern with a
    fraction ``flip`` of its neurons flipped and runs at most ``sweeps`` sweeps of the
    zero-temperature dynamics (stopping earlier at a fixed point)."""

    flip: float = 0.05
    sweeps: int = 400

    def __post_init__(self):
        if not 0 <= self.flip < 0.5:
            raise ValueError(f"flip must lie in [0, 0.5), got {self.flip!r}")
        if isinstance(self.sweeps, bool) or int(self.sweeps) != self.sweeps or self.sweeps < 1:
            raise ValueError(f"sweeps must be an integer >= 1, got {self.sweeps!r}")


CAPACITY = CapacityExperiment()


def load_sweeps(path, experiment: CapacityExperiment | None = None, **expected) -> tuple[dict, dict]:
    """``({P: {N: Sweep}}, provenance)`` from a file written by :func:`save_sweeps`, sizes in
    increasing order (``converged`` is None where the file does not hold it).

    The fields of ``experiment`` and any ``expected`` settings (e.g. ``flip=0.05``) must equal
    the provenance's entries of the same name: results made with other settings raise a
    ValueError instead of being mixed with yours."""
    with np.load(path) as f:
        if "provenance" not in f.files:
            raise ValueError(f"{path} holds no 'provenance': not a file written by save_sweeps")
        sweeps: dict = {}
        for name in f.files:
            if name.startswith("P") and name.endswith("_K"):
                P, N = (int(x[1:]) for x in name[: -len("_K")].split("_"))
                c = f"P{P}_N{N}_converged"
                sweeps.setdefault(P, {})[N] = Sweep(
                    f[name],
                    f[f"P{P}_N{N}_overlap"],
                    f[f"P{P}_N{N}_sweeps"],
                    f[c] if c in f.files else None,
                )
        provenance = json.loads(str(f["provenance"]))
    data.check_provenance(path, provenance, experiment, **expected)
    return {P: dict(sorted(s.items())) for P, s in sorted(sweeps.items())}, provenance


# --------------------------------------------------------------------------------------------
# replica-symmetric theory for P = 2 (Amit, Gutfreund & Sompolinsky 1985, 1987)
# --------------------------------------------------------------------------------------------


def _rs_alpha_of_y(y):
    """Zero-temperature RS retrieval: load alpha at which y = m / sqrt(2 alpha r) solves the
    saddle point, with m = erf(y)."""
    from scipy.special import erf

    m = erf(y)
    return (m - 2 * y / np.sqrt(np.pi) * np.exp(-(y**2))) ** 2 / (2 * y**2), m


def rs_capacity() -> tuple[float, float]:
    """``(alpha_c, m_c)``: the largest load at which the zero-temperature replica-symmetric
    retrieval state exists, and its overlap there (about 0.138 and 0.967)."""
    from scipy.optimize import minimize_scalar

    r = minimize_scalar(
        lambda y: -_rs_alpha_of_y(y)[0], bounds=(0.5, 3.0), method="bounded", options={"xatol": 1e-10}
    )
    a, m = _rs_alpha_of_y(r.x)
    return float(a), float(m)


def rs_retrieval_overlap(alpha: float, temperature: float, iterations: int = 4000) -> float:
    """The RS retrieval overlap m(alpha, T) for P = 2, by iterating the AGS saddle-point
    equations from m = 1 (0 where no retrieval solution exists):

    m = <tanh(beta(m + sqrt(alpha r) z))>_z,  q = <tanh^2(...)>_z,  r = q / (1 - beta(1 - q))^2,

    with z a standard normal (the average on a fine grid: at low T the tanh is nearly a step,
    which Gauss-Hermite quadrature resolves poorly). At T = 0 it uses the limit
    m = erf(m / sqrt(2 alpha r)), sqrt(r) = 1 / (1 - C), C = sqrt(2 / (pi alpha r)) e^{-y^2}.
    """
    if not alpha >= 0:
        raise ValueError(f"alpha must be >= 0, got {alpha!r}")
    if not temperature >= 0:
        raise ValueError(f"temperature must be >= 0, got {temperature!r}")
    from scipy.special import erf

    if alpha == 0:
        if temperature == 0:
            return 1.0
        m = 1.0
        for _ in range(iterations):
            m = np.tanh(m / temperature)
        return float(m) if m > 1e-6 else 0.0
    m, r = 1.0, 1.0
    if temperature == 0:
        for _ in range(iterations):
            y = m / np.sqrt(2 * alpha * r)
            C = np.sqrt(2 / (np.pi * alpha * r)) * np.exp(-(y**2))
            if C >= 1:
                return 0.0
            m_new, r_new = erf(y), 1 / (1 - C) ** 2
            if abs(m_new - m) < 1e-12 and abs(r_new - r) < 1e-12:
                break
            m, r = 0.5 * m + 0.5 * m_new, 0.5 * r + 0.5 * r_new
        return float(m) if m > 1e-4 else 0.0
    z = np.linspace(-9.0, 9.0, 8001)
    w = np.exp(-(z**2) / 2)
    w /= w.sum()
    beta = 1 / temperature
    for _ in range(iterations):
        t = np.tanh(beta * (m + np.sqrt(alpha * r) * z))
        m_new, q = float(w @ t), float(w @ t**2)
        denom = 1 - beta * (1 - q)
        if denom <= 0:
            return 0.0
        r_new = q / denom**2
        if abs(m_new - m) < 1e-12 and abs(r_new - r) < 1e-12:
            break
        m, r = 0.5 * m + 0.5 * m_new, 0.5 * r + 0.5 * r_new
    return float(m) if m > 1e-4 else 0.0
