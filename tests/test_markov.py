"""Tests of emergence.markov against exact results of the generator."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from scipy import stats

from emergence import markov

# a 3-state process that breaks detailed balance (a net current around the cycle 0 -> 1 -> 2)
RATES = np.array([[0.0, 2.0, 0.5], [0.7, 0.0, 3.0], [2.5, 1.0, 0.0]])


def _stationary_start(key, Q, n):
    pi = markov.stationary(Q)
    return jax.random.choice(key, len(pi), (n,), p=jnp.asarray(pi)).astype(jnp.int32)


def _per_trajectory_statistics(paths, t_max, S):
    """Time fraction in each state and net jump counts i -> j per unit time, per trajectory."""
    t = np.asarray(paths.times, dtype=float)
    s = np.asarray(paths.states)
    end = np.minimum(np.where(np.isfinite(t), t, t_max)[:, 1:], t_max)
    dwell = end - t[:, :-1]
    dwell[~np.isfinite(t[:, :-1])] = 0.0
    occ = np.stack([np.sum(np.where(s[:, :-1] == i, dwell, 0.0), axis=1) for i in range(S)], 1) / t_max
    jumped = np.isfinite(t[:, 1:])
    flows = np.zeros((s.shape[0], S, S))
    for i in range(S):
        for j in range(S):
            flows[:, i, j] = np.sum(jumped & (s[:, :-1] == i) & (s[:, 1:] == j), axis=1) / t_max
    return occ, flows - flows.transpose(0, 2, 1)


def test_exact_results_of_a_driven_ring():
    """A uniform 3-ring with rates k+ forward and k- backward: pi uniform, current (k+ - k-)/3 on
    every link, entropy production (k+ - k-) ln(k+/k-)."""
    kp, km = 2.0, 0.5
    Q = markov.generator([[0, kp, km], [km, 0, kp], [kp, km, 0]])
    np.testing.assert_allclose(markov.stationary(Q), [1 / 3] * 3, atol=1e-12)
    J = markov.probability_currents(Q)
    np.testing.assert_allclose([J[0, 1], J[1, 2], J[2, 0]], [(kp - km) / 3] * 3, atol=1e-12)
    np.testing.assert_allclose(J, -J.T, atol=1e-15)
    assert markov.entropy_production(Q) == pytest.approx((kp - km) * np.log(kp / km), rel=1e-12)


def test_detailed_balance_gives_no_current_and_no_entropy_production():
    """Rates Q_ij = s_ij exp((E_i - E_j)/2) with symmetric s obey detailed balance with
    pi ~ exp(-E): zero current and zero entropy production."""
    rng = np.random.default_rng(0)
    E = rng.normal(size=5)
    s = rng.uniform(0.5, 2.0, (5, 5))
    s = s + s.T
    Q = markov.generator(s * np.exp((E[:, None] - E[None, :]) / 2))
    pi = markov.stationary(Q)
    np.testing.assert_allclose(pi, np.exp(-E) / np.exp(-E).sum(), rtol=1e-10)
    assert np.abs(markov.probability_currents(Q)).max() < 1e-12
    assert abs(markov.entropy_production(Q)) < 1e-12
    assert markov.entropy_production(markov.generator(RATES)) > 0.1


def test_simulated_occupation_and_current_match_the_generator():
    Q = markov.generator(RATES)
    n, t_max = 2000, 40.0
    x0 = _stationary_start(jax.random.key(1), Q, n)
    paths = markov.gillespie(jax.random.key(2), Q, x0, t_max, 400)
    assert bool(paths.complete.all()), "buffer too small for the test"
    occ, net = _per_trajectory_statistics(paths, t_max, 3)
    pi, J = markov.stationary(Q), markov.probability_currents(Q)
    se_occ = occ.std(axis=0) / np.sqrt(n)
    assert np.all(np.abs(occ.mean(axis=0) - pi) < 5 * se_occ), (occ.mean(axis=0), pi)
    se_J = net.std(axis=0) / np.sqrt(n) + 1e-12
    assert np.all(np.abs(net.mean(axis=0) - J) < 5 * se_J), (net.mean(axis=0), J)
    assert abs(J[0, 1]) > 10 * se_J[0, 1], "the test must resolve the current"


def test_waiting_times_are_exponential_and_jumps_follow_the_rates():
    Q = markov.generator(RATES)
    paths = markov.gillespie(jax.random.key(3), Q, jnp.zeros(3000, jnp.int32), 30.0, 300)
    t = np.asarray(paths.times, dtype=float)
    s = np.asarray(paths.states)
    # holding periods that began well before t_max (one begun just before it would often be cut
    # off by t_max, and dropping those would bias the sample towards short periods)
    started = t[:, :-1] < 30.0 - 5.0
    done = np.isfinite(t[:, 1:])
    assert np.all(done[started & (s[:, :-1] == 1)]), (
        "a period that began 5 time units before t_max ended"
    )
    with np.errstate(invalid="ignore"):
        hold = (t[:, 1:] - t[:, :-1])[started & (s[:, :-1] == 1)]
    assert hold.size > 5000
    rate = -Q[1, 1]
    assert stats.kstest(hold, "expon", args=(0, 1 / rate)).pvalue > 1e-3
    # a wrong rate must be rejected by the same test
    assert stats.kstest(hold, "expon", args=(0, 1 / (1.1 * rate))).pvalue < 1e-3
    dest = s[:, 1:][started & (s[:, :-1] == 1)]
    frac0 = np.mean(dest == 0)
    p0 = Q[1, 0] / rate
    assert abs(frac0 - p0) < 5 * np.sqrt(p0 * (1 - p0) / dest.size)
    assert not np.any(dest == 1)


def test_on_grid_reads_the_current_state():
    Q = markov.generator(RATES)
    paths = markov.gillespie(jax.random.key(4), Q, jnp.array([0, 1, 2], jnp.int32), 5.0, 100)
    grid = np.linspace(0, 4.99, 57)
    snap = np.asarray(markov.on_grid(paths, grid))
    t = np.asarray(paths.times)
    for k in range(3):
        for g, v in zip(grid, snap[k], strict=True):
            last = np.max(np.nonzero(t[k] <= g)[0])
            assert v == paths.states[k, last]
    assert np.array_equal(snap[:, 0], [0, 1, 2])


def test_incomplete_buffers_are_flagged():
    Q = markov.generator(RATES)
    paths = markov.gillespie(jax.random.key(5), Q, jnp.zeros(10, jnp.int32), 100.0, 5)
    assert not bool(paths.complete.any())


@pytest.mark.parametrize(
    "Q, match",
    [
        (np.array([[-1.0, 1.0], [-0.5, 0.5]]), "off-diagonal"),
        (np.array([[-1.0, 2.0], [1.0, -1.0]]), "sum to 0"),
        (np.ones((2, 3)), "square"),
        (np.array([[np.nan, 0.0], [0.0, 0.0]]), "NaN"),
    ],
)
def test_invalid_generators_raise(Q, match):
    with pytest.raises(ValueError, match=match):
        markov.check_generator(Q)
    with pytest.raises(ValueError, match=match):
        markov.stationary(Q)


def test_bad_arguments_raise():
    Q = markov.generator(RATES)
    with pytest.raises(ValueError, match=">= 0"):
        markov.generator([[0.0, -1.0], [1.0, 0.0]])
    with pytest.raises(ValueError, match="initial states"):
        markov.gillespie(jax.random.key(0), Q, jnp.array([3], jnp.int32), 1.0, 10)
    with pytest.raises(ValueError, match="integer"):
        markov.gillespie(jax.random.key(0), Q, jnp.array([0.0]), 1.0, 10)
    with pytest.raises(ValueError, match="t_max"):
        markov.gillespie(jax.random.key(0), Q, jnp.array([0], jnp.int32), -1.0, 10)
    with pytest.raises(ValueError, match="max_jumps"):
        markov.gillespie(jax.random.key(0), Q, jnp.array([0], jnp.int32), 1.0, 0)
    with pytest.raises(ValueError, match="reducible"):
        markov.stationary(np.zeros((3, 3)))
