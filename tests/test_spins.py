"""Exact diagonalization (emergence.spins) against exact results.

The transverse-field chain against its free-fermion solution in both fermion-parity sectors
(antiperiodic fermions where the spin flip is +1, periodic where it is -1); the sectors' direct
sum against the full space's spectrum; the sector vectors' symmetry eigenvalues; Pauli strings
against Kronecker products; time evolution against the matrix exponential; the level-spacing
ratio of GOE and Poisson levels against 0.5307 and 2 ln 2 - 1. Couplings away from 1 throughout.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
import scipy.linalg
import scipy.sparse as sp

from emergence import spins

PAULI = {
    "I": np.eye(2),
    "X": np.array([[0, 1], [1, 0]], complex),
    "Y": np.array([[0, -1j], [1j, 0]]),
    "Z": np.diag([1.0, -1.0]).astype(complex),
}


def kron_string(L, ops):
    """The Pauli string as a Kronecker product: site i is bit i, so site 0 is the last factor."""
    m = np.ones((1, 1), complex)
    for i in range(L):
        m = np.kron(PAULI[ops.get(i, "I")], m)
    return m


def tfim_ring_spectrum(L, J, h, flip):
    """All energies of J sum Z_i Z_{i+1} + h sum X_i on a ring with prod X = flip, from free
    fermions: a Hadamard on every site and a Jordan-Wigner transformation give fermions with
    antiperiodic boundary conditions and even number for flip = +1, periodic and odd for -1.
    Modes k and -k pair (quasiparticle energy 2 sqrt(J^2 + h^2 - 2 J h cos k)); k = 0 and
    k = pi stay single, with energy 2 J cos k - 2 h."""
    if flip == 1:
        ks, parity = np.pi * (2 * np.arange(L) + 1) / L, 0
    else:
        ks, parity = 2 * np.pi * np.arange(L) / L, 1
    base, modes, paired = h * L, [], set()
    for k in ks:
        xi = 2 * J * np.cos(k) - 2 * h
        if abs(np.sin(k)) < 1e-12:
            modes.append(xi)
            continue
        key = round(min(k, 2 * np.pi - k), 12)
        if key in paired:
            continue
        paired.add(key)
        eps = 2 * np.sqrt(J * J + h * h - 2 * J * h * np.cos(k))
        base += xi - eps
        modes += [eps, eps]
    assert len(modes) == L
    occ = (np.arange(2**L)[:, None] >> np.arange(L)) & 1
    allowed = occ[occ.sum(1) % 2 == parity]
    return np.sort(base + allowed @ np.array(modes))


def sector_energies(H, secs):
    return np.sort(np.concatenate([spins.eigh(spins.project(H, s)).energies for s in secs]))


def translation_matrix(L):
    s = np.arange(2**L)
    return sp.csr_matrix((np.ones(s.size), (spins._translate(s, 1, L), s)), shape=(2**L,) * 2)


# --------------------------------------------------------------------------------------------
# the transverse-field chain: free fermions
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("L, J, h", [(6, 1.3, 0.7), (7, -0.8, 1.9), (8, 0.6, 0.45)])
@pytest.mark.parametrize("flip", [1, -1])
def test_transverse_field_ring_equals_free_fermions_in_each_parity_sector(L, J, h, flip):
    H = spins.mixed_field_ising(L, J, h, 0.0)
    secs = [s for s in spins.sectors(L, flip=True) if s.flip == flip]
    assert sum(s.dim for s in secs) == 2 ** (L - 1)
    np.testing.assert_allclose(sector_energies(H, secs), tfim_ring_spectrum(L, J, h, flip), atol=1e-10)


def test_free_fermion_boundary_conditions_matter():
    # the two parity sectors' spectra differ: swapping their boundary conditions fails
    L, J, h = 6, 1.3, 0.7
    H = spins.mixed_field_ising(L, J, h, 0.0)
    even = sector_energies(H, [s for s in spins.sectors(L, flip=True) if s.flip == 1])
    assert np.abs(even - tfim_ring_spectrum(L, J, h, -1)).max() > 0.1


# --------------------------------------------------------------------------------------------
# sectors
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "L, boundary, flip, fields",
    [
        (7, "ring", False, (1.1, 0.9045, 0.8090)),
        (8, "ring", False, (0.7, 1.3, 0.45)),
        (8, "ring", True, (1.2, 0.6, 0.0)),
        (7, "open", False, (1.1, 0.9045, 0.8090)),
        (6, "open", True, (0.9, 1.4, 0.0)),
        (5, "open", None, (1.3, 0.6, 0.35)),
    ],
)
def test_sectors_direct_sum_is_the_full_spectrum(L, boundary, flip, fields):
    H = spins.mixed_field_ising(L, *fields, boundary=boundary)
    if flip is None:  # no symmetry resolved at all: one sector, the whole space
        secs = spins.sectors(L, boundary=boundary, parity=False)
        assert len(secs) == 1 and secs[0].dim == 2**L
    else:
        secs = spins.sectors(L, boundary=boundary, flip=flip)
    assert sum(s.dim for s in secs) == 2**L
    np.testing.assert_allclose(sector_energies(H, secs), np.linalg.eigvalsh(H.toarray()), atol=1e-10)


@pytest.mark.parametrize("L", [6, 7])
def test_sector_vectors_are_orthonormal_symmetry_eigenvectors(L):
    T = translation_matrix(L)
    s = np.arange(2**L)
    P = sp.csr_matrix((np.ones(s.size), (spins._reflect(s, L), s)), shape=(2**L,) * 2)
    F = sp.csr_matrix((np.ones(s.size), (s ^ (2**L - 1), s)), shape=(2**L,) * 2)
    for sec in spins.sectors(L, flip=True):
        V = sec.basis.toarray()
        np.testing.assert_allclose(V.conj().T @ V, np.eye(sec.dim), atol=1e-12)
        k = 2 * np.pi * sec.m / L
        np.testing.assert_allclose(T @ V, np.exp(1j * k) * V, atol=1e-12)
        if sec.parity is not None:
            np.testing.assert_allclose(P @ V, sec.parity * V, atol=1e-12)
        np.testing.assert_allclose(F @ V, sec.flip * V, atol=1e-12)
        assert sec.real == (not np.iscomplexobj(V))
        Hs = spins.project(spins.mixed_field_ising(L, 0.8, 1.1, 0.3), sec)
        assert np.iscomplexobj(Hs) == (not sec.real)


def test_known_sector_dimensions():
    # k = 0 on a ring of 6: one state per necklace (translation orbit), 14 of them; with
    # reflection, one even state per bracelet (13) and the rest odd (14 - 13 = 1)
    assert spins.sector(6, m=0).dim == 14
    assert spins.sector(6, m=0, parity=1).dim == 13
    assert spins.sector(6, m=0, parity=-1).dim == 1
    # an open chain of 5: 2^5 = 32 states, 8 palindromes, so (32 + 8) / 2 = 20 even, 12 odd
    assert spins.sector(5, boundary="open", m=None, parity=1).dim == 20
    assert spins.sector(5, boundary="open", m=None, parity=-1).dim == 12


def test_mixing_sectors_fakes_poisson_statistics():
    # the whole k = 0 block of the chaotic ring, both parities together, against one parity
    L = 14
    H = spins.mixed_field_ising(L)
    one = spins.spacing_ratios(
        spins.eigh(spins.project(H, spins.sector(L, m=0, parity=1))).energies, keep=0.8
    )
    both = spins.spacing_ratios(spins.eigh(spins.project(H, spins.sector(L, m=0))).energies, keep=0.8)
    assert one.mean() > 0.49
    assert both.mean() < 0.45


# --------------------------------------------------------------------------------------------
# Pauli strings, Hermiticity
# --------------------------------------------------------------------------------------------


def test_pauli_strings_equal_kronecker_products():
    rng = np.random.default_rng(3)
    L = 4
    terms, dense = [], np.zeros((2**L, 2**L), complex)
    for _ in range(12):
        sites = rng.choice(L, size=rng.integers(1, L + 1), replace=False)
        ops = {int(i): "XYZ"[rng.integers(3)] for i in sites}
        c = complex(rng.normal(), rng.normal())
        terms.append((c, ops))
        dense += c * kron_string(L, ops)
    np.testing.assert_allclose(spins.pauli_sum(L, terms).toarray(), dense, atol=1e-12)


def test_hamiltonians_are_hermitian_and_real_without_y():
    H = spins.mixed_field_ising(7, 1.3, 0.4, -0.6)
    assert not np.iscomplexobj(H.data)
    assert abs(H - H.T).max() == 0
    K = spins.pauli_sum(3, spins.chain_terms(3, 0.7, "XY") + spins.chain_terms(3, -0.7, "YX"))
    assert np.iscomplexobj(K.data)
    assert abs(K - K.conj().T).max() < 1e-14


def test_mixed_field_terms_enter_with_their_own_coefficients():
    L, J, hx, hz = 5, 1.7, 0.35, -0.55
    H = spins.mixed_field_ising(L, J, hx, hz, boundary="open").toarray()
    want = sum(J * kron_string(L, {i: "Z", i + 1: "Z"}) for i in range(L - 1))
    want = want + sum(hx * kron_string(L, {i: "X"}) + hz * kron_string(L, {i: "Z"}) for i in range(L))
    np.testing.assert_allclose(H, want, atol=1e-12)
    ring = spins.mixed_field_ising(L, J, hx, hz).toarray()
    np.testing.assert_allclose(ring - H, J * kron_string(L, {L - 1: "Z", 0: "Z"}), atol=1e-12)


def test_product_states_are_real_in_the_xz_plane():
    assert not np.iscomplexobj(spins.product_state(4, 0.9))
    assert np.iscomplexobj(spins.product_state(4, 0.9, 0.3))
    psi = spins.to_sector(spins.product_state(6, 0.9), spins.sector(6, m=0, parity=1))
    assert not np.iscomplexobj(psi)
    assert np.vdot(psi, psi).real == pytest.approx(1.0)


def test_product_state_points_along_its_direction():
    L, theta, phi = 5, 0.7, 1.1
    psi = spins.product_state(L, theta, phi)
    assert np.vdot(psi, psi).real == pytest.approx(1.0)
    for i in (0, 3):
        for op, want in [
            ("X", np.sin(theta) * np.cos(phi)),
            ("Y", np.sin(theta) * np.sin(phi)),
            ("Z", np.cos(theta)),
        ]:
            got = np.vdot(psi, kron_string(L, {i: op}) @ psi).real
            assert got == pytest.approx(want, abs=1e-12)


# --------------------------------------------------------------------------------------------
# dynamics and ensembles
# --------------------------------------------------------------------------------------------


@functools.lru_cache
def small_chaotic():
    L = 8
    H = spins.mixed_field_ising(L, 1.1, 0.9045, 0.8090)
    sec = spins.sector(L, m=0, parity=1)
    Hs = spins.project(H, sec)
    Ob = spins.project(spins.pauli_sum(L, spins.chain_terms(L, 1 / L, "X")), sec)
    psi = spins.to_sector(spins.product_state(L, 1.2), sec)
    return Hs, Ob, psi, spins.eigh(Hs)


def test_evolution_equals_the_matrix_exponential():
    Hs, Ob, psi, eig = small_chaotic()
    times = np.array([0.0, 0.37, 2.9])
    got = spins.evolve(eig, psi, times)
    for t, g in zip(times, got, strict=True):
        want = scipy.linalg.expm(-1j * Hs * t) @ psi
        np.testing.assert_allclose(g, want, atol=1e-10)
    exp = spins.expectation_in_time(eig, spins.in_eigenbasis(Ob, eig), psi, times)
    want = [np.vdot(g, Ob @ g).real for g in got]
    np.testing.assert_allclose(exp, want, atol=1e-12)


def test_evolution_of_a_complex_state_runs_forward_in_time():
    # with a real H and a real state <O>(t) = <O>(-t); a complex state tells the two apart
    Hs, Ob, _, eig = small_chaotic()
    sec = spins.sector(8, m=0, parity=1)
    psi = spins.to_sector(spins.product_state(8, 1.2, 0.9), sec)
    O_y = spins.project(spins.pauli_sum(8, spins.chain_terms(8, 1 / 8, "Y")), sec)
    t = np.array([0.45, 1.3])
    got = spins.expectation_in_time(eig, spins.in_eigenbasis(O_y, eig), psi, t)
    want = [np.vdot(v, O_y @ v).real for v in (scipy.linalg.expm(-1j * Hs * x) @ psi for x in t)]
    back = [np.vdot(v, O_y @ v).real for v in (scipy.linalg.expm(1j * Hs * x) @ psi for x in t)]
    np.testing.assert_allclose(got, want, atol=1e-10)
    assert np.abs(np.array(want) - back).max() > 1e-3


def test_diagonal_ensemble_is_the_long_time_average():
    Hs, Ob, psi, eig = small_chaotic()
    O_eig = spins.in_eigenbasis(Ob, eig)
    t = np.linspace(0, 4000, 20001)
    avg = spins.expectation_in_time(eig, O_eig, psi, t).mean()
    assert avg == pytest.approx(spins.diagonal_ensemble(eig, O_eig, psi), abs=2e-3)


def test_temperature_for_energy_inverts_the_canonical_energy():
    Hs, Ob, psi, eig = small_chaotic()
    H_eig = np.diag(eig.energies)
    for beta in (0.37, -0.21, 1.6):
        e = spins.canonical(eig, H_eig, beta)[0]
        assert spins.temperature_for_energy(eig, e) == pytest.approx(beta, rel=1e-8)
    # and the canonical average is the trace formula
    beta = 0.37
    rho = scipy.linalg.expm(-beta * Hs)
    assert spins.canonical(eig, spins.in_eigenbasis(Ob, eig), beta)[0] == pytest.approx(
        np.trace(rho @ Ob) / np.trace(rho), rel=1e-10
    )


def test_outcome_weights_are_the_projectors_diagonals():
    Hs, Ob, psi, eig = small_chaotic()
    L = 8
    sec = spins.sector(L, m=0, parity=1)
    M = spins.project(spins.pauli_sum(L, spins.chain_terms(L, 1.0, "X")), sec)
    outcomes, W = spins.outcome_weights(eig, M)
    np.testing.assert_allclose(outcomes, np.arange(-L, L + 1, 2), atol=1e-9)
    np.testing.assert_allclose(W.sum(1), 1.0, atol=1e-12)
    vals, vecs = np.linalg.eigh(M)
    for j, o in enumerate(outcomes):
        V = vecs[:, np.isclose(vals, o)]
        P = V @ V.T
        np.testing.assert_allclose(
            W[:, j], np.einsum("an,ab,bn->n", eig.vectors, P, eig.vectors), atol=1e-10
        )
    # the weights average M: sum_o o W[n, o] = <n|M|n>
    np.testing.assert_allclose(W @ outcomes, np.diag(spins.in_eigenbasis(M, eig)), atol=1e-10)


@pytest.mark.parametrize("n", [5, 16, 17, 100])
def test_eigh_pads_without_changing_the_answer(n):
    rng = np.random.default_rng(n)
    a = rng.normal(size=(n, n)) * 2.3 + 1j * rng.normal(size=(n, n)) * 0.4
    a = a + a.conj().T
    eig = spins.eigh(a)
    assert eig.energies.shape == (n,) and eig.vectors.shape == (n, n)
    np.testing.assert_allclose(eig.energies, np.linalg.eigvalsh(a), atol=1e-10)
    np.testing.assert_allclose(a @ eig.vectors, eig.vectors * eig.energies, atol=1e-9)
    np.testing.assert_allclose(eig.vectors.conj().T @ eig.vectors, np.eye(n), atol=1e-10)


# --------------------------------------------------------------------------------------------
# level statistics
# --------------------------------------------------------------------------------------------


def test_goe_spacing_ratio():
    rng = np.random.default_rng(11)
    means = []
    for _ in range(16):
        a = rng.normal(size=(800, 800)) * 1.7
        r = spins.spacing_ratios(np.linalg.eigvalsh(a + a.T), keep=0.5)
        means.append(r.mean())
    se = np.std(means, ddof=1) / np.sqrt(len(means))
    assert abs(np.mean(means) - spins.R_GOE) < max(4 * se, 1e-3)
    assert abs(np.mean(means) - spins.R_POISSON) > 0.1


def test_poisson_spacing_ratio():
    rng = np.random.default_rng(12)
    r = spins.spacing_ratios(rng.uniform(-3.0, 5.0, size=200_000))
    se = r.std() / np.sqrt(r.size)
    assert spins.R_POISSON == pytest.approx(2 * np.log(2) - 1)
    assert abs(r.mean() - spins.R_POISSON) < 4 * se


def test_spacing_ratios_merge_degenerate_levels():
    E = np.array([0.0, 1.0, 1.0, 1.0, 3.0, 4.0])
    with pytest.raises(ValueError, match="both zero"):
        spins.spacing_ratios(E)
    np.testing.assert_allclose(spins.spacing_ratios(E, merge=1e-10), [1 / 2, 1 / 2])
    near = np.array([0.0, 1.0, 1.0 + 1e-13, 3.0, 4.0])
    np.testing.assert_allclose(spins.spacing_ratios(near, merge=1e-10), [1 / 2, 1 / 2])
    np.testing.assert_allclose(spins.spacing_ratios([0.0, 1.0, 1.0, 3.0]), [0.0, 0.0])


def test_spacing_ratios_keep_the_middle():
    E11 = np.cumsum(np.arange(1.0, 12.0))  # spacings 2, 3, ..., 11
    r = spins.spacing_ratios(E11, keep=0.5)  # drops round(11 / 4) = 3 levels at each end
    np.testing.assert_allclose(r, [5 / 6, 6 / 7, 7 / 8])
    E = np.array([0.0, 1.0, 3.0, 4.0, 4.5, 10.0, 30.0])
    np.testing.assert_allclose(spins.spacing_ratios(E), [1 / 2, 1 / 2, 1 / 2, 0.5 / 5.5, 5.5 / 20])
    np.testing.assert_allclose(spins.spacing_ratios(E, keep=5 / 7), [1 / 2, 1 / 2, 0.5 / 5.5])


# --------------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: spins.mixed_field_ising(2), r"L must be an integer in \[3, 24\], got 2"),
        (lambda: spins.mixed_field_ising(6, boundary="torus"), "boundary must be one of"),
        (lambda: spins.mixed_field_ising(6, J=np.nan), "J must be finite, got nan"),
        (lambda: spins.sector(6, m=6), r"m must be an integer in \[0, 6\) on a ring, got 6"),
        (lambda: spins.sector(6, m=1, parity=1), "parity needs k = 0 or pi"),
        (lambda: spins.sector(6, boundary="open", m=0), "m must be None on an open chain"),
        (lambda: spins.sector(6, m=0, flip=2), r"flip must be \+1, -1 or None, got 2"),
        (lambda: spins.pauli_sum(3, [(1.0, {3: "X"})]), r"site must be an integer in \[0, 3\), got 3"),
        (
            lambda: spins.pauli_sum(3, [(1.0, {1.0: "X"})]),
            r"site must be an integer in \[0, 3\), got 1.0",
        ),
        (
            lambda: spins.pauli_sum(3, [(1.0, {True: "X"})]),
            r"site must be an integer in \[0, 3\), got True",
        ),
        (lambda: spins.sector(6, m=True), r"m must be an integer in \[0, 6\) on a ring, got True"),
        (lambda: spins.sector(6, m=1.0), r"m must be an integer in \[0, 6\) on a ring, got 1.0"),
        (lambda: spins.chain_terms(3, 1.0, ""), "ops must be 1 to L = 3 letters"),
        (lambda: spins.chain_terms(3, 1.0, "ZW"), "ops must be 1 to L = 3 letters"),
        (lambda: spins.pauli_sum(3, [(1.0, {0: "W"})]), "operator must be 'X', 'Y' or 'Z', got 'W'"),
        (lambda: spins.chain_terms(3, 1.0, "ZZZZ"), "ops must be 1 to L = 3 letters"),
        (lambda: spins.eigh(np.array([[0.0, 1.0], [0.0, 0.0]])), "matrix must be Hermitian"),
        (
            lambda: spins.spacing_ratios([1.0, 2.0, 3.0], keep=1.5),
            r"keep must be a fraction in \(0, 1\]",
        ),
        (lambda: spins.spacing_ratios([1.0, 1.0, 1.0]), "both zero"),
        (lambda: spins.project(np.eye(4), spins.sector(3, m=0)), r"operator must have shape \(8, 8\)"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_temperature_outside_the_spectrum_raises():
    *_, eig = small_chaotic()
    for e in (eig.energies.min() - 1.0, eig.energies.min(), eig.energies.max()):
        with pytest.raises(ValueError, match="energy must lie strictly inside the spectrum"):
            spins.temperature_for_energy(eig, e)


def test_the_sizes_at_the_edges_of_the_range_are_accepted():
    assert spins._sites(24, min_sites=2) == 24
    assert spins.mixed_field_ising(3).shape == (8, 8)
    assert spins.mixed_field_ising(2, boundary="open").shape == (4, 4)
    assert spins.sector(2, boundary="open", m=None, parity=1).dim == 3
    assert spins.sector(3, m=2).dim == 2  # k = 4 pi / 3: the orbits 001 and 011
    assert spins.pauli_sum(1, [(0.5, {0: "X"})]).shape == (2, 2)
    assert len(spins.chain_terms(4, 1.0, "ZZZZ", "open")) == 1
    with pytest.raises(ValueError, match="L must be an integer in"):
        spins._sites(25, min_sites=2)


def test_eigh_accepts_a_large_hermitian_matrix_and_refuses_bad_shapes():
    rng = np.random.default_rng(5)
    a = rng.normal(size=(6, 6)) * 1e8
    a = a + a.T
    a[0, 1] += 1e-4  # a relative asymmetry of about 1e-13: rounding, not a bug
    assert spins.eigh(a).energies.shape == (6,)
    for bad in (np.zeros(3), np.zeros((2, 3)), np.zeros((0, 0)), np.zeros((2, 2, 2))):
        with pytest.raises(ValueError, match="matrix must be square and non-empty"):
            spins.eigh(bad)


# ---- against the mutation run's survivors (tools/mutants.py spins, 2026-12-03) ----------------
# Equivalent mutants, left alive on purpose: the Y string's phase 1j * (1 - 2 bit) against
# 1j / (1 - 2 bit) (the bit's sign is +-1); a sector's characters divided instead of multiplied
# by a parity or flip eigenvalue (+-1); the open chain's constant phase (the basis is normalized
# afterwards); the sentinel of col_of_rep (only representatives are looked up); the cut-offs
# 1e-9 / 1e-12 / 1e-13 as > or >= (a norm or coefficient exactly at them does not occur); eigh's
# Gershgorin margin (any bound above the spectrum keeps the padding's levels on top); the
# bucket sizes themselves (any sizes pad correctly; test_eigh_pads_to_buckets checks that they
# share compilations); and the bisection's initial bracket, its growth factor and its
# comparisons at equality in temperature_for_energy.


def test_kim_huse_point_is_the_golden_ratio_one():
    # Kim and Huse's chaotic point: hx = (5 + sqrt 5) / 8, hz = (1 + sqrt 5) / 4, J = 1
    assert spins.KIM_HUSE["J"] == 1.0
    assert spins.KIM_HUSE["hx"] == pytest.approx((5 + np.sqrt(5)) / 8, abs=5e-5)
    assert spins.KIM_HUSE["hz"] == pytest.approx((1 + np.sqrt(5)) / 4, abs=5e-5)
    default = spins.mixed_field_ising(5)
    explicit = spins.mixed_field_ising(5, **spins.KIM_HUSE)
    assert abs(default - explicit).max() == 0


def test_sector_labels():
    ring = spins.sector(6, m=3, parity=-1, flip=1)
    assert ring.label == "ring of 6: k = 2 pi 3/6, P = -1, F = +1"
    assert spins.sector(4, boundary="open", m=None).label == "open of 4: full space"
    assert spins.sector(5, m=2).label == "ring of 5: k = 2 pi 2/5"


def test_one_site_and_empty_sums():
    assert spins.chain_terms(1, 2.5, "X", boundary="open") == [(2.5, {0: "X"})]
    psi = spins.product_state(1, 0.6)
    assert np.allclose(psi, [np.cos(0.3), np.sin(0.3)])
    zero = spins.pauli_sum(3, [])
    assert zero.shape == (8, 8) and zero.nnz == 0


def test_sectors_defaults_and_smallest_chains():
    L = 6
    default = spins.sectors(L)
    assert any(s.parity is not None for s in default)  # parity resolved by default
    assert [s.label for s in default] == [s.label for s in spins.sectors(L, parity=True)]
    plain = spins.sectors(L, parity=False)
    assert all(s.parity is None for s in plain) and len(plain) == L
    assert sum(s.dim for s in spins.sectors(3)) == 8  # the smallest ring
    assert sum(s.dim for s in spins.sectors(2, boundary="open")) == 4
    with pytest.raises(ValueError, match="L must be"):
        spins.sectors(2)  # a ring of two sites is not a ring


def test_real_sectors_give_real_arrays():
    L, H = 6, spins.mixed_field_ising(6, 1.3, 0.7, 0.45)
    real, cplx = spins.sector(L, m=0, parity=1), spins.sector(L, m=1)
    assert not np.iscomplexobj(spins.project(H, real))
    assert np.iscomplexobj(spins.project(H, cplx))
    psi = np.random.default_rng(2).normal(size=2**L)  # real, and without the ring's symmetry
    assert not np.iscomplexobj(spins.to_sector(psi, real))
    assert np.iscomplexobj(spins.to_sector(psi, cplx))


def test_shapes_are_checked():
    eig = spins.eigh(np.diag([0.5, 1.5, 2.0]))
    with pytest.raises(ValueError, match="operator must have shape"):
        spins.in_eigenbasis(np.eye(3)[:, :2], eig)
    with pytest.raises(ValueError, match="state must have shape"):
        spins.evolve(eig, np.ones(2), [0.0, 1.0])
    with pytest.raises(ValueError, match="state must have shape"):
        spins.expectation_in_time(eig, np.eye(3), np.ones(4), [0.0])
    with pytest.raises(ValueError, match="observable must have shape"):
        spins.outcome_weights(eig, np.eye(2))
    with pytest.raises(ValueError, match="non-empty"):
        spins.eigh(np.zeros((0, 0)))


def test_hermiticity_is_judged_against_unit_scale():
    # |A - A^dagger| is compared with max(max|A|, 1) * 1e-10: 1.5e-10 at unit scale is refused
    a = np.diag([1.0, -1.0, 0.5])
    a[0, 1] = 1.5e-10
    with pytest.raises(ValueError, match="Hermitian"):
        spins.eigh(a)
    a[0, 1] = 0.5e-10
    assert np.allclose(spins.eigh(a).energies, [-1.0, 0.5, 1.0])


def test_eigh_pads_to_buckets():
    # sizes 33..48 share one compiled program (the bucket of 48), and the padding does not
    # leak into the result
    rng = np.random.default_rng(3)
    spins.eigh(np.eye(40))
    before = spins._eigh_jit._cache_size()
    for n in (33, 37, 45, 48):
        a = rng.normal(size=(n, n))
        a = a + a.T
        eig = spins.eigh(a)
        assert eig.energies.shape == (n,) and eig.vectors.shape == (n, n)
        assert np.allclose(eig.energies, np.linalg.eigvalsh(a), atol=1e-10)
    assert spins._eigh_jit._cache_size() == before


def test_canonical_far_from_zero_energy():
    # a spectrum shifted by 400 and a large beta: the weights are taken relative to the ground
    # state, so neither overflows nor underflows
    E = np.array([0.0, 0.3, 1.1, 2.0])
    obs = np.diag([1.0, -2.0, 0.5, 3.0])
    eig, shifted = spins.eigh(np.diag(E)), spins.eigh(np.diag(E + 400.0))
    beta = np.array([-2.5, 0.7, 3.0])
    ref = np.array([(np.exp(-b * E) @ np.diag(obs)) / np.exp(-b * E).sum() for b in beta])
    assert np.allclose(spins.canonical(eig, obs, beta), ref, rtol=1e-12)
    assert np.allclose(spins.canonical(shifted, obs, beta), ref, rtol=1e-12)


@pytest.mark.parametrize("beta", [-3.0, -0.4, 0.02, 1.7, 6.0])
def test_temperature_for_energy_inverts_the_mean_energy(beta):
    E = np.sort(np.random.default_rng(5).uniform(-3, 2, 40)) + 250.0  # far from zero
    eig = spins.eigh(np.diag(E))
    w = np.exp(-beta * (E - (E.min() if beta > 0 else E.max())))
    e = float(w @ E / w.sum())
    b = spins.temperature_for_energy(eig, e)
    assert b == pytest.approx(beta, rel=1e-9, abs=1e-11)


def test_merge_is_relative_to_the_spectrum_width():
    # width 10, merge 1e-4: levels closer than 1e-3 count once; the pair 9.5e-4 apart merges,
    # whatever the spectrum's offset, and the same holds for the whole spectrum scaled by 1e-3
    E = np.array([-5.0, -4.0, -4.0 + 9.5e-4, -2.7, -1.0, 1.6, 5.0])
    merged = np.delete(E, 2)
    expect = spins.spacing_ratios(merged)
    assert np.allclose(spins.spacing_ratios(E, merge=1e-4), expect)
    assert np.allclose(spins.spacing_ratios(E + 5.0, merge=1e-4), expect)
    # a second close pair, 2e-3 apart (twice the threshold), stays two levels
    F = np.sort(np.append(E, 1.6 + 2e-3))
    kept = np.delete(F, 2)
    assert np.allclose(spins.spacing_ratios(1e-3 * F, merge=1e-4), spins.spacing_ratios(kept))
    with pytest.raises(ValueError, match="merge"):
        spins.spacing_ratios(E, merge=2e-3)
