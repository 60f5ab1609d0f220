r"""The Bak-Tang-Wiesenfeld (BTW) sandpile on an L x L square lattice with open boundaries.

Heights :math:`z_i \in \{0, 1, 2, \dots\}`. A site with :math:`z_i \ge 4` is unstable and
topples: it loses 4 grains and each of its nearest neighbours gains one; grains pushed over the
edge leave the system (the "sink"). An avalanche is the cascade of topplings after one grain is
added to a stable configuration. Per avalanche we record

- ``size``: the total number of topplings,
- ``area``: the number of distinct sites that toppled,
- ``duration``: the number of parallel toppling waves.

Two drives give identical results (tested against each other): ``"waves"`` (the reference)
topples every unstable site at once in each wave, a whole-lattice operation per wave, so an
avalanche costs ``L^2`` times its duration; ``"frontier"`` keeps a queue of the unstable sites
and topples one site per step, so an avalanche costs its size (about ``0.04 L^2`` topplings in
the stationary state against ``L^2`` times a duration that grows with ``L``). By the Abelian
property the final state and the per-site toppling counts do not depend on the order; the
frontier processes its queue wave by wave, so it also counts the same parallel waves.

Everything here is a pure function of explicit arrays and ``jax.random`` keys; the
``*_kernel`` functions are jit- and vmap-able, the public wrappers validate their arguments.

Exact results (Dhar 1990) used to test the kernel: with the toppling matrix
:math:`\Delta = 4I - A` (A the adjacency matrix of the L x L grid), the mean number of
topplings at site i per grain added at site j, in the stationary state, is
:math:`G_{ij} = (\Delta^{-1})_{ij}`; the number of recurrent configurations is
:math:`\det \Delta`.
"""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

EVENTS_PER_ITERATION = 4  # pragma: no mutate (unrolling only: results do not depend on it)
THRESHOLD = 4  # grains at which a site topples; equals the coordination number (conservative)


class Relaxation(NamedTuple):
    """The result of relaxing configurations (leading batch axes as in the input).

    Parameters
    ----------
    heights : jax.Array
        Shape ``(..., L, L)``, int32: the stable configuration, in grains.
    topplings : jax.Array
        Shape ``(..., L, L)``: how often each site toppled.
    size : jax.Array
        Shape ``(...)``: total topplings.
    area : jax.Array
        Shape ``(...)``: distinct sites toppled.
    duration : jax.Array
        Shape ``(...)``: parallel toppling waves.
    """

    heights: jax.Array  # (..., L, L) the stable configuration
    topplings: jax.Array  # (..., L, L) toppling count of each site
    size: jax.Array  # (...,) total topplings
    area: jax.Array  # (...,) distinct sites toppled
    duration: jax.Array  # (...,) parallel waves


class Drive(NamedTuple):
    """The result of adding grains one at a time (leading batch axes as in the input).

    Parameters
    ----------
    heights : jax.Array
        Shape ``(..., L, L)``: the configuration after the last grain.
    size : jax.Array
        Shape ``(..., n_grains)``: topplings of each avalanche.
    area : jax.Array
        Shape ``(..., n_grains)``: distinct sites toppled in each avalanche.
    duration : jax.Array
        Shape ``(..., n_grains)``: parallel waves of each avalanche.
    site : jax.Array
        Shape ``(..., n_grains)``: flat index (``row * L + col``) where each grain was added.
    activity : jax.Array
        Shape ``(..., L, L)``: avalanches in which each site toppled.
    topplings : jax.Array
        Shape ``(..., L, L)``: total topplings of each site over all grains.
    """

    heights: jax.Array  # (..., L, L) configuration after the last grain
    size: jax.Array  # (..., n_grains) topplings of each avalanche
    area: jax.Array  # (..., n_grains) distinct sites toppled in each avalanche
    duration: jax.Array  # (..., n_grains) parallel waves of each avalanche
    site: jax.Array  # (..., n_grains) flat index (row * L + col) where each grain was added
    activity: jax.Array  # (..., L, L) number of avalanches in which each site toppled
    topplings: jax.Array  # (..., L, L) total topplings of each site over all grains


# --------------------------------------------------------------------------------------------
# kernels (no validation; jit- and vmap-able)
# --------------------------------------------------------------------------------------------


def _neighbour_sum(u: jax.Array) -> jax.Array:
    """Sum of the four nearest neighbours with open boundaries (outside counts as 0)."""
    p = jnp.pad(u, 1)
    return p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:]


def relax_kernel(z: jax.Array) -> Relaxation:
    """Relax one configuration by parallel toppling waves (pure, unchecked; jit- and vmap-able).

    Parameters
    ----------
    z : jax.Array
        Shape ``(L, L)``, int32, heights >= 0 in grains.

    Returns
    -------
    Relaxation
        The stable configuration and the avalanche's statistics.
    """

    def cond(state):
        return jnp.any(state[0] >= THRESHOLD)

    def wave(state):
        z, counts, waves = state
        u = (z >= THRESHOLD).astype(z.dtype)
        return z - THRESHOLD * u + _neighbour_sum(u), counts + u, waves + 1

    init = (z, jnp.zeros_like(z), jnp.zeros((), z.dtype))
    z, counts, waves = jax.lax.while_loop(cond, wave, init)
    return Relaxation(z, counts, counts.sum(), (counts > 0).sum(dtype=z.dtype), waves)


def drive_kernel(z: jax.Array, sites: jax.Array) -> Drive:
    """Add one grain at each of ``sites`` in order, relaxing after each (pure, unchecked).

    One ``while_loop`` runs over events: an event performs a toppling wave on an unstable
    lattice, or adds the next grain to a stable one. Each lattice of the batch goes on to its
    next grain as soon as its avalanche ends instead of waiting for the longest avalanche of the
    batch, so a batch costs about (mean duration + 1) x n_grains events. The event is vmapped
    inside the loop (not the loop over the batch), and an event on a finished lattice is a
    no-op, so the loop needs no per-lattice masking of its state.

    Parameters
    ----------
    z : jax.Array
        Shape ``(B, L, L)``, int32: stable heights of ``B`` independent lattices.
    sites : jax.Array
        Shape ``(B, n_grains)``, int32: flat indices ``row * L + col`` of the grains.

    Returns
    -------
    Drive
        Batch shape ``(B,)``.
    """
    L = z.shape[-1]  # pragma: no mutate (the lattice is square: shape[-2] is the same)
    n = sites.shape[-1]  # pragma: no mutate (sites is (B, n): shape[1] is the same)
    dt = z.dtype

    def event(s, sites):
        u = s["z"] >= THRESHOLD
        n_unstable = u.sum(dtype=dt)
        stable = n_unstable == 0
        # a toppling wave (a no-op on a stable lattice)
        u8 = u.astype(jnp.int8)
        z = s["z"] - THRESHOLD * u8 + _neighbour_sum(u8)
        first = u & ~s["visited"]  # sites toppling for the first time in this avalanche
        size = s["size"] + n_unstable
        area = s["area"] + first.sum(dtype=dt)
        duration = s["duration"] + (~stable).astype(dt)
        # the running totals only grow, so writing them at the current grain's slot on every
        # event leaves the avalanche's final values there
        i = jnp.maximum(s["g"] - 1, 0)
        out = s["out"].at[:, i].set(jnp.stack([size, area, duration]))
        # a stable lattice takes its next grain and starts a new avalanche
        add = stable & (s["g"] < n)
        # (past the last grain the site is not used: add is False)
        site = sites[jnp.minimum(s["g"], n - 1)]  # pragma: no mutate (JAX clamps the index)
        z = z.at[site // L, site % L].add(add.astype(jnp.int8))
        keep = (~add).astype(dt)
        return dict(
            z=z,
            g=s["g"] + add.astype(jnp.int32),
            visited=(s["visited"] | u) & ~add,
            size=size * keep,
            area=area * keep,
            duration=duration * keep,
            activity=s["activity"] + first.astype(dt),
            topplings=s["topplings"] + u.astype(dt),
            out=out,
        )

    def events(s):
        # several events per iteration amortise the loop's overhead (safe: see above)
        for _ in range(EVENTS_PER_ITERATION):
            s = jax.vmap(event)(s, sites)
        return s

    def running(s):
        return jnp.any(s["g"] < n) | jnp.any(s["z"] >= THRESHOLD)

    B = z.shape[0]
    init = dict(
        z=z.astype(jnp.int8),  # heights stay below 8 while relaxing: int8 cuts memory traffic
        g=jnp.zeros((B,), jnp.int32),
        visited=jnp.zeros(z.shape, bool),
        size=jnp.zeros((B,), dt),
        area=jnp.zeros((B,), dt),
        duration=jnp.zeros((B,), dt),
        activity=jnp.zeros_like(z),
        topplings=jnp.zeros_like(z),
        out=jnp.zeros((B, 3, n), dt),
    )
    s = jax.lax.while_loop(running, events, init)
    # (not out[:, 0], out[:, 1], out[:, 2]: JAX clamps an index past the end, so a wrong index
    # there would silently repeat the durations)
    size, area, duration = s["out"].transpose(1, 0, 2)
    return Drive(s["z"].astype(dt), size, area, duration, sites, s["activity"], s["topplings"])


# the per-site channels of the frontier kernel's state: one array, so that each event reads the
# sites it touches with one gather and writes them with one scatter (XLA then updates it in place;
# several scatters into one array, or a scatter whose values were gathered from the array it
# overwrites after another scatter, make it copy the whole array on every event)
_Z, _VISITED, _ACTIVITY, _TOPPLINGS = range(4)


def _neighbour_table(L: int) -> np.ndarray:
    """Flat indices of each site's four neighbours, ``L * L`` (the sink) off the lattice."""
    idx = np.arange(L * L).reshape(L, L)
    nb = np.full((L, L, 4), L * L, np.int32)
    nb[1:, :, 0] = idx[:-1, :]
    nb[:-1, :, 1] = idx[1:, :]
    nb[:, 1:, 2] = idx[:, :-1]
    nb[:, :-1, 3] = idx[:, 1:]
    return nb.reshape(L * L, 4)


def drive_frontier_kernel(z: jax.Array, sites: jax.Array) -> Drive:
    """:func:`drive_kernel`'s results at a cost proportional to the topplings (pure, unchecked).

    Each lattice keeps a FIFO queue of the sites due to topple. An event either topples the
    site at the queue's head once (it loses 4 grains, each neighbour gains one and is queued
    when its height reaches exactly 4) or, on an empty queue, adds the next grain. The queue
    holds one parallel wave after the other, and the kernel counts them, because the square
    lattice is bipartite: from a stable start and one grain, the sites unstable at the start of
    wave ``t`` received their grains in wave ``t - 1`` (a site toppling in a wave ends it with
    at most 3 grains plus what its neighbours gave in that wave), so by induction they all have
    the parity of ``row + col + t`` of the grain's site. Hence no two neighbours topple in the
    same wave, a site toppling in wave ``t`` receives nothing during it, and a site's height
    rises through 4 at most once per wave: it is queued once, in the order of the wave it joins.
    The queue then holds the rest of one wave and the start of the next, sites of opposite
    parities, at most ``L^2`` in all. The grain's number tags the sites toppled in the current
    avalanche, so no array is cleared between avalanches and an avalanche costs its topplings.

    Parameters
    ----------
    z : jax.Array
        Shape ``(B, L, L)``, int32: stable heights of ``B`` independent lattices.
    sites : jax.Array
        Shape ``(B, n_grains)``, int32: flat indices ``row * L + col`` of the grains.

    Returns
    -------
    Drive
        Batch shape ``(B,)``; equal to :func:`drive_kernel`'s.
    """
    B, L = z.shape[0], z.shape[-1]
    n = sites.shape[-1]  # pragma: no mutate (sites is (B, n): shape[1] is the same)
    N = L * L
    sink = cap = N  # the sink's cell and the queue's dummy slot absorb the masked writes
    nbr = jnp.asarray(_neighbour_table(L))
    dt = jnp.int32

    def event(s, sites):
        busy = s["head"] < s["tail"]
        b = busy.astype(dt)
        new_wave = busy & (s["head"] == s["wave_end"])
        wave_end = jnp.where(new_wave, s["tail"], s["wave_end"])
        i = jnp.where(busy, s["queue"][s["head"] % cap], sink)  # the site that topples
        nb = jnp.where(busy, nbr[jnp.minimum(i, N - 1)], sink)
        on = nb != sink
        add = ~busy & (s["g"] < n)  # an empty queue takes the next grain
        x = jnp.where(add, sites[jnp.minimum(s["g"], n - 1)], sink)
        touched = jnp.concatenate([i[None], nb, x[None]])  # distinct, apart from the sink
        cells = s["cells"][touched]
        z_nb = cells[1:5, _Z] + on.astype(dt)
        push = on & (z_nb == THRESHOLD)
        pushed = push.astype(dt)
        tail = s["tail"] + pushed.sum(dtype=dt)  # (not the default int: int64 under x64)
        first = busy & (cells[0, _VISITED] != s["g"])  # i's first toppling in this avalanche
        starts = add & (cells[5, _Z] + 1 == THRESHOLD)  # the grain makes its site unstable
        c_i = (
            cells[0]
            .at[_Z]
            .add(-THRESHOLD * b)
            .at[_VISITED]
            .set(s["g"])
            .at[_ACTIVITY]
            .add(first.astype(dt))
            .at[_TOPPLINGS]
            .add(b)
        )
        c_nb = cells[1:5].at[:, _Z].set(z_nb)
        c_x = cells[5].at[_Z].add(add.astype(dt))
        slots = jnp.concatenate(
            [
                jnp.where(push, (s["tail"] + jnp.cumsum(pushed, dtype=dt) - pushed) % cap, cap),
                jnp.where(starts, tail % cap, cap)[None],
            ]
        )
        size = s["size"] + b
        area = s["area"] + first.astype(dt)
        duration = s["duration"] + new_wave.astype(dt)
        # the running totals only grow, so writing them at the current grain's slot on every
        # event leaves the avalanche's final values there
        slot = jnp.maximum(s["g"] - 1, 0)
        keep = (~add).astype(dt)
        return dict(
            cells=s["cells"].at[touched].set(jnp.concatenate([c_i[None], c_nb, c_x[None]])),
            queue=s["queue"].at[slots].set(jnp.concatenate([nb, x[None]])),
            head=s["head"] + b,
            tail=tail + starts.astype(dt),
            wave_end=wave_end,
            g=s["g"] + add.astype(dt),
            size=size * keep,
            area=area * keep,
            duration=duration * keep,
            out=s["out"].at[:, slot].set(jnp.stack([size, area, duration])),
        )

    def events(s):
        for _ in range(EVENTS_PER_ITERATION):
            s = jax.vmap(event)(s, sites)
        return s

    def running(s):
        return jnp.any(s["g"] < n) | jnp.any(s["head"] < s["tail"])

    zero = jnp.zeros((B,), dt)
    cells = jnp.zeros((B, N + 1, 4), dt).at[:, :, _VISITED].set(-1)
    cells = cells.at[:, :N, _Z].set(z.reshape(B, N).astype(dt))
    init = dict(
        cells=cells,
        queue=jnp.zeros((B, cap + 1), dt),
        head=zero,
        tail=zero,
        wave_end=zero,
        g=zero,
        size=zero,
        area=zero,
        duration=zero,
        out=jnp.zeros((B, 3, n), dt),
    )
    s = jax.lax.while_loop(running, events, init)
    size, area, duration = s["out"].transpose(1, 0, 2)
    c = s["cells"][:, :N].reshape(B, L, L, 4)
    out_dt = z.dtype
    return Drive(
        c[..., _Z].astype(out_dt),
        size.astype(out_dt),
        area.astype(out_dt),
        duration.astype(out_dt),
        sites,
        c[..., _ACTIVITY].astype(out_dt),
        c[..., _TOPPLINGS].astype(out_dt),
    )


# --------------------------------------------------------------------------------------------
# validated public functions
# --------------------------------------------------------------------------------------------


def _as_heights(heights, *, stable: bool) -> jax.Array:
    h = np.asarray(heights)
    if h.ndim < 2:
        raise ValueError(f"heights must have shape (..., L, L), got shape {h.shape}")
    if h.shape[-1] != h.shape[-2]:
        raise ValueError(f"the lattice must be square (L x L), got {h.shape[-2]} x {h.shape[-1]}")
    L = h.shape[-1]  # pragma: no mutate (the lattice is square: shape[-2] is the same)
    if L < 1:
        raise ValueError(f"the lattice side L must be >= 1, got {L}")
    if not (np.issubdtype(h.dtype, np.integer) or np.all(h == np.round(h))):
        raise ValueError("heights must be integers (numbers of grains)")
    if h.size and h.min() < 0:
        raise ValueError(f"heights must be >= 0 (numbers of grains), got a minimum of {h.min()}")
    if stable and h.size and h.max() >= THRESHOLD:
        raise ValueError(
            f"heights must be stable (0..{THRESHOLD - 1}) before driving, got a maximum of "
            f"{h.max()}; relax them first"
        )
    return jnp.asarray(h, dtype=jnp.int32)


def _batched(kernel, batch_ndim: int):
    f = kernel
    for _ in range(batch_ndim):
        f = jax.vmap(f)
    return f


@partial(jax.jit, static_argnums=1)
def _relax_batched(z, batch_ndim):
    return _batched(relax_kernel, batch_ndim)(z)


DRIVES = {"waves": drive_kernel, "frontier": drive_frontier_kernel}


@partial(jax.jit, static_argnames="method")
def _drive_batched(z, sites, method):
    batch = z.shape[:-2]
    L = z.shape[-1]  # pragma: no mutate (the lattice is square: shape[-2] is the same)
    n = sites.shape[-1]
    d = DRIVES[method](z.reshape(-1, L, L), sites.reshape(-1, n))
    return Drive(*(x.reshape(*batch, *x.shape[1:]) for x in d))


def relax(heights) -> Relaxation:
    """Relax configurations by toppling until every site is stable.

    Parameters
    ----------
    heights : array_like
        Shape ``(..., L, L)``: non-negative integer heights, in grains; leading axes are
        independent lattices (vmapped).

    Returns
    -------
    Relaxation
        The stable heights, each site's topplings, and the avalanche's size, area and duration.

    Raises
    ------
    ValueError
        If the heights are not a square lattice of non-negative integers.
    """
    z = _as_heights(heights, stable=False)
    return _relax_batched(z, z.ndim - 2)


def random_sites(key: jax.Array, L: int, n_grains: int, batch_shape: tuple[int, ...] = ()):
    """Uniformly random drop sites.

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key.
    L : int
        Lattice side (>= 1).
    n_grains : int
        Grains per lattice (>= 1).
    batch_shape : tuple of int, optional
        Leading axes of independent lattices; default none.

    Returns
    -------
    jax.Array
        Shape ``batch_shape + (n_grains,)``, int32 flat indices in ``[0, L^2)``.
    """
    _check_positive_int("L", L)
    _check_positive_int("n_grains", n_grains)
    return jax.random.randint(key, (*batch_shape, n_grains), 0, L * L, dtype=jnp.int32)


def drive(
    key: jax.Array | None,
    heights,
    n_grains: int | None = None,
    sites=None,
    *,
    method: str = "frontier",
) -> Drive:
    """Add grains one at a time to stable configurations, relaxing after each.

    Parameters
    ----------
    key : jax.Array or None
        The ``jax.random`` key of the drop sites (None when ``sites`` is given).
    heights : array_like
        Shape ``(..., L, L)``: stable heights (0 to 3), in grains.
    n_grains : int, optional
        Grains per lattice, on uniformly random sites drawn from ``key``.
    sites : array_like, optional
        Shape ``(..., n_grains)``: explicit flat drop indices ``row * L + col``.
    method : str, optional
        ``"frontier"`` (default; a queue of unstable sites, :func:`drive_frontier_kernel`, whose
        cost grows with the topplings rather than with ``L^2`` per wave) or ``"waves"``
        (whole-lattice toppling waves, :func:`drive_kernel`, the reference). The results are
        identical; on this project's 2-core CPU the frontier was 1.2-2.7x faster at L = 16..128
        (``benchmarks/bench_sandpile.py``).

    Returns
    -------
    Drive
        The final heights, each avalanche's size, area, duration and site, and each site's
        activity (avalanches in which it toppled) and total topplings.

    Raises
    ------
    ValueError
        If the heights are not stable, neither ``key`` with ``n_grains`` nor ``sites`` is given,
        or ``sites`` is out of range or mis-shaped, or ``method`` is unknown.
    """
    if method not in DRIVES:
        raise ValueError(f"method must be one of {sorted(DRIVES)}, got {method!r}")
    z = _as_heights(heights, stable=True)
    L = z.shape[-1]  # pragma: no mutate (the lattice is square: shape[-2] is the same)
    batch = z.shape[:-2]
    if sites is None:
        if key is None or n_grains is None:
            raise ValueError("give key and n_grains, or explicit sites")
        sites = random_sites(key, L, n_grains, batch)
    else:
        sites = np.asarray(sites)
        if not np.issubdtype(sites.dtype, np.integer):
            raise ValueError(f"sites must be integer flat indices, got dtype {sites.dtype}")
        if sites.size and (sites.min() < 0 or sites.max() >= L * L):
            raise ValueError(
                f"sites must lie in [0, {L * L - 1}] for L = {L}, got [{sites.min()}, {sites.max()}]"
            )
        if sites.shape[:-1] != batch or sites.ndim < 1 or sites.shape[-1] < 1:
            raise ValueError(
                f"sites must have shape {(*batch, 'n_grains')} to match heights, got {sites.shape}"
            )
        sites = jnp.asarray(sites, dtype=jnp.int32)
    return _drive_batched(z, sites, method=method)


def random_stable(key: jax.Array, L: int, batch_shape: tuple[int, ...] = ()) -> jax.Array:
    """Independent uniform stable heights (stable, generally not recurrent).

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key.
    L : int
        Lattice side (>= 1).
    batch_shape : tuple of int, optional
        Leading axes of independent lattices.

    Returns
    -------
    jax.Array
        Shape ``batch_shape + (L, L)``, int32 heights in 0..3.
    """
    _check_positive_int("L", L)
    return jax.random.randint(key, (*batch_shape, L, L), 0, THRESHOLD, dtype=jnp.int32)


def is_recurrent(heights) -> jax.Array:
    """Dhar's burning test of recurrence.

    A stable configuration is recurrent if and only if adding one grain per edge to the sink
    (1 on edges, 2 on corners) makes every site topple exactly once.

    Parameters
    ----------
    heights : array_like
        Shape ``(..., L, L)``: stable heights.

    Returns
    -------
    jax.Array
        Shape ``(...)``, bool.
    """
    z = _as_heights(heights, stable=True)
    L = z.shape[-1]  # pragma: no mutate (the lattice is square: shape[-2] is the same)
    boundary = np.zeros((L, L), np.int32)
    boundary[0, :] += 1
    boundary[-1, :] += 1
    boundary[:, 0] += 1
    boundary[:, -1] += 1
    r = _relax_batched(z + boundary, z.ndim - 2)
    return jnp.all(r.topplings == 1, axis=(-2, -1))


# --------------------------------------------------------------------------------------------
# exact results (NumPy, float64)
# --------------------------------------------------------------------------------------------


def _check_positive_int(name: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")


def toppling_matrix(L: int) -> np.ndarray:
    """The toppling matrix ``Delta = 4 I - A`` of the open ``L x L`` lattice.

    Parameters
    ----------
    L : int
        Lattice side (>= 1).

    Returns
    -------
    numpy.ndarray
        Shape ``(L^2, L^2)``, float64; flat index ``row * L + col``.
    """
    _check_positive_int("L", L)
    a1 = np.eye(L, k=1) + np.eye(L, k=-1)
    eye = np.eye(L)
    return THRESHOLD * np.eye(L * L) - np.kron(a1, eye) - np.kron(eye, a1)


def _sine_modes(L: int):
    x = np.arange(1, L + 1)
    k = np.pi * x / (L + 1)
    S = np.sqrt(2.0 / (L + 1)) * np.sin(np.outer(x, k))  # orthogonal, symmetric
    lam = 4.0 - 2.0 * np.cos(k)[:, None] - 2.0 * np.cos(k)[None, :]
    return S, lam


def green_function(L: int) -> np.ndarray:
    """The lattice Green function ``G = Delta^-1``.

    ``G[i, j]`` is the mean number of topplings at site ``i`` per grain added at site ``j`` in
    the stationary state (Dhar's theorem).

    Parameters
    ----------
    L : int
        Lattice side, 1 to 64 (the matrix is dense).

    Returns
    -------
    numpy.ndarray
        Shape ``(L^2, L^2)``, float64; flat index ``row * L + col``.
    """
    _check_positive_int("L", L)
    if L > 64:
        raise ValueError(f"green_function builds a dense (L^2, L^2) matrix; L must be <= 64, got {L}")
    S, lam = _sine_modes(L)
    V = np.kron(S, S)
    return (V / lam.ravel()) @ V.T


def mean_topplings_per_grain(L: int) -> np.ndarray:
    """Exact mean topplings of each site per grain dropped uniformly at random.

    ``(1/L^2) sum_j G_ij``, computed in O(L^3) with the lattice's sine modes (any L).

    Parameters
    ----------
    L : int
        Lattice side (>= 1).

    Returns
    -------
    numpy.ndarray
        Shape ``(L, L)``, float64.
    """
    _check_positive_int("L", L)
    S, lam = _sine_modes(L)
    ones = np.ones((L, L))
    return S @ ((S @ ones @ S) / lam) @ S / (L * L)


def mean_avalanche_size(L: int) -> float:
    """The exact mean avalanche size (topplings per grain) for uniformly random drops.

    Parameters
    ----------
    L : int
        Lattice side (>= 1).

    Returns
    -------
    float
        The mean of ``size`` over grains in the stationary state.
    """
    return float(mean_topplings_per_grain(L).sum())
