"""Posterior predictive checks (emergence.adequacy): they pass a model that generated its data and
fail one that did not, at the stated false-alarm rate, and the handler behind them replicates only
the observed sites."""

import jax
import numpy as np
import numpyro
import numpyro.distributions as dist
import pytest
from numpyro import handlers

from emergence import adequacy

A0, B0 = 2.0, 0.5  # Gamma prior of a Poisson rate (shape, rate)


def poisson_model(y1, y2):
    lam = numpyro.sample("lam", dist.Gamma(A0, B0))
    numpyro.sample("y1", dist.Poisson(lam), obs=y1)
    numpyro.sample("y2", dist.Poisson(lam), obs=y2)


def exact_posterior(rng, y1, y2, n=2000):
    """The conjugate Gamma posterior of the rate: no sampler in the way of the check."""
    y = np.concatenate([y1, y2])
    return {"lam": rng.gamma(A0 + y.sum(), 1.0 / (B0 + y.size), n)}


def test_unobserve_replicates_only_the_observed_sites():
    y1, y2 = np.full(50, 3), np.full(30, 4)
    h = adequacy.unobserve(sites=["y1"])
    tr = handlers.trace(handlers.seed(handlers.substitute(h(poisson_model), {"lam": 37.5}), 0))
    tr = tr.get_trace(y1, y2)
    assert set(h.observed) == {"y1"} and np.all(np.asarray(h.observed["y1"]) == 3)
    rep = np.asarray(tr["y1"]["value"])
    assert rep.shape == (50,) and abs(rep.mean() - 37.5) < 5  # drawn at the substituted rate
    assert np.all(np.asarray(tr["y2"]["value"]) == 4) and tr["y2"]["is_observed"]
    # the replicated site is a draw now, and marked as a replica
    assert tr["y1"]["is_observed"] is False and tr["y1"]["infer"]["emergence_replicated"] is True
    assert "emergence_replicated" not in tr["y2"]["infer"]
    assert list(adequacy.observed_sites(poisson_model, y1, y2)) == ["y1", "y2"]


def test_a_model_that_made_its_data_passes_and_an_overdispersed_one_fails():
    rng = np.random.default_rng(7)
    lam = 3.7
    y1, y2 = rng.poisson(lam, 150), rng.poisson(lam, 120)
    good = adequacy.deviance_check(
        jax.random.key(0), poisson_model, exact_posterior(rng, y1, y2), y1, y2, name="Poisson"
    )
    assert good.adequate, good
    assert set(good.p_values) == {"y1", "y2", "total", "worst observation"}
    assert all(p > 0.05 for p in good.p_values.values())
    # the second group overdispersed (negative binomial, same mean): the check must see it
    y2_wide = rng.negative_binomial(2.0, 2.0 / (2.0 + lam), 120)
    bad = adequacy.deviance_check(
        jax.random.key(0),
        poisson_model,
        exact_posterior(rng, y1, y2_wide),
        y1,
        y2_wide,
        name="Poisson",
    )
    assert not bad.adequate and "y2" in bad.failing
    assert "the Poisson does not describe its data" in bad.reason()
    assert "NOT ADEQUATE" in str(bad) and "admonition danger" in bad._repr_html_()
    grouped = adequacy.deviance_check(
        jax.random.key(1),
        poisson_model,
        exact_posterior(rng, y1, y2_wide),
        y1,
        y2_wide,
        groups={"both": ["y1", "y2"]},
    )
    assert set(grouped.p_values) == {"both", "worst observation"}
    with pytest.raises(ValueError, match="not observed"):
        adequacy.deviance_check(
            jax.random.key(1),
            poisson_model,
            exact_posterior(rng, y1, y2),
            y1,
            y2,
            groups={"g": ["y3"]},
        )


def test_false_alarms_stay_below_the_stated_rate():
    """Fifty data sets from the model itself: a check at 0.01 fails at most a few of them (the
    deviance p-value is conservative, so none is the likely outcome; 3 of 50 has probability
    0.014 even at the nominal rate)."""
    rng = np.random.default_rng(11)
    failed = 0
    for i in range(50):
        lam = rng.gamma(A0, 1.0 / B0)
        y1, y2 = rng.poisson(lam, 40), rng.poisson(lam, 40)
        a = adequacy.deviance_check(
            jax.random.key(i),
            poisson_model,
            exact_posterior(rng, y1, y2, 500),
            y1,
            y2,
            n_draws=500,
        )
        failed += not a.adequate
    assert failed <= 2


def test_predictive_pvalue_and_bad_input():
    assert adequacy.predictive_pvalue([1.0, 2.0, 3.0, 4.0], [0.0, 2.0, 5.0, 5.0]) == 0.75
    with pytest.raises(ValueError, match="one value per draw"):
        adequacy.predictive_pvalue([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="NaN"):
        adequacy.predictive_pvalue([np.nan], [1.0])
    assert adequacy.predictive_pvalue([np.inf, np.inf], [3.0, 4.0]) == 0.0  # impossible data
    with pytest.raises(ValueError, match="threshold must lie in"):
        adequacy.Adequacy("m", {"a": 0.5}, threshold=1.5)
    with pytest.raises(ValueError, match="at least one group"):
        adequacy.Adequacy("m", {})
    with pytest.raises(ValueError, match="n_draws must be an integer >= 10"):
        adequacy.deviance_check(
            jax.random.key(0), poisson_model, {"lam": np.ones(5)}, [1], [1], n_draws=5
        )
    with pytest.raises(ValueError, match="same groups"):
        adequacy.from_discrepancies("m", {"a": [1.0]}, {"b": [1.0]})


def test_data_sets_fitted_side_by_side_are_judged_apart():
    """Two data sets in one site, with their own rates: the overdispersed one fails, the other
    passes, and subset() hands each claim its own data set's checks."""

    def two_rates(ds, y):
        with numpyro.plate("sets", 2):
            lam = numpyro.sample("lam", dist.Gamma(A0, B0))
        numpyro.sample("y", dist.Poisson(lam[ds]), obs=y)

    rng = np.random.default_rng(9)
    ds = np.repeat([0, 1], 150)
    y = np.concatenate([rng.poisson(2.5, 150), rng.negative_binomial(1.5, 1.5 / 7.5, 150)])
    post = np.stack([rng.gamma(A0 + y[ds == d].sum(), 1 / (B0 + 150), 1000) for d in (0, 1)], axis=1)
    labels = np.array(["first", "second"])[ds]
    a = adequacy.deviance_check(jax.random.key(3), two_rates, {"lam": post}, ds, y, by={"y": labels})
    assert set(a.p_values) == {
        "first",
        "first: worst observation",
        "second",
        "second: worst observation",
    }
    first = a.subset(["first", "first: worst observation"])
    second = a.subset(["second", "second: worst observation"], model="second set")
    assert first.adequate and not second.adequate and second.model == "second set"
    with pytest.raises(ValueError, match="one label per observation"):
        adequacy.deviance_check(
            jax.random.key(3), two_rates, {"lam": post}, ds, y, by={"y": labels[:10]}
        )
    with pytest.raises(ValueError, match="no p-values"):
        a.subset(["third"])


def test_the_record_of_a_check_and_its_edges():
    a = adequacy.Adequacy("rate model", {"y1": 0.3, "y2": 0.002, "total": 0.04}, n_draws=250)
    assert a.cut == pytest.approx(0.01 / 3) and a.failing == ["y2"] and a.worst == ("y2", 0.002)
    assert a.as_dict() == {
        "model": "rate model",
        "discrepancy": "deviance",
        "threshold": 0.01,
        "cut": a.cut,
        "n_draws": 250,
        "p_values": {"y1": 0.3, "y2": 0.002, "total": 0.04},
        "adequate": False,
    }
    assert a.reason().endswith("p-value below 0.0033 for y2 (p = 0.002)")
    ok = a.subset(["y1", "total"])
    assert ok.adequate and ok.reason() == "" and ok.cut == pytest.approx(0.005)
    assert adequacy.Adequacy("m", {"g": 0.0}).failing == ["g"]  # the ends of [0, 1] are valid
    assert adequacy.Adequacy("m", {"g": 1.0}).adequate
    for bad in (-0.1, 1.2):
        with pytest.raises(ValueError, match=r"p-value of 'g' must lie in \[0, 1\], got"):
            adequacy.Adequacy("m", {"g": bad})


def test_the_total_of_two_groups_is_the_p_value_of_their_summed_discrepancy():
    rng = np.random.default_rng(4)
    o = {"a": rng.normal(size=300), "b": rng.normal(size=300)}
    r = {"a": rng.normal(size=300) + 0.3, "b": rng.normal(size=300) - 0.1}
    got = adequacy.from_discrepancies("m", o, r)
    assert list(got.p_values) == ["a", "b", "total"] and got.n_draws == 300
    assert got.p_values["total"] == adequacy.predictive_pvalue(o["a"] + o["b"], r["a"] + r["b"])
    assert got.p_values["a"] == float(np.mean(r["a"] >= o["a"]))
    assert "total" not in adequacy.from_discrepancies("m", o, r, total=False).p_values
    assert "total" not in adequacy.from_discrepancies("m", {"a": o["a"]}, {"a": r["a"]}).p_values


def test_split_by_names_only_observed_sites():
    y1, y2 = np.full(20, 3), np.full(10, 4)
    post = exact_posterior(np.random.default_rng(0), y1, y2, 50)
    with pytest.raises(ValueError, match=r"by names sites that are not observed: \['y3'\]"):
        adequacy.deviance_check(
            jax.random.key(0), poisson_model, post, y1, y2, n_draws=10, by={"y3": [0]}
        )


def test_an_adequacy_record_is_frozen_and_its_edges_hold():
    import dataclasses

    a = adequacy.Adequacy("m", {"a": 0.005, "b": 0.5})
    assert a.n_draws == 0  # the default: not recorded
    assert a.cut == 0.005 and a.adequate  # a p-value at the cut passes; below it fails
    assert not adequacy.Adequacy("m", {"a": 0.0049, "b": 0.5}).adequate
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.model = "other"
    for bad in (0, 1):
        with pytest.raises(ValueError, match=rf"threshold must lie in \(0, 1\), got {bad}"):
            adequacy.Adequacy("m", {"a": 0.5}, threshold=bad)
    assert "<td>a</td><td>0.005</td><td>ok</td>" in a._repr_html_()  # at the cut: passes
    page = adequacy.Adequacy("rate model", {"y1": 0.3, "y2": 0.001})._repr_html_()
    assert "Model NOT adequate: rate model" in page
    assert "<td>y1</td><td>0.300</td><td>ok</td>" in page
    assert "<td>y2</td><td>0.001</td><td>fails</td>" in page
    assert "Model adequate: m" in a._repr_html_()


def test_ten_draws_are_enough_for_a_check():
    y1, y2 = np.full(20, 3), np.full(10, 4)
    post = exact_posterior(np.random.default_rng(0), y1, y2, 50)
    a = adequacy.deviance_check(jax.random.key(0), poisson_model, post, y1, y2, n_draws=10)
    assert a.n_draws == 10


# Surviving mutants of emergence.adequacy judged equivalent (make mutants):
# - observed_sites' `seed(model, 0)` made 1: the observed values do not depend on the seed.
# - `reshape(n, -1)` made `reshape(n, -2)`: NumPy takes any negative size as the unknown one.


def test_a_vector_observation_is_replicated_with_its_own_shape():
    """A multivariate site observed n times (obs (n, 2) against a distribution of batch shape ()
    and event shape (2,)): the replicas are n draws of 2, not n x 2 draws of 2."""

    def model(Y):
        mu = numpyro.sample("mu", dist.Normal(0.0, 1.0).expand([2]).to_event(1))
        numpyro.sample("Y", dist.MultivariateNormal(mu, 0.3 * np.eye(2)), obs=Y)

    Y = np.random.default_rng(0).normal(size=(7, 2))
    h = adequacy.unobserve()
    tr = handlers.trace(handlers.seed(h(model), 0)).get_trace(Y)
    assert np.shape(tr["Y"]["value"]) == (7, 2)


def test_split_sites_form_no_pooled_total_and_the_default_draws_are_400():
    rng = np.random.default_rng(5)
    y1, y2 = rng.poisson(3.0, 40), rng.poisson(3.0, 30)
    post = exact_posterior(rng, y1, y2, 800)
    a = adequacy.deviance_check(jax.random.key(0), poisson_model, post, y1, y2)
    assert a.n_draws == 400
    labels = np.repeat(["early", "late"], 20)
    split = adequacy.deviance_check(
        jax.random.key(0), poisson_model, post, y1, y2, n_draws=20, by={"y1": labels}
    )
    assert set(split.p_values) == {
        "early",
        "early: worst observation",
        "late",
        "late: worst observation",
        "y2",
    }
