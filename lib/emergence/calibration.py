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
        Shape ``(n_params, len(levels))``, bool: the truth inside each central interval, read
        from the draws by rank (:func:`covered_by_rank`): at least ``k`` draws below the truth
        and ``k`` above, ``k = round((1 - level) (n_draws + 1) / 2)``.
    """
    truth = np.asarray(truth, float)
    draws = np.asarray(draws, float)
    if draws.ndim != 2 or draws.shape[1] != truth.size:
        raise ValueError(f"draws must have shape (n_draws, {truth.size}), got {draws.shape}")
    levels = np.asarray(levels, float)
    if np.any((levels <= 0) | (levels >= 1)):
        raise ValueError(f"levels must lie in (0, 1), got {levels.tolist()}")
    ranks = (draws < truth[None, :]).sum(axis=0)
    return ranks, covered_by_rank(ranks, draws.shape[0], levels)


def _excluded(level: float, n_draws: int) -> int:
    return int(np.round((1 - level) * (n_draws + 1) / 2))


def covered_by_rank(ranks, n_draws: int, levels=LEVELS) -> np.ndarray:
    """Whether central intervals read from ``n_draws`` draws cover a truth of the given rank.

    The interval of probability ``level`` runs from the ``(k+1)``-th lowest to the ``(k+1)``-th
    highest draw, ``k = round((1 - level) (n_draws + 1) / 2)``; it covers the truth when at
    least ``k`` draws lie on each side. For a calibrated inference the rank is uniform over
    ``0 .. n_draws``, so the coverage is exactly :func:`expected_coverage` (``level`` itself
    when ``(1 - level) (n_draws + 1) / 2`` is an integer, as for 50%, 80% and 94% with 99 draws).

    Parameters
    ----------
    ranks : array_like
        Integers in ``[0, n_draws]``.
    n_draws : int
        ``L``.
    levels : sequence of float, optional
        The intervals' probabilities.

    Returns
    -------
    numpy.ndarray
        Shape ``ranks.shape + (len(levels),)``, bool.
    """
    ranks = np.asarray(ranks)
    k = np.array([_excluded(lv, n_draws) for lv in levels])
    return (ranks[..., None] >= k) & (ranks[..., None] <= int(n_draws) - k)


def _thin(x, n):
    x = np.asarray(x).ravel()
    idx = np.linspace(0, len(x) - 1, n).round().astype(int)
    return x[idx]


def _flat(values: Mapping, params=None, draws: bool = False) -> dict:
    """Scalar entries ``name`` or ``name[i]`` (row-major) of every selected site."""
    out = {}
    for k in params if params is not None else values:
        if k not in values:
            raise ValueError(f"no values of the parameter {k!r}")
        v = np.asarray(values[k], float)
        shape = v.shape[1:] if draws else v.shape
        if not shape:
            out[k] = v
            continue
        v = v.reshape((v.shape[0], -1) if draws else (-1,))
        for i, idx in enumerate(np.ndindex(*shape)):
            out[f"{k}[{','.join(map(str, idx))}]"] = v[:, i] if draws else v[i]
    return out


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
    params=None,
    clear_every: int = 10,
) -> Calibration:
    """A simulation-based calibration run.

    For each data set ``i`` the key ``fold_in(key, i)`` is split into a stream for the prior, one
    for the simulation and one for the fit, so a run can be repeated or extended exactly.

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key of the run.
    sample_prior : callable
        ``sample_prior(key) -> dict`` of parameters drawn from the model's prior (scalars or
        arrays; an array site ``x`` is ranked per element as ``x[i]``).
    simulate : callable
        ``simulate(key, params) -> data``: a data set from the model's generative process, given
        everything ``sample_prior`` drew.
    fit : callable
        ``fit(key, data) -> dict`` of posterior draws of the same parameters (leading axis: the
        draws), by the chapter's own inference. Give it data of one shape every time (one
        compilation).
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
    params : sequence of str, optional
        The sites to rank (default all that ``sample_prior`` returns); nuisance parameters can be
        drawn and simulated with but left out.
    clear_every : int, optional
        Clear JAX's caches of compiled programs after every this many data sets (>= 1; default
        10). A NumPyro fit compiles anew for each data set and JAX keeps every executable, each
        holding memory mappings of its code: without this a long run dies at the kernel's limit
        (see below). The persistent compilation cache still serves the next fits.

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
    if isinstance(clear_every, bool) or not isinstance(clear_every, int) or clear_every < 1:
        raise ValueError(f"clear_every must be an integer >= 1, got {clear_every!r}")
    names, truths, ranks, covered = None, [], [], []
    for i in range(int(first), int(first) + int(n_datasets)):
        k_prior, k_sim, k_fit = jax.random.split(jax.random.fold_in(key, i), 3)
        drawn = sample_prior(k_prior)
        theta = {k: float(v) for k, v in _flat(drawn, params).items()}
        names = names or tuple(theta)
        post = fit(k_fit, simulate(k_sim, drawn))
        wanted = params if params is not None else list(drawn)
        missing = [n for n in wanted if n not in post]
        if missing:
            raise ValueError(f"the fit returned no draws of {missing}")
        post = _flat(post, wanted, draws=True)
        draws = np.stack([_thin(post[n], int(n_draws)) for n in names], axis=1)
        r, c = rank_and_coverage([theta[n] for n in names], draws, levels)
        truths.append([theta[n] for n in names])
        ranks.append(r)
        covered.append(c)
        # Drop the compiled programs of the last fits: a process of 25 NUTS fits through diffrax
        # reached the kernel's limit of memory mappings (vm.max_map_count, 65530 on Linux; ~2500
        # per fit) and died with "LLVM compilation error: Cannot allocate memory" (2026-12-03)
        if (i + 1 - int(first)) % clear_every == 0:
            jax.clear_caches()
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


def save(path, cal: Calibration, provenance: Mapping, **arrays) -> None:
    """Write a run in the form :func:`load` and :func:`provenance` read (a compressed ``.npz``).

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    cal : Calibration
        The run.
    provenance : Mapping
        JSON-able: what, where, when, by which command (e.g. ``scale``, ``command``, ``date``,
        ``device``).
    **arrays
        Further arrays to keep beside the run (e.g. the fits' ``max_rhat`` and
        ``divergences``, which :func:`show` reports).

    Raises
    ------
    ValueError
        If ``provenance`` is not JSON-serializable.
    """
    import json

    try:
        prov = json.dumps(provenance)
    except TypeError as e:
        raise ValueError(f"provenance must be JSON-serializable: {e}") from None
    np.savez_compressed(
        path,
        names=np.array(cal.names),
        truths=cal.truths,
        ranks=cal.ranks,
        covered=cal.covered,
        levels=np.array(cal.levels),
        n_draws=cal.n_draws,
        **arrays,
        provenance=prov,
    )


def load(path) -> Calibration:
    """A run written by :func:`save` (the book's calibration scripts, ``benchmarks/calibrate.py``).

    Parameters
    ----------
    path : str or os.PathLike
        An ``.npz`` file with ``names``, ``truths``, ``ranks``, ``covered``, ``levels`` and
        ``n_draws``.

    Returns
    -------
    Calibration
        Its truths, ranks and coverages.
    """
    with np.load(path) as f:
        return Calibration(
            tuple(str(n) for n in f["names"]),
            f["truths"],
            f["ranks"],
            f["covered"],
            int(f["n_draws"]),
            tuple(float(x) for x in f["levels"]),
        )


def provenance(path) -> dict:
    """The provenance saved with a calibration run (what, where, when, by which command).

    Parameters
    ----------
    path : str or os.PathLike
        The run's ``.npz`` file.

    Returns
    -------
    dict
        The JSON saved as ``provenance``.
    """
    import json

    with np.load(path) as f:
        return json.loads(str(f["provenance"]))


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


def expected_coverage(level: float, n_draws: int) -> float:
    """The coverage a *calibrated* inference has with :func:`covered_by_rank`'s intervals.

    Parameters
    ----------
    level : float
        The interval's nominal probability, in (0, 1).
    n_draws : int
        ``L``, the draws it is read from (>= 1).

    Returns
    -------
    float
        ``(L + 1 - 2k) / (L + 1)``, the fraction of the ``L + 1`` equally likely ranks it covers.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must lie in (0, 1), got {level!r}")
    if isinstance(n_draws, bool) or int(n_draws) < 1:
        raise ValueError(f"n_draws must be an integer >= 1, got {n_draws!r}")
    L = int(n_draws)
    return max(0, L + 1 - 2 * _excluded(level, L)) / (L + 1)


def check(cal: Calibration, false_alarm: float = 0.05) -> dict:
    """A verdict per parameter: calibrated or not.

    Two tests per parameter, each at ``false_alarm / (2 n_params)`` (Bonferroni over the tests
    and the parameters, so that a calibrated model passes with probability at least
    ``1 - false_alarm``): the chi-square test of uniform ranks, and whether the binomial
    interval of the observed coverage of the widest central interval (94%) contains the
    coverage a calibrated inference has (:func:`expected_coverage`). The other levels are
    reported, not tested.

    Parameters
    ----------
    cal : Calibration
        A run.
    false_alarm : float, optional
        The family-wise false-alarm rate; default 0.05.

    Returns
    -------
    dict
        ``{name: {"p_uniform", "coverage": {level: (observed, lo, hi)}, "expected": {level:
        coverage if calibrated}, "calibrated"}}``; the intervals are the tests' (family-wise).
    """
    if not 0 < false_alarm < 1:
        raise ValueError(f"false_alarm must lie in (0, 1), got {false_alarm!r}")
    n = cal.ranks.shape[0]
    each = false_alarm / (2 * len(cal.names))
    top = max(cal.levels)
    expected = {lv: expected_coverage(lv, cal.n_draws) for lv in cal.levels}
    out = {}
    # coverage read from the ranks (runs saved with quantile intervals are judged the same way)
    covered = covered_by_rank(cal.ranks, cal.n_draws, cal.levels)
    for j, name in enumerate(cal.names):
        p = uniformity_pvalue(cal.ranks[:, j], cal.n_draws)
        cov = {}
        for m, level in enumerate(cal.levels):
            k = int(covered[:, j, m].sum())
            lo, hi = coverage_interval(k, n, 1 - each)
            cov[level] = (k / n, lo, hi)
        _, lo, hi = cov[top]
        ok = p > each and lo <= expected[top] <= hi
        out[name] = {
            "p_uniform": p,
            "coverage": cov,
            "expected": expected,
            "calibrated": bool(ok),
        }
    return out


def summary(cal: Calibration, false_alarm: float = 0.05) -> str:
    """One line per parameter: the coverages (the last with its test's interval), the
    uniformity p-value, the verdict. The first three levels are shown.

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
    checked = check(cal, false_alarm)
    levels = ", ".join(f"{lv:.0%}" for lv in cal.levels[:3])
    exp = next(iter(checked.values()))["expected"]
    lines = [
        f"{cal.ranks.shape[0]} simulated data sets, {cal.n_draws} posterior draws each",
        f"coverage at {levels} (calibrated: "
        + ", ".join(f"{exp[lv]:.2f}" for lv in cal.levels[:3])
        + f"), the last with its interval at family-wise {false_alarm:g}:",
    ]
    width = max(len(n) for n in checked)
    for name, r in checked.items():
        (c50, *_), (c80, *_), (c94, lo, hi) = (r["coverage"][lv] for lv in cal.levels[:3])
        verdict = "calibrated" if r["calibrated"] else "NOT calibrated"
        lines.append(
            f"  {name:{width}s} coverage {c50:.2f}, {c80:.2f}, {c94:.2f} [{lo:.2f}, {hi:.2f}]; "
            f"ranks uniform p = {r['p_uniform']:.3f}: {verdict}"
        )
    return "\n".join(lines)


def status(cal, params=None, false_alarm: float = 0.05, source: str = "") -> dict:
    """A model's calibration in a form a claim check records (for the ledger).

    Parameters
    ----------
    cal : Calibration or str or os.PathLike
        A run, or the path of a shipped one (then ``source`` defaults to the file's name and
        the run's data size is read from its provenance).
    params : sequence of str, optional
        The parameters the claim depends on (default all in the run); the model counts as
        calibrated for the claim when all of them are.
    false_alarm : float, optional
        As in :func:`check`.
    source : str, optional
        Where the run comes from, for the record.

    Returns
    -------
    dict
        ``{"calibrated", "line", "source", "datasets", "parameters": {name: {"coverage94",
        "p_uniform", "calibrated"}}}``; ``line`` is one sentence for the page and the ledger.
    """
    from pathlib import Path

    scale = ""
    if not isinstance(cal, Calibration):
        path = Path(cal)
        source = source or f"data/calibration/{path.name}"
        scale = provenance(path).get("scale", "")
        cal = load(path)
    checked = check(cal, false_alarm)
    names = list(params) if params is not None else list(cal.names)
    unknown = [n for n in names if n not in checked]
    if unknown:
        raise ValueError(f"the run has no parameter(s) {unknown}; it has {list(cal.names)}")
    top = max(cal.levels)
    per = {
        n: {
            "coverage94": list(checked[n]["coverage"][top]),
            "p_uniform": checked[n]["p_uniform"],
            "calibrated": checked[n]["calibrated"],
        }
        for n in names
    }
    ok = all(v["calibrated"] for v in per.values())
    bad = [n for n in names if not per[n]["calibrated"]]
    size = f" at {scale} data size" if scale else ""
    line = f"{cal.ranks.shape[0]} simulated data sets{size}: " + (
        "calibrated"
        if ok
        else "NOT calibrated for "
        + ", ".join(
            f"{n} ({top:.0%} coverage {per[n]['coverage94'][0]:.2f} "
            f"[{per[n]['coverage94'][1]:.2f}, {per[n]['coverage94'][2]:.2f}])"
            for n in bad
        )
    )
    return {
        "calibrated": ok,
        "line": line,
        "source": source,
        "datasets": int(cal.ranks.shape[0]),
        "parameters": per,
    }


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


def show(name: str, params=None, labels: Mapping[str, str] | None = None, title: str = ""):
    """A chapter's view of a shipped calibration run: its provenance and coverages printed, the
    ECDF-difference panels drawn, and its :func:`status` returned for the claim checks.

    Parameters
    ----------
    name : str
        The run's file in ``data/calibration/`` (e.g. ``"sandpile_size_default.npz"``).
    params : sequence of str, optional
        The parameters to show and to judge (default all in the run).
    labels : Mapping of str to str, optional
        Labels for the panels (e.g. TeX).
    title : str, optional
        The figure's title.

    Returns
    -------
    dict or None
        :func:`status` of the run for ``params``, or None when the file is not shipped (a
        message says so).
    """
    import matplotlib.pyplot as plt

    from emergence import data

    shipped = data.load(f"calibration/{name}")
    if shipped is None:
        print(f"no shipped calibration run (data/calibration/{name})")
        return None
    path = data.data_dir() / "calibration" / name
    cal = load(path)
    names = list(params) if params is not None else list(cal.names)
    unknown = [n for n in names if n not in cal.names]
    if unknown:
        raise ValueError(f"the run has no parameter(s) {unknown}; it has {list(cal.names)}")
    cols = [cal.names.index(n) for n in names]
    sub = Calibration(
        tuple(names),
        cal.truths[:, cols],
        cal.ranks[:, cols],
        cal.covered[:, cols],
        cal.n_draws,
        cal.levels,
    )
    print(data.describe(shipped.provenance))
    print(summary(cal))  # every parameter of the run: the tests are family-wise over them
    f = shipped.arrays
    if "max_rhat" in f:  # the fits' own diagnostics, not hidden behind the ranks
        rhat, div = np.asarray(f["max_rhat"]), np.asarray(f["divergences"])
        print(
            f"fits with max r_hat > 1.01: {int(np.sum(rhat > 1.01))} of {rhat.size} (worst "
            f"{rhat.max():.4g}); with divergent transitions: {int(np.sum(div > 0))}"
        )
    fig, axes = plt.subplots(
        1, len(names), figsize=(min(12, 3.1 * len(names) + 0.4), 3.1), sharey=True, squeeze=False
    )
    plot(sub, axes[0], names=labels)
    fig.suptitle(
        (title or "Calibration: ECDF of the truth's fractional rank minus uniform")
        + f"\n{cal.ranks.shape[0]} simulated data sets; shaded: 95% simultaneous band of a "
        "calibrated inference",
        fontsize=10,
    )
    plt.show()
    return status(path, names)


class CalibrationMismatch(AssertionError):
    """A chapter's prose states a calibration verdict that its shipped run does not give."""


def expect(st: Mapping | None, calibrated: bool) -> None:
    """Fail unless a run's verdict is the one the chapter's prose states.

    Parameters
    ----------
    st : Mapping or None
        :func:`status` (or :func:`show`) of the run; None (no shipped run) passes, the page
        having said that there is none.
    calibrated : bool
        What the prose says.

    Raises
    ------
    CalibrationMismatch
        If the run says otherwise.
    """
    if st is not None and bool(st["calibrated"]) != bool(calibrated):
        said = "calibrated" if calibrated else "not calibrated"
        raise CalibrationMismatch(
            f"the chapter says the model is {said}, but its run says: {st['line']}. Update the "
            "prose to what the run shows."
        )
