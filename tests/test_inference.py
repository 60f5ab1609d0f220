import arviz as az
import numpy as np
import pytest

from emergence.inference import NotConverged, converged_summary


def test_well_mixed_chains_pass():
    rng = np.random.default_rng(0)
    idata = az.from_dict(posterior={"x": rng.normal(size=(4, 1000))})
    s = converged_summary(idata)
    assert s.loc["x", "r_hat"] <= 1.01


def test_chains_stuck_in_different_places_fail():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 1000)) + np.array([[0.0], [1.0]])
    with pytest.raises(NotConverged, match="r_hat"):
        converged_summary(az.from_dict(posterior={"x": x}))


def test_strongly_autocorrelated_chains_fail_on_ess():
    rng = np.random.default_rng(2)
    steps = rng.normal(size=(4, 1000)) * 0.02
    x = np.cumsum(steps, axis=1)  # random walks: tiny ESS
    with pytest.raises(NotConverged):
        converged_summary(az.from_dict(posterior={"x": x}))


def test_bad_arguments():
    idata = az.from_dict(posterior={"x": np.zeros((1, 100))})
    with pytest.raises(ValueError, match="at least 2 chains"):
        converged_summary(idata)
    with pytest.raises(ValueError, match="r_hat_max"):
        converged_summary(idata, r_hat_max=0.9)


def test_idata_from_mcmc_keeps_chains_and_divergences():
    import jax
    import numpyro
    import numpyro.distributions as dist
    from numpyro.infer import MCMC, NUTS

    from emergence.inference import idata_from_mcmc

    def model():
        numpyro.sample("x", dist.Normal(1.0, 2.0))

    mcmc = MCMC(
        NUTS(model),
        num_warmup=200,
        num_samples=300,
        num_chains=2,
        chain_method="vectorized",
        progress_bar=False,
    )
    mcmc.run(jax.random.key(0))
    idata = idata_from_mcmc(mcmc)
    assert idata.posterior["x"].shape == (2, 300)
    assert idata.sample_stats["diverging"].shape == (2, 300)
    assert abs(float(idata.posterior["x"].mean()) - 1.0) < 0.5
    s = converged_summary(idata)
    assert s.loc["x", "r_hat"] <= 1.01


def test_thinned_keeps_about_n_evenly_spaced_draws():
    from emergence.inference import thinned

    samples = {"a": np.arange(1000), "b": np.arange(1000) * 2.0}
    t = thinned(samples, 100)
    np.testing.assert_array_equal(t["a"], np.arange(0, 1000, 10))
    np.testing.assert_array_equal(t["b"], 2.0 * t["a"])
    assert len(thinned(samples, 5000)["a"]) == 1000  # never more draws than there are
    with pytest.raises(ValueError, match="n must be >= 1"):
        thinned(samples, 0)


def test_chain_method_matches_the_devices():
    import jax

    from emergence.inference import chain_method

    n = jax.local_device_count()
    assert chain_method(n) == "parallel"
    assert chain_method(n + 1) == "vectorized"
    for bad in (0, 1.5, True):
        with pytest.raises(ValueError, match="num_chains must be an integer >= 1"):
            chain_method(bad)
