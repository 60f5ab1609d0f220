"""The Kuramoto kernel against exact results: the Ott-Antonsen ODE and its closed form, free
rotation at K = 0 (the phases exactly, and r(t) = exp(-gamma t) from identical phases), the
stationary r = sqrt(1 - 2 gamma / K) at large N, phase diffusion with coefficient D, the one-step
Heun update written out by hand, the scheme's second order, the rotating frame; and argument
validation.

Every physical parameter is away from 1 and at more than one value: gamma (0.25 to 0.7), K (on
both sides of K_c), D (0.05, 0.3), the time step, the frequencies' centre.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy.integrate import solve_ivp

from emergence import kuramoto as ku


def oa_reference(t, K, gamma, r0):
    sol = solve_ivp(
        lambda _, r: -gamma * r + 0.5 * K * r * (1 - r * r),
        (0, t[-1]),
        [r0],
        t_eval=t,
        rtol=1e-11,
        atol=1e-14,
    )
    return sol.y[0]


# ---- the closed form ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "K, gamma, r0",
    [
        (1.3, 0.4, 0.2),  # above K_c, growing
        (2.0, 0.3, 0.95),  # above K_c, falling to sqrt(1 - 2 gamma / K)
        (0.5, 0.4, 0.9),  # below K_c
        (0.8, 0.4, 0.5),  # at K_c: r^-2 grows linearly
        (0.0, 0.7, 1.0),  # no coupling: exp(-gamma t)
        (3.1, 0.25, 1.0),
    ],
)
def test_ott_antonsen_closed_form_solves_the_ode(K, gamma, r0):
    t = np.linspace(0.0, 40.0, 81)
    got = np.asarray(ku.ott_antonsen_r(t, K, gamma, r0), float)
    np.testing.assert_allclose(got, oa_reference(t, K, gamma, r0), rtol=2e-6, atol=1e-9)


def test_ott_antonsen_limits_and_known_values():
    t = np.array([0.0, 1.5, 7.0])
    np.testing.assert_allclose(ku.ott_antonsen_r(t, 0.0, 0.35, 1.0), np.exp(-0.35 * t), rtol=1e-6)
    np.testing.assert_allclose(ku.ott_antonsen_r(0.0, 1.7, 0.3, 0.42), 0.42, rtol=1e-6)
    # at K = K_c = 2 gamma: r^-2 = r0^-2 + K t
    np.testing.assert_allclose(
        ku.ott_antonsen_r(t, 0.9, 0.45, 0.6), (0.6**-2 + 0.9 * t) ** -0.5, rtol=1e-6
    )
    # long times: the stationary value (above K_c), 0 (below), without overflow
    assert abs(float(ku.ott_antonsen_r(400.0, 1.6, 0.3, 0.1)) - np.sqrt(1 - 0.6 / 1.6)) < 1e-6
    assert float(ku.ott_antonsen_r(400.0, 0.2, 0.3, 0.9)) < 1e-15


def test_ott_antonsen_is_smooth_through_K_c():
    """The series branch near a = 0 joins the exact one: values and gradients continuous."""

    def f(K):
        return ku.ott_antonsen_r(5.0, K, 0.4, 0.3)

    for K in (0.8 - 2e-5, 0.8, 0.8 + 2e-5):
        ref = oa_reference(np.array([0.0, 5.0]), K, 0.4, 0.3)[-1]
        assert abs(float(f(K)) - ref) < 1e-6
    g = [float(jax.grad(f)(K)) for K in (0.8 - 1e-5, 0.8, 0.8 + 1e-5, 0.81)]
    h = 1e-3
    fd = (
        oa_reference(np.array([0, 5.0]), 0.81 + h, 0.4, 0.3)[-1]
        - oa_reference(np.array([0, 5.0]), 0.81 - h, 0.4, 0.3)[-1]
    ) / (2 * h)
    assert abs(g[3] - fd) < 1e-4
    assert max(g[:3]) - min(g[:3]) < 1e-3
    assert np.all(
        np.isfinite([jax.grad(lambda K: ku.ott_antonsen_r(300.0, K, 0.4, 0.9))(K) for K in (0.1, 2.0)])
    )


def test_stationary_r_and_threshold():
    K = np.array([0.0, 0.3, 0.7, 1.0, 2.5])
    np.testing.assert_allclose(
        ku.stationary_r(K, 0.35), [0, 0, 0, np.sqrt(1 - 0.7), np.sqrt(1 - 0.7 / 2.5)], rtol=1e-6
    )
    assert ku.critical_coupling(0.35) == pytest.approx(0.7)
    assert ku.critical_coupling(0.35, 0.2) == pytest.approx(1.1)


# ---- draws by quantiles --------------------------------------------------------------------


def test_lorentzian_frequencies_are_its_quantiles():
    w = ku.lorentzian_frequencies(1000, 0.3, omega0=1.7)
    assert w.shape == (1000,) and np.all(np.diff(w) > 0)
    np.testing.assert_allclose(w + w[::-1], 2 * 1.7, atol=1e-9)  # symmetric about omega0
    # the CDF at the draws is the quantile grid
    cdf = 0.5 + np.arctan((w - 1.7) / 0.3) / np.pi
    np.testing.assert_allclose(cdf, (np.arange(1000) + 0.5) / 1000, atol=1e-12)
    # the median absolute deviation is the half-width
    assert np.median(np.abs(w - 1.7)) == pytest.approx(0.3, rel=2e-3)


@pytest.mark.parametrize("r0", [0.15, 0.6, 0.93])
def test_wrapped_cauchy_phases_have_the_order_parameter(r0):
    th = ku.wrapped_cauchy_phases(None, 4000, r0, psi0=0.8)
    assert np.all((th >= -np.pi) & (th < np.pi))
    r, psi = ku.order_parameter(th)
    # the far tails' quantiles wrap around the circle many times between neighbours: about
    # (N |ln r0|)^(1/2) of them act as random phases, an error of order (N |ln r0|)^(1/4) / N
    assert abs(float(r) - r0) < 3 * (4000 * -np.log(r0)) ** 0.25 / 4000
    assert float(psi) == pytest.approx(0.8, abs=1e-3)
    shuffled = ku.wrapped_cauchy_phases(jax.random.key(3), 4000, r0, psi0=0.8)
    np.testing.assert_allclose(np.sort(shuffled), np.sort(th), atol=1e-12)
    assert not np.allclose(shuffled, th)
    np.testing.assert_allclose(ku.wrapped_cauchy_phases(None, 5, 1.0, 0.3), 0.3, atol=1e-12)


def test_order_parameter():
    th = np.array([[0.0, np.pi / 2], [0.3, 0.3]])
    r, psi = ku.order_parameter(th)
    np.testing.assert_allclose(r, [np.sqrt(0.5), 1.0], rtol=1e-6)
    np.testing.assert_allclose(psi, [np.pi / 4, 0.3], rtol=1e-6)


# ---- the kernel ----------------------------------------------------------------------------


def test_one_step_is_the_heun_update():
    """One step with noise, against the predictor-corrector written out, with the kernel's own
    normal draws (step 0's key is fold_in(key, 0))."""
    rng = np.random.default_rng(4)
    th = rng.uniform(-np.pi, np.pi, (2, 7))
    om = rng.normal(0.3, 0.5, (2, 7))
    K, D, dt = np.array([1.4, 0.6]), np.array([0.3, 0.05]), 0.07
    key = jax.random.key(11)
    xi = np.asarray(jax.random.normal(jax.random.fold_in(key, 0), (2, 7), jnp.float32), float)

    def drift(t):
        z = np.exp(1j * t).mean(-1, keepdims=True)
        return om + K[:, None] * np.abs(z) * np.sin(np.angle(z) - t)

    kick = np.sqrt(2 * D * dt)[:, None] * xi
    pred = th + drift(th) * dt + kick
    want = th + 0.5 * (drift(th) + drift(pred)) * dt + kick
    want = np.mod(want + np.pi, 2 * np.pi) - np.pi
    run = ku.simulate(key, th.astype(np.float32), om, K, dt=dt, n_steps=1, D=D)
    np.testing.assert_allclose(np.asarray(run.theta), want, atol=2e-6)
    r, psi = ku.order_parameter(want)
    np.testing.assert_allclose(np.asarray(run.r[1]), r, atol=2e-6)
    np.testing.assert_allclose(np.asarray(run.psi[1]), psi, atol=2e-6)
    assert run.times.tolist() == pytest.approx([0.0, dt])


def test_free_rotation_is_exact():
    """K = 0, D = 0: theta(t) = theta0 + omega t, whatever the step."""
    rng = np.random.default_rng(5)
    th0, om = rng.uniform(-3, 3, (3, 50)), rng.normal(0.2, 1.3, 50)
    run = ku.simulate(None, th0, om, 0.0, dt=0.03, n_steps=40, record_every=8)
    want = np.angle(np.exp(1j * (th0 + om * 1.2)))
    np.testing.assert_allclose(np.angle(np.exp(1j * np.asarray(run.theta))), want, atol=3e-5)
    assert run.r.shape == (6, 3) and run.times.shape == (6,)


@pytest.mark.parametrize("gamma", [0.3, 0.7])
def test_identical_phases_dephase_as_exp_minus_gamma_t(gamma):
    N = 20000
    run = ku.simulate(
        None,
        np.zeros(N),
        ku.lorentzian_frequencies(N, gamma, 0.4),
        0.0,
        dt=0.05,
        n_steps=300,
        record_every=10,
    )
    want = np.exp(-gamma * np.asarray(run.times))
    np.testing.assert_allclose(np.asarray(run.r[:, 0]), want, atol=3 / np.sqrt(N))


@pytest.mark.parametrize("K, gamma", [(1.3, 0.4), (0.5, 0.4), (2.2, 0.25)])
def test_transients_follow_ott_antonsen_at_large_N(K, gamma):
    N = 20000
    th = np.stack(
        [ku.wrapped_cauchy_phases(jax.random.key(i), N, r0) for i, r0 in enumerate((0.3, 0.9))]
    ).astype(np.float32)
    run = ku.simulate(
        None, th, ku.lorentzian_frequencies(N, gamma, -0.6), K, dt=0.02, n_steps=2000, record_every=50
    )
    oa = np.asarray(ku.ott_antonsen_r(np.asarray(run.times)[:, None], K, gamma, np.array([0.3, 0.9])))
    # the finite-N fluctuations are of order N^-1/2 (larger near the threshold)
    assert np.abs(np.asarray(run.r) - oa).max() < 4 / np.sqrt(N)


@pytest.mark.parametrize("K, gamma", [(1.0, 0.3), (1.8, 0.6)])
def test_stationary_r_above_K_c(K, gamma):
    N = 20000
    th = ku.wrapped_cauchy_phases(jax.random.key(2), N, 0.5).astype(np.float32)
    run = ku.simulate(
        None, th, ku.lorentzian_frequencies(N, gamma), K, dt=0.05, n_steps=4000, record_every=100
    )
    late = np.asarray(run.r[-20:, 0])
    assert abs(late.mean() - float(ku.stationary_r(K, gamma))) < 0.01


@pytest.mark.parametrize("D", [0.05, 0.3])
def test_phases_diffuse_with_coefficient_D(D):
    """K = 0 with noise: theta - theta0 - omega t is Gaussian with variance 2 D t."""
    n, N, dt, steps = 4, 5000, 0.04, 50
    om = np.linspace(-0.5, 0.9, N)
    run = ku.simulate(
        jax.random.key(9), np.zeros((n, N)), om, 0.0, dt=dt, n_steps=steps, D=D, record_every=steps
    )
    t = dt * steps
    disp = np.angle(np.exp(1j * (np.asarray(run.theta, float) - om * t))).ravel()
    var = 2 * D * t
    # the sample variance of n N Gaussians: standard error var sqrt(2 / (n N))
    assert abs(disp.var() - var) < 5 * var * np.sqrt(2 / disp.size)
    assert abs(disp.mean()) < 5 * np.sqrt(var / disp.size)


def test_noise_enters_only_its_system():
    N = 300
    th = ku.wrapped_cauchy_phases(jax.random.key(1), N, 0.7)
    om = ku.lorentzian_frequencies(N, 0.2)
    both = ku.simulate(
        jax.random.key(3), np.stack([th, th]), om, [0.9, 1.3], dt=0.05, n_steps=60, D=[0.0, 0.2]
    )
    quiet = ku.simulate(jax.random.key(3), th, om, 0.9, dt=0.05, n_steps=60)
    np.testing.assert_allclose(np.asarray(both.r[:, 0]), np.asarray(quiet.r[:, 0]), atol=1e-6)
    assert np.abs(np.asarray(both.r[:, 1]) - np.asarray(quiet.r[:, 0])).max() > 1e-3


def test_heun_is_second_order_without_noise():
    N = 64
    th = ku.wrapped_cauchy_phases(jax.random.key(0), N, 0.4)
    om = ku.lorentzian_frequencies(N, 0.35, 0.2)

    def final(dt):
        run = ku.simulate(
            None,
            th.astype(np.float64),
            om,
            1.7,
            dt=dt,
            n_steps=int(round(4 / dt)),
            record_every=int(round(4 / dt)),
        )
        return np.exp(1j * np.asarray(run.theta, float))

    with jax.enable_x64(True):
        ref = final(0.0025)
        errs = [np.abs(final(dt) - ref).max() for dt in (0.08, 0.04, 0.02)]
    ratios = errs[0] / errs[1], errs[1] / errs[2]
    assert all(3.3 < q < 4.7 for q in ratios), (errs, ratios)


def test_rotating_frame():
    """Shifting every frequency by Omega rotates the solution: r unchanged, psi + Omega t."""
    N = 400
    th = ku.wrapped_cauchy_phases(jax.random.key(6), N, 0.5)
    om = ku.lorentzian_frequencies(N, 0.3)
    a = ku.simulate(None, th, om, 1.1, dt=0.02, n_steps=100, record_every=25)
    b = ku.simulate(None, th, om + 0.45, 1.1, dt=0.02, n_steps=100, record_every=25)
    np.testing.assert_allclose(np.asarray(a.r), np.asarray(b.r), atol=3e-5)
    dpsi = np.angle(np.exp(1j * (np.asarray(b.psi) - np.asarray(a.psi))))[:, 0]
    np.testing.assert_allclose(dpsi, 0.45 * np.asarray(a.times), atol=3e-4)


def test_record_every_does_not_change_the_trajectory():
    N = 200
    th = ku.wrapped_cauchy_phases(jax.random.key(6), N, 0.5)
    om = ku.lorentzian_frequencies(N, 0.3)
    a = ku.simulate(jax.random.key(1), th, om, 1.1, dt=0.02, n_steps=60, D=0.1, record_every=1)
    b = ku.simulate(jax.random.key(1), th, om, 1.1, dt=0.02, n_steps=60, D=0.1, record_every=20)
    np.testing.assert_allclose(np.asarray(a.r)[::20], np.asarray(b.r), atol=1e-5)
    np.testing.assert_allclose(np.asarray(a.times)[::20], np.asarray(b.times), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(a.theta), np.asarray(b.theta), atol=1e-4)


def test_defaults_and_dtypes():
    th = np.zeros(10, np.float32)
    run = ku.simulate(None, th, np.linspace(-1, 1, 10), 0.5, dt=0.1, n_steps=3)
    assert run.r.shape == (4, 1) and run.theta.shape == (1, 10)  # record_every = 1, one system
    assert run.theta.dtype == jnp.float32
    run = ku.simulate(None, np.zeros(10, int), np.zeros(10), 0.5, dt=0.1, n_steps=2)
    assert jnp.issubdtype(run.theta.dtype, jnp.floating)


def test_one_oscillator_and_one_system():
    """N = 1 is a population too: its order parameter is 1 at every time."""
    run = ku.simulate(
        jax.random.key(0), np.array([[0.4]]), np.array([0.7]), 1.3, dt=0.1, n_steps=5, D=0.2
    )
    np.testing.assert_allclose(np.asarray(run.r), 1.0, atol=1e-6)


def test_draw_defaults():
    w = ku.lorentzian_frequencies(101, 0.6)
    assert w[50] == pytest.approx(0.0, abs=1e-12)  # centred on omega0 = 0
    _, psi = ku.order_parameter(ku.wrapped_cauchy_phases(None, 501, 0.7))
    assert float(psi) == pytest.approx(0.0, abs=1e-6)  # psi0 = 0


def test_ott_antonsen_series_branch_to_double_precision():
    """Near K_c (|2 a t| < 1e-4) the closed form uses phi's series: with x64 it must agree with
    expm1 to double precision (a wrong series coefficient shows at 1e-10)."""
    gamma, r0, t = 0.45, 0.6, 1.0
    with jax.enable_x64(True):
        for a in (4.5e-5, -4.5e-5, 2e-5):
            K = 2 * (gamma + a)
            u = -2 * abs(a) * t
            phi = np.expm1(u) / u
            inv_r2 = (
                (np.exp(u) / r0**2 + K * t * phi) if a >= 0 else np.exp(-u) * (1 / r0**2 + K * t * phi)
            )
            got = float(ku.ott_antonsen_r(jnp.float64(t), jnp.float64(K), gamma, r0))
            assert got == pytest.approx(inv_r2**-0.5, rel=1e-13, abs=0)


# ---- validation ----------------------------------------------------------------------------

GOOD = dict(dt=0.1, n_steps=4)


@pytest.mark.parametrize(
    "args, kw, match",
    [
        ((np.zeros((2, 0)), np.zeros(0), 1.0), {}, r"theta0 must have shape"),
        ((np.zeros((0, 3)), np.zeros(3), 1.0), {}, r"theta0 must have shape.*got \(0, 3\)"),
        ((np.zeros((2, 3)), np.zeros(3), np.ones((2, 1))), {}, r"K .*shape \(2,\), got shape \(2, 1\)"),
        ((np.zeros((2, 3, 4)), np.zeros(4), 1.0), {}, r"got \(2, 3, 4\)"),
        ((np.array([0.0, np.nan]), np.zeros(2), 1.0), {}, "theta0 must be finite"),
        ((np.zeros(3), np.zeros(4), 1.0), {}, r"omega must have shape \(3,\) or \(1, 3\)"),
        ((np.zeros(3), np.array([0, np.inf, 0]), 1.0), {}, "omega must be finite"),
        ((np.zeros(3), np.zeros(3), -0.5), {}, r"K \(the coupling\) must be finite and >= 0, got -0.5"),
        ((np.zeros((2, 3)), np.zeros(3), [1.0, 2.0, 3.0]), {}, r"one value per system, shape \(2,\)"),
        ((np.zeros(3), np.zeros(3), 1.0), dict(D=-0.1), r"D \(the phase-noise strength\).*got -0.1"),
        ((np.zeros(3), np.zeros(3), 1.0), dict(D=np.nan), r"D .*got nan"),
        ((np.zeros(3), np.zeros(3), 1.0), dict(dt=0.0), r"dt \(the time step\).*> 0, got 0.0"),
        ((np.zeros(3), np.zeros(3), 1.0), dict(dt="x"), r"dt .*got 'x'"),
        ((np.zeros(3), np.zeros(3), 1.0), dict(n_steps=0), "n_steps must be an integer >= 1, got 0"),
        ((np.zeros(3), np.zeros(3), 1.0), dict(n_steps=2.0), "n_steps must be an integer"),
        ((np.zeros(3), np.zeros(3), 1.0), dict(record_every=0), "record_every must be an integer"),
        ((np.zeros(3), np.zeros(3), 1.0), dict(record_every=3), "record_every must divide n_steps"),
    ],
)
def test_bad_arguments_raise(args, kw, match):
    with pytest.raises(ValueError, match=match):
        ku.simulate(None, *args, **{**GOOD, **kw})


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: ku.lorentzian_frequencies(0, 0.3), "n_osc must be an integer >= 1, got 0"),
        (
            lambda: ku.lorentzian_frequencies(10, 0.0),
            r"gamma \(the half-width\) must be finite and > 0",
        ),
        (lambda: ku.lorentzian_frequencies(10, 0.3, np.inf), "omega0 must be finite"),
        (lambda: ku.wrapped_cauchy_phases(None, 10, 0.0), r"r0 .* must be in \(0, 1\], got 0.0"),
        (lambda: ku.wrapped_cauchy_phases(None, 10, 1.2), r"got 1.2"),
        (lambda: ku.wrapped_cauchy_phases(None, 10, 0.5, np.nan), "psi0 must be finite"),
        (lambda: ku.wrapped_cauchy_phases(None, -1, 0.5), "n_osc must be"),
    ],
)
def test_bad_draw_arguments_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ---- mutants argued equivalent (tools/mutants.py kuramoto: 202 mutants, 175 killed by the
# first tests; the tests for the other 27 kill 12 of them; after a dead branch of the
# validation was removed, 200 mutants, 185 killed, these 15 equivalent) ------------------------
# - `_drift`'s means over axis 1 instead of -1: the state is always (n, N), so the axes are
#   the same.
# - the wrap `mod(theta - pi, 2 pi) - pi` for `mod(theta + pi, 2 pi) - pi` (kernel and
#   wrapped_cauchy_phases): the two differ by a whole period, 2 pi, so they are equal.
# - `n_steps / record_every` for `//` (the scan's block indices, and the recorded times):
#   record_every divides n_steps (validated), so the quotient is the same whole number.
# - the quantile draws' `tan(pi (q + 1/2))` or `tan(pi (q - 3/2))` for `tan(pi (q - 1/2))`:
#   tan has period pi.
# - stationary_r's guard `where(K >= 0, K, 1.0)` or `where(K > 0, K, 2.0)`: the guarded value
#   only ever reaches a result multiplied by (K > 0) = 0.
# - ott_antonsen_r's `u >= -1e-4` for `u > -1e-4` (both branches agree to 1e-13 at the
#   boundary) and the unused placeholder of the series branch (`u_safe` = 1 or -2 for -1):
#   it is only ever divided into a value `where` discards.
