"""The Kuramoto model: phase oscillators coupled through their mean field, with phase noise.

Each of ``N`` oscillators of a system obeys

    d theta_i = [omega_i + K r sin(psi - theta_i)] dt + sqrt(2 D) dW_i,

with ``r e^{i psi} = (1/N) sum_j e^{i theta_j}`` the complex order parameter, ``omega_i`` the
natural frequencies, ``K`` the coupling and ``D`` the phase-noise strength. Since
``K r sin(psi - theta_i) = K (Y cos theta_i - X sin theta_i)`` with ``X + iY`` the order
parameter, one step costs O(N) (one sine and cosine per oscillator and two means), not the
O(N^2) of the pairwise sum it equals.

:func:`simulate(key, theta0, omega, K, ...) <simulate>` validates its arguments and calls the
pure, jit-compiled :func:`simulate_kernel`. A batch of systems (the leading axis of
``theta0``), each with its own coupling and noise strength, is advanced together by the
stochastic Heun scheme (predictor-corrector; order 2 without noise, weak order 2 with additive
noise), the steps in ``lax.scan``; the order parameter ``r`` and its phase ``psi`` are recorded
every ``record_every`` steps, the phases themselves only at the end. The noise of step ``k``
is drawn from ``fold_in(key, k)``: a trajectory does not depend on ``record_every``.

**Why not** :mod:`emergence.langevin`. The dynamics is overdamped Langevin in the potential
``-(K N / 2) r^2`` with the natural frequencies as a constant non-conservative force, so that
kernel could run it; it does not fit well. It needs a positive temperature (the noiseless
model, where the Ott-Antonsen reduction is exact, is the central case here), computes
Sekimoto's work and heat along every trajectory (two extra force evaluations per step, and
meaningless for a non-equilibrium population of rotators), and records every oscillator's
position, where only the order parameter is wanted (N = 1e6 oscillators on a GPU).

Exact results, for the tests and the chapter (N -> infinity, Lorentzian frequencies of
half-width ``gamma``):

- the incoherent state loses stability at ``K_c = 2 (gamma + D)`` (:func:`critical_coupling`);
- without noise, the Ott-Antonsen reduction is exact on its manifold (which contains every
  initial condition with phases independent of the frequencies and wrapped-Cauchy
  distributed), and ``r`` obeys ``dr/dt = -gamma r + (K/2) r (1 - r^2)``, solved in closed
  form by :func:`ott_antonsen_r`, with the stationary value ``r = sqrt(1 - 2 gamma / K)``
  above ``K_c`` (:func:`stationary_r`);
- at ``K = 0`` from identical phases, ``r(t) = exp(-gamma t)`` (the Lorentzian's
  characteristic function), and with noise every phase diffuses with coefficient ``D``.

Frequencies and initial phases are drawn by quantiles (:func:`lorentzian_frequencies`,
:func:`wrapped_cauchy_phases`): the Lorentzian's tails are Cauchy, and random draws make
small-N results erratic.
"""

from __future__ import annotations

import math
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from emergence import _validate


class Run(NamedTuple):
    """What :func:`simulate` returns; ``R = n_steps // record_every`` records after the start.

    Parameters
    ----------
    times : jax.Array
        Shape ``(R + 1,)``: the recorded times (in the units of ``1 / K``, ``1 / gamma``).
    r : jax.Array
        Shape ``(R + 1, n)``: the order parameter's modulus of each system at those times.
    psi : jax.Array
        Shape ``(R + 1, n)``: its phase, in ``(-pi, pi]``.
    theta : jax.Array
        Shape ``(n, N)``: the phases at the end, in ``[-pi, pi)``.
    """

    times: jax.Array
    r: jax.Array
    psi: jax.Array
    theta: jax.Array


def _per_system(name, value, n):
    return _validate.per_item(name, _validate.in_range(name, value, lo=0.0), n, "system")


_positive_int = _validate.positive_int


def order_parameter(theta) -> tuple[jax.Array, jax.Array]:
    """The order parameter of phases: ``r e^{i psi} = <e^{i theta}>`` over the last axis.

    Parameters
    ----------
    theta : array_like
        Shape ``(..., N)``: phases (radians).

    Returns
    -------
    tuple of jax.Array
        ``(r, psi)``, each of shape ``theta.shape[:-1]``; ``psi`` in ``(-pi, pi]``.
    """
    theta = jnp.asarray(theta)
    x, y = jnp.cos(theta).mean(-1), jnp.sin(theta).mean(-1)
    return jnp.hypot(x, y), jnp.arctan2(y, x)


def _drift(theta, omega, K):
    c, s = jnp.cos(theta), jnp.sin(theta)
    x, y = c.mean(-1, keepdims=True), s.mean(-1, keepdims=True)
    return omega + K[:, None] * (y * c - x * s)


@partial(jax.jit, static_argnames=("n_steps", "record_every", "noisy"))
def simulate_kernel(key, theta0, omega, K, D, dt, *, n_steps, record_every, noisy):
    """The pure kernel behind :func:`simulate` (no validation; shapes already broadcast).

    Parameters
    ----------
    key : jax.Array
        The noise's key (step ``k`` draws from ``fold_in(key, k)``); unused unless ``noisy``.
    theta0, omega : jax.Array
        Shape ``(n, N)``: initial phases and natural frequencies.
    K, D : jax.Array
        Shape ``(n,)``: each system's coupling and noise strength.
    dt : jax.Array
        The time step (a scalar).
    n_steps, record_every : int
        Static: the number of steps, and the steps between records (dividing ``n_steps``).
    noisy : bool
        Static: whether any ``D`` is non-zero (no noise is drawn otherwise).

    Returns
    -------
    tuple of jax.Array
        ``(r, psi, theta)``: ``r`` and ``psi`` of shape ``(R, n)`` after each block of
        ``record_every`` steps (``R = n_steps // record_every``), and the final phases, shape
        ``(n, N)``, in ``[-pi, pi)``.
    """
    amp = jnp.sqrt(2.0 * D * dt)[:, None].astype(theta0.dtype)

    def step(theta, k):
        f0 = _drift(theta, omega, K)
        if noisy:
            kick = amp * jax.random.normal(jax.random.fold_in(key, k), theta.shape, theta.dtype)
        else:
            kick = 0.0
        pred = theta + f0 * dt + kick
        f1 = _drift(pred, omega, K)
        return theta + 0.5 * (f0 + f1) * dt + kick, None

    def block(theta, b):
        steps = b * record_every + jnp.arange(record_every)
        theta, _ = jax.lax.scan(step, theta, steps)
        # wrap into [-pi, pi): float32 phases of fast oscillators would lose precision
        theta = jnp.mod(theta + jnp.pi, 2 * jnp.pi) - jnp.pi
        r, psi = order_parameter(theta)
        return theta, (r, psi)

    theta, (r, psi) = jax.lax.scan(block, theta0, jnp.arange(n_steps // record_every))
    return r, psi, theta


def simulate(
    key,
    theta0,
    omega,
    K,
    *,
    dt: float,
    n_steps: int,
    D=0.0,
    record_every: int = 1,
) -> Run:
    """Integrate a batch of Kuramoto systems; record their order parameters.

    Parameters
    ----------
    key : jax.Array
        A ``jax.random.key`` (used only when some ``D > 0``).
    theta0 : array_like
        Shape ``(n, N)``: the initial phases of ``n`` systems of ``N`` oscillators (a 1D array
        is one system). Its floating dtype is kept (float64 only where JAX runs with x64).
    omega : array_like
        Shape ``(N,)`` (the same frequencies for every system) or ``(n, N)``.
    K : float or array_like
        The coupling, ``>= 0``: one value, or one per system, shape ``(n,)``.
    dt : float
        The time step, ``> 0``.
    n_steps : int
        The number of steps, ``>= 1``, a multiple of ``record_every``.
    D : float or array_like
        The phase-noise strength, ``>= 0`` (default 0): one value, or one per system.
    record_every : int
        Record ``r`` and ``psi`` every this many steps (default 1).

    Returns
    -------
    Run
        The recorded times, ``r`` and ``psi`` (the start included) and the final phases.

    Raises
    ------
    ValueError
        For a ``theta0`` without oscillators, or not finite; an ``omega`` of the wrong shape or
        not finite; a negative or non-finite ``K`` or ``D``; ``dt <= 0``; ``n_steps`` or
        ``record_every`` not a positive integer, or ``record_every`` not dividing ``n_steps``.
    """
    theta0 = np.asarray(theta0)
    if theta0.ndim == 1:
        theta0 = theta0[None, :]
    if theta0.ndim != 2 or theta0.shape[0] < 1 or theta0.shape[1] < 1:
        raise ValueError(
            f"theta0 must have shape (n_systems, N) with n_systems, N >= 1, got {theta0.shape}"
        )
    if not np.issubdtype(theta0.dtype, np.floating):
        theta0 = theta0.astype(float)
    if not np.all(np.isfinite(theta0)):
        raise ValueError("theta0 must be finite")
    n, N = theta0.shape
    th0 = jnp.asarray(theta0)  # float64 becomes float32 unless JAX runs with x64
    dtype = th0.dtype
    omega = np.asarray(omega, dtype=float)
    if omega.shape not in ((N,), (n, N)):
        raise ValueError(f"omega must have shape ({N},) or ({n}, {N}), got {omega.shape}")
    if not np.all(np.isfinite(omega)):
        raise ValueError("omega must be finite")
    K = _per_system("K (the coupling)", K, n)
    D = _per_system("D (the phase-noise strength)", D, n)
    try:
        dt_f = float(dt)
    except (TypeError, ValueError):
        raise ValueError(f"dt (the time step) must be a number > 0, got {dt!r}") from None
    if not (math.isfinite(dt_f) and dt_f > 0):
        raise ValueError(f"dt (the time step) must be finite and > 0, got {dt!r}")
    n_steps = _positive_int("n_steps", n_steps)
    record_every = _positive_int("record_every", record_every)
    if n_steps % record_every:
        raise ValueError(
            f"record_every must divide n_steps, got record_every = {record_every} and "
            f"n_steps = {n_steps}"
        )
    r, psi, theta = simulate_kernel(
        key,
        th0,
        jnp.broadcast_to(jnp.asarray(omega, dtype), (n, N)),
        jnp.asarray(K, dtype),
        jnp.asarray(D, dtype),
        jnp.asarray(dt_f, dtype),
        n_steps=n_steps,
        record_every=record_every,
        noisy=bool(np.any(D > 0)),
    )
    r0, psi0 = order_parameter(th0)
    times = jnp.arange(n_steps // record_every + 1, dtype=dtype) * (dt_f * record_every)
    return Run(
        times,
        jnp.concatenate([r0[None], r]),
        jnp.concatenate([psi0[None], psi]),
        theta,
    )


def _quantiles(n: int) -> np.ndarray:
    return (np.arange(n) + 0.5) / n


def lorentzian_frequencies(n_osc: int, gamma: float, omega0: float = 0.0) -> np.ndarray:
    """``n_osc`` natural frequencies at the quantiles ``(i + 1/2) / n`` of a Lorentzian.

    The Lorentzian (Cauchy) density ``(gamma / pi) / ((omega - omega0)^2 + gamma^2)``; the
    quantile draw is symmetric about ``omega0`` and free of the random draw's erratic largest
    values.

    Parameters
    ----------
    n_osc : int
        The number of oscillators, ``>= 1``.
    gamma : float
        The half-width at half maximum, ``> 0``.
    omega0 : float
        The centre (default 0).

    Returns
    -------
    numpy.ndarray
        Shape ``(n_osc,)``, increasing.

    Raises
    ------
    ValueError
        For ``n_osc < 1``, ``gamma <= 0`` or not finite, or ``omega0`` not finite.
    """
    n_osc = _positive_int("n_osc", n_osc)
    try:
        gamma = float(gamma)
    except (TypeError, ValueError):
        raise ValueError(f"gamma (the half-width) must be a number > 0, got {gamma!r}") from None
    if not (math.isfinite(gamma) and gamma > 0):
        raise ValueError(f"gamma (the half-width) must be finite and > 0, got {gamma!r}")
    if not math.isfinite(float(omega0)):
        raise ValueError(f"omega0 must be finite, got {omega0!r}")
    return float(omega0) + gamma * np.tan(np.pi * (_quantiles(n_osc) - 0.5))


def wrapped_cauchy_phases(key, n_osc: int, r0: float, psi0: float = 0.0) -> np.ndarray:
    """``n_osc`` phases at the quantiles of a wrapped Cauchy distribution with ``|<e^{i theta}>|
    = r0``, in ``[-pi, pi)``.

    The wrapped Cauchy distribution (the Poisson kernel) is the Ott-Antonsen manifold's
    distribution of phases: a Cauchy variable of centre ``psi0`` and scale ``-ln r0`` taken
    modulo ``2 pi``. ``0 < r0 <= 1`` (``r0 = 1``: every phase ``psi0``). The draw's own order
    parameter is ``r0`` within about ``(N |ln r0|)^(1/4) / N``: the far tails' quantiles wrap
    around the circle many times between neighbours and add like random phases. The quantiles come in
    increasing order; with a ``key`` they are randomly permuted, so that they are independent
    of frequencies drawn in order (``key=None`` keeps the order).

    Parameters
    ----------
    key : jax.Array or None
        A ``jax.random.key`` for the permutation, or None.
    n_osc : int
        The number of phases, ``>= 1``.
    r0 : float
        The order parameter, in ``(0, 1]``.
    psi0 : float
        The mean phase (default 0).

    Returns
    -------
    numpy.ndarray
        Shape ``(n_osc,)``, in ``[-pi, pi)``.

    Raises
    ------
    ValueError
        For ``n_osc < 1``, ``r0`` outside ``(0, 1]`` or ``psi0`` not finite.
    """
    n_osc = _positive_int("n_osc", n_osc)
    r0 = float(r0)
    if not (0 < r0 <= 1):
        raise ValueError(f"r0 (the initial order parameter) must be in (0, 1], got {r0!r}")
    if not math.isfinite(float(psi0)):
        raise ValueError(f"psi0 must be finite, got {psi0!r}")
    theta = float(psi0) - math.log(r0) * np.tan(np.pi * (_quantiles(n_osc) - 0.5))
    theta = np.mod(theta + np.pi, 2 * np.pi) - np.pi
    if key is not None:
        theta = np.asarray(jax.random.permutation(key, theta))
    return theta


def critical_coupling(gamma, D=0.0):
    """``K_c = 2 (gamma + D)``: where the incoherent state loses stability (``N -> infinity``).

    Parameters
    ----------
    gamma : float or array_like
        The Lorentzian frequencies' half-width.
    D : float or array_like
        The phase-noise strength (default 0).

    Returns
    -------
    numpy.ndarray
        The critical coupling (broadcast shape).
    """
    return 2.0 * (np.asarray(gamma, float) + np.asarray(D, float))


def stationary_r(K, gamma):
    """The stationary order parameter as ``N -> infinity`` without noise.

    Parameters
    ----------
    K : float or array_like
        The coupling (``K <= 0`` gives 0).
    gamma : float or array_like
        The Lorentzian frequencies' half-width.

    Returns
    -------
    jax.Array
        ``sqrt(1 - 2 gamma / K)`` above ``K_c = 2 gamma``, 0 below (broadcast shape).
    """
    K = jnp.asarray(K)
    return jnp.sqrt(jnp.clip(1.0 - 2.0 * gamma / jnp.where(K > 0, K, 1.0), 0.0, None)) * (K > 0)


def ott_antonsen_r(t, K, gamma, r0):
    """The exact solution of ``dr/dt = -gamma r + (K/2) r (1 - r^2)``, ``r(0) = r0``.

    With ``a = K/2 - gamma`` and ``b = K/2``,
    ``r(t)^-2 = e^{-2at} / r0^2 + 2 b t phi(-2at)``, ``phi(x) = (e^x - 1) / x`` (``phi(0) = 1``),
    which holds for every sign of ``a`` (and at ``K = K_c``, where ``r^-2`` grows linearly).
    Differentiable in every argument, broadcasting; works on JAX arrays (NumPyro models use
    it). Also the solution of ``dr/dt = lam r - mu r^3`` with ``K = 2 mu``, ``gamma = mu - lam``.

    Parameters
    ----------
    t : array_like
        Times, ``>= 0``.
    K : array_like
        The coupling, ``>= 0``.
    gamma : array_like
        The frequencies' half-width.
    r0 : array_like
        ``r(0)``, in ``(0, 1]``.

    Returns
    -------
    jax.Array
        ``r(t)``, of the arguments' broadcast shape.
    """
    t, K, gamma, r0 = (jnp.asarray(v) for v in (t, K, gamma, r0))
    a, b = 0.5 * K - gamma, 0.5 * K
    # in logarithms, with u = -2 |a| t <= 0, so that nothing overflows for either sign of a:
    # a >= 0: r^-2 = e^u / r0^2 + 2 b t phi(u); a < 0: r^-2 = e^-u (1 / r0^2 + 2 b t phi(u))
    u = -2.0 * jnp.abs(a) * t
    small = u > -1e-4
    u_safe = jnp.where(small, -1.0, u)
    phi = jnp.where(small, 1.0 + u / 2 + u * u / 6, jnp.expm1(u_safe) / u_safe)
    grows = a >= 0
    log_inv_r2 = jnp.log(jnp.where(grows, jnp.exp(u), 1.0) / r0**2 + 2.0 * b * t * phi)
    return jnp.exp(-0.5 * (log_inv_r2 - jnp.where(grows, 0.0, u)))
