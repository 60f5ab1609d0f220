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
    """ArviZ summary of ``idata`` (an ``InferenceData``), after checking convergence; with
    ``report``, print the one-line diagnostics (:func:`diagnostics_line`)."""
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
    """Chains and draws, the worst R-hat and ESS of ``summary``, and ``idata``'s divergences."""
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
    """An ``InferenceData`` with the posterior (by chain) and the divergences of a NumPyro
    ``MCMC`` run. Much faster than ``arviz.from_numpyro``, which re-traces the model to find its
    observed data; use that one when you need the observed data or log-likelihoods."""
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
    """Every k-th posterior draw of each site in ``samples`` (a dict of arrays), about ``n`` in
    all: plenty for a 94% predictive band, and far cheaper than predicting from every draw."""
    if not n >= 1:
        raise ValueError(f"n must be >= 1, got {n!r}")
    return {k: v[:: max(1, len(v) // n)] for k, v in samples.items()}


def chain_method(num_chains: int) -> str:
    """NumPyro's ``chain_method`` for ``num_chains`` chains: ``"parallel"`` (one chain per
    device) when JAX has that many devices, else ``"vectorized"`` (all chains on one). On a CPU,
    ``numpyro.set_host_device_count`` before JAX starts makes one device per core."""
    import jax

    if isinstance(num_chains, bool) or int(num_chains) != num_chains or num_chains < 1:
        raise ValueError(f"num_chains must be an integer >= 1, got {num_chains!r}")
    return "parallel" if jax.local_device_count() >= num_chains else "vectorized"


class Fit:
    """A converged NUTS fit: the NumPyro ``mcmc`` object, its ``samples`` (chains pooled), the
    ``idata`` (posterior by chain, divergences) and the convergence-checked ArviZ ``summary``.

    In a notebook it shows the parameters a reader needs (``show``, or the first
    :attr:`SHOW_ROWS` rows) with the full table folded underneath."""

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
    """Run NumPyro's MCMC with ``kernel`` (a ``NUTS(model, ...)`` the chapter writes out) on the
    model's ``args`` and ``kwargs``, and return a :class:`Fit` whose chains have converged.

    What every chapter repeats, in one place: the chain method for the devices JAX has
    (:func:`chain_method`), the fast ``InferenceData`` (:func:`idata_from_mcmc`) and the
    convergence check (:func:`converged_summary`, over ``var_names`` or every site), which
    raises :class:`NotConverged` rather than return chains that have not mixed. ``show``
    names the parameters the notebook displays first (the full table is folded below)."""
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
    """``sum_i log N(w_i | mu, sigma)`` over ``n`` values with sum ``s1`` and sum of squares
    ``s2``: exact (the Gaussian likelihood depends on the data only through them), so a fit to
    millions of values costs as much as one to a few. Broadcasts; JAX-traceable (for NumPyro)."""
    import jax.numpy as jnp

    return (
        -n * jnp.log(sigma)
        - 0.5 * n * jnp.log(2 * jnp.pi)
        - (s2 - 2 * mu * s1 + n * mu**2) / (2 * sigma**2)
    )
