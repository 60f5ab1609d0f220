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
# # Broken detailed balance in a flashing ratchet
#
# A Brownian particle in a periodic, asymmetric potential goes nowhere on average: with the
# potential fixed, the system is in equilibrium, every transition is balanced by its reverse
# (*detailed balance*) and no current flows. Switch the potential on and off at random and the
# particle drifts, although no force acts on it on average: the switching pumps energy in, breaks
# detailed balance, and the asymmetry of the potential turns that into directed motion. This is
# the flashing ratchet, the simplest Brownian motor.
#
# Its discrete version, a particle hopping between three sites, is a six-state Markov jump
# process. It is the first test system of one of our seed papers, *Foundation Inference Models
# for Markov Jump Processes* {cite}`seed_fim_mjp`, which infers rate matrices "from noisy and sparse observations" and
# reports that its model infers "discrete flashing ratchet systems". A second seed, *Detailed
# balance in large language model-driven agents* {cite}`seed_llm_detailed_balance`, turns the question around: given observed
# transitions between states, does the process obey detailed balance? It reports that it
# "statistically discover[s] a detailed balance" in the transitions of language-model agents.
# Both are inference problems on a Markov jump process; this chapter solves them for the ratchet,
# where the answers are known exactly.
#
# **Overview.** The chapter has three pages. On this one you will
#
# - meet the model and its exact stationary state, current and entropy production, computed
#   from the generator;
# - simulate the ratchet exactly (Gillespie {cite}`gillespie1977`) with the library's `emergence.markov` kernel and
#   compare occupation and current with the exact values;
# - see the current appear only when the potential flashes, and vanish for slow and for fast
#   switching.
#
# {doc}`ratchet_inference` infers the potential's height, the switching rate and the hopping
# rate with NumPyro, from complete trajectories and then from sparse snapshots read with noise,
# and checks the first seed's claim. {doc}`detailed_balance` tests detailed balance as a
# Bayesian model comparison, on the ratchet and on two equilibrium versions of it, and checks
# the second seed's.

# %% tags=["hide-cell"]
import time

import jax
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np

from emergence import markov, prose, scale, style

style.use()
SCALE = scale.current_scale()
T_START = time.perf_counter()

# %% [markdown]
# Every size comes from the scale knob `EMERGENCE_SCALE` (`ci`, `default` or `full`):
# `show_paths` trajectories of 1000 time units for the first look, and `sweep_paths`
# trajectories of duration `sweep_time` at each switching rate of the current sweep.

# %%
SIZES = scale.pick(
    ci=dict(
        show_paths=200,
        sweep_rates=(0.1, 1.0, 10.0),
        sweep_paths=96,
        sweep_time=500.0,
    ),
    default=dict(
        show_paths=400,
        sweep_rates=(0.03, 0.1, 0.3, 1.0, 2.0, 5.0, 20.0),
        sweep_paths=400,
        sweep_time=1000.0,
    ),
    full=dict(
        show_paths=1000,
        sweep_rates=(0.01, 0.03, 0.1, 0.3, 1.0, 2.0, 5.0, 20.0, 50.0),
        sweep_paths=4000,
        sweep_time=2000.0,
    ),
)
SIZES

# %% [markdown]
# One key for the page, split into a named stream for each use:

# %%
key = jax.random.key(2024)
k_show, k_sweep = jax.random.split(key)

# %% [markdown]
# (model)=
# ## The model
#
# A particle sits on one of $n = 3$ sites $x = 0, 1, 2$ of a ring. When the potential is **on**
# it sees the sawtooth $U_x = V x/(n-1)$: a slow rise $0, V/2, V$ and one steep drop from site
# 2 back to site 0. When it is **off** the ring is flat. The particle hops to a neighbouring site
# $y = x \pm 1$ (mod $n$) at rate
#
# $$
# k_{x\to y} = \Gamma\, e^{-(U_y - U_x)/2k_BT} \quad\text{(on)}, \qquad
# k_{x\to y} = \Gamma \quad\text{(off)},
# $$ (ratchet-rates)
#
# which obeys detailed balance with respect to the Boltzmann weights of the current potential,
# and the potential switches on $\leftrightarrow$ off at rate $r$ wherever the particle is. The
# state is the pair (site, potential), six states in all (`x` on, `x + 3` off). We measure
# energies in $k_BT$ and time in $1/\Gamma$. The chapter's system, `markov.RATCHET` (one
# definition for its three pages), has $V = 4\,k_BT$ and $r = \Gamma$ (the seed paper's ratchet
# uses the same rates with $V = r = 1$; we take a higher potential, whose larger current is
# easier to show).
#
# The generator $Q$ ($Q_{ij}$ the rate of $i \to j$, rows summing to zero) is in the library:

# %%
SYSTEM = markov.RATCHET
N_SITES = SYSTEM.n_sites
Q_TRUE = SYSTEM.generator()
print(SYSTEM)
print("states:", SYSTEM.labels)  # "0+" = site 0, potential on
print(np.array2string(Q_TRUE, precision=3, suppress_small=True))

# %% [markdown]
# (exact-results)=
# ## Exact results from the generator
#
# Everything about the stationary state follows from $Q$ by linear algebra:
#
# - the stationary distribution, $\pi Q = 0$;
# - the net probability current on each link, $J_{ij} = \pi_i Q_{ij} - \pi_j Q_{ji}$, and the
#   particle's **current** around the ring: the net number of jumps $x \to x+1$ per unit time
#   through a cut between two sites (in either potential) is the same for every cut, and the
#   mean velocity $J$, in sites per unit time, is $n$ times it (`markov.ratchet_current`);
# - Schnakenberg's **entropy production rate** {cite}`schnakenberg1976`
#
#   $$
#   \sigma = \tfrac12\sum_{ij} J_{ij}\ln\frac{\pi_i Q_{ij}}{\pi_j Q_{ji}} \geq 0
#   $$ (schnakenberg)
#
#   (in $k_B$ per unit time), zero if and only if detailed balance holds;
# - the **affinity** of a closed cycle of states, $\mathcal A = \ln\prod Q_{ij}/Q_{ji}$ around
#   it. Detailed balance holds if and only if every cycle has zero affinity (Kolmogorov's
#   criterion). Here the cycles that matter go around a square (`markov.ratchet_square`): hop
#   $x \to x+1$ with the potential on, switch off, hop back, switch on. By
#   {eq}`ratchet-rates` its affinity is $-(U_{x+1} - U_x)/k_BT$: the energy the switching
#   injects. For the steep drop $2 \to 0$ it is $+V$; the rings within one potential have zero
#   affinity (a potential is conservative).

# %%
PI_TRUE = markov.stationary(Q_TRUE)
J_TRUE = markov.ratchet_current(Q_TRUE, N_SITES)
SIGMA_TRUE = markov.entropy_production(Q_TRUE)
JUMP_RATE = float(-(PI_TRUE * np.diag(Q_TRUE)).sum())
pi_text = ", ".join(
    f"{s} {p:.4f}" for s, p in zip(SYSTEM.labels, PI_TRUE, strict=True)
)
print(f"stationary distribution: {pi_text}")
print(
    f"current (mean velocity) J = {J_TRUE:.5f} sites per unit time (negative: towards the steep side)"
)
print(
    f"one turn of the ring every {N_SITES / abs(J_TRUE):.0f} time units, {JUMP_RATE:.2f} jumps per unit time"
)
print(f"entropy production rate sigma = {SIGMA_TRUE:.4f} k_B per unit time")
for x in range(N_SITES):
    a = markov.cycle_affinity(Q_TRUE, markov.ratchet_square(x, N_SITES))
    print(f"affinity of square {x}->{(x + 1) % N_SITES}: {a:+.3f}")
print(
    f"affinity of the on-ring 0->1->2: {markov.cycle_affinity(Q_TRUE, (0, 1, 2)):+.3f}"
)
prose.glue(turn_time=N_SITES / abs(J_TRUE), jump_rate=JUMP_RATE)

# %% [markdown]
# The current is negative: the particle drifts towards the *steep* side of the sawtooth. While
# the potential is on, it sits mostly at site 0, the bottom; once it is switched off, the
# particle diffuses, and the top (site 2) is one hop away on the steep side but two hops away
# up the gentle slope. A particle that reached site 2 slides down the steep drop when the
# potential returns (forward), or down the gentle slope (backward): the backward route is
# taken more often. The current is small, one net turn of the ring per
# {glue:text}`turn_time:.0f` time units while the particle makes {glue:text}`jump_rate:.1f`
# jumps per unit time: a ratchet is a weak motor.
#
# (trajectories)=
# ## Trajectories
#
# `markov.gillespie` simulates many trajectories at once (vmapped over trajectories, with a
# fixed buffer of jumps per trajectory, because JAX needs static shapes; `complete` flags any
# trajectory whose buffer filled before the end). The library's tests check it against the exact
# results above: occupation and currents, the exponential law of waiting times, and the exact
# path likelihood. `markov.gillespie_stationary` starts every trajectory in the stationary
# distribution with a buffer the trajectories will not fill, and `markov.ratchet_displacement`
# unwraps the position to follow the net displacement.
#
# A first look: `show_paths` trajectories of 1000 time units, their net displacement, the time
# they spend in each state, and the current they carry.

# %%
N_SHOW, T_SHOW = SIZES["show_paths"], 1000.0
show = markov.gillespie_stationary(k_show, Q_TRUE, N_SHOW, T_SHOW)
disp = np.asarray(markov.ratchet_displacement(show, N_SITES))
dwell, counts = (
    np.asarray(a) for a in markov.path_statistics(show, 2 * N_SITES, T_SHOW)
)
final = disp[np.arange(N_SHOW), np.asarray(show.n_jumps)] / T_SHOW
t_axis = np.linspace(0, T_SHOW, 1001)
on_grid = np.asarray(
    jax.vmap(lambda t: jnp.searchsorted(t, jnp.asarray(t_axis), side="right") - 1)(
        show.times
    )
)
disp_grid = np.take_along_axis(
    disp, on_grid, axis=1
)  # every trajectory's displacement on the grid
print(f"simulated: {int(counts.sum())} jumps in total time {N_SHOW * T_SHOW:.0f}")
print(
    f"current: simulated {final.mean():.5f} +- {final.std() / np.sqrt(N_SHOW):.5f} (SE), exact {J_TRUE:.5f}"
)

# %% tags=["hide-input"]
fig, axes = plt.subplots(
    1, 3, figsize=(13, 3.8), gridspec_kw=dict(width_ratios=[1, 1.6, 1])
)
ax = axes[0]
U_on = SYSTEM.V * np.arange(N_SITES) / (N_SITES - 1)
xs = np.arange(-3, 7)
ax.plot(xs, U_on[xs % N_SITES], "o-", color=style.color(0), label="on: sawtooth")
ax.plot(
    xs,
    np.zeros(xs.size) - 0.6,
    "o-",
    color=style.color(1),
    label="off: flat (shifted down)",
)
ax.annotate(
    "",
    xy=(3, 0),
    xytext=(2, SYSTEM.V),
    arrowprops=dict(arrowstyle="->", color="k", lw=1),
)
ax.text(2.6, SYSTEM.V / 2 + 0.3, "steep\ndrop", fontsize=8)
ax.set(
    xlabel="site (unwrapped; the ring has 3)",
    ylabel="$U_x$ ($k_BT$)",
    title="the potential",
    ylim=(-1.2, 6.2),
)
ax.legend(fontsize=8, loc="upper left", ncol=2)
ax = axes[1]
for i in range(6):
    ax.step(t_axis, disp_grid[i], where="post", lw=0.8, color=style.color(i))
ax.plot(
    t_axis[::50], disp_grid.mean(axis=0)[::50], "k", lw=2, label=f"mean of {N_SHOW}"
)
ax.plot(t_axis, J_TRUE * t_axis, "k:", lw=1.5, label="exact $J\\,t$")
ax.set(
    xlabel="time ($1/\\Gamma$)",
    ylabel="net displacement (sites)",
    title="six trajectories and the mean drift",
)
ax.legend(fontsize=8, loc="lower left")
ax = axes[2]
w = 0.38
ax.bar(np.arange(6) - w / 2, PI_TRUE, w, label="exact $\\pi$", color=style.color(0))
ax.bar(
    np.arange(6) + w / 2,
    dwell / dwell.sum(),
    w,
    label="simulated time fraction",
    color=style.color(2),
)
ax.set_xticks(range(6), SYSTEM.labels)
ax.set(
    xlabel="state (site, potential $\\pm$)",
    ylabel="probability",
    title="stationary occupation",
)
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# Single trajectories wander by tens of sites in either direction; only the mean over many
# shows the drift, and it follows the exact $J t$. The time spent in each state matches $\pi$.
#
# (switching)=
# ## The current needs the switching
#
# With no switching ($r \to 0$) the particle sees a fixed potential: equilibrium, no current.
# With very fast switching ($r \to \infty$) it sees the average potential $U/2$, again a fixed
# potential: no current either. In between, the current rises and falls. The entropy
# production does not fall: it grows with $r$ to a plateau. Fast switching keeps pumping energy
# in (each switch lifts or drops the particle's energy) and all of it is dissipated, but it no
# longer produces motion, so the motor's efficiency, current per entropy produced, goes to zero.
# The curves are exact (from the generator); the points are simulations at $V = 4\,k_BT$:
# the current as the mean net displacement per unit time (with its standard error over
# trajectories), and the entropy production by the plug-in estimator
# $\hat\sigma = \tfrac12\sum_{ij}(\hat n_{ij} - \hat n_{ji})\ln(\hat n_{ij}/\hat n_{ji})$ from
# the jump counts per unit time $\hat n_{ij}$ (its error from eight batches of trajectories).


# %%
def sweep_point(key, r, n_paths, t_max, n_batches=8):
    """The simulated current and plug-in entropy production at switching rate r, from n_paths
    trajectories (the entropy production's error from n_batches batches of them)."""
    Q = markov.flashing_ratchet(SYSTEM.V, r, SYSTEM.gamma, n_sites=N_SITES)
    p = markov.gillespie_stationary(key, Q, n_paths, t_max)
    d = np.asarray(markov.ratchet_displacement(p, N_SITES))
    v = d[np.arange(n_paths), np.asarray(p.n_jumps)] / t_max
    sigma = []
    for batch in np.array_split(np.arange(n_paths), n_batches):
        part = markov.Paths(*(a[batch] for a in p))
        dw, c = (
            np.asarray(a) for a in markov.path_statistics(part, 2 * N_SITES, t_max)
        )
        # Schnakenberg's formula for the maximum-likelihood rates counts / dwell and the
        # empirical occupation, i.e. with the measured jump fluxes counts / time
        sigma.append(
            markov.entropy_production(
                markov.generator(c / dw[:, None]), pi=dw / dw.sum()
            )
        )
    return dict(
        r=r,
        J=v.mean(),
        J_se=v.std() / np.sqrt(v.size),
        sigma=np.mean(sigma),
        sigma_se=np.std(sigma) / np.sqrt(n_batches),
        jumps=int(p.n_jumps.sum()),
    )


t0 = time.perf_counter()
sweep = [
    sweep_point(
        jax.random.fold_in(k_sweep, i), r, SIZES["sweep_paths"], SIZES["sweep_time"]
    )
    for i, r in enumerate(SIZES["sweep_rates"])
]
elapsed = time.perf_counter() - t0
total_jumps = sum(s["jumps"] for s in sweep)
print(
    f"{total_jumps:.3g} jumps simulated in {elapsed:.1f} s ({total_jumps / elapsed:.3g} jumps/s)"
)

rates = np.geomspace(1e-2, 1e2, 121)
exact = {
    V: [markov.flashing_ratchet(V, r, SYSTEM.gamma, n_sites=N_SITES) for r in rates]
    for V in (2.0, 4.0, 6.0)
}

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
for j, (V, Qs) in enumerate(exact.items()):
    axes[0].plot(
        rates,
        [markov.ratchet_current(Q, N_SITES) for Q in Qs],
        color=style.color(j),
        label=f"exact, $V = {V:g}\\,k_BT$",
    )
    axes[1].plot(
        rates, [markov.entropy_production(Q) for Q in Qs], color=style.color(j)
    )
r_sim = np.array([s["r"] for s in sweep])
axes[0].errorbar(
    r_sim,
    [s["J"] for s in sweep],
    yerr=[s["J_se"] for s in sweep],
    fmt="o",
    color="k",
    ms=4,
    label="simulation, $V = 4\\,k_BT$ (SE)",
)
axes[1].errorbar(
    r_sim,
    [s["sigma"] for s in sweep],
    yerr=[s["sigma_se"] for s in sweep],
    fmt="o",
    color="k",
    ms=4,
    label="plug-in estimate, $V = 4\\,k_BT$",
)
axes[0].axhline(0, color="0.6", lw=0.8)
axes[0].set(
    xscale="log",
    xlabel="switching rate $r$ ($\\Gamma$)",
    ylabel="current $J$ (sites per $1/\\Gamma$)",
    title="the current vanishes for slow and fast switching",
)
axes[1].set(
    xscale="log",
    yscale="log",
    xlabel="switching rate $r$ ($\\Gamma$)",
    ylim=(1e-3, None),
    ylabel="$\\sigma$ ($k_B$ per $1/\\Gamma$)",
    title="the entropy production rises to a plateau",
)
axes[0].legend(fontsize=8)
axes[1].legend(fontsize=8)
plt.show()

# %% [markdown]
# The simulated points follow the exact curves. Note how much harder the current is to measure
# than the entropy production: the current is a small drift under a large diffusion, while the
# plug-in entropy production uses every jump. (At small counts the plug-in estimator is biased
# upwards; here every link is crossed thousands of times.) The next page,
# {doc}`ratchet_inference`, uses the same information more efficiently still, through the
# likelihood.

# %%
print(f"page ran in {time.perf_counter() - T_START:.0f} s at scale '{SCALE}'")

# %% [markdown]
# ## Going further
#
# - **Exercise.** At which $V$ is the current largest for $r = \Gamma$? Is it where the entropy
#   production is largest?
# - **Exercise.** Add a fourth site (`markov.Ratchet(n_sites=4)`). How do the current and the
#   affinities of the squares change, and why?
