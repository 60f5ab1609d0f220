"""The calibration script (benchmarks/calibrate.py) on a toy page: it captures the page's own
model, data and NUTS settings, simulates from the model's prior and likelihood, and an exact
model comes out calibrated; a page with fewer fits than asked is a clear error. Every MODELS
entry's fit index points at the model it names (a page whose fits were reordered fails here, not
hours into a calibration run)."""

import ast
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
    monkeypatch.setitem(
        calibrate.MODELS, "toy", dict(page=str(page), model="toy_model", call=0, params=["mu"])
    )
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


def _fitted_models(page):
    """The model named in each ``inference.run_nuts(key, NUTS(model, ...), ...)`` call of a page,
    in the order the page makes them (the pages make their fits at top level, in source order)."""
    tree = ast.parse(Path(page).read_text())
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "run_nuts"
    ]
    names = []
    for c in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
        kernel = c.args[1]
        names.append(kernel.args[0].id if isinstance(kernel, ast.Call) else None)
    return names


@pytest.mark.parametrize("name", sorted(calibrate.MODELS))
def test_each_calibrated_model_is_the_pages_fit_it_names(name):
    spec = calibrate.MODELS[name]
    page = Path(__file__).resolve().parents[1] / spec["page"]
    fitted = _fitted_models(page)
    assert spec["call"] < len(fitted), f"{spec['page']} makes {len(fitted)} fits"
    assert fitted[spec["call"]] == spec["model"], (name, fitted)


def test_a_reordered_page_is_caught_before_any_fit(tmp_path, monkeypatch):
    page = tmp_path / "toy.py"
    page.write_text(PAGE)
    monkeypatch.setitem(
        calibrate.MODELS, "toy", dict(page=str(page), model="other_model", call=0, params=["mu"])
    )
    with pytest.raises(ValueError, match="fits were reordered"):
        calibrate.setup("toy", "ci")
    assert _fitted_models(page) == ["toy_model"]
