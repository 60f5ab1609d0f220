"""The flows kernels against exact results: the integrator's order on a linear flow with a
closed-form solution, every vector field against SciPy's solve_ivp on a field written out
independently here, the Henon-Heiles energy, Liouville's identity (the Lyapunov exponents' sum
equals the time-averaged divergence, for Lorenz exactly -(sigma + 1 + beta)), the exact spectrum
of a limit cycle (0, -2 mu, -gamma), the zero exponent along the flow, the symplectic pairing,
forecast horizons of a uniformly expanding flow (exactly ln(tol / delta0) / a), the windows'
reverse-mode gradient, the Kaplan-Yorke dimension, and argument validation.

Every physical parameter is away from 1 and at more than one value: Lorenz's (sigma, rho,
beta) at three sets, Roessler's at two, Thomas' b at two, the Henon-Heiles coupling at two, the
limit cycle's (mu, omega, gamma) at two, the expansion rate at two, the step at several.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.linalg import expm

from emergence import flows

jax.config.update("jax_enable_x64", True)


def np_field(name, y, p):
    """The vector fields written out again, independently of the library, in NumPy."""
    if name == "Lorenz":
        s, r, b = p
        return [s * (y[1] - y[0]), y[0] * (r - y[2]) - y[1], y[0] * y[1] - b * y[2]]
    if name == "Roessler":
        a, b, c = p
        return [-y[1] - y[2], y[0] + a * y[1], b + y[2] * (y[0] - c)]
    if name == "Thomas":
        (b,) = p
        return [np.sin(y[1]) - b * y[0], np.sin(y[2]) - b * y[1], np.sin(y[0]) - b * y[2]]
    if name == "Henon-Heiles":
        (lam,) = p
        x, q, px, py = y
        return [px, py, -x - 2 * lam * x * q, -q - lam * (x * x - q * q)]
    if name == "Hopf":
        mu, om, g = p
        r2 = y[0] ** 2 + y[1] ** 2
        return [mu * y[0] - om * y[1] - r2 * y[0], om * y[0] + mu * y[1] - r2 * y[1], -g * y[2]]
    raise KeyError(name)


def reference(name, y0, p, t):
    sol = solve_ivp(lambda _, y: np_field(name, y, p), (0, t[-1]), y0, t_eval=t, rtol=1e-12, atol=1e-12)
    return sol.y.T


CASES = [
    (flows.LORENZ, (7.5, 21.0, 1.9), (1.3, -2.2, 17.0)),
    (flows.LORENZ, (16.0, 45.92, 4.0), (-3.0, 4.0, 30.0)),
    (flows.ROSSLER, (0.2, 0.2, 5.7), (1.0, 2.0, 0.3)),
    (flows.ROSSLER, (0.1, 0.35, 4.2), (-2.0, 0.5, 0.1)),
    (flows.THOMAS, (0.208186,), (0.1, 0.4, -0.3)),
    (flows.THOMAS, (0.32,), (1.1, -0.4, 0.7)),
    (flows.HENON_HEILES, (0.8,), (0.1, -0.2, 0.3, 0.25)),
    (flows.HENON_HEILES, (1.3,), (0.0, 0.1, 0.45, -0.1)),
    (flows.HOPF, (0.6, 2.1, 0.35), (0.3, -0.9, 1.2)),
    (flows.HOPF, (1.7, 0.8, 2.5), (1.5, 0.5, -0.4)),
]


# ---- the vector fields and the integrator --------------------------------------------------


@pytest.mark.parametrize("flow, p, y0", CASES, ids=lambda c: getattr(c, "name", None))
def test_every_flow_matches_an_independent_field_solved_by_scipy(flow, p, y0):
    dt, n = 0.002, 1000  # t = 2: a few of Lorenz's Lyapunov times, errors grow e^{0.9 t}
    ys = flows.trajectory(flow, y0, p, dt=dt, n_steps=n, save_every=100)
    ref = reference(flow.name, y0, p, dt * 100 * np.arange(11))
    np.testing.assert_allclose(ys, ref, rtol=1e-7, atol=1e-7)
    assert ys.dtype == np.float64 and ys.shape == (11, flow.dim)


@pytest.mark.parametrize("flow, p, y0", CASES, ids=lambda c: getattr(c, "name", None))
def test_divergence_is_the_trace_of_the_jacobian(flow, p, y0):
    y, q = jnp.asarray(y0), jnp.asarray(p)
    J = jax.jacfwd(flow.f)(y, q)
    np.testing.assert_allclose(flow.divergence(y, q), jnp.trace(J), rtol=1e-12, atol=1e-12)


def _linear(y, p):
    """y'' + 2 zeta omega y' + omega^2 y = 0 as a first-order system, p = (omega, zeta)."""
    om, z = p[0], p[1]
    return jnp.stack([y[1], -(om**2) * y[0] - 2 * z * om * y[1]])


LINEAR = flows.Flow(
    "damped oscillator",
    _linear,
    lambda y, p: -2 * p[1] * p[0],
    ("omega", "zeta"),
    (2.3, 0.15),
    (1.0, -0.4),
)


@pytest.mark.parametrize("solver, order", [("tsit5", 5), ("dopri5", 5), ("heun", 2), ("euler", 1)])
@pytest.mark.parametrize("omega, zeta", [(2.3, 0.15), (0.6, 0.45)])
def test_integrator_order_on_a_closed_form_solution(solver, order, omega, zeta):
    A = np.array([[0.0, 1.0], [-(omega**2), -2 * zeta * omega]])
    y0, T = np.array([1.0, -0.4]), 6.0
    exact = expm(A * T) @ y0
    errs = []
    for n in (40, 80, 160) if order == 5 else (240, 480, 960):  # fifth order: above roundoff
        ys = flows.trajectory(
            LINEAR, y0, (omega, zeta), dt=T / n, n_steps=n, save_every=n, solver=solver
        )
        errs.append(np.linalg.norm(ys[-1] - exact))
    rates = np.log2(np.array(errs[:-1]) / np.array(errs[1:]))
    np.testing.assert_allclose(rates, order, atol=0.4)  # pre-asymptotic by a few tenths


def test_saved_states_sit_at_their_times_and_batches_broadcast():
    om, z = np.array([[2.3, 0.15], [0.6, 0.45], [1.7, 0.05]]).T
    y0 = np.array([1.0, -0.4])
    params = np.stack([om, z], axis=-1)  # (3, 2): three systems from one start
    ys = flows.trajectory(LINEAR, y0, params, dt=0.001, n_steps=3000, save_every=500)
    assert ys.shape == (3, 7, 2)
    for i in range(3):
        A = np.array([[0.0, 1.0], [-(om[i] ** 2), -2 * z[i] * om[i]]])
        for k in range(7):
            np.testing.assert_allclose(ys[i, k], expm(A * 0.5 * k) @ y0, atol=1e-11)


def hh_chaotic(lam):
    """A chaotic Henon-Heiles start at coupling lam: at coupling 1, x = 0, y = -0.2, p_y = 0
    and E = 0.155 (below the escape energy 1/6); x -> x / lam maps it onto coupling lam at
    energy E / lam^2."""
    E1, q = 0.155, -0.2
    px = np.sqrt(2 * (E1 - 0.5 * q**2 + q**3 / 3))
    return np.array([0.0, q, px, 0.0]) / lam


@pytest.mark.parametrize("lam", [0.8, 1.3])
def test_henon_heiles_conserves_its_energy(lam):
    y0 = hh_chaotic(lam)
    ys = flows.trajectory(flows.HENON_HEILES, y0, (lam,), dt=0.01, n_steps=20000, save_every=50)
    E = flows.henon_heiles_energy(ys, lam)
    np.testing.assert_allclose(E, flows.henon_heiles_energy(np.asarray(y0), lam), rtol=0, atol=1e-10)
    # the energy is the Hamiltonian of the flow's equations: its gradient gives them
    y = jnp.asarray(y0)
    H = lambda s: 0.5 * jnp.sum(s**2) + lam * (s[0] ** 2 * s[1] - s[1] ** 3 / 3)  # noqa: E731
    g = jax.grad(lambda s: H(jnp.concatenate([s[:2], s[2:]])))(y)
    np.testing.assert_allclose(
        flows.HENON_HEILES.f(y, jnp.asarray([lam])), [g[2], g[3], -g[0], -g[1]], atol=1e-14
    )


def test_window_kernel_equals_trajectories_and_its_gradient_is_exact():
    f = flows.LORENZ.f
    y0 = jnp.array([[1.0, 2.0, 20.0], [3.0, -1.0, 25.0], [-6.0, -7.0, 22.0]])
    p = jnp.array([9.0, 31.0, 2.2])
    w = flows.window_kernel(f, y0, p, 0.01, 60)
    np.testing.assert_allclose(w, flows.trajectory_kernel(f, y0, p, 0.01, 60), atol=1e-12)
    weights = jnp.cos(jnp.arange(w.size).reshape(w.shape))

    @jax.jit
    def loss_w(y, q):
        return jnp.sum(weights * jnp.sin(flows.window_kernel(f, y, q, 0.01, 60)))

    def loss_t(y, q):
        return jnp.sum(weights * jnp.sin(flows.trajectory_kernel(f, y, q, 0.01, 60)))

    # the value NUTS sees beside the gradient comes from the differentiated path, which
    # integrates apart from the plain call: both must give the trajectories' value
    value, gw = jax.jit(jax.value_and_grad(loss_w, argnums=(0, 1)))(y0, p)
    np.testing.assert_allclose(value, loss_t(y0, p), rtol=1e-12)
    np.testing.assert_allclose(loss_w(y0, p), loss_t(y0, p), rtol=1e-12)
    gt = jax.jit(jax.jacfwd(loss_t, argnums=(0, 1)))(y0, p)
    for a, b in zip(gw, gt, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9)
    # and against finite differences of the parameters
    eps = 1e-6
    for j in range(3):
        e = jnp.zeros(3).at[j].set(eps)
        fd = (loss_w(y0, p + e) - loss_w(y0, p - e)) / (2 * eps)
        np.testing.assert_allclose(gw[1][j], fd, rtol=1e-5)


# ---- Lyapunov spectra --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "p", [(10.0, 28.0, 8 / 3), (16.0, 45.92, 4.0), (7.5, 21.0, 1.9)], ids=["classic", "wolf", "low"]
)
def test_lorenz_exponents_sum_to_minus_sigma_plus_one_plus_beta(p):
    s = flows.lyapunov_spectrum(
        flows.LORENZ, (1.3, -2.2, 17.0), p, dt=0.005, t_max=20.0, t_renorm=0.25, t_transient=5.0
    )
    target = -(p[0] + 1 + p[2])
    np.testing.assert_allclose(s.running.sum(axis=-1), target, rtol=1e-8)
    np.testing.assert_allclose(s.mean_divergence, target, rtol=1e-12)
    assert s.running.shape == (80, 3) and s.times.shape == (80,)
    np.testing.assert_allclose(s.times, 0.25 * np.arange(1, 81))
    np.testing.assert_allclose(s.exponents, s.running[-1])


@pytest.mark.parametrize(
    "flow, p, y0, dt",
    [
        (flows.ROSSLER, (0.2, 0.2, 5.7), (1.0, 2.0, 0.3), 0.01),
        (flows.ROSSLER, (0.1, 0.35, 4.2), (-2.0, 0.5, 0.1), 0.01),
        (flows.THOMAS, (0.32,), (1.1, -0.4, 0.7), 0.05),
        (flows.HOPF, (0.6, 2.1, 0.35), (0.3, -0.9, 1.2), 0.01),
    ],
)
def test_exponent_sum_equals_the_time_averaged_divergence(flow, p, y0, dt):
    s = flows.lyapunov_spectrum(
        flow, y0, p, dt=dt, t_max=100 * dt * 20, t_renorm=20 * dt, t_transient=10 * dt
    )
    # Liouville: sum_i log R_ii = log |det M| = int div f dt, along the same trajectory
    np.testing.assert_allclose(s.exponents.sum(), s.mean_divergence, rtol=1e-7, atol=1e-9)
    assert (
        abs(s.mean_divergence - float(flow.divergence(jnp.asarray(y0), jnp.asarray(p)))) > 1e-3
        or flow is flows.THOMAS
    )


@pytest.mark.parametrize("mu, omega, gamma", [(0.6, 2.1, 0.35), (1.7, 0.8, 2.5)])
def test_limit_cycle_has_its_exact_spectrum(mu, omega, gamma):
    y0 = (np.sqrt(mu), 0.0, 0.3)  # on the cycle
    s = flows.lyapunov_spectrum(
        flows.HOPF, y0, (mu, omega, gamma), dt=0.01, t_max=400.0, t_renorm=0.5, t_transient=0.0
    )
    np.testing.assert_allclose(s.exponents, flows.hopf_spectrum(mu, gamma), atol=0.01)


def test_hopf_spectrum_is_sorted():
    np.testing.assert_array_equal(flows.hopf_spectrum(0.6, 0.35), [0.0, -0.35, -1.2])
    np.testing.assert_array_equal(flows.hopf_spectrum(0.1, 2.5), [0.0, -0.2, -2.5])


def test_lorenz_spectrum_near_the_literature_and_zero_along_the_flow():
    rng = np.random.default_rng(3)
    starts = rng.normal(size=(6, 3)) * 3 + [0, 0, 25]
    s = flows.lyapunov_spectrum(
        flows.LORENZ, starts, dt=0.01, t_max=300.0, t_renorm=0.1, t_transient=20.0
    )
    lam = s.exponents.mean(axis=0)
    np.testing.assert_allclose(lam, flows.LORENZ_SPECTRUM, atol=0.02)
    assert np.all(np.abs(s.exponents[:, 1]) < 0.03)  # the direction along the flow
    assert s.exponents.shape == (6, 3) and s.final_state.shape == (6, 3)


@pytest.mark.parametrize("lam", [0.8, 1.3])
def test_hamiltonian_exponents_sum_to_zero_and_pair(lam):
    # x -> x / lam maps the flow at coupling 1 and energy E onto coupling lam and E / lam^2:
    # the same chaotic orbit (E = 0.155 at coupling 1, below the escape energy 1/6)
    y0 = hh_chaotic(lam)
    assert flows.henon_heiles_energy(y0, lam) == pytest.approx(0.155 / lam**2)
    s = flows.lyapunov_spectrum(flows.HENON_HEILES, y0, (lam,), dt=0.02, t_max=500.0, t_renorm=0.5)
    np.testing.assert_allclose(s.running.sum(axis=-1), 0.0, atol=1e-8)
    assert s.exponents[0] > 0.08  # chaotic (0.126 at this length)
    np.testing.assert_allclose(s.exponents[0], -s.exponents[3], atol=0.005)
    assert np.all(np.abs(s.exponents[1:3]) < 0.02)  # converging to 0 as 1 / t


# ---- forecast horizons -----------------------------------------------------------------------


def _expand(y, p):
    return p[0] * y


EXPAND = flows.Flow(
    "expanding", _expand, lambda y, p: 3 * p[0] + 0 * y[0], ("a",), (0.7,), (1.0, 2.0, 3.0)
)


@pytest.mark.parametrize("a", [0.7, 1.9])
def test_forecast_horizon_of_a_uniform_expansion_is_exact(a):
    starts = np.array([[1.0, -2.0, 0.5], [0.3, 0.2, -4.0], [2.0, 1.0, 1.0]])
    delta0 = np.array([1e-6, 3e-4, 0.02])
    tol = 0.5
    h = flows.forecast_horizon(
        jax.random.key(4), EXPAND, starts, delta0, tol, (a,), dt=0.003, t_max=30.0, chunk=40
    )
    exact = np.log(tol / delta0) / a
    np.testing.assert_allclose(h, np.broadcast_to(exact[:, None], (3, 3)), rtol=1e-7)


def test_forecast_horizon_is_nan_where_the_error_stays_small():
    starts = np.array([[1.0, -2.0, 0.5]])
    h = flows.forecast_horizon(
        jax.random.key(4), EXPAND, starts, [1e-6, 0.1], 0.5, (0.7,), dt=0.01, t_max=5.0, chunk=25
    )
    assert np.isnan(h[0, 0]) and np.isclose(h[1, 0], np.log(5.0) / 0.7, rtol=1e-7)


def test_lorenz_mean_horizon_grows_as_the_lyapunov_time():
    pts = flows.attractor_points(flows.LORENZ, 120, dt=0.01, t_transient=20.0, t_between=0.7)
    delta0 = np.logspace(-9, -4, 4)
    h = flows.forecast_horizon(jax.random.key(1), flows.LORENZ, pts, delta0, 1.0, dt=0.01, t_max=40.0)
    slope = np.polyfit(np.log(1 / delta0), np.nanmean(h, axis=1), 1)[0]
    np.testing.assert_allclose(slope, 1 / flows.LORENZ_SPECTRUM[0], rtol=0.1)


def test_attractor_points_are_spaced_along_one_trajectory():
    pts = flows.attractor_points(
        flows.ROSSLER, 4, (0.1, 0.35, 4.2), dt=0.01, t_transient=1.0, t_between=0.5
    )
    ys = flows.trajectory(
        flows.ROSSLER, flows.ROSSLER.y0, (0.1, 0.35, 4.2), dt=0.01, n_steps=300, save_every=50
    )
    np.testing.assert_allclose(pts, ys[[3, 4, 5, 6]], atol=1e-12)


# ---- the Kaplan-Yorke dimension ---------------------------------------------------------------


def test_kaplan_yorke_dimension():
    assert flows.kaplan_yorke_dimension(flows.LORENZ_SPECTRUM) == pytest.approx(2 + 0.9056 / 14.5723)
    assert flows.kaplan_yorke_dimension([-14.5, 0.0, 0.9]) == pytest.approx(2 + 0.9 / 14.5)
    assert flows.kaplan_yorke_dimension([0.5, -0.2, -1.0]) == pytest.approx(2 + 0.3 / 1.0)
    assert flows.kaplan_yorke_dimension([0.5, -0.8, -1.0]) == pytest.approx(1 + 0.5 / 0.8)
    assert flows.kaplan_yorke_dimension([-0.1, -0.8]) == 0.0
    assert flows.kaplan_yorke_dimension([0.3, 0.1]) == 2.0
    assert flows.kaplan_yorke_dimension([0.0, -2.0]) == 1.0


# ---- argument checks ---------------------------------------------------------------------------


def test_bad_arguments_raise_clear_errors():
    L = flows.LORENZ
    with pytest.raises(ValueError, match=r"flow must be an emergence.flows.Flow"):
        flows.trajectory("lorenz", (1, 1, 1), dt=0.01, n_steps=10)
    with pytest.raises(ValueError, match=r"y0 must have shape \(\.\.\., 3\)"):
        flows.trajectory(L, (1, 1), dt=0.01, n_steps=10)
    with pytest.raises(ValueError, match=r"params must have shape \(\.\.\., 3\)"):
        flows.trajectory(L, (1, 1, 1), (10.0, 28.0), dt=0.01, n_steps=10)
    with pytest.raises(ValueError, match=r"do not broadcast"):
        flows.trajectory(L, np.ones((2, 3)), np.ones((3, 3)), dt=0.01, n_steps=10)
    with pytest.raises(ValueError, match=r"y0 must be finite, got nan"):
        flows.trajectory(L, (1, np.nan, 1), dt=0.01, n_steps=10)
    with pytest.raises(ValueError, match=r"dt must be > 0, got 0.0"):
        flows.trajectory(L, (1, 1, 1), dt=0.0, n_steps=10)
    with pytest.raises(ValueError, match=r"dt must be finite and >= 0, got -0.1"):
        flows.trajectory(L, (1, 1, 1), dt=-0.1, n_steps=10)
    with pytest.raises(ValueError, match=r"n_steps must be an integer >= 1, got 0"):
        flows.trajectory(L, (1, 1, 1), dt=0.01, n_steps=0)
    with pytest.raises(ValueError, match=r"n_steps must be a multiple of save_every=3, got 10"):
        flows.trajectory(L, (1, 1, 1), dt=0.01, n_steps=10, save_every=3)
    with pytest.raises(
        ValueError, match=r"solver must be one of \['dopri5', 'euler', 'heun', 'tsit5'\], got 'rk4'"
    ):
        flows.trajectory(L, (1, 1, 1), dt=0.01, n_steps=10, solver="rk4")
    with pytest.raises(ValueError, match=r"t_renorm must be > 0 and a multiple of dt=0.01, got 0.015"):
        flows.lyapunov_spectrum(L, dt=0.01, t_max=1.0, t_renorm=0.015)
    with pytest.raises(ValueError, match=r"t_max must be > 0 and a multiple of t_renorm=0.1, got 0.25"):
        flows.lyapunov_spectrum(L, dt=0.01, t_max=0.25, t_renorm=0.1)
    with pytest.raises(ValueError, match=r"t_transient must be a multiple of dt=0.01, got 0.005"):
        flows.lyapunov_spectrum(L, dt=0.01, t_max=1.0, t_renorm=0.1, t_transient=0.005)
    pts = np.ones((2, 3))
    with pytest.raises(ValueError, match=r"delta0 must be in \(0, tolerance=0.5\), got 0.5"):
        flows.forecast_horizon(jax.random.key(0), L, pts, [1e-3, 0.5], 0.5, dt=0.01, t_max=1.0)
    with pytest.raises(ValueError, match=r"delta0 must be in \(0, tolerance=0.5\), got 0.0"):
        flows.forecast_horizon(jax.random.key(0), L, pts, [0.0], 0.5, dt=0.01, t_max=1.0)
    with pytest.raises(ValueError, match=r"tolerance must be > 0, got 0.0"):
        flows.forecast_horizon(jax.random.key(0), L, pts, [1e-3], 0.0, dt=0.01, t_max=1.0)
    with pytest.raises(ValueError, match=r"delta0 must have shape \(n_delta,\), got \(1, 2\)"):
        flows.forecast_horizon(jax.random.key(0), L, pts, [[1e-3, 1e-2]], 0.5, dt=0.01, t_max=1.0)
    with pytest.raises(ValueError, match=r"starts must have shape \(n_starts, 3\)"):
        flows.forecast_horizon(jax.random.key(0), L, np.ones(3), [1e-3], 0.5, dt=0.01, t_max=1.0)
    with pytest.raises(ValueError, match=r"t_max must be > 0, got 0.0"):
        flows.forecast_horizon(jax.random.key(0), L, pts, [1e-3], 0.5, dt=0.01, t_max=0.0)
    with pytest.raises(ValueError, match=r"n_points must be an integer >= 1, got 0"):
        flows.attractor_points(L, 0, dt=0.01, t_transient=0.0, t_between=0.1)
