"""emergence.hopfield against exact results: the explicit coupling tensor, the energy's
monotone descent, fixed points at low load, Boltzmann statistics of Glauber dynamics, and the
replica-symmetric capacity."""

import itertools
import math

import jax
import numpy as np
import pytest

from emergence import hopfield as hp


def _tensor_field(J, s):
    """h_i = sum over i2..iP of J[i, i2, ..., iP] s_i2 ... s_iP, by brute force."""
    h = J
    for _ in range(J.ndim - 1):
        h = h @ s
    return h


def _tensor_energy(J, s):
    return -_tensor_field(J, s) @ s / J.ndim


def _patterns(seed, K, N, batch_shape=()):
    return np.asarray(hp.random_patterns(jax.random.key(seed), K, N, batch_shape))


@pytest.mark.parametrize("order", [2, 3, 4])
def test_fields_and_energy_equal_the_explicit_tensor(order):
    xi = _patterns(order, 5, 9)
    J = hp.coupling_tensor(xi, order)
    # the tensor is Hebbian and vanishes wherever an index repeats
    distinct = tuple(range(order))
    hebb = np.sum(np.prod(xi[:, list(distinct)], axis=1)) / 9 ** (order - 1)
    assert J[distinct] == pytest.approx(hebb)
    assert J[(0,) * order] == 0.0
    states = _patterns(10 + order, 6, 9)
    for s in states:
        h = np.asarray(hp.local_fields(xi, s, order))
        np.testing.assert_allclose(h, _tensor_field(J, s.astype(float)), atol=2e-6)
        e = float(hp.energy(xi, s, order))
        assert e == pytest.approx(_tensor_energy(J, s.astype(float)), abs=2e-5)


def test_coupling_tensor_p2_is_hopfield():
    xi = _patterns(1, 4, 7)
    J = hp.coupling_tensor(xi, 2)
    expected = xi.T.astype(float) @ xi / 7
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_allclose(J, expected)


@pytest.mark.parametrize("order", [2, 3, 4])
def test_flipping_a_neuron_changes_the_energy_by_2_s_h(order):
    xi = _patterns(20 + order, 30, 25)
    s = _patterns(30 + order, 1, 25)[0]
    h = np.asarray(hp.local_fields(xi, s, order), float)
    e0 = float(hp.energy(xi, s, order))
    flipped = np.tile(s, (25, 1))
    flipped[np.arange(25), np.arange(25)] *= -1
    de = np.asarray(hp.energy(xi, flipped, order), float) - e0
    np.testing.assert_allclose(de, 2 * s * h, atol=1e-3 * np.abs(h).max())


@pytest.mark.parametrize("order,K,N", [(2, 60, 100), (3, 600, 40), (4, 3000, 30)])
def test_energy_never_increases_under_async_zero_temperature_dynamics(order, K, N):
    # loaded far beyond capacity, so that the dynamics wander through many flips
    xi = _patterns(40 + order, K, N, (8,))
    s = np.asarray(hp.corrupt(jax.random.key(1), xi[:, 0], 0.3))
    energies = [np.asarray(hp.energy(xi, s, order), float)]
    moved = 0
    for sweep in range(6):
        r = hp.retrieve(jax.random.key(100 + sweep), xi, s, order, sweeps=1)
        moved += int(np.sum(np.asarray(r.state) != s))
        s = np.asarray(r.state)
        energies.append(np.asarray(hp.energy(xi, s, order), float))
    e = np.stack(energies)
    scale = np.abs(e).max()
    assert moved > 0, "the test needs dynamics that flip neurons"
    assert np.all(np.diff(e, axis=0) <= 1e-6 * scale), np.diff(e, axis=0).max()
    assert np.any(np.diff(e, axis=0) < -1e-3 * scale)


@pytest.mark.parametrize("order,K,N", [(2, 3, 200), (3, 20, 80), (4, 60, 40)])
def test_stored_patterns_are_fixed_points_at_low_load(order, K, N):
    xi = _patterns(50 + order, K, N)
    h = np.asarray(hp.local_fields(xi, xi, order))  # (K, N): the field in each stored pattern
    assert np.all(h * xi > 0), "a stored pattern is unstable at low load"
    r = hp.retrieve(jax.random.key(2), xi, xi, order)
    np.testing.assert_array_equal(np.asarray(r.state), xi)
    assert np.all(np.asarray(r.converged)) and np.all(np.asarray(r.sweeps) == 1)
    np.testing.assert_allclose(np.asarray(r.overlaps)[np.arange(K), np.arange(K)], 1.0)


@pytest.mark.parametrize("dynamics", ["async", "sync"])
def test_converged_states_are_fixed_points(dynamics):
    xi = _patterns(60, 25, 100, (16,))
    s0 = np.asarray(hp.corrupt(jax.random.key(3), xi[:, 0], 0.2))
    r = hp.retrieve(jax.random.key(4), xi, s0, 2, dynamics=dynamics)
    done = np.asarray(r.converged)
    assert done.sum() >= 8
    s = np.asarray(r.state)[done]
    h = np.asarray(hp.local_fields(xi[done], s, 2))
    assert np.all(h * s >= 0)


def test_padding_patterns_and_neurons_changes_nothing():
    # synchronous zero-temperature dynamics are deterministic: padded and unpadded runs agree
    xi = _patterns(70, 12, 40, (3,))
    s0 = np.asarray(hp.corrupt(jax.random.key(5), xi[:, 0, :30], 0.15))
    ref = hp.retrieve(jax.random.key(6), xi[:, :7, :30], s0, 3, dynamics="sync")
    pad = np.concatenate([s0, np.ones((3, 10), np.int8)], axis=1)
    r = hp.retrieve(jax.random.key(6), xi, pad, 3, dynamics="sync", n_stored=7, n_neurons=30)
    np.testing.assert_array_equal(np.asarray(r.state)[:, :30], np.asarray(ref.state))
    np.testing.assert_array_equal(np.asarray(r.state)[:, 30:], 1)
    np.testing.assert_allclose(np.asarray(r.overlaps)[:, :7], np.asarray(ref.overlaps), atol=1e-6)
    np.testing.assert_array_equal(np.asarray(r.overlaps)[:, 7:], 0.0)
    # asynchronous: the padded run must end in a fixed point of the unpadded network
    r = hp.retrieve(jax.random.key(7), xi, pad, 3, n_stored=7, n_neurons=30)
    s = np.asarray(r.state)[:, :30]
    assert np.all(np.asarray(r.converged))
    assert np.all(np.asarray(hp.local_fields(xi[:, :7, :30], s, 3)) * s >= 0)


@pytest.mark.parametrize("order, T", [(2, 1.5), (3, 1.5), (2, 0.6), (3, 2.5)])
def test_glauber_dynamics_sample_the_boltzmann_distribution(order, T):
    # a 5-neuron network with 3 patterns at temperature T (in units of the fields): the histogram
    # of the 32 states after many sweeps from random starts must match exp(-H / T) / Z
    N, chains = 5, 40000
    xi = _patterns(80 + order, 3, N)
    states = np.array(list(itertools.product([-1, 1], repeat=N)), np.int8)
    boltzmann = np.exp(-np.asarray(hp.energy(xi, states, order), float) / T)
    boltzmann /= boltzmann.sum()
    s0 = np.asarray(hp.random_patterns(jax.random.key(8), chains, N))
    r = hp.retrieve(
        jax.random.key(9), np.broadcast_to(xi, (chains, 3, N)), s0, order, temperature=T, sweeps=30
    )
    idx = ((np.asarray(r.state) + 1) // 2) @ (2 ** np.arange(N - 1, -1, -1))
    counts = np.bincount(idx, minlength=2**N)
    expected = chains * boltzmann
    chi2 = np.sum((counts - expected) ** 2 / expected)
    assert chi2 < 70, chi2  # 31 degrees of freedom: P(chi2 > 70) ~ 1e-4
    assert np.all(np.asarray(r.sweeps) == 30)
    assert not np.any(np.asarray(r.converged))


@pytest.mark.parametrize("T", [0.6, 0.85])
def test_single_pattern_at_temperature_follows_curie_weiss(T):
    # K = 1, P = 2 is the Curie-Weiss ferromagnet (Mattis gauge): m = tanh(m / T) as N -> inf
    N = 2000
    xi = _patterns(90, 1, N, (16,))
    r = hp.retrieve(jax.random.key(10), xi, xi[:, 0], 2, temperature=T, sweeps=40)
    m = np.asarray(r.overlaps)[:, 0]
    m_exact = hp.rs_retrieval_overlap(0.0, T)
    assert m_exact == pytest.approx(np.tanh(m_exact / T), abs=1e-9)
    assert abs(m.mean() - m_exact) < 4 * np.sqrt((1 - m_exact**2) / N / (1 - (1 - m_exact**2) / T))


def test_replica_symmetric_capacity():
    # Amit, Gutfreund & Sompolinsky (1985): alpha_c = 0.138, with a retrieval overlap of 0.967
    a_c, m_c = hp.rs_capacity()
    assert a_c == pytest.approx(0.1379, abs=1e-4)
    assert m_c == pytest.approx(0.967, abs=1e-3)
    assert hp.rs_retrieval_overlap(0.99 * a_c, 0.0) > 0.96
    assert hp.rs_retrieval_overlap(1.01 * a_c, 0.0) == 0.0
    # the finite-temperature equations tend to the zero-temperature ones
    assert hp.rs_retrieval_overlap(0.1, 0.01) == pytest.approx(
        hp.rs_retrieval_overlap(0.1, 0.0), abs=1e-3
    )
    # above T = 1 there is no retrieval even at vanishing load
    assert hp.rs_retrieval_overlap(0.0, 1.05) == 0.0


def test_corrupt_flips_exactly_the_requested_number():
    x = _patterns(3, 50, 200)
    c = np.asarray(hp.corrupt(jax.random.key(11), x, 0.1))
    np.testing.assert_array_equal(np.sum(c != x, axis=1), 20)
    assert len({tuple(np.flatnonzero(a != b)) for a, b in zip(c, x, strict=True)}) == 50


def test_bad_arguments_raise_clear_errors():
    xi = _patterns(4, 3, 10)
    s = xi[0]
    with pytest.raises(ValueError, match="order P"):
        hp.local_fields(xi, s, 1)
    with pytest.raises(ValueError, match="order P"):
        hp.retrieve(jax.random.key(0), xi, s, 2.5)
    with pytest.raises(ValueError, match=r"\+1 and -1"):
        hp.retrieve(jax.random.key(0), np.where(xi > 0, 1, 0), s)
    with pytest.raises(ValueError, match=r"\+1 and -1"):
        hp.energy(xi, s * 2)
    with pytest.raises(ValueError, match="N = 9 neurons but the patterns have N = 10"):
        hp.retrieve(jax.random.key(0), xi, s[:9])
    with pytest.raises(ValueError, match="N >= P"):
        hp.local_fields(xi[:, :3], s[:3], 4)
    with pytest.raises(ValueError, match="temperature"):
        hp.retrieve(jax.random.key(0), xi, s, temperature=-1.0)
    with pytest.raises(ValueError, match="sweeps"):
        hp.retrieve(jax.random.key(0), xi, s, sweeps=0)
    with pytest.raises(ValueError, match="dynamics"):
        hp.retrieve(jax.random.key(0), xi, s, dynamics="parallel")
    with pytest.raises(ValueError, match=r"n_stored must be integers in \[1, 3\]"):
        hp.retrieve(jax.random.key(0), xi, s, n_stored=4)
    with pytest.raises(ValueError, match=r"n_neurons must be integers in \[2, 10\]"):
        hp.retrieve(jax.random.key(0), xi, s, n_neurons=1)
    with pytest.raises(ValueError, match="flip_fraction"):
        hp.corrupt(jax.random.key(0), s, 1.5)
    with pytest.raises(ValueError, match="too large"):
        hp.coupling_tensor(_patterns(5, 2, 200), 4)


@pytest.mark.parametrize("order", [2, 3, 4])
def test_signal_and_noise_of_the_field_match_the_snr_estimate(order):
    # in a stored pattern, h_i xi_i = signal + noise; in units of (P-1)!/N^(P-1) the signal is
    # C(N-1, P-1) exactly and each other random pattern adds noise of variance C(N-1, P-1)
    N, nets = 12, 20000
    xi = _patterns(100 + order, 2, N, (nets,))
    h = np.asarray(hp.local_fields(xi, xi[:, 0], order), float) * xi[:, 0]
    h = h[:, 0] * N ** (order - 1) / math.factorial(order - 1)  # one neuron: independent samples
    c = math.comb(N - 1, order - 1)
    noise = h - c
    se_var = np.sqrt((np.mean(noise**4) - c**2) / nets)  # standard error of the variance
    assert abs(noise.mean()) < 4 * np.sqrt(c / nets)
    assert abs(np.mean(noise**2) - c) < 4 * se_var
    assert hp.snr_capacity(N, order, "asymptotic") == pytest.approx(c / (2 * np.log(N)))
    z = np.sqrt(c / hp.snr_capacity(N, order))  # the median of the largest of N normals
    assert (0.5 * (1 + math.erf(z / np.sqrt(2)))) ** N == pytest.approx(0.5, rel=1e-9)


def test_snr_threshold_tends_to_2_ln_n():
    N = np.array([10**3, 10**6, 10**12, 10**18])
    ratio = hp.snr_capacity(N, 2, "asymptotic") / hp.snr_capacity(N, 2)  # z_N^2 / (2 ln N)
    assert np.all(np.diff(ratio) > 0) and 0.9 < ratio[-1] < 1


def test_capacity_scan_at_low_and_high_load():
    loads = {60: np.array([2, 120]), 100: np.array([3, 200])}
    for pad_below in (0.0, 1e12):  # each size alone, and all sizes in one padded call
        out = hp.capacity_scan(jax.random.key(12), 2, loads, 16, 0.1, pad_below=pad_below)
        assert list(out) == [60, 100]
        for N, r in out.items():
            np.testing.assert_array_equal(r.n_patterns, loads[N])
            assert r.overlap.shape == r.sweeps.shape == r.converged.shape == (2, 16)
            np.testing.assert_array_equal(r.overlap[0], 1.0)  # far below capacity: perfect recall
            assert r.overlap[1].mean() < 0.5  # alpha = 2: no retrieval state
            assert np.all(r.converged)
    dense = hp.capacity_scan(jax.random.key(13), 4, {40: np.array([5])}, 8, 0.1)[40]
    np.testing.assert_array_equal(dense.overlap, 1.0)
    text = hp.summarize(out)
    assert text.splitlines()[0] == f"{2 * 2 * 16} networks" and "N =   100: K = 3..200" in text


def test_save_and_load_scans_round_trip(tmp_path):
    rng = np.random.default_rng(0)

    def sweep(L, t, converged=True):
        return hp.LoadScan(
            rng.integers(1, 99, L),
            rng.random((L, t)).astype(np.float32),
            rng.integers(1, 9, (L, t)).astype(np.int32),
            rng.random((L, t)) < 0.5 if converged else None,
        )

    data = {2: {400: sweep(3, 5), 100: sweep(2, 4)}, 3: {20: sweep(4, 2, converged=False)}}
    prov = {"device": "cpu", "flip": 0.05, "seconds": {"P2_N100": 1.5}}
    hp.save_scans(tmp_path / "s.npz", data, prov)
    back, prov_back = hp.load_scans(tmp_path / "s.npz")
    assert prov_back == prov
    assert list(back) == [2, 3] and list(back[2]) == [100, 400]  # sorted by order, then size
    for P, by_size in data.items():
        for N, s in by_size.items():
            for a, b in zip(s, back[P][N], strict=True):
                if a is None:
                    assert b is None
                else:
                    np.testing.assert_array_equal(a, b)
    assert hp.load_scans(tmp_path / "s.npz", flip=0.05)[1] == prov  # settings as expected
    with pytest.raises(ValueError, match=r"made with other settings: flip = 0.05 \(expected 0.1\)"):
        hp.load_scans(tmp_path / "s.npz", flip=0.1)
    with pytest.raises(ValueError, match=r"sweeps = '<missing>' \(expected 400\)"):
        hp.load_scans(tmp_path / "s.npz", sweeps=400)
    np.savez(tmp_path / "bad.npz", x=np.zeros(2))
    with pytest.raises(ValueError, match="holds no 'provenance'"):
        hp.load_scans(tmp_path / "bad.npz")
    # the experiment object: every field checked
    exp = hp.CapacityExperiment(flip=0.05, sweeps=250)
    hp.save_scans(tmp_path / "e.npz", data, {**prov, "sweeps": 250})
    assert hp.load_scans(tmp_path / "e.npz", exp)[1]["sweeps"] == 250
    with pytest.raises(ValueError, match=r"sweeps = 250 \(expected 400\)"):
        hp.load_scans(tmp_path / "e.npz", hp.CAPACITY)
    with pytest.raises(ValueError, match=r"scans must be a dict \{P: \{N: LoadScan\}\}, got list"):
        hp.save_scans(tmp_path / "x.npz", [data[2][100]], prov)
    with pytest.raises(ValueError, match="provenance must be JSON-serializable"):
        hp.save_scans(tmp_path / "x.npz", data, {"when": object()})


def test_capacity_experiment_and_the_shipped_run():
    with pytest.raises(ValueError, match=r"flip must lie in \[0, 0.5\), got 0.6"):
        hp.CapacityExperiment(flip=0.6)
    with pytest.raises(ValueError, match="sweeps must be an integer >= 1, got 0"):
        hp.CapacityExperiment(sweeps=0)
    # the shipped large run was made with the experiment the pages run
    from pathlib import Path

    shipped = Path(__file__).resolve().parents[1] / "data" / "associative_memory_full_scale.npz"
    hp.load_scans(shipped, hp.CAPACITY)


def test_retrieval_sweep_rejects_bad_arguments():
    with pytest.raises(ValueError, match="loads must be a non-empty dict"):
        hp.capacity_scan(jax.random.key(0), 2, [10], 4, 0.1)
    with pytest.raises(ValueError, match="network sizes N must be integers >= P = 3"):
        hp.capacity_scan(jax.random.key(0), 3, {2: np.array([1])}, 4, 0.1)
    with pytest.raises(ValueError, match=r"loads\[20\] must be a 1D array of integers >= 1"):
        hp.capacity_scan(jax.random.key(0), 2, {20: np.array([0, 3])}, 4, 0.1)
    with pytest.raises(ValueError, match="trials"):
        hp.capacity_scan(jax.random.key(0), 2, {20: np.array([3])}, 0, 0.1)
    with pytest.raises(ValueError, match="flip_fraction"):
        hp.capacity_scan(jax.random.key(0), 2, {20: np.array([3])}, 4, -0.1)
    with pytest.raises(ValueError, match="n_neurons must be integers >= max"):
        hp.snr_capacity(1, 2)


@pytest.mark.parametrize("alpha, T", [(0.05, 0.5), (0.02, 0.3), (0.08, 0.2)])
def test_finite_temperature_rs_overlap_solves_the_ags_equations(alpha, T):
    """At finite T the replica-symmetric retrieval state (Amit, Gutfreund and Sompolinsky) solves
    m = <tanh(b(m + sqrt(a r) z))>, q = <tanh^2(...)>, r = q / (1 - b(1 - q))^2 over z ~ N(0, 1).
    Solved here independently (Gauss-Hermite quadrature, a root finder on all three equations),
    the overlap must agree; a wrong power or sign in r's equation moves it by far more."""
    from scipy import optimize

    z, w = np.polynomial.hermite_e.hermegauss(160)
    w = w / w.sum()
    b = 1 / T

    def equations(v):
        m, q, r = v
        t = np.tanh(b * (m + np.sqrt(alpha * r) * z))
        return [w @ t - m, w @ t**2 - q, q / (1 - b * (1 - q)) ** 2 - r]

    m, q, r = optimize.fsolve(equations, [1.0, 1.0, 1.0], xtol=1e-13)
    assert np.max(np.abs(equations([m, q, r]))) < 1e-10 and 0.5 < m < 1
    assert hp.rs_retrieval_overlap(alpha, T) == pytest.approx(m, abs=1e-6)


def test_theory_at_the_edges_of_its_ranges():
    # the smallest network the estimate allows, N = max(P, 2): one other neuron, C(1, 1) = 1
    # signal term, and z_N the median of the larger of two normals
    z2 = 1 / hp.snr_capacity(2, 2)
    assert (0.5 * (1 + math.erf(np.sqrt(z2) / np.sqrt(2)))) ** 2 == pytest.approx(0.5, rel=1e-9)
    z3 = np.sqrt(1 / hp.snr_capacity(3, 3))  # P = 3 allows N = 3: C(2, 2) = 1 again
    assert (0.5 * (1 + math.erf(z3 / np.sqrt(2)))) ** 3 == pytest.approx(0.5, rel=1e-9)
    with pytest.raises(ValueError, match=r">= max\(P, 2\) = 3"):
        hp.snr_capacity(2, 3)
    with pytest.raises(ValueError, match=r">= max\(P, 2\) = 2, got 1"):
        hp.snr_capacity(1, 2)
    # no load: a perfect memory at T = 0 and Curie-Weiss above; a load far above capacity: none
    assert hp.rs_retrieval_overlap(0.0, 0.0) == 1.0
    assert hp.rs_retrieval_overlap(1.0, 0.0) == 0.0 and hp.rs_retrieval_overlap(1.0, 0.3) == 0.0
    # hot enough for the paramagnet (T > 1 + sqrt(alpha)): the iteration runs to m = 0
    assert hp.rs_retrieval_overlap(0.05, 1.5) == 0.0


# Surviving mutants of emergence.hopfield.theory judged equivalent (make mutants):
# - rs_retrieval_overlap's stopping rules (`abs(m_new - m) < 1e-12 and abs(r_new - r) < 1e-12`,
#   at T = 0 and T > 0, marked `no mutate`): every mutant there (`-` made `+`, `<` made `<=` or
#   `>=`, `and` made `or`, a tolerance loosened, `break` made `continue`) only changes when an
#   iteration that converges stops: without stopping it runs on at its fixed point, and the
#   fixed point itself is checked to 1e-6 against an independent solution (the AGS test).
# - the T = 0 test for no solution, `C >= 1` made `C > 1` or `C >= 2`: past capacity m falls
#   below 1e-4 and the result is 0 either way.
# - the z grid's 8001 points made 8002: the quadrature's error is far below 1e-6 either way.
# - the early `return 0.0` guards (T = 0: `C >= 1`; T > 0: `1 - beta (1 - q) <= 0`) with 0.0
#   made 1.0: no test reaches them, and neither did a scan over alpha in [0.14, 3] and T in
#   [0, 1.2] (the iteration ends with m < 1e-4 instead); they guard the division that follows.
# - `tanh(beta * (m + sqrt(alpha r) z))` with `-`: the z grid is symmetric about 0.
# - the z grid's ends (+-9 moved by 1): the normalized weights beyond 9 standard deviations are
#   below exp(-40).
# - `denom <= 0` made `< 0`, `m > 1e-4` (or 1e-6) made `>=`: exact equality on no input a float
#   gives.
# - the starting point m = 1 (or r = 1) made 2, and 4001 iterations instead of 4000: the same
#   fixed point (tanh brings m below 1 in one step).


def test_network_functions_at_the_edges_of_their_ranges():
    # N = P is allowed; a batch of networks against one state equals each network alone
    xi = _patterns(40, 4, 3, (5,))
    s = xi[0, 0]
    h = np.asarray(hp.local_fields(xi, s, 3))
    assert h.shape == (5, 3)
    for b in range(5):
        np.testing.assert_allclose(h[b], np.asarray(hp.local_fields(xi[b], s, 3)))
    # the default order is Hopfield's, P = 2
    np.testing.assert_array_equal(hp.coupling_tensor(xi[0]), hp.coupling_tensor(xi[0], 2))
    # the smallest network random_patterns makes, and words of 32 bits filling N = 1000
    assert hp.random_patterns(jax.random.key(1), 3, 2).shape == (3, 2)
    big = np.asarray(hp.random_patterns(jax.random.key(2), 40, 1000))
    assert big.shape == (40, 1000) and abs(big.mean()) < 5 / np.sqrt(big.size)
    assert abs(big[:, 992:].mean()) < 5 / np.sqrt(big[:, 992:].size)  # the last word's bits too
    # flipping every neuron, or none, is allowed
    np.testing.assert_array_equal(np.asarray(hp.corrupt(jax.random.key(3), s, 1.0)), -s)
    np.testing.assert_array_equal(np.asarray(hp.corrupt(jax.random.key(3), s, 0.0)), s)


def test_bad_spins_and_sweeps_are_named():
    with pytest.raises(ValueError, match="found 0"):
        hp.energy(np.array([[1, -1, 0, 1, -1]]), np.array([1, -1, 1, 1, 1]))
    with pytest.raises(ValueError, match="N >= P"):  # one neuron is a spin, not an empty array
        hp.local_fields(np.ones((1, 1), int), np.ones(1, int), 2)
    for bad in (True, 0, 2.5):
        with pytest.raises(ValueError, match="sweeps"):
            hp.retrieve(jax.random.key(0), _patterns(1, 2, 6), np.ones(6, int), sweeps=bad)


# Surviving mutants of emergence.hopfield.network judged equivalent (make mutants):
# - `(-1) ** (i - 1)` made `(i + 1)` in Newton's identities: the same parity.
# - `xi.shape[-1]` made `shape[1]` in the kernels: xi is (K, N) there.
# - `xi * sigma` made `xi / sigma`: for entries +-1 they are equal.
# - `reshape(-1, N)` made `reshape(-2, N)`: NumPy takes any negative size as the unknown one.
# - `bits == 1` made `!= 1` in the random spins: it swaps +1 and -1, which are equally likely.
# - `fold_in(key, 1)` made 2, and the flip counter's start -1 made 1 (any nonzero start lets the
#   first sweep run): other, equally good random streams and the same loop.
# - `reshape((-1, ...))` made -2, `x.shape[-1]` made `shape[1]` for 2-D x, `argsort(..., axis=-1)`
#   made `axis=1` on 2-D keys: the same array.
# - the Newton-identity power sums computed one order too far (`range(1, k + 2)`): unused.
# - retrieve's default sweeps 100 made 101 at T = 0: runs stop at the first sweep without a flip.
# - coupling_tensor's size limit `N**P > 2e7` made `>=` or 2e7 + 1: no integer N**P lies at the
#   boundary (2e7 = 2^8 5^7 is no square or higher power).


def test_one_async_sweep_updates_every_neuron():
    """Each of 300 networks (N = 20, K = 2) starts from its first pattern with one neuron wrong;
    one zero-temperature sweep in random order visits every neuron, so it must repair every one
    of them (a sweep that skipped one position of its order would miss about 15)."""
    xi = _patterns(41, 2, 20, (300,))
    start = xi[:, 0].copy()
    start[np.arange(300), np.arange(300) % 20] *= -1
    r = hp.retrieve(jax.random.key(42), xi, start, sweeps=1)
    np.testing.assert_array_equal(np.asarray(r.state), xi[:, 0])
    # and the defaults: P = 2, 100 sweeps at T > 0
    np.testing.assert_array_equal(hp.local_fields(xi[0], start[0]), hp.local_fields(xi[0], start[0], 2))
    assert float(hp.energy(xi[0], start[0])) == float(hp.energy(xi[0], start[0], 2))
    hot = hp.retrieve(jax.random.key(43), xi[:3], start[:3], temperature=0.5)
    assert np.all(np.asarray(hot.sweeps) == 100)


def test_corruption_is_uniform_over_the_real_neurons_and_spares_the_padding():
    from emergence.hopfield import network

    x = jax.numpy.ones((4000, 10), jax.numpy.int8)
    c = np.asarray(network._corrupt(jax.random.key(44), x, 3, 6))
    assert np.all(c[:, 6:] == 1), "a padding neuron flipped"
    assert np.all((c[:, :6] == -1).sum(axis=1) == 3)
    freq = (c[:, :6] == -1).mean(axis=0)  # each real neuron flipped with probability 1/2
    np.testing.assert_array_less(np.abs(freq - 0.5), 5 * np.sqrt(0.25 / 4000))


# --- the capacity experiment's bookkeeping (issue 17's mutants of hopfield.capacity) -----------


def test_capacity_scan_validates_each_setting_alone():
    ok = {20: np.array([3])}
    bad_loads = [
        ({20.5: np.array([3])}, "network sizes N must be integers"),
        ({20: np.array([[3]])}, r"loads\[20\] must be a 1D array"),
        ({20: np.array([], int)}, r"loads\[20\] must be a 1D array"),
        ({20: np.array([3.0])}, r"loads\[20\] must be a 1D array"),
    ]
    for loads, match in bad_loads:
        with pytest.raises(ValueError, match=match):
            hp.capacity_scan(jax.random.key(0), 2, loads, 4, 0.1)
    for kw, match in [
        ({"trials": 2.5}, "trials must be an integer >= 1"),
        ({"flip_fraction": 1.5}, r"flip_fraction must lie in \[0, 1\]"),
        ({"temperature": -1.0}, "temperature must be finite and >= 0"),
        ({"temperature": np.inf}, "temperature must be finite and >= 0"),
        ({"sweeps": 2.5}, "sweeps must be an integer >= 1"),
        ({"sweeps": True}, "sweeps must be an integer >= 1"),
    ]:
        args = {"trials": 4, "flip_fraction": 0.1, **kw}
        with pytest.raises(ValueError, match=match):
            hp.capacity_scan(
                jax.random.key(0), 2, ok, args.pop("trials"), args.pop("flip_fraction"), **args
            )
    # the smallest valid settings: one load of one pattern, one trial, one sweep, no flips
    one = hp.capacity_scan(jax.random.key(0), 2, {20: np.array([1])}, 1, 0.0, sweeps=1)[20]
    assert one.overlap.shape == (1, 1) and one.overlap[0, 0] == 1.0 and one.sweeps[0, 0] == 1


def test_capacity_scan_flips_the_fraction_asked_and_runs_at_its_temperature():
    """Every neuron flipped starts the run at -xi, itself a fixed point: the final overlap is -1.
    At T = 0.5 one stored pattern (K = 1) is a Curie-Weiss magnet at beta = 2: the overlap
    fluctuates about m = tanh(2 m) = 0.9575, and no sweep is free of flips, so every run takes
    the default 200 sweeps."""
    flipped = hp.capacity_scan(jax.random.key(1), 2, {50: np.array([2])}, 8, 1.0)[50]
    np.testing.assert_array_equal(flipped.overlap, -1.0)
    hot = hp.capacity_scan(jax.random.key(2), 2, {400: np.array([1])}, 16, 0.05, temperature=0.5)[400]
    m = 0.9575
    assert abs(hot.overlap.mean() - m) < 0.015, hot.overlap.mean()
    np.testing.assert_array_equal(hot.sweeps, 200)
    assert not hot.converged.any()


def test_capacity_scan_groups_and_chunks_as_documented():
    """Sizes share one call while trials x loads x K_max x N_max stays at or below pad_below
    (here exactly 64 x 200 x 100), and a chunk holds max_bytes // (loads x K_pad x N_pad x 3)
    trials: the same grouping and chunking give the same bits, another gives others."""
    loads = {60: np.array([2, 120]), 100: np.array([3, 200])}

    def run(**kw):
        out = hp.capacity_scan(jax.random.key(12), 2, loads, 16, 0.1, **kw)
        return np.concatenate([out[60].overlap, out[100].overlap])

    together, apart = run(pad_below=1e12), run(pad_below=0.0)
    assert not np.array_equal(together, apart)
    # apart, the larger size runs first and alone, as it does when it is the only size
    alone = hp.capacity_scan(jax.random.key(12), 2, {100: loads[100]}, 16, 0.1)[100].overlap
    np.testing.assert_array_equal(apart[2:], alone)
    np.testing.assert_array_equal(run(pad_below=64 * 200 * 100), together)
    np.testing.assert_array_equal(run(pad_below=64 * 200 * 100 - 1), apart)
    per_trial = 2 * 200 * 100 * 3  # the size 100 alone: its two loads padded to K = 200
    seven = run(pad_below=0.0, max_bytes=7 * per_trial)  # chunks of 7, 7 and 2 trials
    assert seven.shape == (4, 16)
    np.testing.assert_array_equal(run(pad_below=0.0, max_bytes=8 * per_trial - 1), seven)
    assert not np.array_equal(run(pad_below=0.0, max_bytes=8 * per_trial), seven)
    # too little memory for one trial: chunks of one trial, as with room for exactly one (for
    # the size 100; the size 60 needs less)
    np.testing.assert_array_equal(
        run(pad_below=0.0, max_bytes=1)[2:], run(pad_below=0.0, max_bytes=per_trial)[2:]
    )
    assert not np.array_equal(
        run(pad_below=0.0, max_bytes=1)[2:], run(pad_below=0.0, max_bytes=2 * per_trial)[2:]
    )


def test_capacity_records_and_their_edges(tmp_path):
    import dataclasses

    r = hp.LoadScan(np.array([2, 5]), np.ones((2, 3)), np.array([[1, 2, 3], [3, 5, 6]]), None)
    text = hp.summarize({80: r})
    assert text.splitlines() == [
        "6 networks",
        "  N =    80: K = 2..5; sweeps to a fixed point: median 3, max 6",
    ]
    r = r._replace(converged=np.array([[True, True, False], [True, True, True]]))
    assert hp.summarize({80: r}).endswith("max 6; stopped without one: 16.7%")
    with pytest.raises(ValueError, match=r"scans must be a dict \{P: \{N: LoadScan\}\}, got dict"):
        hp.save_scans(tmp_path / "x.npz", {2: {100: "not a scan"}}, {})
    assert hp.CapacityExperiment(flip=0.0, sweeps=1).flip == 0.0
    with pytest.raises(ValueError, match=r"flip must lie in \[0, 0.5\), got 0.5"):
        hp.CapacityExperiment(flip=0.5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        hp.CAPACITY.flip = 0.1
    with pytest.raises(ValueError, match="sweeps must be an integer >= 1, got 2.5"):
        hp.CapacityExperiment(sweeps=2.5)
    # a network as small as the order of its couplings is valid
    assert hp.capacity_scan(jax.random.key(0), 3, {3: np.array([1])}, 2, 0.0)[3].overlap.shape == (1, 2)


# Surviving mutants of emergence.hopfield.capacity judged equivalent (make mutants):
# - `fold_in(key, 0 / 1 / 2)` for the patterns, the corruption and the dynamics made 1 / 2 / 3:
#   other streams. Two of the three then share a key with another draw (patterns and
#   corruption, or corruption and the dynamics' split); they draw different things (bits, a
#   permutation, a split) from it, and no test can tell that from independence.
# - the defaults `max_bytes = 2e9` and `pad_below = 2e8` made 2e9 + 1 and 2e8 + 1: they only
#   move the integer boundaries of chunking and grouping by one unit of work (the boundaries
#   themselves are tested above).
# - the chunk's `max_bytes // per_trial` made `/`: int() of a positive quotient is its floor.
# - `zip(*out, strict=True)` made `strict=False`: every chunk returns the same three arrays.
