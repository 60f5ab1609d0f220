"""Does the model describe the data? Posterior predictive checks with one rule for every chapter.

Calibration (:mod:`emergence.calibration`) asks whether the inference is right *for the model*; a
verdict about a paper's claim also needs the model to describe *the data*. A model that cannot
reproduce its data can return a narrow posterior for a parameter that means nothing, and a
claim check built on it would report "reproduced" or "not reproduced" with false confidence.

The check, the same in every chapter (Gelman, Meng and Stern 1996): for each of ``S`` posterior
draws ``theta_s``, simulate replicated data ``y_rep_s`` from the likelihood and compare a
discrepancy ``T(y_rep_s, theta_s)`` with ``T(y, theta_s)``. The posterior predictive p-value is
the fraction of draws whose replicated data are at least as discrepant as the observed:
``p = P(T(y_rep) >= T(y))``. The default discrepancy is the **deviance** ``-2 log p(y | theta)``
of each group of observations (each observed site of a NumPyro model: one lattice size, one
protocol, one network size...), of all of them together, and of the single worst-fitting
observation (the largest ``-2 log p(y_i | theta)``: an outlier, a tail the model lacks). A
model is **adequate** when no p-value is below ``threshold / n_checks`` (a Bonferroni
correction over the groups and the total): data that the fitted model would almost never
produce mean it does not describe them.

The deviance p-value is conservative (under a correct model it clusters near 1/2, so false alarms
are rarer than ``threshold``); what it does detect is a misfit the data make plain, such as a
shape the model cannot follow or a spread it cannot produce.

:func:`deviance_check` does this for any NumPyro model whose observations are ``sample`` sites;
:func:`from_discrepancies` takes discrepancies a chapter computed itself (for a likelihood
written as a ``factor``); :func:`unobserve` turns a model's observed sites into draws from
their likelihood, for the replicated data and for simulation-based calibration.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

THRESHOLD = 0.01


@dataclass(frozen=True)
class Adequacy:
    """The posterior predictive evidence that a model describes its data.

    Parameters
    ----------
    model : str
        Which model, as the page names it.
    p_values : Mapping of str to float
        The posterior predictive p-value of each group of observations and of ``"total"``.
    discrepancy : str
        What was compared (e.g. ``"deviance"``).
    threshold : float
        The family-wise false-alarm rate; the model fails when a p-value is below
        ``threshold / len(p_values)``.
    n_draws : int
        Posterior draws used.
    """

    model: str
    p_values: Mapping[str, float]
    discrepancy: str = "deviance"
    threshold: float = THRESHOLD
    n_draws: int = 0

    def __post_init__(self) -> None:
        if not 0 < self.threshold < 1:
            raise ValueError(f"threshold must lie in (0, 1), got {self.threshold!r}")
        if not self.p_values:
            raise ValueError("p_values must name at least one group")
        for name, p in self.p_values.items():
            if not 0 <= p <= 1:
                raise ValueError(f"p-value of {name!r} must lie in [0, 1], got {p!r}")

    @property
    def cut(self) -> float:
        """The p-value below which the model fails: ``threshold / number of p-values``."""
        return self.threshold / len(self.p_values)

    @property
    def failing(self) -> list[str]:
        """The groups whose p-value is below :attr:`cut`."""
        return [k for k, p in self.p_values.items() if p < self.cut]

    @property
    def adequate(self) -> bool:
        """Whether no group fails."""
        return not self.failing

    @property
    def worst(self) -> tuple[str, float]:
        """The group with the smallest p-value and that p-value."""
        k = min(self.p_values, key=self.p_values.get)
        return k, float(self.p_values[k])

    def subset(self, groups: Sequence[str], model: str | None = None) -> Adequacy:
        """The checks of some groups only (e.g. one of several data sets fitted side by side).

        Parameters
        ----------
        groups : sequence of str
            Names in :attr:`p_values`.
        model : str, optional
            A name for the result; default this one's.

        Returns
        -------
        Adequacy
            The same checks, restricted to ``groups`` (the cut follows their number).
        """
        missing = [g for g in groups if g not in self.p_values]
        if missing:
            raise ValueError(f"no p-values for {missing}; there are {list(self.p_values)}")
        return Adequacy(
            model or self.model,
            {g: self.p_values[g] for g in groups},
            self.discrepancy,
            self.threshold,
            self.n_draws,
        )

    def reason(self) -> str:
        """Why the model fails, in one sentence.

        Returns
        -------
        str
            The failing groups and their p-values; empty when the model is adequate.
        """
        if self.adequate:
            return ""
        groups = ", ".join(f"{k} (p = {self.p_values[k]:.2g})" for k in self.failing)
        return (
            f"the {self.model} does not describe its data: posterior predictive {self.discrepancy} "
            f"p-value below {self.cut:.2g} for {groups}"
        )

    def as_dict(self) -> dict:
        """A JSON-ready record (for the claims ledger).

        Returns
        -------
        dict
            The model, discrepancy, threshold, cut, draws, p-values and the outcome.
        """
        return {
            "model": self.model,
            "discrepancy": self.discrepancy,
            "threshold": self.threshold,
            "cut": self.cut,
            "n_draws": self.n_draws,
            "p_values": {k: float(v) for k, v in self.p_values.items()},
            "adequate": self.adequate,
        }

    def __str__(self) -> str:
        head = "adequate" if self.adequate else "NOT ADEQUATE"
        width = max(len(g) for g in self.p_values)
        lines = [
            f"{self.model}: {head}",
            f"  posterior predictive {self.discrepancy} p-values, {self.n_draws} draws; a "
            f"value below {self.cut:.2g} fails",
        ]
        lines += [f"  {g:{width}s}  {v:.3f}" for g, v in self.p_values.items()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = html.escape
        kind = "tip" if self.adequate else "danger"
        rows = "".join(
            f"<tr><td>{e(g)}</td><td>{v:.3f}</td><td>{'fails' if v < self.cut else 'ok'}</td></tr>"
            for g, v in self.p_values.items()
        )
        head = "Model adequate" if self.adequate else "Model NOT adequate"
        return (
            f'<div class="admonition {kind} emergence-adequacy">'
            f'<p class="admonition-title">{head}: {e(self.model)}</p>'
            f"<p>Posterior predictive p-values of the {e(self.discrepancy)} "
            f"({self.n_draws} posterior draws); a value below {self.cut:.2g} "
            f"(= {self.threshold:g} over {len(self.p_values)} checks) means the fitted model "
            "would almost never produce data like these.</p>"
            f'<table class="emergence-adequacy-table"><tr><th>data</th><th>p</th><th></th></tr>'
            f"{rows}</table></div>"
        )


def predictive_pvalue(observed, replicated) -> float:
    """``P(T(y_rep) >= T(y))`` over posterior draws.

    Parameters
    ----------
    observed, replicated : array_like
        The discrepancy of the observed and of the replicated data, one value per posterior
        draw (same shape).

    Returns
    -------
    float
        The fraction of draws whose replicated data are at least as discrepant.
    """
    t_obs = np.asarray(observed, float).ravel()
    t_rep = np.asarray(replicated, float).ravel()
    if t_obs.shape != t_rep.shape or t_obs.size == 0:
        raise ValueError(
            f"observed and replicated need one value per draw each, got {t_obs.shape} and {t_rep.shape}"
        )
    if np.any(np.isnan(t_obs)) or np.any(np.isnan(t_rep)):  # +inf: data the model cannot make
        raise ValueError("discrepancies contain NaN values")
    return float(np.mean(t_rep >= t_obs))


def from_discrepancies(
    model: str,
    observed: Mapping[str, np.ndarray],
    replicated: Mapping[str, np.ndarray],
    discrepancy: str = "deviance",
    threshold: float = THRESHOLD,
    total: bool = True,
) -> Adequacy:
    """An :class:`Adequacy` from discrepancies computed by the chapter.

    Parameters
    ----------
    model : str
        The model's name on the page.
    observed, replicated : Mapping of str to array_like
        Per group, one discrepancy per posterior draw for the observed and the replicated data.
    discrepancy : str, optional
        What the numbers are; default ``"deviance"``.
    threshold : float, optional
        The family-wise false-alarm rate; default 0.01.
    total : bool, optional
        Add the sum over groups as ``"total"`` (sensible for deviances); default True when
        there is more than one group.

    Returns
    -------
    Adequacy
        The p-value of each group (and of their total).
    """
    if set(observed) != set(replicated):
        raise ValueError("observed and replicated must name the same groups")
    p = {g: predictive_pvalue(observed[g], replicated[g]) for g in observed}
    if total and len(observed) > 1:
        p["total"] = predictive_pvalue(
            sum(np.asarray(observed[g], float) for g in observed),
            sum(np.asarray(replicated[g], float) for g in observed),
        )
    n = int(np.asarray(next(iter(observed.values()))).size)
    return Adequacy(model, p, discrepancy, threshold, n)


def _is_factor(site) -> bool:
    """A ``numpyro.factor`` site: a term of the log density, not data that can be replicated."""
    from numpyro.distributions import Unit

    return isinstance(site["fn"], Unit)


def _messenger():
    from numpyro.primitives import Messenger

    class unobserve(Messenger):  # noqa: N801 (a handler, named like NumPyro's)
        def __init__(self, fn=None, sites=None):
            self.sites = None if sites is None else set(sites)
            self.observed = {}
            super().__init__(fn)

        def process_message(self, msg):
            if (
                msg["type"] == "sample"
                and msg["is_observed"]
                and not _is_factor(msg)
                and (self.sites is None or msg["name"] in self.sites)
            ):
                self.observed[msg["name"]] = y = msg["value"]
                fn = msg["fn"]  # replicas take the observations' shape (obs may broadcast)
                batch = np.broadcast_shapes(
                    tuple(fn.batch_shape), tuple(np.shape(y))[: np.ndim(y) - len(fn.event_shape)]
                )
                if tuple(fn.batch_shape) != batch:
                    msg["fn"] = fn.expand(batch)
                msg["value"] = None
                msg["is_observed"] = False
                msg["infer"] = {**msg.get("infer", {}), "emergence_replicated": True}

    return unobserve


def unobserve(fn=None, sites: Sequence[str] | None = None):
    """A NumPyro handler that draws a model's observed sites from their likelihood.

    Inside it, ``numpyro.sample(name, d, obs=y)`` ignores ``y`` and draws from ``d`` (the
    original values are kept in ``handler.observed``); latent sites are untouched, so under
    ``substitute`` or ``Predictive`` with posterior samples it gives replicated data, and with
    prior draws it gives data from the prior predictive (simulation-based calibration).

    Parameters
    ----------
    fn : callable, optional
        The model.
    sites : sequence of str, optional
        Only these observed sites; default all.

    Returns
    -------
    numpyro.primitives.Messenger
        The handler (use as a wrapper or a context manager).
    """
    return _messenger()(fn, sites)


def observed_sites(model, *args, **kwargs) -> dict:
    """The observed ``sample`` sites of a model and their values (``factor`` sites excluded).

    Parameters
    ----------
    model : callable
        A NumPyro model.
    *args, **kwargs
        Its arguments.

    Returns
    -------
    dict
        ``{name: observed value}``, in the order the model visits them.
    """
    from numpyro import handlers

    tr = handlers.trace(handlers.seed(model, 0)).get_trace(*args, **kwargs)
    return {
        k: s["value"]
        for k, s in tr.items()
        if s["type"] == "sample" and s["is_observed"] and not _is_factor(s)
    }


def deviance_check(
    key,
    model,
    samples: Mapping[str, np.ndarray],
    *args,
    name: str = "model",
    n_draws: int = 400,
    threshold: float = THRESHOLD,
    groups: Mapping[str, Sequence[str]] | None = None,
    by: Mapping[str, np.ndarray] | None = None,
    **kwargs,
) -> Adequacy:
    """The posterior predictive deviance check of a NumPyro model.

    For each of ``n_draws`` evenly thinned posterior draws, the observed sites are replicated
    from the likelihood (:func:`unobserve`), and the deviance ``-2 log p(y | theta)`` of the
    observed and of the replicated values is compared, per site (or per group of sites), in
    total, and for the worst-fitting single observation (the largest elementwise deviance over
    every site's batch of observations).

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key of the replications.
    model : callable
        The model, with its observations as ``obs=`` of ``sample`` sites.
    samples : Mapping of str to array_like
        Posterior draws of its latent sites (leading axis: draws).
    *args, **kwargs
        The model's arguments, as in the fit (with the observed data).
    name : str, optional
        The model's name for the report.
    n_draws : int, optional
        Posterior draws used (>= 10); default 400.
    threshold : float, optional
        The family-wise false-alarm rate; default 0.01.
    groups : Mapping of str to sequence of str, optional
        Observed sites checked together (their deviances summed), e.g. all windows of one
        size; default one group per site.
    by : Mapping of str to array_like, optional
        For a site whose observations belong to separate data sets fitted side by side, a label
        per observation (the shape of the site's batch): each label gets its own deviance and
        its own worst observation, ``"<label>"`` and ``"<label>: worst observation"``, and no
        total is formed (see :meth:`Adequacy.subset` for one data set's checks).

    Returns
    -------
    Adequacy
        The p-values of every group, the total and the worst observation.
    """
    import jax
    from numpyro import handlers

    from emergence.inference import thinned

    if isinstance(n_draws, bool) or int(n_draws) < 10:
        raise ValueError(f"n_draws must be an integer >= 10, got {n_draws!r}")
    post = thinned({k: np.asarray(v) for k, v in samples.items()}, int(n_draws))
    n = len(next(iter(post.values())))

    def one(k, theta):
        h = unobserve()
        tr = handlers.trace(handlers.seed(handlers.substitute(h(model), theta), k)).get_trace(
            *args, **kwargs
        )
        obs, rep = {}, {}
        for site, y in h.observed.items():
            d = tr[site]["fn"]
            obs[site], rep[site] = -2.0 * d.log_prob(y), -2.0 * d.log_prob(tr[site]["value"])
        return obs, rep

    obs, rep = (
        {k: np.asarray(v).reshape(n, -1) for k, v in d.items()}
        for d in jax.vmap(one)(jax.random.split(key, n), post)
    )  # per site: (draws, observations)
    by = dict(by or {})
    unknown = sorted(set(by) - set(obs))
    if unknown:
        raise ValueError(f"by names sites that are not observed: {unknown}")
    t_obs, t_rep = {}, {}
    for site, labels in by.items():
        labels = np.asarray(labels).ravel()
        if labels.size != obs[site].shape[1]:
            raise ValueError(
                f"by[{site!r}] needs one label per observation ({obs[site].shape[1]}), got "
                f"{labels.size}"
            )
        for lab in dict.fromkeys(labels.tolist()):
            m = labels == lab
            t_obs[str(lab)], t_rep[str(lab)] = obs[site][:, m].sum(1), rep[site][:, m].sum(1)
            w = f"{lab}: worst observation"
            t_obs[w], t_rep[w] = obs[site][:, m].max(1), rep[site][:, m].max(1)
    rest = [s for s in obs if s not in by]
    if groups is None:
        groups = {s: [s] for s in rest}
    unknown = sorted({s for g in groups.values() for s in g} - set(rest))
    if unknown:
        raise ValueError(f"groups name sites that are not observed (or are split by): {unknown}")
    for g, sites in groups.items():
        t_obs[g] = sum(obs[s].sum(1) for s in sites)
        t_rep[g] = sum(rep[s].sum(1) for s in sites)
    if rest and not by:
        if len(groups) > 1:
            t_obs["total"] = sum(t_obs[g] for g in groups)
            t_rep["total"] = sum(t_rep[g] for g in groups)
        # the worst-fitting single observation of all (an outlier, a tail the model lacks)
        t_obs["worst observation"] = np.max(np.concatenate([obs[s] for s in rest], 1), 1)
        t_rep["worst observation"] = np.max(np.concatenate([rep[s] for s in rest], 1), 1)
    return from_discrepancies(name, t_obs, t_rep, "deviance", threshold, total=False)
