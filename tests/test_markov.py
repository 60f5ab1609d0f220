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


def test_flashing_ratchet_generator_and_its_affinities():
    """Each square cycle (x,on) -> (x+1,on) -> (x+1,off) -> (x,off) has affinity
    -(U_x+1 - U_x) (in k_BT); the rings in either potential have none. A flat potential, or
    switching that stops, restores detailed balance (within the connected part)."""
    V, n = 3.0, 4
    Q = np.asarray(markov.flashing_ratchet(V, 0.7, 1.3, n_sites=n))
    markov.check_generator(Q, atol=1e-12)
    U = V * np.arange(n) / (n - 1)
    for x in range(n):
        y = (x + 1) % n
        a = float(markov.cycle_affinity(Q, (x, y, y + n, x + n)))
        assert a == pytest.approx(-(U[y] - U[x]), abs=1e-12)
    assert abs(float(markov.cycle_affinity(Q, tuple(range(n))))) < 1e-12
    assert abs(float(markov.cycle_affinity(Q, tuple(range(n, 2 * n))))) < 1e-12
    assert markov.entropy_production(Q) > 0.1
    J = markov.probability_currents(Q)
    ring = [J[x, (x + 1) % n] + J[x + n, (x + 1) % n + n] for x in range(n)]
    np.testing.assert_allclose(ring, ring[0], atol=1e-14)  # the same current through every cut
    assert ring[0] < 0  # towards the steep side
    flat = np.asarray(markov.flashing_ratchet(0.0, 0.7, 1.3, n_sites=n))
    assert abs(markov.entropy_production(flat)) < 1e-12
    static = np.asarray(markov.flashing_ratchet(V, 0.0, 1.3, n_sites=n))[:n, :n]
    assert abs(markov.entropy_production(static)) < 1e-12
    # a traced generator gets a differentiable stationary state, equal to the exact one
    pi_traced = jax.jit(markov.stationary)(jnp.asarray(Q))
    np.testing.assert_allclose(np.asarray(pi_traced), markov.stationary(Q), rtol=1e-5)
    # traced parameters give the same generator
    Qj = jax.jit(lambda v, r: markov.flashing_ratchet(v, r, 1.3, n_sites=n))(V, 0.7)
    np.testing.assert_allclose(np.asarray(Qj), Q, rtol=1e-6)


def test_cycle_affinity_vanishes_under_detailed_balance():
    rng = np.random.default_rng(1)
    E = rng.normal(size=4)
    s = rng.uniform(0.5, 2.0, (4, 4))
    Q = markov.generator((s + s.T) * np.exp((E[:, None] - E[None, :]) / 2))
    for c in [(0, 1, 2), (0, 3, 1, 2), (3, 2, 1)]:
        assert abs(float(markov.cycle_affinity(Q, c))) < 1e-12
    Qd = markov.generator(RATES)
    expected = np.log(2.0 * 3.0 * 2.5 / (0.7 * 1.0 * 0.5))
    assert float(markov.cycle_affinity(Qd, (0, 1, 2))) == pytest.approx(expected, rel=1e-12)
    assert float(markov.cycle_affinity(Qd, (0, 2, 1))) == pytest.approx(-expected, rel=1e-12)


def test_path_statistics_and_the_exact_path_likelihood():
    Q = markov.generator(RATES)
    t_max = 20.0
    paths = markov.gillespie(jax.random.key(6), Q, jnp.array([0, 1, 2, 0], jnp.int32), t_max, 200)
    dwell, counts = (np.asarray(a) for a in markov.path_statistics(paths, 3, t_max))
    assert dwell.sum() == pytest.approx(4 * t_max, rel=1e-12)
    assert counts.sum() == int(paths.n_jumps.sum()) and np.all(np.diag(counts) == 0)
    # the likelihood written out jump by jump: density q e^{-q tau} of each holding time, the
    # jump's probability Q_xy / q, and the survival e^{-q tau} of the last, censored, period
    t, s = np.asarray(paths.times, float), np.asarray(paths.states)
    ll = 0.0
    for k in range(4):
        m = int(paths.n_jumps[k])
        for i in range(m):
            x, y, tau = s[k, i], s[k, i + 1], t[k, i + 1] - t[k, i]
            ll += np.log(Q[x, y]) + Q[x, x] * tau
        ll += Q[s[k, m], s[k, m]] * (t_max - t[k, m])
    # (paths and likelihood in float32 here: agreement to float32 precision)
    assert float(markov.path_log_likelihood(jnp.asarray(Q), dwell, counts)) == pytest.approx(
        ll, rel=1e-5
    )
    # the maximum-likelihood rates counts / dwell converge to the true ones
    big = markov.gillespie(jax.random.key(7), Q, jnp.zeros(500, jnp.int32), 40.0, 600)
    dwell, counts = (np.asarray(a) for a in markov.path_statistics(big, 3, 40.0))
    mle = counts / dwell[:, None]
    off = ~np.eye(3, dtype=bool)
    se = np.sqrt(counts[off]) / np.repeat(dwell, 2)
    assert np.all(np.abs(mle[off] - Q[off]) < 5 * se), (mle, Q)
    with pytest.raises(ValueError, match="buffer"):
        short = markov.gillespie(jax.random.key(5), Q, jnp.zeros(3, jnp.int32), 100.0, 5)
        markov.path_statistics(short, 3, 100.0)
    with pytest.raises(ValueError, match="n_states"):
        markov.path_statistics(paths, 2, t_max)


def test_hmm_likelihood_equals_the_sum_over_hidden_paths():
    import itertools

    rng = np.random.default_rng(2)
    S, n_obs, K = 3, 2, 4
    P = rng.dirichlet(np.ones(S), size=S)
    E = rng.dirichlet(np.ones(n_obs), size=S)
    p0 = rng.dirichlet(np.ones(S))
    obs = np.array([[0, 1, 1, 0], [1, 1, 0, 1]])
    total = 0.0
    for seq in obs:
        like = 0.0
        for h in itertools.product(range(S), repeat=K):
            p = p0[h[0]] * E[h[0], seq[0]]
            for k in range(1, K):
                p *= P[h[k - 1], h[k]] * E[h[k], seq[k]]
            like += p
        total += np.log(like)
    got = markov.hmm_log_likelihood(jnp.asarray(P), jnp.asarray(E), jnp.asarray(obs), jnp.asarray(p0))
    assert float(got) == pytest.approx(total, rel=1e-5)
    with pytest.raises(ValueError, match="integer"):
        markov.hmm_log_likelihood(
            jnp.asarray(P), jnp.asarray(E), jnp.asarray(obs, float), jnp.asarray(p0)
        )
    with pytest.raises(ValueError, match="shapes"):
        markov.hmm_log_likelihood(jnp.asarray(P), jnp.asarray(E), jnp.asarray(obs), jnp.asarray(p0[:2]))


def test_bad_ratchet_and_cycle_arguments_raise():
    Q = markov.generator(RATES)
    with pytest.raises(ValueError, match="n_sites"):
        markov.flashing_ratchet(1.0, 1.0, n_sites=2)
    with pytest.raises(ValueError, match="r must"):
        markov.flashing_ratchet(1.0, -1.0)
    with pytest.raises(ValueError, match="gamma must"):
        markov.flashing_ratchet(1.0, 1.0, gamma=np.inf)
    with pytest.raises(ValueError, match="V must"):
        markov.flashing_ratchet(np.nan, 1.0)
    with pytest.raises(ValueError, match="at least 3 distinct"):
        markov.cycle_affinity(Q, (0, 1, 0))
    with pytest.raises(ValueError, match="lie in"):
        markov.cycle_affinity(Q, (0, 1, 5))


# --- the detailed-balance test (Bayes factor from complete paths) -------------------------------

A, B, E_SCALE = 1.7, 0.6, 1.3  # priors away from 1, so a misplaced a, b or scale shows


def _gamma_pdf(x, a, b):
    from scipy.special import gammaln

    return np.exp(a * np.log(b) - gammaln(a) + (a - 1) * np.log(x) - b * x)


def test_free_rate_evidence_equals_quadrature():
    from scipy import integrate

    dwell = np.array([2.5, 1.2])
    counts = np.array([[0.0, 4.0], [7.0, 0.0]])
    exact = 0.0
    for s, t in ((0, 1), (1, 0)):
        f = lambda q, s=s, t=t: _gamma_pdf(q, A, B) * q ** counts[s, t] * np.exp(-q * dwell[s])  # noqa: E731
        exact += np.log(integrate.quad(f, 0, np.inf)[0])
    got = markov.log_evidence_free_rates(dwell, counts, [(0, 1)], A, B)
    assert abs(got - exact) < 1e-7


def test_detailed_balance_evidence_equals_quadrature_two_states():
    """Two states, one link: weight w and energy E integrated by brute-force quadrature."""
    from scipy import integrate, stats

    # unequal occupations (E far from 0), so that the energies' prior scale matters
    dwell = np.array([3.0, 0.6])
    counts = np.array([[0.0, 3.0], [12.0, 0.0]])

    def integrand(w, E):  # Q01 = w e^(-E/2), Q10 = w e^(+E/2)
        q01, q10 = w * np.exp(-E / 2), w * np.exp(E / 2)
        like = q01**3 * np.exp(-q01 * dwell[0]) * q10**12 * np.exp(-q10 * dwell[1])
        return _gamma_pdf(w, A, B) * stats.norm.pdf(E, 0, E_SCALE) * like

    exact = np.log(integrate.dblquad(integrand, -8, 8, 0, 60, epsabs=1e-14, epsrel=1e-10)[0])
    got, ess, rel = markov.log_evidence_detailed_balance(
        dwell, counts, [(0, 1)], A, B, E_SCALE, 4000, seed=3
    )
    # one free energy, a near-Gaussian posterior, a Student-t(5) proposal of the Laplace scale:
    # ESS / n = 1 / int N(x)^2 / t5(x) dx = 0.958 in one dimension (0.879 if the sampler drew
    # in three, as it would with the wrong number of free energies)
    assert ess > 0.93 * 4000 and rel < 0.02
    assert abs(got - exact) < 4 * rel + 1e-3


def test_detailed_balance_importance_sampling_equals_quadrature_on_a_ring():
    """Three states on a ring: the two free energies integrated on a fine grid (log-sum-exp of
    the library's integrand, which the two-state test checks against brute force)."""
    dwell = np.array([1.5, 2.0, 0.8])
    counts = np.array([[0, 3, 2], [1, 0, 4], [5, 2, 0]], float)
    links = [(0, 1), (0, 2), (1, 2)]
    i, j = np.array([0, 0, 1]), np.array([1, 2, 2])
    args = (
        *(jnp.asarray(x, float) for x in (dwell, counts[i, j], counts[j, i])),
        jnp.asarray(i),
        jnp.asarray(j),
        *(jnp.asarray(x, float) for x in (A, B, E_SCALE)),
    )
    e = np.linspace(-7.0, 7.0, 701)
    grid = np.stack(np.meshgrid(e, e, indexing="ij"), axis=-1).reshape(-1, 2)
    logf = np.asarray(markov._db_f_many(jnp.asarray(grid, float), *args), float)
    m = logf.max()
    exact = m + np.log(np.exp(logf - m).sum() * (e[1] - e[0]) ** 2)
    got, _, rel = markov.log_evidence_detailed_balance(
        dwell, counts, links, A, B, E_SCALE, 4000, seed=4
    )
    assert abs(got - exact) < 4 * rel + 2e-3


def test_detailed_balance_test_tells_a_driven_ring_from_a_balanced_one():
    """Expected complete-path statistics over a long time: a driven ring is caught, a balanced
    one is not (its Bayes factor favours detailed balance, the Occam factor of one constraint)."""

    def stats_of(Q, T):
        pi = markov.stationary(Q)
        counts = np.round(T * pi[:, None] * np.where(np.eye(3, dtype=bool), 0.0, Q))
        return T * pi, counts

    driven = markov.generator(np.array([[0, 2.0, 0.5], [0.5, 0, 2.0], [2.0, 0.5, 0]]))
    balanced = markov.generator(np.array([[0, 1.0, 2.0], [2.0, 0, 0.5], [1.0, 0.125, 0]]))
    assert abs(markov.cycle_affinity(balanced, (0, 1, 2))) < 1e-12
    hit = markov.detailed_balance_test(*stats_of(driven, 300.0), prior=(A, B, E_SCALE), seed=1)
    assert hit.log10_K > 10 and hit.log10_p_db < -10 and hit.states == 3 and len(hit.links) == 3
    miss = markov.detailed_balance_test(*stats_of(balanced, 300.0), prior=(A, B, E_SCALE), seed=1)
    assert miss.log10_K < 0 and miss.log10_p_db > np.log10(0.5)


def test_detailed_balance_test_bad_input():
    with pytest.raises(ValueError, match="shapes"):
        markov.detailed_balance_test(np.ones(3), np.ones((2, 2)))
    for prior in ((1.0, 0.0, 1.0), (0.0, 1.0, 1.0), (1.0, 1.0, 0.0)):
        with pytest.raises(ValueError, match="prior"):
            markov.detailed_balance_test(np.ones(2), np.ones((2, 2)), prior=prior)
    with pytest.raises(ValueError, match="nothing to test"):
        markov.detailed_balance_test(np.array([1.0, 0.0]), np.zeros((2, 2)))


def test_types_follow_the_input_not_whether_it_is_traced():
    Q = markov.flashing_ratchet(3.0, 0.7, 1.3)
    assert isinstance(Q, np.ndarray) and Q.dtype == np.float64
    assert isinstance(markov.stationary(Q), np.ndarray)
    Qj = markov.flashing_ratchet(jnp.asarray(3.0), 0.7, 1.3)  # a JAX array, not traced
    assert isinstance(Qj, jax.Array)
    pi_j = markov.stationary(Qj)
    assert isinstance(pi_j, jax.Array)
    np.testing.assert_allclose(np.asarray(pi_j), markov.stationary(Q), rtol=1e-5)
    assert isinstance(markov.cycle_affinity(Qj, (0, 1, 4, 3)), jax.Array)
    assert isinstance(markov.cycle_affinity(Q, (0, 1, 4, 3)), float)


@pytest.mark.parametrize("V, r, gamma, n", [(6.0, 1.5, 1.3, 3), (6.0, 3.0, 1.6, 4)])
def test_ratchet_current_is_n_times_the_flux_through_a_cut_and_matches_simulation(V, r, gamma, n):
    Q = markov.flashing_ratchet(V, r, gamma, n_sites=n)
    J = markov.probability_currents(Q)
    for x in range(n):  # the same through every cut
        cut = J[x, (x + 1) % n] + J[x + n, (x + 1) % n + n]
        assert n * cut == pytest.approx(markov.ratchet_current(Q, n), rel=1e-10)
    v = markov.ratchet_current(Q, n)
    assert v < 0  # towards the steep side
    # against simulation: the mean net displacement per unit time, within 4 standard errors
    t_max, n_paths = 200.0, 3000
    paths = markov.gillespie_stationary(jax.random.key(n), Q, n_paths, t_max)
    d = np.asarray(markov.ratchet_displacement(paths, n))[np.arange(n_paths), np.asarray(paths.n_jumps)]
    vel = d / t_max
    assert abs(vel.mean() - v) < 4 * vel.std() / np.sqrt(n_paths)
    assert abs(v) > 8 * vel.std() / np.sqrt(n_paths)  # the test resolves the current
    # no current without switching or without a potential
    assert markov.ratchet_current(
        markov.flashing_ratchet(0.0, r, gamma, n_sites=n), n
    ) == pytest.approx(0, abs=1e-14)
    assert markov.ratchet_current(
        markov.flashing_ratchet(V, 1e-12, gamma, n_sites=n), n
    ) == pytest.approx(0, abs=1e-10)


def test_ratchet_square_and_displacement():
    assert markov.ratchet_square(0, 3) == (0, 1, 4, 3)
    assert markov.ratchet_square(3, 4) == (3, 0, 4, 7)
    Q = markov.flashing_ratchet(2.0, 0.4, 1.7, n_sites=4)
    U = 2.0 * np.arange(4) / 3
    for x in range(4):
        a = markov.cycle_affinity(Q, markov.ratchet_square(x, 4))
        assert a == pytest.approx(-(U[(x + 1) % 4] - U[x]), abs=1e-12)
    # a hand-made path on 3 sites: 0 -> 1 -> 2 -> 0 (forward across the drop), switch off at
    # site 0, then 0 -> 2 backwards (off states 3..5), then padding that repeats the state
    states = jnp.array([[0, 1, 2, 0, 3, 5, 5]])
    paths = markov.Paths(jnp.zeros((1, 7)), states, jnp.array([5]), jnp.array([True]))
    np.testing.assert_array_equal(
        np.asarray(markov.ratchet_displacement(paths, 3))[0], [0, 1, 2, 3, 3, 2, 2]
    )
    with pytest.raises(ValueError, match=r"x must be a site in \[0, 2\], got 3"):
        markov.ratchet_square(3, 3)
    with pytest.raises(ValueError, match="n_sites must be an integer >= 3"):
        markov.ratchet_current(Q, 2)
    with pytest.raises(ValueError, match=r"Q must have shape \(6, 6\)"):
        markov.ratchet_current(Q, 3)


def test_stationary_paths_start_in_pi_and_fill_no_buffer():
    Q = markov.generator(RATES * 1.7)
    pi = markov.stationary(Q)
    t_max = 3.5
    buffer = markov.jump_buffer(Q, t_max)
    mean_jumps = t_max * float(-(pi * np.diag(Q)).sum())
    assert buffer >= 1.2 * mean_jumps + 10 * np.sqrt(mean_jumps)
    k = int(np.log2(buffer))
    assert buffer in (2**k, 3 * 2 ** (k - 1))
    assert markov.jump_buffer(Q, 2 * t_max) >= buffer
    paths = markov.gillespie_stationary(jax.random.key(11), Q, 6000, t_max)
    assert paths.times.shape == (6000, buffer + 1) and bool(paths.complete.all())
    counts = np.bincount(np.asarray(paths.states[:, 0]), minlength=3)
    assert stats.chisquare(counts, 6000 * pi).pvalue > 1e-3
    with pytest.raises(ValueError, match="n_paths must be an integer >= 1"):
        markov.gillespie_stationary(jax.random.key(0), Q, 0, t_max)
    with pytest.raises(ValueError, match="t_max must be a finite time > 0"):
        markov.jump_buffer(Q, -1.0)


def test_ratchet_parameters_and_their_generator():
    R = markov.Ratchet(V=2.5, r=0.3, gamma=1.7, n_sites=4)
    np.testing.assert_array_equal(R.generator(), markov.flashing_ratchet(2.5, 0.3, 1.7, n_sites=4))
    assert R.labels == ["0+", "1+", "2+", "3+", "0-", "1-", "2-", "3-"]
    assert markov.RATCHET == markov.Ratchet(4.0, 1.0, 1.0, 3)
    with pytest.raises(ValueError, match="gamma must be a finite rate > 0, got 0"):
        markov.Ratchet(gamma=0)
    with pytest.raises(ValueError, match="r must be a finite rate >= 0, got -1"):
        markov.Ratchet(r=-1)


def test_sample_hmm_steps_with_P_and_reads_with_the_emission():
    rng = np.random.default_rng(3)
    P = rng.dirichlet(np.ones(3) * 2, size=3)
    p0 = np.array([0.6, 0.3, 0.1])
    eps = 0.15
    E = (1 - eps) * np.eye(3) + eps / 2 * (1 - np.eye(3))
    clean = np.asarray(markov.sample_hmm(jax.random.key(0), P, np.eye(3), p0, 4000, 30))
    assert clean.shape == (4000, 30) and clean.dtype == np.int32
    # the first reading follows p0, consecutive ones follow P (identity emission)
    np.testing.assert_allclose(np.bincount(clean[:, 0], minlength=3) / 4000, p0, atol=0.025)
    pairs = np.zeros((3, 3))
    np.add.at(pairs, (clean[:, :-1].ravel(), clean[:, 1:].ravel()), 1)
    np.testing.assert_allclose(pairs / pairs.sum(1, keepdims=True), P, atol=0.01)
    # with noise, a fraction eps of the readings differ from the hidden state: the same key
    # draws the same hidden chain, so compare the two runs reading by reading
    noisy = np.asarray(markov.sample_hmm(jax.random.key(0), P, E, p0, 4000, 30))
    assert abs(np.mean(noisy != clean) - eps) < 0.01
    with pytest.raises(ValueError, match="n_readings must be an integer >= 1"):
        markov.sample_hmm(jax.random.key(0), P, E, p0, 10, 0)


def test_jump_count_deviance_passes_the_true_rates_and_fails_wrong_ones():
    from emergence import adequacy

    Q = markov.flashing_ratchet(2.5, 0.7, 1.8, n_sites=3)
    paths = markov.gillespie_stationary(jax.random.key(4), Q, 64, 200.0)
    dwell, counts = markov.path_statistics(paths, 6, 200.0)
    draws = np.repeat(np.asarray(Q)[None], 300, axis=0)
    (o, r), (ow, rw) = markov.jump_count_deviance(jax.random.key(5), draws, dwell, counts)
    good = adequacy.from_discrepancies("ratchet", {"total": o, "worst": ow}, {"total": r, "worst": rw})
    assert good.adequate, good
    # the switching rate twice too high: the counts of the switching links cannot follow
    wrong = np.repeat(np.asarray(markov.flashing_ratchet(2.5, 1.4, 1.8, n_sites=3))[None], 300, 0)
    (o, r), _ = markov.jump_count_deviance(jax.random.key(5), wrong, dwell, counts)
    assert adequacy.predictive_pvalue(o, r) < 0.001
    # a jump on a link the model forbids: the data are impossible under it
    forbidding = draws.copy()
    forbidding[:, 0, 1] = 0.0
    forbidding[:, 0, 0] = -forbidding[:, 0].sum() + forbidding[:, 0, 0]
    (o, _), _ = markov.jump_count_deviance(jax.random.key(5), forbidding, dwell, counts)
    assert np.all(np.isinf(o)) == (counts[0, 1] > 0)
    with pytest.raises(ValueError, match="need Qs"):
        markov.jump_count_deviance(jax.random.key(5), np.asarray(Q), dwell, counts)


# --- edges of the valid ranges, and tables with unequal out-degrees (issue 17's mutants) --------


def test_the_smallest_valid_arguments_are_accepted():
    """Two states, one jump of buffer, one reading, a switching rate of zero: all valid."""
    Q2 = markov.check_generator([[-1.5, 1.5], [0.4, -0.4]])
    assert Q2.shape == (2, 2)
    np.testing.assert_allclose(markov.stationary(Q2), [0.4 / 1.9, 1.5 / 1.9], rtol=1e-12)
    with pytest.raises(ValueError, match="at least 2 states"):
        markov.check_generator([[0.0]])
    one = markov.gillespie(jax.random.key(0), Q2, jnp.array([0, 1], jnp.int32), 0.5, 1)
    assert one.times.shape == (2, 2)
    dwell, counts = markov.path_statistics(
        markov.gillespie(jax.random.key(1), Q2, jnp.array([0, 1], jnp.int32), 2.0, 64), 2, 2.0
    )
    assert float(jnp.sum(dwell)) == pytest.approx(4.0, rel=1e-6)
    assert markov.Ratchet(r=0.0).r == 0.0
    h = markov.sample_hmm(jax.random.key(0), np.eye(2), np.eye(2), [0.5, 0.5], 1, 1)
    assert h.shape == (1, 1)
    with pytest.raises(ValueError, match="t_max must be a finite time > 0"):
        markov.gillespie(jax.random.key(0), Q2, jnp.array([0], jnp.int32), 0.0, 10)


@pytest.mark.parametrize("bad", [4.0, np.float64(3.0), True])
def test_a_site_count_that_is_not_an_integer_is_refused(bad):
    for f in (
        lambda: markov.Ratchet(n_sites=bad),
        lambda: markov.ratchet_square(0, bad),
        lambda: markov.flashing_ratchet(1.0, 1.0, n_sites=bad),
    ):
        with pytest.raises(ValueError, match="n_sites must be an integer >= 3"):
            f()


def test_hmm_shapes_are_checked_one_at_a_time():
    P, E, p0 = jnp.eye(3), jnp.full((3, 2), 0.5), jnp.full(3, 1 / 3)
    obs = jnp.zeros((2, 4), jnp.int32)
    assert np.isfinite(float(markov.hmm_log_likelihood(P, E, obs, p0)))
    with pytest.raises(ValueError, match="shapes do not match"):
        markov.hmm_log_likelihood(jnp.ones((3, 2)) / 2, E, obs, p0)
    with pytest.raises(ValueError, match="shapes do not match"):
        markov.hmm_log_likelihood(P, E[:2], obs, p0)


def test_a_chain_with_unequal_out_degrees_jumps_only_to_its_neighbours():
    """A birth-death chain 0 - 1 - 2 - 3: the end states have one destination, the inner ones two,
    so the jump tables are padded. Jumps go to neighbours only, with the right probabilities,
    and the occupation follows the exact stationary distribution (detailed balance along a line:
    pi_{x+1} / pi_x = b_x / d_{x+1})."""
    b, d = np.array([2.3, 0.8, 1.7]), np.array([0.6, 1.9, 3.1])  # births x -> x+1, deaths x+1 -> x
    R = np.zeros((4, 4))
    R[np.arange(3), np.arange(1, 4)] = b
    R[np.arange(1, 4), np.arange(3)] = d
    Q = markov.generator(R)
    pi = np.cumprod(np.r_[1.0, b / d])
    np.testing.assert_allclose(markov.stationary(Q), pi / pi.sum(), rtol=1e-12)
    paths = markov.gillespie_stationary(jax.random.key(21), Q, 3000, 40.0)
    s, t = np.asarray(paths.states), np.asarray(paths.times)
    jumped = np.isfinite(t[:, 1:])
    step = (s[:, 1:] - s[:, :-1])[jumped]
    assert set(np.unique(step)) == {-1, 1}
    src = s[:, :-1][jumped]
    for x in (1, 2):
        up = np.mean(step[src == x] == 1)
        p = b[x] / (b[x] + d[x - 1])
        n = np.sum(src == x)
        assert abs(up - p) < 5 * np.sqrt(p * (1 - p) / n), (x, up, p)
    occ, _ = _per_trajectory_statistics(paths, 40.0, 4)
    se = occ.std(axis=0) / np.sqrt(occ.shape[0])
    assert np.all(np.abs(occ.mean(axis=0) - pi / pi.sum()) < 5 * se)


def test_detailed_balance_test_links_only_the_pairs_that_jumped_and_reports_log10():
    """On a line 0 - 1 - 2 the pair (0, 2) never jumps: it is no link. log10_K is the
    natural-log Bayes factor of the two evidences over ln 10, and P(M0) = 1 / (1 + K)."""
    dwell = np.array([2.0, 0.7, 1.2])
    counts = np.array([[0, 4, 0], [3, 0, 5], [0, 6, 0]], float)
    prior = (1.7, 0.6, 1.3)
    got = markov.detailed_balance_test(dwell, counts, prior=prior, n_draws=500, seed=9)
    assert got.links == [(0, 1), (1, 2)]
    m1 = markov.log_evidence_free_rates(dwell, counts, [(0, 1), (1, 2)], 1.7, 0.6)
    m0, _, _ = markov.log_evidence_detailed_balance(
        dwell, counts, [(0, 1), (1, 2)], 1.7, 0.6, 1.3, 500, seed=9
    )
    assert got.log10_K == pytest.approx((m1 - m0) / np.log(10), rel=1e-10)
    assert 10**got.log10_p_db == pytest.approx(1 / (1 + np.exp(m1 - m0)), rel=1e-8)
    # a state never visited is dropped with its row and column
    padded = markov.detailed_balance_test(
        np.r_[dwell, 0.0], np.pad(counts, ((0, 1), (0, 1))), prior=prior, n_draws=500, seed=9
    )
    assert padded.states == 3 and padded.log10_K == pytest.approx(got.log10_K, rel=1e-10)


def test_a_site_that_is_not_an_integer_is_refused():
    with pytest.raises(ValueError, match=r"x must be a site in \[0, 2\], got 1.0"):
        markov.ratchet_square(1.0, 3)


def test_path_likelihood_counts_a_single_jump():
    """A link jumped exactly once contributes ln Q_ij (not dropped with the unseen links)."""
    Q = jnp.asarray(markov.generator(RATES))
    dwell = jnp.array([1.3, 0.4, 2.2])
    counts = jnp.array([[0.0, 1.0, 0.0], [2.0, 0.0, 1.0], [0.0, 3.0, 0.0]])
    exit_rate = RATES.sum(axis=1)
    exact = (
        np.log(RATES[0, 1])
        + 2 * np.log(RATES[1, 0])
        + np.log(RATES[1, 2])
        + 3 * np.log(RATES[2, 1])
        - float(np.dot(np.asarray(dwell), exit_rate))
    )
    assert float(markov.path_log_likelihood(Q, dwell, counts)) == pytest.approx(exact, rel=1e-6)


def test_jump_count_deviance_checks_each_shape():
    dwell, counts = np.ones(3), np.zeros((3, 3))
    with pytest.raises(ValueError, match="need Qs"):
        markov.jump_count_deviance(jax.random.key(0), np.zeros((5, 4, 4)), dwell, counts)
    with pytest.raises(ValueError, match="need Qs"):
        markov.jump_count_deviance(jax.random.key(0), np.zeros((5, 3, 3)), np.ones(4), counts)


def test_jump_buffer_is_the_smallest_size_above_the_margin():
    """The margin 1.2 m + 10 sqrt(m) + 20 (m the expected jumps), rounded up to 2^k or 1.5 x 2^k:
    durations chosen so that the margin falls just below 64 and just below 48 land on them."""
    Q = markov.generator(RATES * 1.7)
    jump_rate = float(-(markov.stationary(Q) * np.diag(Q)).sum())
    for need, size in ((63.6, 64), (47.6, 48), (95.5, 96), (20.5, 24)):
        x = (-10 + np.sqrt(100 - 4.8 * (20 - need))) / 2.4  # sqrt(m)
        assert markov.jump_buffer(Q, x**2 / jump_rate) == size, need
    assert markov.jump_buffer(Q, 0.01) == 24
    with pytest.raises(ValueError, match="t_max must be a finite time > 0, got 0.0"):
        markov.jump_buffer(Q, 0.0)
    assert markov.gillespie_stationary(jax.random.key(0), Q, 1, 0.01).times.shape == (1, 25)


def test_generator_and_check_generator_edges():
    with pytest.raises(ValueError, match="square matrix"):
        markov.generator(np.ones((2, 3)))
    assert markov.generator([[0.0, 1.5], [0.4, 0.0]])[0, 0] == -1.5
    # a row sum at exactly the tolerance (relative to the largest rate, here 2) is accepted
    markov.check_generator([[-1.5, 2.0], [1.0, -1.0]], atol=0.25)
    with pytest.raises(ValueError, match="row 0 sums to 0.5"):
        markov.check_generator([[-1.5, 2.0], [1.0, -1.0]], atol=0.2)
    # two disconnected pairs: rank S - 2, no unique stationary distribution
    blocks = markov.generator([[0, 1.0, 0, 0], [2.0, 0, 0, 0], [0, 0, 0, 3.0], [0, 0, 0.5, 0]])
    assert np.linalg.matrix_rank(blocks) == 2
    with pytest.raises(ValueError, match="reducible"):
        markov.stationary(blocks)


def test_messages_name_the_valid_range_of_states():
    Q = markov.generator(RATES)
    with pytest.raises(ValueError, match=r"cycle states must lie in \[0, 2\]"):
        markov.cycle_affinity(Q, (0, 1, 5))
    with pytest.raises(ValueError, match=r"initial states must lie in \[0, 2\], got range \[3, 3\]"):
        markov.gillespie(jax.random.key(0), Q, jnp.array([3], jnp.int32), 1.0, 10)


def test_cycle_affinity_of_a_jax_generator_equals_the_exact_one():
    Q = markov.generator(RATES)
    for c in [(0, 1, 2), (2, 1, 0)]:
        got = markov.cycle_affinity(jnp.asarray(Q), c)
        assert float(got) == pytest.approx(markov.cycle_affinity(Q, c), rel=1e-6)


def test_path_statistics_validate_their_arguments():
    Q = markov.generator(RATES)
    paths = markov.gillespie(jax.random.key(6), Q, jnp.array([0, 1], jnp.int32), 5.0, 100)
    for bad in (3.0, True):
        with pytest.raises(ValueError, match="n_states must be an integer >= 2"):
            markov.path_statistics(paths, bad, 5.0)
    for bad in (-1.0, np.inf, 0.0):
        with pytest.raises(ValueError, match="t_max must be a finite time > 0"):
            markov.path_statistics(paths, 3, bad)
    dwell, _ = markov.path_statistics(paths, 3, 0.5)  # a duration below 1 is valid
    assert float(jnp.sum(dwell)) == pytest.approx(2 * 0.5, rel=1e-6)


def test_jump_count_deviance_is_minus_twice_the_poisson_log_likelihood():
    Q = markov.generator(RATES)
    dwell = np.array([1.3, 0.4, 2.2])
    counts = np.array([[0, 3, 1], [0, 0, 2], [5, 4, 0]], float)
    (o, _), (ow, _) = markov.jump_count_deviance(jax.random.key(0), Q[None], dwell, counts)
    off = ~np.eye(3, dtype=bool)
    d = -2 * stats.poisson.logpmf(counts[off], (Q * dwell[:, None])[off])
    assert float(o[0]) == pytest.approx(d.sum(), rel=1e-5)
    assert float(ow[0]) == pytest.approx(d.max(), rel=1e-5)


def test_detailed_balance_defaults_are_the_documented_ones():
    """prior (1, 0.2, 5) and a Student-t proposal with 5 degrees of freedom, as documented."""
    dwell = np.array([2.0, 3.5, 1.2])
    counts = np.array([[0, 4, 2], [3, 0, 5], [1, 6, 0]], float)
    default = markov.detailed_balance_test(dwell, counts, n_draws=100, seed=2)
    explicit = markov.detailed_balance_test(dwell, counts, prior=(1.0, 0.2, 5.0), n_draws=100, seed=2)
    assert default.log10_K == explicit.log10_K
    # and 4000 importance samples
    full = markov.detailed_balance_test(dwell, counts, seed=2)
    assert full.log10_K == markov.detailed_balance_test(dwell, counts, n_draws=4000, seed=2).log10_K
    links = [(0, 1), (0, 2), (1, 2)]
    args = (dwell, counts, links, 1.7, 0.6, 1.3, 300)
    assert markov.log_evidence_detailed_balance(*args, seed=4) == markov.log_evidence_detailed_balance(
        *args, seed=4, nu=5.0
    )


def test_more_edges_of_the_public_functions():
    # the first negative rate is named
    with pytest.raises(ValueError, match=r"got Q\[1, 0\] = -0.5"):
        markov.check_generator([[-1.0, 1.0], [-0.5, 0.5]])
    # the tolerance is relative to the largest rate, and to 1 when all rates are below 1
    markov.check_generator([[-0.5, 0.5], [0.3, -0.1]], atol=0.25)
    with pytest.raises(ValueError, match="row 1 sums to 0.2"):
        markov.check_generator([[-0.5, 0.5], [0.3, -0.1]], atol=0.15)
    # a generator passed as rates: its (negative) diagonal is ignored
    Q = markov.generator(RATES)
    np.testing.assert_array_equal(markov.generator(Q), Q)
    # the documented defaults: gamma = 1 and three sites
    np.testing.assert_array_equal(
        markov.flashing_ratchet(2.0, 0.7), markov.flashing_ratchet(2.0, 0.7, 1.0, n_sites=3)
    )
    R3 = markov.flashing_ratchet(2.0, 0.7, 0.6)  # a hopping rate below 1 is valid
    assert markov.ratchet_current(R3) == markov.ratchet_current(R3, 3)
    assert markov.ratchet_square(1) == (1, 2, 5, 4)
    with pytest.raises(ValueError, match="observations must be a 2D integer array"):
        markov.hmm_log_likelihood(jnp.eye(2), jnp.eye(2), jnp.zeros(4, jnp.int32), jnp.ones(2) / 2)


def test_importance_sampler_reports_its_own_ess_and_error():
    """For weights w: ESS = (sum w)^2 / sum w^2 <= n, and the relative error of their mean is
    std(w) / (sqrt(n) mean(w)) = sqrt((n / ESS - 1) / n), exactly."""
    dwell = np.array([2.0, 3.5, 1.2])
    counts = np.array([[0, 4, 2], [3, 0, 5], [1, 6, 0]], float)
    n = 1000
    _, ess, rel = markov.log_evidence_detailed_balance(
        dwell, counts, [(0, 1), (0, 2), (1, 2)], 1.7, 0.6, 1.3, n, seed=5
    )
    assert 0.5 * n < ess <= n
    assert rel == pytest.approx(np.sqrt((n / ess - 1) / n), rel=1e-9)


def test_detailed_balance_test_on_two_states_and_other_valid_priors():
    dwell, counts = np.array([3.0, 0.6]), np.array([[0.0, 3.0], [12.0, 0.0]])
    two = markov.detailed_balance_test(dwell, counts, prior=(0.5, 0.6, 1.3), n_draws=200)
    assert two.states == 2 and two.links == [(0, 1)]
    # the default seed is 0
    assert (
        two.log10_K
        == markov.detailed_balance_test(
            dwell, counts, prior=(0.5, 0.6, 1.3), n_draws=200, seed=0
        ).log10_K
    )


def test_one_way_jumps_and_forbidden_links():
    """A ring driven one way only (no reverse jumps) produces entropy at an infinite rate; a link
    the model forbids, jumped even once, makes the data impossible (infinite deviance)."""
    one_way = markov.generator([[0, 0.6, 0], [0, 0, 0.8], [0.7, 0, 0]])
    assert markov.entropy_production(one_way) == float("inf")
    Q = markov.generator(RATES)
    Q[0, 2], Q[0, 0] = 0.0, -RATES[0, 1]
    dwell = np.array([1.3, 0.4, 2.2])
    for n02, inf in ((1.0, True), (0.0, False)):
        counts = np.array([[0, 3, n02], [1, 0, 2], [5, 4, 0]], float)
        (o, _), _ = markov.jump_count_deviance(jax.random.key(0), Q[None], dwell, counts)
        assert np.isinf(o[0]) == inf
    with pytest.raises(ValueError, match=r"cycle states must lie in \[0, 2\], got \(0, 1, 3\)"):
        markov.cycle_affinity(markov.generator(RATES), (0, 1, 3))
    # ratchet_displacement's default ring has three sites
    states = jnp.array([[0, 1, 2, 0]])
    paths = markov.Paths(jnp.zeros((1, 4)), states, jnp.array([3]), jnp.array([True]))
    np.testing.assert_array_equal(np.asarray(markov.ratchet_displacement(paths))[0], [0, 1, 2, 3])


def test_ratchet_parameters_are_frozen():
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        markov.RATCHET.V = 5.0


# Surviving mutants of emergence.markov judged equivalent (make mutants):
# - `Q.shape[0]` made `Q.shape[1]` (check_generator's size test, stationary, cycle_affinity,
#   gillespie, gillespie_stationary)
#   and `counts.shape[0]` made `[1]` (jump_count_deviance): the matrices are square, checked.
# - `S = P.shape[0]` made `P.shape[1]` in hmm_log_likelihood: a square P passes either way, and
#   a non-square one fails the shape check either way.
# - `Q - diag(diag(Q))` made `Q + diag(diag(Q))` in probability_currents and
#   entropy_production: only the diagonal changes; it cancels in J = F - F^T, and in the
#   entropy production a negative diagonal flux is neither a forward nor a reverse jump.
# - `both = (fwd > 0) & (rev > 0)` made `fwd >= 0` or `rev >= 0`: a pair with one flux zero and
#   the other positive is (or is the reverse of) a one-way pair, which has already returned
#   infinity, and the diagonal's fluxes are zero both ways.
# - the inverse-CDF comparison `cum[x] <= u * rate` made `<`: equal only on a set of measure
#   zero of the uniform u.
# - placeholders inside a `where` that masks them (`np.where(both, fwd, 1.0)`, the unseen
#   links' `1.0` in path_log_likelihood, the non-links' `mu_safe` 1.0 and the diagonal's
#   `where(off, Q, 0.0)` made 1.0 in jump_count_deviance (the diagonal is no link),
#   the absorbing state's rate 1.0 in the Gillespie step, and that step's inner `rate > 0` made
#   `>=`, which only turns the placeholder into a division by zero that the outer `where`
#   discards): never read.
# - the Gillespie step's `uk[1]` made `uk[2]`: JAX clamps an index past the end of the two
#   uniforms to the last, `uk[1]` itself.
# - `b[-1] = 1.0` made 2.0 in stationary: the solution is scaled, and then normalized.
# - `pi / pi.sum()` made `pi * pi.sum()`: the least-squares pi already sums to 1 (to rounding);
#   the normalization only guards the clip of rounding negatives.
# - `off * ones_like(on)` made `off / ones_like(on)`: both only give `off` the type of `on`.
# - the jump table's width `K = max(out-degree, 1)` made `max(S, 1)` (counting zero rates) or
#   `max(out-degree, 2)`, and the clamp `min(k, K - 1)` made `K + 1`: wider tables padded with
#   rates of infinity, never chosen (and JAX clamps an index past the end to the last).
# - two uniforms per jump drawn as three (`(max_jumps, 2, n)` made 3): another, equally good
#   stream; only the first two are read.
# - strict comparisons of continuous values at equality: `jumps = t_new < t_max` made `<=`, the
#   3/4 size `>= need` in jump_buffer made `>` (need = 1.2 m + 10 sqrt(m) + 20 equals
#   3 x 2^(k - 2) only at isolated values of the expected jump count m).
# - `zip(*links, strict=True)` made `strict=False`: links are pairs.


def test_slow_rates_and_absorbing_states():
    """Exit rates below 1 still jump; a state with no exit (absorbing) is entered once and
    never left."""
    Q = markov.generator([[0, 0.3], [0.7, 0]])
    paths = markov.gillespie_stationary(jax.random.key(8), Q, 2000, 30.0)
    occ, _ = _per_trajectory_statistics(paths, 30.0, 2)
    se = occ.std(axis=0) / np.sqrt(2000)
    np.testing.assert_array_less(np.abs(occ.mean(axis=0) - [0.7, 0.3]), 5 * se)
    absorbing = markov.check_generator([[-0.6, 0.6], [0.0, 0.0]])
    p = markov.gillespie(jax.random.key(9), absorbing, jnp.zeros(500, jnp.int32), 20.0, 16)
    assert bool(p.complete.all())
    n = np.asarray(p.n_jumps)
    assert set(np.unique(n)) <= {0, 1} and n.mean() == pytest.approx(1 - np.exp(-0.6 * 20), abs=0.01)
    np.testing.assert_array_equal(np.asarray(p.states)[n == 1, -1], 1)


@pytest.mark.parametrize("bad", [2.5, True])
def test_counts_that_are_not_integers_are_refused(bad):
    Q = markov.generator(RATES)
    with pytest.raises(ValueError, match="max_jumps must be an integer >= 1"):
        markov.gillespie(jax.random.key(0), Q, jnp.array([0], jnp.int32), 1.0, bad)
    with pytest.raises(ValueError, match="n_paths must be an integer >= 1"):
        markov.gillespie_stationary(jax.random.key(0), Q, bad, 1.0)
    with pytest.raises(ValueError, match="n_readings must be an integer >= 1"):
        markov.sample_hmm(jax.random.key(0), np.eye(2), np.eye(2), [0.5, 0.5], 3, bad)
    with pytest.raises(ValueError, match="n_draws must be an integer >= 100"):
        markov.detailed_balance_test(np.ones(2), np.ones((2, 2)), n_draws=150.5 if bad == 2.5 else bad)


def test_two_visited_states_without_a_jump_are_nothing_to_test():
    with pytest.raises(ValueError, match="the paths visit 2 state"):
        markov.detailed_balance_test(np.array([1.0, 2.0]), np.zeros((2, 2)))
