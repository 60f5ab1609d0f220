"""The directed-percolation automaton and the A + A -> 0 lattice gas against exact results.

- the deterministic limits: p = 1 (a seed's region grows one position per side per step, its
  spreading sum_x x^2 = t (t+1) (t+2) / 3; a full ring stays full), p = 0 (everything dies in
  one step), and the two deterministic rules in between, p1 = 0, p2 = 1 (AND of the parents) and
  p1 = 1, p2 = 0 (XOR), against a NumPy loop: these fix which stored sites are the parents;
- one step from a known configuration activates sites with one parent at rate p1 and with two
  at rate p2;
- small rings (L = 4..7) against the exact Markov chain on all 2^L configurations: survival,
  mean activity and spreading after t steps, and the mean absorption time, for bond DP, site DP
  and a generic Domany-Kinzel pair; bond DP's self-duality (a seed's survival equals a full
  ring's density, exactly) and its absence for site DP;
- the lattice gas: parity conserved, a free particle's mean squared displacement h t, the
  exact chain of every move on rings of 3..6 sites;
- determinism across batch composition and record times, and validation.

Every probability is away from 0, 1/2 and 1 and at more than one value.
"""

import jax
import numpy as np
import pytest

from emergence import percolation as dp

KEY = jax.random.key(11)


def z_ok(sim, exact, n, z=4.5, var=None):
    """Means of n independent realizations within z standard errors of the exact value."""
    sim, exact = np.asarray(sim, float), np.asarray(exact, float)
    se = np.sqrt(np.maximum(var, 1e-12) / n)
    return np.all(np.abs(sim - exact) <= z * se + 1e-9)


# ---- probabilities ------------------------------------------------------------------------------


def test_bond_and_site_probabilities():
    p1, p2 = dp.bond_probabilities(np.array([0.3, 0.6447]))
    np.testing.assert_allclose(p1, [0.3, 0.6447])
    np.testing.assert_allclose(p2, [0.51, 1 - 0.3553**2])
    assert dp.site_probabilities(0.7) == (0.7, 0.7)
    r = dp.realized_probability(np.array([0.0, 0.6447, 1.0, 1 / 3]))
    assert r[0] == 0.0 and r[2] == 1.0
    assert np.all(np.abs(r - [0.0, 0.6447, 1.0, 1 / 3]) <= 2.0**-25)
    with pytest.raises(ValueError, match=r"p must be a probability in \[0, 1\], got 1.2"):
        dp.bond_probabilities(1.2)
    with pytest.raises(ValueError, match="got -0.1"):
        dp.site_probabilities([0.5, -0.1])
    with pytest.raises(ValueError, match="got nan"):
        dp.realized_probability(np.nan)


# ---- deterministic limits -----------------------------------------------------------------------


@pytest.mark.parametrize("L, origin", [(40, 20), (33, 0), (25, 24)])
def test_p1_seed_grows_one_position_per_side(L, origin):
    # the region spans stored sites origin .. origin + t, c = -(t // 2) .. t - t // 2 about
    # the path: it first reaches the window's edge (c = L - L // 2 - 1) at this t
    t_touch = next(t for t in range(1, 2 * L) if t - t // 2 >= L - L // 2 - 1)
    s0 = dp.seed(2, L, origin)
    r = dp.domany_kinzel(KEY, s0, 1.0, 1.0, n_steps=t_touch - 1, origin=origin)
    t = r.times
    np.testing.assert_array_equal(r.active, np.stack([t + 1, t + 1], 1))
    np.testing.assert_allclose(r.spread[:, 0], t * (t + 1) * (t + 2) / 3)
    assert not np.any(r.touched)
    r2 = dp.domany_kinzel(KEY, s0, 1.0, 1.0, n_steps=t_touch, origin=origin)
    assert np.all(r2.touched) and int(r2.active[-1, 0]) == t_touch + 1


def test_p1_picture_is_the_light_cone():
    L, T = 12, 6
    hist = np.asarray(dp.spacetime(KEY, dp.seed(1, L, 3), 1.0, 1.0, n_steps=T))[:, 0]
    pic = dp.physical_picture(hist)
    assert pic.shape == (T + 1, 2 * L)
    for t in range(T + 1):
        # stored sites 3 .. 3 + t at x = 2 j - t: positions 6 - t .. 6 + t, each two wide
        np.testing.assert_array_equal(np.flatnonzero(pic[t]), np.arange(6 - t, 6 + t + 2))
    with pytest.raises(ValueError, match=r"history must have shape \(T, L\)"):
        dp.physical_picture(hist[None])


def test_p0_dies_in_one_step_and_full_stays_full():
    s = (jax.random.uniform(KEY, (5, 30)) < 0.6).astype(np.uint8)
    r = dp.domany_kinzel(KEY, s, 0.0, 0.0, n_steps=4)
    assert np.all(np.asarray(r.active) == 0)
    for p1 in (1.0, 0.35):  # p2 = 1: a full ring stays full whatever p1
        r = dp.domany_kinzel(KEY, np.ones((3, 17)), p1, 1.0, n_steps=25)
        assert np.all(np.asarray(r.active) == 17)


def _deterministic(s, rule, n_steps):
    s = np.array(s, int)
    out = [s.copy()]
    for _ in range(n_steps):
        left = np.roll(s, 1, axis=-1)  # stored site j - 1
        s = rule(left, s)
        out.append(s.copy())
    return np.stack(out)


@pytest.mark.parametrize(
    "p1, p2, rule",
    [(0.0, 1.0, lambda a, b: a & b), (1.0, 0.0, lambda a, b: a ^ b), (1.0, 1.0, np.bitwise_or)],
)
def test_deterministic_rules_fix_the_parents(p1, p2, rule):
    s0 = (jax.random.uniform(jax.random.key(3), (4, 23)) < 0.55).astype(np.uint8)
    got = np.asarray(dp.spacetime(KEY, s0, p1, p2, n_steps=15))
    np.testing.assert_array_equal(got, _deterministic(s0, rule, 15))


def test_one_step_rates_with_one_and_two_parents():
    p1, p2 = 0.37, 0.81
    L, n = 4000, 8
    s0 = (jax.random.uniform(jax.random.key(5), (n, L)) < 0.5).astype(np.uint8)
    s1 = np.asarray(dp.spacetime(KEY, s0, p1, p2, n_steps=1))[1]
    k = np.asarray(s0, int) + np.roll(np.asarray(s0, int), 1, axis=-1)
    for kk, p in ((1, p1), (2, p2)):
        m = k == kk
        frac = s1[m].mean()
        assert abs(frac - p) < 4.5 * np.sqrt(p * (1 - p) / m.sum()), (kk, frac, p)
    assert s1[k == 0].sum() == 0


# ---- the exact chain ----------------------------------------------------------------------------

CASES = [
    ("bond 0.58", *dp.bond_probabilities(0.58)),
    ("bond 0.71", *dp.bond_probabilities(0.71)),
    ("site 0.76", *dp.site_probabilities(0.76)),
    ("generic", 0.83, 0.42),
]


def test_transition_matrix_is_stochastic_and_absorbing():
    T = dp.dk_transition_matrix(5, 0.62, 0.37)
    np.testing.assert_allclose(T.sum(1), 1.0, atol=1e-13)
    assert T[0, 0] == 1.0
    # from a single active site 0 (k = 1 at sites 0 and 1): sites 0 and 1 on with p1 each
    a = 1
    np.testing.assert_allclose(T[a, 0b11], 0.62**2)
    np.testing.assert_allclose(T[a, 0b01], 0.62 * 0.38)
    with pytest.raises(ValueError, match=r"L must be in \[2, 10\]"):
        dp.dk_transition_matrix(11, 0.5, 0.5)


@pytest.mark.parametrize("name, p1, p2", CASES)
@pytest.mark.parametrize("start", ["seed", "full"])
def test_small_rings_against_the_exact_chain(name, p1, p2, start):
    L, n_steps, n = 6, 9, 20000
    s0 = dp.seed(1, L, 2)[0] if start == "seed" else np.ones(L, np.uint8)
    origin = 2 if start == "seed" else None
    ex = dp.dk_exact(L, p1, p2, s0, n_steps, origin=origin)
    r = dp.domany_kinzel(KEY, np.tile(s0, (n, 1)), p1, p2, n_steps=n_steps, origin=origin)
    a = np.asarray(r.active, float)
    surv = ex.survival[1:]
    assert z_ok((a > 0).mean(1), surv, n, var=surv * (1 - surv))
    assert z_ok(a.mean(1), ex.active[1:], n, var=a.var(1))
    if origin is not None:
        m = np.asarray(r.spread, float)
        assert z_ok(m.mean(1), ex.spread[1:], n, var=m.var(1))


@pytest.mark.parametrize("name, p1, p2", CASES)
def test_mean_absorption_time(name, p1, p2):
    L = 4
    s0 = np.array([1, 0, 1, 1], np.uint8)
    tau = dp.dk_absorption_time(L, p1, p2, s0)
    # two computations: the linear solve, and the sum of the survival probabilities
    n_steps = int(30 * tau)
    ex = dp.dk_exact(L, p1, p2, s0, n_steps)
    assert ex.survival[-1] < 1e-9
    np.testing.assert_allclose(tau, ex.survival.sum(), rtol=1e-8)
    # and the simulation: the first time with no active site
    n = 2000
    r = dp.domany_kinzel(KEY, np.tile(s0, (n, 1)), p1, p2, n_steps=n_steps)
    alive = np.asarray(r.active) > 0
    assert not alive[-1].any()
    t_abs = alive.sum(0) + 1  # alive at t = 0 .. t_abs - 1, never again
    assert abs(t_abs.mean() - tau) < 4.5 * t_abs.std() / np.sqrt(n), (t_abs.mean(), tau)
    assert dp.dk_absorption_time(L, p1, p2, np.zeros(L)) == 0.0
    with pytest.raises(ValueError, match="p2 must be < 1"):
        dp.dk_absorption_time(L, 0.5, 1.0, s0)


def test_bond_dp_is_self_dual_and_site_dp_is_not():
    L, T = 7, 12
    for p in (0.55, 0.68):
        p1, p2 = dp.bond_probabilities(p)
        seed = dp.dk_exact(L, p1, p2, dp.seed(1, L, 0)[0], T)
        full = dp.dk_exact(L, p1, p2, np.ones(L, np.uint8), T)
        np.testing.assert_allclose(seed.survival, full.active / L, rtol=1e-12)
    p1, p2 = dp.site_probabilities(0.72)
    seed = dp.dk_exact(L, p1, p2, dp.seed(1, L, 0)[0], T)
    full = dp.dk_exact(L, p1, p2, np.ones(L, np.uint8), T)
    assert np.max(np.abs(seed.survival - full.active / L)[1:]) > 1e-3


# ---- determinism and recording ------------------------------------------------------------------


def test_a_realization_does_not_depend_on_its_neighbours_or_the_records():
    L = 50
    s0 = np.ones((4, L), np.uint8)
    p = np.array([0.6, 0.65, 0.7, 0.75])
    full = dp.domany_kinzel(KEY, s0, p, p * (2 - p), n_steps=60)
    two = dp.domany_kinzel(KEY, s0[:2], p[:2], (p * (2 - p))[:2], n_steps=60)
    np.testing.assert_array_equal(full.active[:, :2], two.active)
    some = dp.domany_kinzel(KEY, s0, p, p * (2 - p), n_steps=60, record_times=[3, 17, 60])
    np.testing.assert_array_equal(some.active, np.asarray(full.active)[[2, 16, 59]])
    np.testing.assert_array_equal(some.state, full.state)
    hist = dp.spacetime(KEY, s0, p, p * (2 - p), n_steps=60)
    np.testing.assert_array_equal(hist[-1], full.state)
    np.testing.assert_array_equal(np.asarray(hist[1:]).sum(-1), full.active)
    other = dp.domany_kinzel(jax.random.key(12), s0, p, p * (2 - p), n_steps=60)
    assert not np.array_equal(other.active, full.active)


# ---- validation ---------------------------------------------------------------------------------


def test_bad_arguments_are_clear_errors():
    s = np.ones((2, 8), np.uint8)
    run = dp.domany_kinzel
    with pytest.raises(ValueError, match=r"state0 must have shape \(n, L\) with n >= 1 and L >= 2"):
        run(KEY, np.ones((2, 1)), 0.5, 0.5, n_steps=3)
    with pytest.raises(ValueError, match="state0 must hold 0 or 1 at every site, got 2"):
        run(KEY, 2 * s, 0.5, 0.5, n_steps=3)
    with pytest.raises(ValueError, match=r"p2 must be a probability in \[0, 1\], got 1.5"):
        run(KEY, s, 0.5, 1.5, n_steps=3)
    with pytest.raises(ValueError, match=r"p1 must be a scalar or have one value per realization"):
        run(KEY, s, [0.5, 0.6, 0.7], 0.5, n_steps=3)
    with pytest.raises(ValueError, match="n_steps must be an integer >= 1, got 0"):
        run(KEY, s, 0.5, 0.5, n_steps=0)
    with pytest.raises(ValueError, match="n_steps must be an integer >= 1, got 2.0"):
        run(KEY, s, 0.5, 0.5, n_steps=2.0)
    with pytest.raises(ValueError, match=r"record_times must lie in \[1, n_steps = 5\]"):
        run(KEY, s, 0.5, 0.5, n_steps=5, record_times=[0, 3])
    with pytest.raises(ValueError, match=r"record_times must lie in \[1, n_steps = 5\]"):
        run(KEY, s, 0.5, 0.5, n_steps=5, record_times=[3, 6])
    with pytest.raises(ValueError, match="strictly increasing"):
        run(KEY, s, 0.5, 0.5, n_steps=5, record_times=[3, 3])
    with pytest.raises(ValueError, match="non-empty 1D array of integers"):
        run(KEY, s, 0.5, 0.5, n_steps=5, record_times=[1.5])
    with pytest.raises(ValueError, match="non-empty 1D array of integers"):
        run(KEY, s, 0.5, 0.5, n_steps=5, record_times=[])
    with pytest.raises(ValueError, match=r"origin must be an integer in \[0, L = 8\), got 8"):
        run(KEY, s, 0.5, 0.5, n_steps=5, origin=8)
    with pytest.raises(ValueError, match=r"origin must be an integer in \[0, L = 8\), got True"):
        run(KEY, s, 0.5, 0.5, n_steps=5, origin=True)
    with pytest.raises(ValueError, match=r"origin must be an integer in \[0, L = 8\), got -1"):
        run(KEY, s, 0.5, 0.5, n_steps=5, origin=-1)
    with pytest.raises(ValueError, match=r"origin must be in \[0, L = 8\)"):
        dp.seed(2, 8, 9)
    with pytest.raises(ValueError, match="L must be >= 2"):
        dp.seed(2, 1)
    with pytest.raises(ValueError, match="state0 must have L = 5 sites"):
        dp.dk_exact(5, 0.5, 0.5, np.ones(4), 3)
    with pytest.raises(ValueError, match="state0 must have L = 5 sites"):
        dp.dk_absorption_time(5, 0.5, 0.5, np.ones(6))
    with pytest.raises(ValueError, match="occ0 must hold 0 or 1"):
        dp.annihilation(KEY, -s.astype(int), 0.5, n_steps=3)
    with pytest.raises(ValueError, match=r"hop must be in \(0, 1\]"):
        dp.annihilation(KEY, s, 0.0, n_steps=3)
    with pytest.raises(ValueError, match=r"hop must be a probability in \[0, 1\], got 1.1"):
        dp.annihilation(KEY, s, 1.1, n_steps=3)
    with pytest.raises(ValueError, match=r"L must be in \[2, 7\]"):
        dp.annihilation_transition_matrix(8, 0.5)
    with pytest.raises(ValueError, match="t must be finite and > 0"):
        dp.annihilation_density(0.0, 0.5)
    with pytest.raises(ValueError, match="D must be finite and > 0, got -0.5"):
        dp.annihilation_density(1.0, -0.5)


# ---- A + A -> 0 ---------------------------------------------------------------------------------


@pytest.mark.parametrize("hop", [0.3, 0.85, 1.0])
def test_annihilation_conserves_parity(hop):
    occ = (jax.random.uniform(jax.random.key(4), (6, 41)) < 0.5).astype(np.uint8)
    g = dp.annihilation(KEY, occ, hop, n_steps=300)
    c = np.asarray(g.count)
    np.testing.assert_array_equal(c % 2, np.broadcast_to(occ.sum(1) % 2, c.shape))
    assert np.all(np.diff(c, axis=0) <= 0) and c[-1].sum() < occ.sum()


@pytest.mark.parametrize("hop", [0.35, 0.8])
def test_a_free_particle_diffuses_with_D_half_h(hop):
    L, T, n = 400, 60, 6000
    occ = np.zeros((n, L), np.uint8)
    occ[:, L // 2] = 1
    final = np.asarray(dp.annihilation(KEY, occ, hop, n_steps=T).occupation)
    x = final.argmax(1) - L // 2
    assert np.all(final.sum(1) == 1)
    D = hop / 2
    assert abs(x.mean()) < 4.5 * np.sqrt(2 * D * T / n)
    assert abs((x**2).mean() - 2 * D * T) < 4.5 * np.sqrt((x**2).var() / n)
    # one step: stay with 1 - h, each side with h / 2
    one = np.asarray(dp.annihilation(KEY, occ, hop, n_steps=1).occupation).argmax(1) - L // 2
    for d, p in ((0, 1 - hop), (1, hop / 2), (-1, hop / 2)):
        assert abs((one == d).mean() - p) < 4.5 * np.sqrt(p * (1 - p) / n) + 1e-9


@pytest.mark.parametrize("L, hop", [(3, 0.45), (4, 1.0), (5, 0.7), (6, 0.28)])
def test_annihilation_against_its_exact_chain(L, hop):
    T = dp.annihilation_transition_matrix(L, hop)
    np.testing.assert_allclose(T.sum(1), 1.0, atol=1e-12)
    n, n_steps = 20000, 6
    occ0 = np.zeros(L, np.uint8)
    occ0[: L - 1] = 1  # L - 1 adjacent particles
    prob = np.zeros(2**L)
    prob[int(sum(1 << j for j in range(L) if occ0[j]))] = 1.0
    counts = ((np.arange(2**L)[:, None] >> np.arange(L)) & 1).sum(1)
    g = dp.annihilation(KEY, np.tile(occ0, (n, 1)), hop, n_steps=n_steps)
    c = np.asarray(g.count, float)
    for t in range(n_steps):
        prob = prob @ T
        mean = prob @ counts
        var = prob @ counts**2 - mean**2
        assert abs(c[t].mean() - mean) < 4.5 * np.sqrt(var / n) + 1e-9, (t, c[t].mean(), mean)


def test_two_neighbours_annihilate_at_the_exact_rate():
    hop = 0.9
    T = dp.annihilation_transition_matrix(6, hop)
    a = 0b000110  # particles at 2 and 3
    # they vanish when they cross on the bond (2 right, 3 left: (h/2)^2), or when one hops onto
    # the other, which stays (2 (h/2) (1 - h))
    np.testing.assert_allclose(T[a, 0], (hop / 2) ** 2 + hop * (1 - hop))
    np.testing.assert_allclose(
        dp.annihilation_density(np.array([2.0, 8.0]), 0.3),
        [1 / np.sqrt(8 * np.pi * 0.6), 1 / np.sqrt(8 * np.pi * 2.4)],
    )


# ---- tests added for the mutants that survived the first ones ---------------------------------


def test_the_literature_constants_and_their_scaling_relations():
    e = dp.DP_EXPONENTS
    # a typo in a constant shows in the relations between them (Jensen's values satisfy them
    # to his quoted digits): delta = beta / nu_par, z = nu_par / nu_perp, and hyperscaling
    # theta = (d nu_perp - 2 beta) / nu_par in d = 1
    assert abs(e["delta"] - e["beta"] / e["nu_par"]) < 1e-5
    assert abs(e["z"] - e["nu_par"] / e["nu_perp"]) < 1e-5
    assert abs(e["theta"] - (e["nu_perp"] - 2 * e["beta"]) / e["nu_par"]) < 1e-5
    assert 0.15 < e["delta"] < 0.17 and 1.5 < e["z"] < 1.7  # not all shifted together
    assert (dp.P_C_BOND, dp.P_C_SITE) == (0.644700, 0.705485)  # as the docstring cites


def test_the_absorbing_state_never_activates():
    # 10^8 site updates from the inactive state: a site activated without an active parent
    # with probability 2^-24 (a threshold off by one) would show about six times
    for p1, p2 in ((1.0, 1.0), (0.0, 0.0)):
        r = dp.domany_kinzel(KEY, np.zeros((64, 4096), np.uint8), p1, p2, n_steps=400)
        assert int(np.asarray(r.active).sum()) == 0 and int(r.state.sum()) == 0


@pytest.mark.parametrize("L", [16, 15])
def test_the_window_edge_on_the_low_side(L):
    # a site at offset -(L // 2) from the path: after one step at p = 1 it is active there
    origin = 5
    s0 = np.zeros((1, L), np.uint8)
    s0[0, (origin - L // 2) % L] = 1
    r = dp.domany_kinzel(KEY, s0, 1.0, 1.0, n_steps=1, origin=origin)
    assert bool(r.touched[0])
    s1 = np.zeros((1, L), np.uint8)
    s1[0, (origin - L // 2 + 2) % L] = 1
    assert not bool(dp.domany_kinzel(KEY, s1, 1.0, 1.0, n_steps=1, origin=origin).touched[0])


def test_touched_against_the_history():
    # the flag computed independently from every configuration of random runs
    L, T, origin, n = 14, 40, 3, 300
    p1, p2 = dp.bond_probabilities(0.7)
    s0 = dp.seed(n, L, origin)
    r = dp.domany_kinzel(KEY, s0, p1, p2, n_steps=T, origin=origin)
    hist = np.asarray(dp.spacetime(KEY, s0, p1, p2, n_steps=T))
    j = np.arange(L)
    touched = np.zeros(n, bool)
    for t in range(1, T + 1):
        c = (j - origin - t // 2 + L // 2) % L - L // 2
        edge = (c == -(L // 2)) | (c == L - L // 2 - 1)
        touched |= (hist[t][:, edge] == 1).any(1)
    np.testing.assert_array_equal(np.asarray(r.touched), touched)
    assert 0 < touched.sum() < n  # some did, some did not


def test_recording_edge_cases_and_no_spread_without_origin():
    s0 = np.ones((3, 12), np.uint8)
    full = dp.domany_kinzel(KEY, s0, 0.7, 0.8, n_steps=9)
    assert full.spread is None and full.touched is None
    one = dp.domany_kinzel(KEY, s0, 0.7, 0.8, n_steps=9, record_times=[9])
    np.testing.assert_array_equal(one.active, np.asarray(full.active)[[8]])
    first = dp.domany_kinzel(KEY, s0, 0.7, 0.8, n_steps=9, record_times=[1, 2, 3])
    np.testing.assert_array_equal(first.active, np.asarray(full.active)[:3])
    with pytest.raises(ValueError, match="non-empty 1D array of integers"):
        dp.domany_kinzel(KEY, s0, 0.7, 0.8, n_steps=9, record_times=[[1, 2]])
    ex = dp.dk_exact(4, 0.6, 0.7, np.ones(4, np.uint8), 3)
    np.testing.assert_array_equal(ex.spread, 0.0)


def test_more_validation():
    s = np.ones((2, 8), np.uint8)
    with pytest.raises(ValueError, match=r"state0 must have shape \(n, L\)"):
        dp.domany_kinzel(KEY, np.ones((2, 3, 4)), 0.5, 0.5, n_steps=2)
    with pytest.raises(ValueError, match=r"state0 must have shape \(n, L\)"):
        dp.domany_kinzel(KEY, np.ones((0, 8)), 0.5, 0.5, n_steps=2)
    dp.domany_kinzel(KEY, np.ones((2, 2)), 0.5, 0.5, n_steps=2)  # L = 2 is allowed
    with pytest.raises(ValueError, match="must hold 0 or 1 at every site, got 2"):
        dp.domany_kinzel(KEY, np.array([[0, 2, 3, 1]]), 0.5, 0.5, n_steps=2)
    with pytest.raises(ValueError, match="p1 must be a scalar or have one value per realization"):
        dp.domany_kinzel(KEY, s, np.full((2, 1), 0.5), 0.5, n_steps=2)
    assert dp.seed(1, 2).tolist() == [[0, 1]]  # L = 2, default origin L // 2
    np.testing.assert_array_equal(np.flatnonzero(dp.seed(1, 9)[0]), [4])
    with pytest.raises(ValueError, match=r"origin must be in \[0, L = 8\)"):
        dp.seed(2, 8, 8)
    for L in (2, 10):  # the exact chain's range, both ends
        assert dp.dk_transition_matrix(L, 0.4, 0.6).shape == (2**L, 2**L)
    for L in (2, 7):
        np.testing.assert_allclose(dp.annihilation_transition_matrix(L, 0.6).sum(1), 1.0)
    with pytest.raises(ValueError, match="D must be finite and > 0, got 0.0"):
        dp.annihilation_density(1.0, 0.0)


# ---- mutants of emergence.percolation judged equivalent ---------------------------------------
# - axis=-1 made axis=1, shape[-1] made shape[1] (the kernels' arrays are 2D there): the same.
# - (stay + right - left) % 2 for (stay + right + left) % 2 (lines of the gas's arrivals):
#   x - y and x + y have the same parity.
# - the gas's direction bit read as (w & 1) != 1: left and right swapped, the same law.
# - u <= threshold for u < threshold in the gas's hop: the hop probability moves by 2^-24, far
#   below any statistical test (the automaton's thresholds are tested through the absorbing
#   state, where the same change activates sites that must stay off).
# - _BITS = 25 for 24: every threshold and draw uses it consistently, a finer quantization.
# - slots of length n_steps + 2, or filled with -2: the extra entry is never read, any
#   negative value means "not recorded".
# - the origin passed as 1 instead of 0 when there is none: unused then.
# - (x + t mod 2) / 2 for // 2 in the edge test: x + t mod 2 is even, so the quotient is the
#   same integer.
# - Q.shape[1] for Q.shape[0] in the absorption time, strict=False in the enumeration's zip:
#   Q is square, the two sequences have the same length.
