"""Simulation-based calibration of the book's verdict-bearing NumPyro models.

    python benchmarks/calibrate.py MODEL --scale default --datasets 100 [--first K]
    python benchmarks/calibrate.py MODEL --join data/calibration/MODEL_default_*.npz

The model, its data's shape and its NUTS settings are the page's own: the page is executed up to
its fit at the chosen scale (``page_fit.capture``), and that fit is repeated on data simulated
from the model with parameters drawn from the model's prior. Where the observations are
``sample`` sites the data come from the model's own likelihood (``adequacy.unobserve``); where the
page writes its likelihood as a ``factor`` the MODELS entry below simulates the generative process
the factor evaluates (and says so in the file's provenance). Every data set has the shape of the
page's data, so one compilation serves all fits. The page's chains run
sequentially (one compilation then serves every fit); run one process per core
on chunks of the data sets (--first, --datasets) and join them. Results go to
data/calibration/MODEL_SCALE.npz with their provenance.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from common import device_name
from page_fit import capture

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "calibration"


# ---- simulators for likelihoods the pages write as factors -------------------------------------
def simulate_ratchet_paths(page, key, theta):
    """Complete paths from the Gillespie kernel (markov.gillespie_stationary), one set per plate
    element with its own parameters, reduced to the dwell times and jump counts the page fits."""
    import jax
    import jax.numpy as jnp

    ns = page.namespace
    markov, sizes, n_sites, S = ns["markov"], ns["SIZES"], ns["N_SITES"], ns["S"]
    dwell, counts = [], []
    for d, f in enumerate(ns["FRACTIONS"]):
        Q = markov.flashing_ratchet(
            float(theta["V"][d]), float(theta["r"][d]), float(theta["gamma"][d]), n_sites=n_sites
        )
        paths = markov.gillespie_stationary(
            jax.random.fold_in(key, d), Q, sizes["fit_paths"] // f, sizes["fit_time"]
        )
        w, c = markov.path_statistics(paths, S, sizes["fit_time"])
        dwell.append(w)
        counts.append(c)
    return (jnp.stack(dwell), jnp.stack(counts)), {}


def simulate_ratchet_snapshots(page, key, theta):
    """The hidden chain sampled on the snapshot grid with P = expm(Q dt) from its stationary
    state, each reading wrong with probability eps and then uniform over the other states
    (markov.sample_hmm): exactly the hidden Markov model the page's factor evaluates."""
    import jax.numpy as jnp
    from jax.scipy.linalg import expm

    ns = page.namespace
    markov, S, n_sites = ns["markov"], ns["S"], ns["N_SITES"]
    observed, dt = page.args
    Q = jnp.asarray(
        markov.flashing_ratchet(
            float(theta["V"]), float(theta["r"]), float(theta["gamma"]), n_sites=n_sites
        )
    )
    eps = float(theta["eps"])
    E = (1 - eps) * jnp.eye(S) + eps / (S - 1) * (1 - jnp.eye(S))
    readings = markov.sample_hmm(key, expm(Q * dt), E, markov.stationary(Q), *observed.shape)
    return (readings, dt), {}


def simulate_erasure(page, key, theta):
    """Per duration: erased count ~ Binomial(n, p) and the erased works ~ Normal(mu, sigma) reduced
    to their sum and sum of squares (the moments the page's factor takes); the failed works
    ~ Normal(mu_fail, sigma_fail). The number of failed works is kept at the page's (shapes stay
    fixed); the posterior factorizes into (W_inf, B, sigma | moments), (p | counts) and
    (mu_fail, sigma_fail | failed works), so each factor is calibrated exactly."""
    import jax
    import jax.numpy as jnp

    from emergence import inference

    groups, fail_work = page.args
    k = jax.random.split(key, 3)
    n = groups["n"]
    n_ok = jax.random.binomial(k[0], n, jnp.asarray(theta["p"])).astype(float)
    n_ok = jnp.maximum(n_ok, 2.0)  # the moments need two works (p near 0: a rare edge)
    s1, s2 = inference.sample_normal_moments(k[1], n_ok, theta["mu_erased"], theta["sigma"])
    fail = theta["mu_fail"] + theta["sigma_fail"] * jax.random.normal(k[2], fail_work.shape)
    return ({"n": n, "n_ok": n_ok, "s1": s1, "s2": s2}, fail), {}


MODELS = {
    "sandpile_activity": dict(
        page="chapters/criticality/sandpile.py",
        model="activity_model",
        call=0,
        params=["a", "u_star_32", "theta", "beta"],
    ),
    "sandpile_size": dict(
        page="chapters/criticality/sandpile.py",
        model="size_model",
        call=1,
        params=["tau", "D", "log_sc_ref"],
    ),
    "ising_fss": dict(
        page="chapters/criticality/ising.py",
        model="fss_model",
        call=0,
        params=["Tc", "nu", "U_star", "gamma_nu", "d", "e"],
    ),
    "sync_transient": dict(
        page="chapters/criticality/synchronization.py",
        model="transient_model",
        call=0,
        params=["gamma", "K", "sigma", "floor"],
    ),
    "sync_threshold": dict(
        page="chapters/criticality/synchronization.py",
        model="threshold_model",
        call=2,
        params=["K_c", "s", "m", "sigma", "floor"],
    ),
    "dp_scaling": dict(
        page="chapters/criticality/directed_percolation.py",
        model="dp_model",
        call=0,
        params=["p_c", "delta", "kappa", "a", "c", "g", "h"],
    ),
    "dp_annihilation": dict(
        page="chapters/criticality/directed_percolation.py",
        model="gas_model",
        call=1,
        params=["A", "b", "c"],
    ),
    "eth_ratio": dict(
        page="chapters/quantum/eth.py",
        model="ratio_model",
        call=0,
        params=["mu", "tau"],
    ),
    "eth_exponent": dict(
        page="chapters/quantum/eth.py",
        model="exponent_model",
        call=1,
        params=["gamma", "mu_a", "tau_a", "kappa"],
    ),
    "eth_shots": dict(
        page="chapters/quantum/eth_quench.py",
        model="canonical_model",
        call=0,
        params=["beta"],
    ),
    "eth_shots_moe": dict(
        page="chapters/quantum/eth_quench.py",
        model="moe_model",
        call=1,
        params=["beta"],
    ),
    "eth_magnetization": dict(
        page="chapters/quantum/eth_quench.py",
        model="magnetization_model",
        call=2,
        params=["mu", "sigma"],
    ),
    "chaos_segments": dict(
        page="chapters/complexity/chaos.py",
        model="segment_model",
        call=0,
        params=["lam", "tau"],
    ),
    "chaos_horizon": dict(
        page="chapters/complexity/chaos.py",
        model="horizon_model",
        call=1,
        params=["s", "c"],
    ),
    "chaos_window": dict(  # run with --scale ci: the ci build's claims rest on this fit
        page="chapters/complexity/chaos_inference.py",
        model="lorenz_model",
        call=0,
        params=["sigma", "rho", "beta", "noise"],
    ),
    "chaos_windows": dict(  # at default: one window 0, dense 1, long record 2, four windows 3
        page="chapters/complexity/chaos_inference.py",
        model="lorenz_model",
        call=3,
        params=["sigma", "rho", "beta", "noise"],
    ),
    "landauer_erasure": dict(
        page="chapters/stochastic/landauer.py",
        model="erasure_model",
        call=0,
        params=["W_inf", "B", "mu_fail", "sigma_fail"],
        simulate=simulate_erasure,
        simulated_from="the model's generative process (binomial successes, Gaussian works "
        "reduced to the moments the factor takes); the failures' count held at the page's",
    ),
    "ratchet_paths": dict(
        page="chapters/stochastic/ratchet_inference.py",
        model="ratchet_model",
        call=0,
        params=["V", "r", "gamma"],
        simulate=simulate_ratchet_paths,
        simulated_from="the chapter's Gillespie kernel (markov.gillespie_stationary)",
    ),
    "ratchet_snapshots": dict(
        page="chapters/stochastic/ratchet_inference.py",
        model="snapshot_model",
        call=1,
        params=["V", "r", "gamma", "eps"],
        simulate=simulate_ratchet_snapshots,
        simulated_from="the model's generative process (hidden chain expm(Q dt), noisy readings)",
    ),
    "hopfield_threshold": dict(
        page="chapters/learning/associative_memory.py",
        model="threshold_model",
        call=0,
        params=["alpha_c_Nmin", "drop", "nu", "alpha_inf"],
    ),
    "dense_exponent": dict(
        page="chapters/learning/dense_associative_memory.py",
        model="exponent_model",
        call=0,
        params=["gamma"],
    ),
}


def setup(name, scale):
    """The page's fit, a prior sampler, a simulator and a fit function for calibration.run."""
    spec = MODELS[name]
    page = capture(spec["page"], spec["call"], scale)
    if page.kernel.model.__name__ != spec["model"]:
        raise ValueError(
            f"{spec['page']}'s fit {spec['call']} is {page.kernel.model.__name__}, not "
            f"{spec['model']}: the page's fits were reordered, set MODELS[{name!r}]['call']"
        )
    import jax
    from numpyro import handlers
    from numpyro.infer import MCMC, Predictive

    from emergence import adequacy, inference

    model = page.kernel.model
    custom = spec.get("simulate")
    latent_draw = Predictive(model if custom else adequacy.unobserve(model), num_samples=1)
    observed = {} if custom else adequacy.observed_sites(model, *page.args, **page.kwargs)

    def sample_prior(key):
        draw = latent_draw(key, *page.args, **page.kwargs)
        return {k: np.asarray(v[0]) for k, v in draw.items() if k not in observed}

    if custom:
        kernel = page.kernel

        def simulate(key, theta):
            return custom(page, key, theta)
    else:
        # the page's design (sizes, totals, covariates) closed over, only the observations
        # traced: models that take a plate's size from their arguments stay jittable
        def conditioned(_calibration_data):
            with handlers.condition(data=_calibration_data):
                return model(*page.args, **page.kwargs)

        kernel = copy.copy(page.kernel)
        kernel._model = conditioned

        def simulate(key, theta):
            latents = {k: v[None] for k, v in theta.items()}
            rep = Predictive(adequacy.unobserve(model), posterior_samples=latents)(
                key, *page.args, **page.kwargs
            )
            return (), {"_calibration_data": {k: rep[k][0] for k in observed}}

    n = page.nuts
    mcmc = MCMC(
        kernel,
        num_warmup=n["num_warmup"],
        num_samples=n["num_samples"],
        num_chains=n["num_chains"],
        # sequential chains: NumPyro reuses one compilation for every data set of this shape
        # only then (with parallel chains each run compiles anew, and a hundred runs exhaust
        # the process's code memory); run two processes, one per core, to use the machine
        chain_method="sequential",
        progress_bar=False,
        jit_model_args=True,
    )
    diagnostics = {"max_rhat": [], "divergences": [], "seconds": []}

    def fit(key, data):
        import arviz as az

        args, kwargs = data
        t0 = time.perf_counter()
        mcmc.run(key, *args, extra_fields=("diverging",), **kwargs)
        idata = inference.idata_from_mcmc(mcmc)
        rhat = az.rhat(idata, var_names=[v for v in spec["params"] if v in idata.posterior])
        diagnostics["max_rhat"].append(float(rhat.to_array().max()))
        diagnostics["divergences"].append(int(np.asarray(mcmc.get_extra_fields()["diverging"]).sum()))
        diagnostics["seconds"].append(time.perf_counter() - t0)
        return {k: np.asarray(v) for k, v in mcmc.get_samples().items()}

    return page, sample_prior, simulate, fit, diagnostics, jax


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("model", choices=sorted(MODELS))
    ap.add_argument("--scale", choices=("ci", "default", "full"), default="default")
    ap.add_argument("--datasets", type=int, default=100)
    ap.add_argument("--first", type=int, default=0, help="index of the first data set (chunks)")
    ap.add_argument("--join", type=Path, nargs="+", help="join chunk files into one and exit")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    if args.join:
        return join_chunks(args.model, args.join, args.out)
    t_start = time.perf_counter()
    page, sample_prior, simulate, fit, diag, jax = setup(args.model, args.scale)
    from emergence import calibration

    spec = MODELS[args.model]
    t_setup = time.perf_counter() - t_start
    t0 = time.perf_counter()
    cal = calibration.run(
        jax.random.key(2027),
        sample_prior,
        simulate,
        fit,
        args.datasets,
        n_draws=99,
        first=args.first,
        params=spec["params"],
        progress=lambda i, n: print(f"{i}/{n} data sets, {time.perf_counter() - t0:.0f} s", flush=True),
    )
    if cal.ranks.shape[0] >= 10:
        print(calibration.summary(cal))
    extra = {k: np.array(v) for k, v in diag.items()}
    bad = int(np.sum(extra["max_rhat"] > 1.01))
    div = int(np.sum(extra["divergences"] > 0))
    print(f"fits with max r_hat > 1.01: {bad} of {len(extra['max_rhat'])}; with divergences: {div}")
    data_shapes = [list(np.shape(a)) for a in jax.tree_util.tree_leaves((page.args, page.kwargs))]
    provenance = {
        "model": f"{args.model} ({spec['page']}, fit {spec['call']})",
        "simulated_from": spec.get(
            "simulated_from",
            "the model's own likelihood (its observed sites drawn from their distributions)",
        ),
        "scale": args.scale,
        "nuts": {k: v for k, v in page.nuts.items() if k != "var_names"},
        "data_shapes": data_shapes,
        "datasets": args.datasets,
        "first": args.first,
        "device": device_name(),
        "cores": os.cpu_count(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python " + " ".join(["benchmarks/" + Path(sys.argv[0]).name, *sys.argv[1:]]),
        "seconds": round(time.perf_counter() - t0),
        "setup_seconds": round(t_setup),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    last = args.first + args.datasets - 1
    path = args.out / f"{args.model}_{args.scale}_{args.first}-{last}.npz"
    calibration.save(path, cal, provenance, **extra)
    print(f"wrote {path}")


def join_chunks(name, paths, out):
    """One file from chunk files (made in separate processes, e.g. one per core)."""
    from emergence import calibration

    parts, provs, extra = [], [], {"max_rhat": [], "divergences": [], "seconds": []}
    for p in sorted(paths, key=lambda p: json.loads(str(np.load(p)["provenance"]))["first"]):
        parts.append(calibration.load(p))
        f = np.load(p)
        provs.append(json.loads(str(f["provenance"])))
        for k in extra:
            extra[k].append(f[k])
    cal = calibration.join(parts)
    print(calibration.summary(cal))
    prov = {
        **provs[0],
        "datasets": int(cal.ranks.shape[0]),
        "first": 0,
        "seconds": sum(q["seconds"] for q in provs),
        "command": f"python benchmarks/calibrate.py {name} --join <the chunks>",
        "chunks": [{k: q[k] for k in ("first", "datasets", "date", "command")} for q in provs],
    }
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}_{prov['scale']}.npz"
    calibration.save(path, cal, prov, **{k: np.concatenate(v) for k, v in extra.items()})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
