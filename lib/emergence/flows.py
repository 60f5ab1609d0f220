"""Chaotic flows: vector fields, their integration, Lyapunov spectra and forecast horizons.

A :class:`Flow` is an autonomous vector field ``dy/dt = f(y, p)`` written in JAX, with its
parameters' names, its classic parameter values and the divergence ``tr(df/dy)`` in closed
form: :data:`LORENZ` (Lorenz 1963), :data:`ROSSLER` (Roessler 1976) and :data:`THOMAS`
(Thomas 1999, cyclically symmetric), plus two test flows whose answers are exact:
:data:`HENON_HEILES`, a Hamiltonian flow whose energy is conserved and whose exponents come in
pairs ``+-lambda``, and :data:`HOPF`, a stable limit cycle (the Stuart-Landau normal form with a
decaying third coordinate) whose spectrum is exactly ``(0, -2 mu, -gamma)``.

Integration is diffrax's explicit Runge-Kutta at a constant step (Tsitouras' 5(4) pair,
``diffrax.Tsit5``, by default; any diffrax solver can be passed), so that a trajectory is a
differentiable function of its start and parameters (NumPyro's NUTS differentiates through it)
and a batch of starts and parameter sets is one ``vmap``:

- :func:`trajectory` (validating) and :func:`trajectory_kernel` (pure): the states every
  ``save_every`` steps;
- :func:`lyapunov_spectrum`: the Benettin (QR) method on the tangent dynamics
  ``dQ/dt = J(y) Q`` with the exact Jacobian ``J = df/dy`` from automatic differentiation,
  re-orthonormalized every ``renorm_every`` steps, the running estimates kept; the
  divergence integrated beside it, since the exponents' sum equals its time average exactly
  (Liouville: ``log |det dPhi_t/dy0| = int_0^t div f dt'``);
- :func:`forecast_horizon`: the first time at which a forecast started ``delta0`` away from
  the truth is farther than ``tolerance`` from it;
- :func:`kaplan_yorke_dimension` of a spectrum.

The public wrappers validate their arguments, run in float64 and return NumPy; the kernels keep
the precision of the caller (a chapter sets ``jax_enable_x64``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from emergence import _validate


class Flow(NamedTuple):
    """An autonomous flow ``dy/dt = f(y, p)``.

    Parameters
    ----------
    name : str
        Its name.
    f : callable
        ``f(y, p)``: the vector field at state ``y`` (shape ``(dim,)``) for parameters ``p``
        (shape ``(n_params,)``), JAX-traceable.
    divergence : callable
        ``divergence(y, p)``: ``tr(df/dy)`` in closed form.
    param_names : tuple of str
        The parameters' names, in the order of ``p``.
    params : tuple of float
        The classic parameter values.
    y0 : tuple of float
        A start in the basin of the attractor (or on the test flow's orbit of interest).
    """

    name: str
    f: Callable
    divergence: Callable
    param_names: tuple
    params: tuple
    y0: tuple

    @property
    def dim(self) -> int:
        """The state's dimension."""
        return len(self.y0)


def _lorenz(y, p):
    sigma, rho, beta = p[0], p[1], p[2]
    return jnp.stack([sigma * (y[1] - y[0]), y[0] * (rho - y[2]) - y[1], y[0] * y[1] - beta * y[2]])


def _lorenz_div(y, p):
    return -(p[0] + 1.0 + p[2]) + 0.0 * y[0]


def _rossler(y, p):
    a, b, c = p[0], p[1], p[2]
    return jnp.stack([-y[1] - y[2], y[0] + a * y[1], b + y[2] * (y[0] - c)])


def _rossler_div(y, p):
    return p[0] + y[0] - p[2]


def _thomas(y, p):
    b = p[0]
    return jnp.stack([jnp.sin(y[1]) - b * y[0], jnp.sin(y[2]) - b * y[1], jnp.sin(y[0]) - b * y[2]])


def _thomas_div(y, p):
    return -3.0 * p[0] + 0.0 * y[0]


def _henon_heiles(y, p):
    lam = p[0]
    x, yy, px, py = y[0], y[1], y[2], y[3]
    return jnp.stack([px, py, -x - 2 * lam * x * yy, -yy - lam * (x**2 - yy**2)])


def _henon_heiles_div(y, p):
    return 0.0 * y[0] + 0.0 * p[0]


def _hopf(y, p):
    mu, omega, gamma = p[0], p[1], p[2]
    r2 = y[0] ** 2 + y[1] ** 2
    return jnp.stack(
        [mu * y[0] - omega * y[1] - r2 * y[0], omega * y[0] + mu * y[1] - r2 * y[1], -gamma * y[2]]
    )


def _hopf_div(y, p):
    return 2 * p[0] - 4 * (y[0] ** 2 + y[1] ** 2) - p[2]


LORENZ = Flow(
    "Lorenz", _lorenz, _lorenz_div, ("sigma", "rho", "beta"), (10.0, 28.0, 8 / 3), (1.0, 1.0, 1.0)
)
"""Lorenz (1963): ``x' = sigma (y - x)``, ``y' = x (rho - z) - y``, ``z' = x y - beta z``."""

ROSSLER = Flow("Roessler", _rossler, _rossler_div, ("a", "b", "c"), (0.2, 0.2, 5.7), (1.0, 1.0, 0.0))
"""Roessler (1976): ``x' = -y - z``, ``y' = x + a y``, ``z' = b + z (x - c)``."""

THOMAS = Flow("Thomas", _thomas, _thomas_div, ("b",), (0.208186,), (0.1, 0.0, 0.0))
"""Thomas (1999): ``x' = sin y - b x`` and its cyclic permutations."""

HENON_HEILES = Flow(
    "Henon-Heiles", _henon_heiles, _henon_heiles_div, ("lam",), (1.0,), (0.0, 0.1, 0.5, 0.0)
)
"""Henon and Heiles (1964), state ``(x, y, p_x, p_y)``: Hamilton's equations of
``H = (p_x^2 + p_y^2 + x^2 + y^2) / 2 + lam (x^2 y - y^3 / 3)`` (:func:`henon_heiles_energy`)."""

HOPF = Flow("Hopf", _hopf, _hopf_div, ("mu", "omega", "gamma"), (1.0, 1.0, 1.0), (1.0, 0.0, 0.5))
"""The Stuart-Landau oscillator with a decaying third coordinate: in polar coordinates
``r' = r (mu - r^2)``, ``phi' = omega``, ``z' = -gamma z``; a limit cycle ``r = sqrt(mu)``
with Lyapunov spectrum ``(0, -2 mu, -gamma)`` (:func:`hopf_spectrum`)."""

FLOWS = {flow.name: flow for flow in (LORENZ, ROSSLER, THOMAS, HENON_HEILES, HOPF)}

LORENZ_SPECTRUM = (0.9056, 0.0, -14.5723)
"""Lorenz's spectrum at the classic parameters, natural log per unit time (Sprott 2003)."""

ROSSLER_SPECTRUM = (0.0714, 0.0, -5.3943)
"""Roessler's spectrum at ``a = b = 0.2``, ``c = 5.7``, natural log per unit time (Sprott 2003)."""


def henon_heiles_energy(y, lam: float):
    """The Henon-Heiles Hamiltonian, conserved by :data:`HENON_HEILES`.

    Parameters
    ----------
    y : array_like
        States ``(x, y, p_x, p_y)``, shape ``(..., 4)``.
    lam : float
        The cubic coupling.

    Returns
    -------
    numpy.ndarray
        The energy of each state, shape ``(...)``.
    """
    y = np.asarray(y, dtype=float)
    x, yy, px, py = y[..., 0], y[..., 1], y[..., 2], y[..., 3]
    return 0.5 * (px**2 + py**2 + x**2 + yy**2) + lam * (x**2 * yy - yy**3 / 3)


def hopf_spectrum(mu: float, gamma: float) -> np.ndarray:
    """The exact Lyapunov spectrum of :data:`HOPF`'s limit cycle, in decreasing order.

    Parameters
    ----------
    mu : float
        The growth rate (> 0; the cycle's radius is ``sqrt(mu)``).
    gamma : float
        The third coordinate's decay rate (> 0).

    Returns
    -------
    numpy.ndarray
        ``(0, -2 mu, -gamma)`` sorted in decreasing order, per unit time.
    """
    return np.sort(np.array([0.0, -2.0 * mu, -gamma]))[::-1]


def kaplan_yorke_dimension(exponents) -> float:
    """The Kaplan-Yorke (Lyapunov) dimension of a spectrum.

    ``D = j + (lambda_1 + ... + lambda_j) / |lambda_{j+1}|`` with ``j`` the largest index
    whose partial sum is non-negative; ``0`` when ``lambda_1 < 0`` and the dimension of the
    space when every partial sum is non-negative.

    Parameters
    ----------
    exponents : array_like
        The spectrum, shape ``(dim,)``, any order.

    Returns
    -------
    float
        The dimension.
    """
    lam = np.sort(np.asarray(exponents, dtype=float))[::-1]
    sums = np.cumsum(lam)
    if sums[0] < 0:
        return 0.0
    j = int(np.nonzero(sums >= 0)[0][-1]) + 1
    if j == lam.size:
        return float(j)
    return float(j + sums[j - 1] / abs(lam[j]))


# ---- integration ---------------------------------------------------------------------------------
def _solver(name: str):
    import diffrax

    solvers = {
        "tsit5": diffrax.Tsit5,
        "dopri5": diffrax.Dopri5,
        "heun": diffrax.Heun,
        "euler": diffrax.Euler,
    }
    if name not in solvers:
        raise ValueError(f"solver must be one of {sorted(solvers)}, got {name!r}")
    return solvers[name]()


def _steps(f, y0, p, dt, n_steps: int, solver: str, save_every: int):
    """``n_steps`` constant steps from ``y0``; the states every ``save_every`` steps."""
    import diffrax

    n_saves = n_steps // save_every
    ts = dt * save_every * jnp.arange(n_saves + 1, dtype=jnp.result_type(dt, float))
    sol = diffrax.diffeqsolve(
        diffrax.ODETerm(lambda t, y, args: f(y, args)),
        _solver(solver),
        t0=0.0,
        t1=ts[-1],
        dt0=dt,
        y0=y0,
        args=p,
        saveat=diffrax.SaveAt(ts=ts),
        stepsize_controller=diffrax.ConstantStepSize(),
        max_steps=n_saves * save_every + 1,
        adjoint=diffrax.ForwardMode(),  # tangents propagate forward (see window_kernel)
    )
    return sol.ys


@partial(jax.jit, static_argnames=("f", "n_steps", "save_every", "solver"))
def trajectory_kernel(f, y0, p, dt, n_steps: int, save_every: int = 1, solver: str = "tsit5"):
    """A batch of trajectories of ``dy/dt = f(y, p)`` at a constant step (pure, jittable).

    Parameters
    ----------
    f : callable
        The vector field ``f(y, p)`` (a :class:`Flow`'s ``f``).
    y0 : jax.Array
        Starts, shape ``(..., dim)``.
    p : jax.Array
        Parameters, shape ``(..., n_params)``, broadcast against ``y0``'s batch shape.
    dt : float
        The step, in the flow's time unit.
    n_steps : int
        Steps (a multiple of ``save_every``).
    save_every : int, optional
        Steps between saved states; default 1.
    solver : str, optional
        ``"tsit5"`` (default), ``"dopri5"``, ``"heun"`` or ``"euler"``.

    Returns
    -------
    jax.Array
        Shape ``(..., n_steps // save_every + 1, dim)``: the start and the saved states.
    """
    y0 = jnp.asarray(y0)
    p = jnp.asarray(p, dtype=y0.dtype)
    batch = jnp.broadcast_shapes(y0.shape[:-1], p.shape[:-1])
    y0b = jnp.broadcast_to(y0, batch + y0.shape[-1:]).reshape(-1, y0.shape[-1])
    pb = jnp.broadcast_to(p, batch + p.shape[-1:]).reshape(-1, p.shape[-1])
    run = jax.vmap(lambda y, q: _steps(f, y, q, dt, n_steps, solver, save_every))
    ys = run(y0b, pb)
    return ys.reshape(batch + ys.shape[1:])


def window_kernel(f, y0, p, dt, n_steps: int):
    """Trajectories of a batch of windows, each with its own start, sharing parameters.

    The same states as :func:`trajectory_kernel` (every step saved), differentiable in reverse
    mode (what NumPyro's NUTS asks for) through forward-mode sensitivities: each window
    carries the ``dim + n_params`` tangents of its own start and the shared parameters, so a
    gradient costs ``dim + n_params`` integrations per window whatever the number of windows
    (reverse mode through the stepper would store every step; forward mode over all the
    windows' starts at once would cost a number of integrations growing with the windows).

    Parameters
    ----------
    f : callable
        The vector field ``f(y, p)``.
    y0 : jax.Array
        The windows' starts, shape ``(K, dim)``.
    p : jax.Array
        The shared parameters, shape ``(n_params,)``.
    dt : float
        The step.
    n_steps : int
        Steps per window.

    Returns
    -------
    jax.Array
        Shape ``(K, n_steps + 1, dim)``: each window's start and states.
    """
    return _windows(f, n_steps, jnp.asarray(y0), jnp.asarray(p, dtype=jnp.asarray(y0).dtype), dt)


def _windows_and_jacobians(f, n_steps, y0, p, dt):
    def one(y, q):
        run = lambda y, q: _steps(f, y, q, dt, n_steps, "tsit5", 1)  # noqa: E731
        (jy, jp), ys = jax.jacfwd(lambda y, q: (run(y, q),) * 2, argnums=(0, 1), has_aux=True)(y, q)
        return ys, jy, jp

    return jax.vmap(one, in_axes=(0, None))(y0, p)


@partial(jax.custom_vjp, nondiff_argnums=(0, 1))
def _windows(f, n_steps, y0, p, dt):
    # undifferentiated (a posterior predictive replica, a plain evaluation): the states alone,
    # without the tangents _windows_fwd carries for the gradient
    return jax.vmap(lambda y: _steps(f, y, p, dt, n_steps, "tsit5", 1))(y0)


def _windows_fwd(f, n_steps, y0, p, dt):
    ys, jy, jp = _windows_and_jacobians(f, n_steps, y0, p, dt)
    return ys, (jy, jp, dt)


def _windows_bwd(f, n_steps, res, g):
    jy, jp, dt = res  # jy: (K, n+1, dim, dim), jp: (K, n+1, dim, n_params)
    return (jnp.einsum("ktd,ktde->ke", g, jy), jnp.einsum("ktd,ktde->e", g, jp), jnp.zeros_like(dt))


_windows.defvjp(_windows_fwd, _windows_bwd)


def _check_flow(flow, y0, params):
    if not isinstance(flow, Flow):
        raise ValueError(f"flow must be an emergence.flows.Flow (e.g. flows.LORENZ), got {flow!r}")
    y0 = _validate.in_range("y0", y0)
    if y0.ndim < 1 or y0.shape[-1] != flow.dim:
        raise ValueError(f"y0 must have shape (..., {flow.dim}) for {flow.name}, got {y0.shape}")
    p = _validate.in_range("params", flow.params if params is None else params)
    if p.ndim < 1 or p.shape[-1] != len(flow.param_names):
        raise ValueError(
            f"params must have shape (..., {len(flow.param_names)}) for {flow.name} "
            f"{flow.param_names}, got {p.shape}"
        )
    try:
        np.broadcast_shapes(y0.shape[:-1], p.shape[:-1])
    except ValueError:
        raise ValueError(
            f"the batch shapes of y0 {y0.shape[:-1]} and params {p.shape[:-1]} do not broadcast"
        ) from None
    return y0, p


def _check_steps(dt, n_steps, save_every):
    dt = float(_validate.in_range("dt", dt, lo=0.0))
    if dt == 0.0:
        raise ValueError("dt must be > 0, got 0.0")
    n_steps = _validate.positive_int("n_steps", n_steps)
    save_every = _validate.positive_int("save_every", save_every)
    if n_steps % save_every:
        raise ValueError(f"n_steps must be a multiple of save_every={save_every}, got {n_steps}")
    return dt, n_steps, save_every


def trajectory(
    flow: Flow, y0, params=None, *, dt: float, n_steps: int, save_every: int = 1, solver: str = "tsit5"
) -> np.ndarray:
    """Trajectories of a flow, in float64 (validating wrapper of :func:`trajectory_kernel`).

    Parameters
    ----------
    flow : Flow
        The flow (e.g. :data:`LORENZ`).
    y0 : array_like
        Starts, shape ``(..., flow.dim)``.
    params : array_like, optional
        Parameters, shape ``(..., n_params)`` broadcast against ``y0``; default the flow's
        classic values.
    dt : float
        The step (> 0), in the flow's time unit.
    n_steps : int
        Steps (>= 1, a multiple of ``save_every``).
    save_every : int, optional
        Steps between saved states (>= 1); default 1.
    solver : str, optional
        ``"tsit5"`` (default), ``"dopri5"``, ``"heun"`` or ``"euler"``.

    Returns
    -------
    numpy.ndarray
        Shape ``(..., n_steps // save_every + 1, flow.dim)``, the start first; the saved state
        ``k`` is at time ``k * save_every * dt``.
    """
    y0, p = _check_flow(flow, y0, params)
    dt, n_steps, save_every = _check_steps(dt, n_steps, save_every)
    _solver(solver)
    with jax.enable_x64(True):
        ys = trajectory_kernel(flow.f, jnp.asarray(y0), jnp.asarray(p), dt, n_steps, save_every, solver)
        return np.asarray(ys, dtype=np.float64)


# ---- Lyapunov spectrum ---------------------------------------------------------------------------
class Spectrum(NamedTuple):
    """What :func:`lyapunov_spectrum` returns (NumPy float64 arrays, batch shape ``B``).

    Parameters
    ----------
    exponents : numpy.ndarray
        Shape ``(*B, dim)``: the estimates at the last time, per unit time, in the QR order
        (decreasing once the frame has aligned).
    running : numpy.ndarray
        Shape ``(*B, n_renorm, dim)``: the estimates after each re-orthonormalization.
    times : numpy.ndarray
        Shape ``(n_renorm,)``: the integration times of those estimates.
    mean_divergence : numpy.ndarray
        Shape ``B``: the time average of ``div f`` along the same trajectory.
    final_state : numpy.ndarray
        Shape ``(*B, dim)``: where the trajectories ended.
    """

    exponents: np.ndarray
    running: np.ndarray
    times: np.ndarray
    mean_divergence: np.ndarray
    final_state: np.ndarray


def _tangent_field(f):
    def g(state, p):
        y, Q, _ = state
        J = jax.jacfwd(f)(y, p)
        return (f(y, p), J @ Q, jnp.trace(J))

    return g


def _spectrum_one(f, y0, p, dt, n_transient, renorm_every, n_renorm, solver):
    import diffrax

    y = y0
    if n_transient:
        y = _steps(f, y0, p, dt, n_transient, solver, n_transient)[-1]
    dim = y.shape[0]
    g = _tangent_field(f)
    term = diffrax.ODETerm(lambda t, s, args: g(s, args))
    tau = dt * renorm_every

    def interval(carry, _):
        y, Q, logs, div = carry
        sol = diffrax.diffeqsolve(
            term,
            _solver(solver),
            t0=0.0,
            t1=tau,
            dt0=dt,
            y0=(y, Q, jnp.zeros((), y.dtype)),
            args=p,
            saveat=diffrax.SaveAt(t1=True),
            stepsize_controller=diffrax.ConstantStepSize(),
            max_steps=renorm_every + 1,
        )
        y1, M, d = (leaf[-1] for leaf in sol.ys)
        Qn, R = jnp.linalg.qr(M)
        diag = jnp.diagonal(R)
        sign = jnp.sign(diag)
        Qn = Qn * sign  # columns with positive R diagonal: a continuous frame
        logs = logs + jnp.log(jnp.abs(diag))
        div = div + d
        return (y1, Qn, logs, div), logs

    # a generic orthonormal first frame: the identity would keep invariant coordinate subspaces
    # (Hopf's z axis) apart forever, and the QR order would never sort them
    i = jnp.arange(dim, dtype=y.dtype)
    Q0, _ = jnp.linalg.qr(jnp.sin(1.0 + i[:, None] + (i[:, None] + 1.0) * (i[None, :] + 1.0) ** 1.5))
    init = (y, Q0, jnp.zeros(dim, y.dtype), jnp.zeros((), y.dtype))
    (y_end, _, _, div), logs = jax.lax.scan(interval, init, None, length=n_renorm)
    return logs, div, y_end


@partial(jax.jit, static_argnames=("f", "n_transient", "renorm_every", "n_renorm", "solver"))
def lyapunov_kernel(
    f, y0, p, dt, n_transient: int, renorm_every: int, n_renorm: int, solver: str = "tsit5"
):
    """The Benettin-QR sums of a batch of trajectories (pure, jittable).

    Parameters
    ----------
    f : callable
        The vector field ``f(y, p)``.
    y0 : jax.Array
        Starts, shape ``(..., dim)``.
    p : jax.Array
        Parameters, shape ``(..., n_params)``, broadcast against ``y0``.
    dt : float
        The step.
    n_transient : int
        Steps discarded before the tangent dynamics starts (>= 0).
    renorm_every : int
        Steps between QR re-orthonormalizations.
    n_renorm : int
        Re-orthonormalizations.
    solver : str, optional
        The diffrax solver's name; default ``"tsit5"``.

    Returns
    -------
    logs : jax.Array
        Shape ``(..., n_renorm, dim)``: the cumulative sums of ``log |R_ii|`` after each QR
        step (divide by the elapsed time for the exponents).
    divergence : jax.Array
        Shape ``(...)``: ``int div f dt`` over the same time.
    y_end : jax.Array
        Shape ``(..., dim)``: the final states.
    """
    y0 = jnp.asarray(y0)
    p = jnp.asarray(p, dtype=y0.dtype)
    batch = jnp.broadcast_shapes(y0.shape[:-1], p.shape[:-1])
    y0b = jnp.broadcast_to(y0, batch + y0.shape[-1:]).reshape(-1, y0.shape[-1])
    pb = jnp.broadcast_to(p, batch + p.shape[-1:]).reshape(-1, p.shape[-1])
    one = partial(
        _spectrum_one,
        f,
        dt=dt,
        n_transient=n_transient,
        renorm_every=renorm_every,
        n_renorm=n_renorm,
        solver=solver,
    )
    logs, div, y_end = jax.vmap(lambda y, q: one(y, q))(y0b, pb)
    return (
        logs.reshape(batch + logs.shape[1:]),
        div.reshape(batch),
        y_end.reshape(batch + y_end.shape[1:]),
    )


def lyapunov_spectrum(
    flow: Flow,
    y0=None,
    params=None,
    *,
    dt: float,
    t_max: float,
    t_renorm: float,
    t_transient: float = 0.0,
    solver: str = "tsit5",
) -> Spectrum:
    """The Lyapunov spectrum by the Benettin (QR) method, in float64.

    The state and an orthonormal frame ``Q`` of tangent vectors evolve together,
    ``dy/dt = f(y, p)`` and ``dQ/dt = J(y) Q`` with the exact Jacobian; every ``t_renorm``
    the frame is re-orthonormalized, ``Q R = M``, and ``log |R_ii|`` accumulates. After time
    ``t`` the sums over ``t`` estimate the exponents, in natural-log units per unit time.

    Parameters
    ----------
    flow : Flow
        The flow.
    y0 : array_like, optional
        Starts, shape ``(..., flow.dim)``; default ``flow.y0``.
    params : array_like, optional
        Parameters, shape ``(..., n_params)``; default the flow's classic values.
    dt : float
        The integration step (> 0).
    t_max : float
        Integration time after the transient (a multiple of ``t_renorm``, to within one part in
        10^9).
    t_renorm : float
        Time between re-orthonormalizations (a multiple of ``dt``, to within one part in 10^9).
    t_transient : float, optional
        Time integrated first and discarded (>= 0, a multiple of ``dt``); default 0.
    solver : str, optional
        The diffrax solver's name; default ``"tsit5"``.

    Returns
    -------
    Spectrum
        The exponents (decreasing by construction of the QR order, which the long-time limit
        sorts), the running estimates at ``times``, the mean divergence and the final states.
    """
    y0, p = _check_flow(flow, flow.y0 if y0 is None else y0, params)
    dt = float(_validate.in_range("dt", dt, lo=0.0))
    if dt == 0.0:
        raise ValueError("dt must be > 0, got 0.0")
    renorm_every = _multiple("t_renorm", t_renorm, "dt", dt, minimum=1)
    n_renorm = _multiple("t_max", t_max, "t_renorm", renorm_every * dt, minimum=1)
    n_transient = _multiple("t_transient", t_transient, "dt", dt, minimum=0)
    _solver(solver)
    with jax.enable_x64(True):
        logs, div, y_end = lyapunov_kernel(
            flow.f, jnp.asarray(y0), jnp.asarray(p), dt, n_transient, renorm_every, n_renorm, solver
        )
        logs, div, y_end = (np.asarray(a, dtype=np.float64) for a in (logs, div, y_end))
    times = renorm_every * dt * np.arange(1, n_renorm + 1)
    running = logs / times[:, None]
    return Spectrum(running[..., -1, :], running, times, div / times[-1], y_end)


def _multiple(name, value, unit_name, unit, minimum):
    v = float(_validate.in_range(name, value, lo=0.0))
    k = round(v / unit)
    if abs(k * unit - v) > 1e-9 * max(v, unit) or k < minimum:
        what = "> 0 and " if minimum else ""
        raise ValueError(f"{name} must be {what}a multiple of {unit_name}={unit:g}, got {value!r}")
    return int(k)


# ---- forecast horizon ----------------------------------------------------------------------------
def _horizon_one(f, y, p, direction, log_delta0, log_tol, dt, chunk, n_chunks, solver):
    """First time ``|y_pert - y| > tol`` for each ``delta0`` (log-linear between steps)."""
    deltas = jnp.exp(log_delta0)

    def chunk_step(carry, k):
        ys, found = carry  # ys: (n_delta + 1, dim), the truth first
        traj = jax.vmap(lambda s: _steps(f, s, p, dt, chunk, solver, 1))(ys)  # (n+1, chunk+1, dim)
        err = jnp.linalg.norm(traj[1:] - traj[:1], axis=-1)  # (n_delta, chunk + 1)
        lerr = jnp.log(err)
        above = lerr[:, 1:] > log_tol[:, None]
        first = jnp.argmax(above, axis=1)  # first step (within the chunk) past the tolerance
        any_above = above.any(axis=1)
        lo = jnp.take_along_axis(lerr, first[:, None], axis=1)[:, 0]
        hi = jnp.take_along_axis(lerr, first[:, None] + 1, axis=1)[:, 0]
        frac = jnp.clip((log_tol - lo) / jnp.where(hi > lo, hi - lo, 1.0), 0.0, 1.0)
        t_cross = (k * chunk + first + frac) * dt
        found = jnp.where(jnp.isnan(found) & any_above, t_cross, found)
        return (traj[:, -1], found), None

    y_pert = y + deltas[:, None] * direction
    ys = jnp.concatenate([y[None], y_pert], axis=0)
    found0 = jnp.full(deltas.shape, jnp.nan, dtype=y.dtype)
    (_, found), _ = jax.lax.scan(chunk_step, (ys, found0), jnp.arange(n_chunks))
    return found


@partial(jax.jit, static_argnames=("f", "chunk", "n_chunks", "solver"))
def forecast_horizon_kernel(
    f, key, y, p, log_delta0, log_tol, dt, chunk: int, n_chunks: int, solver: str = "tsit5"
):
    """Forecast horizons from a batch of true states (pure, jittable).

    Parameters
    ----------
    f : callable
        The vector field ``f(y, p)``.
    key : jax.Array
        Draws each start's perturbation direction (uniform on the sphere).
    y : jax.Array
        True starting states, shape ``(n_starts, dim)``.
    p : jax.Array
        Parameters, shape ``(n_params,)``.
    log_delta0 : jax.Array
        Natural logs of the initial errors, shape ``(n_delta,)``.
    log_tol : jax.Array
        Natural log of the tolerance, broadcast to ``(n_delta,)``.
    dt : float
        The step.
    chunk, n_chunks : int
        The horizon is looked for in ``n_chunks`` chunks of ``chunk`` steps.
    solver : str, optional
        The diffrax solver's name; default ``"tsit5"``.

    Returns
    -------
    jax.Array
        Shape ``(n_delta, n_starts)``: the horizons (NaN where the error stayed below the
        tolerance for all ``chunk * n_chunks`` steps).
    """
    y = jnp.asarray(y)
    p = jnp.asarray(p, dtype=y.dtype)
    log_delta0 = jnp.asarray(log_delta0, dtype=y.dtype)
    log_tol = jnp.broadcast_to(jnp.asarray(log_tol, dtype=y.dtype), log_delta0.shape)
    direction = jax.random.normal(key, y.shape, dtype=y.dtype)
    direction = direction / jnp.linalg.norm(direction, axis=-1, keepdims=True)
    one = partial(
        _horizon_one,
        f,
        p=p,
        log_delta0=log_delta0,
        log_tol=log_tol,
        dt=dt,
        chunk=chunk,
        n_chunks=n_chunks,
        solver=solver,
    )
    return jax.vmap(lambda s, d: one(s, direction=d), out_axes=1)(y, direction)


def forecast_horizon(
    key,
    flow: Flow,
    starts,
    delta0,
    tolerance: float,
    params=None,
    *,
    dt: float,
    t_max: float,
    chunk: int = 50,
    solver: str = "tsit5",
) -> np.ndarray:
    """The time a forecast stays within ``tolerance`` of the truth, from initial errors ``delta0``.

    From each true state, the forecast starts at ``y + delta0 u`` (``u`` a random unit vector,
    one per start, the same for every ``delta0``) and both evolve under the same flow: the
    model is perfect, only the start is wrong. The horizon is the first time the Euclidean
    distance exceeds ``tolerance``, interpolated log-linearly between steps. While the error is
    small it grows on average as ``exp(lambda_max t)``, so the mean horizon approaches
    ``(1 / lambda_max) ln(tolerance / delta0)`` plus a constant.

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key of the perturbations' directions.
    flow : Flow
        The flow.
    starts : array_like
        True starting states, shape ``(n_starts, flow.dim)`` (points on the attractor).
    delta0 : array_like
        Initial errors, shape ``(n_delta,)``, each in ``(0, tolerance)``.
    tolerance : float
        The error at which a forecast is lost (> 0, in the state's units).
    params : array_like, optional
        The flow's parameters, shape ``(n_params,)``; default its classic values.
    dt : float
        The step (> 0).
    t_max : float
        The longest horizon looked for (> 0; rounded up to whole chunks).
    chunk : int, optional
        Steps integrated at a time (>= 1); default 50.
    solver : str, optional
        The diffrax solver's name; default ``"tsit5"``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_delta, n_starts)``, float64: the horizons, NaN where the forecast was still
        within tolerance at the end.
    """
    starts, p = _check_flow(flow, starts, params)
    if starts.ndim != 2:
        raise ValueError(f"starts must have shape (n_starts, {flow.dim}), got {starts.shape}")
    if p.ndim != 1:
        raise ValueError(f"params must have shape ({len(flow.param_names)},), got {p.shape}")
    tol = float(_validate.in_range("tolerance", tolerance, lo=0.0))
    if tol == 0.0:
        raise ValueError("tolerance must be > 0, got 0.0")
    # in_range checks finiteness and the closed interval; the ends are excluded below
    d0 = np.atleast_1d(
        _validate.in_range("delta0", delta0, lo=0.0, hi=tol, what=f"in (0, tolerance={tol:g})")
    )
    if d0.ndim != 1:
        raise ValueError(f"delta0 must have shape (n_delta,), got {d0.shape}")
    bad = d0[(d0 <= 0) | (d0 >= tol)]
    if bad.size:
        raise ValueError(f"delta0 must be in (0, tolerance={tol:g}), got {float(bad[0])!r}")
    dt = float(_validate.in_range("dt", dt, lo=0.0))
    if dt == 0.0:
        raise ValueError("dt must be > 0, got 0.0")
    t_max = float(_validate.in_range("t_max", t_max, lo=0.0))
    if t_max == 0.0:
        raise ValueError("t_max must be > 0, got 0.0")
    chunk = _validate.positive_int("chunk", chunk)
    n_chunks = max(1, int(np.ceil(t_max / (dt * chunk) - 1e-9)))
    _solver(solver)
    with jax.enable_x64(True):
        h = forecast_horizon_kernel(
            flow.f,
            key,
            jnp.asarray(starts),
            jnp.asarray(p),
            jnp.log(jnp.asarray(d0)),
            jnp.log(tol),
            dt,
            chunk,
            n_chunks,
            solver,
        )
        return np.asarray(h, dtype=np.float64)


def attractor_points(
    flow: Flow, n_points: int, params=None, *, dt: float, t_transient: float, t_between: float, y0=None
) -> np.ndarray:
    """States on a flow's attractor, ``t_between`` apart along one trajectory.

    Parameters
    ----------
    flow : Flow
        The flow.
    n_points : int
        Points wanted (>= 1).
    params : array_like, optional
        Parameters, shape ``(n_params,)``; default the classic values.
    dt : float
        The step (> 0).
    t_transient : float
        Time integrated first and discarded (>= 0, a multiple of ``dt``).
    t_between : float
        Time between the points (> 0, a multiple of ``dt``).
    y0 : array_like, optional
        The start, shape ``(flow.dim,)``; default ``flow.y0``.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_points, flow.dim)``.
    """
    n_points = _validate.positive_int("n_points", n_points)
    dt = float(_validate.in_range("dt", dt, lo=0.0))
    if dt == 0.0:
        raise ValueError("dt must be > 0, got 0.0")
    between = _multiple("t_between", t_between, "dt", dt, minimum=1)
    transient = _multiple("t_transient", t_transient, "dt", dt, minimum=0)
    y_start = flow.y0 if y0 is None else y0
    if transient % between == 0:  # one integration (one compilation), the transient dropped
        skip = transient // between
        ys = trajectory(
            flow, y_start, params, dt=dt, n_steps=between * (n_points + skip), save_every=between
        )
        return ys[skip + 1 :]
    if transient:
        y_start = trajectory(flow, y_start, params, dt=dt, n_steps=transient, save_every=transient)[-1]
    ys = trajectory(flow, y_start, params, dt=dt, n_steps=between * n_points, save_every=between)
    return ys[1:]
