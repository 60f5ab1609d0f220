"""Directed percolation in 1+1 dimensions (the Domany-Kinzel automaton), and A + A -> 0.

**The automaton.** Sites of a ring are active (1) or inactive (0). In the standard picture a
site ``x`` at time ``t + 1`` has two parents, ``x - 1`` and ``x + 1`` at time ``t``, and only
the sites with ``x + t`` even take part. It is active with probability ``p1`` if exactly one
parent is active, ``p2`` if both are, and never if neither is (the all-inactive state is
absorbing). Bond directed percolation (every bond open with probability ``p``) is
``p1 = p, p2 = 1 - (1 - p)^2`` (:func:`bond_probabilities`); site directed percolation is
``p1 = p2 = p`` (:func:`site_probabilities`).

The kernels store the sites that take part, and no others: a ring of ``L`` stored sites ``j``
is the physical ring of ``2 L`` positions, site ``j`` at time ``t`` sitting at ``x = 2 j - t``
(mod ``2 L``). The parents of stored site ``j`` are stored sites ``j - 1`` (at ``x - 1``) and
``j`` (at ``x + 1``); a seed's active region grows by one position per side per step at
``p = 1``, and drifts by half a stored site per step in the stored coordinates, which
:func:`domany_kinzel` undoes when it measures the spreading (``origin``).

**Randomness.** One 32-bit random word per site and step decides it: its top 24 bits, read as
an integer ``u``, make the site active when ``u < round(p_k 2^24)``. The probabilities the
kernel realizes are therefore ``round(p 2^24) / 2^24`` (within 3e-8 of ``p``; see
:func:`realized_probability`), far inside the uncertainty of any p_c estimate here. Each
realization ``i`` draws from ``fold_in(key, i)``, and its step ``t`` from
``fold_in(fold_in(key, i), t)``: a realization does not depend on how many others run beside
it, on their probabilities or on which times are recorded.

**Why no multi-spin coding.** Packing 32 sites in a machine word makes the logic 32 times
cheaper, but each site still needs its own random draw against a probability that is not a
power of 1/2, and drawing dominates the cost (see ``benchmarks/bench_percolation.py``); the
unpacked kernel is kept as the only one.

**A + A -> 0.** :func:`annihilation` runs a lattice gas of particles on a ring of ``L``
sites: in each step every particle hops with probability ``h`` to a neighbour (left or right
with equal probability) and stays otherwise; two particles that cross on a bond, or an even
number landing on one site, annihilate (an odd number leaves one). A free particle diffuses
with ``D = h / 2`` (lattice spacings squared per step), exactly; the density of the
interacting gas decays as ``(8 pi D t)^{-1/2}`` at late times (Torney and McConnell 1983), not
as the mean-field ``1 / t``. The particle number's parity never changes.

Exact results for small rings: the Markov chain on all ``2^L`` configurations
(:func:`dk_transition_matrix`, :func:`dk_exact`, :func:`dk_absorption_time`,
:func:`annihilation_transition_matrix`).
"""

from __future__ import annotations

import math
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from emergence import _validate

#: The critical point of bond directed percolation in 1+1 dimensions (Jensen 1999, series).
P_C_BOND = 0.644700
#: The critical point of site directed percolation in 1+1 dimensions (Jensen 1999).
P_C_SITE = 0.705485
#: The exponents of directed percolation in 1+1 dimensions (Jensen 1999): density and survival
#: decay ``t^-delta``, active sites from a seed ``t^theta``, spreading ``R^2 ~ t^(2/z)``,
#: stationary density ``(p - p_c)^beta``, temporal correlation length ``|p - p_c|^-nu_par``.
DP_EXPONENTS = {
    "delta": 0.159464,
    "theta": 0.313686,
    "z": 1.580745,
    "beta": 0.276486,
    "nu_par": 1.733847,
    "nu_perp": 1.096854,
}

_BITS = 24  # the random word's top bits compared with the threshold
_SCALE = 1 << _BITS


class Run(NamedTuple):
    """What :func:`domany_kinzel` returns, for ``n`` realizations and ``R`` recorded times.

    Parameters
    ----------
    times : numpy.ndarray
        Shape ``(R,)``: the recorded times (steps after the start, ``>= 1``).
    active : jax.Array
        Shape ``(R, n)``, int32: the number of active sites of each realization at those times.
    spread : jax.Array or None
        Shape ``(R, n)``, float32: the sum of ``x^2`` over the active sites, ``x`` the physical
        displacement from the origin; ``None`` when no origin was given.
    touched : jax.Array or None
        Shape ``(n,)``, bool: whether activity ever reached the two stored sites farthest from
        the origin's path (the ring is too small for that realization from then on); ``None``
        when no origin was given.
    state : jax.Array
        Shape ``(n, L)``, uint8: the final configurations.
    """

    times: np.ndarray
    active: jax.Array
    spread: jax.Array | None
    touched: jax.Array | None
    state: jax.Array


# --------------------------------------------------------------------------------------------
# probabilities
# --------------------------------------------------------------------------------------------


def bond_probabilities(p):
    """Bond directed percolation as a Domany-Kinzel automaton: ``(p1, p2) = (p, 1 - (1-p)^2)``.

    Parameters
    ----------
    p : float or array_like
        The probability that a bond is open, in ``[0, 1]``.

    Returns
    -------
    tuple
        ``(p1, p2)``: the probabilities of activity with one and with two active parents.
    """
    p = _probability("p", p)
    return p, 1.0 - (1.0 - p) ** 2


def site_probabilities(p):
    """Site directed percolation as a Domany-Kinzel automaton: ``(p1, p2) = (p, p)``.

    Parameters
    ----------
    p : float or array_like
        The probability that a site is open, in ``[0, 1]``.

    Returns
    -------
    tuple
        ``(p1, p2)``.
    """
    p = _probability("p", p)
    return p, p


def realized_probability(p):
    """The probability the kernels realize for ``p``: ``round(p 2^24) / 2^24``.

    Parameters
    ----------
    p : float or array_like
        A probability in ``[0, 1]``.

    Returns
    -------
    numpy.ndarray
        The realized probability, within ``2^-25`` of ``p``.
    """
    return _threshold(_probability("p", p)) / _SCALE


_probability = _validate.probability


def _threshold(p):
    return np.round(np.asarray(p, dtype=float) * _SCALE).astype(np.uint32)


# --------------------------------------------------------------------------------------------
# the Domany-Kinzel kernel
# --------------------------------------------------------------------------------------------


def _row_keys(key, n):
    return jax.vmap(jax.random.fold_in, in_axes=(None, 0))(key, jnp.arange(n))


def _draws(keys, t, L):
    """The top 24 bits of one random word per site: row ``i`` from ``fold_in(keys[i], t)``."""
    draw = jax.vmap(lambda k: jax.random.bits(jax.random.fold_in(k, t), (L,), jnp.uint32))
    return draw(keys) >> (32 - _BITS)


def _dk_step(keys, s, t, thr1, thr2):
    """Step ``t`` (the configuration at ``t - 1`` to the one at ``t``) of every realization."""
    k = s + jnp.roll(s, 1, axis=-1)  # active parents: stored sites j - 1 and j
    thr = jnp.where(k == 2, thr2[:, None], jnp.where(k == 1, thr1[:, None], 0))
    return (_draws(keys, t, s.shape[-1]) < thr).astype(jnp.uint8)


def _offsets(L, origin, t):
    """The physical displacement ``x`` of every stored site from the origin's path at time t.

    Stored site ``j`` is ``c = j - origin - t // 2`` stored sites from the path, taken in
    ``[-(L // 2), L - L // 2 - 1]`` around the ring, and ``x = 2 c - t mod 2``.
    """
    j = jnp.arange(L)
    c = jnp.mod(j - origin - t // 2 + L // 2, L) - L // 2
    return 2 * c - jnp.mod(t, 2)


@partial(jax.jit, static_argnames=("n_steps", "n_records", "spread"))
def domany_kinzel_kernel(keys, state0, thr1, thr2, slots, origin, *, n_steps, n_records, spread):
    """The pure kernel behind :func:`domany_kinzel` (no validation).

    Parameters
    ----------
    keys : jax.Array
        Shape ``(n,)``: one key per realization (step ``t`` draws from ``fold_in(keys[i], t)``).
    state0 : jax.Array
        Shape ``(n, L)``, uint8: the configurations at time 0.
    thr1, thr2 : jax.Array
        Shape ``(n,)``, uint32: ``round(p1 2^24)`` and ``round(p2 2^24)`` of each realization.
    slots : jax.Array
        Shape ``(n_steps + 1,)``, int32: the record slot of each time, -1 where not recorded.
    origin : jax.Array
        The stored site of the seed at time 0 (an int32 scalar); used only when ``spread``.
    n_steps, n_records : int
        Static: the number of steps and of recorded times.
    spread : bool
        Static: whether to measure the spreading about ``origin``.

    Returns
    -------
    tuple of jax.Array
        ``(active, spread, touched, state)``: ``active`` and ``spread`` of shape
        ``(n_records, n)`` (``spread`` zeros unless measured), ``touched`` of shape ``(n,)``
        and the final configurations.
    """
    n, L = state0.shape
    lo, hi = -(L // 2), L - L // 2 - 1  # the extreme offsets of the window about the path

    def step(carry, t):
        s, touched, out_a, out_s = carry
        s = _dk_step(keys, s, t, thr1, thr2)
        slot = slots[t]
        at = jnp.maximum(slot, 0)
        a = s.sum(-1, dtype=jnp.int32)
        out_a = out_a.at[at].set(jnp.where(slot >= 0, a, out_a[at]))
        if spread:
            x = _offsets(L, origin, t)
            m2 = (s * (x * x).astype(jnp.float32)).sum(-1)
            out_s = out_s.at[at].set(jnp.where(slot >= 0, m2, out_s[at]))
            c = (x + jnp.mod(t, 2)) // 2
            edge = (c == lo) | (c == hi)
            touched = touched | jnp.any((s == 1) & edge, axis=-1)
        return (s, touched, out_a, out_s), None

    init = (
        state0,
        jnp.zeros(n, bool),
        jnp.zeros((n_records, n), jnp.int32),
        jnp.zeros((n_records, n), jnp.float32),
    )
    (s, touched, out_a, out_s), _ = jax.lax.scan(step, init, jnp.arange(1, n_steps + 1))
    return out_a, out_s, touched, s


@partial(jax.jit, static_argnames=("n_steps",))
def _history_kernel(keys, state0, thr1, thr2, *, n_steps):
    def step(s, t):
        s = _dk_step(keys, s, t, thr1, thr2)
        return s, s

    _, hist = jax.lax.scan(step, state0, jnp.arange(1, n_steps + 1))
    return jnp.concatenate([state0[None], hist])


_positive_int = _validate.positive_int


def _as_state(name, state, min_sites=2):
    s = np.asarray(state)
    if s.ndim == 1:
        s = s[None, :]
    if s.ndim != 2 or s.shape[0] < 1 or s.shape[1] < min_sites:
        raise ValueError(
            f"{name} must have shape (n, L) with n >= 1 and L >= {min_sites}, got {s.shape}"
        )
    bad = s[(s != 0) & (s != 1)]
    if bad.size:
        raise ValueError(f"{name} must hold 0 or 1 at every site, got {bad.ravel()[0].item()!r}")
    return s.astype(np.uint8)


def _per_realization(name, value, n):
    return _validate.per_item(name, _probability(name, value), n, "realization")


def _record_times(record_times, n_steps):
    if record_times is None:
        return np.arange(1, n_steps + 1)
    r = np.asarray(record_times)
    if r.ndim != 1 or r.size < 1 or not np.issubdtype(r.dtype, np.integer):
        raise ValueError(f"record_times must be a non-empty 1D array of integers, got {r!r}")
    if np.any(r < 1) or np.any(r > n_steps):
        raise ValueError(f"record_times must lie in [1, n_steps = {n_steps}], got {r.min()}..{r.max()}")
    if np.any(np.diff(r) <= 0):
        raise ValueError("record_times must be strictly increasing")
    return r.astype(int)


def _slots(times, n_steps):
    slots = np.full(n_steps + 1, -1, np.int32)
    slots[times] = np.arange(times.size)
    return slots


def domany_kinzel(
    key, state0, p1, p2, *, n_steps: int, record_times=None, origin: int | None = None
) -> Run:
    """Run realizations of the Domany-Kinzel automaton; record their activity.

    Parameters
    ----------
    key : jax.Array
        A ``jax.random.key``; realization ``i`` draws from ``fold_in(key, i)``.
    state0 : array_like
        Shape ``(n, L)`` (or ``(L,)`` for one realization), zeros and ones: the stored sites at
        time 0 (see the module's docstring for how they sit on the physical ring), ``L >= 2``.
    p1, p2 : float or array_like
        The probability of activity with one and with two active parents, in ``[0, 1]``: one
        value, or one per realization, shape ``(n,)``.
    n_steps : int
        The number of steps, ``>= 1``.
    record_times : array_like of int, optional
        Strictly increasing times in ``[1, n_steps]`` at which to record; default every step.
    origin : int, optional
        The stored site of a seed at time 0, in ``[0, L)``: measure the spreading about it
        (``Run.spread``, ``Run.touched``).

    Returns
    -------
    Run
        The recorded times, the active sites' number (and spreading) at each, the final state.

    Raises
    ------
    ValueError
        For a ``state0`` of the wrong shape or with values other than 0 and 1; probabilities
        outside ``[0, 1]`` or of the wrong shape; ``n_steps`` not a positive integer;
        ``record_times`` not increasing integers in ``[1, n_steps]``; ``origin`` outside
        ``[0, L)``.
    """
    s = _as_state("state0", state0)
    n, L = s.shape
    t1 = _threshold(_per_realization("p1", p1, n))
    t2 = _threshold(_per_realization("p2", p2, n))
    n_steps = _positive_int("n_steps", n_steps)
    times = _record_times(record_times, n_steps)
    if origin is not None and (
        isinstance(origin, bool) or not isinstance(origin, int | np.integer) or not 0 <= origin < L
    ):
        raise ValueError(f"origin must be an integer in [0, L = {L}), got {origin!r}")
    active, spread, touched, state = domany_kinzel_kernel(
        _row_keys(key, n),
        jnp.asarray(s),
        jnp.asarray(t1),
        jnp.asarray(t2),
        jnp.asarray(_slots(times, n_steps)),
        jnp.int32(0 if origin is None else origin),
        n_steps=n_steps,
        n_records=int(times.size),
        spread=origin is not None,
    )
    if origin is None:
        spread = touched = None
    return Run(times, active, spread, touched, state)


def spacetime(key, state0, p1, p2, *, n_steps: int) -> jax.Array:
    """Every configuration of a run of the automaton (for pictures of small systems).

    The same key gives the same realizations as :func:`domany_kinzel`.

    Parameters
    ----------
    key, state0, p1, p2, n_steps
        As for :func:`domany_kinzel`.

    Returns
    -------
    jax.Array
        Shape ``(n_steps + 1, n, L)``, uint8: the configurations at times ``0 .. n_steps``.
    """
    s = _as_state("state0", state0)
    n = s.shape[0]
    t1 = _threshold(_per_realization("p1", p1, n))
    t2 = _threshold(_per_realization("p2", p2, n))
    n_steps = _positive_int("n_steps", n_steps)
    return _history_kernel(
        _row_keys(key, n), jnp.asarray(s), jnp.asarray(t1), jnp.asarray(t2), n_steps=n_steps
    )


def physical_picture(history) -> np.ndarray:
    """Stored configurations drawn on the physical ring, for ``imshow``.

    Parameters
    ----------
    history : array_like
        Shape ``(T, L)``: one realization's configurations at times ``0 .. T - 1``.

    Returns
    -------
    numpy.ndarray
        Shape ``(T, 2 L)``: row ``t`` has the stored site ``j`` at positions ``x = 2 j - t``
        and ``x + 1`` (mod ``2 L``), so that each site is two positions wide and the rows
        have no holes; position 0 is column 0.
    """
    h = np.asarray(history)
    if h.ndim != 2:
        raise ValueError(f"history must have shape (T, L), got {h.shape}")
    T, L = h.shape
    out = np.zeros((T, 2 * L), h.dtype)
    j = np.arange(L)
    for t in range(T):
        x = np.mod(2 * j - t, 2 * L)
        out[t, x] = h[t]
        out[t, np.mod(x + 1, 2 * L)] = h[t]
    return out


def seed(n: int, L: int, origin: int | None = None) -> np.ndarray:
    """``n`` configurations of ``L`` stored sites with one active site, at ``origin``.

    Parameters
    ----------
    n, L : int
        Realizations (``>= 1``) and stored sites (``>= 2``).
    origin : int, optional
        The active site; default ``L // 2``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, L)``, uint8.
    """
    n, L = _positive_int("n", n), _positive_int("L", L)
    if L < 2:
        raise ValueError(f"L must be >= 2, got {L}")
    origin = L // 2 if origin is None else origin
    if not 0 <= origin < L:
        raise ValueError(f"origin must be in [0, L = {L}), got {origin!r}")
    s = np.zeros((n, L), np.uint8)
    s[:, origin] = 1
    return s


# --------------------------------------------------------------------------------------------
# the exact Markov chain of small rings
# --------------------------------------------------------------------------------------------


def _configurations(L):
    return ((np.arange(2**L)[:, None] >> np.arange(L)) & 1).astype(np.uint8)


def _index(state):
    s = np.asarray(state, dtype=np.int64)
    return int((s << np.arange(s.size)).sum())


def dk_transition_matrix(L: int, p1: float, p2: float) -> np.ndarray:
    """The Domany-Kinzel automaton's transition matrix on a ring of ``L`` stored sites.

    Parameters
    ----------
    L : int
        Stored sites, ``2 <= L <= 10``.
    p1, p2 : float
        The probabilities of activity with one and with two active parents.

    Returns
    -------
    numpy.ndarray
        Shape ``(2^L, 2^L)``: ``T[a, b]`` the probability of configuration ``b`` after one
        step from ``a``; configuration ``a`` has site ``j`` active when bit ``j`` of ``a`` is
        set.
    """
    L = _positive_int("L", L)
    if not 2 <= L <= 10:
        raise ValueError(f"L must be in [2, 10] for the exact chain, got {L}")
    p1, p2 = float(_probability("p1", p1)), float(_probability("p2", p2))
    conf = _configurations(L).astype(int)
    k = conf + np.roll(conf, 1, axis=1)  # parents j - 1 and j
    p_on = np.select([k == 2, k == 1], [p2, p1], 0.0)  # (2^L, L)
    on = conf[None, :, :] == 1  # (1, 2^L, L): the next configuration
    return np.where(on, p_on[:, None, :], 1.0 - p_on[:, None, :]).prod(-1)


class Exact(NamedTuple):
    """The exact moments of a small ring's activity at times ``0 .. n_steps``.

    Parameters
    ----------
    survival : numpy.ndarray
        The probability that some site is active.
    active : numpy.ndarray
        The mean number of active sites.
    spread : numpy.ndarray
        The mean of the sum of ``x^2`` over active sites (about ``origin``; zeros without one).
    """

    survival: np.ndarray
    active: np.ndarray
    spread: np.ndarray


def dk_exact(L, p1, p2, state0, n_steps: int, origin: int | None = None) -> Exact:
    """Survival, mean activity and spreading of the automaton by the exact Markov chain.

    Parameters
    ----------
    L : int
        Stored sites, ``2 <= L <= 10``.
    p1, p2 : float
        The probabilities of activity with one and with two active parents.
    state0 : array_like
        Shape ``(L,)``: the configuration at time 0.
    n_steps : int
        The last time.
    origin : int, optional
        The seed's stored site, for the spreading (as in :func:`domany_kinzel`).

    Returns
    -------
    Exact
        Arrays of length ``n_steps + 1``.
    """
    T = dk_transition_matrix(L, p1, p2)
    s0 = _as_state("state0", state0)[0]
    if s0.size != L:
        raise ValueError(f"state0 must have L = {L} sites, got {s0.size}")
    n_steps = _positive_int("n_steps", n_steps)
    conf = _configurations(L).astype(float)
    prob = np.zeros(2**L)
    prob[_index(s0)] = 1.0
    surv, act, spr = [], [], []
    for t in range(n_steps + 1):
        surv.append(1.0 - prob[0])
        act.append(prob @ conf.sum(1))
        if origin is None:
            spr.append(0.0)
        else:
            x = np.asarray(_offsets(L, origin, t))
            spr.append(prob @ (conf @ (x * x).astype(float)))
        prob = prob @ T
    return Exact(np.array(surv), np.array(act), np.array(spr))


def dk_absorption_time(L: int, p1: float, p2: float, state0) -> float:
    """The mean number of steps until the automaton falls into the absorbing state.

    Parameters
    ----------
    L : int
        Stored sites, ``2 <= L <= 10``.
    p1, p2 : float
        The probabilities, with ``p2 < 1`` (at ``p2 = 1`` the fully active ring never dies).
    state0 : array_like
        Shape ``(L,)``: the configuration at time 0.

    Returns
    -------
    float
        The mean absorption time (0 for the inactive configuration).
    """
    if float(_probability("p2", p2)) >= 1.0:
        raise ValueError(f"p2 must be < 1 for the ring to die surely, got {p2!r}")
    T = dk_transition_matrix(L, p1, p2)
    s0 = _as_state("state0", state0)[0]
    if s0.size != L:
        raise ValueError(f"state0 must have L = {L} sites, got {s0.size}")
    Q = T[1:, 1:]  # the transient configurations: every one but the inactive
    tau = np.linalg.solve(np.eye(Q.shape[0]) - Q, np.ones(Q.shape[0]))
    i = _index(s0)
    return 0.0 if i == 0 else float(tau[i - 1])


# --------------------------------------------------------------------------------------------
# A + A -> 0
# --------------------------------------------------------------------------------------------


def _gas_step(keys, n, t, thr):
    w = jax.vmap(lambda k: jax.random.bits(jax.random.fold_in(k, t), (n.shape[-1],), jnp.uint32))(keys)
    hop = (w >> (32 - _BITS)) < thr[:, None]
    right_dir = (w & 1) == 1
    occ = n == 1
    right = occ & hop & right_dir
    left = occ & hop & ~right_dir
    stay = occ & ~hop
    cross = right & jnp.roll(left, -1, axis=-1)  # x -> x + 1 meets x + 1 -> x on the bond
    right = right & ~cross
    left = left & ~jnp.roll(cross, 1, axis=-1)
    arrivals = (
        stay.astype(jnp.int32)
        + jnp.roll(right, 1, axis=-1).astype(jnp.int32)
        + jnp.roll(left, -1, axis=-1).astype(jnp.int32)
    )
    return (arrivals % 2).astype(jnp.uint8)


@partial(jax.jit, static_argnames=("n_steps", "n_records"))
def annihilation_kernel(keys, occ0, thr, slots, *, n_steps, n_records):
    """The pure kernel behind :func:`annihilation` (no validation).

    Parameters
    ----------
    keys : jax.Array
        Shape ``(n,)``: one key per realization.
    occ0 : jax.Array
        Shape ``(n, L)``, uint8: the occupations at time 0.
    thr : jax.Array
        Shape ``(n,)``, uint32: ``round(h 2^24)``.
    slots : jax.Array
        Shape ``(n_steps + 1,)``, int32: the record slot of each time, -1 where not recorded.
    n_steps, n_records : int
        Static.

    Returns
    -------
    tuple of jax.Array
        ``(count, occ)``: the particle numbers, shape ``(n_records, n)``, and the final
        occupations.
    """
    n = occ0.shape[0]

    def step(carry, t):
        occ, out = carry
        occ = _gas_step(keys, occ, t, thr)
        slot = slots[t]
        at = jnp.maximum(slot, 0)
        out = out.at[at].set(jnp.where(slot >= 0, occ.sum(-1, dtype=jnp.int32), out[at]))
        return (occ, out), None

    init = (occ0, jnp.zeros((n_records, n), jnp.int32))
    (occ, out), _ = jax.lax.scan(step, init, jnp.arange(1, n_steps + 1))
    return out, occ


class GasRun(NamedTuple):
    """What :func:`annihilation` returns.

    Parameters
    ----------
    times : numpy.ndarray
        Shape ``(R,)``: the recorded times.
    count : jax.Array
        Shape ``(R, n)``, int32: the particle number of each realization at those times.
    occupation : jax.Array
        Shape ``(n, L)``, uint8: the final occupations.
    """

    times: np.ndarray
    count: jax.Array
    occupation: jax.Array


def annihilation(key, occ0, hop, *, n_steps: int, record_times=None) -> GasRun:
    """Run the A + A -> 0 lattice gas (see the module's docstring for the rule).

    Parameters
    ----------
    key : jax.Array
        A ``jax.random.key``; realization ``i`` draws from ``fold_in(key, i)``.
    occ0 : array_like
        Shape ``(n, L)`` (or ``(L,)``), zeros and ones, ``L >= 2``: the occupations at time 0.
    hop : float or array_like
        The probability ``h`` that a particle hops in a step, in ``(0, 1]`` (``D = h / 2``):
        one value or one per realization.
    n_steps : int
        The number of steps, ``>= 1``.
    record_times : array_like of int, optional
        Strictly increasing times in ``[1, n_steps]``; default every step.

    Returns
    -------
    GasRun
        The recorded times, the particle numbers, the final occupations.

    Raises
    ------
    ValueError
        For an ``occ0`` of the wrong shape or values; ``hop`` outside ``(0, 1]``; ``n_steps``
        not a positive integer; bad ``record_times``.
    """
    occ = _as_state("occ0", occ0)
    n, L = occ.shape
    h = _per_realization("hop", hop, n)
    if np.any(h <= 0):
        raise ValueError(f"hop must be in (0, 1] (a gas that never moves), got {float(h.min())!r}")
    n_steps = _positive_int("n_steps", n_steps)
    times = _record_times(record_times, n_steps)
    count, final = annihilation_kernel(
        _row_keys(key, n),
        jnp.asarray(occ),
        jnp.asarray(_threshold(h)),
        jnp.asarray(_slots(times, n_steps)),
        n_steps=n_steps,
        n_records=int(times.size),
    )
    return GasRun(times, count, final)


def annihilation_density(t, D):
    """The late-time density of diffusion-limited A + A -> 0 in one dimension.

    Parameters
    ----------
    t : float or array_like
        Times, ``> 0``.
    D : float
        Each particle's diffusion coefficient, ``> 0`` (``h / 2`` for :func:`annihilation`).

    Returns
    -------
    numpy.ndarray
        ``(8 pi D t)^(-1/2)``, particles per site.
    """
    t = np.asarray(t, dtype=float)
    if np.any(~np.isfinite(t) | (t <= 0)):
        raise ValueError(f"t must be finite and > 0, got {t!r}")
    if not (math.isfinite(D) and D > 0):
        raise ValueError(f"D must be finite and > 0, got {D!r}")
    return 1.0 / np.sqrt(8.0 * np.pi * D * t)


def annihilation_transition_matrix(L: int, hop: float) -> np.ndarray:
    """The lattice gas's transition matrix on a ring of ``L`` sites, by enumerating every move.

    Written particle by particle, independently of the kernel's array logic.

    Parameters
    ----------
    L : int
        Sites, ``2 <= L <= 7``.
    hop : float
        The hopping probability ``h`` in ``(0, 1]``.

    Returns
    -------
    numpy.ndarray
        Shape ``(2^L, 2^L)``.
    """
    L = _positive_int("L", L)
    if not 2 <= L <= 7:
        raise ValueError(f"L must be in [2, 7] for the exact chain, got {L}")
    h = float(_probability("hop", hop))
    T = np.zeros((2**L, 2**L))
    moves = ((0, 1.0 - h), (1, h / 2), (-1, h / 2))
    for a in range(2**L):
        sites = [j for j in range(L) if a >> j & 1]
        for choice in np.ndindex(*(3,) * len(sites)):
            prob, step, gone = 1.0, {}, set()
            for site, c in zip(sites, choice, strict=True):
                step[site], w = moves[c]
                prob *= w
            # a particle hopping right from x and one hopping left from x + 1 cross on the
            # bond between them, meet there and annihilate
            for i in sites:
                j = (i + 1) % L
                if j in step and step[i] == 1 and step[j] == -1:
                    gone |= {i, j}
            counts = np.zeros(L, int)
            for i in sites:
                if i not in gone:
                    counts[(i + step[i]) % L] += 1
            b = int(sum(1 << x for x in range(L) if counts[x] % 2))
            if prob:
                T[a, b] += prob
    return T
