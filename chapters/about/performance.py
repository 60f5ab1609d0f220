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
# # Performance
#
# The book's case for JAX is speed that scales from a laptop to a GPU. This page shows how
# fast each of the library's kernels is against the two ways a reader with a CPU would write
# the same simulation: a vectorized **NumPy** version (all trajectories or lattices advanced
# together, one step per Python iteration) and a compiled **numba** loop (one trajectory at a
# time, the usual fast CPU approach). All three run the same ensemble in the same benchmark
# script, and the script checks that they agree (the same avalanche sizes, the same final
# states, or the same mean within statistical error) before it reports a speed.
#
# The numbers come from `make bench`, which writes one file per kernel to `data/benchmarks/`
# with its provenance; this page only reads them, so building the book does not run the
# benchmarks. Each timing is the best of three runs after a warm-up (JAX compiles once per
# shape; the compilation is not counted). Where a file from a GPU run is present, its rows
# appear beside the CPU's.

# %% tags=["hide-cell"]
import json
import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

from emergence import data, prose, style

style.use()
T_START = time.perf_counter()

# %% [markdown]
# The shipped measurements and how they were made:

# %%
KERNELS = {  # file stem: what the kernel does, in the chapter that uses it
    "sandpile": "sandpile relaxation (criticality/sandpile)",
    "langevin": "Langevin integration with work and heat (stochastic/landauer)",
    "markov": "Gillespie jump paths (stochastic/flashing_ratchet)",
    "hopfield": "associative-memory retrieval (learning/associative_memory)",
}
folder = (data.data_dir() / "benchmarks") if data.data_dir() else None
results = {}  # (kernel, platform) -> the file's record
for path in sorted(folder.glob("*.json")) if folder else []:
    kernel, platform = path.stem.rsplit("-", 1)
    results[kernel, platform] = json.loads(path.read_text())
if not results:
    print("no benchmark files in data/benchmarks: run `make bench` to make them")
for (kernel, platform), r in results.items():
    print(f"{kernel} ({platform}), {r['unit']} per second; {r['note']}")
    print(
        data.describe(
            {**r["provenance"], "device": r["provenance"]["device"]},
            ("machine", "cores", "jax"),
        )
    )


# %%
def table(record):
    """One row per ensemble size: throughputs and the ratios of JAX to the references."""
    df = pd.DataFrame(record["rows"])
    out = pd.DataFrame({record["size_name"]: df["size"]})
    for name in ("jax", "numpy", "numba"):
        out[f"{name} ({record['unit']}/s)"] = df[name]
    out["JAX / NumPy"] = df["jax"] / df["numpy"]
    out["JAX / numba"] = df["jax"] / df["numba"].astype(float)
    if "order" in df:
        out.insert(0, "P", df["order"])
    return out


tables = {key: table(r) for key, r in results.items()}

# %% tags=["hide-input"]
cpu = [k for k in KERNELS if (k, "cpu") in results]
fig, axes = plt.subplots(
    1, max(1, len(cpu)), figsize=(3.4 * max(1, len(cpu)), 3.4), squeeze=False
)
for ax, kernel in zip(axes[0], cpu, strict=False):
    for platform, ls in (("cpu", "-"), ("gpu", "--")):
        r = results.get((kernel, platform))
        if r is None:
            continue
        df = pd.DataFrame(r["rows"])
        x = np.arange(len(df)) if kernel == "hopfield" else df["size"]
        for i, name in enumerate(("jax", "numpy", "numba")):
            if df[name].notna().any():
                label = f"{'JAX' if name == 'jax' else name}" + (
                    " (GPU)" if platform == "gpu" else ""
                )
                ax.plot(
                    x, df[name], ls, marker="o", color=style.color(i), label=label
                )
    r = results[kernel, "cpu"]
    if kernel == "hopfield":
        ax.set_xticks(
            range(len(r["rows"])),
            [f"P={q['order']}\nN={q['size']}" for q in r["rows"]],
        )
    else:
        ax.set_xscale("log")
        ax.set_xlabel(r["size_name"])
    ax.set(yscale="log", ylabel=f"{r['unit']} per second", title=kernel)
    ax.legend(fontsize=8)
fig.suptitle(
    "Throughput of the library's kernels and of the two references (higher is faster)"
)
plt.show()

# %% [markdown]
# The tables, with the ratios (above 1: JAX is faster):

# %%
for key, t in tables.items():
    print(f"{key[0]} on {key[1]}:")
    display(t.style.format(precision=3, thousands=",").hide(axis="index"))

# %%
ratio = {
    k: (t["JAX / NumPy"].to_numpy(), t["JAX / numba"].to_numpy())
    for (k, platform), t in tables.items()
    if platform == "cpu"
}
if set(ratio) == set(KERNELS):
    prose.glue(
        **{f"{k}_np_lo": np.nanmin(v[0]) for k, v in ratio.items()},
        **{f"{k}_np_hi": np.nanmax(v[0]) for k, v in ratio.items()},
        **{f"{k}_nb_lo": np.nanmin(v[1]) for k, v in ratio.items()},
        **{f"{k}_nb_hi": np.nanmax(v[1]) for k, v in ratio.items()},
    )
print(f"page ran in {time.perf_counter() - T_START:.1f} s")

# %% [markdown]
# ## What the numbers say
#
# Against NumPy, JAX wins on every kernel: by {glue:text}`sandpile_np_lo:.1f` to
# {glue:text}`sandpile_np_hi:.1f` times for the sandpile, {glue:text}`langevin_np_lo:.1f` to
# {glue:text}`langevin_np_hi:.1f` for Langevin integration, {glue:text}`markov_np_lo:.1f` to
# {glue:text}`markov_np_hi:.1f` for Gillespie paths and {glue:text}`hopfield_np_lo:.1f` to
# {glue:text}`hopfield_np_hi:.1f` for retrieval, because it compiles the whole loop instead of
# paying Python's overhead at every step.
#
# Against a compiled loop it is a different story, and the book says so rather than hide it:
#
# - **Sandpile**: JAX runs at {glue:text}`sandpile_nb_lo:.3f` to
#   {glue:text}`sandpile_nb_hi:.3f` times numba's speed. The kernel relaxes an avalanche in
#   parallel waves, and each wave costs $O(L^2)$ whatever the number of unstable sites; the
#   numba loop keeps a stack of unstable sites and does work in proportion to the topplings.
#   Most avalanches are small, so almost all of JAX's work is on stable sites.
# - **Langevin**: {glue:text}`langevin_nb_lo:.2f` to {glue:text}`langevin_nb_hi:.2f` times
#   numba's speed. Both do the same arithmetic per step; JAX's counter-based random numbers
#   cost more per number than numba's generator on a CPU.
# - **Gillespie**: {glue:text}`markov_nb_lo:.2f` to {glue:text}`markov_nb_hi:.2f` times
#   numba's speed; the kernel spends most of its time drawing its random numbers (the
#   benchmark measures that share), for the same reason.
# - **Retrieval**: {glue:text}`hopfield_nb_lo:.2f` to {glue:text}`hopfield_nb_hi:.2f` times
#   numba's speed: a sequential sweep of single-neuron updates is a loop a compiler can run as
#   well as XLA can; JAX's advantage is the batch of networks it vmaps.
#
# What the CPU does not show is the other half of the case for JAX: the same kernels, unchanged,
# run on a GPU, where the batch dimension (lattices, trajectories, networks) runs in parallel.
# No GPU run has been shipped yet; when one is, its rows appear in the figure (dashed) and the
# tables above.
