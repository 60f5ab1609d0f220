"""The capacity experiment: random networks at many loads, their retrieval, and the shipped
results of the large runs (saved and loaded with their provenance)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from emergence import data
from emergence.hopfield.network import (
    DYNAMICS,
    _check_order,
    _corrupt,
    _random_spins,
    _retrieve_batched,
)


class LoadScan(NamedTuple):
    """The result of :func:`capacity_scan` for one network size: one row per load.

    Parameters
    ----------
    n_patterns : numpy.ndarray
        Shape ``(L,)``: the loads ``K``.
    overlap : numpy.ndarray
        Shape ``(L, trials)``: final overlap with the pattern each run started near.
    sweeps : numpy.ndarray
        Shape ``(L, trials)``: sweeps run.
    converged : numpy.ndarray or None
        Shape ``(L, trials)``: whether a sweep without flips ended the run (None where a
        shipped file does not record it).
    """

    n_patterns: np.ndarray  # (L,) the loads K
    overlap: np.ndarray  # (L, trials) final overlap with the pattern the run started near
    sweeps: np.ndarray  # (L, trials) sweeps run
    converged: np.ndarray  # (L, trials) whether a sweep without flips ended the run


@partial(jax.jit, static_argnames=("K", "N", "order", "max_sweeps", "dynamics"))
def _scan_chunk(key, n_stored, n_neurons, n_flip, beta, K, N, order, max_sweeps, dynamics):
    """Fresh random patterns, corrupted starts and the dynamics, in one compiled call (rows
    padded to K patterns and N neurons): the final overlap with pattern 0, the sweeps run and
    whether each run converged."""
    B = n_stored.shape[0]
    xi = _random_spins(jax.random.fold_in(key, 0), (B, K, N))
    initial = _corrupt(jax.random.fold_in(key, 1), xi[:, 0, :], n_flip, n_neurons)
    keys = jax.random.split(jax.random.fold_in(key, 2), B)
    r = _retrieve_batched(keys, xi, initial, n_stored, n_neurons, beta, order, max_sweeps, dynamics)
    return r.overlaps[:, 0], r.sweeps, r.converged


def capacity_scan(
    key,
    order: int,
    loads,
    trials: int,
    flip_fraction: float,
    *,
    temperature: float = 0.0,
    sweeps: int = 200,
    dynamics: str = "async",
    max_bytes: float = 2e9,
    pad_below: float = 2e8,
) -> dict:
    """The capacity experiment: retrieval from corrupted patterns at many loads.

    For each size ``N`` and load ``K``, ``trials`` independent networks store ``K`` fresh random
    patterns, start from their first pattern with ``round(flip_fraction * N)`` neurons flipped,
    and run :func:`~emergence.hopfield.network.retrieve`. Each size runs all its loads in one compiled
    call, padded to its largest ``K``, in chunks of trials that keep the patterns under
    ``max_bytes``; sizes whose padded work together stays below ``pad_below`` share one call,
    padded to the largest ``N`` (for small networks compiling costs more than the padding).

    Parameters
    ----------
    key : jax.Array
        The ``jax.random`` key.
    order : int
        ``P`` (>= 2).
    loads : dict of int to array_like
        Each network size ``N`` (>= P) to the loads ``K`` (integers >= 1) to test.
    trials : int
        Networks per ``(N, K)`` (>= 1).
    flip_fraction : float
        Fraction of neurons flipped in the starting state, in [0, 1].
    temperature : float, optional
        ``T >= 0``; default 0.
    sweeps : int, optional
        Most sweeps per run (>= 1); default 200.
    dynamics : str, optional
        ``"async"`` (default) or ``"sync"``.
    max_bytes : float, optional
        Memory for one chunk's patterns; default 2e9.
    pad_below : float, optional
        Neuron-pattern updates per sweep below which sizes share one call; default 2e8.

    Returns
    -------
    dict of int to LoadScan
        One scan per size, in the order of ``loads``.

    Raises
    ------
    ValueError
        If a size, load or setting is out of range.
    """
    order = _check_order(order)
    if not isinstance(loads, dict) or not loads:
        raise ValueError(f"loads must be a non-empty dict {{N: array of K}}, got {loads!r}")
    checked = {}
    for N, Ks in loads.items():
        if isinstance(N, bool) or int(N) != N or N < order:
            raise ValueError(f"network sizes N must be integers >= P = {order}, got {N!r}")
        Ks = np.asarray(Ks)
        if Ks.ndim != 1 or Ks.size == 0 or not np.issubdtype(Ks.dtype, np.integer) or Ks.min() < 1:
            raise ValueError(f"loads[{N}] must be a 1D array of integers >= 1, got {Ks!r}")
        checked[int(N)] = Ks
    if isinstance(trials, bool) or int(trials) != trials or trials < 1:
        raise ValueError(f"trials must be an integer >= 1, got {trials!r}")
    if not 0.0 <= float(flip_fraction) <= 1.0:
        raise ValueError(f"flip_fraction must lie in [0, 1], got {flip_fraction!r}")
    if not float(temperature) >= 0.0 or not np.isfinite(float(temperature)):
        raise ValueError(f"temperature must be finite and >= 0, got {temperature!r}")
    if dynamics not in DYNAMICS:
        raise ValueError(f"dynamics must be one of {DYNAMICS}, got {dynamics!r}")
    if isinstance(sweeps, bool) or int(sweeps) != sweeps or int(sweeps) < 1:
        raise ValueError(f"sweeps must be an integer >= 1, got {sweeps!r}")
    beta = jnp.float32(np.inf if float(temperature) == 0.0 else 1.0 / float(temperature))

    # group sizes (largest first) while the padded work of the group stays small
    groups, sizes = [], sorted(checked, reverse=True)
    for N in sizes:
        if groups:
            g = groups[-1] + [N]
            rows = sum(checked[n].size for n in g) * trials
            if rows * max(checked[n].max() for n in g) * g[0] <= pad_below:
                groups[-1] = g
                continue
        groups.append([N])

    results = {}
    for gi, g in enumerate(groups):
        N_pad = g[0]
        K_pad = int(max(checked[n].max() for n in g))
        row_n = np.concatenate([np.full(checked[n].size, n) for n in g])
        row_k = np.concatenate([checked[n] for n in g])
        per_trial = row_k.size * K_pad * N_pad * 3  # patterns, their random bits, their transpose
        chunk = int(max(1, min(trials, max_bytes // per_trial)))
        out = []
        for c, start in enumerate(range(0, trials, chunk)):
            t = min(chunk, trials - start)
            n_neurons = np.repeat(row_n, t).astype(np.int32)
            n_flip = np.round(float(flip_fraction) * n_neurons).astype(np.int32)
            r = _scan_chunk(
                jax.random.fold_in(jax.random.fold_in(key, gi), c),
                jnp.asarray(np.repeat(row_k, t), jnp.int32),
                jnp.asarray(n_neurons),
                jnp.asarray(n_flip),
                beta,
                K_pad,
                N_pad,
                order,
                int(sweeps),
                dynamics,
            )
            out.append(tuple(np.asarray(a).reshape(row_k.size, t) for a in r))
        m, s, conv = (np.concatenate(a, axis=1) for a in zip(*out, strict=True))
        row = 0
        for n in g:
            L = checked[n].size
            sl = slice(row, row + L)
            results[n] = LoadScan(checked[n].copy(), m[sl], s[sl], conv[sl])
            row += L
    return {N: results[N] for N in checked}


def summarize(scans: dict) -> str:
    """A few lines on the result of :func:`capacity_scan`.

    Parameters
    ----------
    scans : dict of int to LoadScan
        The scans by network size.

    Returns
    -------
    str
        The networks run and, per size, the loads, the sweeps to a fixed point and the runs
        stopped without reaching one.
    """
    n = sum(r.overlap.size for r in scans.values())
    lines = [f"{n} networks"]
    for N, r in scans.items():
        stopped = "" if r.converged is None else f"; stopped without one: {np.mean(~r.converged):.1%}"
        lines.append(
            f"  N = {N:5d}: K = {r.n_patterns.min()}..{r.n_patterns.max()}; sweeps to a fixed point: "
            f"median {np.median(r.sweeps):.0f}, max {r.sweeps.max()}{stopped}"
        )
    return "\n".join(lines)


def save_scans(path, scans: dict, provenance: dict) -> None:
    """Write capacity scans and their provenance to a compressed ``.npz``.

    Arrays ``P{P}_N{N}_K``, ``..._overlap`` (float32), ``..._sweeps`` (int32) and
    ``..._converged``, and the provenance as a JSON string; :func:`load_scans` reads it back.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    scans : dict of int to dict of int to LoadScan
        ``{P: {N: LoadScan}}``.
    provenance : dict
        JSON-able: device, date, command and the experiment's settings.

    Raises
    ------
    ValueError
        If ``scans`` is not of that form or the provenance is not JSON-serializable.
    """
    if not isinstance(scans, dict) or not all(
        isinstance(b, dict) and all(isinstance(s, LoadScan) for s in b.values()) for b in scans.values()
    ):
        raise ValueError(f"scans must be a dict {{P: {{N: LoadScan}}}}, got {type(scans).__name__}")
    try:
        out = {"provenance": json.dumps(provenance)}
    except TypeError as e:
        raise ValueError(f"provenance must be JSON-serializable: {e}") from None
    for P, by_size in scans.items():
        for N, s in by_size.items():
            out[f"P{int(P)}_N{int(N)}_K"] = np.asarray(s.n_patterns)
            out[f"P{int(P)}_N{int(N)}_overlap"] = np.asarray(s.overlap, np.float32)
            out[f"P{int(P)}_N{int(N)}_sweeps"] = np.asarray(s.sweeps, np.int32)
            if s.converged is not None:
                out[f"P{int(P)}_N{int(N)}_converged"] = np.asarray(s.converged, bool)
    np.savez_compressed(path, **out)


@dataclass(frozen=True)
class CapacityExperiment:
    """The capacity experiment's settings.

    Defined once for the two associative-memory pages and their large-run script
    (``benchmarks/associative_memory_full_scale.py``), and recorded in the provenance of the data
    it ships: each run starts from a stored pattern with a fraction ``flip`` of its neurons
    flipped and runs at most ``sweeps`` sweeps (N single-neuron updates each) of the
    zero-temperature dynamics, stopping earlier at a fixed point.

    Parameters
    ----------
    flip : float, optional
        In [0, 0.5); default 0.05.
    sweeps : int, optional
        >= 1; default 400.

    Raises
    ------
    ValueError
        If a setting is out of range.
    """

    flip: float = 0.05
    sweeps: int = 400

    def __post_init__(self):
        if not 0 <= self.flip < 0.5:
            raise ValueError(f"flip must lie in [0, 0.5), got {self.flip!r}")
        if isinstance(self.sweeps, bool) or int(self.sweeps) != self.sweeps or self.sweeps < 1:
            raise ValueError(f"sweeps must be an integer >= 1, got {self.sweeps!r}")


CAPACITY = CapacityExperiment()


def load_scans(path, experiment: CapacityExperiment | None = None, **expected) -> tuple[dict, dict]:
    """Read capacity scans written by :func:`save_scans`, checked against their experiment.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    experiment : CapacityExperiment, optional
        Its fields must equal the provenance's entries of the same name.
    **expected
        Further settings that must match (e.g. ``flip=0.05``).

    Returns
    -------
    scans : dict of int to dict of int to LoadScan
        ``{P: {N: LoadScan}}``, sizes in increasing order (``converged`` None where the file
        does not hold it).
    provenance : dict
        The file's provenance.

    Raises
    ------
    ValueError
        If the file holds no provenance or was made with other settings: results made otherwise
        are never mixed with yours.
    """
    with np.load(path) as f:
        if "provenance" not in f.files:
            raise ValueError(f"{path} holds no 'provenance': not a file written by save_scans")
        scans: dict = {}
        for name in f.files:
            if name.startswith("P") and name.endswith("_K"):
                P, N = (int(x[1:]) for x in name[: -len("_K")].split("_"))
                c = f"P{P}_N{N}_converged"
                scans.setdefault(P, {})[N] = LoadScan(
                    f[name],
                    f[f"P{P}_N{N}_overlap"],
                    f[f"P{P}_N{N}_sweeps"],
                    f[c] if c in f.files else None,
                )
        provenance = json.loads(str(f["provenance"]))
    data.check_provenance(path, provenance, experiment, **expected)
    return {P: dict(sorted(s.items())) for P, s in sorted(scans.items())}, provenance
