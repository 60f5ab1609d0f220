r"""The ferromagnetic Ising model on an L x L torus: Monte Carlo kernels and exact results.

Spins :math:`s_i = \pm 1` on the sites of an L x L square lattice with periodic boundaries,

.. math:: H = -J \sum_{\langle ij \rangle} s_i s_j - h \sum_i s_i,

the first sum over the 2 L^2 nearest-neighbour bonds (each once: to the right and below every
site). Temperatures are in units of :math:`J/k_B` when ``J = 1``; in general the kernels take
``T`` and ``J`` separately and only ``J / T`` and ``h / T`` enter the dynamics.

Two Monte Carlo kernels, both on a batch of lattices (leading axes) with their own temperatures,
``lax.scan`` over sweeps, and the per-site energy and magnetization recorded after every sweep
(no configuration is stored):

- :func:`checkerboard`: Metropolis (or heat-bath) updates of the two sublattices of the
  checkerboard in turn; a sweep updates every site once. L must be even.
- :func:`swendsen_wang`: the Swendsen-Wang cluster update (``h = 0``): every satisfied bond is
  frozen with probability :math:`1 - e^{-2|J|/T}`, the clusters of frozen bonds are found by
  label propagation with pointer jumping, and each cluster is flipped with probability 1/2.

Exact results for the tests and the chapter: full enumeration of small tori
(:func:`exact_moments`), Kaufman's partition function of the finite M x L torus
(:func:`kaufman_log_partition`, with :func:`finite_energy` and :func:`finite_specific_heat`),
and Onsager's infinite lattice (:func:`onsager_energy`, :func:`onsager_specific_heat`,
:func:`onsager_magnetization`, ``T_C``).
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from scipy.special import ellipk, logsumexp

from emergence import _validate

T_C = 2.0 / np.log(1.0 + np.sqrt(2.0))  # Onsager's critical temperature, in units of J / k_B
PROBABILITY_RESOLUTION = 1 << 24  # the checkerboard's probabilities, in steps of 2^-24
ENUMERATION_MAX_SITES = 20  # exact_moments enumerates 2^N states: N = L^2 <= 20 (L <= 4)


class Series(NamedTuple):
    r"""The result of a run of sweeps (leading batch axes as in the input).

    Parameters
    ----------
    spins : jax.Array
        Shape ``(..., L, L)``, int8: the configuration after the last sweep.
    energy : jax.Array
        Shape ``(..., n_sweeps)``: the energy per site :math:`E / L^2` after each sweep, in
        units of J (with the field term when ``h`` is not 0).
    magnetization : jax.Array
        Shape ``(..., n_sweeps)``: the magnetization per site :math:`m = L^{-2}\sum_i s_i`
        after each sweep.
    snapshots : jax.Array
        Shape ``(..., record, L, L)``, int8: the configuration after every
        ``n_sweeps // record``-th sweep (none when ``record = 0``).
    """

    spins: jax.Array
    energy: jax.Array
    magnetization: jax.Array
    snapshots: jax.Array


class Moments(NamedTuple):
    r"""Exact equilibrium averages per site (each a float, or an array over temperatures).

    Parameters
    ----------
    energy : float or numpy.ndarray
        :math:`\langle E \rangle / N`, in units of J.
    abs_m : float or numpy.ndarray
        :math:`\langle |m| \rangle`.
    m2 : float or numpy.ndarray
        :math:`\langle m^2 \rangle`.
    m4 : float or numpy.ndarray
        :math:`\langle m^4 \rangle`.
    specific_heat : float or numpy.ndarray
        :math:`(\langle E^2 \rangle - \langle E \rangle^2) / (N T^2)`, in units of
        :math:`k_B`.
    """

    energy: float | np.ndarray
    abs_m: float | np.ndarray
    m2: float | np.ndarray
    m4: float | np.ndarray
    specific_heat: float | np.ndarray


# --------------------------------------------------------------------------------------------
# observables
# --------------------------------------------------------------------------------------------


def _bond_sum(s: jax.Array) -> jax.Array:
    """Per-lattice sum over bonds of s_i s_j (right and down neighbours, periodic)."""
    return (s * (jnp.roll(s, -1, axis=-1) + jnp.roll(s, -1, axis=-2))).sum(axis=(-2, -1))


def energy_per_site(spins, J: float = 1.0, h: float = 0.0):
    """The energy per site of configurations, in units of J.

    Parameters
    ----------
    spins : array_like
        Shape ``(..., L, L)``, values +1 or -1.
    J : float, optional
        The coupling; default 1.
    h : float, optional
        The field; default 0.

    Returns
    -------
    numpy.ndarray or jax.Array
        Shape ``(...)``: :math:`E / L^2`; NumPy in, NumPy out.
    """
    xp = jnp if isinstance(spins, jax.Array) else np
    s = xp.asarray(spins, dtype=xp.float64 if xp is np else jnp.float32)
    n = s.shape[-1] * s.shape[-2]
    bonds = (s * (xp.roll(s, -1, axis=-1) + xp.roll(s, -1, axis=-2))).sum(axis=(-2, -1))
    return (-J * bonds - h * s.sum(axis=(-2, -1))) / n


def bond_images(spins):
    """The energy-like image of configurations: the product s_i s_j on every bond.

    Parameters
    ----------
    spins : array_like
        Shape ``(..., L, L)``, values +1 or -1.

    Returns
    -------
    numpy.ndarray
        Shape ``(..., 2 L^2)``, int8: the right bonds of every site (row-major), then the down
        bonds; +1 on a satisfied bond, -1 on a broken one.
    """
    s = np.asarray(spins, dtype=np.int8)
    right = s * np.roll(s, -1, axis=-1)
    down = s * np.roll(s, -1, axis=-2)
    lead = s.shape[:-2]
    return np.concatenate([right.reshape(*lead, -1), down.reshape(*lead, -1)], axis=-1)


def binder_cumulant(m2, m4):
    r"""The Binder cumulant :math:`U = 1 - \langle m^4\rangle / (3 \langle m^2\rangle^2)`.

    Parameters
    ----------
    m2 : array_like
        :math:`\langle m^2 \rangle` (> 0).
    m4 : array_like
        :math:`\langle m^4 \rangle`, same shape.

    Returns
    -------
    numpy.ndarray
        U: 2/3 for a two-peaked distribution at :math:`\pm m`, 0 for a Gaussian one.
    """
    m2 = np.asarray(m2, dtype=float)
    return 1.0 - np.asarray(m4, dtype=float) / (3.0 * m2**2)


# --------------------------------------------------------------------------------------------
# kernels (no validation; jit- and vmap-able)
# --------------------------------------------------------------------------------------------


def _thresholds(p):
    """Probabilities as integer thresholds for 24-bit uniform integers: P(u < t) = t / 2^24."""
    return jnp.round(p * PROBABILITY_RESOLUTION).astype(jnp.int32)


def _observe(s, J, h):
    s = s.astype(jnp.float32)
    n = s.shape[-1] * s.shape[-2]
    e = (-J * _bond_sum(s) - h * s.sum()) / n
    return e, s.mean()


def _sweeps(sweep, key, spins, n_sweeps: int, record: int, J, h, dtype) -> Series:
    """Scan ``sweep`` n_sweeps times, observing after each and keeping ``record`` snapshots.

    The keys are ``jax.random.split(key, n_sweeps)`` in order whatever ``record`` is, so the
    trajectory does not depend on how many snapshots are kept.
    """
    keys = jax.random.split(key, n_sweeps)

    def observed(s, k):
        s = sweep(s, k)
        return s, _observe(s, J, h)

    s0 = spins.astype(dtype)
    if record == 0:
        s, (e, m) = jax.lax.scan(observed, s0, keys)
        return Series(s.astype(jnp.int8), e, m, jnp.zeros((0, *spins.shape), jnp.int8))

    def block(s, ks):
        s, em = jax.lax.scan(observed, s, ks)
        return s, (em, s.astype(jnp.int8))

    s, ((e, m), snaps) = jax.lax.scan(block, s0, keys.reshape(record, n_sweeps // record))
    return Series(s.astype(jnp.int8), e.ravel(), m.ravel(), snaps)


def checkerboard_kernel(
    key, spins, beta, J, h, n_sweeps: int, heat_bath: bool = False, record: int = 0
):
    """Sweeps of checkerboard Metropolis (or heat-bath) updates of one lattice (pure, unchecked).

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key.
    spins : jax.Array
        Shape ``(L, L)``, +1 or -1, L even.
    beta : float or jax.Array
        The inverse temperature 1 / T, in units of 1 / J when ``J = 1``.
    J : float or jax.Array
        The coupling.
    h : float or jax.Array
        The field.
    n_sweeps : int
        Sweeps (each updates both sublattices once), static.
    heat_bath : bool, optional
        Heat-bath instead of Metropolis acceptance; static; default False.
    record : int, optional
        Configurations to keep, one every ``n_sweeps // record`` sweeps (a divisor of
        n_sweeps; static); default 0.

    Returns
    -------
    Series
        The final spins, the energy and magnetization per site after every sweep, and the
        kept configurations.
    """
    L = spins.shape[-1]  # pragma: no mutate (the lattice is square: shape[-2] is the same)
    i, j = np.indices((L, L))
    colours = [jnp.asarray((i + j) % 2 == c) for c in (0, 1)]
    # A site's neighbour sum n takes five values, -4, -2, 0, 2, 4: the update's probability
    # is tabulated once per call (for Metropolis also by the site's own spin) and looked up by
    # comparisons, never computed per site (XLA's exp per site costs more than the rest of
    # the sweep together). Probabilities are resolved to 2^-24, as float32 uniforms would be.
    n_values = jnp.arange(-4.0, 5.0, 2.0)
    if heat_bath:  # P(s_i = +1 | neighbours) = sigmoid(2 beta (J n + h))
        table = _thresholds(jax.nn.sigmoid(2.0 * beta * (J * n_values + h)))
    else:  # acceptance of s -> -s: min(1, exp(-beta dE)), dE = 2 s (J n + h), by the sign of s
        up = _thresholds(jnp.minimum(1.0, jnp.exp(-2.0 * beta * (J * n_values + h))))
        down = _thresholds(jnp.minimum(1.0, jnp.exp(2.0 * beta * (J * n_values + h))))

    def lookup(n, values):
        """values[k] where n = 2k - 4 (n an even integer in [-4, 4]), by comparisons."""
        out = values[4]
        for k in (3, 2, 1, 0):
            out = jnp.where(n < 2 * k - 3, values[k], out)
        return out

    def half(s, u, colour):
        n = jnp.roll(s, 1, 0) + jnp.roll(s, -1, 0) + jnp.roll(s, 1, 1) + jnp.roll(s, -1, 1)
        if heat_bath:
            new = jnp.where(u < lookup(n, table), 1, -1).astype(s.dtype)
        else:
            is_up = s > 0
            threshold = lookup(n, [jnp.where(is_up, up[k], down[k]) for k in range(5)])
            new = jnp.where(u < threshold, -s, s)
        return jnp.where(colour, new, s)

    def sweep(s, k):
        # one 24-bit uniform integer per site: each site updates once per sweep
        u = (jax.random.bits(k, (L, L), jnp.uint32) >> 8).astype(jnp.int32)
        s = half(s, u, colours[0])
        return half(s, u, colours[1])

    return _sweeps(sweep, key, spins, n_sweeps, record, J, h, jnp.int8)


def cluster_labels(bond_right, bond_down, jumps: int = 3):  # pragma: no mutate (speed)
    """Connected components of the frozen bonds of one L x L torus (pure, unchecked).

    Hooking with pointer jumping (as in Shiloach and Vishkin's parallel algorithm): every
    site holds a pointer to a site of its cluster, at first itself; in each round, for every
    frozen bond the larger of its two ends' pointers is hooked onto the smaller (a scatter-min),
    and then every pointer is replaced by its target's ``jumps`` times; until nothing changes.
    Pointers only decrease and never leave their cluster, so the fixed point gives every site
    of a cluster the same label. A few rounds suffice at any temperature (5 or 6 at T_C for
    L = 32 to 64), where propagating labels one site per step would need as many steps as the
    longest path through a cluster.

    Parameters
    ----------
    bond_right : jax.Array
        Shape ``(L, L)``, bool: the bond from each site to its right neighbour is frozen.
    bond_down : jax.Array
        Shape ``(L, L)``, bool: the bond from each site to the neighbour below is frozen.
    jumps : int, optional
        Pointer jumps per round (>= 1, static: more change the speed, not the result; with
        none the pointers would stop short of their roots); default 3.

    Returns
    -------
    jax.Array
        Shape ``(L, L)``, int32: each site's cluster label, the flat index of a site of its
        cluster (the same for every site of a cluster, different between clusters).
    """
    L = bond_right.shape[-1]  # pragma: no mutate (square: shape[-2] is the same)
    n = L * L
    site = jnp.arange(n, dtype=jnp.int32).reshape(L, L)
    a = jnp.concatenate([site.ravel(), site.ravel()])
    b = jnp.concatenate([jnp.roll(site, -1, axis=1).ravel(), jnp.roll(site, -1, axis=0).ravel()])
    frozen = jnp.concatenate([bond_right.ravel(), bond_down.ravel()])

    def changed(state):
        return state[1]

    def round_(state):
        p = state[0]
        pa, pb = p[a], p[b]
        hi = jnp.where(frozen, jnp.maximum(pa, pb), n)  # n: out of range, dropped
        q = p.at[hi].min(jnp.minimum(pa, pb), mode="drop")
        for _ in range(jumps):
            q = q[q]
        return q, jnp.any(q != p)

    p, _ = jax.lax.while_loop(changed, round_, (site.ravel(), jnp.array(True)))
    return p.reshape(L, L)


def swendsen_wang_kernel(key, spins, beta, J, n_sweeps: int, record: int = 0):
    """Swendsen-Wang cluster updates of one lattice at zero field (pure, unchecked).

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key.
    spins : jax.Array
        Shape ``(L, L)``, +1 or -1.
    beta : float or jax.Array
        The inverse temperature 1 / T.
    J : float or jax.Array
        The coupling (either sign: the bonds it satisfies are the ones frozen).
    n_sweeps : int
        Cluster updates, static.
    record : int, optional
        Configurations to keep, one every ``n_sweeps // record`` updates (a divisor of
        n_sweeps; static); default 0.

    Returns
    -------
    Series
        The final spins, the energy and magnetization per site after every update, and the
        kept configurations.
    """
    L = spins.shape[-1]  # pragma: no mutate (the lattice is square: shape[-2] is the same)
    p_freeze = -jnp.expm1(-2.0 * beta * jnp.abs(J))

    def sweep(s, k):
        k_r, k_d, k_f = jax.random.split(k, 3)
        sat_r = J * s * jnp.roll(s, -1, axis=1) > 0
        sat_d = J * s * jnp.roll(s, -1, axis=0) > 0
        b_r = sat_r & (jax.random.uniform(k_r, (L, L)) < p_freeze)
        b_d = sat_d & (jax.random.uniform(k_d, (L, L)) < p_freeze)
        lab = cluster_labels(b_r, b_d)
        flip = jax.random.bernoulli(k_f, 0.5, (L * L,))[lab]
        return jnp.where(flip, -s, s)

    return _sweeps(sweep, key, spins, n_sweeps, record, J, 0.0, jnp.float32)


# --------------------------------------------------------------------------------------------
# validated public functions
# --------------------------------------------------------------------------------------------


_check_positive_int = _validate.positive_int


def _check_finite(name, value):
    v = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return v


def _as_spins(spins, *, even: bool) -> np.ndarray:
    s = np.asarray(spins)
    if s.ndim < 2:
        raise ValueError(f"spins must have shape (..., L, L), got shape {s.shape}")
    if s.shape[-1] != s.shape[-2]:
        raise ValueError(f"the lattice must be square (L x L), got {s.shape[-2]} x {s.shape[-1]}")
    L = s.shape[-1]  # pragma: no mutate (the lattice is square: shape[-2] is the same)
    if L < 2:
        raise ValueError(f"the lattice side L must be >= 2, got {L}")
    if even and L % 2:
        raise ValueError(f"the checkerboard needs an even lattice side L >= 2, got L = {L}")
    bad = s[(s != 1) & (s != -1)]
    if bad.size:
        raise ValueError(f"spins must be +1 or -1, got {bad.ravel()[0].item()!r}")
    return s.astype(np.int8)


def _as_beta(T, batch_shape) -> np.ndarray:
    t = _check_finite("T", T)
    if np.any(t <= 0):
        raise ValueError(f"the temperature T must be > 0 (in units of J / k_B), got {T!r}")
    try:
        return np.broadcast_to(1.0 / t, batch_shape).astype(np.float32)
    except ValueError:
        raise ValueError(
            f"T of shape {t.shape} does not broadcast to the spins' batch shape {batch_shape}"
        ) from None


def random_spins(key: jax.Array, L: int, batch_shape: tuple[int, ...] = ()) -> jax.Array:
    """Independent uniformly random spins (an infinite-temperature start).

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key.
    L : int
        Lattice side (>= 2).
    batch_shape : tuple of int, optional
        Leading axes of independent lattices; default none.

    Returns
    -------
    jax.Array
        Shape ``batch_shape + (L, L)``, int8, +1 or -1.
    """
    _check_positive_int("L", L)
    if L < 2:
        raise ValueError(f"the lattice side L must be >= 2, got {L}")
    return jnp.where(jax.random.bernoulli(key, 0.5, (*batch_shape, L, L)), 1, -1).astype(jnp.int8)


@partial(jax.jit, static_argnames=("n_sweeps", "heat_bath", "record"))
def _checkerboard_batched(keys, s, beta, J, h, n_sweeps, heat_bath, record):
    f = partial(checkerboard_kernel, n_sweeps=n_sweeps, heat_bath=heat_bath, record=record)
    return jax.vmap(f, in_axes=(0, 0, 0, None, None))(keys, s, beta, J, h)


@partial(jax.jit, static_argnames=("n_sweeps", "record"))
def _swendsen_wang_batched(keys, s, beta, J, n_sweeps, record):
    f = partial(swendsen_wang_kernel, n_sweeps=n_sweeps, record=record)
    return jax.vmap(f, in_axes=(0, 0, 0, None))(keys, s, beta, J)


def _check_record(record, n_sweeps):
    if isinstance(record, bool) or not isinstance(record, int | np.integer) or record < 0:
        raise ValueError(f"record must be an integer >= 0, got {record!r}")
    if record and n_sweeps % record:
        raise ValueError(
            f"record must divide n_sweeps (one snapshot every n_sweeps // record sweeps), "
            f"got record = {record}, n_sweeps = {n_sweeps}"
        )


def _run(batched, key, s, beta, *args, **kw):
    batch = s.shape[:-2]
    L = s.shape[-1]  # pragma: no mutate (the lattice is square: shape[-2] is the same)
    n = int(np.prod(batch))
    keys = jax.random.split(key, n)
    out = batched(keys, jnp.asarray(s.reshape(n, L, L)), jnp.asarray(beta.reshape(n)), *args, **kw)
    return Series(*(x.reshape(*batch, *x.shape[1:]) for x in out))


def checkerboard(
    key: jax.Array,
    spins,
    T,
    *,
    n_sweeps: int,
    J: float = 1.0,
    h: float = 0.0,
    heat_bath: bool = False,
    record: int = 0,
) -> Series:
    """Checkerboard Metropolis (or heat-bath) sweeps of a batch of lattices.

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key; lattice ``i`` of the flattened batch uses
        ``jax.random.split(key, n)[i]``.
    spins : array_like
        Shape ``(..., L, L)``, +1 or -1, L even (>= 2); leading axes are independent lattices.
    T : float or array_like
        Temperature(s) (> 0), in units of J / k_B when ``J = 1``; broadcast to the batch shape.
    n_sweeps : int
        Sweeps (>= 1); each updates every site once, the two sublattices in turn.
    J : float, optional
        The coupling (finite; negative: antiferromagnetic); default 1.
    h : float, optional
        The field (finite); default 0.
    heat_bath : bool, optional
        Heat-bath acceptance (each updated spin drawn from its conditional distribution)
        instead of Metropolis; default False.
    record : int, optional
        Configurations to keep (>= 0, a divisor of n_sweeps), one every
        ``n_sweeps // record`` sweeps; the trajectory does not depend on it; default 0.

    Returns
    -------
    Series
        The final spins, the energy and magnetization per site after every sweep, and the
        kept configurations.

    Raises
    ------
    ValueError
        If the spins are not a square lattice of +1 and -1 with an even side, a temperature is
        not positive and finite, J or h is not finite, n_sweeps < 1, or record does not
        divide n_sweeps.
    """
    s = _as_spins(spins, even=True)
    _check_positive_int("n_sweeps", n_sweeps)
    _check_record(record, n_sweeps)
    _check_finite("J", J)
    _check_finite("h", h)
    beta = _as_beta(T, s.shape[:-2])
    return _run(
        _checkerboard_batched, key, s, beta, float(J), float(h), n_sweeps, bool(heat_bath), record
    )


def swendsen_wang(
    key: jax.Array, spins, T, *, n_sweeps: int, J: float = 1.0, record: int = 0
) -> Series:
    """Swendsen-Wang cluster updates of a batch of lattices at zero field.

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key; lattice ``i`` of the flattened batch uses
        ``jax.random.split(key, n)[i]``.
    spins : array_like
        Shape ``(..., L, L)``, +1 or -1, L >= 2; leading axes are independent lattices.
    T : float or array_like
        Temperature(s) (> 0), in units of J / k_B when ``J = 1``; broadcast to the batch shape.
    n_sweeps : int
        Cluster updates (>= 1).
    J : float, optional
        The coupling (finite, not 0); default 1.
    record : int, optional
        Configurations to keep (>= 0, a divisor of n_sweeps), one every
        ``n_sweeps // record`` updates; the trajectory does not depend on it; default 0.

    Returns
    -------
    Series
        The final spins, the energy and magnetization per site after every update, and the
        kept configurations.

    Raises
    ------
    ValueError
        If the spins are not a square lattice of +1 and -1, a temperature is not positive and
        finite, J is 0 or not finite, n_sweeps < 1, or record does not divide n_sweeps.
    """
    s = _as_spins(spins, even=False)
    _check_positive_int("n_sweeps", n_sweeps)
    _check_record(record, n_sweeps)
    _check_finite("J", J)
    if J == 0:
        raise ValueError("J must not be 0 for the cluster update (no bond would freeze)")
    beta = _as_beta(T, s.shape[:-2])
    return _run(_swendsen_wang_batched, key, s, beta, float(J), n_sweeps, record)


# --------------------------------------------------------------------------------------------
# exact results
# --------------------------------------------------------------------------------------------


def _temperatures(T):
    t = _check_finite("T", T)
    if np.any(t <= 0):
        raise ValueError(f"the temperature T must be > 0 (in units of J / k_B), got {T!r}")
    return t


def exact_moments(L: int, T, J: float = 1.0, h: float = 0.0) -> Moments:
    """Equilibrium averages on the L x L torus by enumerating all 2^(L^2) configurations.

    Parameters
    ----------
    L : int
        Lattice side, 2 to 4 (``L^2 <= 20``); the energy is the kernels' (bonds to the right
        and below, so on the 2 x 2 torus each pair of neighbours is joined by two bonds).
    T : float or array_like
        Temperature(s) (> 0), in units of J / k_B when ``J = 1``.
    J : float, optional
        The coupling; default 1.
    h : float, optional
        The field; default 0.

    Returns
    -------
    Moments
        The energy per site, ``<|m|>``, ``<m^2>``, ``<m^4>`` and the specific heat per
        site, each of T's shape.
    """
    _check_positive_int("L", L)
    if not 2 <= L or L * L > ENUMERATION_MAX_SITES:
        raise ValueError(f"exact_moments enumerates 2^(L^2) states: L must be 2 to 4, got {L}")
    _check_finite("J", J)
    _check_finite("h", h)
    t = _temperatures(T)
    n = L * L
    states = np.arange(2**n, dtype=np.int64)
    s = (1 - 2 * ((states[:, None] >> np.arange(n)) & 1)).astype(np.int8).reshape(-1, L, L)
    E = energy_per_site(s, J, h) * n  # total energies, (2^n,)
    m = s.reshape(-1, n).sum(1) / n
    logw = -E[None, :] / t.reshape(-1, 1)
    p = np.exp(logw - logsumexp(logw, axis=1, keepdims=True))
    e1 = p @ E
    var = (p * (E[None, :] - e1[:, None]) ** 2).sum(1)  # not <E^2> - <E>^2: no cancellation
    out = Moments(e1 / n, p @ np.abs(m), p @ m**2, p @ m**4, var / (n * t.reshape(-1) ** 2))
    return Moments(*(x.reshape(t.shape) if t.ndim else float(x[0]) for x in out))


def kaufman_log_partition(L: int, T, J: float = 1.0, M: int | None = None):
    r"""ln Z of the M x L torus at zero field, exactly (Kaufman 1949; Ferdinand and Fisher 1969).

    .. math::
        Z = \tfrac12 (2\sinh 2K)^{ML/2} \sum_{i=1}^4 Z_i, \quad
        Z_{1,2} = \prod_{r=0}^{L-1} 2\cosh, 2\sinh\!\big(\tfrac M2 \gamma_{2r+1}\big), \quad
        Z_{3,4} = \prod_{r=0}^{L-1} 2\cosh, 2\sinh\!\big(\tfrac M2 \gamma_{2r}\big),

    with :math:`K = J/T`, :math:`\cosh\gamma_l = \cosh 2K \coth 2K - \cos(\pi l/L)` for
    :math:`l > 0` and :math:`\gamma_0 = 2K + \ln\tanh K` (negative above T_C).

    Parameters
    ----------
    L : int
        Columns (>= 2).
    T : float or array_like
        Temperature(s) (> 0), in units of J / k_B when ``J = 1``.
    J : float, optional
        The coupling (> 0); default 1.
    M : int, optional
        Rows (>= 2); default L.

    Returns
    -------
    float or numpy.ndarray
        ln Z, of T's shape.
    """
    _check_positive_int("L", L)
    M = L if M is None else M
    _check_positive_int("M", M)
    if L < 2 or M < 2:
        raise ValueError(f"the torus needs L >= 2 and M >= 2, got L = {L}, M = {M}")
    J = float(_check_finite("J", J))
    if J <= 0:
        raise ValueError(f"Kaufman's solution here is for the ferromagnet: J must be > 0, got {J}")
    t = _temperatures(T)
    K = J / t.reshape(-1, 1)
    index = np.arange(2 * L)
    c = np.cosh(2 * K) / np.tanh(2 * K) - np.cos(np.pi * index / L)
    gamma = np.arccosh(np.maximum(c, 1.0))
    gamma[:, 0] = (2 * K + np.log(np.tanh(K)))[:, 0]
    half = 0.5 * M * gamma
    odd, even = half[:, 1::2], half[:, 0::2]

    def log_cosh(x):
        return np.abs(x) + np.log1p(np.exp(-2 * np.abs(x))) - np.log(2.0)

    def log_sinh(x):  # log |sinh x| and its sign
        a = np.abs(x)
        return a + np.log(-np.expm1(-2 * a)) - np.log(2.0), np.sign(x)

    terms, signs = [], []
    for part in (odd, even):
        terms.append((np.log(2.0) + log_cosh(part)).sum(1))
        signs.append(np.ones(len(K)))
        ls, sg = log_sinh(part)
        terms.append((np.log(2.0) + ls).sum(1))
        signs.append(np.prod(sg, axis=1))
    terms, signs = np.stack(terms, 1), np.stack(signs, 1)
    # the signed sum by hand: scipy's logsumexp(b=...) returns nan when the largest terms are
    # equal and of opposite signs (as Z_3 and -Z_4 are at high temperature on large lattices)
    top = terms.max(axis=1, keepdims=True)
    total = (signs * np.exp(terms - top)).sum(axis=1)
    if np.any(total <= 0):  # pragma: no cover (Z > 0: a failure here is a bug)
        raise FloatingPointError("Kaufman's sum came out non-positive")
    log_sum = top[:, 0] + np.log(total)
    out = np.log(0.5) + 0.5 * M * L * np.log(2 * np.sinh(2 * K[:, 0])) + log_sum
    return out.reshape(t.shape) if t.ndim else float(out[0])


def _derivatives_in_beta(L, t, J, M):
    """d ln Z / d beta and d^2 ln Z / d beta^2 by a 5-point stencil in beta."""
    beta = 1.0 / t
    d = 1e-3 * beta
    f = [kaufman_log_partition(L, 1.0 / (beta + k * d), J, M) for k in (-2, -1, 0, 1, 2)]
    d1 = (f[0] - 8 * f[1] + 8 * f[3] - f[4]) / (12 * d)
    d2 = (-f[0] + 16 * f[1] - 30 * f[2] + 16 * f[3] - f[4]) / (12 * d**2)
    return d1, d2


def finite_energy(L: int, T, J: float = 1.0, M: int | None = None):
    r"""The exact energy per site of the M x L torus, from Kaufman's ln Z.

    Parameters
    ----------
    L : int
        Columns (>= 2).
    T : float or array_like
        Temperature(s) (> 0), in units of J / k_B when ``J = 1``.
    J : float, optional
        The coupling (> 0); default 1.
    M : int, optional
        Rows (>= 2); default L.

    Returns
    -------
    float or numpy.ndarray
        :math:`\langle E\rangle / (ML) = -\partial_\beta \ln Z / (ML)`, in units of J.
    """
    t = _temperatures(T)
    d1, _ = _derivatives_in_beta(L, t, J, M)
    return -d1 / (L * (L if M is None else M))


def finite_specific_heat(L: int, T, J: float = 1.0, M: int | None = None):
    r"""The exact specific heat per site of the M x L torus, from Kaufman's ln Z.

    Parameters
    ----------
    L : int
        Columns (>= 2).
    T : float or array_like
        Temperature(s) (> 0), in units of J / k_B when ``J = 1``.
    J : float, optional
        The coupling (> 0); default 1.
    M : int, optional
        Rows (>= 2); default L.

    Returns
    -------
    float or numpy.ndarray
        :math:`\beta^2 \partial^2_\beta \ln Z / (ML)`, in units of :math:`k_B`.
    """
    t = _temperatures(T)
    _, d2 = _derivatives_in_beta(L, t, J, M)
    return d2 / (t**2 * L * (L if M is None else M))


def _onsager_k(t, J):
    K = float(_check_finite("J", J)) / t
    if J <= 0:
        raise ValueError(f"Onsager's solution here is for the ferromagnet: J must be > 0, got {J}")
    return K, 2 * np.sinh(2 * K) / np.cosh(2 * K) ** 2


def onsager_energy(T, J: float = 1.0):
    r"""Onsager's energy per site of the infinite square lattice.

    Parameters
    ----------
    T : float or array_like
        Temperature(s) (> 0), in units of J / k_B when ``J = 1``.
    J : float, optional
        The coupling (> 0); default 1.

    Returns
    -------
    float or numpy.ndarray
        :math:`u = -J\coth 2K\,[1 + \tfrac{2}{\pi}(2\tanh^2 2K - 1) K_1(\kappa)]`, in
        units of J (:math:`-\sqrt2\,J` at T_C).
    """
    t = _temperatures(T)
    K, kappa = _onsager_k(t, J)
    with np.errstate(invalid="ignore"):  # at T_C: 0 x inf, whose limit is 0
        term = (2 * np.tanh(2 * K) ** 2 - 1) * ellipk(kappa**2)
    u = -J / np.tanh(2 * K) * (1 + 2 / np.pi * np.where(kappa < 1, term, 0.0))
    return u if t.ndim else float(u)


def onsager_specific_heat(T, J: float = 1.0):
    r"""Onsager's specific heat per site of the infinite square lattice (log-divergent at T_C).

    Parameters
    ----------
    T : float or array_like
        Temperature(s) (> 0, not T_C), in units of J / k_B when ``J = 1``.
    J : float, optional
        The coupling (> 0); default 1.

    Returns
    -------
    float or numpy.ndarray
        :math:`c = du/dT`, in units of :math:`k_B` (a centred difference of
        :func:`onsager_energy`, accurate to about 1e-6 away from T_C).
    """
    t = _temperatures(T)
    d = 1e-5 * t
    c = (onsager_energy(t + d, J) - onsager_energy(t - d, J)) / (2 * d)
    return c if t.ndim else float(c)


def onsager_magnetization(T, J: float = 1.0):
    r"""The spontaneous magnetization per site of the infinite lattice (Onsager, Yang).

    Parameters
    ----------
    T : float or array_like
        Temperature(s) (> 0), in units of J / k_B when ``J = 1``.
    J : float, optional
        The coupling (> 0); default 1.

    Returns
    -------
    float or numpy.ndarray
        :math:`(1 - \sinh^{-4} 2K)^{1/8}` below T_C, 0 above.
    """
    t = _temperatures(T)
    K, _ = _onsager_k(t, J)
    x = 1 - np.sinh(2 * K) ** -4.0
    m = np.where(x > 0, np.abs(x) ** 0.125, 0.0)
    return m if t.ndim else float(m)
