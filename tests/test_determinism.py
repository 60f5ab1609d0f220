"""Determinism: every public kernel gives bit-identical results for the same key, and different
results for another key.

Each kernel runs twice with one key, the second time after ``jax.clear_caches()`` so that it is
compiled again (a rerun in a fresh kernel compiles again too, or loads the persistent cache);
every array it returns must be equal bit for bit. A third run with another key must differ, so
the comparison cannot pass by returning constants. (That a whole chapter prints the same numbers
when executed twice is checked by ``make test`` itself: tools/rerun_check.py.)
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from emergence import (
    flows,
    inference,
    ising,
    kuramoto,
    langevin,
    markov,
    percolation,
    sandpile,
    streams,
)
from emergence import hopfield as hp

Q = markov.generator(np.array([[0.0, 2.0, 0.5], [0.7, 0.0, 3.0], [2.5, 1.0, 0.0]]))


def _leaves(out):
    if hasattr(out, "_asdict"):
        out = out._asdict()
    elif hasattr(out, "__dataclass_fields__"):
        out = {f: getattr(out, f) for f in out.__dataclass_fields__}
    leaves = jax.tree_util.tree_leaves(out)
    arrays = [np.asarray(x) for x in leaves if hasattr(x, "shape") or isinstance(x, int | float)]
    assert arrays, f"nothing to compare in {type(out)}"
    return arrays


def _same(a, b) -> bool:
    la, lb = _leaves(a), _leaves(b)
    return len(la) == len(lb) and all(
        x.shape == y.shape and x.dtype == y.dtype and x.tobytes() == y.tobytes()
        for x, y in zip(la, lb, strict=True)
    )


def _nuts(key):
    import numpyro
    import numpyro.distributions as dist
    from numpyro.infer import NUTS

    def model(y):
        mu = numpyro.sample("mu", dist.Normal(0.0, 3.0))
        sigma = numpyro.sample("sigma", dist.HalfNormal(2.0))
        numpyro.sample("y", dist.Normal(mu, sigma), obs=y)

    y = jnp.array([0.3, -1.2, 2.5, 0.8, 1.9, -0.4])
    fit = inference.run_nuts(key, NUTS(model), y, num_warmup=500, num_samples=500, num_chains=2)
    return {k: np.asarray(v) for k, v in fit.samples.items()}


KERNELS = {
    "flows.forecast_horizon": lambda k: flows.forecast_horizon(
        k,
        flows.LORENZ,
        np.array([[1.0, 2.0, 20.0], [-3.0, -4.0, 25.0]]),
        [1e-6, 1e-3],
        0.5,
        (9.0, 30.0, 2.5),
        dt=0.01,
        t_max=10.0,
    ),
    "sandpile.random_stable": lambda k: sandpile.random_stable(k, 7, (3,)),
    "sandpile.random_sites": lambda k: sandpile.random_sites(k, 7, 20, (3,)),
    "sandpile.drive": lambda k: sandpile.drive(k, jnp.full((2, 6, 6), 3, jnp.int32), 30),
    "langevin.simulate": lambda k: langevin.simulate(
        k,
        lambda x, t, p: 0.5 * p * jnp.sum((x - 0.7 * t) ** 2),
        jnp.zeros((64, 1)),
        dt=0.01,
        n_steps=40,
        kT=0.6,
        gamma=2.0,
        params=1.7,
        record_every=10,
    ),
    "langevin.sample_boltzmann_1d": lambda k: langevin.sample_boltzmann_1d(
        k, lambda x, t, p: p * jnp.sum((x**2 - 1) ** 2), 500, params=1.5
    ),
    "markov.gillespie": lambda k: markov.gillespie(k, Q, jnp.array([0, 1, 2], jnp.int32), 5.0, 64),
    "markov.gillespie_stationary": lambda k: markov.gillespie_stationary(k, Q, 8, 3.0),
    "markov.sample_hmm": lambda k: markov.sample_hmm(
        k,
        jnp.array([[0.9, 0.1], [0.3, 0.7]]),
        jnp.array([[0.8, 0.2], [0.25, 0.75]]),
        jnp.array([0.5, 0.5]),
        4,
        30,
    ),
    "markov.jump_count_deviance": lambda k: markov.jump_count_deviance(
        k, jnp.stack([Q, 1.3 * Q]), jnp.array([1.0, 2.0, 0.5]), 3 * (jnp.ones((3, 3)) - jnp.eye(3))
    ),
    "ising.random_spins": lambda k: ising.random_spins(k, 6, (2,)),
    "ising.checkerboard": lambda k: ising.checkerboard(
        k,
        jnp.ones((3, 6, 6), jnp.int8),
        jnp.array([1.5, 2.3, 3.1]),
        n_sweeps=20,
        J=0.8,
        h=0.1,
        record=4,
    ),
    "ising.checkerboard (heat bath)": lambda k: ising.checkerboard(
        k, jnp.ones((2, 4, 4), jnp.int8), 2.2, n_sweeps=10, heat_bath=True
    ),
    "ising.swendsen_wang": lambda k: ising.swendsen_wang(
        k, jnp.ones((3, 5, 5), jnp.int8), jnp.array([1.5, 2.3, 3.1]), n_sweeps=20, J=1.2, record=5
    ),
    "kuramoto.simulate": lambda k: kuramoto.simulate(
        k,
        jnp.zeros((2, 30)),
        kuramoto.lorentzian_frequencies(30, 0.4),
        jnp.array([0.6, 1.3]),
        dt=0.05,
        n_steps=20,
        D=jnp.array([0.1, 0.25]),
        record_every=5,
    ),
    "kuramoto.wrapped_cauchy_phases": lambda k: kuramoto.wrapped_cauchy_phases(k, 40, 0.6),
    "percolation.domany_kinzel": lambda k: percolation.domany_kinzel(
        k, percolation.seed(3, 30, 4), jnp.array([0.6, 0.65, 0.7]), 0.8, n_steps=40, origin=4
    ),
    "percolation.spacetime": lambda k: percolation.spacetime(
        k, jnp.ones((2, 20)), 0.63, 0.87, n_steps=9
    ),
    "percolation.annihilation": lambda k: percolation.annihilation(
        k, jnp.ones((2, 30)), jnp.array([0.4, 0.9]), n_steps=25, record_times=[5, 25]
    ),
    "hopfield.random_patterns": lambda k: hp.random_patterns(k, 5, 40, (2,)),
    "hopfield.corrupt": lambda k: hp.corrupt(k, jnp.ones((3, 40), jnp.int8), 0.2),
    "hopfield.retrieve (T = 0)": lambda k: hp.retrieve(
        k, hp.random_patterns(jax.random.key(1), 6, 50), hp.corrupt(k, jnp.ones(50, jnp.int8), 0.3)
    ),
    "hopfield.retrieve (Glauber)": lambda k: hp.retrieve(
        k,
        hp.random_patterns(jax.random.key(1), 6, 50),
        jnp.ones(50, jnp.int8),
        3,
        temperature=0.4,
        sweeps=5,
    ),
    "hopfield.capacity_scan": lambda k: hp.capacity_scan(k, 2, {40: np.array([2, 9])}, 4, 0.1)[40],
    "streams.numpy_rng": lambda k: streams.numpy_rng(k).normal(size=10),
    "inference.sample_normal_moments": lambda k: inference.sample_normal_moments(
        k, jnp.array([5, 12]), jnp.array([0.5, -1.0]), jnp.array([2.0, 0.3])
    ),
    "inference.run_nuts": _nuts,
}


@pytest.mark.parametrize("name", list(KERNELS))
def test_same_key_same_bits_other_key_other_bits(name):
    run = KERNELS[name]
    first = run(jax.random.key(2026))
    jax.clear_caches()
    again = run(jax.random.key(2026))
    assert _same(first, again), f"{name}: the same key gave different results"
    other = run(jax.random.key(7))
    assert not _same(first, other), f"{name}: another key gave the same results"
