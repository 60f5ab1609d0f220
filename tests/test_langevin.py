"""Tests of emergence.langevin against exact results.

Each statistical test states its tolerance in standard errors (SE) computed from the samples,
and uses enough trajectories that the discretization bias at the chosen time step is well
below the statistical resolution.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from emergence import langevin


def harmonic(x, t, k):
    return 0.5 * k * jnp.sum(x**2)


def double_well(x, t, barrier):
    """barrier * (x^2 - 1)^2: minima at +-1, barrier height `barrier` at 0."""
    return barrier * jnp.sum((x**2 - 1.0) ** 2)


def dragged_trap(x, t, v):
    """A harmonic trap (stiffness 1) whose centre moves at speed v."""
    return 0.5 * jnp.sum((x - v * t) ** 2)


def tilting_double_well(x, t, p):
    """A double well whose barrier and tilt change in time, with a non-polynomial ripple."""
    barrier, rate = p
    well = barrier * (1.0 - 0.5 * jnp.sin(rate * t)) * jnp.sum((x**2 - 1.0) ** 2)
    return well + jnp.sum(jnp.sin(rate * t) * x + 0.5 * jnp.cos(5.0 * x))


def trap_with_rotation(x, t, p):
    k, c = p
    return 0.5 * k * jnp.sum(x**2)


def rotation(x, t, p):
    """A divergence-free, non-conservative force tangent to circles: c (-y, x)."""
    k, c = p
    return c * jnp.stack([-x[1], x[0]])


def test_stationary_distribution_is_boltzmann():
    """From all particles in one well, the dynamics must relax to exp(-U/kT) in both wells.
    A chi-square test on 24 bins; a wrong noise amplitude (kT off by a factor 2) fails it by
    hundreds of standard deviations."""
    kT, barrier, n = 0.7, 1.0, 40_000
    x0 = -jnp.ones((n, 1))
    run = langevin.simulate(
        jax.random.key(1), double_well, x0, dt=0.01, n_steps=3000, kT=kT, params=barrier
    )
    x = np.asarray(run.x[-1, :, 0], dtype=float)
    edges = np.linspace(-2.2, 2.2, 25)
    grid = np.linspace(-4, 4, 40001)
    dens = langevin.boltzmann_density_1d(double_well, grid, params=barrier, kT=kT)
    cdf = np.concatenate([[0], np.cumsum(0.5 * (dens[1:] + dens[:-1]) * np.diff(grid))])
    probs = np.diff(np.interp(edges, grid, cdf))
    observed = np.histogram(x, bins=edges)[0]
    expected = n * probs
    chi2 = np.sum((observed - expected) ** 2 / expected)
    outside = n - observed.sum()
    # 24 bins: the 99.9% quantile of chi2(23) is 49.7
    assert chi2 < 49.7, f"chi2 = {chi2:.1f} on 23 dof: not the Boltzmann distribution"
    assert outside < n * (1 - probs.sum()) + 5 * np.sqrt(n * (1 - probs.sum())) + 5
    # both wells populated equally (the start was all in the left well)
    frac_right = np.mean(x > 0)
    assert abs(frac_right - 0.5) < 5 * np.sqrt(0.25 / n)


def test_first_law_exact_for_a_dragged_harmonic_trap():
    """For a quadratic potential moving at constant speed, the midpoint heat and the trapezoid
    work are exact for the discrete path: W = Q + dE to rounding, at any time step."""
    x0 = jax.random.normal(jax.random.key(2), (512, 1))
    run = langevin.simulate(
        jax.random.key(3), dragged_trap, x0, dt=0.05, n_steps=200, params=1.5, record_every=50
    )
    scale = float(jnp.abs(run.work).max())
    assert scale > 1.0
    assert float(jnp.abs(run.first_law_residual).max()) < 1e-5 * 200 * scale


def _tilting_run(dt, T, n, record_every=None):
    """Trajectories in the tilting double well, half starting in each well."""
    x0 = jnp.asarray(np.random.default_rng(4).choice([-1.0, 1.0], size=(n, 1)), jnp.float32)
    n_steps = round(T / dt)
    return langevin.simulate(
        jax.random.key(5),
        tilting_double_well,
        x0,
        dt=dt,
        n_steps=n_steps,
        params=(2.0, 1.5),
        record_every=record_every,
    )


def _mean_abs_residual(dt, T=8.0, n=4000):
    run = _tilting_run(dt, T, n)
    return float(jnp.mean(jnp.abs(run.first_law_residual[-1]))), run


def test_first_law_per_trajectory():
    """In a nonlinear, time-dependent potential the Stratonovich heat (Gauss-Legendre along each
    step) makes the first law hold per trajectory, up to an error that shrinks with dt and is far
    below kT. (The plain midpoint rule misses by ~0.1 kT at the coarse step here, the Ito rule
    by O(1) at any step: see below.)"""
    coarse, _ = _mean_abs_residual(0.004)
    fine, run = _mean_abs_residual(0.001)
    typical_heat = float(jnp.mean(jnp.abs(run.heat[-1])))
    assert typical_heat > 1.0, "the test protocol should move heat of order kT"
    assert fine < 0.35 * coarse, (
        f"mean |W - Q - dE|: {coarse:.3g} -> {fine:.3g}, does not shrink with dt"
    )
    assert fine < 1e-3 * typical_heat, f"mean |W - Q - dE| = {fine:.3g} at dt = 0.001"


def test_ito_heat_violates_the_first_law():
    """The Ito (left-point) heat differs from the Stratonovich heat by ~ kT int U'' dt, which does
    not vanish as dt -> 0: the first law fails with it. (Checks that the two conventions differ
    enough to tell apart, so the test above would catch an Ito implementation.)"""
    grad = jax.vmap(jax.grad(tilting_double_well), in_axes=(0, None, None))
    residuals = []
    for dt in (0.004, 0.001):
        run = _tilting_run(dt, 4.0, 2000, record_every=1)
        x, t = run.x, run.times
        force = -jax.vmap(grad, in_axes=(0, 0, None))(x[:-1], t[1:], (2.0, 1.5))
        q_ito = jnp.sum(force * (x[1:] - x[:-1]), axis=(0, 2))
        res = run.work[-1] - q_ito - (run.energy[-1] - run.energy[0])
        residuals.append(float(jnp.mean(jnp.abs(res))))
    assert residuals[1] > 0.8 * residuals[0] > 0.5, residuals


def test_jarzynski_and_work_statistics_for_a_dragged_trap():
    """A harmonic trap (k = 1, gamma = 1) dragged at speed v for time T from equilibrium: the work
    is Gaussian with mean v^2 [T - (1 - exp(-T))] and variance 2 kT <W>, and dF = 0, so
    <exp(-W/kT)> = 1 (Jarzynski)."""
    kT, v, T, n = 1.0, 1.2, 1.5, 200_000
    x0 = jnp.sqrt(kT) * jax.random.normal(jax.random.key(6), (n, 1))
    run = langevin.simulate(jax.random.key(7), dragged_trap, x0, dt=0.01, n_steps=150, kT=kT, params=v)
    w = np.asarray(run.work[-1], dtype=float)
    mean = v**2 * (T - (1 - np.exp(-T)))
    var = 2 * kT * mean
    se_mean = np.sqrt(var / n)
    se_var = var * np.sqrt(2 / n)
    assert abs(w.mean() - mean) < 5 * se_mean, (w.mean(), mean)
    assert abs(w.var() - var) < 5 * se_var, (w.var(), var)
    skew = np.mean((w - w.mean()) ** 3) / w.std() ** 3
    assert abs(skew) < 5 * np.sqrt(6 / n)
    e = np.exp(-w / kT)
    assert abs(e.mean() - 1.0) < 5 * e.std() / np.sqrt(n), e.mean()
    # the protocol is far from reversible (<W> is many SE above dF = 0), so the equality is a
    # real test of the tails and not satisfied by W ~ 0
    assert w.mean() > 20 * se_mean


@pytest.mark.parametrize("method, order", [("euler", 1), ("heun", 2)])
def test_weak_order_on_the_ornstein_uhlenbeck_mean(method, order):
    """E[x(T)] for dx = -x dt + sqrt(2 kT) dW from x0 = 1 is exp(-T). The weak error must shrink
    as dt^order (Euler-Maruyama 1, Heun 2). The noise is small (kT = 1e-6) so the statistical
    error (about 4e-6) is far below the smallest bias measured (about 1.6e-4)."""
    n, T = 50_000, 1.0
    errors = []
    dts = (0.2, 0.1, 0.05)
    for dt in dts:
        run = langevin.simulate(
            jax.random.key(8),
            harmonic,
            jnp.ones((n, 1)),
            dt=dt,
            n_steps=round(T / dt),
            kT=1e-6,
            params=1.0,
            method=method,
        )
        errors.append(abs(float(jnp.mean(run.x[-1])) - np.exp(-T)))
    slopes = np.diff(np.log(errors)) / np.diff(np.log(dts))
    assert np.all(np.abs(slopes - order) < 0.3), f"{method}: errors {errors}, observed orders {slopes}"


@pytest.mark.parametrize("method, order", [("euler", 1), ("heun", 2)])
def test_weak_order_on_the_ornstein_uhlenbeck_variance(method, order):
    """The stationary variance kT/k: its relative error must shrink as dt^order. Start from the
    exact stationary law and run long enough to reach the scheme's own stationary state."""
    n, kT = 400_000, 1.0
    rel = []
    dts = (0.4, 0.2) if method == "heun" else (0.2, 0.1)
    for dt in dts:
        x0 = jax.random.normal(jax.random.key(9), (n, 1))
        run = langevin.simulate(
            jax.random.key(10),
            harmonic,
            x0,
            dt=dt,
            n_steps=round(8 / dt),
            kT=kT,
            params=1.0,
            method=method,
        )
        rel.append(abs(float(jnp.var(run.x[-1])) / kT - 1.0))
    se = np.sqrt(2 / n)
    assert rel[1] > 3 * se, "the bias must be resolved for the test to mean anything"
    observed = np.log2(rel[0] / rel[1])
    assert abs(observed - order) < 0.5, (
        f"{method}: relative errors {rel}, observed order {observed:.2f}"
    )


def test_nonconservative_force_work_rate():
    """A rotational force c(-y, x) in an isotropic trap (k = gamma = 1) leaves the Boltzmann
    distribution invariant, and its steady work rate is c^2 <r^2> = 2 c^2 kT."""
    kT, c, T, n = 0.5, 0.8, 4.0, 20_000
    x0 = jnp.sqrt(kT) * jax.random.normal(jax.random.key(11), (n, 2))
    run = langevin.simulate(
        jax.random.key(12),
        trap_with_rotation,
        x0,
        dt=0.005,
        n_steps=round(T / 0.005),
        kT=kT,
        params=(1.0, c),
        force=rotation,
        record_every=100,
    )
    rate = np.asarray(run.work[-1], dtype=float) / T
    exact = 2 * c**2 * kT
    assert abs(rate.mean() - exact) < 5 * rate.std() / np.sqrt(n), (rate.mean(), exact)
    var = float(jnp.var(run.x[-1]))
    assert abs(var - kT) < 5 * kT * np.sqrt(2 / (2 * n))
    # the first law holds with the force included
    assert float(jnp.abs(run.first_law_residual).max()) < 1e-3 * float(jnp.abs(run.work).max())


def test_records_and_shapes():
    x0 = jnp.zeros((7, 3, 2))
    run = langevin.simulate(
        jax.random.key(0), harmonic, x0, dt=0.01, n_steps=20, params=1.0, record_every=5
    )
    assert run.x.shape == (5, 7, 3, 2)
    assert run.work.shape == run.heat.shape == run.energy.shape == (5, 7)
    np.testing.assert_allclose(np.asarray(run.times), np.arange(5) * 0.05, rtol=1e-5, atol=1e-7)
    assert np.all(np.asarray(run.x[0]) == 0)
    # per-coordinate friction broadcasts over the state
    langevin.simulate(
        jax.random.key(0), harmonic, x0, dt=0.01, n_steps=4, params=1.0, gamma=jnp.array([1.0, 2.0])
    )
    # the same key gives the same trajectories; another key different ones
    a = langevin.simulate(jax.random.key(0), harmonic, x0, dt=0.01, n_steps=4, params=1.0)
    b = langevin.simulate(jax.random.key(0), harmonic, x0, dt=0.01, n_steps=4, params=1.0)
    c = langevin.simulate(jax.random.key(1), harmonic, x0, dt=0.01, n_steps=4, params=1.0)
    assert np.array_equal(a.x, b.x) and not np.array_equal(a.x, c.x)


def test_long_runs_keep_time_exactly():
    """64 000 steps of 0.001 must end at t = 64: the protocol's clock may not drift (summing
    t += dt in float32 drifts by 0.02 here), and work must not lose precision to rounding."""
    run = langevin.simulate(
        jax.random.key(0),
        dragged_trap,
        jnp.zeros((4, 1)),
        dt=0.001,
        n_steps=64_000,
        kT=1e-8,
        params=0.0,
        record_every=16_000,
    )
    np.testing.assert_allclose(np.asarray(run.times), [0, 16, 32, 48, 64], rtol=0, atol=1e-4)
    # a trap dragged at v = 0.01 for 64 time units, the particle starting at rest at its centre,
    # takes W = v^2 (T - (1 - e^-T)) (kT -> 0: the work's spread sqrt(2 kT W) is negligible)
    v = 0.01
    run = langevin.simulate(
        jax.random.key(0), dragged_trap, jnp.zeros((4, 1)), dt=0.001, n_steps=64_000, kT=1e-12, params=v
    )
    exact = v**2 * (64 - (1 - np.exp(-64)))
    np.testing.assert_allclose(np.asarray(run.work[-1]), exact, rtol=2e-3)


def test_quadrature_helpers_on_a_harmonic_well():
    k, kT = 2.5, 0.8
    f = langevin.free_energy_1d(harmonic, params=k, kT=kT, lo=-6, hi=6)
    assert f == pytest.approx(-kT * np.log(np.sqrt(2 * np.pi * kT / k)), abs=1e-6)
    x = langevin.sample_boltzmann_1d(jax.random.key(3), harmonic, 100_000, params=k, kT=kT, lo=-6, hi=6)
    assert x.shape == (100_000, 1)
    var = kT / k
    assert abs(float(x.mean())) < 5 * np.sqrt(var / 1e5)
    assert abs(float(x.var()) - var) < 5 * var * np.sqrt(2 / 1e5)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(dt=-0.1), "dt"),
        (dict(dt=0.0), "dt"),
        (dict(dt=float("nan")), "dt"),
        (dict(kT=-1.0), "kT"),
        (dict(kT=0.0), "kT"),
        (dict(n_steps=0), "n_steps"),
        (dict(n_steps=2.5), "n_steps"),
        (dict(n_steps=True), "n_steps"),
        (dict(record_every=3), "record_every"),
        (dict(record_every=0), "record_every"),
        (dict(record_every=20), "record_every"),
        (dict(record_every=True), "record_every"),
        (dict(record_every=5.0), "record_every"),
        (dict(dt="fast"), "dt"),
        (dict(kT=float("inf")), "kT"),
        (dict(gamma=0.0), "gamma"),
        (dict(gamma=float("nan")), "gamma"),
        (dict(gamma=jnp.ones(0)), "gamma"),
        (dict(gamma=jnp.array([1.0, -1.0])), "gamma"),
        (dict(gamma=jnp.ones(3)), "broadcast"),
        (dict(gamma=jnp.ones((3, 2))), "broadcast"),  # would enlarge the state (2,) to (3, 2)
        (dict(method="rk4"), "method"),
    ],
)
def test_bad_arguments_raise(kwargs, match):
    args = dict(dt=0.01, n_steps=10, kT=1.0, params=1.0)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        langevin.simulate(jax.random.key(0), harmonic, jnp.zeros((4, 2)), **args)


@pytest.mark.parametrize("record_every", [1, 2, 5, 10])
def test_every_divisor_of_n_steps_is_a_valid_record_interval(record_every):
    run = langevin.simulate(
        jax.random.key(0),
        harmonic,
        jnp.zeros((3, 2), int),
        dt=0.01,
        n_steps=10,
        params=2.0,
        record_every=record_every,
    )
    assert run.x.shape == (10 // record_every + 1, 3, 2) and jnp.issubdtype(run.x.dtype, jnp.floating)
    np.testing.assert_allclose(
        np.asarray(run.times), 0.01 * record_every * np.arange(10 // record_every + 1), rtol=1e-5
    )


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="at least one trajectory"):
        langevin.simulate(jax.random.key(0), harmonic, jnp.zeros((0, 1)), dt=0.1, n_steps=2, params=1.0)
    with pytest.raises(ValueError, match="force"):
        langevin.simulate(jax.random.key(0), harmonic, jnp.zeros((2, 1)), dt=0.1, n_steps=2, force=3.0)
    with pytest.raises(ValueError, match="trajectory axis"):
        langevin.simulate(jax.random.key(0), harmonic, jnp.float32(0.0), dt=0.1, n_steps=2, params=1.0)
    with pytest.raises(ValueError, match="potential"):
        langevin.simulate(jax.random.key(0), "not a function", jnp.zeros((2, 1)), dt=0.1, n_steps=2)
    # the key comes first, as in every module: the old order is a clear error, not a crash
    with pytest.raises(ValueError, match=r"key must be a jax.random key \(the first argument\)"):
        langevin.simulate(harmonic, jnp.zeros((2, 1)), jax.random.key(0), dt=0.1, n_steps=2, params=1.0)
    with pytest.raises(ValueError, match="lo < hi"):
        langevin.free_energy_1d(harmonic, params=1.0, lo=1.0, hi=-1.0)
    with pytest.raises(ValueError, match="kT"):
        langevin.free_energy_1d(harmonic, params=1.0, kT=0.0)
    with pytest.raises(ValueError, match="n must be"):
        langevin.sample_boltzmann_1d(jax.random.key(0), harmonic, 0, params=1.0)


def test_erasure_protocol_stages():
    s = jnp.array([0.0, 0.25, 0.5, 0.75, 1.0, 1.5])
    g, f = langevin.erasure_protocol(s)
    np.testing.assert_allclose(np.asarray(g), [1, 0, 0, 1, 1, 1], atol=1e-7)
    np.testing.assert_allclose(np.asarray(f), [0, 0, 1, 1, 0, 0], atol=1e-7)
    # inside the stages the ramps are linear (a boundary-only test misses a wrong ramp slope)
    g, f = langevin.erasure_protocol(jnp.array([0.1, 0.375, 0.6, 0.9]))
    np.testing.assert_allclose(np.asarray(g), [0.6, 0.0, 0.4, 1.0], atol=1e-6)
    np.testing.assert_allclose(np.asarray(f), [0.0, 0.5, 1.0, 0.4], atol=1e-6)
    # at the start: a symmetric double well, minima -E_b at x = +-1, barrier 0 at x = 0
    params = (4.0, 10.0, 6.0)
    for x, u in ((-1.0, -10.0), (1.0, -10.0), (0.0, 0.0)):
        assert float(langevin.erasure_potential(jnp.array([x]), 0.0, params)) == pytest.approx(u)
    # mid-protocol (end of stage 2): a quartic single well tilted towards x < 0
    assert float(langevin.erasure_potential(jnp.array([1.0]), 2.0, params)) == pytest.approx(16.0)


# ----------------------------------------------------------------------------------------------
# Every physical parameter away from 1 and at more than one value: friction, stiffness,
# temperature, speed, the start time. (A test with a parameter at 1 cannot see it enter wrongly.)


def flat(x, t, p):
    """No force at all (a free particle)."""
    return 0.0 * jnp.sum(x)


def stiff_dragged_trap(x, t, p):
    """A trap of stiffness k whose centre moves as v t."""
    k, v = p
    return 0.5 * k * jnp.sum((x - v * t) ** 2)


@pytest.mark.parametrize(
    "k, gamma, kT, v, t0",
    [(2.5, 0.4, 0.7, 1.3, 0.0), (0.6, 3.0, 1.8, 0.5, 2.0), (4.0, 2.0, 0.3, 2.0, -1.0)],
)
def test_dragged_trap_at_several_frictions_stiffnesses_and_temperatures(k, gamma, kT, v, t0):
    """A trap of stiffness k dragged at speed v, friction gamma, from equilibrium about the trap's
    centre at the start time t0. With tau = gamma / k and s = t - t0 the lag y = x - v t is
    Gaussian with mean -v tau (1 - exp(-s / tau)) and variance kT / k at every time; the work is
    Gaussian with mean gamma v^2 [s - tau (1 - exp(-s / tau))] and variance 2 kT <W> (for
    Gaussian work that is Jarzynski's equality with dF = 0; at <W> of 20 kT, the third case, the
    exponential average itself cannot be measured with 1e5 paths). Each parameter enters these
    differently (tau mixes gamma and k; the work's scale is gamma, its spread kT), so a wrong
    friction in the drift or the noise, a temperature in the wrong place or a clock that ignores
    t0 fails here."""
    n, dt, T = 100_000, 0.002, 1.2
    tau = gamma / k
    x0 = v * t0 + jnp.sqrt(kT / k) * jax.random.normal(jax.random.key(21), (n, 1))
    run = langevin.simulate(
        jax.random.key(22),
        stiff_dragged_trap,
        x0,
        dt=dt,
        n_steps=round(T / dt),
        kT=kT,
        gamma=gamma,
        params=(k, v),
        t0=t0,
        record_every=round(T / dt) // 2,
    )
    s = np.asarray(run.times) - t0
    np.testing.assert_allclose(s, [0, T / 2, T], atol=1e-5)
    y = np.asarray(run.x[..., 0], float) - v * np.asarray(run.times)[:, None]
    lag = -v * tau * (1 - np.exp(-s / tau))
    se = np.sqrt(kT / k / n)
    np.testing.assert_array_less(np.abs(y.mean(axis=1) - lag), 5 * se)
    np.testing.assert_array_less(np.abs(y.var(axis=1) / (kT / k) - 1), 5 * np.sqrt(2 / n))
    w = np.asarray(run.work[-1], float)
    mean = gamma * v**2 * (T - tau * (1 - np.exp(-T / tau)))
    var = 2 * kT * mean
    assert abs(w.mean() - mean) < 5 * np.sqrt(var / n), (w.mean(), mean)
    assert abs(w.var() / var - 1) < 5 * np.sqrt(2 / n), (w.var(), var)
    # the first law holds per trajectory at any friction and temperature
    assert float(jnp.abs(run.first_law_residual).max()) < 1e-3 * max(
        1.0, float(jnp.abs(run.work).max())
    )


@pytest.mark.parametrize("kT, gammas", [(2.0, (0.3, 5.0)), (0.5, (4.0, 0.8))])
def test_free_diffusion_constant_is_kT_over_gamma_per_coordinate(kT, gammas):
    """A free particle diffuses with D = kT / gamma (Einstein): <dx^2> = 2 D t in each coordinate,
    here with a different friction in each (gamma broadcast over the state), at two
    temperatures."""
    n, dt, steps = 50_000, 0.01, 150
    gamma = jnp.asarray(gammas)
    run = langevin.simulate(
        jax.random.key(23),
        flat,
        jnp.zeros((n, 2)),
        dt=dt,
        n_steps=steps,
        kT=kT,
        gamma=gamma,
    )
    msd = np.asarray(jnp.mean(run.x[-1] ** 2, axis=0), float)
    exact = 2 * kT / np.asarray(gammas) * dt * steps
    np.testing.assert_array_less(np.abs(msd / exact - 1), 5 * np.sqrt(2 / n))


@pytest.mark.parametrize("method", ["euler", "heun"])
@pytest.mark.parametrize("k, gamma, kT", [(2.5, 0.4, 0.7), (0.8, 3.0, 1.6)])
def test_ornstein_uhlenbeck_relaxation_and_stationary_law(method, k, gamma, kT):
    """gamma dx = -k x dt + sqrt(2 gamma kT) dW from x0 = 2: the mean relaxes as
    2 exp(-k t / gamma) and the variance as (kT / k)(1 - exp(-2 k t / gamma)), with both schemes
    (the time step is small against gamma / k, so their bias is below the statistical error)."""
    n, dt, steps, x0 = 200_000, 0.0005 * gamma / k * 10, 200, 2.0
    run = langevin.simulate(
        jax.random.key(24),
        harmonic,
        jnp.full((n, 1), x0),
        dt=dt,
        n_steps=steps,
        kT=kT,
        gamma=gamma,
        params=k,
        method=method,
        record_every=steps // 4,
    )
    t = np.asarray(run.times)[1:]
    x = np.asarray(run.x[1:, :, 0], float)
    mean = x0 * np.exp(-k * t / gamma)
    var = kT / k * (1 - np.exp(-2 * k * t / gamma))
    bias = (2e-2 if method == "euler" else 2e-3) * k * dt / gamma
    np.testing.assert_array_less(np.abs(x.mean(axis=1) - mean), 5 * np.sqrt(var / n) + bias * x0)
    np.testing.assert_array_less(np.abs(x.var(axis=1) / var - 1), 5 * np.sqrt(2 / n) + bias)


def test_compensated_summation_keeps_the_low_bits():
    """50 000 float32 increments of ~1e-4 summed with Kahan's compensation agree with the float64
    sum to a few float32 ulps of the total; plain float32 summation misses by ten times more."""
    v = jnp.asarray(np.random.default_rng(5).uniform(0.5e-4, 1.5e-4, 50_000), jnp.float32)
    zero = jnp.float32(0.0)
    (total, _), _ = jax.lax.scan(lambda acc, x: (langevin._kahan_add(acc, x), None), (zero, zero), v)
    plain = jax.lax.scan(lambda a, x: (a + x, None), zero, v)[0]
    exact = np.sum(np.asarray(v, np.float64))
    assert abs(float(total) / exact - 1) < 3e-7, (float(total), exact)
    assert abs(float(plain) / exact - 1) > 3e-6, "plain summation should lose bits here"


@pytest.mark.parametrize("record_every", [1, 7, 12, 360, 1000, 4096])
@pytest.mark.parametrize("per_step", [1, 3, 1000, 10**6, 10**8])
def test_noise_block_is_the_largest_divisor_that_fits(record_every, per_step):
    """The steps per random draw: the largest divisor of record_every whose noise fits in
    _NOISE_BLOCK_ELEMENTS numbers (at least one step)."""
    cap = max(1, langevin._NOISE_BLOCK_ELEMENTS // per_step)
    best = max(d for d in range(1, record_every + 1) if record_every % d == 0 and d <= cap)
    assert langevin._noise_block(record_every, per_step) == best


def test_the_default_grid_of_the_quadrature_helpers():
    """A flat potential on the default grid [-4, 4]: F = -kT ln 8, and uniform draws filling it."""
    assert langevin.free_energy_1d(flat, kT=0.7) == pytest.approx(-0.7 * np.log(8.0), abs=1e-6)
    x = np.asarray(langevin.sample_boltzmann_1d(jax.random.key(4), flat, 20_000))
    assert -4.0 <= x.min() < -3.99 and 3.99 < x.max() <= 4.0
    assert abs(x.mean()) < 5 * 8 / np.sqrt(12 * 20_000)


def test_the_boltzmann_density_needs_an_increasing_grid_of_16_points():
    x = np.linspace(-3, 3, 16)
    p = langevin.boltzmann_density_1d(harmonic, x, params=2.0, kT=0.5)
    assert p.shape == (16,) and abs(np.trapezoid(p, x) - 1) < 1e-12
    for bad in (np.linspace(-3, 3, 15), x[::-1], np.stack([x, x])):
        with pytest.raises(ValueError, match="increasing 1D grid of at least 16"):
            langevin.boltzmann_density_1d(harmonic, bad, params=2.0)


# ---- tests added for the survivors of the full mutation run ----------------------------------


def drift_field(x, t, p):
    """A smooth anharmonic, time-dependent potential for the one-step tests."""
    k, a, w = p[:3]
    return 0.5 * k * jnp.sum(x**2) + a * jnp.sum(jnp.sin(w * t + x))


def constant_force(x, t, p):
    return jnp.broadcast_to(p[3], x.shape)


@pytest.mark.parametrize("method", ["euler", "heun"])
@pytest.mark.parametrize("gamma, kT, dt, t0", [(0.6, 0.4, 0.01, 0.3), (2.5, 1.7, 0.004, -1.2)])
def test_one_step_is_the_update_rule_with_the_kernel_s_noise(method, gamma, kT, dt, t0):
    """One step, reproduced from its formula with the same normal draws (the kernel draws them
    as jax.random.normal(kb, (block, *x0.shape)) with kb = split(split(key, 1)[0], 1)[0] for a
    single step): x1 = x + F(x, t) dt / gamma + sqrt(2 kT dt / gamma) z for Euler-Maruyama, and
    Heun's predictor-corrector x1 = x + (F(x, t) + F(xp, t + dt)) dt / (2 gamma) + the same
    noise. Pins the drift, the mobility, the noise's amplitude and its sign."""
    p = (1.3, 0.7, 2.1, 0.45)
    x0 = jnp.asarray(np.random.default_rng(1).normal(size=(6, 2)), jnp.float32)
    key = jax.random.key(5)
    run = langevin.simulate(
        key,
        drift_field,
        x0,
        dt=dt,
        n_steps=1,
        kT=kT,
        gamma=gamma,
        params=p,
        force=constant_force,
        t0=t0,
        method=method,
    )
    kb = jax.random.split(jax.random.split(key, 1)[0], 1)[0]
    z = jax.random.normal(kb, (1, *x0.shape), x0.dtype)[0]

    def F(x, t):
        return -jax.vmap(jax.grad(drift_field), in_axes=(0, None, None))(x, t, p) + p[3]

    noise = jnp.sqrt(2 * kT * dt / gamma) * z
    if method == "euler":
        x1 = x0 + F(x0, t0) * dt / gamma + noise
    else:
        xp = x0 + F(x0, t0) * dt / gamma + noise
        x1 = x0 + 0.5 * (F(x0, t0) + F(xp, t0 + dt)) * dt / gamma + noise
    np.testing.assert_allclose(np.asarray(run.x[-1]), np.asarray(x1), rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("F0, gamma", [(0.8, 0.5), (-1.6, 2.0)])
def test_the_work_of_a_constant_force_is_force_times_displacement(F0, gamma):
    """A uniform non-conservative force F0 in a static trap: its work along every path is exactly
    F0 (x_T - x_0) summed over coordinates (the potential, static, does none), and the first law
    then gives the heat."""
    x0 = jnp.asarray(np.random.default_rng(2).normal(size=(200, 2)), jnp.float32)
    p = (1.7, 0.0, 0.0, F0)
    run = langevin.simulate(
        jax.random.key(6),
        drift_field,
        x0,
        dt=0.01,
        n_steps=300,
        kT=0.6,
        gamma=gamma,
        params=p,
        force=constant_force,
        record_every=100,
    )
    exact = F0 * np.asarray(run.x[-1] - run.x[0], float).sum(-1)
    np.testing.assert_allclose(np.asarray(run.work[-1], float), exact, rtol=1e-4, atol=1e-4)
    du = np.asarray(run.energy[-1] - run.energy[0], float)
    np.testing.assert_allclose(np.asarray(run.heat[-1], float), exact - du, rtol=1e-3, atol=2e-3)


def test_the_smallest_valid_inputs_and_the_defaults():
    key = jax.random.key(7)
    # one-coordinate states without a state axis, a single trajectory, a single step
    run = langevin.simulate(key, harmonic, jnp.zeros(5), dt=0.1, n_steps=1, params=1.0)
    assert run.x.shape == (2, 5)
    assert langevin.simulate(
        key, harmonic, jnp.zeros((1, 2)), dt=0.1, n_steps=2, params=1.0
    ).x.shape == (
        2,
        1,
        2,
    )
    # the documented defaults, passed explicitly, give the same bits
    x0 = jnp.asarray(np.random.default_rng(3).normal(size=(8, 1)), jnp.float32)
    base = dict(dt=0.02, n_steps=10, params=(1.0, 0.5))
    implicit = langevin.simulate(key, tilting_double_well, x0, **base)
    explicit = langevin.simulate(
        key,
        tilting_double_well,
        x0,
        **base,
        kT=1.0,
        gamma=1.0,
        t0=0.0,
        method="heun",
        record_every=10,
    )
    for a, b in zip(implicit, explicit, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_a_key_that_is_not_a_key_is_refused():
    for bad in (0, np.zeros(2), "key"):
        with pytest.raises(ValueError, match=r"key must be a jax.random key \(the first argument\)"):
            langevin.simulate(bad, harmonic, jnp.zeros((2, 1)), dt=0.1, n_steps=2, params=1.0)


def test_gamma_messages_name_the_problem():
    with pytest.raises(ValueError, match="must be > 0 everywhere"):
        langevin.simulate(
            jax.random.key(0), harmonic, jnp.zeros((4, 2)), dt=0.1, n_steps=2, gamma=jnp.ones(0)
        )
    with pytest.raises(
        ValueError, match=r"gamma of shape \(3,\) does not broadcast to the state shape \(2,\)"
    ):
        langevin.simulate(
            jax.random.key(0), harmonic, jnp.zeros((4, 2)), dt=0.1, n_steps=2, gamma=jnp.ones(3)
        )
    with pytest.raises(
        ValueError, match=r"gamma of shape \(3, 2\) does not broadcast to the state shape \(2,\)"
    ):
        langevin.simulate(
            jax.random.key(0), harmonic, jnp.zeros((4, 2)), dt=0.1, n_steps=2, gamma=jnp.ones((3, 2))
        )


def test_noise_block_at_the_edges_of_its_cap():
    E = langevin._NOISE_BLOCK_ELEMENTS
    assert langevin._noise_block(E, 1) == E  # a block of exactly the cap, one number per step
    assert langevin._noise_block(4096, E // 4096) == 4096  # the cap equals the record interval
    assert langevin._noise_block(4096, E // 4096 + 1) == 2048


def test_the_erasure_experiment_is_frozen_with_its_documented_defaults():
    import dataclasses

    e = langevin.ErasureExperiment()
    assert (e.barrier, e.tilt, e.dt) == (10.0, 6.0, 0.002)
    assert langevin.ERASURE == e
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.barrier = 3.0
    for name in ("barrier", "tilt", "dt"):
        for bad in (-1.0, 0.0, float("inf"), float("nan")):
            with pytest.raises(ValueError, match=f"{name} must be a finite number > 0"):
                langevin.ErasureExperiment(**{name: bad})


def test_quadrature_grid_edges():
    with pytest.raises(ValueError, match="lo < hi"):
        langevin.free_energy_1d(harmonic, params=1.0, lo=1.0, hi=1.0)
    for bad in (True, 15, 15.5, 16.0):
        with pytest.raises(ValueError, match="n_grid must be an integer >= 16"):
            langevin.free_energy_1d(harmonic, params=1.0, n_grid=bad)
    assert np.isfinite(langevin.free_energy_1d(harmonic, params=1.0, n_grid=16))
    for bad in (True, 0, 2.0):
        with pytest.raises(ValueError, match="n must be an integer >= 1"):
            langevin.sample_boltzmann_1d(jax.random.key(0), harmonic, bad, params=1.0)
    assert langevin.sample_boltzmann_1d(jax.random.key(0), harmonic, 1, params=1.0).shape == (1, 1)
    x = np.linspace(-3, 3, 17)
    with pytest.raises(ValueError, match="increasing 1D grid"):
        langevin.boltzmann_density_1d(harmonic, np.sort(np.append(x[:-1], 0.0)), params=1.0)


def offset_trap(x, t, p):
    """A harmonic trap whose centre and floor move in time: U = k (x - t)^2 / 2 + c + t."""
    k, c = p
    return 0.5 * k * jnp.sum((x - t) ** 2) + c + t


@pytest.mark.parametrize("c", [3.5, 800.0])
def test_quadrature_helpers_with_an_energy_offset_and_their_defaults(c):
    """A trap with a floor at c (800 kT would underflow exp(-U/kT) unless the minimum is
    subtracted): F = c - kT ln sqrt(2 pi kT / k); the defaults t = 0 and kT = 1 equal the
    explicit values."""
    k = 2.5
    f = langevin.free_energy_1d(offset_trap, params=(k, c), lo=-6, hi=6)
    assert f == pytest.approx(c - np.log(np.sqrt(2 * np.pi / k)), abs=1e-6)
    assert f == langevin.free_energy_1d(offset_trap, 0.0, (k, c), kT=1.0, lo=-6, hi=6)
    assert langevin.free_energy_1d(offset_trap, params=(k, c)) == langevin.free_energy_1d(
        offset_trap, params=(k, c), n_grid=20001
    )
    x = np.linspace(-6, 6, 400)
    p = langevin.boltzmann_density_1d(offset_trap, x, params=(k, c))
    # (float32 energies: near 800 kT their resolution is 6e-5 kT)
    np.testing.assert_allclose(p, np.sqrt(k / (2 * np.pi)) * np.exp(-0.5 * k * x**2), atol=1e-4)
    np.testing.assert_array_equal(p, langevin.boltzmann_density_1d(offset_trap, x, 0.0, (k, c), kT=1.0))
    key = jax.random.key(9)
    np.testing.assert_array_equal(
        np.asarray(langevin.sample_boltzmann_1d(key, offset_trap, 50, params=(k, c))),
        np.asarray(
            langevin.sample_boltzmann_1d(
                key, offset_trap, 50, 0.0, (k, c), kT=1.0, lo=-4.0, hi=4.0, n_grid=20001
            )
        ),
    )


def test_sampling_on_a_coarse_grid_follows_its_trapezoid_cdf():
    """On 16 points the draws' distribution is the grid's piecewise-linear CDF, whose steps are
    the trapezoid masses 0.5 (p_i + p_(i+1)) dx normalized by the total: checked at every grid
    point with 200 000 draws (the mass of every interval, the last one included)."""
    lo, hi, n = -2.5, 2.5, 200_000
    x = np.linspace(lo, hi, 16)
    p = np.exp(-0.5 * 1.8 * x**2)
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (p[1:] + p[:-1]) * np.diff(x))])
    cdf /= cdf[-1]
    draws = np.asarray(
        langevin.sample_boltzmann_1d(
            jax.random.key(10), harmonic, n, params=1.8, lo=lo, hi=hi, n_grid=16
        )
    )[:, 0]
    empirical = (draws[:, None] <= x[None, :]).mean(0)
    se = np.sqrt(cdf * (1 - cdf) / n) + 1e-9
    assert np.all(np.abs(empirical - cdf) < 5 * se + 1e-6), np.abs(empirical - cdf).max()


# Surviving mutants of emergence.langevin judged equivalent (the full run of all 294 mutants,
# after the tests above; each mutant changes no result any input can produce):
#
# - _noise_block, ``cap = E // per_step`` made ``E / per_step``: the cap is compared with
#   integer divisors only (``c <= cap``), and an integer is <= x exactly when it is <= floor(x).
# - _noise_block, ``range(1, isqrt(r) + 1)`` made ``+ 2``: the extra d = isqrt(r) + 1 exceeds
#   sqrt(r), so if it divides r its co-divisor r // d is below sqrt(r) and was already visited
#   with d itself as its co-divisor: no new candidate.
# - _noise_block, ``c > best`` made ``c >= best``: at equality best is set to the value it has.
# - sample_boltzmann_1d, the trapezoid's 0.5 made 1.5, and ``* np.diff(x)`` made
#   ``/ np.diff(x)``: the grid is np.linspace (equal steps), so both scale the whole cumulative
#   sum by one constant, which the next line's normalization ``cdf /= cdf[-1]`` removes.
