import jax
import numpy as np
import pytest

from emergence.streams import numpy_rng


def test_equal_keys_equal_streams_and_different_keys_different_ones():
    a = numpy_rng(jax.random.key(3)).normal(size=5)
    b = numpy_rng(jax.random.key(3)).normal(size=5)
    c = numpy_rng(jax.random.fold_in(jax.random.key(3), 1)).normal(size=5)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    legacy = numpy_rng(jax.random.PRNGKey(3)).normal(size=5)
    np.testing.assert_array_equal(legacy, a)  # the same bits, the same stream


def test_bad_keys():
    with pytest.raises(ValueError, match="key must be a jax.random key, got 3"):
        numpy_rng(3)
    with pytest.raises(ValueError, match=r"a single key, got a batch of shape \(2,\)"):
        numpy_rng(jax.random.split(jax.random.key(0)))
