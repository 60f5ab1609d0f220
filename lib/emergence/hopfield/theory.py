"""Exact and asymptotic reference results: the signal-to-noise capacity of a network of any
order, and the replica-symmetric theory of Hopfield's network (P = 2)."""

from __future__ import annotations

import math

import numpy as np

from emergence.hopfield.network import _check_order


def snr_capacity(n_neurons, order: int, threshold: str = "median"):
    """The signal-to-noise estimate of the error-free capacity, ``K_c = C(N-1, P-1) / z_N^2``.

    In a stored pattern the field of neuron i has signal C(N-1, P-1) (in units of
    (P-1)! / N^(P-1)) and, from each of the other K - 1 random patterns, an independent noise of
    variance C(N-1, P-1). Treating the noise as Gaussian, all N neurons are stable while the
    signal-to-noise ratio sqrt(C(N-1, P-1) / K) exceeds the largest of N standard normals.
    Either way K_c ~ N^(P-1) / (2 (P-1)! ln N) as N -> infinity; P = 2 gives McEliece et al.'s
    N / (2 ln N). At N = 20 to 200, z_N^2 is only 0.55 to 0.65 of 2 ln N and grows faster.

    Parameters
    ----------
    n_neurons : int or array_like of int
        ``N`` (>= max(P, 2)).
    order : int
        ``P`` (>= 2).
    threshold : str, optional
        ``"median"`` (default): ``z_N`` is the median of the maximum, ``Phi(z_N)^N = 1/2``, so
        ``K_c`` is where half the patterns are stable; ``"asymptotic"``: ``z_N^2 = 2 ln N``.

    Returns
    -------
    numpy.ndarray
        ``K_c``, in patterns, with the shape of ``n_neurons``.
    """
    from scipy.special import ndtri

    order = _check_order(order)
    if threshold not in ("median", "asymptotic"):
        raise ValueError(f"threshold must be 'median' or 'asymptotic', got {threshold!r}")
    N = np.asarray(n_neurons)
    if not np.issubdtype(N.dtype, np.integer) or N.min() < max(order, 2):
        raise ValueError(
            f"n_neurons must be integers >= max(P, 2) = {max(order, 2)}, got {n_neurons!r}"
        )
    c = np.vectorize(lambda n: float(math.comb(int(n) - 1, order - 1)))(N)
    if threshold == "asymptotic":
        return c / (2 * np.log(N))
    # z_N = -ndtri(1 - 2^(-1/N)), so that Phi(z_N)^N = 1/2 (accurate for large N); only z_N^2
    # enters, so its sign is not computed
    z2 = ndtri(-np.expm1(-np.log(2.0) / N)) ** 2
    return c / z2


# --------------------------------------------------------------------------------------------
# replica-symmetric theory for P = 2 (Amit, Gutfreund & Sompolinsky 1985, 1987)
# --------------------------------------------------------------------------------------------


def _rs_alpha_of_y(y):
    """Zero-temperature RS retrieval: load alpha at which y = m / sqrt(2 alpha r) solves the
    saddle point, with m = erf(y)."""
    from scipy.special import erf

    m = erf(y)
    return (m - 2 * y / np.sqrt(np.pi) * np.exp(-(y**2))) ** 2 / (2 * y**2), m


def rs_capacity() -> tuple[float, float]:
    """The zero-temperature replica-symmetric capacity of Hopfield's network (P = 2).

    Returns
    -------
    alpha_c : float
        The largest load ``K/N`` at which the retrieval state exists (about 0.138).
    m_c : float
        Its overlap there (about 0.967).
    """
    from scipy.optimize import minimize_scalar

    r = minimize_scalar(
        # (the maximum is at y = 1.51: any bracket around it gives the same)
        lambda y: -_rs_alpha_of_y(y)[0],
        bounds=(0.5, 3.0),  # pragma: no mutate
        method="bounded",
        options={"xatol": 1e-10},
    )
    a, m = _rs_alpha_of_y(r.x)
    return float(a), float(m)


def rs_retrieval_overlap(alpha: float, temperature: float, iterations: int = 4000) -> float:
    """The replica-symmetric retrieval overlap ``m(alpha, T)`` for P = 2.

    By iterating the saddle-point equations of Amit, Gutfreund and Sompolinsky from m = 1:
    ``m = <tanh(beta(m + sqrt(alpha r) z))>_z``, ``q = <tanh^2(...)>_z``,
    ``r = q / (1 - beta(1 - q))^2``, with z a standard normal (averaged on a fine grid: at low T
    the tanh is nearly a step, which Gauss-Hermite quadrature resolves poorly). At T = 0 it uses
    the limit ``m = erf(m / sqrt(2 alpha r))``, ``sqrt(r) = 1 / (1 - C)``,
    ``C = sqrt(2 / (pi alpha r)) e^{-y^2}``.

    Parameters
    ----------
    alpha : float
        The load ``K/N`` (>= 0).
    temperature : float
        ``T`` (>= 0), in units of the fields.
    iterations : int, optional
        Most iterations; default 4000.

    Returns
    -------
    float
        ``m``; 0 where no retrieval solution exists.
    """
    if not alpha >= 0:
        raise ValueError(f"alpha must be >= 0, got {alpha!r}")
    if not temperature >= 0:
        raise ValueError(f"temperature must be >= 0, got {temperature!r}")
    from scipy.special import erf

    if alpha == 0:
        if temperature == 0:
            return 1.0
        m = 1.0
        for _ in range(iterations):
            m = np.tanh(m / temperature)
        return float(m) if m > 1e-6 else 0.0
    m, r = 1.0, 1.0
    if temperature == 0:
        for _ in range(iterations):
            y = m / np.sqrt(2 * alpha * r)
            C = np.sqrt(2 / (np.pi * alpha * r)) * np.exp(-(y**2))
            if C >= 1:
                return 0.0
            m_new, r_new = erf(y), 1 / (1 - C) ** 2
            # the stopping rule only decides when a converging iteration stops
            if abs(m_new - m) < 1e-12 and abs(r_new - r) < 1e-12:  # pragma: no mutate
                break  # pragma: no mutate
            m, r = 0.5 * m + 0.5 * m_new, 0.5 * r + 0.5 * r_new
        return float(m) if m > 1e-4 else 0.0
    z = np.linspace(-9.0, 9.0, 8001)
    w = np.exp(-(z**2) / 2)
    w /= w.sum()
    beta = 1 / temperature
    for _ in range(iterations):
        t = np.tanh(beta * (m + np.sqrt(alpha * r) * z))
        m_new, q = float(w @ t), float(w @ t**2)
        denom = 1 - beta * (1 - q)
        if denom <= 0:
            return 0.0
        r_new = q / denom**2
        # the stopping rule only decides when a converging iteration stops
        if abs(m_new - m) < 1e-12 and abs(r_new - r) < 1e-12:  # pragma: no mutate
            break  # pragma: no mutate
        m, r = 0.5 * m + 0.5 * m_new, 0.5 * r + 0.5 * r_new
    return float(m) if m > 1e-4 else 0.0
