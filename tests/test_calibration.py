"""Simulation-based calibration (emergence.calibration): an exact posterior passes, a posterior
from a wrong likelihood scale fails, and the uniformity test keeps its false-alarm rate."""

import jax
import numpy as np
import pytest

from emergence import calibration

M0, S0, SIGMA, N = 1.3, 2.0, 0.7, 5  # prior N(M0, S0) on mu; data N(mu, SIGMA), N points


def _prior(key):
    return {"mu": M0 + S0 * float(jax.random.normal(key))}


def _simulate(key, theta):
    return theta["mu"] + SIGMA * np.asarray(jax.random.normal(key, (N,)))


def _conjugate_fit(sigma_assumed):
    def fit(key, y):  # the exact normal posterior of mu, for a likelihood of scale sigma_assumed
        prec = 1 / S0**2 + N / sigma_assumed**2
        mean = (M0 / S0**2 + y.sum() / sigma_assumed**2) / prec
        rng = np.random.default_rng(np.asarray(jax.random.key_data(key)).tolist())
        return {"mu": rng.normal(mean, prec**-0.5, 400)}

    return fit


def test_the_exact_posterior_is_calibrated():
    cal = calibration.run(jax.random.key(1), _prior, _simulate, _conjugate_fit(SIGMA), 300, 99)
    r = calibration.check(cal)["mu"]
    assert r["calibrated"], calibration.summary(cal)
    assert cal.ranks.shape == (300, 1) and cal.ranks.max() <= 99


def test_a_wrong_likelihood_scale_is_caught():
    # the model assumes half the true noise: its posteriors are too narrow, coverage too low
    cal = calibration.run(jax.random.key(2), _prior, _simulate, _conjugate_fit(SIGMA / 2), 300, 99)
    r = calibration.check(cal)["mu"]
    assert not r["calibrated"]
    assert r["coverage"][0.94][2] < r["expected"][0.94]  # even the interval's top is below
    # and twice the noise: too wide, coverage too high
    cal = calibration.run(jax.random.key(3), _prior, _simulate, _conjugate_fit(2 * SIGMA), 300, 99)
    assert not calibration.check(cal)["mu"]["calibrated"]


@pytest.mark.parametrize("n_draws", [99, 100])  # L + 1 divisible by the bins, and not
def test_uniform_ranks_pass_at_the_stated_false_alarm_rate(n_draws):
    rng = np.random.default_rng(0)
    alpha, reps = 0.05, 400
    p = [calibration.uniformity_pvalue(rng.integers(0, n_draws + 1, 200), n_draws) for _ in range(reps)]
    alarms = int(np.sum(np.array(p) < alpha))
    lo, hi = calibration.coverage_interval(alarms, reps, 0.99)
    assert lo <= alpha <= hi, f"{alarms} false alarms in {reps} at alpha = {alpha}"
    # and skewed ranks are caught
    skew = np.minimum(rng.integers(0, n_draws + 1, (200, 2)).min(axis=1), n_draws)
    assert calibration.uniformity_pvalue(skew, n_draws) < 1e-6


def test_rank_and_coverage_by_hand():
    draws = np.arange(100, dtype=float)[:, None]  # 0 .. 99
    ranks, covered = calibration.rank_and_coverage([10.5], draws, levels=(0.5, 0.94))
    assert ranks.tolist() == [11]
    # 11 draws below, 89 above: outside the 50% interval (25 each side), inside the 94% one (3)
    assert covered.tolist() == [[False, True]]
    assert calibration.covered_by_rank([2, 3, 96, 97], 99, (0.94,)).ravel().tolist() == [
        False,
        True,
        True,
        False,
    ]
    with pytest.raises(ValueError, match="draws must have shape"):
        calibration.rank_and_coverage([1.0, 2.0], draws)
    with pytest.raises(ValueError, match="levels must lie in"):
        calibration.rank_and_coverage([1.0], draws, levels=(1.0,))
    assert (
        calibration.coverage_interval(0, 10)[0] == 0.0
        and calibration.coverage_interval(10, 10)[1] == 1.0
    )


def test_chunks_made_apart_join_into_the_same_run():
    key, fit = jax.random.key(4), _conjugate_fit(SIGMA)
    whole = calibration.run(key, _prior, _simulate, fit, 12, 49)
    parts = [calibration.run(key, _prior, _simulate, fit, 6, 49, first=f) for f in (0, 6)]
    joined = calibration.join(parts)
    np.testing.assert_array_equal(joined.truths, whole.truths)
    np.testing.assert_array_equal(joined.ranks, whole.ranks)
    with pytest.raises(ValueError, match="differ"):
        calibration.join([whole, calibration.run(key, _prior, _simulate, fit, 3, 20)])


@pytest.mark.parametrize("n_draws", [20, 99])
def test_expected_coverage_is_what_a_calibrated_inference_gets(n_draws):
    """Truth and draws exchangeable (all i.i.d.): the coverage of the rank intervals, counted
    over many replicates, equals expected_coverage (exactly the nominal level for 99 draws)."""
    rng = np.random.default_rng(5)
    reps = 20000
    x = rng.normal(size=(reps, n_draws + 1))
    ranks = (x[:, 1:] < x[:, :1]).sum(axis=1)
    inside = calibration.covered_by_rank(ranks, n_draws).mean(axis=0)
    for level, c in zip(calibration.LEVELS, inside, strict=True):
        e = calibration.expected_coverage(level, n_draws)
        assert abs(c - e) < 4 * np.sqrt(e * (1 - e) / reps), (level, c, e)
    assert [calibration.expected_coverage(lv, 99) for lv in (0.5, 0.8, 0.94)] == [0.5, 0.8, 0.94]
    assert calibration.expected_coverage(0.94, 20) == 19 / 21
    with pytest.raises(ValueError, match="n_draws must be an integer >= 1"):
        calibration.expected_coverage(0.5, 0)
