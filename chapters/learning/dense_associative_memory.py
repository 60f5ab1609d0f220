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
# # Dense associative memories: a capacity beyond $N$
#
# In {doc}`the previous section <associative_memory>` Hopfield's network, whose couplings join
# pairs of neurons, stored about $0.14\,N$ random patterns in $N$ neurons. *Dense* Hebbian
# networks, whose couplings join $P > 2$ neurons at once, store vastly more: a number of
# patterns growing like $N^{P-1}$. Our seed papers study these networks with the tools of spin
# glasses. *Replica symmetry breaking in dense neural networks* {cite}`seed_dense_rsb` identifies "the maximal storage
# capacity by a ground-state analysis in the Baldi-Venkatesh high-storage regime", and *Dense
# Hebbian neural networks: a replica symmetric picture of supervised learning* finds that
# "these networks may work in a ultra-storage regime (where they can handle a huge amount of
# patterns, if compared with shallow neural networks)", and tests them on structured data sets.
#
# **Overview.** In this section you will
#
# - estimate the capacity of a dense network from the signal-to-noise ratio of its fields, and
#   see why the estimate carries a logarithm, $K_c \sim N^{P-1}/\ln N$;
# - measure the capacity of networks with $P = 3$ and $4$ and watch it grow with $N$;
# - store real, correlated patterns (handwritten digits) and see why they are recalled far
#   worse than random ones, and how higher orders cope;
# - infer the capacity exponent with NumPyro, and see how a fit that forgets the logarithm gets
#   it wrong.
#
# The model, its energy, its dynamics and the library `emergence.hopfield` are introduced in
# {doc}`the previous section <associative_memory>`; here $P$ is the number of neurons each
# coupling joins, $K$ the number of stored patterns, and a retrieval starts from a stored
# pattern with a fraction `FLIP` of its neurons flipped and runs the zero-temperature dynamics
# to a fixed point.

# %% tags=["hide-cell"]
import os
import time
from pathlib import Path

import numpyro

numpyro.set_host_device_count(
    min(4, os.cpu_count() or 1)
)  # CPU devices for parallel chains, before JAX starts

import jax
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np
import numpyro.distributions as dist
from IPython.display import display
from jax.scipy.special import ndtr
from matplotlib.ticker import NullFormatter
from numpyro.infer import NUTS, init_to_median
from sklearn.datasets import load_digits

from emergence import (
    adequacy,
    calibration,
    claims,
    data,
    hopfield,
    inference,
    prose,
    scale,
    streams,
    style,
)

style.use()
SCALE = scale.current_scale()
T_START = time.perf_counter()

# %% [markdown]
# Every size comes from the scale knob `EMERGENCE_SCALE` (`ci`, `default` or `full`): the
# network sizes `p3_N`, `p4_N` for the two orders; the loads `factors` (multiples of the
# signal-to-noise capacity, below); the independent networks per load `dense_trials`; the
# trials per stored digit `digit_trials`; and the NUTS run sizes.

# %%
SIZES = scale.pick(
    ci=dict(
        p3_N=(20, 40, 80),
        p4_N=(20, 40),
        factors=np.geomspace(0.25, 2.5, 7),
        dense_trials=12,
        digit_trials=1,
        warmup=300,
        samples=800,
        chains=2,
    ),
    default=dict(
        p3_N=(20, 40, 80, 160),
        p4_N=(20, 40, 60),
        factors=np.geomspace(0.15, 4.0, 12),
        dense_trials=32,
        digit_trials=8,
        warmup=1000,
        samples=1000,
        chains=4,
    ),
    full=dict(
        p3_N=(20, 40, 80, 160, 320),
        p4_N=(20, 40, 60, 80, 120),
        factors=np.geomspace(0.15, 4.0, 12),
        dense_trials=64,
        digit_trials=32,
        warmup=1000,
        samples=1000,
        chains=4,
    ),
)
{k: v for k, v in SIZES.items() if k != "factors"}

# %%
key = jax.random.key(2026)
# one named stream per use
k_scan, k_overlaps, k_random, k_corrupt, k_recall, k_fit, k_ppc = jax.random.split(
    key, 7
)
EXPERIMENT = (
    hopfield.CAPACITY
)  # shared with the large-run script, recorded in its data
FLIP = EXPERIMENT.flip  # fraction of neurons flipped in the starting state: 5%
MAX_SWEEPS = EXPERIMENT.sweeps  # 400; the dynamics stop earlier, at a fixed point

# %% [markdown]
# ## How many patterns? A signal-to-noise estimate
#
# Hopfield's capacity $0.138\,N$ counts a pattern as retrieved when the dynamics end *near* it,
# with a few per cent of the neurons wrong. For dense networks we ask for more, *error-free*
# retrieval, and a signal-to-noise estimate tells how many patterns allow it.
# In a stored pattern each neuron's field has a signal $\binom{N-1}{P-1}$ (in units of
# $(P-1)!/N^{P-1}$) and, from each of the other $K - 1$ random patterns, an independent noise of
# variance $\binom{N-1}{P-1}$. All $N$ neurons stay aligned while the squared signal-to-noise
# ratio $\binom{N-1}{P-1}/K$ exceeds $z_N^2$, the square of the largest of $N$ standard normals,
# which grows like $2\ln N$. So
#
# $$
# K_c \approx \frac{\binom{N-1}{P-1}}{z_N^2} \;\simeq\; \frac{N^{P-1}}{2\,(P-1)!\,\ln N}
# \qquad (N \to \infty),
# $$ (dense-snr)
#
# (`hopfield.snr_capacity(N, P)`). For $P = 2$ it is the classical $N/(2\ln N)$
# {cite}`mceliece1987` for error-free
# recall, far below $0.138\,N$, which allows a few per cent of errors. The logarithm matters
# at the sizes we can simulate: between $N = 20$ and $N = 160$, $2\ln N$ grows by a factor of
# 1.7, and $z_N^2$ by 2.
# (Krotov and Hopfield's dense memories use $E = -\sum_\mu F(\xi^\mu\cdot\sigma)$, which keeps
# the terms with repeated indices; that changes the prefactor, not the power of $N$.)

# %% [markdown]
# ## The capacity of dense networks
#
# For $P = 3$ and $4$ we ask for **error-free** retrieval: the run must end exactly on the
# pattern ($m = 1$). The loads are multiples of the signal-to-noise capacity,
# $K = f \times K_{\mathrm{SNR}}(N)$ with $f$ from about $0.15$ to $4$, so the same grid
# brackets the threshold at every $N$ even though $K_c$ spans orders of magnitude. Here
# $K_{\mathrm{SNR}}(N) = \binom{N-1}{P-1}/z_N^2$ (`hopfield.snr_capacity`), with $z_N$ the median
# of the largest of $N$ standard normals: the estimate above with its threshold taken exactly
# rather than as $2\ln N$, which it approaches only slowly ($z_N^2/2\ln N$ is 0.55 at $N = 20$
# and 0.74 at $N = 1000$).


# %%
def dense_loads(N, P, factors=SIZES["factors"]):
    return np.unique(
        np.maximum(1, np.round(factors * hopfield.snr_capacity(N, P))).astype(int)
    )


dense = {}
for P in (3, 4):
    t0 = time.perf_counter()
    dense[P] = hopfield.capacity_scan(
        jax.random.fold_in(k_scan, P),
        P,
        {N: dense_loads(N, P) for N in SIZES[f"p{P}_N"]},
        SIZES["dense_trials"],
        FLIP,
        sweeps=MAX_SWEEPS,
    )
    print(
        f"P = {P}: {time.perf_counter() - t0:.1f} s, {hopfield.summarize(dense[P])}"
    )

# %% [markdown]
# The top row plots the fraction of error-free retrievals against $K/N^{P-1}$, the scaling
# without the logarithm. For $P = 3$ the curves drift to the left as $N$ grows: $K_c$ grows
# *more slowly* than $N^2$. For $P = 4$ the drift is hidden, because at these small sizes
# $\binom{N-1}{3}$ grows *faster* than $N^3$ and compensates the logarithm. The bottom row
# divides by the signal-to-noise capacity $K_{\mathrm{SNR}}(N)$, which carries both corrections,
# and the curves steepen with $N$ around a common crossing near $K \approx K_{\mathrm{SNR}}$:
# the estimate gets the threshold's position right, to within the curves' scatter.

# %% tags=["hide-input"]
fig, axes = plt.subplots(2, 2, figsize=(10, 6.4))
for col, P in enumerate((3, 4)):
    for c, (N, r) in enumerate(dense[P].items()):
        frac = (r.overlap == 1.0).mean(1)
        axes[0, col].semilogx(
            r.n_patterns / N ** (P - 1),
            frac,
            "o-",
            color=style.color(c),
            label=f"N = {N}",
        )
        axes[1, col].semilogx(
            r.n_patterns / hopfield.snr_capacity(N, P),
            frac,
            "o-",
            color=style.color(c),
            label=f"N = {N}",
        )
    axes[0, col].set_xlabel(rf"$K / N^{{{P - 1}}}$")
    axes[1, col].set_xlabel(
        r"$K / K_{\mathrm{SNR}}(N)$, the signal-to-noise capacity"
    )
    axes[1, col].set_xticks([0.3, 1, 3], ["0.3", "1", "3"])
    axes[0, col].set_title(f"P = {P}: load in units of $N^{{{P - 1}}}$")
    axes[1, col].set_title(f"P = {P}: load in units of the SNR capacity")
    for ax in axes[:, col]:
        ax.set_ylabel("fraction retrieved exactly (m = 1)")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.legend(fontsize=8)

# %% [markdown]
# ## Real patterns: handwritten digits
#
# The theory assumes random, uncorrelated patterns. Real ones are not. scikit-learn ships a
# small data set of $8\times 8$ handwritten digits (1797 images, grey levels 0 to 16); we
# binarize each image at half intensity ($+1$ for ink, $-1$ for paper), so $N = 64$. Digits
# share most of their pixels (the paper around the ink), so their patterns overlap strongly:

# %%
digits = load_digits()
patterns_digits = np.where(digits.images.reshape(-1, 64) >= 8, 1, -1).astype(
    np.int8
)
labels = digits.target
N_D = patterns_digits.shape[1]
ink = (patterns_digits == 1).mean()
first100 = patterns_digits[:100].astype(float)
q = first100 @ first100.T / N_D
off = np.abs(q[~np.eye(100, dtype=bool)])
rand100 = np.asarray(hopfield.random_patterns(k_overlaps, 100, N_D), float)
q_rand = np.abs((rand100 @ rand100.T / N_D)[~np.eye(100, dtype=bool)])
print(
    f"fraction of ink pixels: {ink:.2f}; mean |overlap| between two digit patterns {off.mean():.2f}\n"
    f"(random patterns: {q_rand.mean():.2f}, about sqrt(2/(pi N)) = {np.sqrt(2 / np.pi / N_D):.2f})"
)
prose.glue(digit_overlap=off.mean())

# %% [markdown]
# We store the first $K$ images of the data set (the digits 0 to 9, then 0 to 9 again, and so
# on) and try to recall each of them from a copy with `FLIP_DIGITS` = 10% of its pixels (6 of
# 64) flipped, `digit_trials` times, in networks of order 2, 3 and 4; and we do the same with
# random patterns of the same size. Success is exact recall. One compiled call per order covers
# every $K$, every stored pattern and both kinds of patterns (`n_stored` masks the patterns a
# network does not hold).

# %%
FLIP_DIGITS = 0.1
K_DIGITS = np.array([2, 5, 10, 20, 50, 100])
K_MAX = K_DIGITS.max()
sources = np.stack(
    [
        patterns_digits[:K_MAX],
        np.asarray(hopfield.random_patterns(k_random, K_MAX, N_D)),
    ]
)
batch = (
    2,
    K_DIGITS.size,
    K_MAX,
    SIZES["digit_trials"],
)  # (source, load, target pattern, trial)
targets = np.broadcast_to(sources[:, None, :, None, :], batch + (N_D,))
starts = np.asarray(hopfield.corrupt(k_corrupt, targets, FLIP_DIGITS))
stored = np.broadcast_to(sources[:, None, None, None], batch + (K_MAX, N_D))
n_stored = np.broadcast_to(K_DIGITS[None, :, None, None], batch)
held = (
    np.arange(K_MAX)[:, None] < K_DIGITS
)  # (target, load): is the target among the stored?
recall, final = {}, {}
for P in (2, 3, 4):
    t0 = time.perf_counter()
    r = hopfield.retrieve(
        jax.random.fold_in(k_recall, P), stored, starts, P, n_stored=n_stored
    )
    final[P] = np.asarray(r.state)
    exact = np.all(final[P] == targets, axis=-1)  # (source, load, target, trial)
    recall[P] = np.array(
        [
            [exact[s, k][held[:, k]].mean() for k in range(K_DIGITS.size)]
            for s in range(2)
        ]
    )
    print(f"P = {P}: {time.perf_counter() - t0:4.1f} s")

# %% tags=["hide-input"]
fig, ax = plt.subplots()
for c, P in enumerate((2, 3, 4)):
    # markers shrink with P, so that curves lying exactly on top of each other stay visible
    ax.semilogx(
        K_DIGITS,
        recall[P][0],
        "o-",
        color=style.color(c),
        ms=7 - 2 * c,
        label=f"digits, P = {P}",
    )
    ax.semilogx(
        K_DIGITS,
        recall[P][1],
        "s--",
        color=style.color(c),
        ms=7 - 2 * c,
        alpha=0.6,
        label=f"random, P = {P}",
    )
same = [
    (src, P, Q)
    for src in (0, 1)
    for P, Q in ((2, 3), (2, 4), (3, 4))
    if np.array_equal(recall[P][src], recall[Q][src])
]
ax.set_xlabel(f"patterns stored K (N = {N_D} neurons)")
ax.set_ylabel("fraction of stored patterns recalled exactly")
ax.set_title(
    f"Recall from {FLIP_DIGITS:.0%} flipped pixels: digits vs random patterns"
)
note = "; ".join(
    f"{('digits', 'random')[src]}, P = {P} and {Q}: identical" for src, P, Q in same
)
ax.legend(ncol=2, title=note or None, title_fontsize=8)
plt.show()

# %% [markdown]
# Random patterns (dashed) are recalled perfectly up to $K = 100 > N$ by both dense networks,
# while Hopfield's network fails between $K = 10$ and $20$, i.e. near $0.15$–$0.3\,N$ at this
# small $N$. Digits (solid) are a different story: with $P = 2$ not even five of them can be
# recalled exactly, because two digit patterns overlap by {glue:text}`digit_overlap:.2f` on average (the
# shared paper), and those overlaps add up coherently instead of averaging out. Higher orders
# raise each overlap to the power $P - 1$, which suppresses the cross-talk from dissimilar
# patterns: $P = 3$ holds five digits, $P = 4$ most of ten, and both fail at twenty, where
# random patterns would still be perfectly safe. Below, the ten digits of the $K = 10$ network
# (one of each class), the corrupted starts of one trial, and where each network ends:
# $P = 2$ and $P = 3$ send every digit to the same blob, a spurious state close to the
# patterns' common part; $P = 4$ recalls almost all of them.

# %%
k10 = int(np.flatnonzero(K_DIGITS == 10)[0])
rows = {
    "stored": sources[0, :10],
    f"start ({FLIP_DIGITS:.0%} flipped)": starts[0, k10, :10, 0],
}
rows.update({f"retrieved, P = {P}": final[P][0, k10, :10, 0] for P in (2, 3, 4)})

# %% tags=["hide-input"]
fig, axes = plt.subplots(len(rows), 10, figsize=(9, 1.0 * len(rows) + 0.4))
for i, (name, imgs) in enumerate(rows.items()):
    for j in range(10):
        ax = axes[i, j]
        ax.imshow(imgs[j].reshape(8, 8), cmap="gray_r", vmin=-1, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        if name.startswith("retrieved"):
            ok = np.array_equal(imgs[j], sources[0, j])
            for sp in ax.spines.values():
                sp.set_visible(True)
                sp.set_color(style.color(2) if ok else style.color(1))
                sp.set_linewidth(2.5)
    axes[i, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
fig.suptitle(
    "Ten digits stored together (8×8 pixels, N = 64); green frame: exact recall, orange: not"
)
plt.show()

# %% [markdown]
# ## Inference: the capacity exponent
#
# We fit two data sets side by side: this section's runs at the current scale, and a larger
# run that ships with the book, `data/associative_memory_full_scale.npz`, made by
# `benchmarks/associative_memory_full_scale.py` with the same corruption and sweep limit
# (networks up to $N = 320$ for $P = 3$ and $80$ for $P = 4$; its provenance is printed below).
# The model carries a leading "data set" index; the fits share nothing but the compilation.

# %%
DATA = (data.data_dir() or Path("data")) / "associative_memory_full_scale.npz"
if DATA.exists():
    big, prov = hopfield.load_scans(DATA, EXPERIMENT)  # raises if made otherwise
    print(data.describe(prov))  # the first run, then any sizes added to it
else:
    big = None
    print(f"{DATA.name} not found: only this section's runs are fitted")
DATASETS = ["this run"] + (["shipped run"] if big is not None else [])
runs_dense = [dense] + ([{P: big[P] for P in (3, 4)}] if big is not None else [])

# %% [markdown]
# The data are counts: $s_{N,K}$ exact recalls out of $n$ independent networks at each size
# and load, so the likelihood is binomial. The threshold is a number of patterns, $K_c(N)$,
# spread over orders of magnitude, so the probit acts on $\log K$:
#
# $$
# \Pr(\text{exact recall} \mid K, N) = \Phi\!\left(\frac{\log K_c(N) - \log K}{w(N)}\right),
# \qquad w(N) = w_0\,(N/N_0)^{-\omega}, \qquad N_0 = 40,
# $$ (dense-probit)
#
# and we compare three models of $K_c(N)$, each with a free exponent $\gamma$:
#
# - **naive power law**: $K_c = c\,(N/N_0)^{\gamma}$;
# - **with the logarithm**: $K_c = c\,(N/N_0)^{\gamma - (P-1)}\,\dfrac{\binom{N-1}{P-1}/2\ln N}
#   {\binom{N_0-1}{P-1}/2\ln N_0}$, the signal-to-noise estimate's leading $N$-dependence (its
#   binomial tends to $N^{P-1}/(P-1)!$) times a free power of $N$;
# - **signal-to-noise form**: the same with $2\ln N$ replaced by $z_N^2$ as in {eq}`dense-snr`, the median of the
#   largest of $N$ Gaussians squared, which is what the estimate really asks for at finite $N$
#   (`hopfield.snr_capacity`).
#
# In the last two, $\gamma = P - 1$ exactly when the estimate has the right $N$-dependence.
# Priors: $\gamma \sim \mathcal N(1, 2)$, centred on the linear capacity of Hopfield's network
# (no ultra-storage), so that the data, not the prior, must push it up to $P - 1$;
# $\log c \sim \mathcal N(5, 3)$ covers $K_c(N_0)$ from 1 to $10^6$; $w_0 \sim \mathcal N^+(0, 1)$
# allows transitions from a fraction of an e-fold in $K$ to several, and
# $\omega \sim \mathcal N(0.5, 0.5)$ lets them sharpen with $N$ at any rate the data show. The
# fits (three models, two orders, and each data set) are independent; they are sampled side by
# side in one NUTS run, their parameters indexed by (data set, model, order). The recall
# probability is a function of its own, `recall_prob`, so that the posterior predictive check
# below evaluates exactly what the model fitted.

# %%
N0_DENSE = 40
ORDERS = (3, 4)
MODELS = ("naive power law", "with ln N", "signal-to-noise form")


def dense_counts(runs):
    rows = [
        (i, P, N, K, int(ok), r.overlap.shape[1])
        for i, dense in enumerate(runs)
        for P in ORDERS
        for N, r in dense[P].items()
        for K, ok in zip(r.n_patterns, (r.overlap == 1.0).sum(1), strict=True)
    ]
    return {
        k: np.array(v)
        for k, v in zip(
            ("ds", "P", "N", "K", "s", "n"), zip(*rows, strict=True), strict=True
        )
    }


def log_shape(N, P, threshold):
    """log K_c(N) / K_c(N0) of the signal-to-noise estimate, minus the power (P - 1) log(N/N0)."""
    out = np.zeros(N.shape)
    for order in ORDERS:
        m = P == order
        out[m] = np.log(
            hopfield.snr_capacity(N[m], order, threshold)
            / hopfield.snr_capacity(N0_DENSE, order, threshold)
        )
    return out - (P - 1) * np.log(N / N0_DENSE)


def recall_prob(theta, ds, P, N, K):
    """Pr(exact recall) for each model (rows) and data point (columns). ``theta`` maps each
    parameter to an array (..., data set, model, order), with any leading draw axes."""
    order = (P == 4).astype(int)  # index 0: P = 3, 1: P = 4
    x = np.log(N / N0_DENSE)
    shape = np.stack(
        [np.zeros_like(x), log_shape(N, P, "asymptotic"), log_shape(N, P, "median")]
    )  # (model, data)
    g, c, w, om = (
        jnp.swapaxes(theta[k], -2, -3)[..., ds, order]
        for k in ("gamma", "log_c", "w0", "omega")
    )
    return ndtr(
        (c + g * x + shape - np.log(K)) / (w * jnp.exp(-om * x))
    )  # (..., model, data)


def exponent_model(ds, P, N, K, n, s=None):
    with (
        numpyro.plate("dataset", ds.max() + 1, dim=-3),
        numpyro.plate("model", len(MODELS), dim=-2),
        numpyro.plate("order", len(ORDERS), dim=-1),
    ):
        theta = {
            "gamma": numpyro.sample("gamma", dist.Normal(1.0, 2.0)),
            "log_c": numpyro.sample("log_c", dist.Normal(5.0, 3.0)),
            "w0": numpyro.sample("w0", dist.HalfNormal(1.0)),
            "omega": numpyro.sample("omega", dist.Normal(0.5, 0.5)),
        }
    p = recall_prob(theta, ds, P, N, K)
    with (
        numpyro.plate("model_", len(MODELS), dim=-2),
        numpyro.plate("data", len(N), dim=-1),
    ):
        numpyro.sample(
            "s", dist.Binomial(n, probs=jnp.clip(p, 1e-6, 1 - 1e-6)), obs=s
        )


dd = dense_counts(runs_dense)
# one chain per CPU device when there are enough of them (set in the first cell)
fit_d = inference.run_nuts(
    k_fit,
    NUTS(exponent_model, init_strategy=init_to_median),
    **dd,
    num_warmup=SIZES["warmup"],
    num_samples=SIZES["samples"],
    num_chains=SIZES["chains"],
    show=["gamma"],
)
fit_d

# %% [markdown]
# `inference.run_nuts` raised no error: every parameter, of every model, order and
# data set, has $\hat R \le 1.01$ and at least 100 effective draws per chain in the bulk and the
# tails.
#
# The three models read the same data very differently. On the shipped run (its numbers do
# not depend on the scale the page was built at), for $P = 3$ the naive power law reports
# $\gamma =$ {glue:text}`big_3_m0:.2f`, well below 2; the leading logarithm recovers most of
# the deficit ({glue:text}`big_3_m1:.2f`) and the finite-$N$ signal-to-noise form
# {eq}`dense-snr` nearly all of it ({glue:text}`big_3_m2:.2f`). Between $N = 20$ and $160$,
# $z_N^2$ grows by a factor of 2, which a fit without it must absorb into the exponent. For
# $P = 4$ the naive fit lands near 3 ({glue:text}`big_4_m0:.2f`) by a coincidence of two
# small-$N$ effects: the missing logarithm lowers the apparent exponent, and $\binom{N-1}{3}$,
# which grows faster than $N^3$ at $N \le 80$, raises it; the signal-to-noise form, which
# removes both, overshoots ({glue:text}`big_4_m2:.2f`), a sign that the one-step estimate does
# not capture all of the finite-size behaviour of the dynamics.

# %%
post_d = fit_d.samples

# %% tags=["hide-input"]
fig, axes = plt.subplots(
    len(DATASETS),
    2,
    figsize=(10, 3.1 * len(DATASETS) + 0.5),
    squeeze=False,
    layout="constrained",
)
for i, name in enumerate(DATASETS):
    for j, P in enumerate(ORDERS):
        ax = axes[i, j]
        Ns_ij = np.unique(dd["N"][(dd["ds"] == i) & (dd["P"] == P)])
        for k, (model, ls) in enumerate(zip(MODELS, ("-", "--", "-"), strict=True)):
            g = np.asarray(post_d["gamma"][:, i, k, j])
            ax.hist(
                g,
                bins=50,
                density=True,
                histtype="step",
                lw=1.8,
                ls=ls,
                color=style.color(k),
                label=model,
            )
            print(
                f"{name}, P = {P}, N = {Ns_ij.min()}-{Ns_ij.max()}, {model:21s}: gamma = {g.mean():.2f} ± {g.std():.2f}"
            )
        ax.axvline(P - 1, color="k", ls=":", lw=1.2, label="theory: P − 1")
        ax.set_xlabel(r"capacity exponent $\gamma$")
        ax.set_ylabel("posterior density")
        ax.set_title(
            f"{name}: P = {P}, N = {Ns_ij.min()}–{Ns_ij.max()}", fontsize=10
        )
fig.legend(
    *axes[0, 0].get_legend_handles_labels(), loc="outside lower center", ncol=4
)
plt.show()

# %% [markdown]
# **Posterior predictive check** of the signal-to-noise model (the one the claim check uses):
# counts replicated from 200 posterior draws (`recall_prob`, then binomial draws) against the
# observed fractions, one row per data set and order, one panel per size; the bands are 94%
# predictive intervals.

# %%
draws = inference.thinned(post_d, 200)
# compiled once, rather than run one small operation at a time; model index 2: signal-to-noise form
p_rep = np.asarray(
    jax.jit(lambda th: recall_prob(th, dd["ds"], dd["P"], dd["N"], dd["K"]))(draws)
)[:, 2]
frac_rep = streams.numpy_rng(k_ppc).binomial(dd["n"], p_rep) / dd["n"]
groups = [(i, P) for i in range(len(DATASETS)) for P in ORDERS]
sizes = [np.unique(dd["N"][(dd["ds"] == i) & (dd["P"] == P)]) for i, P in groups]

# %% tags=["hide-input"]
fig, panels = style.panel_grid([Ns.size for Ns in sizes], sharey=True)
for (i, P), axes_g, Ns in zip(groups, panels, sizes, strict=True):
    for ax, N in zip(axes_g, Ns, strict=True):
        m = (dd["ds"] == i) & (dd["P"] == P) & (dd["N"] == N)
        lo, hi = np.quantile(frac_rep[:, m], [0.03, 0.97], axis=0)
        ax.fill_between(dd["K"][m], lo, hi, alpha=0.35, label="94% predictive")
        ax.plot(dd["K"][m], dd["s"][m] / dd["n"][m], "ko", ms=3, label="observed")
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_title(f"{DATASETS[i]}, P = {P}, N = {N}", fontsize=9)
        ax.set_xlabel("patterns K")
    axes_g[0].set_ylabel("fraction recalled")
fig.legend(
    *panels[0][0].get_legend_handles_labels(), loc="outside lower center", ncol=2
)
plt.show()

# %% [markdown]
# (dense-adequacy)=
# **Does the model describe the data, and is it calibrated?** The book's rule, the same in
# every chapter (`emergence.adequacy`): for 400 posterior draws, replicate the counts from the
# binomial likelihood and compare the deviance $-2\ln p(s\mid\theta)$ of the replicas with
# that of the observed counts, separately for each model, data set and order (each is its own
# fit), and for its worst-fitting count. A p-value below 0.01 divided by the number of
# comparisons means that fit would almost never produce counts like these, and a claim check
# on it returns *not testable*. The calibration run (`data/calibration/`, made by
# `benchmarks/calibrate.py dense_exponent`) fits 100 data sets of this page's `default`
# shape, simulated from the model with parameters drawn from the priors above.


# %%
def fit_label(m, i, P):
    return f"{MODELS[m]}, {DATASETS[i]}, P = {P}"


ds_, P_ = np.asarray(dd["ds"]), np.asarray(dd["P"])
fit_labels = np.array(
    [
        [fit_label(m, i, P) for i, P in zip(ds_, P_, strict=True)]
        for m in range(len(MODELS))
    ]
)
adequacy_d = adequacy.deviance_check(
    jax.random.fold_in(key, 9),
    exponent_model,
    fit_d.samples,
    **dd,
    name="capacity-exponent model",
    by={"s": fit_labels},
)


def fit_adequacy(m, i, P):
    """The checks of one fit: its deviance and its worst count."""
    name = fit_label(m, i, P)
    return adequacy_d.subset([name, f"{name}: worst observation"], model=name)


display(*(fit_adequacy(2, i, P) for i in range(len(DATASETS)) for P in ORDERS))
print(adequacy_d)

# %%
cal_d = calibration.show(
    "dense_exponent_default.npz",
    params=[
        f"gamma[{i},2,{j}]"
        for i in range(len(DATASETS))
        for j in range(len(ORDERS))
    ],
    labels={
        f"gamma[{i},2,{j}]": rf"$\gamma$, {DATASETS[i]}, $P = {P}$"
        for i in range(len(DATASETS))
        for j, P in enumerate(ORDERS)
    },
    title="Signal-to-noise model: ECDF of the truth's fractional rank minus uniform",
)
calibration.expect(cal_d, calibrated=True)

# %% [markdown]
# The exponent's inference is calibrated for every model, order and data set: the truth's rank
# is uniform and the 94% intervals cover it at the nominal rate. One caveat the run's own
# diagnostics show: most of its fits had divergent transitions (draws from these wide priors
# include transitions far sharper than any in our data, where the probit's geometry is hard for
# NUTS), and some an $\hat R$ above 1.01. The page's own fit passes its convergence check (its
# divergent transitions are counted in the line above its table), and the ranks show that the
# intervals stayed honest even in the harder fits of the calibration run.

# %% [markdown]
# ## Claim check
#
# The check compares the posterior's 94% highest-density interval with a region around the
# theory's value (`emergence.claims`: Kruschke's HDI + ROPE rule {cite}`kruschke2018`), and raises if the verdict
# differs from the one stated here. Checks on this section's runs state a verdict per scale;
# checks on the shipped run state one verdict, since its data do not change with the scale.
#
# **The dense capacity exponent, $K_c \propto N^{P-1}$ up to the logarithm**, for $P = 3$ and
# $P = 4$, from the signal-to-noise model. Region: $P - 1$ within 10% ($2 \pm 0.2$,
# $3 \pm 0.3$). In the shipped run both are *reproduced*; at `ci` both are *inconclusive*,
# since its few small networks (12 per load) leave $\gamma$ too uncertain to decide. At
# `default`, $P = 3$ is *reproduced* and $P = 4$ is *inconclusive*: the overshoot discussed
# above puts the posterior mean near 3.2, and the upper end of its 94% interval near the
# region's edge at 3.3. Which side of the edge it falls on depends on the random draw: with
# this page's seed it falls outside; we reran the `default` section with four other draws of
# the random numbers and found the interval inside the region for two and poking out for two
# (posterior means 3.11 to 3.29, sd 0.07), so the `default` verdict for $P = 4$ is best read as "on the
# edge", and the shipped run's, with larger networks, as the answer. This build's
# posteriors: $\gamma =$ {glue:text}`run_3:.2f` $\pm$ {glue:text}`run_3_sd:.2f` for $P = 3$
# ($N \le$ {glue:text}`run_3_N:.0f`) and {glue:text}`run_4:.2f` $\pm$ {glue:text}`run_4_sd:.2f`
# for $P = 4$ ($N \le$ {glue:text}`run_4_N:.0f`); the shipped run's: {glue:text}`big_3:.2f`
# $\pm$ {glue:text}`big_3_sd:.2f` ($N \le$ {glue:text}`big_3_N:.0f`) and
# {glue:text}`big_4:.2f` $\pm$ {glue:text}`big_4_sd:.2f` ($N \le$ {glue:text}`big_4_N:.0f`).
# The `full` scale's verdicts are stated as *reproduced* but have not been run. Without the
# logarithm the shipped data give $\gamma =$ {glue:text}`big_3_m0:.2f` for $P = 3$: the naive
# fit would have called that claim *not reproduced*.

# %%
PAPER_DENSE = "Replica symmetry breaking in dense neural networks"


def gamma_claim(P, label, evidence=""):
    return claims.Claim(
        "learning/dense_associative_memory",
        PAPER_DENSE,
        f"dense capacity exponent (P = {P}), {label}",
        P - 1,
        tolerance=0.1 * (P - 1),
        note="K_c ~ N^(gamma - P + 1) binom(N-1, P-1) / z_N^2, exact recall",
        evidence=evidence,
    )


# P = 4 at `default` sits on the region's edge: see the prose above
EXPECT_RUN = {
    3: {"ci": "inconclusive", "default": "reproduced", "full": "reproduced"},
    4: {"ci": "inconclusive", "default": "inconclusive", "full": "reproduced"},
}
for j, P in enumerate(ORDERS):
    v = claims.check(
        gamma_claim(P, "this run"),
        np.asarray(post_d["gamma"][:, 0, 2, j]),
        expect=EXPECT_RUN[P],
        adequacy=fit_adequacy(2, 0, P),
        calibration=cal_d,
    )
    display(v)
    prose.glue(
        **{
            f"run_{P}": v.mean,
            f"run_{P}_sd": v.sd,
            f"run_{P}_N": max(runs_dense[0][P]),
        }
    )

# %%
if big is not None:
    for j, P in enumerate(ORDERS):
        v = claims.check(
            gamma_claim(
                P,
                f"shipped run, N <= {max(runs_dense[1][P])}",
                f"shipped data: data/{DATA.name}, made {prov['date']} on {prov['device']}",
            ),
            np.asarray(post_d["gamma"][:, 1, 2, j]),
            expect="reproduced",
            adequacy=fit_adequacy(2, 1, P),
            calibration=cal_d,
        )
        display(v)
        prose.glue(
            **{
                f"big_{P}": v.mean,
                f"big_{P}_sd": v.sd,
                f"big_{P}_N": max(runs_dense[1][P]),
            }
        )
        # the three models' exponents on the shipped run, which the model comparison quotes
        prose.glue(
            **{
                f"big_{P}_m{k}": np.mean(post_d["gamma"][:, 1, k, j])
                for k in range(len(MODELS))
            }
        )

# %%
print(f"section ran in {time.perf_counter() - T_START:.0f} s at scale '{SCALE}'")

# %% [markdown]
# ## Going further
#
# - **`full` scale.** `EMERGENCE_SCALE=full` simulates dense networks up to $N = 320$
#   ($P = 3$) and $120$ ($P = 4$); it is meant for a GPU. `benchmarks/associative_memory_full_scale.py`
#   runs the same experiments at those sizes and writes the file the inference reads; on a
#   GPU, rerun it and replace the shipped file.
# - **Exercise.** Fit $P = 5$. The signal-to-noise capacity grows like $N^4$: how large an $N$
#   can you afford, and does the exponent come out at 4?
# - **Exercise.** Make the digit patterns less correlated by removing their mean (store
#   $\xi - \langle\xi\rangle$ in the couplings, the "biased patterns" trick) and measure how
#   many digits each order then recalls.
# - **Exercise.** Upsample the digits to $16 \times 16$ pixels (`np.kron` with a $2 \times 2$
#   block of ones, $N = 256$) and repeat the recall experiment. Larger networks hold more random
#   patterns; do they hold more digits, whose correlations do not shrink with $N$?
