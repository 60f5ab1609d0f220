# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Is detailed balance broken? A model comparison
#
# The question the seed paper *Detailed balance in large language model-driven agents*
# {cite}`seed_llm_detailed_balance` asks of
# language-model agents, which it reports to "statistically discover a detailed balance" in, asked
# here of a system whose answer we know: the {doc}`flashing ratchet <flashing_ratchet>`, which
# breaks detailed balance, and two equilibrium versions of it, which do not.
#
# **On this page you will**
#
# - write "does this process obey detailed balance?" as a comparison of two Bayesian models,
#   and compute its Bayes factor from complete trajectories with `markov.detailed_balance_test`;
# - see that it finds the violation in the ratchet and favours balance in both equilibrium
#   cases, and how differently the two kinds of evidence grow with the observed time;
# - read how strongly detailed balance is broken from the posteriors of the cycle affinities.

# %% tags=["hide-cell"]
import os
import time

import numpyro

numpyro.set_host_device_count(
    min(4, os.cpu_count() or 1)
)  # one CPU device per chain, before JAX starts

import arviz as az
import jax
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np
import numpyro.distributions as dist
from IPython.display import display
from numpyro.infer import NUTS

from emergence import (
    adequacy,
    claims,
    inference,
    markov,
    prose,
    scale,
    streams,
    style,
)

style.use()
SCALE = scale.current_scale()
T_START = time.perf_counter()

# %% [markdown]
# This page computes in double precision: the evidences are integrals of likelihoods of
# thousands of jumps, and their ratio reaches $10^{350}$ and beyond; the importance sampler
# that computes one of them needs the digits float32 lacks. The switch must come before JAX
# computes anything:

# %%
jax.config.update("jax_enable_x64", True)

# %% [markdown]
# Every size comes from the scale knob `EMERGENCE_SCALE` (`ci`, `default` or `full`):
# `paths` complete trajectories of duration `time` for each data set, `is_draws` importance
# samples per evidence, and the sizes of the NUTS run that checks the exact posterior.

# %%
SIZES = scale.pick(
    ci=dict(
        paths=64, time=100.0, is_draws=4000, warmup=400, samples=1000, chains=2
    ),
    default=dict(
        paths=256, time=200.0, is_draws=20000, warmup=500, samples=1000, chains=2
    ),
    full=dict(
        paths=1024, time=500.0, is_draws=100000, warmup=1000, samples=2000, chains=4
    ),
)
SIZES

# %% [markdown]
# (db-models)=
# ## Two models
#
# Under a continuous prior the probability that an affinity is *exactly* zero is zero, so a
# posterior of the affinity alone cannot answer the question; a comparison of two models can,
# one in which detailed balance holds and one in which it need not. For a process observed on
# a graph of states and links (complete paths here):
#
# - $M_1$ (any rates): every rate $Q_{ij}$ on a link, independently $\sim\text{Gamma}(1, 0.2)$
#   (mean 5 per unit time, 90% of the mass between 0.26 and 15): rates are positive and of the
#   order of the inverse time unit in which the paths are recorded, which is all an observer
#   knows before counting jumps (the simulated rates, of order 1, play no part in the choice;
#   a Bayes factor depends on the priors' widths, so the test is repeated below with priors
#   several times broader);
# - $M_0$ (detailed balance): $Q_{ij} = w_{ij}\, e^{-(E_j - E_i)/2}$ with a symmetric
#   $w_{ij} = w_{ji} \sim \text{Gamma}(1, 0.2)$ per link and state energies
#   $E_i \sim \mathcal N(0, 5)$ ($E_0 = 0$). Every cycle affinity is zero by construction, and
#   every detailed-balanced process has this form.
#
# With complete paths both evidences are nearly analytic. In $M_1$ each rate is conjugate
# (Gamma prior, Poisson-like likelihood $Q^{n} e^{-QT}$): the evidence is a product of
# Gamma-function ratios. In $M_0$ the link weights integrate out the same way for given
# energies, leaving an integral over the $S-1$ energies, which we do by importance sampling from
# a Student-t fitted at the mode (and report the sampler's effective sample size). The Bayes
# factor and, with even prior odds, the posterior probability of detailed balance are
#
# $$
# K = \frac{p(\text{data}\mid M_1)}{p(\text{data}\mid M_0)}, \qquad
# P(M_0\mid\text{data}) = \frac{1}{1+K}.
# $$ (bayes-factor)
#
# ```{note}
# Since this number decides a verdict, it is computed in the library,
# `markov.detailed_balance_test`, whose tests check both evidences against direct numerical
# integration on small cases.
# ```
#
# We apply the test to three data sets of the same size: **(a)** the flashing ratchet
# `markov.RATCHET`; **(b)** the same ratchet with the switching stopped ($r = 0$, potential
# always on; the particle then lives on the three "on" states, and the test runs on that
# graph); **(c)** a flashing but flat potential ($V = 0$, six states). (b) and (c) are in
# equilibrium.

# %%
SYSTEM = markov.RATCHET
N_SITES = SYSTEM.n_sites
PRIOR = (
    1.0,
    0.2,
    5.0,
)  # Gamma(a, b) rates and link weights, N(0, e_scale) energies
BROAD = (
    1.0,
    0.05,
    20.0,
)  # for the sensitivity check: rates of mean 20, energies of scale 20 kT
CASES = {
    "(a) flashing ratchet": SYSTEM.generator(),
    "(b) no switching": markov.flashing_ratchet(
        SYSTEM.V, 0.0, SYSTEM.gamma, n_sites=N_SITES
    )[:N_SITES, :N_SITES],
    "(c) flat potential": markov.flashing_ratchet(
        0.0, SYSTEM.r, SYSTEM.gamma, n_sites=N_SITES
    ),
}
FRACTIONS = (16, 4, 1)  # the first 1/16, 1/4 and all of the trajectories
T_SETS = np.array([SIZES["paths"] // f * SIZES["time"] for f in FRACTIONS])


def fmt_prob(log10_p, math=False):
    """A probability given by its log10: as a power of ten when tiny, else with four digits."""
    if log10_p >= -3:
        return f"{10**log10_p:.4f}"
    return f"$10^{{{log10_p:.0f}}}$" if math else f"10^{log10_p:.0f}"


key = jax.random.key(7)
k_paths, k_is, k_broad, k_affinity, k_nuts = jax.random.split(key, 5)

# %% [markdown]
# (db-test)=
# ## The test on three data sets
#
# Each data set is tested whole and in its first 1/16 and 1/4, with the chapter's priors, and
# whole with the broader ones:

# %%
results, broad = {}, {}
for i, (name, Q) in enumerate(CASES.items()):
    paths = markov.gillespie_stationary(
        jax.random.fold_in(k_paths, i), Q, SIZES["paths"], SIZES["time"]
    )
    results[name] = []
    for j, f in enumerate(FRACTIONS):
        part = markov.Paths(*(a[: SIZES["paths"] // f] for a in paths))
        dwell, counts = (
            np.asarray(a)
            for a in markov.path_statistics(part, Q.shape[0], SIZES["time"])
        )
        rng = streams.numpy_rng(jax.random.fold_in(k_is, 10 * i + j))
        results[name].append(
            markov.detailed_balance_test(
                dwell, counts, PRIOR, SIZES["is_draws"], seed=rng
            )
        )
    broad[name] = markov.detailed_balance_test(
        dwell,
        counts,
        BROAD,
        SIZES["is_draws"],
        seed=streams.numpy_rng(jax.random.fold_in(k_broad, i)),
    )
    res = results[name][-1]
    print(
        f"{name}: {res.states} states, {len(res.links)} links, T = {T_SETS[-1]:.0f}"
    )
    print(
        f"    log10 K = {res.log10_K:+.2f}, P(detailed balance | data) = "
        f"{fmt_prob(res.log10_p_db)}; with the broader priors log10 K = {broad[name].log10_K:+.2f}"
    )
    print(
        f"    importance sampling: ESS {res.is_ess:.0f} of {SIZES['is_draws']}, "
        f"relative error {res.is_rel_err:.1e}"
    )
whole = {name: r[-1] for name, r in results.items()}
logK = {name: np.array([r.log10_K for r in rs]) for name, rs in results.items()}
prose.glue(
    logK_a=whole["(a) flashing ratchet"].log10_K,
    logK_b=whole["(b) no switching"].log10_K,
    logK_c=whole["(c) flat potential"].log10_K,
    logK_a_broad=broad["(a) flashing ratchet"].log10_K,
    logK_c_broad=broad["(c) flat potential"].log10_K,
)

# %% [markdown]
# The test finds broken detailed balance in the flashing ratchet with overwhelming evidence
# ($\log_{10}K =$ {glue:text}`logK_a:.0f` in this build), and favours detailed balance in both
# equilibrium cases ($\log_{10}K =$ {glue:text}`logK_b:.1f` and {glue:text}`logK_c:.1f`): it
# does not see a violation where there is none. In the equilibrium cases the preference is
# moderate, and it should be: there both models fit the data equally well, and the Bayes factor
# rewards $M_0$ only for its fewer parameters (one fewer per independent cycle: one for (b),
# four for (c)), an Occam factor. Being an Occam factor, the evidence for balance also depends
# on how broad the priors are (Lindley's paradox): with the broader priors (rates of mean 20,
# energies of scale $20\,k_BT$), (c) is favoured more strongly ($\log_{10}K =$
# {glue:text}`logK_c_broad:.1f`) and (a) is as decisive as before
# ({glue:text}`logK_a_broad:.0f`). The direction of every answer is the same under both priors.
#
# (db-growth)=
# ### How the evidence grows with the data
#
# The two kinds of evidence grow at different rates. For a balanced process the Occam factor
# grows only as a power of the observed time, $K \propto T^{-k/2}$ for $k$ constrained cycles
# (the width of the $k$ extra parameters' posterior against their prior's), up to fluctuations
# of order one in $\ln K$. A violation is detected exponentially fast: $\ln K$ grows in
# proportion to $T$, at a rate set by how far the rates are from balance.

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
ax = axes[0]
for j, (name, k) in enumerate((("(b) no switching", 1), ("(c) flat potential", 4))):
    ax.plot(T_SETS, logK[name], "o-", color=style.color(j + 1), label=name)
    guide = logK[name][-1] - k / 2 * np.log10(T_SETS / T_SETS[-1])
    power = "1/2" if k == 1 else f"{k // 2}"
    ax.plot(
        T_SETS,
        guide,
        ":",
        color=style.color(j + 1),
        label=f"$\\propto T^{{-{power}}}$, $k = {k}$ (through the last point)",
    )
ax.axhline(0, color="0.6", lw=0.8)
ax.set(
    xscale="log",
    xlabel="observed time $T$ ($1/\\Gamma$)",
    ylabel="$\\log_{10} K$",
    title="equilibrium: the Occam factor, a power of $T$",
)
ax.set_xticks(T_SETS, [f"{T:.0f}" for T in T_SETS])
ax.minorticks_off()
ax.legend(fontsize=8)
ax = axes[1]
name = "(a) flashing ratchet"
ax.plot(T_SETS, logK[name], "o-", color=style.color(0), label=name)
ax.plot(
    T_SETS,
    logK[name][-1] * T_SETS / T_SETS[-1],
    "k:",
    label="$\\propto T$ (through the last point)",
)
ax.set(
    xlabel="observed time $T$ ($1/\\Gamma$)",
    ylabel="$\\log_{10} K$",
    title="broken balance: evidence linear in $T$",
)
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# The ratchet's evidence grows in proportion to the data; the equilibrium cases' grows slowly,
# along the power laws within the fluctuations of the Occam factor (visible in (b), whose single
# constrained cycle gives the smallest factor). The evidence such a test can give for *exact*
# balance is therefore always bounded by an Occam factor, while evidence against it grows
# exponentially with data.
#
# (db-affinities)=
# ## How strongly is it broken?
#
# The same data answer how strongly detailed balance is broken. Under $M_1$ the rates have
# independent Gamma posteriors, so exact posterior draws of every cycle affinity are cheap:


# %%
def affinity_posterior(rng, res, cycle, prior, n=4000):
    """n exact draws of a cycle's affinity under M1: each rate Gamma(a + n_ij, b + T_i)."""
    a, b, _ = prior
    rates = np.zeros((n, *res.counts.shape))
    for i, j in res.links:
        for s, t in ((i, j), (j, i)):
            rates[:, s, t] = rng.gamma(
                a + res.counts[s, t], 1.0 / (b + res.dwell[s]), n
            )
    c = np.array(cycle)
    return np.sum(
        np.log(rates[:, c, np.roll(c, -1)]) - np.log(rates[:, np.roll(c, -1), c]),
        axis=1,
    )


affinities = {}
for i, (name, res) in enumerate(whole.items()):
    if res.states == N_SITES:
        cycles = [(0, 1, 2)]
    else:
        cycles = [markov.ratchet_square(x, N_SITES) for x in range(N_SITES)] + [
            (0, 1, 2)
        ]
    rng = streams.numpy_rng(jax.random.fold_in(k_affinity, i))
    affinities[name] = [
        (
            c,
            affinity_posterior(rng, res, c, PRIOR),
            markov.cycle_affinity(CASES[name], c),
        )
        for c in cycles
    ]

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 3, figsize=(13, 3.6), sharey=True)
for ax, (name, rows) in zip(axes, affinities.items(), strict=True):
    for k, (c, a, exact) in enumerate(rows):
        label = "ring 0→1→2" if len(c) == 3 else f"square {c[0]}→{c[1]}"
        ax.hist(
            a,
            bins=60,
            density=True,
            histtype="step",
            lw=1.5,
            color=style.color(k),
            label=label,
        )
        ax.axvline(exact, color=style.color(k), ls=":", lw=1)
    ax.set(
        title=f"{name}\nP(DB | data) = {fmt_prob(whole[name].log10_p_db, math=True)}",
        xlabel="cycle affinity ($k_BT$); dotted: exact",
    )
    ax.legend(fontsize=7)
axes[0].set_ylabel("posterior density ($M_1$)")
plt.show()

# %% [markdown]
# These draws come from the exact conjugate posterior. As a check on them, and on the likelihood
# they rest on, the same model $M_1$ fitted to the ratchet's data by NUTS through the
# complete-path likelihood {eq}`path-likelihood-db`,
#
# $$
# \ln L(Q) = \sum_{i\neq j} n_{ij}\ln Q_{ij} - \sum_i T_i \sum_{j\neq i} Q_{ij},
# \qquad Q_{ij} \sim \text{Gamma}(1, 0.2) \text{ on every linked pair},
# $$ (path-likelihood-db)
#
# must give the same posterior: each rate's posterior mean must match the exact
# $(a + n_{ij})/(b + T_i)$ within five Monte Carlo standard errors (the cell raises otherwise),
# and so must the affinity of the steep square.


# %%
def free_rates_model(dwell, counts, src, dst, a, b):
    """M1: an independent Gamma(a, b) rate on each directed link src -> dst."""
    with numpyro.plate("links", src.shape[0]):
        q = numpyro.sample("q", dist.Gamma(a, b))
    S = dwell.shape[0]
    Q = jnp.zeros((S, S)).at[src, dst].set(q)
    Q = Q - jnp.diag(Q.sum(axis=1))
    numpyro.factor("paths", markov.path_log_likelihood(Q, dwell, counts))


res = whole["(a) flashing ratchet"]
src = np.array([s for i, j in res.links for s in (i, j)])
dst = np.array([t for i, j in res.links for t in (j, i)])
a_prior, b_prior, _ = PRIOR
fit_m1 = inference.run_nuts(
    k_nuts,
    NUTS(free_rates_model),
    jnp.asarray(res.dwell),
    jnp.asarray(res.counts),
    src,
    dst,
    a_prior,
    b_prior,
    num_warmup=SIZES["warmup"],
    num_samples=SIZES["samples"],
    num_chains=SIZES["chains"],
)
exact_mean = (a_prior + res.counts[src, dst]) / (b_prior + res.dwell[src])
nuts_mean = np.asarray(fit_m1.samples["q"]).mean(axis=0)
mcse = az.mcse(fit_m1.idata, var_names=["q"])[
    "q"
].values  # unrounded, unlike the summary table
worst = np.max(np.abs(nuts_mean - exact_mean) / mcse)
if not worst < 5:
    raise AssertionError(
        f"NUTS and the exact posterior of M1 disagree: {worst:.1f} MCSE"
    )
q = np.asarray(fit_m1.samples["q"])
steep = markov.ratchet_square(N_SITES - 1, N_SITES)
rate = {(i, j): q[:, k] for k, (i, j) in enumerate(zip(src, dst, strict=True))}
cyc = list(zip(steep, steep[1:] + steep[:1], strict=True))
aff_nuts = sum(np.log(rate[i, j]) - np.log(rate[j, i]) for i, j in cyc)
aff_exact = next(a for c, a, _ in affinities["(a) flashing ratchet"] if c == steep)
print(fit_m1.diagnostics)
print(
    f"rates: NUTS within {worst:.1f} Monte Carlo standard errors of the exact posterior means"
)
print(
    f"steep-square affinity: NUTS {aff_nuts.mean():.3f} ± {aff_nuts.std():.3f}, "
    f"exact {aff_exact.mean():.3f} ± {aff_exact.std():.3f} k_BT"
)

# %% [markdown]
# In the ratchet the square cycles carry affinities $-V/2, -V/2, +V$, recovered here from the
# rates alone, with no knowledge of the potential; in the equilibrium cases every affinity's
# posterior straddles zero. The seed paper's finding of detailed balance in language-model
# agents is a statement of this kind: an estimate of transition rates between coarse states and
# a test that the cycles carry no affinity. "Statistically discovering" detailed balance amounts
# to failing to reject it at the available resolution, and should be read with the posterior
# width of the affinities.
#
# (db-claim)=
# ## The claim check
#
# The detailed-balance test must find the violation in the ratchet and must not claim one in
# either equilibrium case; the cell raises otherwise. We ask for decisive evidence ($K > 100$)
# against detailed balance in (a), and for the data to favour it ($K < 1$) in (b) and (c).

# A Bayes factor says which of two models the data favour, not that either describes them. The
# book's rule for a claim (`emergence.adequacy`) asks first whether the encompassing model,
# $M_1$ (any rates on the observed links: every Markov jump process on this graph), could have
# produced the data: for 400 draws from its exact posterior, the jump counts are replicated as
# Poisson counts $n_{ij} \sim \text{Poisson}(Q_{ij} T_i)$ given the dwell times (the form of
# the path likelihood; `markov.jump_count_deviance`) and their deviance compared with the
# observed counts'. If even $M_1$ fails, the process is not Markov on these states, and the
# comparison would be refused.

# %%
PAPER_DB = "Detailed balance in large language model-driven agents"


def m1_adequacy(k, res, n_draws=400):
    """Posterior predictive check of M1 from its exact (conjugate Gamma) posterior."""
    S = res.counts.shape[0]
    on = np.zeros((S, S), bool)
    for a, b in res.links:
        on[a, b] = on[b, a] = True
    rng = streams.numpy_rng(k)
    shape = a_prior + res.counts
    rate_ = b_prior + res.dwell[:, None]
    Qs = np.where(on, rng.gamma(shape, 1 / rate_, (n_draws, S, S)), 0.0)
    Qs -= np.eye(S) * Qs.sum(axis=2, keepdims=True)
    (o, r), (ow, rw) = markov.jump_count_deviance(k, Qs, res.dwell, res.counts)
    return adequacy.from_discrepancies(
        "free-rates model M1",
        {"all links": o, "worst link": ow},
        {"all links": r, "worst link": rw},
        total=False,
    )


NOTE = f"Bayes factor from {SIZES['paths']} complete paths of duration {SIZES['time']:g}"
REGIONS = {  # (region of log10 K, what the test must say)
    "(a) flashing ratchet": ((2.0, np.inf), "decisively broken (K > 100)"),
    "(b) no switching": ((-np.inf, 0.0), "favoured (K < 1)"),
    "(c) flat potential": ((-np.inf, 0.0), "favoured (K < 1)"),
}
for name, ((lo, hi), says) in REGIONS.items():
    claim = claims.Claim(
        "stochastic/detailed_balance",
        PAPER_DB,
        f"detailed balance {says} in {name}: log10 K",
        lo if np.isfinite(lo) else hi,
        interval=(lo, hi),
        note=NOTE,
    )
    fits = m1_adequacy(jax.random.fold_in(key, 11), whole[name])
    display(
        claims.decide(
            claim, whole[name].log10_K, expect="reproduced", adequacy=fits
        )
    )

# %%
print(f"page ran in {time.perf_counter() - T_START:.0f} s at scale '{SCALE}'")

# %% [markdown]
# ## Going further
#
# - **Exercise.** Run the test on (b) and (c) with 16 times more data. By how much does
#   $\log_{10}K$ change, and how does that compare with the growth of the evidence in (a)?
# - **Exercise.** Coarse-grain the ratchet: observe only the site, not the potential (three
#   states). Is detailed balance still broken in the observed process, and can the test tell?
