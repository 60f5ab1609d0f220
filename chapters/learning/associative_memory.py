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
# # The capacity of associative memories: from Hopfield to dense Hebbian networks
#
# A network of binary neurons can store patterns in its couplings and recall a pattern from a
# corrupted copy: the stored patterns are minima of an energy, and the dynamics roll downhill
# into them. How many patterns fit is a question of statistical physics. Hopfield's network,
# with pairwise couplings, holds about $0.138\,N$ patterns in $N$ neurons (Amit, Gutfreund and
# Sompolinsky); beyond that load the memories dissolve into a spin glass. *Dense* Hebbian
# networks, whose couplings join $P > 2$ neurons at once, store vastly more: a number growing
# like $N^{P-1}$. Our seed papers study these dense networks with the tools of spin glasses.
# *Replica symmetry breaking in dense neural networks* identifies "the maximal storage capacity
# by a ground-state analysis in the Baldi-Venkatesh high-storage regime", and *Dense Hebbian
# neural networks: a replica symmetric picture of supervised learning* finds that "these
# networks may work in a ultra-storage regime (where they can handle a huge amount of patterns,
# if compared with shallow neural networks)", and tests them on structured data sets.
#
# **Overview.** In this chapter you will
#
# - build Hebbian networks of any order $P$ with the library's `emergence.hopfield`, which
#   computes every field from pattern overlaps without ever forming the $N^P$ coupling tensor;
# - watch Hopfield's network ($P = 2$) lose its memories near the load $\alpha = K/N \approx
#   0.138$, and see how far from that value networks of a few hundred neurons are;
# - see the capacity of dense networks ($P = 3, 4$) grow like $N^{P-1}/\ln N$, and why a fit
#   that forgets the logarithm gets the exponent wrong;
# - store real, correlated patterns (handwritten digits) and see why they are recalled far
#   worse than random ones, and how dense networks cope;
# - infer the capacity threshold and the capacity exponents with NumPyro, with finite-size
#   scaling in the model, and check them against the theory's values;
# - heat the network (Glauber dynamics) and watch the retrieval region shrink.

# %% tags=["hide-cell"]
# On Colab, install the book's library first:  !pip install "emergence @ git+<this book's repository>"
import json
import os
import time
from pathlib import Path

import numpyro

numpyro.set_host_device_count(min(4, os.cpu_count() or 1))  # CPU devices for parallel chains, before JAX starts

import arviz as az
import jax
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np
import numpyro.distributions as dist
from jax.scipy.special import ndtr
from matplotlib.ticker import NullFormatter
from numpyro.infer import MCMC, NUTS, Predictive, init_to_median
from sklearn.datasets import load_digits

from emergence import claims, hopfield, inference, scale, style

style.use()
SCALE = scale.current_scale()
T_START = time.perf_counter()

# %% [markdown]
# Every size comes from the scale knob `EMERGENCE_SCALE` (`ci`, `default` or `full`):
# the network sizes `p2_N` for Hopfield's network and `p3_N`, `p4_N` for the dense ones; the
# loads `p2_alphas` ($\alpha = K/N$) and `factors` (multiples of the signal-to-noise capacity,
# below); the independent networks per load (`*_trials`); the Glauber experiment's size,
# temperatures and loads; and the NUTS run sizes.

# %%
SIZES = scale.pick(
    ci=dict(p2_N=(60, 120, 240), p2_alphas=np.round(np.arange(0.08, 0.2201, 0.02), 3), p2_trials=16,
            p3_N=(20, 40, 80), p4_N=(20, 40), factors=np.geomspace(0.25, 2.5, 7), dense_trials=12,
            digit_trials=1, glauber_N=120, glauber_T=(0.0, 0.15, 0.3, 0.45),
            glauber_alphas=(0.02, 0.05, 0.08, 0.11, 0.14), glauber_trials=8, glauber_sweeps=20,
            warmup=300, samples=800, chains=2),
    default=dict(p2_N=(100, 200, 400, 800), p2_alphas=np.round(np.arange(0.08, 0.2201, 0.01), 3), p2_trials=64,
                 p3_N=(20, 40, 80, 160), p4_N=(20, 40, 60), factors=np.geomspace(0.15, 4.0, 12), dense_trials=32,
                 digit_trials=8, glauber_N=400, glauber_T=(0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5),
                 glauber_alphas=(0.01, 0.03, 0.05, 0.07, 0.09, 0.11, 0.13, 0.15), glauber_trials=16,
                 glauber_sweeps=60, warmup=1000, samples=1000, chains=4),
    full=dict(p2_N=(500, 1000, 2000, 4000, 10000), p2_alphas=np.round(np.arange(0.08, 0.2201, 0.01), 3),
              p2_trials=64, p3_N=(20, 40, 80, 160, 320), p4_N=(20, 40, 60, 80, 120),
              factors=np.geomspace(0.15, 4.0, 12), dense_trials=64, digit_trials=32, glauber_N=2000,
              glauber_T=(0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5),
              glauber_alphas=(0.01, 0.03, 0.05, 0.07, 0.09, 0.11, 0.13, 0.15), glauber_trials=32,
              glauber_sweeps=100, warmup=1000, samples=1000, chains=4),
)
{k: v for k, v in SIZES.items() if k != "factors"}

# %%
key = jax.random.key(2026)

# %% [markdown]
# ## The model
#
# $N$ neurons $\sigma_i = \pm 1$ store $K$ patterns $\xi^\mu \in \{\pm 1\}^N$, drawn at random
# ($\mu = 1, \dots, K$). In a network of **order** $P$ every coupling joins $P$ distinct neurons
# and is Hebbian, a sum over the patterns:
#
# $$
# J_{i_1 \dots i_P} = \frac{1}{N^{P-1}} \sum_{\mu=1}^{K} \xi^\mu_{i_1} \cdots \xi^\mu_{i_P},
# \qquad
# H(\sigma) = -\frac{1}{P} \sum_{i_1 \dots i_P} J_{i_1 \dots i_P}\,
# \sigma_{i_1} \cdots \sigma_{i_P},
# $$
#
# the sum running over ordered tuples of distinct indices. $P = 2$ is Hopfield's network (no
# self-couplings); $P > 2$ are the dense networks. The **local field** on neuron $i$ is
# $h_i = -\partial H/\partial\sigma_i$, and the **overlap** of a state with pattern $\mu$ is
# $m_\mu = N^{-1}\sum_i \xi^\mu_i \sigma_i$: $m = 1$ is perfect recall.
#
# **Dynamics.** At zero temperature a neuron aligns with its field, $\sigma_i \leftarrow
# \operatorname{sign} h_i$, one neuron at a time in a random order (a *sweep* updates all $N$).
# Since $H$ is linear in each $\sigma_i$, a flip changes the energy by exactly $-2|h_i|$: the
# energy never increases, and the dynamics stop in a local minimum. At temperature $T$ (in
# units of the fields) Glauber's heat bath sets $\sigma_i = +1$ with probability
# $1/(1 + e^{-2h_i/T})$. A **retrieval** experiment stores $K$ patterns, starts from pattern 1
# with a fraction `FLIP` of its neurons flipped, and runs the dynamics until a sweep changes
# nothing.
#
# **Never the $N^P$ tensor.** Writing $x^\mu_j = \xi^\mu_j\sigma_j$, the field is a sum over
# patterns of an elementary symmetric polynomial of the $x^\mu_j$ ($j \ne i$), and since
# $x^2 = 1$ that polynomial depends only on $S^\mu_i = N m_\mu - \xi^\mu_i\sigma_i$ (Newton's
# identities). Each field costs $O(KP^2)$ operations instead of $O(KN^{P-1})$; the library's
# tests check it against the explicit tensor for $P = 2, 3, 4$.
#
# **What theory says.** For $P = 2$ at load $\alpha = K/N$, the replica-symmetric theory of
# Amit, Gutfreund and Sompolinsky (AGS) has retrieval states, with overlap $m(\alpha)$ close to
# but below 1, up to $\alpha_c \approx 0.138$, where $m$ jumps from about $0.967$ to a
# spin-glass value near 0. `hopfield.rs_capacity` solves their zero-temperature equations:

# %%
alpha_rs, m_rs = hopfield.rs_capacity()
print(f"replica-symmetric capacity alpha_c = {alpha_rs:.4f}, retrieval overlap there m = {m_rs:.4f}")

# %% [markdown]
# For dense networks we need *error-free* retrieval, and a signal-to-noise estimate gives it.
# In a stored pattern each neuron's field has a signal $\binom{N-1}{P-1}$ (in units of
# $(P-1)!/N^{P-1}$) and, from each of the other $K - 1$ random patterns, an independent noise of
# variance $\binom{N-1}{P-1}$. All $N$ neurons stay aligned while the squared signal-to-noise
# ratio $\binom{N-1}{P-1}/K$ exceeds $z_N^2$, the square of the largest of $N$ standard normals,
# which grows like $2\ln N$. So
#
# $$
# K_c \approx \frac{\binom{N-1}{P-1}}{z_N^2} \;\simeq\; \frac{N^{P-1}}{2\,(P-1)!\,\ln N}
# \qquad (N \to \infty),
# $$
#
# (`hopfield.snr_capacity(N, P)`). For $P = 2$ it is the classical $N/(2\ln N)$ for error-free
# recall, far below $0.138\,N$, which allows a few per cent of errors. The logarithm matters
# at the sizes we can simulate: between $N = 20$ and $N = 160$, $2\ln N$ grows by a factor of
# 1.7, and $z_N^2$ by 2.
# (Krotov and Hopfield's dense memories use $E = -\sum_\mu F(\xi^\mu\cdot\sigma)$, which keeps
# the terms with repeated indices; that changes the prefactor, not the power of $N$.)

# %% [markdown]
# ## Hopfield's network: the capacity threshold
#
# For each size $N$ and load $\alpha$ we build `p2_trials` independent networks, start each
# from its first pattern with `FLIP` = 5% of the neurons flipped, and run the zero-temperature
# dynamics to a fixed point (at most `MAX_SWEEPS` sweeps). `hopfield.retrieval_sweep` runs all
# loads of one $N$ in one compiled, vmapped call (small sizes share one call, padded).

# %%
FLIP = 0.05  # fraction of neurons flipped in the starting state
MAX_SWEEPS = 400  # the dynamics stop earlier, at a fixed point
RETRIEVED = 0.9  # P = 2: a run retrieves its pattern when the final overlap exceeds this


def report(P, sweeps, seconds):
    print(f"P = {P}: {sum(r.overlap.size for r in sweeps.values())} networks in {seconds:.1f} s")
    for N, r in sweeps.items():
        print(f"  N = {N:5d}: K = {r.n_patterns.min()}..{r.n_patterns.max()}; sweeps to a fixed point: "
              f"median {np.median(r.sweeps):.0f}, max {r.sweeps.max()}; stopped without one: {np.mean(~r.converged):.1%}")


t0 = time.perf_counter()
p2 = hopfield.retrieval_sweep(jax.random.fold_in(key, 2), 2,
                              {N: np.round(SIZES["p2_alphas"] * N).astype(int) for N in SIZES["p2_N"]},
                              SIZES["p2_trials"], FLIP, sweeps=MAX_SWEEPS)
report(2, p2, time.perf_counter() - t0)

# %% [markdown]
# The final overlaps are **bimodal** (right panel): a run either ends near the pattern
# ($m \gtrsim 0.95$) or far from it ($m \lesssim 0.6$), with almost nothing between. So
# "retrieved" = final overlap above 0.9 is a clean criterion, and the threshold value hardly
# matters. The fraction of retrieved runs (left) falls from 1 to 0 as the load grows, more
# steeply in larger networks; the mean overlap of the retrieved runs (middle) follows the AGS
# retrieval overlap $m(\alpha)$ (dashed), which ends at $\alpha_c \approx 0.138$ (dotted line).
# But the finite networks keep retrieving well *beyond* $0.138$: the threshold moves down as $N$
# grows, and only an extrapolation can tell where it ends.

# %%
alphas = SIZES["p2_alphas"]
fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
for c, (N, r) in enumerate(p2.items()):
    ok = r.overlap > RETRIEVED
    axes[0].plot(alphas, ok.mean(1), "o-", color=style.color(c), label=f"N = {N}")
    m_ok = np.where(ok, r.overlap, np.nan)
    has = ok.sum(1) >= 3
    axes[1].plot(alphas[has], np.nanmean(m_ok[has], axis=1), "o-", color=style.color(c), label=f"N = {N}")
a_fine = np.linspace(0.01, alpha_rs * 0.999, 60)
axes[1].plot(a_fine, [hopfield.rs_retrieval_overlap(a, 0.0) for a in a_fine], "k--", label="AGS theory, N → ∞")
for ax in axes[:2]:
    ax.axvline(alpha_rs, color="k", ls=":", lw=1)
    ax.set_xlabel(r"load $\alpha = K/N$")
axes[0].set_ylabel(f"fraction retrieved (final m > {RETRIEVED})")
axes[0].set_title("Retrieval probability")
axes[0].legend()
axes[1].set_ylabel("mean final overlap m of retrieved runs")
axes[1].set_title("Quality of recall")
axes[1].set_ylim(0.94, 1.002)
axes[1].legend(loc="lower left")
Nmax = max(p2)
axes[2].hist(p2[Nmax].overlap.ravel(), bins=np.linspace(-0.2, 1, 61), color=style.color(0))
axes[2].axvline(RETRIEVED, color="k", ls=":", lw=1)
axes[2].set_yscale("log")
axes[2].set_xlabel("final overlap m with the pattern")
axes[2].set_ylabel("runs (all loads)")
axes[2].set_title(f"Final overlaps, N = {Nmax}")

# %% [markdown]
# ## Dense networks: a capacity growing like $N^{P-1}/\ln N$
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
    return np.unique(np.maximum(1, np.round(factors * hopfield.snr_capacity(N, P))).astype(int))


dense = {}
for P in (3, 4):
    t0 = time.perf_counter()
    dense[P] = hopfield.retrieval_sweep(jax.random.fold_in(key, P), P, {N: dense_loads(N, P) for N in SIZES[f"p{P}_N"]},
                                        SIZES["dense_trials"], FLIP, sweeps=MAX_SWEEPS)
    report(P, dense[P], time.perf_counter() - t0)

# %% [markdown]
# The top row plots the fraction of error-free retrievals against $K/N^{P-1}$, the scaling
# without the logarithm. For $P = 3$ the curves drift to the left as $N$ grows: $K_c$ grows
# *more slowly* than $N^2$. For $P = 4$ the drift is hidden, because at these small sizes
# $\binom{N-1}{3}$ grows *faster* than $N^3$ and compensates the logarithm. The bottom row
# divides by the signal-to-noise capacity $K_{\mathrm{SNR}}(N)$, which carries both corrections,
# and the curves steepen with $N$ around a common crossing near $K \approx K_{\mathrm{SNR}}$:
# the estimate gets the threshold's position right, to within the curves' scatter.

# %%
fig, axes = plt.subplots(2, 2, figsize=(10, 6.4))
for col, P in enumerate((3, 4)):
    for c, (N, r) in enumerate(dense[P].items()):
        frac = (r.overlap == 1.0).mean(1)
        axes[0, col].semilogx(r.n_patterns / N ** (P - 1), frac, "o-", color=style.color(c), label=f"N = {N}")
        axes[1, col].semilogx(r.n_patterns / hopfield.snr_capacity(N, P), frac, "o-", color=style.color(c),
                              label=f"N = {N}")
    axes[0, col].set_xlabel(rf"$K / N^{{{P - 1}}}$")
    axes[1, col].set_xlabel(r"$K / K_{\mathrm{SNR}}(N)$, the signal-to-noise capacity")
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
patterns_digits = np.where(digits.images.reshape(-1, 64) >= 8, 1, -1).astype(np.int8)
labels = digits.target
N_D = patterns_digits.shape[1]
ink = (patterns_digits == 1).mean()
first100 = patterns_digits[:100].astype(float)
q = first100 @ first100.T / N_D
off = np.abs(q[~np.eye(100, dtype=bool)])
rand100 = np.asarray(hopfield.random_patterns(jax.random.fold_in(key, 64), 100, N_D), float)
q_rand = np.abs((rand100 @ rand100.T / N_D)[~np.eye(100, dtype=bool)])
print(f"fraction of ink pixels: {ink:.2f}; mean |overlap| between two digit patterns {off.mean():.2f} "
      f"(random patterns: {q_rand.mean():.2f}, about sqrt(2/(pi N)) = {np.sqrt(2 / np.pi / N_D):.2f})")

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
sources = np.stack([patterns_digits[:K_MAX],
                    np.asarray(hopfield.random_patterns(jax.random.fold_in(key, 65), K_MAX, N_D))])
batch = (2, K_DIGITS.size, K_MAX, SIZES["digit_trials"])  # (source, load, target pattern, trial)
targets = np.broadcast_to(sources[:, None, :, None, :], batch + (N_D,))
starts = np.asarray(hopfield.corrupt(jax.random.fold_in(key, 66), targets, FLIP_DIGITS))
stored = np.broadcast_to(sources[:, None, None, None], batch + (K_MAX, N_D))
n_stored = np.broadcast_to(K_DIGITS[None, :, None, None], batch)
held = np.arange(K_MAX)[:, None] < K_DIGITS  # (target, load): is the target among the stored?
recall, final = {}, {}
for P in (2, 3, 4):
    t0 = time.perf_counter()
    r = hopfield.retrieve(jax.random.fold_in(key, 67 + P), stored, starts, P, n_stored=n_stored)
    final[P] = np.asarray(r.state)
    exact = np.all(final[P] == targets, axis=-1)  # (source, load, target, trial)
    recall[P] = np.array([[exact[s, k][held[:, k]].mean() for k in range(K_DIGITS.size)] for s in range(2)])
    print(f"P = {P}: {time.perf_counter() - t0:4.1f} s")

# %%
fig, ax = plt.subplots()
for c, P in enumerate((2, 3, 4)):
    ax.semilogx(K_DIGITS, recall[P][0], "o-", color=style.color(c), label=f"digits, P = {P}")
    ax.semilogx(K_DIGITS, recall[P][1], "s--", color=style.color(c), alpha=0.6, label=f"random, P = {P}")
ax.set_xlabel(f"patterns stored K (N = {N_D} neurons)")
ax.set_ylabel("fraction of stored patterns recalled exactly")
ax.set_title(f"Recall from {FLIP_DIGITS:.0%} flipped pixels: digits vs random patterns")
ax.legend(ncol=2)

# %% [markdown]
# Random patterns (dashed) are recalled perfectly up to $K = 100 > N$ by both dense networks,
# while Hopfield's network fails between $K = 10$ and $20$, i.e. near $0.15$–$0.3\,N$ at this
# small $N$. Digits (solid) are a different story: with $P = 2$ not even five of them can be
# recalled exactly, because every digit pattern overlaps every other by about $0.5$ (the
# shared paper), and those overlaps add up coherently instead of averaging out. Higher orders
# raise each overlap to the power $P - 1$, which suppresses the cross-talk from dissimilar
# patterns: $P = 3$ holds five digits, $P = 4$ most of ten, and both fail at twenty, where
# random patterns would still be perfectly safe. Below, the ten digits of the $K = 10$ network
# (one of each class), the corrupted starts of one trial, and where each network ends:
# $P = 2$ and $P = 3$ send every digit to the same blob, a spurious state close to the
# patterns' common part; $P = 4$ recalls almost all of them.

# %%
k10 = int(np.flatnonzero(K_DIGITS == 10)[0])
rows = {"stored": sources[0, :10], f"start ({FLIP_DIGITS:.0%} flipped)": starts[0, k10, :10, 0]}
rows.update({f"retrieved, P = {P}": final[P][0, k10, :10, 0] for P in (2, 3, 4)})
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
fig.suptitle("Ten digits stored together (8×8 pixels, N = 64); green frame: exact recall, orange: not")

# %% [markdown]
# ## Finite temperature: the retrieval region shrinks
#
# With Glauber dynamics at temperature $T$ the network no longer stops; we run
# `glauber_sweeps` sweeps from the corrupted pattern and record the final overlap. The left
# panel is the simulation's mean overlap on a grid of loads and temperatures, the right one the
# AGS replica-symmetric retrieval overlap $m(\alpha, T)$ (`hopfield.rs_retrieval_overlap`) on
# the same grid. Retrieval survives at low load up to $T \approx 1$ (the Curie–Weiss transition
# of a single pattern) and, at zero temperature, up to $\alpha_c$; in between the boundary
# bends, and the retrieval region shrinks as the temperature rises.

# %%
N_G = SIZES["glauber_N"]
a_g = np.array(SIZES["glauber_alphas"])
T_g = np.array(SIZES["glauber_T"])
m_sim = np.zeros((T_g.size, a_g.size))
t0 = time.perf_counter()
for i, T in enumerate(T_g):
    r = hopfield.retrieval_sweep(jax.random.fold_in(key, 300 + i), 2, {N_G: np.round(a_g * N_G).astype(int)},
                                 SIZES["glauber_trials"], FLIP, temperature=float(T), sweeps=SIZES["glauber_sweeps"])
    m_sim[i] = r[N_G].overlap.mean(1)
print(f"Glauber runs: {time.perf_counter() - t0:.1f} s")
m_theory = np.array([[hopfield.rs_retrieval_overlap(a, T) for a in a_g] for T in T_g])

fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), sharey=True)
for ax, m, title in zip(axes, (m_sim, m_theory), (f"simulation, N = {N_G}", "AGS replica-symmetric theory, N → ∞"),
                        strict=True):
    im = ax.pcolormesh(a_g, T_g, m, vmin=0, vmax=1, shading="nearest", cmap="viridis")
    ax.set_xlabel(r"load $\alpha = K/N$")
    ax.set_title(title)
    ax.grid(False)
axes[0].set_ylabel("temperature T (units of the field)")
fig.colorbar(im, ax=axes, label="mean final overlap m")

# %% [markdown]
# The simulation follows the theory's shape. At low temperature the finite network retrieves
# beyond the theory's boundary, as at $T = 0$; from $T \approx 0.3$ up the two boundaries
# agree. Intermediate colours are averages over networks that did and did not retrieve, not
# states of intermediate overlap.


# %% [markdown]
# ## Inference
#
# We fit two data sets side by side: this chapter's runs at the current scale, and a larger
# run that ships with the book, `data/associative_memory_full_scale.npz`, made by
# `benchmarks/associative_memory_full_scale.py` with the same corruption, criterion and sweep
# limit (Hopfield networks up to $N = 3200$, dense ones up to $N = 320$ for $P = 3$ and $80$ for
# $P = 4$; its provenance is printed below). Each model below carries a leading "data set"
# index; the two fits share nothing but the compilation.

# %%
DATA = Path(hopfield.__file__).resolve().parents[2] / "data" / "associative_memory_full_scale.npz"
big = np.load(DATA) if DATA.exists() else None
if big is None:
    print(f"{DATA.name} not found: only this chapter's runs are fitted")
else:
    prov = json.loads(str(big["provenance"]))
    assert prov["flip"] == FLIP and prov["sweeps"] == MAX_SWEEPS, "the shipped run used other settings"
    print({k: prov[k] for k in ("device", "date", "command")})


def shipped(P):
    """The shipped run's results for order P as {N: hopfield.Sweep}."""
    Ns = sorted(int(k.split("_N")[1].split("_")[0]) for k in big.files if k.startswith(f"P{P}_N") and k.endswith("_K"))
    return {N: hopfield.Sweep(big[f"P{P}_N{N}_K"], big[f"P{P}_N{N}_overlap"], big[f"P{P}_N{N}_sweeps"], None)
            for N in Ns}


DATASETS = ["this run"] + (["shipped run"] if big is not None else [])
runs_p2 = [p2] + ([shipped(2)] if big is not None else [])
runs_dense = [dense] + ([{P: shipped(P) for P in (3, 4)}] if big is not None else [])

# %% [markdown]
# ### The capacity threshold of Hopfield's network, with finite-size scaling
#
# The data are counts: $s_{N,\alpha}$ retrievals out of $n$ independent networks at each size
# and load, so the likelihood is binomial. The retrieval probability falls from 1 to 0 as a
# probit curve whose location $\alpha_c(N)$ and width $w(N)$ depend on $N$:
#
# $$
# \Pr(\text{retrieved} \mid \alpha, N) = \Phi\!\left(\frac{\alpha_c(N) - \alpha}{w(N)}\right),
# \quad
# \alpha_c(N) = \alpha_\infty + b\,N^{-\nu},
# \quad
# w(N) = w_0\,(N/\bar N)^{-\omega},
# $$
#
# with $\bar N$ the geometric mean of the sizes, and $\alpha_\infty$ the capacity of the infinite
# network, the number to compare with $0.138$. The extrapolation rests on the finite-size
# exponent $\nu$, which the data constrain only through the *curvature* of $\alpha_c(N)$ against
# $\ln N$, so $\alpha_\infty$, $b$ and $\nu$ are strongly correlated. We therefore sample what
# the data do determine, the thresholds at the smallest and the largest size,
# $\alpha_c(N_{\min})$ and $\alpha_c(N_{\max}) = \alpha_c(N_{\min}) - \Delta$, together with
# $\nu$; $b$ and $\alpha_\infty$ follow. Priors: $\alpha_c(N_{\min}) \sim \mathcal N(0.15,
# 0.05)$, anywhere from 0.05 to 0.25, not centred on the value we test; $\Delta \sim
# \mathcal N^+(0, 0.05)$, since the thresholds fall with $N$ by a few hundredths over our range
# (the figure); $\nu \sim \text{LogNormal}(\log 0.5, 0.5)$ centres the shift on $N^{-1/2}$, the
# relative size of the cross-talk's fluctuations, but allows $N^{-0.2}$ to $N^{-1.3}$;
# $w_0 \sim \mathcal N^+(0, 0.05)$ and $\omega \sim \mathcal N(0.5, 0.5)$ let the transition
# sharpen at any rate the data show. The posterior of $\alpha_\infty$ is as wide as the
# uncertainty in $\nu$ makes it.

# %%
def p2_counts(runs):
    """Flat arrays (data set, N, alpha, successes, trials) of the P = 2 experiments."""
    rows = [(i, N, K / N, int(ok), r.overlap.shape[1]) for i, sweeps in enumerate(runs) for N, r in sweeps.items()
            for K, ok in zip(r.n_patterns, (r.overlap > RETRIEVED).sum(1), strict=True)]
    return {k: np.array(v) for k, v in zip(("ds", "N", "alpha", "s", "n"), zip(*rows, strict=True), strict=True)}


def size_range(ds, N):
    """Per data set: the smallest, the largest and the geometric mean of its sizes N."""
    sizes = [np.unique(N[ds == i]) for i in range(ds.max() + 1)]
    return (np.array([f(x) for x in sizes]) for f in (np.min, np.max, lambda x: np.exp(np.log(x).mean())))


def threshold_model(ds, N, alpha, n, s=None):
    N_min, N_max, N_bar = size_range(ds, N)
    with numpyro.plate("dataset", ds.max() + 1):
        a_min = numpyro.sample("alpha_c_Nmin", dist.Normal(0.15, 0.05))
        drop = numpyro.sample("drop", dist.HalfNormal(0.05))
        nu = numpyro.sample("nu", dist.LogNormal(jnp.log(0.5), 0.5))
        w0 = numpyro.sample("w0", dist.HalfNormal(0.05))
        omega = numpyro.sample("omega", dist.Normal(0.5, 0.5))
    # alpha_c(N) = alpha_inf + b u(N), u = (N / N_max)^-nu: u(N_max) = 1, u(N_min) = u_min
    u_min = (N_min / N_max) ** -nu
    b = numpyro.deterministic("b", drop / (u_min - 1.0))
    alpha_inf = numpyro.deterministic("alpha_inf", a_min - drop - b)
    a_c = alpha_inf[ds] + b[ds] * (N / N_max[ds]) ** -nu[ds]
    p = ndtr((a_c - alpha) / (w0[ds] * (N / N_bar[ds]) ** -omega[ds]))
    with numpyro.plate("data", len(N)):
        numpyro.sample("s", dist.Binomial(n, probs=jnp.clip(p, 1e-6, 1 - 1e-6)), obs=s)


# one chain per CPU device when there are enough of them (set in the first cell), else vectorized
mcmc_kw = dict(num_warmup=SIZES["warmup"], num_samples=SIZES["samples"], num_chains=SIZES["chains"],
               chain_method="parallel" if jax.local_device_count() >= SIZES["chains"] else "vectorized",
               progress_bar=False)


def fit(model, data, seed, **kw):
    mcmc = MCMC(NUTS(model, init_strategy=init_to_median), **mcmc_kw)
    mcmc.run(jax.random.fold_in(key, seed), **data, **kw)
    return mcmc


d2 = p2_counts(runs_p2)
mcmc_2 = fit(threshold_model, d2, 100)
idata_2 = inference.idata_from_mcmc(mcmc_2)
inference.converged_summary(idata_2)

# %% [markdown]
# `inference.converged_summary` raised no error: every parameter, of every data set, has
# $\hat R \le 1.01$ and at least 100 effective draws per chain in the bulk and the tails.

# %%
az.plot_trace(idata_2, var_names=["alpha_c_Nmin", "drop", "nu", "alpha_inf"], compact=True, figsize=(9, 6.5));

# %% [markdown]
# The joint posterior of $\nu$ and $\alpha_\infty$ (left) shows the trade-off the extrapolation
# carries: a larger $\nu$ (faster convergence in $N$) puts $\alpha_\infty$ close to the largest
# networks' threshold, a smaller one far below it. On the right, the posterior of the threshold
# $\alpha_c(N)$ itself, inside and beyond the sizes each data set simulated (shaded bars).

# %%
post_2 = mcmc_2.get_samples()
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
N_line = np.geomspace(50, 1e5, 80)
for i, name in enumerate(DATASETS):
    Ns_i = np.unique(d2["N"][d2["ds"] == i])
    axes[0].plot(post_2["nu"][:, i], post_2["alpha_inf"][:, i], ".", ms=1.5, alpha=0.3, color=style.color(i))
    axes[0].plot([], [], "o", color=style.color(i), label=f"{name}, N ≤ {Ns_i.max()}")
    ac = post_2["alpha_inf"][:, i, None] + post_2["b"][:, i, None] * (N_line / Ns_i.max()) ** -post_2["nu"][:, i, None]
    lo, mid, hi = np.quantile(ac, [0.03, 0.5, 0.97], axis=0)
    axes[1].fill_between(N_line, lo, hi, alpha=0.25, color=style.color(i), label=f"{name}: 94% posterior")
    axes[1].plot(N_line, mid, color=style.color(i))
    axes[1].plot([Ns_i.min(), Ns_i.max()], [0.225 - 0.006 * i] * 2, lw=5, color=style.color(i), solid_capstyle="butt")
for ax in axes:
    ax.axhline(alpha_rs, color="k", ls="--", lw=1, label=r"AGS $\alpha_c = 0.138$")
axes[0].set_xlabel(r"finite-size exponent $\nu$")
axes[0].set_ylabel(r"$\alpha_\infty$ (load $K/N$ as $N \to \infty$)")
axes[0].set_title("Joint posterior")
axes[0].legend(fontsize=8)
axes[1].set_xscale("log")
axes[1].set_xlabel("network size N (neurons)")
axes[1].set_ylabel(r"threshold $\alpha_c(N)$ (load at 50% retrieval)")
axes[1].set_title("Extrapolating the threshold (bars: sizes simulated)")
axes[1].legend(fontsize=8, loc="lower left")
for i, name in enumerate(DATASETS):
    a = post_2["alpha_inf"][:, i]
    print(f"{name}: alpha_inf = {a.mean():.3f} ± {a.std():.3f}, 94% HDI {claims.hdi(a)}; nu = {post_2['nu'][:, i].mean():.2f} ± {post_2['nu'][:, i].std():.2f}")

# %% [markdown]
# **Posterior predictive check.** Replicated counts from the posterior against the observed
# fractions, for each data set and $N$: the bands are 94% predictive intervals.

# %%
def retrieval_ppc(draws, d, title):
    """Observed fractions (points) and 94% predictive bands, one panel per N."""
    Ns = np.unique(d["N"])
    fig, axes = plt.subplots(1, len(Ns), figsize=(2.3 * len(Ns) + 0.6, 2.8), sharey=True, squeeze=False)
    for ax, N in zip(axes[0], Ns, strict=True):
        m = d["N"] == N
        lo, hi = np.quantile(np.asarray(draws)[:, m] / d["n"][m], [0.03, 0.97], axis=0)
        x = d["alpha"][m] if "alpha" in d else d["K"][m]
        ax.fill_between(x, lo, hi, alpha=0.35, label="94% predictive")
        ax.plot(x, d["s"][m] / d["n"][m], "ko", ms=3, label="observed")
        ax.set_title(f"N = {N}", fontsize=10)
        ax.set_xlabel(r"load $\alpha = K/N$" if "alpha" in d else "patterns K")
        if "K" in d:
            ax.set_xscale("log")
            ax.xaxis.set_minor_formatter(NullFormatter())
    axes[0, 0].set_ylabel("fraction retrieved")
    axes[0, 0].legend(fontsize=7)
    fig.suptitle(title, fontsize=11)


ppc_2 = Predictive(threshold_model, inference.thinned(post_2, 200))(jax.random.fold_in(key, 101), d2["ds"], d2["N"], d2["alpha"], d2["n"])
for i, name in enumerate(DATASETS):
    m = d2["ds"] == i
    retrieval_ppc(np.asarray(ppc_2["s"])[:, m], {k: v[m] for k, v in d2.items()}, f"Hopfield network, {name}")

# %% [markdown]
# ### The capacity exponent of dense networks
#
# For $P = 3, 4$ the threshold is a number of patterns, $K_c(N)$, spread over orders of
# magnitude, so the probit acts on $\log K$:
#
# $$
# \Pr(\text{exact recall} \mid K, N) = \Phi\!\left(\frac{\log K_c(N) - \log K}{w(N)}\right),
# \qquad w(N) = w_0\,(N/N_0)^{-\omega}, \qquad N_0 = 40,
# $$
#
# and we compare three models of $K_c(N)$, each with a free exponent $\gamma$:
#
# - **naive power law**: $K_c = c\,(N/N_0)^{\gamma}$;
# - **with the logarithm**: $K_c = c\,(N/N_0)^{\gamma - (P-1)}\,\dfrac{\binom{N-1}{P-1}/2\ln N}
#   {\binom{N_0-1}{P-1}/2\ln N_0}$, the signal-to-noise estimate's leading $N$-dependence (its
#   binomial tends to $N^{P-1}/(P-1)!$) times a free power of $N$;
# - **signal-to-noise form**: the same with $2\ln N$ replaced by $z_N^2$, the median of the
#   largest of $N$ Gaussians squared, which is what the estimate really asks for at finite $N$
#   (`hopfield.snr_capacity`).
#
# In the last two, $\gamma = P - 1$ exactly when the estimate has the right $N$-dependence.
# Priors: $\gamma \sim \mathcal N(1, 2)$, centred on the linear capacity of Hopfield's network
# (no ultra-storage), so that the data, not the prior, must push it up to $P - 1$;
# $\log c \sim \mathcal N(5, 3)$ covers $K_c(N_0)$ from 1 to $10^6$; $w_0 \sim \mathcal N^+(0, 1)$
# and $\omega \sim \mathcal N(0.5, 0.5)$ as above. The fits (three models, two orders, and each
# data set) are independent; they are sampled side by side in one NUTS run, their parameters
# indexed by (data set, model, order).

# %%
N0_DENSE = 40
ORDERS = (3, 4)
MODELS = ("naive power law", "with ln N", "signal-to-noise form")


def dense_counts(runs):
    rows = [(i, P, N, K, int(ok), r.overlap.shape[1]) for i, dense in enumerate(runs) for P in ORDERS
            for N, r in dense[P].items() for K, ok in zip(r.n_patterns, (r.overlap == 1.0).sum(1), strict=True)]
    return {k: np.array(v) for k, v in zip(("ds", "P", "N", "K", "s", "n"), zip(*rows, strict=True), strict=True)}


def log_shape(N, P, threshold):
    """log K_c(N) / K_c(N0) of the signal-to-noise estimate, minus the power (P - 1) log(N/N0)."""
    def log_k(n):
        return np.log([hopfield.snr_capacity(int(a), int(p), threshold) for a, p in zip(n, P, strict=True)])
    return log_k(N) - log_k(np.full_like(N, N0_DENSE)) - (P - 1) * np.log(N / N0_DENSE)


def exponent_model(ds, P, N, K, n, s=None):
    order = (P == 4).astype(int)  # index 0: P = 3, 1: P = 4
    with (numpyro.plate("dataset", ds.max() + 1, dim=-3), numpyro.plate("model", len(MODELS), dim=-2),
          numpyro.plate("order", len(ORDERS), dim=-1)):
        gamma = numpyro.sample("gamma", dist.Normal(1.0, 2.0))
        log_c = numpyro.sample("log_c", dist.Normal(5.0, 3.0))
        w0 = numpyro.sample("w0", dist.HalfNormal(1.0))
        omega = numpyro.sample("omega", dist.Normal(0.5, 0.5))
    x = np.log(N / N0_DENSE)
    shape = np.stack([np.zeros_like(x), log_shape(N, P, "asymptotic"), log_shape(N, P, "median")])  # (model, data)
    g, c, w, om = (v[ds, :, order].T for v in (gamma, log_c, w0, omega))  # (model, data)
    z = (c + g * x + shape - np.log(K)) / (w * jnp.exp(-om * x))
    with numpyro.plate("model_", len(MODELS), dim=-2), numpyro.plate("data", len(N), dim=-1):
        numpyro.sample("s", dist.Binomial(n, probs=jnp.clip(ndtr(z), 1e-6, 1 - 1e-6)), obs=s)


dd = dense_counts(runs_dense)
mcmc_d = fit(exponent_model, dd, 200)
idata_d = inference.idata_from_mcmc(mcmc_d)
inference.converged_summary(idata_d)

# %% [markdown]
# The three models read the same data very differently. For $P = 3$ the naive power law
# reports $\gamma \approx 1.7$, well below 2; the leading logarithm recovers most of the
# deficit ($\approx 1.9$) and the finite-$N$ signal-to-noise form all of it ($\approx 2.0$).
# Between $N = 20$ and $160$, $z_N^2$ grows by a factor of 2, which a fit without it must absorb
# into the exponent. For $P = 4$ the naive fit lands near 3 by a coincidence of two small-$N$
# effects: the missing logarithm lowers the apparent exponent, and $\binom{N-1}{3}$, which grows
# faster than $N^3$ at $N \le 80$, raises it; the signal-to-noise form, which removes both,
# overshoots slightly ($\approx 3.16$), a sign that the one-step estimate does not capture all
# of the finite-size behaviour of the dynamics.

# %%
post_d = mcmc_d.get_samples()
fig, axes = plt.subplots(len(DATASETS), 2, figsize=(10, 3.1 * len(DATASETS) + 0.5), squeeze=False, layout="constrained")
for i, name in enumerate(DATASETS):
    for j, P in enumerate(ORDERS):
        ax = axes[i, j]
        Ns_ij = np.unique(dd["N"][(dd["ds"] == i) & (dd["P"] == P)])
        for k, (model, ls) in enumerate(zip(MODELS, ("-", "--", "-"), strict=True)):
            g = np.asarray(post_d["gamma"][:, i, k, j])
            ax.hist(g, bins=50, density=True, histtype="step", lw=1.8, ls=ls, color=style.color(k), label=model)
            print(f"{name}, P = {P}, N = {Ns_ij.min()}-{Ns_ij.max()}, {model:21s}: gamma = {g.mean():.2f} ± {g.std():.2f}")
        ax.axvline(P - 1, color="k", ls=":", lw=1.2, label="theory: P − 1")
        ax.set_xlabel(r"capacity exponent $\gamma$")
        ax.set_ylabel("posterior density")
        ax.set_title(f"{name}: P = {P}, N = {Ns_ij.min()}–{Ns_ij.max()}", fontsize=10)
fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center", ncol=4)

# %% [markdown]
# **Posterior predictive check** of the signal-to-noise model (the one the claim check uses),
# per data set, order and size.

# %%
ppc_d = Predictive(exponent_model, inference.thinned(post_d, 200))(jax.random.fold_in(key, 201), dd["ds"], dd["P"], dd["N"], dd["K"], dd["n"])
for i, name in enumerate(DATASETS):
    for P in ORDERS:
        m = (dd["ds"] == i) & (dd["P"] == P)
        retrieval_ppc(np.asarray(ppc_d["s"])[:, 2, m], {k: v[m] for k, v in dd.items()},
                      f"P = {P}, {name}: exact recall, signal-to-noise model")

# %% [markdown]
# ## Claim checks
#
# Each check compares the posterior's 94% highest-density interval with a region around the
# literature's value (`emergence.claims`: Kruschke's HDI + ROPE rule), and raises if the verdict
# differs from the one stated here. Checks on this chapter's runs state a verdict per scale;
# checks on the shipped run state one verdict, since its data do not change with the scale.
#
# 1. **Hopfield's capacity, $\alpha_c \approx 0.138$** (AGS, the replica-symmetric value; the
#    seed's replica-symmetry breaking moves it only slightly). Region $0.138 \pm 0.01$: wide
#    enough for those corrections, narrow enough to exclude the thresholds of $0.15$–$0.2$ at
#    which our finite networks retrieve half the time. *Inconclusive* everywhere we could run.
#    With $N \le 240$ (`ci`) or $800$ (`default`) the finite-size exponent is barely
#    constrained; at `default` the data even prefer a slow approach ($\nu \approx 0.3$) and
#    extrapolate to $\alpha_\infty = 0.105 \pm 0.03$, an interval from 0.05 to 0.15. The shipped
#    run, with $N$ up to 3200, pins $\nu = 0.50 \pm 0.13$ and gives $\alpha_\infty = 0.139 \pm
#    0.007$: centred on the AGS value, 87% of the posterior inside the region, but its interval
#    $[0.126, 0.151]$ still pokes out at both ends. The threshold of finite networks is far
#    above 0.138 (about 0.155 at $N = 3200$) and approaches it only like $N^{-1/2}$; deciding
#    the claim at $\pm 0.01$ needs networks of $10^4$ neurons and more. That is the `full`
#    scale, meant for a GPU, which has not been run yet: its verdict below is stated as
#    *inconclusive*, and the check will say so if it is not.
# 2. **The dense capacity exponent, $K_c \propto N^{P-1}$ up to the logarithm**, for $P = 3$ and
#    $P = 4$, from the signal-to-noise model. Region: $P - 1$ within 10% ($2 \pm 0.2$,
#    $3 \pm 0.3$). *Reproduced* at `default`, for $P = 3$ ($\gamma = 2.00 \pm 0.03$) and
#    $P = 4$ ($3.16 \pm 0.07$, in the upper half of the region: the overshoot discussed above),
#    and in the shipped run ($1.97 \pm 0.02$ with $N$ up to 320; $3.18 \pm 0.05$ with
#    $N \le 80$). *Inconclusive* at `ci`, whose few small networks (12 per load, $N \le 80$ and
#    $N \le 40$) leave $\gamma$ uncertain by $\pm 0.1$ and $\pm 0.2$. The `full` scale's verdicts
#    are stated as *reproduced* but have not been run. Without the logarithm the same data give
#    $\gamma \approx 1.7$ for $P = 3$: the naive fit would have called that claim *not
#    reproduced*.

# %%
PAPER_AGS = "Storing infinite numbers of patterns in a spin-glass model of neural networks (Amit, Gutfreund, Sompolinsky 1985)"
PAPER_DENSE = "Replica symmetry breaking in dense neural networks"
CHAPTER = "learning/associative_memory"


def alpha_claim(label):
    return claims.Claim(CHAPTER, PAPER_AGS, f"Hopfield capacity alpha_c (P = 2, N -> infinity), {label}", 0.138,
                        tolerance=0.01, note=f"probit finite-size scaling of retrieval (final m > {RETRIEVED}) from {FLIP:.0%} flips")


def gamma_claim(P, label):
    return claims.Claim(CHAPTER, PAPER_DENSE, f"dense capacity exponent (P = {P}), {label}", P - 1, tolerance=0.1 * (P - 1),
                        note="K_c ~ N^(gamma - P + 1) binom(N-1, P-1) / z_N^2, exact recall")


claims.check(alpha_claim("this run"), post_2["alpha_inf"][:, 0],
             expect={"ci": "inconclusive", "default": "inconclusive", "full": "inconclusive"})

# %%
for j, P in enumerate(ORDERS):
    v = claims.check(gamma_claim(P, "this run"), np.asarray(post_d["gamma"][:, 0, 2, j]),
                     expect={"ci": "inconclusive", "default": "reproduced", "full": "reproduced"})
    print(v)

# %%
if big is not None:
    print(claims.check(alpha_claim("shipped run, N <= 3200"), post_2["alpha_inf"][:, 1], expect="inconclusive"))
    for j, P in enumerate(ORDERS):
        print(claims.check(gamma_claim(P, f"shipped run, N <= {max(runs_dense[1][P])}"),
                           np.asarray(post_d["gamma"][:, 1, 2, j]), expect="reproduced"))

# %%
print(f"chapter ran in {time.perf_counter() - T_START:.0f} s at scale '{SCALE}'")

# %% [markdown]
# ## Going further
#
# - **`full` scale.** `EMERGENCE_SCALE=full` simulates Hopfield networks of up to $10^4$
#   neurons and dense networks up to $N = 320$ ($P = 3$) and $120$ ($P = 4$); it is meant for a
#   GPU. `benchmarks/associative_memory_full_scale.py` runs the same experiments at those sizes
#   and writes the file the inference reads; on a GPU, rerun it and replace the shipped file.
#   The threshold's extrapolation is what needs the larger sizes most.
# - **Exercise.** Start the retrieval from the pattern itself (`FLIP = 0`) and from 15%
#   flipped neurons. How does the threshold move? The difference measures the basin of
#   attraction, which shrinks as the load approaches capacity.
# - **Exercise.** Switch to synchronous updates, `dynamics="sync"` (all neurons at once). Show
#   that some runs end in two-cycles (`converged` is False) and that the energy can rise, which
#   asynchronous updates forbid.
# - **Exercise.** Make the digit patterns less correlated by removing their mean (store
#   $\xi - \langle\xi\rangle$ in the couplings, the "biased patterns" trick) and measure how
#   many digits Hopfield's network then recalls.
