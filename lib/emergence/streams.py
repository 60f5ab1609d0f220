"""Random streams: NumPy and SciPy randomness seeded from a ``jax.random`` key.

A page splits its key into named streams where it uses them (``k_sim, k_fit =
jax.random.split(key)``); where NumPy or SciPy draws random numbers (a binomial predictive
draw, an importance sampler), the generator comes from one of those keys, so that the page has
one seed and changing it changes every random number on the page.
"""

from __future__ import annotations

import jax
import numpy as np


def numpy_rng(key) -> np.random.Generator:
    """A NumPy generator seeded from a ``jax.random`` key.

    Parameters
    ----------
    key : jax.Array
        A typed key (``jax.random.key``) or a legacy ``uint32`` key (``jax.random.PRNGKey``).

    Returns
    -------
    numpy.random.Generator
        Seeded with the key's bits: equal keys give equal streams, different keys
        independent ones.

    Raises
    ------
    ValueError
        If ``key`` is not a single ``jax.random`` key.
    """
    if isinstance(key, jax.Array) and jax.dtypes.issubdtype(key.dtype, jax.dtypes.prng_key):
        if key.shape != ():
            raise ValueError(f"key must be a single key, got a batch of shape {key.shape}")
        bits = np.asarray(jax.random.key_data(key))
    elif isinstance(key, jax.Array) and key.dtype == np.uint32 and key.shape == (2,):
        bits = np.asarray(key)
    else:
        raise ValueError(f"key must be a jax.random key, got {key!r}")
    return np.random.default_rng([int(b) for b in bits.ravel()])
