"""Overdamped Langevin dynamics in a time-dependent potential, with stochastic energetics.

The state ``x`` (any array shape) of each trajectory obeys

    gamma dx = [-grad U(x, t) + f(x, t)] dt + sqrt(2 gamma kT) dW,

with a potential ``U(x, t, params)`` given as a JAX function of one trajectory's state, an
optional non-conservative force ``f(x, t, params)``, friction ``gamma`` (a scalar, or an array
broadcastable to the state for per-coordinate mobilities) and bath temperature ``kT``.

:func:`simulate(key, potential, x0, ...) <simulate>` validates its arguments and calls the pure,
jit-compiled :func:`simulate_kernel`. Along each trajectory it accumulates Sekimoto's
stochastic energetics:

- the **work** done on the system, ``W = int dU/dt dt + int f o dx`` (the potential changing in
  time at the particle's position, plus the work of the non-conservative force);
- the **heat** released into the bath, ``Q = int (-grad U + f) o dx``, a Stratonovich integral:
  along each step's straight segment, at the step's mid-time, by two-point Gauss-Legendre
  quadrature (exact for forces up to cubic in ``x``, error O(dx^5) per step otherwise; the plain
  midpoint rule's O(dx^3) error adds up to several kT over long stiff runs). The Ito
  (left-point) rule adds a spurious ``kT U''`` per unit time and breaks the first law;
- the energy change ``dE = U(x_T, T) - U(x_0, 0)``.

The first law ``W = Q + dE`` then holds per trajectory up to the scheme's discretization error,
which vanishes as ``dt -> 0``; it is not built in, so it is a check of the energetics.

Integrators (``method``):

- ``"euler"``: Euler-Maruyama, weak order 1;
- ``"heun"``: the stochastic Heun predictor-corrector, two force evaluations per step and weak
  order 2 for additive noise (the case here). For the same accuracy in averages it allows a much
  larger time step, which is why it is the default.

Trajectories are vmapped over the leading axis of ``x0``; time steps run in ``lax.scan`` with
the Gaussian noise drawn in blocks of steps (one large draw is several times faster than one per
step on a CPU); the whole simulation is jit-compiled once per potential, shape and step count.
Define the potential once (at module level), not as a fresh lambda per call, or every call
recompiles.

Also here: the Boltzmann density and free energy of a 1D potential by quadrature, and exact
sampling from it (an equilibrium initial condition that no finite Langevin run can give when
barriers are high).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

METHODS = ("euler", "heun")
_GAUSS = 0.5 / math.sqrt(3.0)  # two-point Gauss-Legendre nodes at the segment's centre +- this
# noise for at most this many numbers is drawn at once (4 MB in float32: it stays in cache;
# measured on a 2-core CPU, 2^20 was fastest among 2^17 .. 2^22)
# (memory per draw only: another size draws other, equally distributed noise)
_NOISE_BLOCK_ELEMENTS = 1 << 20  # pragma: no mutate


class Trajectories(NamedTuple):
    """What :func:`simulate` returns; ``R = n_steps // record_every`` records after the start.

    Energies are in the units of ``kT``, times in the units of ``dt``.

    Parameters
    ----------
    times : jax.Array
        Shape ``(R + 1,)``: the recorded times.
    x : jax.Array
        Shape ``(R + 1, n, *state)``: positions at the recorded times (``x[0] = x0``).
    work : jax.Array
        Shape ``(R + 1, n)``: cumulative work done on the system (Sekimoto).
    heat : jax.Array
        Shape ``(R + 1, n)``: cumulative heat released into the bath.
    energy : jax.Array
        Shape ``(R + 1, n)``: the potential energy ``U(x(t), t)``.
    """

    times: jax.Array
    x: jax.Array
    work: jax.Array
    heat: jax.Array
    energy: jax.Array

    @property
    def first_law_residual(self) -> jax.Array:
        """``W - Q - dE`` at every record, per trajectory: zero up to discretization error."""
        return self.work - self.heat - (self.energy - self.energy[0])


def _positive_scalar(name: str, value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a positive number, got {value!r}") from None
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return v


def _check_args(x0, dt, n_steps, kT, gamma, record_every, method):
    x0 = jnp.asarray(x0)
    if x0.ndim < 1:
        raise ValueError(
            "x0 must have a leading trajectory axis, shape (n_trajectories, *state), "
            f"got shape {x0.shape}"
        )
    if x0.shape[0] < 1:
        raise ValueError("x0 must hold at least one trajectory")
    if not jnp.issubdtype(x0.dtype, jnp.floating):
        x0 = x0.astype(jnp.result_type(float))
    dt = _positive_scalar("dt (the time step)", dt)
    kT = _positive_scalar("kT (the bath temperature, in energy units)", kT)
    if isinstance(n_steps, bool) or not isinstance(n_steps, int | np.integer) or n_steps < 1:
        raise ValueError(f"n_steps must be an integer >= 1, got {n_steps!r}")
    n_steps = int(n_steps)
    if record_every is None:
        record_every = n_steps
    if (
        isinstance(record_every, bool)
        or not isinstance(record_every, int | np.integer)
        or not 1 <= record_every <= n_steps
        or n_steps % record_every
    ):
        raise ValueError(
            f"record_every must be an integer in [1, n_steps = {n_steps}] that divides n_steps, "
            f"got {record_every!r}"
        )
    g = np.asarray(gamma, dtype=float)
    if g.size == 0 or not np.all(np.isfinite(g)) or not np.all(g > 0):
        raise ValueError(f"gamma (the friction) must be > 0 everywhere, got {gamma!r}")
    try:
        fits = np.broadcast_shapes(g.shape, x0.shape[1:]) == x0.shape[1:]
    except ValueError:
        fits = False
    if not fits:  # (broadcasting with the state must not enlarge it either)
        raise ValueError(
            f"gamma of shape {g.shape} does not broadcast to the state shape {x0.shape[1:]}"
        )
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    return x0, dt, int(n_steps), kT, jnp.asarray(g, dtype=x0.dtype), int(record_every)


def _noise_block(record_every: int, per_step: int) -> int:
    """The largest divisor of ``record_every`` whose noise fits in one block."""
    cap = max(1, _NOISE_BLOCK_ELEMENTS // max(per_step, 1))
    best = 1
    for d in range(1, int(math.isqrt(record_every)) + 1):
        if record_every % d == 0:
            for c in (d, record_every // d):
                if c <= cap and c > best:
                    best = c
    return best


def simulate(
    key: jax.Array,
    potential: Callable[[jax.Array, jax.Array, Any], jax.Array],
    x0,
    *,
    dt: float,
    n_steps: int,
    kT: float = 1.0,
    gamma=1.0,
    params: Any = None,
    force: Callable[[jax.Array, jax.Array, Any], jax.Array] | None = None,
    t0: float = 0.0,
    record_every: int | None = None,
    method: str = "heun",
) -> Trajectories:
    """Integrate overdamped Langevin trajectories and their work and heat.

    ``gamma dx = (-grad U(x, t) + f(x, t)) dt + sqrt(2 gamma kT) dW``, with the work and heat of
    stochastic energetics (Sekimoto) accumulated along each path; ``W - Q - dU`` vanishes up to
    discretization error (``Trajectories.first_law_residual``).

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key; the noise of every trajectory and step derives from it.
    potential : callable
        ``U(x, t, params) -> scalar`` for one trajectory's state ``x``, in the units of ``kT``;
        JAX-traceable.
    x0 : array_like
        Initial states, shape ``(n_trajectories, *state)``.
    dt : float
        Time step (> 0).
    n_steps : int
        Steps (>= 1); the run covers ``[t0, t0 + n_steps dt]``.
    kT : float, optional
        Bath temperature in energy units (> 0); default 1.
    gamma : float or array_like, optional
        Friction (> 0), a scalar or broadcastable to the state's shape; default 1.
    params : pytree, optional
        Passed to ``potential`` and ``force`` (the protocol's parameters).
    force : callable, optional
        A non-conservative force ``f(x, t, params)`` with the state's shape.
    t0 : float, optional
        The start time (time-dependent potentials see ``t0 + k dt``); default 0.
    record_every : int, optional
        Record positions and energetics every this many steps (must divide ``n_steps``);
        default only the start and the end.
    method : str, optional
        ``"heun"`` (default, weak order 2) or ``"euler"`` (Euler-Maruyama, weak order 1).

    Returns
    -------
    Trajectories
        Times, positions, cumulative work and heat, and energy at each record.

    Raises
    ------
    ValueError
        If ``key`` is not a key (it comes first), a callable is not callable, or a number is out
        of range (each message names the value and the valid range).
    """
    if callable(key) or not isinstance(key, jax.Array):
        raise ValueError(
            f"key must be a jax.random key (the first argument), got {key!r}; "
            "call simulate(key, potential, x0, ...)"
        )
    if not callable(potential):
        raise ValueError(f"potential must be a function U(x, t, params), got {potential!r}")
    if force is not None and not callable(force):
        raise ValueError(f"force must be None or a function f(x, t, params), got {force!r}")
    x0, dt, n_steps, kT, gamma, record_every = _check_args(
        x0, dt, n_steps, kT, gamma, record_every, method
    )
    block = _noise_block(record_every, int(np.prod(x0.shape)))
    return simulate_kernel(
        key,
        potential,
        force,
        method,
        n_steps,
        record_every,
        block,
        x0,
        jnp.asarray(dt, x0.dtype),
        jnp.asarray(kT, x0.dtype),
        gamma,
        jnp.asarray(t0, x0.dtype),
        params,
    )


def _kahan_add(acc, v):
    """Compensated (Kahan) summation: ``acc = (sum, compensation)``. Work and heat add up tens of
    thousands of increments of ~1e-4 kT in float32; plain summation would lose their low bits."""
    total, c = acc
    y = v - c
    t = total + y
    return t, (t - total) - y


@partial(jax.jit, static_argnums=(1, 2, 3, 4, 5, 6))
def simulate_kernel(
    key, potential, force, method, n_steps, record_every, block, x0, dt, kT, gamma, t0, params
):
    """The pure kernel behind :func:`simulate`, unchecked and jit-compiled.

    Use :func:`simulate` unless you are composing kernels.

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key.
    potential : callable
        ``U(x, t, params)``, static.
    force : callable or None
        ``f(x, t, params)``, static.
    method : str
        ``"heun"`` or ``"euler"``, static.
    n_steps : int
        Steps, static.
    record_every : int
        Steps between records (divides ``n_steps``), static.
    block : int
        Steps per random draw (divides ``record_every``), static.
    x0 : jax.Array
        Initial states, shape ``(n, *state)``.
    dt, kT : jax.Array
        Time step and temperature, scalars of ``x0``'s dtype.
    gamma : jax.Array
        Friction, broadcastable to the state's shape.
    t0 : jax.Array
        Start time, a scalar of ``x0``'s dtype.
    params : pytree
        Passed to ``potential`` and ``force``.

    Returns
    -------
    Trajectories
        As :func:`simulate`.
    """

    def U1(x, t):
        return potential(x, t, params)

    U = jax.vmap(U1, in_axes=(0, None))
    gradU = jax.vmap(jax.grad(U1), in_axes=(0, None))
    if force is None:

        def total_force(x, t):
            return -gradU(x, t)

        def f_nc(x, t):
            return None
    else:
        fv = jax.vmap(lambda x, t: force(x, t, params), in_axes=(0, None))

        def total_force(x, t):
            return -gradU(x, t) + fv(x, t)

        def f_nc(x, t):
            return fv(x, t)

    mobility = 1.0 / gamma
    noise_scale = jnp.sqrt(2.0 * kT * dt * mobility)
    state_axes = tuple(range(1, x0.ndim))

    def dot(a, b):
        return jnp.sum(a * b, axis=state_axes)

    def step(carry, z):
        x, k, u_xt, w, q = carry
        # times from the integer step count: accumulating t += dt in float32 drifts (by 0.02 over
        # 64 000 steps of 0.001, enough to leave the end of a protocol unfinished)
        t, t1, tm = t0 + k * dt, t0 + (k + 1) * dt, t0 + (k + 0.5) * dt
        noise = noise_scale * z
        if method == "euler":
            x1 = x + mobility * total_force(x, t) * dt + noise
        else:
            f0 = total_force(x, t)
            xp = x + mobility * f0 * dt + noise
            x1 = x + 0.5 * mobility * (f0 + total_force(xp, t1)) * dt + noise
        u_xt1 = U(x, t1)
        u_x1t = U(x1, t)
        u_x1t1 = U(x1, t1)
        dx = x1 - x
        xm = 0.5 * (x + x1)
        # work: the potential's change in time at fixed position (trapezoid over the step's ends)
        dw = 0.5 * ((u_xt1 - u_xt) + (u_x1t1 - u_x1t))
        # heat released: the work of all forces along the step (Stratonovich), by Gauss-Legendre
        xa, xb = xm - _GAUSS * dx, xm + _GAUSS * dx
        dq = dot(-0.5 * (gradU(xa, tm) + gradU(xb, tm)), dx)
        fa = f_nc(xa, tm)
        if fa is not None:
            dwf = dot(0.5 * (fa + f_nc(xb, tm)), dx)
            dw = dw + dwf
            dq = dq + dwf
        return (x1, k + 1, u_x1t1, _kahan_add(w, dw), _kahan_add(q, dq)), None

    def record_interval(carry, key_r):
        def noise_block(c, kb):
            zb = jax.random.normal(kb, (block, *x0.shape), x0.dtype)
            return jax.lax.scan(step, c, zb)[0], None

        carry = jax.lax.scan(noise_block, carry, jax.random.split(key_r, record_every // block))[0]
        x, steps, u, w, q = carry
        return carry, (x, t0 + steps * dt, w[0], q[0], u)

    n = x0.shape[0]
    zero = jnp.zeros(n, x0.dtype)
    u0 = U(x0, t0)
    carry0 = (x0, jnp.asarray(0, jnp.int32), u0, (zero, zero), (zero, zero))
    keys = jax.random.split(key, n_steps // record_every)
    _, (xs, ts, ws, qs, us) = jax.lax.scan(record_interval, carry0, keys)

    def with_start(first, rest):
        return jnp.concatenate([first[None], rest])

    return Trajectories(
        times=with_start(t0, ts),
        x=with_start(x0, xs),
        work=with_start(zero, ws),
        heat=with_start(zero, qs),
        energy=with_start(u0, us),
    )


# ----------------------------------------------------------------------------------------------
# The erasure protocol of a one-bit memory (the Landauer chapter; also used by its GPU run)


@dataclass(frozen=True)
class ErasureExperiment:
    """The erasure experiment's settings.

    Defined once for the chapter and its large-run script (``benchmarks/landauer_full_scale.py``),
    and recorded in the provenance of the data it ships.

    Parameters
    ----------
    barrier : float, optional
        The double well's barrier ``E_b``, in kT (> 0); default 10.
    tilt : float, optional
        The tilt's amplitude ``A``, in kT (> 0); default 6.
    dt : float, optional
        The time step, in units of ``gamma x_m^2 / kT`` with ``x_m = 1`` the wells' position
        (> 0); default 0.002.

    Raises
    ------
    ValueError
        If a setting is not a finite positive number.
    """

    barrier: float = 10.0
    tilt: float = 6.0
    dt: float = 0.002

    def __post_init__(self):
        for name in ("barrier", "tilt", "dt"):
            v = getattr(self, name)
            if not (np.isfinite(v) and v > 0):
                raise ValueError(f"{name} must be a finite number > 0, got {v!r}")


ERASURE = ErasureExperiment()


def erasure_protocol(s):
    """The erasure protocol's barrier and tilt factors.

    Four equal stages with linear ramps: lower the barrier (g: 1 -> 0), tilt (f: 0 -> 1), raise
    the barrier with the tilt on (g: 0 -> 1), untilt (f: 1 -> 0). Outside ``[0, 1]`` the ends
    hold.

    Parameters
    ----------
    s : array_like
        The fraction ``t / tau`` of the protocol.

    Returns
    -------
    g : jax.Array
        The barrier factor, in [0, 1].
    f : jax.Array
        The tilt factor, in [0, 1].
    """
    s = jnp.asarray(s)

    def ramp(u):
        return jnp.clip(u, 0.0, 1.0)

    g = 1.0 - ramp(4.0 * s) + ramp(4.0 * s - 2.0)
    f = ramp(4.0 * s - 1.0) - ramp(4.0 * s - 3.0)
    return g, f


def erasure_potential(x, t, params):
    """The erasure potential ``U(x, t) = E_b [x^4 - 2 g(t/tau) x^2] + A f(t/tau) x``.

    With ``g = 1, f = 0`` it is a symmetric double well with minima at ``x = -1, +1`` (the bit's
    values 0 and 1) and a barrier ``E_b`` at ``x = 0``; a positive tilt pushes the particle
    towards ``x = -1``, the erased state.

    Parameters
    ----------
    x : jax.Array
        One state, shape ``(1,)`` (in units of the wells' position).
    t : jax.Array
        Time, in the units of ``tau``.
    params : tuple
        ``(tau, E_b, A)``: the protocol's duration, the barrier and the tilt (in kT).

    Returns
    -------
    jax.Array
        The energy, a scalar in kT.
    """
    tau, barrier, tilt = params
    g, f = erasure_protocol(t / tau)
    x = jnp.sum(x)  # the state has one coordinate
    return barrier * (x**4 - 2.0 * g * x**2) + tilt * f * x


# ----------------------------------------------------------------------------------------------
# Equilibrium in one dimension, by quadrature


def _grid(lo, hi, n_grid):
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"need finite lo < hi for the quadrature grid, got lo={lo!r}, hi={hi!r}")
    if isinstance(n_grid, bool) or not isinstance(n_grid, int | np.integer) or n_grid < 16:
        raise ValueError(f"n_grid must be an integer >= 16, got {n_grid!r}")
    return np.linspace(lo, hi, int(n_grid))


def _energies(potential, x, t, params):
    # each grid point is passed as a one-coordinate state, shape (1,), as simulate passes it
    u = np.asarray(jax.vmap(lambda xi: potential(xi, t, params))(jnp.asarray(x)[:, None]), dtype=float)
    if not np.all(np.isfinite(u)):
        raise ValueError("the potential is not finite on the whole quadrature grid")
    return u


def free_energy_1d(potential, t=0.0, params=None, *, kT=1.0, lo=-4.0, hi=4.0, n_grid=20001) -> float:
    """The free energy of a one-coordinate state, by quadrature.

    ``F = -kT ln int exp(-U(x, t)/kT) dx`` by the trapezoid rule on ``[lo, hi]``.

    Parameters
    ----------
    potential : callable
        ``U(x, t, params) -> scalar`` for one state ``x`` of shape ``(1,)``; JAX-traceable.
    t : float, optional
        The time at which to freeze the potential; default 0.
    params : pytree, optional
        Passed to ``potential``.
    kT : float, optional
        Temperature (> 0); default 1.
    lo, hi : float, optional
        The grid's range; choose it so that the Boltzmann weight vanishes at both ends.
    n_grid : int, optional
        Grid points (>= 16); default 20001.

    Returns
    -------
    float
        ``F``, in the units of ``kT``.
    """
    kT = _positive_scalar("kT (the bath temperature, in energy units)", kT)
    x = _grid(lo, hi, n_grid)
    u = _energies(potential, x, t, params)
    umin = u.min()
    z = np.trapezoid(np.exp(-(u - umin) / kT), x)
    return float(umin - kT * np.log(z))


def boltzmann_density_1d(potential, x, t=0.0, params=None, *, kT=1.0) -> np.ndarray:
    """The normalized Boltzmann density on a grid.

    Parameters
    ----------
    potential : callable
        ``U(x, t, params) -> scalar`` for one state ``x`` of shape ``(1,)``; JAX-traceable.
    x : array_like
        An increasing 1D grid of at least 16 points.
    t : float, optional
        The time at which to freeze the potential; default 0.
    params : pytree, optional
        Passed to ``potential``.
    kT : float, optional
        Temperature (> 0); default 1.

    Returns
    -------
    numpy.ndarray
        ``exp(-U/kT) / Z`` on ``x`` (``Z`` by the trapezoid rule), per unit of ``x``.
    """
    kT = _positive_scalar("kT (the bath temperature, in energy units)", kT)
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or x.size < 16 or not np.all(np.diff(x) > 0):
        raise ValueError("x must be an increasing 1D grid of at least 16 points")
    u = _energies(potential, x, t, params)
    p = np.exp(-(u - u.min()) / kT)
    return p / np.trapezoid(p, x)


def sample_boltzmann_1d(
    key, potential, n: int, t=0.0, params=None, *, kT=1.0, lo=-4.0, hi=4.0, n_grid=20001
) -> jax.Array:
    """Exact draws from a one-coordinate Boltzmann distribution (up to the grid's resolution).

    Inverse-CDF sampling with linear interpolation of the cumulative trapezoid integral.

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key.
    potential : callable
        ``U(x, t, params) -> scalar`` for one state ``x`` of shape ``(1,)``; JAX-traceable.
    n : int
        Draws (>= 1).
    t : float, optional
        The time at which to freeze the potential; default 0.
    params : pytree, optional
        Passed to ``potential``.
    kT : float, optional
        Temperature (> 0); default 1.
    lo, hi : float, optional
        The grid's range.
    n_grid : int, optional
        Grid points (>= 16).

    Returns
    -------
    jax.Array
        Shape ``(n, 1)``: states ready for :func:`simulate`.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be an integer >= 1, got {n!r}")
    x = _grid(lo, hi, n_grid)
    p = boltzmann_density_1d(potential, x, t, params, kT=kT)
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (p[1:] + p[:-1]) * np.diff(x))])
    cdf /= cdf[-1]
    u = jax.random.uniform(key, (int(n),), dtype=jnp.result_type(float))  # float64 under x64
    return jnp.interp(u, jnp.asarray(cdf, u.dtype), jnp.asarray(x, u.dtype))[:, None]
