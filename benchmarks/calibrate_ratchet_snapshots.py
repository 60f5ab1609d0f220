"""Simulation-based calibration of the ratchet's snapshot model (chapters/stochastic/ratchet_inference).

Draws (V, r, Gamma, eps) from the model's prior, simulates noisy snapshot sequences from the
model's own generative process (the hidden chain with transition matrix expm(Q dt), started in
its stationary state, each reading wrong with probability eps and then uniform over the other
states: exactly the likelihood the model evaluates, so this calibrates the inference, not the
Gillespie kernel), fits each data set with the page's NUTS settings at the chosen scale, and
writes the ranks and coverages to data/calibration/ with provenance.

    python benchmarks/calibrate_ratchet_snapshots.py --scale ci --datasets 100
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpyro

numpyro.set_host_device_count(min(4, os.cpu_count() or 1))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import numpyro.distributions as dist  # noqa: E402
from common import device_name  # noqa: E402
from jax.scipy.linalg import expm  # noqa: E402
from numpyro.infer import MCMC, NUTS, init_to_median  # noqa: E402

from emergence import calibration, inference, markov, scale  # noqa: E402

jax.config.update("jax_enable_x64", True)
N_SITES, S, DT = 3, 6, 0.5
SIZES = {  # the page's snapshot data and NUTS sizes (chapters/stochastic/ratchet_inference.py)
    "ci": dict(snap_paths=75, snapshots=20, warmup=350, samples=900, chains=2),
    "default": dict(snap_paths=200, snapshots=40, warmup=500, samples=1000, chains=4),
}


def snapshot_model(observed, dt):  # the page's model, verbatim
    V = numpyro.sample("V", dist.Normal(0.0, 5.0))
    r = numpyro.sample("r", dist.LogNormal(0.0, 1.5))
    gamma = numpyro.sample("gamma", dist.LogNormal(0.0, 1.5))
    eps = numpyro.sample("eps", dist.Beta(1.0, 9.0))
    Q = markov.flashing_ratchet(V, r, gamma, n_sites=N_SITES)
    P = expm(Q * dt)
    E = (1 - eps) * jnp.eye(S) + eps / (S - 1) * (1 - jnp.eye(S))
    numpyro.factor("snapshots", markov.hmm_log_likelihood(P, E, observed, markov.stationary(Q)))


def sample_prior(key):
    k = jax.random.split(key, 4)
    return {
        "V": 5.0 * jax.random.normal(k[0]),
        "r": jnp.exp(1.5 * jax.random.normal(k[1])),
        "gamma": jnp.exp(1.5 * jax.random.normal(k[2])),
        "eps": jax.random.beta(k[3], 1.0, 9.0),
    }


def make_simulate(n_seq, n_snap):
    def simulate(key, th):
        Q = jnp.asarray(markov.flashing_ratchet(th["V"], th["r"], th["gamma"], n_sites=N_SITES))
        P = expm(Q * DT)
        pi = markov.stationary(Q)
        k0, k1, k2, k3 = jax.random.split(key, 4)
        x = jax.random.choice(k0, S, (n_seq,), p=pi)
        hidden = [x]
        for k in jax.random.split(k1, n_snap - 1):
            x = jax.random.categorical(k, jnp.log(jnp.maximum(P[x], 1e-300)))
            hidden.append(x)
        hidden = jnp.stack(hidden, axis=1)
        wrong = jax.random.bernoulli(k2, th["eps"], hidden.shape)
        shift = jax.random.randint(k3, hidden.shape, 1, S)
        return jnp.where(wrong, (hidden + shift) % S, hidden).astype(jnp.int32)

    return simulate


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--scale", choices=sorted(SIZES), default="ci")
    ap.add_argument("--datasets", type=int, default=100)
    ap.add_argument("--first", type=int, default=0, help="index of the first data set (chunks)")
    ap.add_argument("--join", type=Path, nargs="+", help="join chunk files into one and exit")
    ap.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parents[1] / "data" / "calibration"
    )
    args = ap.parse_args()
    if args.join:
        return join_chunks(args.join, args.out)
    z = SIZES[scale.validate_scale(args.scale)]
    mcmc = MCMC(
        NUTS(snapshot_model, init_strategy=init_to_median, dense_mass=True),
        num_warmup=z["warmup"],
        num_samples=z["samples"],
        num_chains=z["chains"],
        chain_method=inference.chain_method(z["chains"]),
        progress_bar=False,
        jit_model_args=True,  # one compilation for every data set of this shape
    )
    diverging, rhat = [], []

    def fit(key, observed):
        mcmc.run(key, observed, DT, extra_fields=("diverging",))
        idata = inference.idata_from_mcmc(mcmc)
        import arviz as az

        rhat.append(float(az.rhat(idata).to_array().max()))
        diverging.append(int(np.asarray(mcmc.get_extra_fields()["diverging"]).sum()))
        return {k: np.asarray(v) for k, v in mcmc.get_samples().items()}

    t0 = time.perf_counter()
    cal = calibration.run(
        jax.random.key(2027),
        sample_prior,
        make_simulate(z["snap_paths"], z["snapshots"]),
        fit,
        args.datasets,
        n_draws=99,
        first=args.first,
        progress=lambda i, n: (
            print(f"{i}/{n} data sets, {time.perf_counter() - t0:.0f} s", flush=True)
            if i % 10 == 0
            else None
        ),
    )
    if args.datasets >= 10:
        print(calibration.summary(cal))
    rhat, diverging = np.array(rhat), np.array(diverging)
    bad, div = int(np.sum(rhat > 1.01)), int(np.sum(diverging > 0))
    print(f"fits with max r_hat > 1.01: {bad} of {rhat.size}; fits with divergences: {div}")
    provenance = {
        "model": "ratchet snapshot model (chapters/stochastic/ratchet_inference.py)",
        "simulated_from": "the model's generative process (hidden chain expm(Q dt), noisy readings)",
        "scale": args.scale,
        **z,
        "dt": DT,
        "datasets": args.datasets,
        "first": args.first,
        "device": device_name(),
        "cores": os.cpu_count(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python " + " ".join(["benchmarks/" + Path(sys.argv[0]).name, *sys.argv[1:]]),
        "seconds": round(time.perf_counter() - t0),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = (
        args.out / f"ratchet_snapshots_{args.scale}_{args.first}-{args.first + args.datasets - 1}.npz"
    )
    np.savez_compressed(
        path,
        names=np.array(cal.names),
        truths=cal.truths,
        ranks=cal.ranks,
        covered=cal.covered,
        levels=np.array(cal.levels),
        n_draws=cal.n_draws,
        max_rhat=rhat,
        divergences=diverging,
        provenance=json.dumps(provenance),
    )
    print(f"wrote {path}")


def join_chunks(paths, out):
    """One file from chunk files (made in separate processes: XLA's compiled code grows with
    every fit, and one process for a hundred fits can run out of code memory)."""
    parts, provs, extra = [], [], {"max_rhat": [], "divergences": []}
    for p in sorted(paths, key=lambda p: json.loads(str(np.load(p)["provenance"]))["first"]):
        f = np.load(p)
        parts.append(
            calibration.Calibration(
                tuple(f["names"].tolist()),
                f["truths"],
                f["ranks"],
                f["covered"],
                int(f["n_draws"]),
                tuple(f["levels"].tolist()),
            )
        )
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
        "command": "python benchmarks/calibrate_ratchet_snapshots.py --join <the chunks>",
        "chunks": [{k: q[k] for k in ("first", "datasets", "date", "command")} for q in provs],
    }
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"ratchet_snapshots_{prov['scale']}.npz"
    np.savez_compressed(
        path,
        names=np.array(cal.names),
        truths=cal.truths,
        ranks=cal.ranks,
        covered=cal.covered,
        levels=np.array(cal.levels),
        n_draws=cal.n_draws,
        **{k: np.concatenate(v) for k, v in extra.items()},
        provenance=json.dumps(prov),
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
