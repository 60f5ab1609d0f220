"""The Landauer chapter's `full` scale: the far tails of the erasure work distribution.

Runs the chapter's erasure protocol (``emergence.langevin.erasure_potential``, the same barrier,
tilt and time step as the chapter) for ``--trajectories`` trajectories at each protocol duration
and writes what the chapter shows at every scale to ``data/landauer_full_scale.npz``: the work
histograms (split by the erasure's outcome), the success counts, the work moments, Jarzynski's
exponential averages at the stage boundaries, and the run's provenance (device, date, command,
throughput). Meant for a GPU:

    PYTHONPATH=lib python benchmarks/landauer_full_scale.py --trajectories 10000000
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import jax
import numpy as np

from emergence import langevin

# the chapter's experiment (one definition, in the library); its fields go into the provenance,
# which the chapter checks when it loads the file (emergence.data.load)
EXPERIMENT = langevin.ERASURE
BARRIER, TILT, DT = EXPERIMENT.barrier, EXPERIMENT.tilt, EXPERIMENT.dt
EDGES = np.linspace(-12.0, 16.0, 561)  # work bins of 0.05 kT


def run(taus, n_traj, chunk, seed, dt=DT):
    out = {"taus": np.asarray(taus, float), "edges": EDGES}
    hist_ok, hist_fail, n_ok, moments, jar, split, elapsed, steps = [], [], [], [], [], [], [], []
    key = jax.random.key(seed)
    x_init_key, run_key = jax.random.split(key)
    for i, tau in enumerate(taus):
        n_steps = 4 * round(tau / dt / 4)
        h_ok = np.zeros(EDGES.size - 1)
        h_fail = np.zeros(EDGES.size - 1)
        ok, s1, s2, ej = 0, 0.0, 0.0, np.zeros(5)
        ej_split, ej2_split = np.zeros(2), np.zeros(2)  # sum of e^-W and e^-2W, erased / failed
        t0 = time.perf_counter()
        for c in range(0, n_traj, chunk):
            m = min(chunk, n_traj - c)
            k0 = jax.random.fold_in(x_init_key, i * 100_003 + c)
            k1 = jax.random.fold_in(run_key, i * 100_003 + c)
            x0 = langevin.sample_boltzmann_1d(
                k0, langevin.erasure_potential, m, 0.0, (tau, BARRIER, TILT), lo=-2.5, hi=2.5
            )
            r = langevin.simulate(
                k1,
                langevin.erasure_potential,
                x0,
                dt=dt,
                n_steps=n_steps,
                params=(tau, BARRIER, TILT),
                record_every=n_steps // 4,
            )
            w = np.asarray(r.work, dtype=np.float64)  # (5, m): work at the stage boundaries
            erased = np.asarray(r.x[-1, :, 0]) < 0
            h_ok += np.histogram(w[-1, erased], EDGES)[0]
            h_fail += np.histogram(w[-1, ~erased], EDGES)[0]
            ok += int(erased.sum())
            s1 += float(w[-1].sum())
            s2 += float((w[-1] ** 2).sum())
            ej += np.exp(-w).sum(axis=1)
            for j, m in enumerate((erased, ~erased)):
                ej_split[j] += np.exp(-w[-1, m]).sum()
                ej2_split[j] += np.exp(-2 * w[-1, m]).sum()
        elapsed.append(time.perf_counter() - t0)
        steps.append(n_steps)
        hist_ok.append(h_ok)
        hist_fail.append(h_fail)
        n_ok.append(ok)
        moments.append((s1 / n_traj, s2 / n_traj))
        jar.append(ej / n_traj)
        split.append(np.concatenate([ej_split, ej2_split]) / n_traj)
        print(
            f"tau {tau:6g}: p = {ok / n_traj:.6f}, <W> = {s1 / n_traj:.4f}, {elapsed[-1]:.1f} s",
            flush=True,
        )
    out.update(
        hist_success=np.asarray(hist_ok),
        hist_failure=np.asarray(hist_fail),
        n_success=np.asarray(n_ok),
        n_trajectories=np.asarray(n_traj),
        work_moments=np.asarray(moments),
        jarzynski_mean_exp=np.asarray(jar),
        # per duration: sum over erased, failed of e^-W / n, then the same for e^-2W (for errors)
        jarzynski_split=np.asarray(split),
        seconds=np.asarray(elapsed),
        n_steps=np.asarray(steps),
    )
    return out


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--trajectories", type=int, default=10_000_000)
    ap.add_argument("--chunk", type=int, default=2_000_000)
    ap.add_argument("--taus", type=float, nargs="+", default=[4.0, 16.0, 64.0])
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--dt", type=float, default=DT, help="time step (the chapter's by default)")
    ap.add_argument("--out", default="data/landauer_full_scale.npz")
    args = ap.parse_args()
    data = run(args.taus, args.trajectories, args.chunk, args.seed, args.dt)
    traj_steps = args.trajectories * data["n_steps"].sum()
    provenance = dict(
        command="PYTHONPATH=lib python " + " ".join(sys.argv),
        date=datetime.now(UTC).isoformat(timespec="seconds"),
        device=str(jax.devices()[0].device_kind),
        platform=jax.default_backend(),
        jax=jax.__version__,
        python=platform.python_version(),
        **dataclasses.asdict(dataclasses.replace(EXPERIMENT, dt=args.dt)),
        trajectory_steps_per_second=float(traj_steps / data["seconds"].sum()),
    )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, provenance=json.dumps(provenance), **data)
    print(json.dumps(provenance, indent=1))


if __name__ == "__main__":
    main()
