"""Simulation-based calibration: does the inference put its intervals around the truth as often
as it claims?

Convergence (R-hat, ESS) says that the chains have found the posterior; it does not say that the
posterior is right. Simulation-based calibration (Talts et al. 2018) checks that: draw the
parameters from the prior, simulate a data set from them with the generative process the model
assumes, fit it with the chapter's own inference, and record where each true parameter falls
among the (thinned, roughly independent) posterior draws. If the inference is correct, that rank
is uniform over ``0 .. L`` and every central interval covers the truth at its nominal rate.

:func:`run` does the loop for any prior sampler, simulator and fit; :func:`check` turns the
ranks into a verdict per parameter (a chi-square test of uniform ranks and the binomial interval
of each coverage); :func:`plot` draws the ECDF difference with simultaneous bands (Säilynoja et
al. 2022, through ArviZ) and the coverages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import NamedTuple

import numpy as np

LEVELS = (0.5, 0.8, 0.94)


class Calibration(NamedTuple):
    """The ranks and coverages of a simulation-based calibration run.

    Parameters
    ----------
    names : tuple of str
        The parameters, in column order.
    truths : numpy.ndarray
        Shape ``(n_datasets, n_params)``: the parameters each data set was simulated with.
    ranks : numpy.ndarray
        Shape ``(n_datasets, n_params)``, integers in ``[0, n_draws]``: how many of the
        thinned posterior draws lie below the truth.
    covered : numpy.ndarray
        Shape ``(n_datasets, n_params, len(levels))``, bool: whether each central interval
        covered the truth.
    n_draws : int
        ``L``, the thinned posterior draws per data set.
    levels : tuple of float
        The central intervals' probabilities.
    """

    names: tuple
    truths: np.ndarray
    ranks: np.ndarray
    covered: np.ndarray
    n_draws: int
    levels: tuple


def rank_and_coverage(truth, draws, levels=LEVELS):
    """Where each true parameter falls among posterior draws.

    Parameters
    ----------
    truth : array_like
        Shape ``(n_params,)``.
    draws : array_like
        Shape ``(n_draws, n_params)``: roughly independent posterior draws.
    levels : sequence of float, optional
        Central intervals' probabilities, each in (0, 1).

    Returns
    -------
    ranks : numpy.ndarray
        Shape ``(n_params,)``: the number of draws below the truth.
    covered : numpy.ndarray
        Shape ``(n_params, len(levels))``, bool: the truth inside each central interval
        (equal-tailed, from the draws' quantiles).
    """
    truth = np.asarray(truth, float)
    draws = np.asarray(draws, float)
    if draws.ndim != 2 or draws.shape[1] != truth.size:
        raise ValueError(f"draws must have shape (n_draws, {truth.size}), got {draws.shape}")
    levels = np.asarray(levels, float)
    if np.any((levels <= 0) | (levels >= 1)):
        raise ValueError(f"levels must lie in (0, 1), got {levels.tolist()}")
    ranks = (draws < truth[None, :]).sum(axis=0)
    lo = np.quantile(draws, (1 - levels) / 2, axis=0)  # (levels, params)
    hi = np.quantile(draws, 1 - (1 - levels) / 2, axis=0)
    covered = ((lo <= truth) & (truth <= hi)).T
    return ranks, covered


def _thin(x, n):
    x = np.asarray(x).ravel()
    idx = np.linspace(0, len(x) - 1, n).round().astype(int)
    return x[idx]


def run(
    key,
    sample_prior: Callable,
    simulate: Callable,
    fit: Callable,
    n_datasets: int,
    n_draws: int = 100,
    levels=LEVELS,
    progress: Callable | None = None,
    first: int = 0,
) -> Calibration:
    """A simulation-based calibration run.

    For each data set ``i`` the key ``fold_in(key, i)`` is split into a stream for the prior, one
    for the simulation and one for the fit, so a run can be repeated or extended exactly.

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key of the run.
    sample_prior : callable
        ``sample_prior(key) -> dict`` of scalar parameters drawn from the model's prior.
    simulate : callable
        ``simulate(key, params) -> data``: a data set from the model's generative process.
    fit : callable
        ``fit(key, data) -> dict`` of posterior draws (1D arrays) of the same parameters, by the
        chapter's own inference. Give it data of one shape every time (one compilation).
    n_datasets : int
        Simulated data sets (>= 1).
    n_draws : int, optional
        Posterior draws kept per data set, evenly thinned (>= 1); default 100.
    levels : sequence of float, optional
        Central intervals whose coverage is recorded.
    progress : callable, optional
        Called as ``progress(i, n_datasets)`` after each data set.
    first : int, optional
        The index of the first data set (>= 0): runs over ``first .. first + n_datasets - 1``
        can be made in separate processes and joined with :func:`join`.

    Returns
    -------
    Calibration
        The truths, ranks and coverages.
    """
    import jax

    if isinstance(n_datasets, bool) or int(n_datasets) < 1:
        raise ValueError(f"n_datasets must be an integer >= 1, got {n_datasets!r}")
    if isinstance(n_draws, bool) or int(n_draws) < 1:
        raise ValueError(f"n_draws must be an integer >= 1, got {n_draws!r}")
    names, truths, ranks, covered = None, [], [], []
    for i in range(int(first), int(first) + int(n_datasets)):
        k_prior, k_sim, k_fit = jax.random.split(jax.random.fold_in(key, i), 3)
        theta = {k: float(v) for k, v in sample_prior(k_prior).items()}
        names = names or tuple(theta)
        post = fit(k_fit, simulate(k_sim, theta))
        missing = [n for n in names if n not in post]
        if missing:
            raise ValueError(f"the fit returned no draws of {missing}")
        draws = np.stack([_thin(post[n], int(n_draws)) for n in names], axis=1)
        r, c = rank_and_coverage([theta[n] for n in names], draws, levels)
        truths.append([theta[n] for n in names])
        ranks.append(r)
        covered.append(c)
        if progress is not None:
            progress(i + 1 - int(first), int(n_datasets))
    return Calibration(
        names, np.array(truths), np.array(ranks), np.array(covered), int(n_draws), tuple(levels)
    )


def join(parts) -> Calibration:
    """One run from runs of the same calibration over consecutive data sets.

    Parameters
    ----------
    parts : sequence of Calibration
        Runs with the same parameters, draws and levels.

    Returns
    -------
    Calibration
        Their data sets, in order.
    """
    parts = list(parts)
    a = parts[0]
    if any((p.names, p.n_draws, p.levels) != (a.names, a.n_draws, a.levels) for p in parts):
        raise ValueError("the runs differ in their parameters, draws or levels")
    return Calibration(
        a.names,
        np.concatenate([p.truths for p in parts]),
        np.concatenate([p.ranks for p in parts]),
        np.concatenate([p.covered for p in parts]),
        a.n_draws,
        a.levels,
    )


def uniformity_pvalue(ranks, n_draws: int, n_bins: int | None = None) -> float:
    """The chi-square test of uniform ranks.

    Parameters
    ----------
    ranks : array_like
        Ranks in ``[0, n_draws]`` of one parameter over the data sets.
    n_draws : int
        ``L``; a rank takes one of ``L + 1`` values.
    n_bins : int, optional
        Bins over the ``L + 1`` rank values (default: about one per five data sets, at most
        20); each bin's expected count is in proportion to the rank values it holds.

    Returns
    -------
    float
        The p-value: small when the ranks are not uniform.
    """
    from scipy import stats

    ranks = np.asarray(ranks)
    n = ranks.size
    if n < 10:
        raise ValueError(f"need at least 10 ranks for a uniformity test, got {n}")
    values = int(n_draws) + 1
    if n_bins is None:
        n_bins = max(2, min(20, n // 5))
    n_bins = min(int(n_bins), values)
    which = (np.arange(values) * n_bins) // values  # the bin of each rank value
    width = np.bincount(which, minlength=n_bins)
    counts = np.bincount(which[ranks.astype(int)], minlength=n_bins)
    return float(stats.chisquare(counts, n * width / values).pvalue)


def coverage_interval(k: int, n: int, prob: float = 0.95) -> tuple[float, float]:
    """The Clopper-Pearson interval of a coverage ``k / n``.

    Parameters
    ----------
    k : int
        Data sets whose interval covered the truth.
    n : int
        Data sets.
    prob : float, optional
        The interval's probability; default 0.95.

    Returns
    -------
    tuple of float
        ``(lo, hi)``.
    """
    from scipy import stats

    a = 1 - prob
    lo = 0.0 if k == 0 else float(stats.beta.ppf(a / 2, k, n - k + 1))
    hi = 1.0 if k == n else float(stats.beta.ppf(1 - a / 2, k + 1, n - k))
    return lo, hi


def check(cal: Calibration, false_alarm: float = 0.01) -> dict:
    """A verdict per parameter: calibrated or not.

    A parameter is calibrated when its ranks pass the uniformity test at ``false_alarm`` (a
    Bonferroni correction over the parameters) and every nominal coverage lies inside the 95%
    binomial interval of the observed one.

    Parameters
    ----------
    cal : Calibration
        A run.
    false_alarm : float, optional
        The test's false-alarm rate for the whole set of parameters; default 0.01.

    Returns
    -------
    dict
        ``{name: {"p_uniform", "coverage": {level: (observed, lo, hi)}, "calibrated"}}``.
    """
    n = cal.ranks.shape[0]
    out = {}
    for j, name in enumerate(cal.names):
        p = uniformity_pvalue(cal.ranks[:, j], cal.n_draws)
        cov = {}
        ok = p > false_alarm / len(cal.names)
        for m, level in enumerate(cal.levels):
            k = int(cal.covered[:, j, m].sum())
            lo, hi = coverage_interval(k, n)
            cov[level] = (k / n, lo, hi)
            ok &= lo <= level <= hi
        out[name] = {"p_uniform": p, "coverage": cov, "calibrated": bool(ok)}
    return out


def summary(cal: Calibration, false_alarm: float = 0.01) -> str:
    """One line per parameter: the coverages (the last with its interval), the uniformity
    p-value, the verdict. The first three levels are shown.

    Parameters
    ----------
    cal : Calibration
        A run.
    false_alarm : float, optional
        As in :func:`check`.

    Returns
    -------
    str
        The lines.
    """
    levels = ", ".join(f"{lv:.0%}" for lv in cal.levels[:3])
    lines = [
        f"{cal.ranks.shape[0]} simulated data sets, {cal.n_draws} posterior draws each; "
        f"coverage at {levels} (the last with its 95% interval)"
    ]
    for name, r in check(cal, false_alarm).items():
        (c50, *_), (c80, *_), (c94, lo, hi) = (r["coverage"][lv] for lv in cal.levels[:3])
        verdict = "calibrated" if r["calibrated"] else "NOT calibrated"
        lines.append(
            f"  {name:6s} coverage {c50:.2f}, {c80:.2f}, {c94:.2f} [{lo:.2f}, {hi:.2f}]; "
            f"ranks uniform p = {r['p_uniform']:.3f}: {verdict}"
        )
    return "\n".join(lines)


def plot(cal: Calibration, axes=None, names: Mapping[str, str] | None = None):
    """The ECDF difference of the scaled ranks with 95% simultaneous bands, one panel per
    parameter (ArviZ's ``plot_ecdf``).

    Parameters
    ----------
    cal : Calibration
        A run.
    axes : sequence of matplotlib.axes.Axes, optional
        One per parameter; default a new row of panels.
    names : Mapping of str to str, optional
        Labels for the parameters (e.g. TeX).

    Returns
    -------
    list of matplotlib.axes.Axes
        The panels.
    """
    import arviz as az
    import matplotlib.pyplot as plt
    from scipy import stats

    if axes is None:
        _, axes = plt.subplots(1, len(cal.names), figsize=(3.2 * len(cal.names), 3), squeeze=False)
        axes = axes[0]
    for ax, j in zip(axes, range(len(cal.names)), strict=False):
        u = (cal.ranks[:, j] + 0.5) / (cal.n_draws + 1)
        az.plot_ecdf(
            u,
            eval_points=np.linspace(0, 1, 101),
            cdf=stats.uniform(0, 1).cdf,
            difference=True,
            confidence_bands=True,
            ax=ax,
        )
        label = (names or {}).get(cal.names[j], cal.names[j])
        ax.set(title=label, xlabel="fractional rank of the truth")
    axes[0].set_ylabel("ECDF − uniform")
    return list(axes)
