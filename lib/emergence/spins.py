"""Exact diagonalization of spin-1/2 chains, sector by sector.

A chain of ``L`` spins has the ``2^L`` basis states ``|s>``, ``s`` an integer whose bit ``i`` is
spin ``i``: bit 0 is up (``Z_i = +1``), bit 1 is down (``Z_i = -1``). Hamiltonians are sums of
Pauli strings (:func:`pauli_sum`, :func:`mixed_field_ising`), built as SciPy sparse matrices
in the full space; a :class:`Sector` is an orthonormal basis of one symmetry sector (momentum
``k = 2 pi m / L`` on a ring; reflection parity in the sectors where it commutes with the
translations, ``k = 0`` and ``k = pi``, or on an open chain; the global spin flip ``prod_i X_i``
where the Hamiltonian has it), and :func:`project` writes a Hamiltonian or an observable in it.

The sector's basis vectors are the group averages ``sum_g chi(g) g|r>`` of representative
states ``r`` (one per orbit of the symmetry group, the orbit's smallest integer), normalized,
with ``chi`` the sector's character: ``chi(T^j P^s F^f) = e^{-i k j} p^s z^f`` for translations
``T``, reflection ``P`` and flip ``F``. An orbit whose average vanishes has no state in the
sector. The vectors satisfy ``T v = e^{i k} v``, ``P v = p v``, ``F v = z v``.

:func:`eigh` diagonalizes a sector's matrix with ``jax.numpy.linalg.eigh`` in float64 (on the
default device: a GPU where there is one); :func:`evolve` and :func:`expectation_in_time`
work in the eigenbasis; :func:`spacing_ratios` gives the level-spacing ratios
``r_n = min(s_n, s_{n+1}) / max(s_n, s_{n+1})`` of Oganesyan and Huse, whose means for the
Gaussian orthogonal ensemble and for Poisson levels are ``R_GOE`` and ``R_POISSON``.
"""

from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import scipy.sparse as sp

from emergence import _validate

R_GOE = 0.5307  # <r> of large GOE matrices (Atas, Bogomolny, Giraud and Roux 2013, numerics)
R_POISSON = 2 * np.log(2) - 1  # <r> of independent (Poisson) levels: 2 ln 2 - 1 = 0.38629...

KIM_HUSE = dict(J=1.0, hx=0.9045, hz=0.8090)  # the chaotic point of Kim and Huse (2013)
MAX_SITES = 24  # 2^24 states: the full-space sparse matrices stop being a laptop's business
BOUNDARIES = ("ring", "open")
_PAULI = "IXYZ"


class Sector(NamedTuple):
    """One symmetry sector of a chain of ``L`` spins (what :func:`sector` returns).

    Parameters
    ----------
    L : int
        The number of spins.
    boundary : str
        ``"ring"`` or ``"open"``.
    m : int or None
        The momentum index, ``k = 2 pi m / L`` (None on an open chain).
    parity : int or None
        The reflection eigenvalue ``+-1`` (None where not resolved).
    flip : int or None
        The spin flip's eigenvalue ``+-1`` (None where not resolved).
    basis : scipy.sparse.csc_matrix
        Shape ``(2^L, dim)``: the sector's orthonormal basis vectors as columns.
    """

    L: int
    boundary: str
    m: int | None
    parity: int | None
    flip: int | None
    basis: sp.csc_matrix

    @property
    def dim(self) -> int:
        return self.basis.shape[1]

    @property
    def real(self) -> bool:
        """Whether the basis vectors are real (``k = 0`` or ``pi``, or an open chain)."""
        return self.m is None or (2 * self.m) % self.L == 0

    @property
    def label(self) -> str:
        parts = [] if self.m is None else [f"k = 2 pi {self.m}/{self.L}"]
        parts += [] if self.parity is None else [f"P = {self.parity:+d}"]
        parts += [] if self.flip is None else [f"F = {self.flip:+d}"]
        return f"{self.boundary} of {self.L}: " + (", ".join(parts) or "full space")


class Eigen(NamedTuple):
    """What :func:`eigh` returns.

    Parameters
    ----------
    energies : numpy.ndarray
        Shape ``(dim,)``: the eigenvalues, ascending.
    vectors : numpy.ndarray
        Shape ``(dim, dim)``: the eigenvectors, as columns.
    """

    energies: np.ndarray
    vectors: np.ndarray


# --------------------------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------------------------


def _sites(L, min_sites) -> int:
    L = _validate.positive_int("L", L)
    if not min_sites <= L <= MAX_SITES:
        raise ValueError(f"L must be an integer in [{min_sites}, {MAX_SITES}], got {L!r}")
    return L


def _boundary(boundary) -> str:
    if boundary not in BOUNDARIES:
        raise ValueError(f"boundary must be one of {BOUNDARIES}, got {boundary!r}")
    return boundary


def _sign(name, value):
    if value is None:
        return None
    if isinstance(value, bool) or value not in (1, -1):
        raise ValueError(f"{name} must be +1, -1 or None, got {value!r}")
    return int(value)


def _real(name, value) -> float:
    return float(_validate.in_range(name, value))


# --------------------------------------------------------------------------------------------
# Hamiltonians as Pauli sums
# --------------------------------------------------------------------------------------------


def pauli_sum(L: int, terms) -> sp.csr_matrix:
    """The ``2^L x 2^L`` sparse matrix of a sum of Pauli strings.

    Parameters
    ----------
    L : int
        The number of spins, in ``[1, MAX_SITES]``.
    terms : iterable of (coefficient, dict)
        Each term is a real or complex coefficient and a mapping ``site -> "X" | "Y" | "Z"``
        (sites in ``[0, L)``; an empty mapping is the identity).

    Returns
    -------
    scipy.sparse.csr_matrix
        Complex where any term has an odd number of ``Y`` or a complex coefficient, else real.
    """
    L = _sites(L, min_sites=1)
    s = np.arange(2**L, dtype=np.int64)
    rows, cols, vals = [], [], []
    for term in terms:
        try:
            coef, ops = term
            coef = complex(coef)
            ops = dict(ops)
        except (TypeError, ValueError):
            raise ValueError(
                f"each term must be (coefficient, {{site: 'X' | 'Y' | 'Z'}}), got {term!r}"
            ) from None
        if not np.isfinite(coef):
            raise ValueError(f"a term's coefficient must be finite, got {coef!r}")
        flip, phase = 0, np.ones(s.size, complex)
        for site, op in ops.items():
            if isinstance(site, bool) or not isinstance(site, int | np.integer) or not 0 <= site < L:
                raise ValueError(f"a term's site must be an integer in [0, {L}), got {site!r}")
            if op not in ("X", "Y", "Z"):
                raise ValueError(f"a term's operator must be 'X', 'Y' or 'Z', got {op!r}")
            bit = (s >> site) & 1
            if op in ("X", "Y"):
                flip |= 1 << int(site)
            if op == "Z":
                phase *= 1 - 2 * bit
            elif op == "Y":  # Y|0> = i|1>, Y|1> = -i|0>
                phase *= 1j * (1 - 2 * bit)
        rows.append(s ^ flip)
        cols.append(s)
        vals.append(coef * phase)
    if not rows:
        return sp.csr_matrix((2**L, 2**L))
    v = np.concatenate(vals)
    if np.all(v.imag == 0):
        v = v.real
    H = sp.csr_matrix((v, (np.concatenate(rows), np.concatenate(cols))), shape=(2**L, 2**L))
    H.sum_duplicates()
    H.eliminate_zeros()
    return H


def chain_terms(L: int, coefficient, ops: str, boundary: str = "ring") -> list:
    """The terms ``coefficient * sum_i ops[0]_i ops[1]_{i+1} ...`` along the chain.

    Parameters
    ----------
    L : int
        The number of spins.
    coefficient : float or complex
        Every term's coefficient.
    ops : str
        Letters from ``XYZ`` (``"ZZ"``, ``"X"``, ``"XZX"``), placed on consecutive sites.
    boundary : {"ring", "open"}
        On a ring the string wraps around (``L`` terms); on an open chain it stops at the
        end (``L - len(ops) + 1`` terms).

    Returns
    -------
    list
        ``(coefficient, {site: letter})`` pairs, for :func:`pauli_sum`.
    """
    L = _sites(L, min_sites=1)
    boundary = _boundary(boundary)
    if not ops or any(c not in "XYZ" for c in ops) or len(ops) > L:
        raise ValueError(f"ops must be 1 to L = {L} letters from 'XYZ', got {ops!r}")
    starts = range(L) if boundary == "ring" else range(L - len(ops) + 1)
    terms = []
    for i in starts:
        ops_i = {}
        for j, c in enumerate(ops):
            site = (i + j) % L
            if site in ops_i:
                raise ValueError(f"ops = {ops!r} wraps onto itself on a ring of {L} sites")
            ops_i[site] = c
        terms.append((coefficient, ops_i))
    return terms


def mixed_field_ising(L: int, J=1.0, hx=0.9045, hz=0.8090, boundary: str = "ring") -> sp.csr_matrix:
    """``H = J sum_i Z_i Z_{i+1} + hx sum_i X_i + hz sum_i Z_i`` on a ring or open chain.

    Parameters
    ----------
    L : int
        The number of spins: ``>= 3`` on a ring, ``>= 2`` on an open chain.
    J, hx, hz : float
        The coupling and the two fields; the defaults are the chaotic point of Kim and Huse
        (2013), and ``hz = 0`` is the transverse-field chain, integrable (free fermions).
    boundary : {"ring", "open"}
        Whether the bond ``L - 1, 0`` is there.

    Returns
    -------
    scipy.sparse.csr_matrix
        Shape ``(2^L, 2^L)``, real.
    """
    boundary = _boundary(boundary)
    L = _sites(L, min_sites=3 if boundary == "ring" else 2)
    J, hx, hz = _real("J", J), _real("hx", hx), _real("hz", hz)
    terms = chain_terms(L, J, "ZZ", boundary) + chain_terms(L, hx, "X", boundary)
    return pauli_sum(L, terms + chain_terms(L, hz, "Z", boundary))  # zero terms are dropped


# --------------------------------------------------------------------------------------------
# symmetry sectors
# --------------------------------------------------------------------------------------------


def _translate(s, j, L):
    mask = (1 << L) - 1
    return ((s << j) | (s >> (L - j))) & mask if j % L else s


def _reflect(s, L):
    out = np.zeros_like(s)
    for i in range(L):
        out |= ((s >> i) & 1) << (L - 1 - i)
    return out


def _group(L, boundary, m, parity, flip):
    """``(image function, character)`` for every element of the sector's symmetry group."""
    mask = (1 << L) - 1
    shifts = range(L) if boundary == "ring" else [0]
    elements = []
    reflections = (False, True) if parity is not None else (False,)
    flips = (False, True) if flip is not None else (False,)
    for j in shifts:
        phase = np.exp(-2j * np.pi * m * j / L) if boundary == "ring" else 1.0
        for s_ in reflections:
            for f_ in flips:
                chi = phase * (parity if s_ else 1) * (flip if f_ else 1)

                def image(x, j=j, s_=s_, f_=f_):
                    y = x ^ mask if f_ else x
                    y = _reflect(y, L) if s_ else y
                    return _translate(y, j, L)

                elements.append((image, chi))
    return elements


def sector(L: int, *, boundary: str = "ring", m: int | None = 0, parity=None, flip=None) -> Sector:
    """The orthonormal basis of one symmetry sector.

    Parameters
    ----------
    L : int
        The number of spins, in ``[2, MAX_SITES]`` (``[3, MAX_SITES]`` on a ring).
    boundary : {"ring", "open"}
    m : int or None
        On a ring the momentum index in ``[0, L)``, ``k = 2 pi m / L``; must be None on an
        open chain.
    parity : {+1, -1, None}
        The reflection eigenvalue; on a ring only in the sectors ``k = 0`` and ``k = pi``
        (``m = 0`` or ``2 m = L``), where reflection commutes with the translations.
    flip : {+1, -1, None}
        The eigenvalue of the global spin flip ``prod_i X_i`` (a symmetry only without a
        longitudinal field).

    Returns
    -------
    Sector
        Its basis; ``dim`` is 0 when no state has these quantum numbers.
    """
    boundary = _boundary(boundary)
    L = _sites(L, min_sites=3 if boundary == "ring" else 2)
    parity, flip = _sign("parity", parity), _sign("flip", flip)
    if boundary == "open":
        if m is not None:
            raise ValueError(f"m must be None on an open chain (no translations), got {m!r}")
    else:
        if isinstance(m, bool) or not isinstance(m, int | np.integer) or not 0 <= m < L:
            raise ValueError(f"m must be an integer in [0, {L}) on a ring, got {m!r}")
        m = int(m)
        if parity is not None and (2 * m) % L:
            raise ValueError(
                f"parity needs k = 0 or pi (m = 0 or m = L/2), where reflection commutes with "
                f"the translations; got m = {m} of L = {L}"
            )
    n = 1 << L
    states = np.arange(n, dtype=np.int64)
    elements = _group(L, boundary, m, parity, flip)
    rep = states.copy()
    for image, _ in elements:
        np.minimum(rep, image(states), out=rep)
    reps = np.flatnonzero(rep == states)
    coef = np.zeros(n, complex)
    for image, chi in elements:
        coef[image(reps)] += chi  # a group element maps the representatives one-to-one
    col_of_rep = np.full(n, -1, np.int64)
    col_of_rep[reps] = np.arange(reps.size)
    norm2 = np.bincount(col_of_rep[rep], weights=np.abs(coef) ** 2, minlength=reps.size)
    keep = norm2 > 1e-9
    new_col = np.cumsum(keep) - 1
    col = col_of_rep[rep]
    live = keep[col] & (np.abs(coef) > 1e-12)
    rows = states[live]
    vals = coef[live] / np.sqrt(norm2[col[live]])
    cols = new_col[col[live]]
    if (boundary == "open" or (2 * m) % L == 0) and np.allclose(vals.imag, 0, atol=1e-12):
        vals = vals.real
    basis = sp.csc_matrix((vals, (rows, cols)), shape=(n, int(keep.sum())))
    return Sector(L, boundary, None if boundary == "open" else m, parity, flip, basis)


def sectors(L: int, *, boundary: str = "ring", parity: bool = True, flip: bool = False) -> list[Sector]:
    """Every sector, so that their direct sum is the whole ``2^L``-dimensional space.

    Parameters
    ----------
    L : int
        The number of spins.
    boundary : {"ring", "open"}
        On a ring every momentum; on an open chain no momentum.
    parity : bool
        Split by reflection parity (at ``k = 0`` and ``pi`` on a ring).
    flip : bool
        Split each further by the spin flip.

    Returns
    -------
    list of Sector
        The non-empty sectors.
    """
    boundary = _boundary(boundary)
    L = _sites(L, min_sites=3 if boundary == "ring" else 2)
    flips = (1, -1) if flip else (None,)
    out = []
    if boundary == "ring":
        for m in range(L):
            pars = (1, -1) if parity and (2 * m) % L == 0 else (None,)
            out += [sector(L, boundary=boundary, m=m, parity=p, flip=f) for p in pars for f in flips]
    else:
        pars = (1, -1) if parity else (None,)
        out += [sector(L, boundary=boundary, m=None, parity=p, flip=f) for p in pars for f in flips]
    return [s for s in out if s.dim > 0]


def project(operator, sec: Sector) -> np.ndarray:
    """``V^dagger O V``: a full-space operator written in a sector.

    Parameters
    ----------
    operator : scipy.sparse matrix or numpy.ndarray
        Shape ``(2^L, 2^L)``. It must commute with the sector's symmetries for the result to
        mean the operator restricted to the sector (a Hamiltonian with those symmetries; a
        translation-invariant observable).
    sec : Sector
        The sector.

    Returns
    -------
    numpy.ndarray
        Shape ``(dim, dim)``, dense; real when the basis and the operator are.
    """
    n = 1 << sec.L
    shape = getattr(operator, "shape", None)
    if shape != (n, n):
        raise ValueError(f"operator must have shape ({n}, {n}) for L = {sec.L}, got {shape}")
    V = sec.basis
    out = V.conj().T @ (operator @ V)
    out = out.toarray() if sp.issparse(out) else np.asarray(out)
    return out.real.copy() if np.iscomplexobj(out) and np.allclose(out.imag, 0, atol=1e-13) else out


def to_sector(state, sec: Sector) -> np.ndarray:
    """The components ``V^dagger psi`` of a full-space state in a sector's basis.

    Parameters
    ----------
    state : array_like
        Shape ``(2^L,)``.
    sec : Sector
        The sector.

    Returns
    -------
    numpy.ndarray
        Shape ``(dim,)``; real when the basis and the state are.
    """
    psi = np.asarray(state)
    n = 1 << sec.L
    if psi.shape != (n,):
        raise ValueError(f"state must have shape ({n},) for L = {sec.L}, got {psi.shape}")
    out = sec.basis.conj().T @ psi
    return out.real.copy() if np.iscomplexobj(out) and np.allclose(out.imag, 0, atol=1e-13) else out


def product_state(L: int, theta: float, phi: float = 0.0) -> np.ndarray:
    """Every spin along ``(sin theta cos phi, sin theta sin phi, cos theta)``.

    Parameters
    ----------
    L : int
        The number of spins.
    theta : float
        The polar angle from ``+z``: 0 is all up (``|0...0>``), ``pi`` all down.
    phi : float
        The azimuth from ``+x``.

    Returns
    -------
    numpy.ndarray
        Shape ``(2^L,)``, normalized; real when ``phi = 0``.
    """
    L = _sites(L, min_sites=1)
    theta, phi = _real("theta", theta), _real("phi", phi)
    one = np.array([np.cos(theta / 2), np.exp(1j * phi) * np.sin(theta / 2)])
    psi = np.ones(1, complex)
    for _ in range(L):
        psi = np.kron(one, psi)  # site i is bit i: the last factor is site 0
    return psi.real.copy() if phi == 0 else psi


# --------------------------------------------------------------------------------------------
# diagonalization and dynamics
# --------------------------------------------------------------------------------------------


def eigh(matrix) -> Eigen:
    """All eigenvalues and eigenvectors of a Hermitian matrix, in float64 (JAX, on its device).

    Matrices up to 2048 are padded to a shared size (with eigenvalues above the spectrum,
    dropped again), so that sectors of similar sizes share one compiled program.

    Parameters
    ----------
    matrix : array_like or scipy.sparse matrix
        Square, Hermitian (to ``1e-10`` relative to its largest element).

    Returns
    -------
    Eigen
        The eigenvalues, ascending, and the eigenvectors as columns.

    Raises
    ------
    ValueError
        For a matrix that is not square, not finite or not Hermitian.
    """
    a = np.asarray(matrix.toarray() if sp.issparse(matrix) else matrix)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] < 1:
        raise ValueError(f"matrix must be square and non-empty, got shape {a.shape}")
    scale = max(np.abs(a).max(), 1.0)
    if not np.all(np.isfinite(a)):
        raise ValueError("matrix must be finite")
    asym = np.abs(a - a.conj().T).max() / scale
    if asym > 1e-10:
        raise ValueError(f"matrix must be Hermitian, got |A - A^dagger| / max|A| = {asym:.2e}")
    n = a.shape[0]
    size = next((b for b in _BUCKETS if b >= n), n)
    if size > n:  # pad, so that sectors of similar sizes share one compiled program
        bound = np.abs(a).sum(1).max() + 1.0  # Gershgorin: every eigenvalue of a is below it
        padded = np.zeros((size, size), a.dtype)
        padded[:n, :n] = a
        padded[np.arange(n, size), np.arange(n, size)] = bound + np.arange(size - n)
        a = padded
    w, v = _eigh64(a)
    return Eigen(w[:n], v[:n, :n])


# matrix sizes up to which eigh pads to the next of these (one compilation per bucket, the
# padding's extra work at most (3/2)^3): above the last, each size compiles its own program,
# which costs little next to the diagonalization itself
_BUCKETS = (16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048)


_eigh_jit = jax.jit(jnp.linalg.eigh)  # jitted: the eager call re-traces its wrappers each time


def _eigh64(a):
    with jax.enable_x64(True):
        w, v = _eigh_jit(jnp.asarray(a))
        return np.asarray(w), np.asarray(v)


def in_eigenbasis(operator, eig: Eigen) -> np.ndarray:
    """``U^dagger O U``: a sector's operator written in the eigenbasis.

    Parameters
    ----------
    operator : array_like
        Shape ``(dim, dim)``, in the sector's basis (:func:`project`).
    eig : Eigen
        The sector Hamiltonian's eigenvectors.

    Returns
    -------
    numpy.ndarray
        Shape ``(dim, dim)``: ``O_mn = <m|O|n>``.
    """
    U = eig.vectors
    op = np.asarray(operator)
    if op.shape != (U.shape[0], U.shape[0]):
        raise ValueError(f"operator must have shape {(U.shape[0],) * 2}, got {op.shape}")
    return U.conj().T @ op @ U


def evolve(eig: Eigen, state, times) -> np.ndarray:
    """``psi(t) = U e^{-i E t} U^dagger psi(0)`` (hbar = 1) at each time.

    Parameters
    ----------
    eig : Eigen
        The sector Hamiltonian's eigenpairs.
    state : array_like
        Shape ``(dim,)``: ``psi(0)`` in the sector's basis.
    times : array_like
        The times, in units of ``hbar`` over the energies' unit.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(times), dim)``, complex.
    """
    psi = np.asarray(state)
    if psi.shape != (eig.vectors.shape[0],):
        raise ValueError(f"state must have shape ({eig.vectors.shape[0]},), got {psi.shape}")
    t = _validate.in_range("times", times)
    c = eig.vectors.conj().T @ psi
    return (np.exp(-1j * np.outer(np.atleast_1d(t), eig.energies)) * c) @ eig.vectors.T


def expectation_in_time(eig: Eigen, operator_eig, state, times) -> np.ndarray:
    """``<psi(t)| O |psi(t)>`` at each time.

    Parameters
    ----------
    eig : Eigen
        The sector Hamiltonian's eigenpairs.
    operator_eig : array_like
        Shape ``(dim, dim)``: ``O`` in the eigenbasis (:func:`in_eigenbasis`).
    state : array_like
        Shape ``(dim,)``: ``psi(0)`` in the sector's basis.
    times : array_like
        The times.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(times),)``, real.
    """
    psi = np.asarray(state)
    if psi.shape != (eig.vectors.shape[0],):
        raise ValueError(f"state must have shape ({eig.vectors.shape[0]},), got {psi.shape}")
    t = np.atleast_1d(_validate.in_range("times", times))
    c = eig.vectors.conj().T @ psi
    a = np.exp(-1j * np.outer(t, eig.energies)) * c  # (times, dim): amplitudes at time t
    return np.einsum("tm,mn,tn->t", a.conj(), np.asarray(operator_eig), a).real


def outcome_weights(eig: Eigen, observable, *, decimals: int = 8):
    """The weights ``<n|P_o|n>`` of a measurement in each eigenstate ``n``.

    A state with eigenbasis weights ``|c_n|^2`` measures ``o`` with probability
    ``sum_n |c_n|^2 W[n, o]`` at late times (the diagonal ensemble).

    Parameters
    ----------
    eig : Eigen
        The sector Hamiltonian's eigenpairs.
    observable : array_like
        The measured operator in the sector's basis (dense, Hermitian, commuting with the
        sector's symmetries); ``P_o`` are its eigenprojectors.
    decimals : int
        Eigenvalues equal to this many decimal places are one outcome.

    Returns
    -------
    outcomes : numpy.ndarray
        The distinct eigenvalues, ascending.
    W : numpy.ndarray
        Shape ``(dim, len(outcomes))``, each row summing to 1.
    """
    a = eigh(observable)
    U = eig.vectors
    if a.vectors.shape[0] != U.shape[0]:
        raise ValueError(f"observable must have shape {(U.shape[0],) * 2}, got {a.vectors.shape}")
    values = np.round(a.energies, decimals)
    outcomes, which = np.unique(values, return_inverse=True)
    overlap = np.abs(a.vectors.conj().T @ U) ** 2  # (observable's eigenvector, H's eigenvector)
    W = np.zeros((U.shape[1], outcomes.size))
    np.add.at(W.T, which, overlap)
    return outcomes, W


def diagonal_ensemble(eig: Eigen, operator_eig, state) -> float:
    """The infinite-time average ``sum_n |c_n|^2 O_nn`` (for a non-degenerate spectrum).

    Parameters
    ----------
    eig : Eigen
        The sector Hamiltonian's eigenpairs.
    operator_eig : array_like
        ``O`` in the eigenbasis.
    state : array_like
        ``psi(0)`` in the sector's basis.

    Returns
    -------
    float
        The diagonal ensemble's expectation value.
    """
    c = eig.vectors.conj().T @ np.asarray(state)
    return float(np.real(np.sum(np.abs(c) ** 2 * np.diag(operator_eig))))


def canonical(eig: Eigen, operator_eig, beta) -> np.ndarray:
    """``Tr(O e^{-beta H}) / Tr(e^{-beta H})`` in the sector, for each ``beta``.

    Parameters
    ----------
    eig : Eigen
        The sector Hamiltonian's eigenpairs.
    operator_eig : array_like
        ``O`` in the eigenbasis.
    beta : float or array_like
        Inverse temperatures, in units of one over the energies' unit (negative allowed).

    Returns
    -------
    numpy.ndarray
        One value per ``beta``.
    """
    b = np.atleast_1d(_validate.in_range("beta", beta))
    E = eig.energies
    w = np.exp(-np.outer(b, E - E.min()))
    return (w @ np.real(np.diag(operator_eig))) / w.sum(-1)


def temperature_for_energy(eig: Eigen, energy: float, *, tol: float = 1e-12) -> float:
    """The inverse temperature ``beta`` whose canonical mean energy (in the sector) is ``energy``.

    Parameters
    ----------
    eig : Eigen
        The sector Hamiltonian's eigenpairs.
    energy : float
        Strictly between the sector's lowest and highest energies (above the middle of the
        spectrum ``beta`` is negative).
    tol : float
        The bisection's relative tolerance.

    Returns
    -------
    float
        ``beta``: the mean energy decreases monotonically in it, so it is unique.
    """
    E = eig.energies
    e = _real("energy", energy)
    if not E.min() < e < E.max():
        raise ValueError(
            f"energy must lie strictly inside the spectrum ({E.min():.6g}, {E.max():.6g}), got {e!r}"
        )

    def mean(b):
        x = -b * (E - (E.min() if b > 0 else E.max()))
        w = np.exp(x - x.max())
        return float(w @ E / w.sum())

    lo, hi = -1.0, 1.0
    while mean(lo) < e:
        lo *= 2
    while mean(hi) > e:
        hi *= 2
    while hi - lo > tol * max(1.0, abs(hi)):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if mean(mid) > e else (lo, mid)
    return 0.5 * (lo + hi)


# --------------------------------------------------------------------------------------------
# level statistics
# --------------------------------------------------------------------------------------------


def spacing_ratios(energies, *, keep: float = 1.0, merge: float | None = None) -> np.ndarray:
    """The ratios ``r_n = min(s_n, s_{n+1}) / max(s_n, s_{n+1})`` of consecutive spacings.

    Parameters
    ----------
    energies : array_like
        The levels of one symmetry sector (any order).
    keep : float
        The fraction of the sorted levels kept, from the middle of the spectrum (the edges,
        where the density of states changes fast, dropped): ``0.5`` keeps the middle half.
    merge : float, optional
        Levels closer than ``merge`` times the spectrum's width count once (for spectra with
        degeneracies of their own, such as free fermions', whose many-body levels are sums of
        single-particle energies). Without it an exactly degenerate pair gives ``r = 0`` and
        three equal levels give ``0 / 0``, which raises (a symmetry left unresolved?).

    Returns
    -------
    numpy.ndarray
        The ratios, in ``[0, 1]``.
    """
    E = np.sort(np.asarray(energies, dtype=float).ravel())
    if merge is not None:
        tol = float(_validate.in_range("merge", merge, 0.0, 1e-3, what="a fraction in [0, 1e-3]"))
        if E.size:
            E = E[np.concatenate([[True], np.diff(E) > tol * max(E[-1] - E[0], 1e-300)])]
    keep = float(_validate.in_range("keep", keep, 0.0, 1.0, what="a fraction in (0, 1]"))
    if keep == 0:
        raise ValueError("keep must be a fraction in (0, 1], got 0.0")
    n = E.size
    drop = int(round(n * (1 - keep) / 2))
    E = E[drop : n - drop]
    if E.size < 3:
        raise ValueError(f"need at least 3 levels after dropping the edges, got {E.size}")
    s = np.diff(E)
    big = np.maximum(s[:-1], s[1:])
    if np.any(big <= 0):
        raise ValueError("two consecutive spacings are both zero: an unresolved symmetry?")
    return np.minimum(s[:-1], s[1:]) / big
