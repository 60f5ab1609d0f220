import numpy as np
import pytest

from emergence import prose


def test_glue_records_numbers_for_the_book(monkeypatch):
    import myst_nb

    seen = {}
    monkeypatch.setattr(
        myst_nb, "glue", lambda name, value, display: seen.update({name: (value, display)})
    )
    import jax.numpy as jnp

    prose.glue(W_inf_mean=np.float32(0.6931), n=3, a_mean=jnp.asarray([-0.52, 0.1]).mean())
    assert seen == {
        "W_inf_mean": (pytest.approx(0.6931), False),
        "n": (3.0, False),
        "a_mean": (pytest.approx(-0.21), False),
    }


def test_glue_refuses_what_is_not_a_number():
    with pytest.raises(ValueError, match="glue label: need a real number, got 'ci'"):
        prose.glue(label="ci")
    with pytest.raises(ValueError, match="need a real number"):
        prose.glue(flag=True)
    with pytest.raises(ValueError, match="need a real number"):
        prose.glue(draws=np.ones(3))
