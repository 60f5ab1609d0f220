"""The calibration script (benchmarks/calibrate.py) on a toy page: it captures the page's own
model, data and NUTS settings, simulates from the model's prior and likelihood, and an exact
model comes out calibrated; a page with fewer fits than asked is a clear error."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import calibrate  # noqa: E402
import page_fit  # noqa: E402

PAGE = """# %% [markdown]
# # A toy page

# %%
import jax
import numpy as np
import numpyro.distributions as dist
import numpyro
from numpyro.infer import NUTS

from emergence import inference

y = np.random.default_rng(0).normal(1.3, 0.7, 25)


def toy_model(y, sigma):
    mu = numpyro.sample("mu", dist.Normal(0.0, 2.0))
    numpyro.sample("y", dist.Normal(mu, sigma), obs=y)


# %%
fit = inference.run_nuts(
    jax.random.key(0), NUTS(toy_model), y, 0.7, num_warmup=150, num_samples=150, num_chains=2
)
"""


def test_a_toy_page_is_captured_and_calibrates(tmp_path, monkeypatch):
    page = tmp_path / "toy.py"
    page.write_text(PAGE)
    captured = page_fit.capture(page, 0, "ci")
    assert captured.nuts["num_samples"] == 150 and captured.args[1] == 0.7
    assert captured.kernel.model.__name__ == "toy_model"
    with pytest.raises(ValueError, match="fewer than 2 calls"):
        page_fit.capture(page, 1, "ci")
    monkeypatch.setitem(calibrate.MODELS, "toy", dict(page=str(page), call=0, params=["mu"]))
    _, sample_prior, simulate, fit, diag, jax = calibrate.setup("toy", "ci")
    from emergence import calibration

    cal = calibration.run(jax.random.key(1), sample_prior, simulate, fit, 20, 49, params=["mu"])
    assert cal.ranks.shape == (20, 1) and len(diag["max_rhat"]) == 20
    assert calibration.check(cal)["mu"]["calibrated"]
    # each data set comes from its own prior draw, not the page's data, and the fit follows it
    for i in range(3):
        k = jax.random.split(jax.random.key(10 + i), 3)
        theta = sample_prior(k[0])
        args, kwargs = simulate(k[1], theta)
        y_sim = np.asarray(kwargs["_calibration_data"]["y"])
        assert y_sim.shape == (25,) and not np.allclose(y_sim, captured.args[0])
        assert abs(y_sim.mean() - theta["mu"]) < 4 * 0.7 / 5
        post = fit(k[2], (args, kwargs))
        assert abs(post["mu"].mean() - y_sim.mean()) < 0.1  # the posterior of these data
