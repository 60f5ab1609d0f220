"""Helpers shared by every chapter's NumPyro fits: convergence diagnostics that can fail.

The book draws no conclusion from chains that have not mixed. :func:`converged_summary`
returns ArviZ's summary of a fit and raises :class:`NotConverged` when any parameter's
rank-normalized split R-hat exceeds ``r_hat_max`` or its bulk or tail effective sample size is
below ``min_ess_per_chain`` times the number of chains.
"""

from __future__ import annotations


class NotConverged(RuntimeError):
    """The chains of a fit have not mixed well enough to read its posterior."""


def converged_summary(
    idata, var_names=None, r_hat_max: float = 1.01, min_ess_per_chain: int = 100, report: bool = True
):
    """ArviZ's summary of a fit, after checking that its chains have converged.

    Parameters
    ----------
    idata : arviz.InferenceData
        The fit, with at least two chains.
    var_names : list of str, optional
        The sites to check and summarize; default all.
    r_hat_max : float, optional
        Largest rank-normalized split R-hat accepted (>= 1); default 1.01.
    min_ess_per_chain : int, optional
        Smallest bulk and tail effective sample size accepted, per chain (> 0); default 100.
    report : bool, optional
        Print the one-line diagnostics (:func:`diagnostics_line`); default True.

    Returns
    -------
    pandas.DataFrame
        ``arviz.summary`` of the sites, one row per scalar parameter.

    Raises
    ------
    NotConverged
        If any parameter fails a threshold (the table of failing rows is in the message).
    ValueError
        If a threshold is out of range or there are fewer than two chains.
    """
    import arviz as az

    if not r_hat_max >= 1.0:
        raise ValueError(f"r_hat_max must be >= 1, got {r_hat_max!r}")
    if not min_ess_per_chain > 0:
        raise ValueError(f"min_ess_per_chain must be > 0, got {min_ess_per_chain!r}")
    n_chains = idata.posterior.sizes["chain"]
    if n_chains < 2:
        raise ValueError(f"R-hat needs at least 2 chains, got {n_chains}")
    summary = az.summary(idata, var_names=var_names)
    min_ess = min_ess_per_chain * n_chains
    too_few = (summary["ess_bulk"] < min_ess) | (summary["ess_tail"] < min_ess)
    bad = summary[(summary["r_hat"] > r_hat_max) | too_few]
    if len(bad):
        raise NotConverged(
            f"chains not converged (need r_hat <= {r_hat_max}, ESS >= {min_ess}); "
            f"do not read this posterior:\n{bad[['mean', 'sd', 'ess_bulk', 'ess_tail', 'r_hat']]}"
        )
    if report:
        print(f"converged: {diagnostics_line(idata, summary)}")
    return summary


def diagnostics_line(idata, summary) -> str:
    """The fit's convergence in one line.

    Parameters
    ----------
    idata : arviz.InferenceData
        The fit (its ``sample_stats.diverging``, when present, is counted).
    summary : pandas.DataFrame
        Its ArviZ summary.

    Returns
    -------
    str
        Chains and draws, the worst R-hat and ESS, and the divergent transitions.
    """
    div = ""
    if "sample_stats" in idata.groups() and "diverging" in idata.sample_stats:
        d = idata.sample_stats["diverging"].values
        div = f", {int(d.sum())} divergent transitions in {d.size}"
    n_chains, n_draws = idata.posterior.sizes["chain"], idata.posterior.sizes["draw"]
    return (
        f"{n_chains} chains x {n_draws} draws: max r_hat {summary['r_hat'].max():.3f}, "
        f"min ESS bulk {summary['ess_bulk'].min():.0f}, tail {summary['ess_tail'].min():.0f}{div}"
    )


def idata_from_mcmc(mcmc):
    """An ``InferenceData`` from a NumPyro run, quickly.

    Much faster than ``arviz.from_numpyro``, which re-traces the model to find its observed
    data; use that one when you need the observed data or the log-likelihoods.

    Parameters
    ----------
    mcmc : numpyro.infer.MCMC
        A run that has sampled.

    Returns
    -------
    arviz.InferenceData
        The posterior by chain and, when recorded, the divergences.

    Raises
    ------
    ValueError
        If the run holds no samples.
    """
    import arviz as az
    import numpy as np

    posterior = {k: np.asarray(v) for k, v in mcmc.get_samples(group_by_chain=True).items()}
    if not posterior:
        raise ValueError("the MCMC run holds no samples; call mcmc.run first")
    stats = {}
    extra = mcmc.get_extra_fields(group_by_chain=True)
    if "diverging" in extra:
        stats["diverging"] = np.asarray(extra["diverging"])
    return az.from_dict(posterior=posterior, sample_stats=stats or None)


def thinned(samples, n: int = 400):
    """About ``n`` evenly spaced posterior draws of every site.

    Plenty for a 94% predictive band, and far cheaper than predicting from every draw.

    Parameters
    ----------
    samples : dict of str to array
        Posterior draws, the first axis the draw.
    n : int, optional
        About how many draws to keep (>= 1); default 400.

    Returns
    -------
    dict of str to array
        Every k-th draw of each site.
    """
    if not n >= 1:
        raise ValueError(f"n must be >= 1, got {n!r}")
    return {k: v[:: max(1, len(v) // n)] for k, v in samples.items()}


def chain_method(num_chains: int) -> str:
    """NumPyro's ``chain_method`` for the devices JAX has.

    Parameters
    ----------
    num_chains : int
        Chains to run (>= 1).

    Returns
    -------
    str
        ``"parallel"`` (one chain per device) when JAX has that many devices, else
        ``"vectorized"`` (all chains on one). On a CPU, ``numpyro.set_host_device_count``
        before JAX starts makes one device per core.
    """
    import jax

    if isinstance(num_chains, bool) or int(num_chains) != num_chains or num_chains < 1:
        raise ValueError(f"num_chains must be an integer >= 1, got {num_chains!r}")
    return "parallel" if jax.local_device_count() >= num_chains else "vectorized"


class Fit:
    """A converged NUTS fit.

    In a notebook it shows the parameters a reader needs (``show``, or the first
    :attr:`SHOW_ROWS` rows) with the full table folded underneath.

    Parameters
    ----------
    mcmc : numpyro.infer.MCMC
        The run; ``self.samples`` holds its draws with the chains pooled.
    idata : arviz.InferenceData
        The posterior by chain and the divergences.
    summary : pandas.DataFrame
        The convergence-checked ArviZ summary.
    show : list of str, optional
        The sites shown first (every element of each).
    """

    SHOW_ROWS = 12

    def __init__(self, mcmc, idata, summary, show=None):
        self.mcmc = mcmc
        self.samples = mcmc.get_samples()
        self.idata = idata
        self.summary = summary
        self.show = list(show) if show is not None else None

    def _shown(self):
        if self.show is None:
            return self.summary.head(self.SHOW_ROWS)
        rows = [r for r in self.summary.index if r.split("[")[0] in self.show]
        return self.summary.loc[rows]

    def _repr_html_(self) -> str:
        import html

        cols = ["mean", "sd", "hdi_3%", "hdi_97%", "ess_bulk", "ess_tail", "r_hat"]
        fmt = {c: "{:.4g}".format for c in self.summary.columns}
        fmt.update({"ess_bulk": "{:.0f}".format, "ess_tail": "{:.0f}".format, "r_hat": "{:.3f}".format})
        shown = self._shown()
        n = len(self.summary)
        full = ""
        if len(shown) < n:
            everything = self.summary.to_html(formatters=fmt)
            full = f"<details><summary>all {n} parameters</summary>{everything}</details>"
        stats = html.escape(self.diagnostics)
        table = shown[cols].to_html(formatters=fmt)
        return f'<div class="emergence-fit"><p>{stats}</p>{table}{full}</div>'

    @property
    def diagnostics(self) -> str:
        """One line: chains, draws, the worst R-hat and ESS, and the divergences."""
        return f"NUTS, {diagnostics_line(self.idata, self.summary)}"

    def __repr__(self) -> str:
        return f"Fit({self.diagnostics})"


def run_nuts(
    key,
    kernel,
    *args,
    num_warmup: int,
    num_samples: int,
    num_chains: int,
    var_names=None,
    show=None,
    progress_bar: bool = False,
    r_hat_max: float = 1.01,
    min_ess_per_chain: int = 100,
    **kwargs,
) -> Fit:
    """Run NUTS and return a fit whose chains have converged.

    What every chapter repeats, in one place: the chain method for the devices JAX has
    (:func:`chain_method`), the fast ``InferenceData`` (:func:`idata_from_mcmc`) and the
    convergence check (:func:`converged_summary`). The chapter writes its model and its
    ``NUTS(model, ...)`` out on the page.

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key of the run.
    kernel : numpyro.infer.NUTS
        The sampler, around the chapter's model.
    *args
        The model's positional arguments (its data: pass data as arguments, not closed over, so
        that fits of equal shapes share one compilation).
    num_warmup, num_samples : int
        Warm-up and kept draws per chain (>= 1).
    num_chains : int
        Chains (>= 2 for the convergence check).
    var_names : list of str, optional
        The sites to check; default every site.
    show : list of str, optional
        The sites the notebook displays first (the full table is folded below).
    progress_bar : bool, optional
        NumPyro's progress bar; default off (it clutters a page).
    r_hat_max, min_ess_per_chain : float, int, optional
        The thresholds of :func:`converged_summary`.
    **kwargs
        The model's keyword arguments.

    Returns
    -------
    Fit
        The run, its ``InferenceData`` and its summary.

    Raises
    ------
    NotConverged
        If the chains have not mixed (rather than return them).
    ValueError
        If a run length is not a positive integer.
    """
    from numpyro.infer import MCMC

    for name, value in (("num_warmup", num_warmup), ("num_samples", num_samples)):
        if isinstance(value, bool) or int(value) != value or value < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    mcmc = MCMC(
        kernel,
        num_warmup=int(num_warmup),
        num_samples=int(num_samples),
        num_chains=num_chains,
        chain_method=chain_method(num_chains),
        progress_bar=progress_bar,
    )
    mcmc.run(key, *args, **kwargs)
    idata = idata_from_mcmc(mcmc)
    # no printed line: the Fit shows the same diagnostics above its table
    summary = converged_summary(
        idata, var_names, r_hat_max=r_hat_max, min_ess_per_chain=min_ess_per_chain, report=False
    )
    return Fit(mcmc, idata, summary, show=show)


def normal_loglik_from_moments(n, s1, s2, mu, sigma):
    """The log-likelihood of Gaussian data from their sufficient statistics.

    Exact: ``sum_i log N(w_i | mu, sigma)`` depends on the data only through their number, sum
    and sum of squares, so a fit to millions of values costs as much as one to a few.
    Broadcasts; JAX-traceable (for NumPyro models).

    Parameters
    ----------
    n : array_like
        Number of values.
    s1 : array_like
        Their sum.
    s2 : array_like
        Their sum of squares.
    mu : array_like
        The Gaussian's mean (the values' unit).
    sigma : array_like
        Its standard deviation (> 0, same unit).

    Returns
    -------
    jax.Array
        The log-likelihood, broadcast over the inputs.
    """
    import jax.numpy as jnp

    return (
        -n * jnp.log(sigma)
        - 0.5 * n * jnp.log(2 * jnp.pi)
        - (s2 - 2 * mu * s1 + n * mu**2) / (2 * sigma**2)
    )


def sample_normal_moments(key, n, mu, sigma):
    """The sufficient statistics of ``n`` Gaussian values, drawn without drawing the values.

    The sum is ``n mu + sigma sqrt(n) z`` and the sum of squared deviations from the mean is
    ``sigma^2 chi^2_{n-1}``, independent of it: replicated data for
    :func:`normal_loglik_from_moments` (posterior predictive checks, simulation-based
    calibration). Broadcasts over ``n``, ``mu`` and ``sigma``; JAX-traceable.

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key.
    n : array_like
        Number of values (>= 2 where the spread matters; 1 gives a zero spread).
    mu, sigma : array_like
        The Gaussian's mean and standard deviation (> 0).

    Returns
    -------
    tuple of jax.Array
        ``(s1, s2)``: the sum and the sum of squares.
    """
    import jax
    import jax.numpy as jnp

    n, mu, sigma = jnp.broadcast_arrays(*(jnp.asarray(x, float) for x in (n, mu, sigma)))
    k_sum, k_spread = jax.random.split(key)
    z = jax.random.normal(k_sum, n.shape)
    chi2 = 2.0 * jax.random.gamma(k_spread, jnp.maximum(n - 1, 1e-12) / 2, n.shape)
    chi2 = jnp.where(n > 1, chi2, 0.0)
    s1 = n * mu + sigma * jnp.sqrt(n) * z
    return s1, sigma**2 * chi2 + s1**2 / jnp.maximum(n, 1.0)
