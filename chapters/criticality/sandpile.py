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
# # Self-organized criticality in the sandpile
#
# Drop grains one at a time on a table and let every overloaded site shed its grains to its
# neighbours: the pile organizes itself, with no parameter tuned, into a critical state in which
# one more grain can trigger an avalanche of any size up to the system's. The
# Bak–Tang–Wiesenfeld (BTW) sandpile {cite}`bak1987` is the minimal model of this *self-organized criticality*,
# and one of the few nonequilibrium models with exact results. Our seed paper,
# *Scaling Properties of Avalanche Activity in the Two-Dimensional Abelian Sandpile Model*
# {cite}`seed_sandpile_activity`,
# looks not at the avalanches but at the sites: how often each site takes part in avalanches.
# It reports a finite-size scaling form $P(A, L) \sim L^{-2} F(A/L^2)$ with
# "$F(u) \sim u^{-1/2}$" for small $u$ and a crossover at "$A^* \sim 0.1\,L^2$".
#
# **Overview.** In this chapter you will
#
# - simulate the BTW sandpile with a JAX kernel and check it against Dhar's exact results;
# - see the critical state and the broad distribution of avalanche sizes, with its finite-size
#   cutoff;
# - measure the site-activity distribution $P(A, L)$ and collapse it across lattice sizes;
# - infer the scaling function's small-$u$ exponent and crossover with NumPyro, from counts, and
#   the avalanche-size exponent with a finite-size cutoff;
# - check the paper's claims against the posterior, and see which reproduce and why.

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
from matplotlib.ticker import NullFormatter
from numpyro.infer import NUTS, Predictive, init_to_median

from emergence import (
    adequacy,
    calibration,
    claims,
    inference,
    prose,
    sandpile,
    scale,
    style,
)

style.use()
SCALE = scale.current_scale()
T_START = time.perf_counter()

# %% [markdown]
# Every size in this chapter comes from the scale knob `EMERGENCE_SCALE` (`ci`, `default` or
# `full`; see the book's introduction). `L` are the lattice sides, `lattices` the independent
# lattices simulated side by side (vmapped), `windows` the number of measurement windows of
# $L^2$ grains each, taken after a transient of `transient` $\times L^2$ grains is discarded.

# %%
SIZES = scale.pick(
    ci=dict(
        L=(16, 32),
        lattices=8,
        windows=2,
        transient=2,
        warmup=300,
        samples=400,
        chains=2,
    ),
    default=dict(
        L=(16, 32, 48, 64),
        lattices=16,
        windows=4,
        transient=2,
        warmup=1000,
        samples=1000,
        chains=4,
    ),
    full=dict(
        L=(20, 40, 80, 160),
        lattices=64,
        windows=40,
        transient=3,
        warmup=1000,
        samples=1000,
        chains=4,
    ),
)
SIZES

# %%
key = jax.random.key(2026)
# one named stream per use: the simulation at each L (fold_in(key, L)), the two fits, their
# predictive figures and their adequacy checks
k_fit_F, k_ppc_F, k_fit_s, k_ppc_s, k_adq_F, k_adq_s = (
    jax.random.fold_in(key, i) for i in (1, 2, 3, 4, 5, 6)
)

# %% [markdown]
# ## The model
#
# Each site $i$ of an $L\times L$ square lattice holds $z_i \in \{0, 1, 2, 3\}$ grains in a
# stable configuration. Driving adds one grain at a uniformly random site. A site with
# $z_i \ge 4$ *topples*:
#
# $$
# z_i \to z_i - 4, \qquad z_j \to z_j + 1 \quad \text{for each nearest neighbour } j \text{ of } i,
# $$ (toppling-rule)
#
# and grains pushed over the edge leave the system (open boundaries). Toppling continues until
# every site is stable; this cascade is an *avalanche*. For each avalanche we record its
# **size** $s$ (number of topplings), **area** $a$ (distinct sites that toppled) and **duration**
# (number of parallel toppling waves).
#
# Two exact results {cite}`dhar1990` anchor everything below. With the toppling matrix
# $\Delta = 4I - \mathcal{A}$ ($\mathcal{A}$ the grid's adjacency matrix), the number of
# recurrent (critical-state) configurations is $\det \Delta$, and in the stationary state the
# mean number of topplings at site $i$ per grain added at site $j$ is
#
# $$
# G_{ij} = (\Delta^{-1})_{ij}.
# $$ (green-function)
#
# Averaging {eq}`green-function` over uniformly random drops gives each site's mean topplings per grain,
# $m_i = L^{-2}\sum_j G_{ij}$, and the mean avalanche size $\langle s\rangle = \sum_i m_i$,
# which approaches $0.0351\,L^2$. The library's tests check the kernel against both results,
# and against the Abelian property: the final state and the per-site toppling counts do not
# depend on the order in which unstable sites topple.
#
# **What $A$ counts.** The abstract defines the site activity as how often a site
# participates in avalanches "when grains are added across the lattice". We fix it as:
# $A_i$ = *the number of avalanches in which site $i$ topples at least once, during $L^2$
# grains dropped uniformly at random in the stationary state* (one grain per site on average),
# so that $u = A/L^2$ is the fraction of those grains whose avalanche reached site $i$. We also
# record the total number of topplings $T_i$ in the same window, for which Dhar's theorem gives
# the exact mean $\langle T_i\rangle = L^2 m_i$.

# %% [markdown]
# ## Simulation
#
# `sandpile.drive` adds grains one at a time and relaxes after each, for a batch of independent
# lattices at once. It keeps a queue of the unstable sites of each lattice, so an avalanche costs
# its number of topplings; `method="waves"` relaxes by whole-lattice toppling waves instead (the
# tested reference, identical results, a cost of $L^2$ per wave). Starting from random stable heights, we first drive `transient` windows of
# $L^2$ grains and discard them (the pile must first fill up to its critical state), then
# record `windows` windows of $L^2$ grains.
#
# ```{note}
# Every call drives $L^2$ grains, so the kernel is compiled once per $L$, not once per call.
# ```


# %%
def simulate(key, L, lattices, windows, transient):
    k0, k1 = jax.random.split(key)
    heights = sandpile.random_stable(k0, L, (lattices,))
    sizes, activity, topplings = [], [], []
    for w in range(transient + windows):
        d = sandpile.drive(jax.random.fold_in(k1, w), heights, L * L)
        heights = d.heights
        if w < transient:
            continue  # the transient: discarded
        sizes.append(np.asarray(d.size))
        activity.append(np.asarray(d.activity))
        topplings.append(np.asarray(d.topplings))
    return dict(
        heights=np.asarray(heights),
        size=np.concatenate(sizes, axis=1).ravel(),
        activity=np.stack(activity, axis=1).reshape(
            -1, L, L
        ),  # (lattices*windows, L, L)
        topplings=np.stack(topplings, axis=1).reshape(-1, L, L),
    )


runs = {}
for L in SIZES["L"]:
    t0 = time.perf_counter()
    runs[L] = simulate(
        jax.random.fold_in(key, L),
        L,
        SIZES["lattices"],
        SIZES["windows"],
        SIZES["transient"],
    )
    print(
        f"L = {L:3d}: {runs[L]['size'].size:7d} avalanches in {time.perf_counter() - t0:5.1f} s"
    )

# %% [markdown]
# First, is the simulated pile in the stationary state? Its mean avalanche size must equal
# Dhar's exact $\langle s\rangle = L^{-2}\sum_{ij} G_{ij}$; a pile still filling up would fall
# short of it. The standard error comes from the independent lattices; we stop here if the
# difference exceeds five of them.

# %%
for L, r in runs.items():
    s = r["size"]
    se = s.reshape(SIZES["lattices"], -1).mean(1).std(ddof=1) / np.sqrt(
        SIZES["lattices"]
    )
    exact = sandpile.mean_avalanche_size(L)
    print(
        f"L = {L:3d}: <s> simulated {s.mean():8.2f} ± {se:5.2f}   exact {exact:8.2f}"
    )
    assert abs(s.mean() - exact) < 5 * se, (
        f"L = {L}: not stationary, or the kernel is wrong"
    )

# %% [markdown]
# The critical state of the largest lattice (left) looks featureless, yet it is highly
# correlated: it is one of $\det\Delta$ recurrent configurations, all equally likely. The
# mean topplings per site over one window (middle) match Dhar's exact profile $L^2 m_i$ (right):
# sites near the open edge, where grains drain away, topple rarely.

# %% tags=["hide-input"]
Lmax = SIZES["L"][-1]
fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
im = axes[0].imshow(runs[Lmax]["heights"][0], cmap="cividis", vmin=0, vmax=3)
axes[0].set_title(f"critical state, L = {Lmax}")
fig.colorbar(im, ax=axes[0], label="height z (grains)", ticks=[0, 1, 2, 3])
exact = Lmax**2 * sandpile.mean_topplings_per_grain(Lmax)
vmax = exact.max()
im = axes[1].imshow(runs[Lmax]["topplings"].mean(0), vmin=0, vmax=vmax)
axes[1].set_title("simulated, mean per window")
fig.colorbar(im, ax=axes[1], label="topplings per $L^2$ grains")
im = axes[2].imshow(exact, vmin=0, vmax=vmax)
axes[2].set_title(r"exact $L^2 m_i$ (Dhar)")
fig.colorbar(im, ax=axes[2], label="topplings per $L^2$ grains")
for ax in axes:
    ax.set_xlabel("column (sites)")
    ax.set_ylabel("row (sites)")
    ax.grid(False)

# %% [markdown]
# ### Avalanche sizes
#
# The size distribution is broad, close to a power law, with a cutoff that moves out with $L$.
# We plot it with logarithmic bins; the probability density is per unit size.


# %%
def log_binned(values, n_bins=40, lo=1):
    edges = np.unique(
        np.floor(np.geomspace(lo, values.max() + 1, n_bins)).astype(int)
    )
    counts, _ = np.histogram(values, bins=edges)
    return edges, counts


# %% tags=["hide-input"]
fig, ax = plt.subplots()
for i, (L, r) in enumerate(runs.items()):
    s = r["size"][r["size"] > 0]
    edges, counts = log_binned(s)
    m = counts > 0
    centres = np.sqrt(edges[:-1] * edges[1:])
    ax.loglog(
        centres[m],
        counts[m] / np.diff(edges)[m] / r["size"].size,
        "o-",
        color=style.color(i),
        label=f"L = {L}",
    )
ax.set_xlabel("avalanche size s (topplings)")
ax.set_ylabel("P(s) (per unit size, per grain)")
ax.legend(title="lattice side")
ax.set_title("Avalanche-size distribution")
plt.show()

# %% [markdown]
# ### The site-activity distribution
#
# For each lattice and window we have one value $A_i$ per site; pooling them gives $P(A, L)$.
# If the seed's scaling form holds, $L^2 P(A, L)$ plotted against $u = A/L^2$ falls on one
# curve $F(u)$ for every $L$. The dashed line is the seed's small-$u$ law $u^{-1/2}$ (its
# height arbitrary).

# $A$ is an integer, so the bins are whole numbers of avalanches, about $0.005\,L^2$ wide (bins
# of a fixed width in $u$ would hold one or two integers alternately at small $L$ and make the
# histogram jagged). The same bins serve the inference below.

# %%
U_MAX, DU = 0.15, 0.005  # the range and approximate bin width in u = A / L^2


def activity_edges(L):
    """Bin edges for A: integer-aligned, width max(1, round(DU L^2)), covering 0 .. U_MAX L^2."""
    w = max(1, round(DU * L**2))
    return np.arange(0, int(np.ceil(U_MAX * L**2 / w)) + 1) * w - 0.5


def activity_histograms(A, L):
    """Counts of A in activity_edges(L) for each (lattice, window): shape (replicates, bins)."""
    edges = activity_edges(L)
    A = A.reshape(A.shape[0], -1)
    assert A.max() < edges[-1], (
        f"L = {L}: activity beyond the modelled range {U_MAX} L^2"
    )
    return np.stack([np.histogram(a, bins=edges)[0] for a in A])


def scaling_function(A, L):
    """Pooled histogram as (u at bin centres, L^2 P(A, L) per unit A)."""
    edges = activity_edges(L)
    counts = activity_histograms(A, L).sum(0)
    return 0.5 * (
        edges[1:] + edges[:-1]
    ) / L**2, L**2 * counts / counts.sum() / np.diff(edges)


# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
for i, (L, r) in enumerate(runs.items()):
    u, F = scaling_function(r["activity"], L)
    for ax in axes:
        ax.plot(u[F > 0], F[F > 0], "o-", color=style.color(i), label=f"L = {L}")
uu = np.geomspace(2e-3, 0.06)
axes[0].loglog(uu, 2.5 * uu**-0.5, "k--", label=r"seed: $u^{-1/2}$")
axes[1].set_yscale("log")
for ax in axes:
    ax.set_xlabel(r"$u = A/L^2$")
    ax.set_ylabel(r"$L^2 P(A, L) = F(u)$")
axes[0].xaxis.set_minor_formatter(
    NullFormatter()
)  # less than two decades: no crowded minor labels
fig.supxlabel(
    r"$u$: the fraction of the $L^2$ grains whose avalanche reached the site",
    fontsize=10,
)
axes[0].legend()
axes[0].set_title("log–log: the small-u behaviour")
axes[1].set_title("log–linear: the large-u cutoff")
plt.show()

# %% [markdown]
# The curves are **not** $\propto u^{-1/2}$: they *rise* at the smallest $u$, are flat over
# most of the range, and end in a sharp cutoff (the fit below puts the crossover $u^*_L$ at
# {glue:text}`u_star_Lmax:.3f` for the largest and {glue:text}`u_star_Lmin:.3f` for the
# smallest lattice). Dhar's theorem
# explains the shape. Without fluctuations, a site's activity would be set by its position: its
# mean topplings $L^2 m(x)$ grow *linearly* with the distance from the open edge (like the
# expected exit time of a random walk), so the fraction of sites with activity below $a$ grows
# linearly in $a$ and the density is flat; the cutoff is the value at the centre of the
# lattice, where $m$ is largest. (An activity growing *quadratically* with the distance from the
# edge would give $u^{-1/2}$; our definition does not.) The rise at the smallest $u$ comes from
# the corners and the discreteness of the first rows. The total toppling counts
# $T_i$ make this exact. Below, the cumulative distribution of $T/L^2$ across sites and windows
# (solid) against that of Dhar's exact means $m_i$ (dashed): a nearly straight line, i.e. a flat
# density, up to the centre value $\max_i m_i$, smeared by the fluctuations of $T$.

# %% tags=["hide-input"]
fig, ax = plt.subplots()
for i, (L, r) in enumerate(runs.items()):
    u = np.sort(r["topplings"].ravel()) / L**2
    ax.plot(
        u,
        np.arange(1, u.size + 1) / u.size,
        "-",
        color=style.color(i),
        label=f"simulated, L = {L}",
    )
    m = np.sort(sandpile.mean_topplings_per_grain(L).ravel())
    ax.step(
        m,
        np.arange(1, m.size + 1) / m.size,
        "--",
        where="post",
        color=style.color(i),
        lw=1,
        label=f"exact means $m_i$, L = {L}",
    )
ax.set_xlabel(
    r"$u = T/L^2$ (topplings of a site per $L^2$ grains, divided by $L^2$)"
)
ax.set_ylabel("fraction of sites with activity below u")
ax.set_title("Topplings per site: simulation vs Dhar's exact means")
ax.legend()
plt.show()

# %% [markdown]
# ## Inference
#
# ### The scaling function from counts
#
# We model the scaling function as
#
# $$
# F_L(u) \propto u^{-a} \exp\!\left[-(u/u^*_L)^{\beta}\right], \qquad
# u^*_L = u^*_{32}\,(L/32)^{-\theta},
# $$ (scaling-function)
#
# with small-$u$ exponent $a$ (the seed: $a = 1/2$), crossover $u^*_L$ (the seed: $0.1$ for every
# $L$) and a shape $\beta$ for the cutoff (the seed's $\exp(-c_3u - c_4u^2)$ lies between
# $\beta = 1$ and $2$; we let the data decide). The exponent $\theta$ tests the collapse itself:
# the seed's form $A^* \propto L^2$ is $\theta = 0$, and $\theta > 0$ means the crossover grows more
# slowly than $L^2$, which the figure above suggests. ($u^*_{32}$ is the crossover at $L = 32$,
# a size inside every scale's range.) For each $L$ the discrete distribution of
# $A = 0, 1, \dots$ is $p_L(A) \propto F_L\big((A + \tfrac12)/L^2\big)$ with $F_L$ of {eq}`scaling-function`; the same
# $(a, \beta, u^*_{32}, \theta)$ serve every $L$.
#
# The data are **counts**: for each lattice and window, the histogram of its $L^2$ site
# activities in bins of $u$. These are not independent draws (neighbouring sites share
# avalanches, and one window's sites are coupled through the whole pile), so a multinomial
# likelihood would be overconfident. We use a Dirichlet-multinomial per histogram, whose
# concentration $\kappa$ (fitted) lets the histograms scatter more than independent draws
# would; windows are independent replicates.
#
# Priors: $a \sim \mathcal N(0, 1)$ covers exponents from a divergent $u^{-2}$ to a vanishing
# $u^{2}$ without favouring the seed's $1/2$; $\log u^*_{32} \sim \mathcal N(\log 0.1, 1)$
# centres the crossover on the seed's value but allows a factor of ~7 either way;
# $\theta \sim \mathcal N(0, 0.5)$ centres on the seed's exact collapse; $\log\beta \sim
# \mathcal N(\log 2, 1)$ spans near-exponential to sharp cutoffs;
# $\log\kappa \sim \mathcal N(\log L^2, 2)$ centres on the number of sites in a window.
# Two of these priors are centred on the seed's values ($u^*$ and $\theta$): that is what a
# physicist knows before seeing these data, and it is the hypothesis under test; nothing in
# them comes from this simulation, and they are several times wider than the regions the claim
# checks use, so the data, not the prior, decide (the calibration run below checks that the
# inference puts its intervals where it says).
#
# The cutoff's position $u^*_{32}$ and sharpness $\beta$ trade off against each other (and against
# $a$), so NUTS adapts a dense mass matrix rather than a diagonal one.


# %%
def bin_probabilities(a, u_star, beta, L):
    """P(bin) for the discrete p_L(A) ∝ F((A + 1/2) / L^2) over the bins of activity_edges(L)."""
    edges = activity_edges(L)
    A = np.arange(edges[-1] + 0.5)  # every integer A the bins cover
    u = (A + 0.5) / L**2
    p = jax.nn.softmax(-a * jnp.log(u) - (u / u_star) ** beta)
    return p.reshape(len(edges) - 1, -1).sum(
        axis=1
    )  # bins hold equal numbers of integers


def activity_model(histograms, observe=True):
    a = numpyro.sample("a", dist.Normal(0.0, 1.0))
    u_star_32 = numpyro.sample("u_star_32", dist.LogNormal(jnp.log(0.1), 1.0))
    theta = numpyro.sample("theta", dist.Normal(0.0, 0.5))
    beta = numpyro.sample("beta", dist.LogNormal(jnp.log(2.0), 1.0))
    for L, h in histograms.items():
        kappa = numpyro.sample(f"kappa_{L}", dist.LogNormal(jnp.log(L**2), 2.0))
        p = bin_probabilities(a, u_star_32 * (L / 32) ** -theta, beta, L)
        numpyro.sample(
            f"counts_{L}",
            dist.DirichletMultinomial(kappa * p + 1e-6, total_count=h.sum(1)),
            obs=h if observe else None,
        )


histograms = {L: activity_histograms(r["activity"], L) for L, r in runs.items()}
nuts_kw = dict(
    num_warmup=SIZES["warmup"],
    num_samples=SIZES["samples"],
    num_chains=SIZES["chains"],
    progress_bar=SCALE == "full",
)
fit_F = inference.run_nuts(
    k_fit_F,
    NUTS(activity_model, init_strategy=init_to_median, dense_mass=True),
    histograms,
    **nuts_kw,
    show=["a", "u_star_32", "theta", "beta"],
)

# %% [markdown]
# Diagnostics first: no conclusions from chains that have not mixed.
# `inference.run_nuts` raises unless every parameter has $\hat R \le 1.01$ and a bulk and tail
# effective sample size of at least 100 per chain; the table shows the four shape parameters
# (the concentrations $\kappa_L$ are folded below it).

# %%
fit_F

# %% tags=["hide-input"]
az.plot_trace(
    fit_F.idata,
    var_names=["a", "u_star_32", "theta", "beta"],
    compact=True,
    figsize=(9, 6.5),
)
plt.show()

# %% [markdown]
# **Posterior predictive check.** Draws of the fitted model against the observed histograms,
# summed over replicates, for each $L$: the bands are the 94% predictive interval.

# %%
pred_F = Predictive(activity_model, inference.thinned(fit_F.samples))(
    k_ppc_F, histograms, observe=False
)

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, len(histograms), figsize=(3.3 * len(histograms), 3.2))
for ax, (L, h) in zip(axes, histograms.items(), strict=True):
    edges = activity_edges(L)
    centres = 0.5 * (edges[1:] + edges[:-1]) / L**2
    total = np.asarray(pred_F[f"counts_{L}"]).sum(1)
    lo, hi = np.quantile(total, [0.03, 0.97], axis=0)
    ax.fill_between(centres, lo, hi, step="mid", alpha=0.35, label="94% predictive")
    ax.step(centres, h.sum(0), where="mid", color="k", lw=1, label="observed")
    ax.set_title(f"L = {L}")
    ax.set_xlabel(r"$u = A/L^2$")
    ax.set_xlim(0, 0.11)
axes[0].set_ylabel("sites per bin (all windows)")
axes[0].legend()
plt.show()

# %% [markdown]
# The check is informative, not flattering. With $\theta$ free the model places each $L$'s cutoff
# where the data put it; but it cannot follow the *shape* at the larger sizes: the data rise
# steeply over the first few bins and then stay flat up to the cutoff, while a power law times
# a stretched exponential draws a rounded hump. So read $a$ as an effective description of the
# rise at small $u$: its *sign* (the density increases with $u$, it does not diverge as
# $u^{-1/2}$) is what the data determine robustly, and it is what the claim check below uses.
#
# The figure is a judgement by eye; the book's rule for whether a model may decide a claim is a
# number, the same in every chapter (`emergence.adequacy`): for each of 400 posterior draws,
# replicate the data from the likelihood and compare the deviance $-2\ln p(y\mid\theta)$ of
# the replicas with that of the observed histograms, per $L$, in total, and for the single
# worst-fitting histogram. A posterior predictive p-value below $0.01$ divided by the number of
# comparisons means the fitted model would almost never produce data like these, and then a
# claim check built on it returns *not testable* instead of a verdict.

# %%
adequacy_F = adequacy.deviance_check(
    k_adq_F,
    activity_model,
    fit_F.samples,
    histograms,
    name="activity model",
    groups={f"L = {L}": [f"counts_{L}"] for L in histograms},
)
adequacy_F

# %% [markdown]
# ### The avalanche-size exponent with a finite-size cutoff
#
# The customary fit is $P(s) \propto s^{-\tau} e^{-s/s_c(L)}$ with
# $s_c = s_c(L_{\rm ref})\,(L/L_{\rm ref})^{D}$ ($L_{\rm ref}$ the geometric mean of our sizes), for
# $s \ge s_{\min} = 10$ (below that the lattice structure shows). We fit the log-binned counts
# of all $L$ jointly with a multinomial likelihood (consecutive avalanches are nearly
# independent at these sizes). Priors: $\tau \sim \mathcal N(1.2, 0.5)$, $D \sim
# \mathcal N(2.5, 0.5)$, $\log s_c(L_{\rm ref}) \sim \mathcal N(2.5 \log L_{\rm ref}, 2)$ — wide compared with every value reported
# for the BTW model. A caveat the data will make visible: BTW avalanche sizes are known to be
# *multiscaling* (no single pair $(\tau, D)$ describes all moments), so the fitted $\tau$ is an
# effective exponent of these sizes, not a universal number. One exact constraint helps:
# $\langle s\rangle \propto L^2$ (Dhar), which simple scaling would turn into $D(2-\tau) = 2$.

# %%
S_MIN = 10


size_hists = {
    L: log_binned(r["size"][r["size"] >= S_MIN], n_bins=30, lo=S_MIN)
    for L, r in runs.items()
}


def size_model(size_hists, observe=True):
    L_ref = float(
        np.exp(np.mean(np.log(list(size_hists))))
    )  # geometric mean of the L's
    tau = numpyro.sample("tau", dist.Normal(1.2, 0.5))
    D = numpyro.sample("D", dist.Normal(2.5, 0.5))
    # the cutoff at the reference size; parametrizing by it rather than by the prefactor b
    # removes the strong correlation between b and D
    log_sc_ref = numpyro.sample("log_sc_ref", dist.Normal(2.5 * np.log(L_ref), 2.0))
    for L, (edges, counts) in size_hists.items():
        s = np.arange(S_MIN, edges[-1])
        s_c = jnp.exp(log_sc_ref + D * jnp.log(L / L_ref))
        p = jax.nn.softmax(-tau * jnp.log(s) - s / s_c)
        p_bin = jax.ops.segment_sum(
            p, np.digitize(s, edges) - 1, num_segments=len(edges) - 1
        )
        numpyro.sample(
            f"sizes_{L}",
            dist.Multinomial(int(counts.sum()), p_bin),
            obs=counts if observe else None,
        )


fit_s = inference.run_nuts(
    k_fit_s, NUTS(size_model, init_strategy=init_to_median), size_hists, **nuts_kw
)
fit_s

# %%
post_s = fit_s.samples
pred_s = Predictive(size_model, inference.thinned(post_s))(
    k_ppc_s, size_hists, observe=False
)
D2tau = post_s["D"] * (2 - post_s["tau"])
print(
    f"D (2 - tau) = {D2tau.mean():.2f} ± {D2tau.std():.2f}   (2 if simple scaling held)"
)

# %% tags=["hide-input"]
fig, ax = plt.subplots()
for i, (L, (edges, counts)) in enumerate(size_hists.items()):
    centres = np.sqrt(edges[:-1] * edges[1:])
    w = np.diff(edges) * counts.sum()
    lo, hi = np.quantile(np.asarray(pred_s[f"sizes_{L}"]), [0.03, 0.97], axis=0)
    ax.fill_between(centres, lo / w, hi / w, color=style.color(i), alpha=0.3)
    m = counts > 0
    ax.loglog(
        centres[m], counts[m] / w[m], "o", color=style.color(i), label=f"L = {L}"
    )
ax.set_xlabel("avalanche size s (topplings)")
ax.set_ylabel(r"P(s | s $\geq$ 10) (per unit size)")
ax.set_title(
    "Size distribution: data (points) and 94% posterior predictive (bands)"
)
ax.legend()
plt.show()

# %%
adequacy_s = adequacy.deviance_check(
    k_adq_s,
    size_model,
    fit_s.samples,
    size_hists,
    name="avalanche-size model",
    groups={f"L = {L}": [f"sizes_{L}"] for L in size_hists},
)
adequacy_s

# %% [markdown]
# (sandpile-adequacy)=
# **What the two checks say, and what it means.** With the `ci` data (two sizes, a few
# windows) both models pass: the data are too few to show their misfit. With the `default`
# data (four sizes, four times the windows) both fail, and the claim checks below refuse a
# verdict from either:
#
# - the **avalanche-size model** fails at every $L$ (when we built the book at `default`, none
#   of the 400 replicas was as far from the model as the data, at any size): one power law
#   with an exponential cutoff, with $\tau$ and $D$ shared by all sizes, cannot follow the
#   counts, and the joint fit's $D(2-\tau)$ (here {glue:text}`D2tau_mean:.2f`) contradicts
#   Dhar's exact $\langle s\rangle \propto L^2$, which would make it 2. This is the known multiscaling of BTW avalanches: no single
#   pair $(\tau, D)$ describes them, and a narrow posterior of $\tau$ from this model measures
#   nothing;
# - the **activity model** fails for its worst-fitting histogram: some windows hold activity
#   profiles that a power law times a stretched exponential, even with the Dirichlet-multinomial's
#   extra scatter, would almost never produce (the plateau below the cutoff, seen in the
#   predictive figure above).
#
# So at `default` the four verdicts are *not testable* with these models; at `ci` they are
# those the data give, with the caveat that the models' misfit is only invisible there. We have
# not mended the models: a form of $F$ flexible enough to fit would no longer have one exponent
# $a$ to compare with the seed's, and the size distribution needs the moment analysis of
# multiscaling (an exercise below) rather than one exponent.

# %% [markdown]
# (sandpile-calibration)=
# ### Are the two fits calibrated?
#
# The predictive checks ask whether the models describe the data; simulation-based
# calibration asks whether the inference is right *for the model*: draw parameters from the
# prior, simulate histograms of this page's shape (the activity model's at the `ci` size, the
# size model's at `default`) from the model's own likelihood, fit each with this page's NUTS
# settings, and see where the truth falls among the posterior draws. If the
# inference is right the truth's rank is uniform (the curves stay inside their 95% simultaneous
# bands) and each central interval covers the truth at its nominal rate. The runs are shipped in
# `data/calibration/`, made by `benchmarks/calibrate.py` (its docstring has the commands).

# %%
# the shipped runs (their data size is in their provenance, printed below)
CAL_FILES = {
    "activity": "sandpile_activity_ci.npz",
    "size": "sandpile_size_default.npz",
}
cal_F = calibration.show(
    CAL_FILES["activity"],
    labels={
        "a": "$a$",
        "u_star_32": "$u^*_{32}$",
        "theta": r"$\theta$",
        "beta": r"$\beta$",
    },
    title="Activity model: ECDF of the truth's fractional rank minus uniform",
)
calibration.expect(cal_F, calibrated=False)

# %%
cal_s = calibration.show(
    CAL_FILES["size"],
    labels={"tau": r"$\tau$", "D": "$D$", "log_sc_ref": r"$\ln s_c(L_{\rm ref})$"},
    title="Avalanche-size model: ECDF of the truth's fractional rank minus uniform",
)
calibration.expect(cal_s, calibrated=True)

# %% [markdown]
# The **size model** is calibrated at the `default` data size (1 of its 100 fits ends
# with $\hat R$ above 1.01, at worst 1.09).
# The **activity model is not**: its
# 94% intervals for $a$, $u^*_{32}$ and $\beta$ cover the truth in only about four data sets
# of five, and the ranks of $a$ are far from uniform. The run's own diagnostics say why: with
# this page's `ci` settings (300 warm-up and 400 kept draws, two chains) most of its fits did
# not converge (the line above: $\hat R > 1.01$ in about two thirds of them). Data drawn from
# the wide priors include cutoffs much sharper or flatter than ours, and there the correlated
# $(a, u^*, \beta)$ need longer chains; the page's own fit converges (its check above would
# have stopped the page), but the calibration says that at this size the inference cannot be
# trusted to put its intervals where it claims. What that means for the claims: at `ci` the
# three activity verdicts rest on an inference that is not calibrated, and at `default` they
# are refused anyway (the model does not fit). The activity run is at the `ci` data size; the
# `default`-size run has not been made (it would take most of a day on this machine).
#
# ## Claim checks
#
# Each check compares the posterior's 94% highest-density interval with a region around the
# paper's value (`emergence.claims`, Kruschke's HDI + ROPE rule {cite}`kruschke2018`) and raises if the verdict
# differs from the one stated here.
#
# The numbers below are this build's (its scale and lattice sizes are printed at the top). The
# verdicts stated are those at `ci`; at `default` each is **not testable**, because its model
# fails its predictive check (above), and each check's box says why. At `full` (not run: it is
# meant for a GPU) we expect the same, since more data only sharpen a misfit; that is a guess,
# and the check will say if it is wrong.
#
# 1. **Small-$u$ exponent, $F(u)\sim u^{-1/2}$.** Region $0.5 \pm 0.1$. *Not reproduced* at
#    `ci`: the
#    posterior of $a$ is negative ({glue:text}`a_mean:.2f` $\pm$ {glue:text}`a_std:.2f`): $F$
#    *rises* at small $u$ before flattening, for the geometric reason shown above. With $A$
#    defined as here, the seed's exponent has the wrong sign; the seed's own definition of $A$
#    may differ (its abstract does not fix it).
# 2. **Crossover magnitude, $A^* \sim 0.1\,L^2$.** Stated to one significant figure, so the
#    region for $u^*_{32}$ is $[0.05, 0.15]$. *Reproduced* at `ci`: at $L = 32$ the cutoff is of the
#    paper's order, $u^*_{32} =$ {glue:text}`u_star_mean:.4f` $\pm$ {glue:text}`u_star_std:.4f`.
# 3. **Crossover scaling, $A^* \propto L^2$** (the collapse): $\theta = 0$, region $\pm 0.1$.
#    *Not reproduced* at `ci`: $\theta =$ {glue:text}`theta_mean:.2f` $\pm$
#    {glue:text}`theta_std:.2f`,
#    so the crossover in *participation* grows more slowly than $L^2$ and the curves do not
#    collapse in $A/L^2$. The reason: a large avalanche topples the same site several times, so
#    participation grows more slowly than topplings. The total topplings $T$ do collapse: their
#    edge is the centre value of Dhar's profile, $0.078$ at $L = 32$, tending to $0.074$ (the
#    cumulative figure above).
# 4. **Avalanche-size exponent $\tau_s \approx 1.27$–$1.29$.** Region $[1.25, 1.31]$.
#    *Not reproduced* at `ci`: the effective exponent of the cutoff fit is
#    $\tau =$ {glue:text}`tau_mean:.2f` $\pm$ {glue:text}`tau_std:.2f` with $L$ up to
#    {glue:text}`L_max:.0f`, far below. At `default` the model's misfit shows and the check
#    refuses the comparison: one exponent pair does not describe BTW sizes (they are
#    multiscaling), and lattices this small are dominated by the cutoff.

# %%
PAPER = "Scaling Properties of Avalanche Activity in the Two-Dimensional Abelian Sandpile Model"


# the verdict at ci; at default (and, we expect, at full) the models fail their predictive checks
def at_ci(verdict):
    return {"ci": verdict, "default": "not testable", "full": "not testable"}


EXPECT_TAU = at_ci("not reproduced")
post_F = fit_F.samples
# the numbers the prose above quotes
prose.glue(
    a_mean=post_F["a"].mean(),
    a_std=post_F["a"].std(),
    u_star_mean=post_F["u_star_32"].mean(),
    u_star_std=post_F["u_star_32"].std(),
    theta_mean=post_F["theta"].mean(),
    theta_std=post_F["theta"].std(),
    # the crossover u*_L = u*_32 (L / 32)^-theta at the smallest and the largest L
    u_star_Lmin=np.mean(
        post_F["u_star_32"] * (min(SIZES["L"]) / 32) ** -post_F["theta"]
    ),
    u_star_Lmax=np.mean(
        post_F["u_star_32"] * (max(SIZES["L"]) / 32) ** -post_F["theta"]
    ),
    tau_mean=post_s["tau"].mean(),
    tau_std=post_s["tau"].std(),
    L_max=max(SIZES["L"]),
    D2tau_mean=D2tau.mean(),
)

claims.check(
    claims.Claim(
        "criticality/sandpile",
        PAPER,
        "small-u exponent a of F(u) ~ u^-a",
        0.5,
        tolerance=0.1,
        note="A = avalanches in which the site topples, per L^2 uniform grains",
    ),
    post_F["a"],
    expect=at_ci("not reproduced"),
    adequacy=adequacy_F,
    calibration=cal_F,
)

# %%
claims.check(
    claims.Claim(
        "criticality/sandpile",
        PAPER,
        "crossover u* = A*/L^2 at L = 32",
        0.1,
        interval=(0.05, 0.15),
        note="'A* ~ 0.1 L^2' read to one significant figure",
    ),
    post_F["u_star_32"],
    expect=at_ci("reproduced"),
    adequacy=adequacy_F,
    calibration=cal_F,
)

# %%
claims.check(
    claims.Claim(
        "criticality/sandpile",
        PAPER,
        "crossover scaling theta in A* ~ L^(2 - theta)",
        0.0,
        tolerance=0.1,
        note="the seed's collapse in A/L^2 is theta = 0",
    ),
    post_F["theta"],
    expect=at_ci("not reproduced"),
    adequacy=adequacy_F,
    calibration=cal_F,
)

# %%
claims.check(
    claims.Claim(
        "criticality/sandpile",
        "avalanche-size exponent (BTW literature)",
        "avalanche-size exponent tau_s",
        1.28,
        interval=(1.25, 1.31),
        note="reported tau_s ~ 1.27-1.29; BTW sizes are multiscaling",
    ),
    post_s["tau"],
    expect=EXPECT_TAU,
    adequacy=adequacy_s,
    calibration=cal_s,
)

# %%
print(f"chapter ran in {time.perf_counter() - T_START:.0f} s at scale '{SCALE}'")

# %% [markdown]
# ## Going further
#
# - At `EMERGENCE_SCALE=full` (the paper's $L$ up to 160 and many more windows; meant for a GPU)
#   the fluctuation smearing of the cutoff narrows and the effective $\tau$ drifts upwards.
# - **Exercise.** Count the activity differently — per avalanche instead of per $L^2$ grains,
#   or over many more grains — and redo the collapse. Which definition, if any, gives
#   $F(u)\sim u^{-1/2}$? (Hint: think about how the mean activity grows with the distance from
#   the edge.)
# - **Exercise.** Fit the moments $\langle s^q\rangle \propto L^{\sigma(q)}$ for
#   $q = 1, \dots, 4$ and check whether $\sigma(q)$ is linear in $q$ (simple scaling) or not
#   (multiscaling).
# - **Exercise.** Verify $\det\Delta$ recurrent states on a $3\times 3$ lattice with
#   `sandpile.is_recurrent` (the library's tests do it for all $4^9$ configurations).
