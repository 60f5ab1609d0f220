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
# # After a quench: relaxation and measurement statistics
#
# The chapter {doc}`eth` showed that the eigenstates of the chaotic mixed-field Ising chain
# look thermal one by one. Here that is put to work: a product state, far from any
# eigenstate, evolves under the chain's Hamiltonian, and a local observable relaxes to a
# value that only the state's energy decides. We then ask what a measurement at late times
# gives, outcome by outcome, and compare three answers: the diagonal ensemble (exact, from
# the eigenstates), the canonical ensemble at the temperature the energy fixes, and the
# maximum-observable-entropy principle of the seed {cite}`seed_eth_moe`, which claims that
# "equilibrium measurement statistics tend to maximize observable entropy under conserved
# average energy".
#
# **Overview.** In this section you will
#
# - quench the chain from a product state and watch $\langle X_1\rangle$ relax;
# - compute the late-time statistics of $M_x = \sum_i X_i$ three ways;
# - draw measurement shots, as a quantum simulator would give them, and infer the temperature
#   from them under the canonical and the maximum-observable-entropy models with NumPyro.

# %% tags=["hide-cell"]
import os
import time

import numpyro

numpyro.set_host_device_count(
    min(4, os.cpu_count() or 1)
)  # one CPU device per chain, before JAX starts

import jax
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np
import numpyro.distributions as dist
from numpyro.infer import NUTS, init_to_median

from emergence import (
    adequacy,
    calibration,
    claims,
    inference,
    prose,
    scale,
    spins,
    streams,
    style,
)

style.use()
SCALE = scale.current_scale()
T_START = time.perf_counter()

# %% [markdown]
# The scale knob `EMERGENCE_SCALE` sets the chain's length, the number of shots and the NUTS
# settings.

# %%
SIZES = scale.pick(
    ci=dict(quench_L=14, shots=4000, warmup=500, samples=1000, chains=2),
    default=dict(quench_L=16, shots=4000, warmup=1000, samples=1000, chains=4),
    full=dict(quench_L=20, shots=4000, warmup=1000, samples=1000, chains=4),
)
key = jax.random.key(2027)
k_shots, k_fit, k_adq = jax.random.split(key, 3)
J, HX, HZ = spins.KIM_HUSE["J"], spins.KIM_HUSE["hx"], spins.KIM_HUSE["hz"]
SIZES

# %% [markdown]
# ## The quench
#
# The chain is the chapter's, $H = J\sum_i Z_iZ_{i+1} + h_x\sum_i X_i + h_z\sum_i Z_i$ on a
# ring at $h_x = 0.9045$, $h_z = 0.8090$ (energies in units of $J$, times in units of
# $\hbar/J$). Prepare every spin along the direction at angle $\theta$ from $+z$ in the $xz$
# plane, a product state $|\psi_0\rangle = \bigotimes_i (\cos\frac\theta2|{\uparrow}\rangle +
# \sin\frac\theta2|{\downarrow}\rangle)$, which is translation and reflection invariant and so
# lies in the $k = 0$, $P = +1$ sector, and let it evolve under $H$. Its energy
# $E_0 = \langle\psi_0|H|\psi_0\rangle$ is conserved; the canonical ensemble with that mean
# energy fixes an effective inverse temperature $\beta_E$.

# %%
QL = SIZES["quench_L"]
THETA = 1.2 * np.pi
q_sec = spins.sector(QL, m=0, parity=1)
q_H = spins.mixed_field_ising(QL, J, HX, HZ)
q_eig = spins.eigh(spins.project(q_H, q_sec))
psi0 = spins.to_sector(spins.product_state(QL, THETA), q_sec)
E0 = float(psi0 @ spins.project(q_H, q_sec) @ psi0)
beta_E = spins.temperature_for_energy(q_eig, E0)
M_x = spins.project(spins.pauli_sum(QL, spins.chain_terms(QL, 1.0, "X")), q_sec)
O_q = spins.in_eigenbasis(M_x / QL, q_eig)
times = np.linspace(0, 30, 601)
o_t = spins.expectation_in_time(q_eig, O_q, psi0, times)
o_de = spins.diagonal_ensemble(q_eig, O_q, psi0)
o_can = float(spins.canonical(q_eig, O_q, beta_E)[0])
print(
    f"L = {QL}, sector dimension {q_sec.dim}; E0/L = {E0 / QL:.4f}, beta_E = {beta_E:.4f}\n"
    f"<X_1>: initial {o_t[0]:.4f}, diagonal ensemble {o_de:.4f}, canonical {o_can:.4f}"
)

# %% tags=["hide-input"]
fig, ax = plt.subplots(figsize=(8, 3.8))
ax.plot(
    times,
    o_t,
    color=style.color(0),
    lw=1.2,
    label=r"$\langle\psi(t)|X_1|\psi(t)\rangle$",
)
ax.axhline(o_de, color="k", lw=1, label="diagonal ensemble")
ax.axhline(
    o_can, color=style.color(1), ls="--", lw=1.2, label=r"canonical at $\beta_E$"
)
ax.set_xlabel(r"time $t$ (units of $\hbar/J$)")
ax.set_ylabel(r"$\langle X_1\rangle$")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# After a transient of a few $\hbar/J$ the observable settles near the diagonal ensemble's
# value, $\sum_n |c_n|^2 O_{nn}$, with temporal fluctuations that shrink with $L$; the
# canonical ensemble at $\beta_E$ is close to it, the difference the finite chain's.
#
# **Measurement statistics.** Measure $M_x = \sum_i X_i$ at a late time. Its outcome $m$ has
# the diagonal-ensemble probability $p_{\rm DE}(m) = \sum_n |c_n|^2 \langle n|P_m|n\rangle$
# ($P_m$ the eigenprojector of $M_x$ in the sector; `spins.outcome_weights`). Two predictions
# that need only the energy: the canonical one, $p_{\rm can}(m) = \mathrm{Tr}(P_m e^{-\beta
# H})/Z$ at $\beta_E$; and maximum observable entropy {cite}`seed_eth_moe`, which we take in
# its simplest form, maximizing $-\sum_m p_m \ln(p_m/d_m)$ ($d_m = \mathrm{Tr}\,P_m$) at fixed
# mean energy for states diagonal in the outcomes, $\rho = \sum_m p_m P_m/d_m$: then
# $p_{\rm MOE}(m) \propto d_m e^{-\beta' \epsilon_m}$ with $\epsilon_m = \mathrm{Tr}(P_m H)/d_m$,
# $\beta'$ fixed by $\sum_m p_m \epsilon_m = E_0$. That is our reading of the principle,
# in the form of the observable thermal state of Anza and Vedral; the seed's abstract does not
# say what else its construction holds fixed, and we could not read the paper. One property of
# this reading matters here: in an eigenspace of $M_x$ the terms $Z_iZ_{i+1}$ and $Z_i$ have
# zero trace (each flips spins in the $x$ basis), so $\epsilon_m = h_x m$, and the reading
# predicts the statistics of a chain whose energy is all in the transverse field.

# %%
outcomes, W = spins.outcome_weights(q_eig, M_x)
c2 = np.abs(q_eig.vectors.T @ psi0) ** 2
p_de = c2 @ W
d_m = W.sum(0)  # Tr P_m in the sector: the columns of W summed over the eigenbasis
eps_m = (q_eig.energies @ W) / d_m


def p_canonical(beta):
    x = -beta * (q_eig.energies - q_eig.energies.min())
    w = np.exp(x - x.max())
    return (w @ W) / w.sum()


def p_moe(beta):
    x = np.log(d_m) - beta * eps_m
    p = np.exp(x - x.max())
    return p / p.sum()


def solve_beta(p_of_beta, energy_of):
    lo, hi = -5.0, 5.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if energy_of(p_of_beta(mid)) > E0 else (lo, mid)
    return 0.5 * (lo + hi)


beta_moe = solve_beta(p_moe, lambda p: p @ eps_m)
p_can = p_canonical(beta_E)
p_mo = p_moe(beta_moe)
tv = {
    "canonical": 0.5 * np.abs(p_can - p_de).sum(),
    "MOE": 0.5 * np.abs(p_mo - p_de).sum(),
}
print(
    f"beta from the energy: canonical {beta_E:.4f}, maximum observable entropy {beta_moe:.4f}\n"
    "total-variation distance from the diagonal ensemble: "
    + ", ".join(f"{k} {v:.4f}" for k, v in tv.items())
)


def canonical_weights(beta):
    """e^{-beta E_n} / Z over the sector's eigenstates."""
    x = -beta * (q_eig.energies - q_eig.energies.min())
    w = np.exp(x - x.max())
    return w / w.sum()


def variance(p, values):
    return p @ values**2 - (p @ values) ** 2


H_q = spins.project(q_H, q_sec)
var_E = {
    "initial state": float(psi0 @ H_q @ H_q @ psi0) - E0**2,
    "canonical": variance(canonical_weights(beta_E), q_eig.energies),
}
for name, p in (("diagonal ensemble", p_de), ("canonical", p_can), ("MOE", p_mo)):
    print(
        f"{name:18s}: <M_x>/L = {p @ outcomes / QL:+.4f}, "
        f"Var(M_x)/L = {variance(p, outcomes) / QL:.3f}"
    )
print(
    f"energy variance / L: initial state {var_E['initial state'] / QL:.3f}, "
    f"canonical at beta_E {var_E['canonical'] / QL:.3f}"
)
# how much of the widths' difference the energy's fluctuations explain: the canonical
# slope d<M_x>/dE squared times the difference of the energy variances
db = 1e-4
dM_dE = (
    (p_canonical(beta_E + db) - p_canonical(beta_E - db))
    @ outcomes
    / (
        (canonical_weights(beta_E + db) - canonical_weights(beta_E - db))
        @ q_eig.energies
    )
)
print(
    f"(dM/dE)^2 (Var_DE(E) - Var_can(E)) / L = "
    f"{dM_dE**2 * (var_E['initial state'] - var_E['canonical']) / QL:+.3f}; "
    f"Var_DE(M)/L - Var_can(M)/L = "
    f"{(variance(p_de, outcomes) - variance(p_can, outcomes)) / QL:+.3f}"
)

# %% tags=["hide-input"]
fig, ax = plt.subplots(figsize=(9, 3.8))
bars = [
    (p_de, "0.3", "diagonal ensemble (exact)"),
    (p_can, style.color(1), r"canonical at $\beta_E$"),
    (p_mo, style.color(2), "maximum observable entropy (our reading)"),
]
for i, (p, color, label) in enumerate(bars):
    ax.bar(outcomes + 0.6 * (i - 1), p, 0.6, color=color, label=label)
ax.set_xlabel(r"outcome $m$ of $M_x = \sum_i X_i$")
ax.set_ylabel("probability")
ax.set_xticks(outcomes)
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# The canonical ensemble gets the mean of $M_x$ right and its width wrong, and that is not a
# finite-size effect. The state's energy distribution $|c_n|^2$ is fixed by the product state,
# with a variance per site (printed above) unlike the canonical ensemble's; $M_x$ is extensive,
# its fluctuations carry the energy's along ($M_x$ and $H$ are correlated through the field
# term), and both variances grow as $L$: the slope $d\langle M_x\rangle/dE$ squared times the
# difference of the energy variances accounts for most of the difference of the widths (the last
# line printed above), and neither factor goes away as $L$ grows. Thermalization is a statement
# about local observables, or about densities such as $M_x/L$ whose fluctuations vanish as $L$
# grows; the full counting statistics of an extensive observable remember the initial energy
# distribution. The maximum-observable-entropy distribution, in our reading, is further off: it
# puts the whole energy in the field term, which asks for a much larger magnetization.
#
# **Inference: the temperature from measurement shots.** A quantum simulator gives not
# probabilities but shots. We draw `shots` outcomes from $p_{\rm DE}$ (what a late-time
# measurement of this state gives), and infer $\beta$ from them twice, once under each
# prediction's model: counts $\sim \text{Multinomial}(N, p_{\rm can}(\beta))$ and
# $\sim \text{Multinomial}(N, p_{\rm MOE}(\beta))$. Prior: $\beta \sim \text{Normal}(0, 0.5)$
# (in units of $1/J$), centred on infinite temperature: the product states of this chain in
# the $xz$ plane reach inverse temperatures from about $-1.06$ ($\theta \approx 0.11\pi$) to
# $0.55$ ($\theta \approx 1.42\pi$) at $L = 14$, within about two standard deviations. (A
# first version had $\text{Normal}(0, 2)$: its calibration fits at $|\beta| \gtrsim 1$,
# where a state is nearly the ground state or the top one and the shots hardly depend on
# $\beta$, diverged in half the runs.) If a prediction describes the measurement
# statistics, the $\beta$ that fits the shots is the one the energy fixes, and the model
# passes its adequacy check.

# %%
rng = streams.numpy_rng(k_shots)
counts = rng.multinomial(SIZES["shots"], p_de / p_de.sum())
shot_data = dict(
    E=jnp.asarray(q_eig.energies - q_eig.energies.min()),
    log_W=jnp.asarray(
        np.log(np.maximum(W, 1e-30))
    ),  # an impossible outcome: p ~ 1e-30
    log_d=jnp.asarray(np.log(d_m)),
    eps=jnp.asarray(eps_m),
    counts=jnp.asarray(counts),
)


def canonical_model(E, log_W, n, counts=None):
    """Shots under the canonical prediction: p(m) = sum_n e^{-beta E_n} <n|P_m|n> / Z,
    in logarithms (at large |beta| most p(m) underflow in float32)."""
    beta = numpyro.sample("beta", dist.Normal(0.0, 0.5))
    logits = jax.nn.logsumexp(-beta * E[:, None] + log_W, axis=0)
    numpyro.sample("counts", dist.Multinomial(n, logits=logits), obs=counts)


def moe_model(log_d, eps, n, counts=None):
    """Shots under maximum observable entropy: p(m) proportional to d_m e^{-beta eps_m}."""
    beta = numpyro.sample("beta", dist.Normal(0.0, 0.5))
    numpyro.sample(
        "counts", dist.Multinomial(n, logits=log_d - beta * eps), obs=counts
    )


n_shots = jnp.asarray(SIZES["shots"])
shot_models = {  # moe: (model, its arguments)
    False: (canonical_model, (shot_data["E"], shot_data["log_W"], n_shots)),
    True: (moe_model, (shot_data["log_d"], shot_data["eps"], n_shots)),
}
nuts_settings = dict(
    num_warmup=SIZES["warmup"],
    num_samples=SIZES["samples"],
    num_chains=SIZES["chains"],
)
fits_beta = {}
fits_beta[False] = inference.run_nuts(
    jax.random.fold_in(k_fit, 20),
    NUTS(canonical_model, init_strategy=init_to_median),
    *shot_models[False][1],
    counts=shot_data["counts"],
    **nuts_settings,
)
fits_beta[True] = inference.run_nuts(
    jax.random.fold_in(k_fit, 21),
    NUTS(moe_model, init_strategy=init_to_median),
    *shot_models[True][1],
    counts=shot_data["counts"],
    **nuts_settings,
)
fits_beta[False]

# %%
fits_beta[True]

# %%
adequacy_beta = {
    moe: adequacy.deviance_check(
        jax.random.fold_in(k_adq, 20 + moe),
        shot_models[moe][0],
        fits_beta[moe].samples,
        *shot_models[moe][1],
        counts=shot_data["counts"],
        name=("maximum-observable-entropy" if moe else "canonical")
        + " shots model",
    )
    for moe in (False, True)
}
adequacy_beta[False]

# %%
adequacy_beta[True]

# %% [markdown]
# **Inference: the late-time magnetization.** What thermalization does promise is the
# value of a density: $\langle M_x\rangle/L$, which equals $\langle X_1\rangle$ by
# translation invariance. From the same shots, $m_i/L \sim \text{Normal}(\mu, \sigma)$
# (a sum of $L$ weakly correlated spins, normal to a good approximation, which the adequacy
# check tests), with $\mu \sim \text{Uniform}(-1, 1)$, the whole range of a magnetization per
# site, and $\sigma \sim \text{HalfNormal}(1)$. The prediction: the canonical
# $\langle X_1\rangle$ at $\beta_E$.


# %%
def magnetization_model(n_sites, shot, m=None):
    mu = numpyro.sample("mu", dist.Uniform(-1.0, 1.0))
    sigma = numpyro.sample("sigma", dist.HalfNormal(1.0))
    with numpyro.plate("shots", shot.shape[0]):
        numpyro.sample("m", dist.Normal(mu * n_sites, sigma * n_sites), obs=m)


shots_m = jnp.asarray(np.repeat(outcomes, counts))
mag_args = (jnp.asarray(float(QL)), jnp.arange(shots_m.size))
fit_mu = inference.run_nuts(
    jax.random.fold_in(k_fit, 30),
    NUTS(magnetization_model, init_strategy=init_to_median),
    *mag_args,
    m=shots_m,
    **nuts_settings,
)
fit_mu

# %%
adequacy_mu = adequacy.deviance_check(
    jax.random.fold_in(k_adq, 30),
    magnetization_model,
    fit_mu.samples,
    *mag_args,
    m=shots_m,
    name="magnetization model",
)
adequacy_mu

# %% [markdown]
# (quench-calibration)=
# ### Are the fits calibrated?
#
# Simulation-based calibration of both shots models at the `default` data size, shipped in
# `data/calibration/` and made by `benchmarks/calibrate.py`.

# %%
cal_beta = calibration.show(
    "eth_shots_default.npz",
    params=["beta"],
    labels={"beta": r"$\beta$"},
    title="Canonical shots model: ECDF of the truth's fractional rank minus uniform",
)
calibration.expect(cal_beta, calibrated=True)

# %%
cal_moe = calibration.show(
    "eth_shots_moe_default.npz",
    params=["beta"],
    labels={"beta": r"$\beta$"},
    title="Maximum-observable-entropy shots model: ECDF of the truth's rank minus uniform",
)
calibration.expect(cal_moe, calibrated=True)

# %%
cal_mu = calibration.show(
    "eth_magnetization_default.npz",
    params=["mu", "sigma"],
    labels={"mu": r"$\mu$", "sigma": r"$\sigma$"},
    title="Magnetization model: ECDF of the truth's fractional rank minus uniform",
)
calibration.expect(cal_mu, calibrated=True)

# %% [markdown]
# (quench-claims)=
# ## The claims
#
# The late-time magnetization per site against the canonical value at $\beta_E$, within
# $\pm 0.02$ (a few percent of the magnetization's range, several times the $1/L$ difference
# between the canonical and microcanonical values at these lengths). And if a prediction
# describes the late-time statistics in full, the temperature fitted to the shots under its
# model equals the one the energy fixes for it; the region is within 5% of that value, for
# each. A model that fails its adequacy check gets no verdict on its temperature (*not
# testable*): a posterior from a model that does not describe the shots decides nothing.
#
# At this build's scale: $\langle X_1\rangle$ from the shots {glue:text}`mu_mean:.4f` $\pm$
# {glue:text}`mu_sd:.4f` against the canonical {glue:text}`o_can:.4f`; $\beta$ from the shots
# {glue:text}`beta_can:.3f` $\pm$ {glue:text}`beta_can_sd:.3f` under the canonical model against
# $\beta_E =$ {glue:text}`beta_E:.3f` from the energy; {glue:text}`beta_moe_fit:.3f` $\pm$
# {glue:text}`beta_moe_sd:.3f` under the maximum-observable-entropy model against $\beta' =$
# {glue:text}`beta_moe:.3f`.

# %%
post = dict(
    mu=np.asarray(fit_mu.samples["mu"]),
    beta_can=np.asarray(fits_beta[False].samples["beta"]),
    beta_moe=np.asarray(fits_beta[True].samples["beta"]),
)
prose.glue(
    mu_mean=post["mu"].mean(),
    mu_sd=post["mu"].std(),
    o_can=o_can,
    beta_can=post["beta_can"].mean(),
    beta_can_sd=post["beta_can"].std(),
    beta_moe_fit=post["beta_moe"].mean(),
    beta_moe_sd=post["beta_moe"].std(),
    beta_E=beta_E,
    beta_moe=beta_moe,
)
EXPECT = dict(
    mu=dict(ci="reproduced", default="reproduced", full="reproduced"),
    beta_can=dict(ci="not testable", default="not testable", full="not testable"),
    beta_moe=dict(ci="not testable", default="not testable", full="not testable"),
)
claims.check(
    claims.Claim(
        "quantum/eth_quench",
        "this book (the canonical ensemble at the quench's energy; ETH)",
        "late-time magnetization per site <X_1> after the quench",
        o_can,
        tolerance=0.02,
    ),
    post["mu"],
    expect=EXPECT["mu"],
    adequacy=adequacy_mu,
    calibration=cal_mu,
)

# %%
claims.check(
    claims.Claim(
        "quantum/eth_quench",
        "this book (the canonical ensemble at the quench's energy)",
        "inverse temperature fitted to the shots (canonical model) / beta from the energy",
        1.0,
        tolerance=0.05,
    ),
    post["beta_can"] / beta_E,
    expect=EXPECT["beta_can"],
    adequacy=adequacy_beta[False],
    calibration=cal_beta,
)

# %%
claims.check(
    claims.Claim(
        "quantum/eth_quench",
        "Observable Statistical Mechanics (seed: maximum observable entropy at fixed energy)",
        "inverse temperature fitted to the shots (MOE model) / beta' from the energy",
        1.0,
        tolerance=0.05,
    ),
    post["beta_moe"] / beta_moe,
    expect=EXPECT["beta_moe"],
    adequacy=adequacy_beta[True],
    calibration=cal_moe,
)

# %%
print(f"section ran in {time.perf_counter() - T_START:.0f} s at scale '{SCALE}'")
