"""The Ising kernels against exact results: full enumeration of small tori, Kaufman's finite
torus, Onsager's infinite lattice, the exact one-sweep transition matrix on the 2 x 2 torus,
stationarity of one update, the cluster labels against a union-find; and argument validation.

Every physical parameter is taken away from 1 and at more than one value: J (of both signs for
the cluster update), h, and temperatures below, near and above T_C.
"""

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from emergence import ising

# ---- independent references written here, with explicit loops -----------------------------


def loop_energy(s, J, h):
    """Total energy with explicit neighbour loops: each site's bond to the right and below."""
    M, L = s.shape
    E = 0.0
    for r in range(M):
        for c in range(L):
            E -= J * s[r, c] * (s[r, (c + 1) % L] + s[(r + 1) % M, c]) + h * s[r, c]
    return E


def all_states(M, L):
    n = M * L
    return np.array(
        [np.array(bits).reshape(M, L) for bits in itertools.product((1, -1), repeat=n)],
        dtype=np.int8,
    )


def boltzmann(states, T, J, h):
    E = np.array([loop_energy(s, J, h) for s in states])
    w = np.exp(-(E - E.min()) / T)
    return E, w / w.sum()


def moments_by_loops(L, T, J, h):
    states = all_states(L, L)
    E, p = boltzmann(states, T, J, h)
    n = L * L
    m = states.reshape(len(states), -1).sum(1) / n
    e1, e2 = p @ E, p @ E**2
    return (e1 / n, p @ np.abs(m), p @ m**2, p @ m**4, (e2 - e1**2) / (n * T**2))


# ---- exact results against each other ---------------------------------------------------------


@pytest.mark.parametrize("L,T,J,h", [(2, 1.7, 0.8, 0.0), (3, 2.9, 1.6, 0.35), (3, 1.2, -0.7, 0.2)])
def test_exact_moments_equal_explicit_enumeration(L, T, J, h):
    got = ising.exact_moments(L, T, J, h)
    np.testing.assert_allclose(got, moments_by_loops(L, T, J, h), rtol=1e-10, atol=1e-12)


def test_exact_moments_limits_and_shapes():
    cold = ising.exact_moments(4, 0.05, J=1.3)
    assert cold.energy == pytest.approx(-2 * 1.3) and cold.abs_m == pytest.approx(1.0)
    assert cold.specific_heat == pytest.approx(0.0, abs=1e-12)
    hot = ising.exact_moments(4, 1e4, J=1.3)
    assert hot.m2 == pytest.approx(1 / 16, rel=1e-3)  # independent spins: <m^2> = 1/N
    assert hot.m4 == pytest.approx((3 * 16**2 - 2 * 16) / 16**4, rel=1e-3)
    many = ising.exact_moments(3, np.array([[1.5, 2.5], [3.5, 4.5]]))
    assert many.energy.shape == (2, 2)
    assert many.energy[1, 0] == pytest.approx(ising.exact_moments(3, 3.5).energy)


@pytest.mark.parametrize("M,L", [(2, 2), (3, 3), (4, 4), (3, 4), (4, 3), (2, 5)])
def test_kaufman_partition_function_equals_enumeration(M, L):
    states = all_states(M, L)
    for T, J in ((1.4, 1.0), (2.27, 0.6), (3.3, 1.9)):
        E = np.array([loop_energy(s, J, 0.0) for s in states])
        exact = np.log(np.exp(-(E - E.min()) / T).sum()) - E.min() / T
        assert ising.kaufman_log_partition(L, T, J, M=M) == pytest.approx(exact, rel=1e-11)


def test_finite_torus_energy_and_specific_heat_equal_enumeration():
    T = np.array([1.3, 2.0, 2.4, 3.7])
    for J in (0.7, 1.8):
        ex = ising.exact_moments(4, T * J, J)
        np.testing.assert_allclose(ising.finite_energy(4, T * J, J), ex.energy, rtol=1e-8)
        np.testing.assert_allclose(ising.finite_specific_heat(4, T * J, J), ex.specific_heat, rtol=1e-6)
    # a rectangle: M = 3 rows of L = 4 (enumeration by loops)
    states = all_states(3, 4)
    E, p = boltzmann(states, 2.2, 1.1, 0.0)
    assert ising.finite_energy(4, 2.2, 1.1, M=3) == pytest.approx(p @ E / 12, rel=1e-8)
    c = (p @ E**2 - (p @ E) ** 2) / (12 * 2.2**2)
    assert ising.finite_specific_heat(4, 2.2, 1.1, M=3) == pytest.approx(c, rel=1e-6)


def test_onsager_infinite_lattice():
    assert ising.T_C == pytest.approx(2.269185314213022)
    for J in (0.6, 1.7):
        assert ising.onsager_energy(ising.T_C * J, J) == pytest.approx(-np.sqrt(2) * J)
        # a large torus approaches the infinite lattice exponentially fast away from T_C
        T = np.array([1.5, 2.0, 2.6, 3.5]) * J
        for L in (96, 256):  # (at 256 and T = 3.2 J two of Z's four terms cancel to 1e-16)
            E = ising.finite_energy(L, np.append(T, 3.2 * J), J)
            np.testing.assert_allclose(E, ising.onsager_energy(np.append(T, 3.2 * J), J), rtol=2e-7)
        np.testing.assert_allclose(
            ising.finite_specific_heat(96, T, J), ising.onsager_specific_heat(T, J), rtol=2e-4
        )
    # the spontaneous magnetization: Yang's closed form at T = 2 J, zero above T_C
    K = 1 / 2.0
    assert ising.onsager_magnetization(2.0 * 1.4, 1.4) == pytest.approx(
        (1 - np.sinh(2 * K) ** -4) ** 0.125
    )
    assert ising.onsager_magnetization(2.3) == 0.0
    assert ising.onsager_magnetization(0.3) == pytest.approx(1.0, abs=1e-10)
    # the specific heat's logarithmic divergence, c ~ -(8 / pi) K_c^2 ln|1 - T / T_C|, on
    # both sides (K_c = J / T_C); a decade nearer T_C adds (8 / pi) K_c^2 ln 10
    step = 8 / np.pi / ising.T_C**2 * np.log(10)
    for J in (0.6, 1.7):
        c = ising.onsager_specific_heat(ising.T_C * J * np.array([0.999, 0.9999, 1.001, 1.0001]), J)
        assert c[1] - c[0] == pytest.approx(step, rel=0.01)
        assert c[3] - c[2] == pytest.approx(step, rel=0.01)


def test_binder_cumulant_limits():
    assert ising.binder_cumulant(0.25, 0.0625) == pytest.approx(2 / 3)  # m = +-0.5 exactly
    rng = np.random.default_rng(3)
    m = rng.normal(0.0, 0.3, 400_000)
    assert ising.binder_cumulant((m**2).mean(), (m**4).mean()) == pytest.approx(0.0, abs=0.01)


def test_energy_per_site_and_bond_images():
    rng = np.random.default_rng(4)
    s = rng.choice(np.array([-1, 1], np.int8), size=(3, 5, 5))
    for J, h in ((0.8, 0.0), (-1.3, 0.45)):
        e = ising.energy_per_site(s, J, h)
        assert isinstance(e, np.ndarray)
        np.testing.assert_allclose(e, [loop_energy(x, J, h) / 25 for x in s], rtol=1e-12)
        ej = ising.energy_per_site(jnp.asarray(s), J, h)
        assert isinstance(ej, jax.Array)
        np.testing.assert_allclose(ej, e, rtol=1e-6)
    b = ising.bond_images(s)
    assert b.shape == (3, 50) and b.dtype == np.int8
    np.testing.assert_array_equal(b[:, :25].reshape(3, 5, 5), s * np.roll(s, -1, axis=-1))
    np.testing.assert_array_equal(b[:, 25:].reshape(3, 5, 5), s * np.roll(s, -1, axis=-2))
    np.testing.assert_allclose(b.sum(1) / 25, -ising.energy_per_site(s, 1.0))


# ---- the kernels against enumeration -----------------------------------------------------------


def _check_against_enumeration(run, L, T, J, h, chains=256, sweeps=1500, burn=200):
    """Each chain's time averages after burn-in; the SE from the spread of independent chains."""
    out = run(jnp.asarray(np.ones((chains, L, L), np.int8)), T, J, h, sweeps)
    e = np.asarray(out.energy, float)[:, burn:]
    m = np.asarray(out.magnetization, float)[:, burn:]
    ex = ising.exact_moments(L, T, J, h)
    for name, per_chain, exact in (
        ("energy", e.mean(1), ex.energy),
        ("|m|", np.abs(m).mean(1), ex.abs_m),
        ("m^2", (m**2).mean(1), ex.m2),
        ("m^4", (m**4).mean(1), ex.m4),
    ):
        se = per_chain.std(ddof=1) / np.sqrt(chains)
        assert abs(per_chain.mean() - exact) < 5 * se + 1e-6, (
            f"{name} at L = {L}, T = {T}, J = {J}, h = {h}: simulated {per_chain.mean():.5f} "
            f"+- {se:.5f}, exact {exact:.5f}"
        )
    return e, m


@pytest.mark.parametrize("heat_bath", [False, True])
@pytest.mark.parametrize("T,J,h", [(1.9, 1.0, 0.0), (2.9, 1.3, 0.0), (2.3, 0.7, 0.25)])
def test_checkerboard_equals_enumeration_on_the_4x4_torus(T, J, h, heat_bath):
    def run(s, T, J, h, n):
        return ising.checkerboard(jax.random.key(11), s, T, n_sweeps=n, J=J, h=h, heat_bath=heat_bath)

    _check_against_enumeration(run, 4, T, J, h)


@pytest.mark.parametrize("T,J", [(1.9, 0.8), (3.1, 1.4), (1.6, -0.9)])
def test_swendsen_wang_equals_enumeration(T, J):
    def run(s, T, J, h, n):
        return ising.swendsen_wang(jax.random.key(12), s, T, n_sweeps=n, J=J)

    _check_against_enumeration(run, 4, T, J, 0.0, sweeps=800, burn=50)
    _check_against_enumeration(run, 3, T, J, 0.0, sweeps=800, burn=50)  # odd L is allowed


def test_kernels_equal_kaufman_on_a_larger_torus():
    """Energy and specific heat of a 12 x 12 torus at J = 0.8, near and away from T_C."""
    L, J, chains = 12, 0.8, 64
    T = np.array([2.2, 2.6]) * J
    s = jnp.ones((2, chains, L, L), jnp.int8)
    temps = np.repeat(T[:, None], chains, axis=1)
    for out, burn in (
        (ising.swendsen_wang(jax.random.key(5), s, temps, n_sweeps=1500, J=J), 100),
        (ising.checkerboard(jax.random.key(6), s, temps, n_sweeps=3000, J=J), 300),
    ):
        e = np.asarray(out.energy, float)[..., burn:]
        c = L * L * e.var(axis=-1) / temps**2
        for i, t in enumerate(T):
            for name, per_chain, exact in (
                ("energy", e[i].mean(-1), ising.finite_energy(L, t, J)),
                ("specific heat", c[i], ising.finite_specific_heat(L, t, J)),
            ):
                se = per_chain.std(ddof=1) / np.sqrt(chains)
                assert abs(per_chain.mean() - exact) < 5 * se, (
                    f"{name} at T = {t}: {per_chain.mean():.4f} +- {se:.4f}, exact {exact:.4f}"
                )


def test_cluster_update_agrees_with_metropolis_at_T_C():
    L, chains = 8, 64
    s = jnp.ones((chains, L, L), jnp.int8)
    sw = ising.swendsen_wang(jax.random.key(7), s, ising.T_C * 1.2, n_sweeps=1000, J=1.2)
    mc = ising.checkerboard(jax.random.key(8), s, ising.T_C * 1.2, n_sweeps=3000, J=1.2)
    for f in (lambda m: np.abs(m), lambda m: m**2, lambda m: m**4):
        a = f(np.asarray(sw.magnetization, float)[:, 100:]).mean(1)
        b = f(np.asarray(mc.magnetization, float)[:, 300:]).mean(1)
        se = np.hypot(a.std(ddof=1), b.std(ddof=1)) / np.sqrt(chains)
        assert abs(a.mean() - b.mean()) < 5 * se


# ---- one update: the exact transition matrix, and stationarity --------------------------------


def _index(states):
    """The index of each 2 x 2 state in all_states(2, 2) order (+1 first)."""
    bits = (np.asarray(states).reshape(-1, 4) == -1).astype(int)
    return bits @ (2 ** np.arange(3, -1, -1))


def exact_sweep_matrix(T, J, h, heat_bath):
    """One checkerboard sweep of the 2 x 2 torus: colour 0 = sites (0,0), (1,1), then colour 1.

    The sites of one colour have only neighbours of the other colour, so they update
    independently given the rest; each neighbour pair is joined by two bonds on the 2 x 2
    torus (the kernel's energy counts the bond to the right and the bond below)."""
    states = all_states(2, 2)
    n = len(states)

    def half(colour_sites):
        P = np.zeros((n, n))
        for a, s in enumerate(states):
            probs = []
            for r, c in colour_sites:
                field = J * 2 * (s[(r + 1) % 2, c] + s[r, (c + 1) % 2]) + h
                if heat_bath:
                    up = 1 / (1 + np.exp(-2 * field / T))
                    probs.append({1: up, -1: 1 - up})
                else:
                    flip = min(1.0, np.exp(-2 * s[r, c] * field / T))
                    probs.append({-s[r, c]: flip, s[r, c]: 1 - flip} if flip < 1 else {-s[r, c]: 1})
            for choice in itertools.product(*[list(p.items()) for p in probs]):
                t = s.copy()
                w = 1.0
                for (r, c), (v, q) in zip(colour_sites, choice, strict=True):
                    t[r, c] = v
                    w *= q
                P[a, _index(t)[0]] += w
        return P

    return half([(0, 0), (1, 1)]) @ half([(0, 1), (1, 0)])


@pytest.mark.parametrize("heat_bath", [False, True])
@pytest.mark.parametrize("T,J,h", [(1.9, 0.7, 0.3), (3.4, 1.6, -0.5)])
def test_one_sweep_follows_the_exact_transition_matrix(T, J, h, heat_bath):
    states = all_states(2, 2)
    _, pi = boltzmann(states, T, J, h)
    P = exact_sweep_matrix(T, J, h, heat_bath)
    np.testing.assert_allclose(P.sum(1), 1.0)
    np.testing.assert_allclose(pi @ P, pi, atol=1e-12)  # Boltzmann is stationary
    trials = 4000
    start = jnp.asarray(np.repeat(states, trials, axis=0))
    out = ising.checkerboard(jax.random.key(21), start, T, n_sweeps=1, J=J, h=h, heat_bath=heat_bath)
    end = _index(np.asarray(out.spins)).reshape(len(states), trials)
    counts = np.stack([np.bincount(row, minlength=len(states)) for row in end])
    freq = counts / trials
    se = np.sqrt(P * (1 - P) / trials)
    assert np.all(np.abs(freq - P) < 5 * se + 1e-3), np.abs(freq - P).max()
    np.testing.assert_array_equal(counts[P == 0], 0)  # impossible moves never happen


@pytest.mark.parametrize("kernel", ["checkerboard", "swendsen_wang"])
@pytest.mark.parametrize("T,J", [(1.7, 1.3), (2.8, -0.6)])
def test_one_update_leaves_boltzmann_invariant(kernel, T, J):
    """Start from exact Boltzmann samples of the 2 x 2 torus: after one update they must still
    be Boltzmann distributed (a chi-square test over the 16 states)."""
    states = all_states(2, 2)
    _, pi = boltzmann(states, T, J, 0.0)
    rng = np.random.default_rng(9)
    n = 60_000
    start = states[rng.choice(len(states), size=n, p=pi)]
    run = getattr(ising, kernel)
    out = run(jax.random.key(31), jnp.asarray(start), T, n_sweeps=1, J=J)
    counts = np.bincount(_index(np.asarray(out.spins)), minlength=len(states))
    expected = n * pi
    chi2 = ((counts - expected) ** 2 / expected).sum()
    assert chi2 < 45, chi2  # 15 degrees of freedom: P(chi2 > 45) ~ 7e-5


def test_record_keeps_snapshots_without_changing_the_trajectory():
    s = jnp.asarray(np.random.default_rng(2).choice(np.array([-1, 1], np.int8), size=(2, 6, 6)))
    for run in (ising.checkerboard, ising.swendsen_wang):
        plain = run(jax.random.key(3), s, 2.1, n_sweeps=60)
        kept = run(jax.random.key(3), s, 2.1, n_sweeps=60, record=6)
        assert kept.snapshots.shape == (2, 6, 6, 6) and plain.snapshots.shape == (2, 0, 6, 6)
        np.testing.assert_array_equal(plain.energy, kept.energy)
        np.testing.assert_array_equal(kept.snapshots[:, -1], plain.spins)
        again = run(jax.random.key(3), s, 2.1, n_sweeps=10)
        np.testing.assert_array_equal(kept.snapshots[:, 0], again.spins)
        # the series are those of the configurations: recompute from the snapshots
        np.testing.assert_allclose(
            kept.energy[:, 9::10], ising.energy_per_site(np.asarray(kept.snapshots)), rtol=1e-6
        )
        np.testing.assert_allclose(
            kept.magnetization[:, 9::10], np.asarray(kept.snapshots).mean((-2, -1)), rtol=1e-6
        )


def test_temperatures_follow_the_batch():
    """Lattice i of the batch runs at its own temperature: hot and cold lattices side by side."""
    s = jnp.ones((2, 3, 8, 8), jnp.int8)
    T = np.array([[1.0, 1.5, 2.0], [4.0, 5.0, 6.0]]) * 0.9
    for run in (ising.checkerboard, ising.swendsen_wang):
        out = run(jax.random.key(4), s, T, n_sweeps=400, J=0.9)
        m = np.abs(np.asarray(out.magnetization))[..., 100:].mean(-1)
        assert np.all(m[0] > 0.8) and np.all(m[1] < 0.35), m
        assert np.all(np.diff(m[0]) < 0) and np.all(np.diff(m[1]) < 0.02)


# ---- the cluster labels -------------------------------------------------------------------------


def union_find_labels(br, bd):
    L = br.shape[0]
    parent = list(range(L * L))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for r in range(L):
        for c in range(L):
            i = r * L + c
            for bonded, j in ((br[r, c], r * L + (c + 1) % L), (bd[r, c], ((r + 1) % L) * L + c)):
                if bonded:
                    a, b = find(i), find(j)
                    parent[max(a, b)] = min(a, b)
    return np.array([find(i) for i in range(L * L)]).reshape(L, L)


@pytest.mark.parametrize("L,p", [(5, 0.3), (6, 0.5), (9, 0.7), (16, 0.55)])
def test_cluster_labels_equal_union_find(L, p):
    rng = np.random.default_rng(L)
    for _ in range(5):
        br, bd = rng.random((L, L)) < p, rng.random((L, L)) < p
        ref = union_find_labels(br, bd)
        for jumps in (1, 2, 3):
            lab = np.asarray(ising.cluster_labels(jnp.asarray(br), jnp.asarray(bd), jumps))
            # the same partition: equal labels exactly where the reference's are equal
            same = lab.ravel()[:, None] == lab.ravel()[None, :]
            np.testing.assert_array_equal(same, ref.ravel()[:, None] == ref.ravel()[None, :])
            # each label is a site of its own cluster
            np.testing.assert_array_equal(ref.ravel()[lab.ravel()], ref.ravel())


def test_random_spins():
    s = ising.random_spins(jax.random.key(1), 64, (3,))
    assert s.shape == (3, 64, 64) and s.dtype == jnp.int8
    assert set(np.unique(np.asarray(s))) == {-1, 1}
    assert abs(float(np.asarray(s, float).mean())) < 0.02
    assert ising.random_spins(jax.random.key(1), 2).shape == (2, 2)


# ---- argument validation -------------------------------------------------------------------------


def test_bad_arguments_raise_clear_errors():
    key = jax.random.key(0)
    ok = np.ones((4, 4), np.int8)
    with pytest.raises(ValueError, match="even lattice side L >= 2, got L = 5"):
        ising.checkerboard(key, np.ones((5, 5)), 2.0, n_sweeps=1)
    ising.swendsen_wang(key, np.ones((5, 5)), 2.0, n_sweeps=1)  # odd L is fine for clusters
    with pytest.raises(ValueError, match="must be >= 2, got 1"):
        ising.swendsen_wang(key, np.ones((1, 1)), 2.0, n_sweeps=1)
    ising.checkerboard(key, np.ones((2, 2)), 2.0, n_sweeps=1)  # the smallest even side
    with pytest.raises(ValueError, match="square"):
        ising.checkerboard(key, np.ones((4, 6)), 2.0, n_sweeps=1)
    with pytest.raises(ValueError, match=r"shape \(\.\.\., L, L\)"):
        ising.checkerboard(key, np.ones(4), 2.0, n_sweeps=1)
    with pytest.raises(ValueError, match=r"\+1 or -1, got 0"):
        ising.checkerboard(key, np.where(np.eye(4), 0, 1), 2.0, n_sweeps=1)
    with pytest.raises(ValueError, match=r"\+1 or -1, got 2"):
        ising.swendsen_wang(key, 2 * ok, 2.0, n_sweeps=1)
    for bad_T in (0.0, -1.0, [2.0, -0.5]):
        with pytest.raises(ValueError, match=r"T must be > 0 \(in units of J / k_B\)"):
            ising.checkerboard(key, np.ones((2, 4, 4)), bad_T, n_sweeps=1)
    for bad_T in (np.inf, np.nan):
        with pytest.raises(ValueError, match="T must be finite"):
            ising.swendsen_wang(key, ok, bad_T, n_sweeps=1)
    with pytest.raises(ValueError, match="does not broadcast"):
        ising.checkerboard(key, np.ones((3, 4, 4)), [1.0, 2.0], n_sweeps=1)
    for n in (0, 2.5, True):
        with pytest.raises(ValueError, match="n_sweeps must be an integer >= 1"):
            ising.checkerboard(key, ok, 2.0, n_sweeps=n)
    with pytest.raises(ValueError, match="record must divide n_sweeps"):
        ising.checkerboard(key, ok, 2.0, n_sweeps=10, record=3)
    with pytest.raises(ValueError, match="record must be an integer >= 0"):
        ising.swendsen_wang(key, ok, 2.0, n_sweeps=10, record=-1)
    with pytest.raises(ValueError, match="J must not be 0"):
        ising.swendsen_wang(key, ok, 2.0, n_sweeps=1, J=0.0)
    for name in ("J", "h"):
        with pytest.raises(ValueError, match=f"{name} must be finite"):
            ising.checkerboard(key, ok, 2.0, n_sweeps=1, **{name: np.nan})
    with pytest.raises(ValueError, match="L must be 2 to 4, got 5"):
        ising.exact_moments(5, 2.0)
    with pytest.raises(ValueError, match="L must be an integer >= 1"):
        ising.exact_moments(0, 2.0)
    with pytest.raises(ValueError, match="L must be 2 to 4, got 1"):
        ising.exact_moments(1, 2.0)
    with pytest.raises(ValueError, match="T must be > 0"):
        ising.exact_moments(3, -2.0)
    with pytest.raises(ValueError, match="J must be > 0, got -1.0"):
        ising.kaufman_log_partition(4, 2.0, J=-1.0)
    with pytest.raises(ValueError, match="L >= 2 and M >= 2, got L = 4, M = 1"):
        ising.kaufman_log_partition(4, 2.0, M=1)
    with pytest.raises(ValueError, match="J must be > 0"):
        ising.onsager_energy(2.0, J=0.0)
    with pytest.raises(ValueError, match="T must be > 0"):
        ising.onsager_magnetization(0.0)
    with pytest.raises(ValueError, match="L must be an integer >= 1"):
        ising.random_spins(key, 0)
    with pytest.raises(ValueError, match="must be >= 2, got 1"):
        ising.random_spins(key, 1)


def test_documented_defaults_and_return_types():
    """Every default equals the documented value passed explicitly (bit for bit), and the
    exact results return a float for a scalar temperature and an array for an array."""
    key = jax.random.key(13)
    s = jnp.asarray(np.random.default_rng(6).choice(np.array([-1, 1], np.int8), size=(2, 6, 6)))
    a = ising.checkerboard(key, s, 2.1, n_sweeps=8)
    b = ising.checkerboard(key, s, 2.1, n_sweeps=8, J=1.0, h=0.0, heat_bath=False, record=0)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))
    a = ising.swendsen_wang(key, s, 2.1, n_sweeps=8)
    b = ising.swendsen_wang(key, s, 2.1, n_sweeps=8, J=1.0, record=0)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))
    T = 2.4
    assert ising.exact_moments(3, T) == ising.exact_moments(3, T, 1.0, 0.0)
    for f in (ising.finite_energy, ising.finite_specific_heat, ising.kaufman_log_partition):
        assert f(6, T) == f(6, T, 1.0, 6)
        assert f(6, T * 1.7, 1.7) != f(6, T * 1.7)  # J enters (and is not ignored)
    for f in (ising.onsager_energy, ising.onsager_specific_heat, ising.onsager_magnetization):
        assert f(1.9) == f(1.9, 1.0) and f(1.9 * 1.3, 1.3) != f(1.9 * 1.3)
    for f in (
        ising.finite_energy,
        ising.finite_specific_heat,
        ising.kaufman_log_partition,
        lambda L, T: ising.exact_moments(3, T).energy,
    ):
        assert isinstance(f(4, 2.0), float)
        out = f(4, np.array([[1.5, 2.0, 2.5]]))
        assert isinstance(out, np.ndarray) and out.shape == (1, 3)
    for f in (ising.onsager_energy, ising.onsager_specific_heat, ising.onsager_magnetization):
        assert isinstance(f(2.0), float)
        out = f(np.array([[1.5, 2.0, 2.5]]))
        assert isinstance(out, np.ndarray) and out.shape == (1, 3)
    for bad_J in (0.0, -0.5):
        with pytest.raises(ValueError, match=f"J must be > 0, got {bad_J}"):
            ising.kaufman_log_partition(4, 2.0, J=bad_J)
        with pytest.raises(ValueError, match="J must be > 0"):
            ising.onsager_magnetization(2.0, J=bad_J)


def test_the_kernels_defaults_and_record_validation():
    """The pure kernels called without their optional arguments: Metropolis, no snapshots."""
    key = jax.random.key(14)
    s = jnp.asarray(np.random.default_rng(7).choice(np.array([-1, 1], np.int8), size=(6, 6)))
    a = ising.checkerboard_kernel(key, s, 0.45, 1.0, 0.0, 5)
    b = ising.checkerboard_kernel(key, s, 0.45, 1.0, 0.0, 5, heat_bath=False, record=0)
    assert a.snapshots.shape == (0, 6, 6)
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))
    c = ising.swendsen_wang_kernel(key, s, 0.45, 1.0, 5)
    assert c.snapshots.shape == (0, 6, 6) and c.energy.shape == (5,)
    for bad in (True, 2.5, -1):
        with pytest.raises(ValueError, match="record must be an integer >= 0"):
            ising.checkerboard(key, s, 2.0, n_sweeps=10, record=bad)


def test_onsager_energy_at_T_C_to_the_last_bit():
    """Within 1e-14 of T_C, kappa rounds to 1 and K_1 is infinite: the limit -sqrt 2 holds."""
    T = ising.T_C * (1 + np.arange(-50, 51) * 1e-16)
    np.testing.assert_allclose(ising.onsager_energy(T), -np.sqrt(2), rtol=1e-12)


def test_energy_and_bond_images_of_single_and_rectangular_lattices():
    rng = np.random.default_rng(8)
    one = rng.choice(np.array([-1, 1], np.int8), size=(3, 4))
    batch = rng.choice(np.array([-1, 1], np.int8), size=(2, 3, 4))
    assert ising.energy_per_site(one, 0.9, 0.3) == pytest.approx(loop_energy(one, 0.9, 0.3) / 12)
    np.testing.assert_allclose(
        ising.energy_per_site(batch, -1.1, 0.2), [loop_energy(x, -1.1, 0.2) / 12 for x in batch]
    )
    b = ising.bond_images(one)
    assert b.shape == (24,)
    np.testing.assert_array_equal(b[:12].reshape(3, 4), one * np.roll(one, -1, axis=-1))


def test_validation_messages_name_the_values():
    key = jax.random.key(0)
    with pytest.raises(ValueError, match=r"square \(L x L\), got 4 x 6"):
        ising.checkerboard(key, np.ones((2, 4, 6)), 2.0, n_sweeps=1)
    s = np.ones((4, 4))
    s[0, 1], s[2, 3] = 0, 3
    with pytest.raises(ValueError, match=r"\+1 or -1, got 0"):
        ising.checkerboard(key, s, 2.0, n_sweeps=1)
    s = np.ones((4, 4))
    s[1, 1] = 5
    with pytest.raises(ValueError, match=r"\+1 or -1, got 5"):
        ising.swendsen_wang(key, s, 2.0, n_sweeps=1)


# Surviving mutants of emergence.ising judged equivalent (the full run of its 571 mutants: 511
# killed by the tests as first written, 21 more by the tests added after it, these 39 left).
# Each changes no result any valid input can produce:
#
# - _bond_sum and energy_per_site, a neighbour's roll by -1 made +1: on a torus the sum over
#   all bonds of s_i s_(i+1) is that of s_i s_(i-1) (the same bonds, counted from the other
#   end). _bond_sum's axis=-1 made axis=1, its sum over axis (-2, 1), and _observe's
#   shape[-1] made shape[1] or shape[-2]: they only ever see one square lattice, (L, L).
# - bond_images, exact_moments, kaufman_log_partition: ``reshape(..., -1)`` made ``-2``: NumPy
#   takes any negative entry as the one inferred dimension.
# - ENUMERATION_MAX_SITES 20 made 21, and ``L * L > 20`` made ``>=``: no integer L has L^2
#   between 20 and 21, or equal to 20.
# - checkerboard_kernel: the colours' ``(i + j) % 2`` made ``(i - j) % 2`` (the same parity);
#   the neighbour sums' ``arange(-4, 5, 2)`` made ``arange(-4, 6, 2)``, and the lookup's
#   ``range(5)`` made ``range(6)`` (a sixth entry, never looked up: the sums are -4 ... 4);
#   ``n < 2k - 3`` made ``<=`` (n is even, 2k - 3 odd: never equal); ``s > 0`` made
#   ``s >= 0`` (spins are +-1); Metropolis's ``min(1, exp(..))`` made ``min(2, exp(..))`` (a
#   threshold above 2^24 accepts as surely as 2^24: the 24-bit uniform is below both);
#   ``u < threshold`` made ``u <=`` in both rules: it moves a probability by 2^-24 where the
#   threshold is below 2^24, a bias no test of finite length can see (the resolution float32
#   uniforms had).
# - cluster_labels' default ``jumps = 3`` made 4: more pointer jumps per round change the speed,
#   not the labels (tested with 1, 2 and 3); marked ``pragma: no mutate``.
# - swendsen_wang_kernel: ``J * s * roll(s)`` made ``J / s * roll(s)`` or ``J * s / roll(s)``
#   (spins are +-1, so s / t = s t); ``> 0`` made ``>= 0`` (J s t is never 0: J = 0 is
#   refused); the uniform's ``< p_freeze`` made ``<=`` (equality has probability 2^-23 at most).
# - kaufman_log_partition, the guard ``total <= 0`` made ``< 0`` or ``<= 1``: the guard cannot
#   fire, since the normalized sum of Kaufman's four terms lies in [2, 4] at every L and T
#   (checked for L = 2 ... 16, T from 0.1 to 1e4); it is there to fail loudly on a bug.
# - onsager_specific_heat's step ``1e-5 * T`` made ``1e-5 / T``: both centred differences are
#   within the stated accuracy against Kaufman's L = 96 torus at every tested temperature.
# - onsager_magnetization, ``x > 0`` made ``x >= 0``: at x = 0 both give |0|^(1/8) = 0.
