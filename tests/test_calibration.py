"""Simulation-based calibration (emergence.calibration): an exact posterior passes, a posterior
from a wrong likelihood scale fails, and the uniformity test keeps its false-alarm rate."""

import jax
import jax.numpy as jnp
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


# --- the run's bookkeeping, shipped runs, and what a chapter shows ---------------------------


def _vector_prior(key):
    k1, k2, k3 = jax.random.split(key, 3)
    return {
        "mu": M0 + S0 * float(jax.random.normal(k1)),
        "v": 0.4 + 1.7 * np.asarray(jax.random.normal(k2, (2,))),
        "nuisance": float(jax.random.normal(k3)),
    }


def _vector_fit(key, y):
    rng = np.random.default_rng(np.asarray(jax.random.key_data(key)).tolist())
    return {"mu": rng.normal(y[0], 1.0, 300), "v": rng.normal(y[1:3], 1.0, (300, 2))}


def _vector_sim(key, theta):
    return np.r_[theta["mu"], theta["v"]] + 0.3 * np.asarray(jax.random.normal(key, (3,)))


def test_array_sites_are_ranked_per_element_and_runs_join_exactly():
    """An array site v of shape (2,) is ranked as v[0] and v[1]; a nuisance site left out of
    params is drawn but not ranked. The rank is the number of thinned draws below the truth.
    Runs over data sets 0..2 and 3..4 joined equal one run over 0..4."""
    args = (_vector_prior, _vector_sim, _vector_fit)
    cal = calibration.run(jax.random.key(4), *args, 5, 49, params=["mu", "v"])
    assert cal.names == ("mu", "v[0]", "v[1]") and cal.n_draws == 49
    assert cal.ranks.shape == cal.truths.shape == (5, 3) and cal.covered.shape == (5, 3, 3)
    # data set 2 by hand: its keys, its truths, its draws thinned to 49
    k_prior, k_sim, k_fit = jax.random.split(jax.random.fold_in(jax.random.key(4), 2), 3)
    theta = _vector_prior(k_prior)
    post = _vector_fit(k_fit, _vector_sim(k_sim, theta))
    idx = np.linspace(0, 299, 49).round().astype(int)
    truth = [theta["mu"], *theta["v"]]
    draws = [post["mu"][idx], post["v"][idx, 0], post["v"][idx, 1]]
    np.testing.assert_allclose(cal.truths[2], truth)
    np.testing.assert_array_equal(
        cal.ranks[2], [np.sum(d < t) for d, t in zip(draws, truth, strict=True)]
    )
    first = calibration.run(jax.random.key(4), *args, 3, 49, params=["mu", "v"])
    rest = calibration.run(jax.random.key(4), *args, 2, 49, params=["mu", "v"], first=3)
    joined = calibration.join([first, rest])
    for a, b in zip(joined, cal, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    with pytest.raises(ValueError, match="differ in their parameters, draws or levels"):
        calibration.join([first, first._replace(n_draws=50)])
    seen = []
    calibration.run(
        jax.random.key(4), *args, 2, 49, params=["mu"], progress=lambda i, n: seen.append((i, n))
    )
    assert seen == [(1, 2), (2, 2)]


def test_run_refuses_bad_sizes_and_missing_draws():
    args = (_vector_prior, _vector_sim, _vector_fit)
    for bad in (0, True):
        with pytest.raises(ValueError, match="n_datasets must be an integer >= 1"):
            calibration.run(jax.random.key(0), *args, bad)
        with pytest.raises(ValueError, match="n_draws must be an integer >= 1"):
            calibration.run(jax.random.key(0), *args, 1, bad)
    one = calibration.run(jax.random.key(0), *args, 1, 1, params=["mu"])
    assert one.ranks.shape == (1, 1) and one.ranks.max() <= 1
    with pytest.raises(ValueError, match=r"the fit returned no draws of \['nuisance'\]"):
        calibration.run(jax.random.key(0), *args, 1)
    with pytest.raises(ValueError, match="no values of the parameter 'w'"):
        calibration.run(jax.random.key(0), *args, 1, params=["w"])


def _ship(folder, cal, scale="ci", name="toy_ci.npz", **extra):
    (folder / "calibration").mkdir(exist_ok=True)
    path = folder / "calibration" / name
    provenance = {"command": "make toy", "date": "2026-12-01", "device": "a test", "scale": scale}
    calibration.save(path, cal, provenance, **extra)
    return path


def test_a_shipped_run_loads_and_judges_as_it_was_saved(tmp_path):
    good = calibration.run(jax.random.key(1), _prior, _simulate, _conjugate_fit(SIGMA), 300, 99)
    path = _ship(tmp_path, good)
    back = calibration.load(path)
    assert back.names == good.names and back.n_draws == 99 and back.levels == good.levels
    np.testing.assert_array_equal(back.ranks, good.ranks)
    assert calibration.provenance(path)["command"] == "make toy"
    with pytest.raises(ValueError, match="provenance must be JSON-serializable"):
        calibration.save(tmp_path / "x.npz", good, {"when": object()})
    st = calibration.status(path)
    assert st["source"] == "data/calibration/toy_ci.npz" and st["datasets"] == 300
    assert st["calibrated"] and st["line"] == "300 simulated data sets at ci data size: calibrated"
    assert st["parameters"]["mu"]["coverage94"] == list(calibration.check(good)["mu"]["coverage"][0.94])
    assert calibration.status(good, source="here")["line"] == "300 simulated data sets: calibrated"
    narrow = calibration.run(jax.random.key(2), _prior, _simulate, _conjugate_fit(SIGMA / 2), 200, 49)
    st = calibration.status(narrow)
    c = st["parameters"]["mu"]["coverage94"]
    assert not st["calibrated"]
    assert st["line"] == (
        f"200 simulated data sets: NOT calibrated for mu (94% coverage {c[0]:.2f} "
        f"[{c[1]:.2f}, {c[2]:.2f}])"
    )
    text = calibration.summary(narrow).splitlines()
    assert text[0] == "200 simulated data sets, 49 posterior draws each"
    # what a calibrated inference covers with 49 draws: 26, 40 and 46 of the 50 rank values
    assert text[1].startswith("coverage at 50%, 80%, 94% (calibrated: 0.52, 0.80, 0.92)")
    assert text[2].strip().startswith("mu coverage") and text[2].endswith("NOT calibrated")
    assert f"{c[0]:.2f} [{c[1]:.2f}, {c[2]:.2f}]" in text[2]


def test_show_prints_plots_and_returns_the_status(tmp_path, monkeypatch, capsys):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.setenv("EMERGENCE_DATA", str(tmp_path))
    args = (_vector_prior, _vector_sim, _vector_fit)
    cal = calibration.run(jax.random.key(4), *args, 30, 49, params=["mu", "v"])
    _ship(tmp_path, cal, max_rhat=np.array([1.01, 1.03, 1.0]), divergences=np.array([0, 1, 0]))
    monkeypatch.setattr(plt, "show", lambda: None)
    st = calibration.show("toy_ci.npz", params=["mu", "v[1]"], labels={"mu": r"$\mu$"}, title="Toy")
    out = capsys.readouterr().out
    assert "make toy" in out and "30 simulated data sets, 49 posterior draws each" in out
    assert "v[0]" in out  # the printed summary covers every parameter of the run
    assert "fits with max r_hat > 1.01: 1 of 3 (worst 1.03); with divergent transitions: 1" in out
    assert set(st["parameters"]) == {"mu", "v[1]"}
    fig = plt.gcf()
    axes = fig.axes
    assert len(axes) == 2 and axes[0].get_title() == r"$\mu$" and axes[1].get_title() == "v[1]"
    assert axes[0].get_shared_y_axes().joined(axes[0], axes[1])  # one scale for the panels
    assert fig._suptitle.get_text().startswith("Toy\n30 simulated data sets")
    assert axes[0].get_ylabel() == "ECDF − uniform"
    plt.close("all")
    with pytest.raises(ValueError, match=r"no parameter\(s\) \['w'\]"):
        calibration.show("toy_ci.npz", params=["w"])
    assert calibration.show("absent.npz") is None
    assert "no shipped calibration run (data/calibration/absent.npz)" in capsys.readouterr().out
    panels = calibration.plot(cal)
    assert len(panels) == 3 and panels[2].get_title() == "v[1]"
    assert len(panels[0].figure.axes) == 3  # one row of panels, nothing else
    plt.close("all")


def test_expect_holds_the_prose_to_the_run():
    run = calibration.run(jax.random.key(1), _prior, _simulate, _conjugate_fit(SIGMA), 300, 99)
    good = calibration.status(run)
    assert good["calibrated"]
    calibration.expect(good, True)
    calibration.expect(None, False)  # no shipped run: the page says so
    with pytest.raises(calibration.CalibrationMismatch, match="says the model is not calibrated, but"):
        calibration.expect(good, False)
    bad = {**good, "calibrated": False, "line": "NOT calibrated for mu"}
    with pytest.raises(calibration.CalibrationMismatch, match="is calibrated, but its run says: NOT"):
        calibration.expect(bad, True)


def test_coverage_interval_is_clopper_pearson():
    from scipy import stats

    for k, n, prob in ((7, 20, 0.95), (1, 30, 0.99), (55, 60, 0.9)):
        ref = stats.binomtest(k, n).proportion_ci(prob, method="exact")
        np.testing.assert_allclose(
            calibration.coverage_interval(k, n, prob), (ref.low, ref.high), rtol=1e-9
        )
    assert (
        calibration.coverage_interval(0, 10)[0] == 0.0
        and calibration.coverage_interval(10, 10)[1] == 1.0
    )


def test_uniformity_bins_and_the_family_wise_level():
    """About one bin per five data sets (at least 2, at most 20), each expected in proportion to
    the rank values it holds; check() tests each of its 2 x (parameters) tests at
    false_alarm / (2 x parameters)."""
    from scipy import stats

    rng = np.random.default_rng(8)
    for n, n_bins in ((12, 2), (50, 10), (400, 20)):
        ranks = rng.integers(0, 100, n)  # n_draws = 99: a hundred rank values
        which = (np.arange(100) * n_bins) // 100
        counts = np.bincount(which[ranks], minlength=n_bins)
        width = np.bincount(which, minlength=n_bins)
        exact = stats.chisquare(counts, n * width / 100).pvalue
        assert calibration.uniformity_pvalue(ranks, 99) == pytest.approx(exact, rel=1e-12), n
    cal = calibration.run(jax.random.key(1), _prior, _simulate, _conjugate_fit(SIGMA), 120, 49)
    k = int(calibration.covered_by_rank(cal.ranks, 49, cal.levels)[:, 0, 2].sum())
    got = calibration.check(cal, false_alarm=0.1)["mu"]["coverage"][0.94]
    assert got == (k / 120, *calibration.coverage_interval(k, 120, 1 - 0.1 / 2))
    for bad in (0.0, 1.0):
        with pytest.raises(ValueError, match=r"false_alarm must lie in \(0, 1\)"):
            calibration.check(cal, false_alarm=bad)
    # a run recorded at four levels: the summary shows the first three
    four = calibration.run(
        jax.random.key(1),
        _prior,
        _simulate,
        _conjugate_fit(SIGMA),
        20,
        49,
        levels=(0.5, 0.8, 0.94, 0.99),
    )
    assert "coverage at 50%, 80%, 94% (calibrated: 0.52, 0.80, 0.92)," in calibration.summary(four)


def test_the_ecdf_panels_plot_fractional_ranks(monkeypatch):
    import arviz as az
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    seen = []
    monkeypatch.setattr(az, "plot_ecdf", lambda u, **kw: seen.append((np.asarray(u), kw)))
    cal = calibration.run(jax.random.key(1), _prior, _simulate, _conjugate_fit(SIGMA), 20, 49)
    calibration.plot(cal)
    plt.close("all")
    ((u, kw),) = seen
    np.testing.assert_allclose(u, (cal.ranks[:, 0] + 0.5) / 50)  # the middle of each rank's bin
    assert kw["difference"] is True and kw["confidence_bands"] is True
    np.testing.assert_array_equal(kw["eval_points"], np.linspace(0, 1, 101))
    np.testing.assert_allclose(
        kw["cdf"](np.array([0.0, 0.3, 1.0])), [0.0, 0.3, 1.0]
    )  # uniform on [0, 1]


# Surviving mutants of emergence.calibration judged equivalent (make mutants):
# - the panels' sizes (3.2 and 3.1 inches, the 12-inch cap) and the title's font size 10 in
#   plot and show: design constants of the figure, not results.
# - `p > each` made `p >= each` in check: a chi-square p-value equals the per-test level only
#   by accident.
# - `zip(axes, names, strict=False)` made `strict=True` in plot: the axes are one per parameter.
# - ranks `draws < truth` made `<=`: a posterior draw equals the truth only by accident.
# - `reshape(..., -1)` made `-2`: NumPy takes any negative size as the unknown one.
# - join's reference `parts[0]` made `parts[1]`: every part must agree with it, so any part
#   serves (a single part, which has no parts[1], is tested).
# - the bins' `n // 5` made `n / 5`: int() of a positive quotient is its floor.
# - expected_coverage's guard `max(0, ...)` made `max(1, ...)`: L + 1 - 2k is never negative
#   (k = round((1 - level)(L + 1) / 2) is at most half of the L + 1 rank values for a level
#   in (0, 1); checked for every L up to 400).
# - `lo <= expected <= hi` made `<` in check: a Clopper-Pearson end equals the expected
#   coverage only by accident.


def test_more_edges_of_the_calibration_functions():
    with pytest.raises(ValueError):
        calibration.rank_and_coverage([0.0], np.zeros((10, 1)), levels=(0.0, 0.5))
    for bad in (0.0, 1.0):
        with pytest.raises(ValueError, match=r"level must lie in \(0, 1\)"):
            calibration.expected_coverage(bad, 10)
    assert calibration.expected_coverage(0.5, 1) == 1.0  # one draw is valid
    with pytest.raises(ValueError, match="need at least 10 ranks"):
        calibration.uniformity_pvalue(np.arange(9), 9)
    assert 0 <= calibration.uniformity_pvalue(np.arange(10), 9) <= 1  # ten are enough
    assert calibration.coverage_interval(7, 20) == calibration.coverage_interval(7, 20, 0.95)
    args = (_vector_prior, _vector_sim, _vector_fit)
    default = calibration.run(jax.random.key(4), *args, 2, params=["mu"])
    assert default.n_draws == 100
    assert calibration.join([default]).ranks.shape == (2, 1)  # one part joins to itself
    seen = []
    calibration.run(
        jax.random.key(4),
        *args,
        2,
        49,
        params=["mu"],
        first=3,
        progress=lambda i, n: seen.append((i, n)),
    )
    assert seen == [(1, 2), (2, 2)]  # counted from the run's own first data set
    # three parameters: each test at false_alarm / 6
    cal = calibration.run(jax.random.key(4), *args, 40, 49, params=["mu", "v"])
    k = int(calibration.covered_by_rank(cal.ranks, 49, cal.levels)[:, 1, 2].sum())
    got = calibration.check(cal, false_alarm=0.12)["v[0]"]["coverage"][0.94]
    assert got == (k / 40, *calibration.coverage_interval(k, 40, 1 - 0.12 / 6))


def test_uniform_ranks_with_no_tails_are_not_calibrated():
    """Ranks spread evenly except the three values at each end: the chi-square test of
    uniformity passes them, but the 94% interval covers every truth, and a calibrated inference
    covers only 94% of them: both tests must pass for the verdict."""
    ranks = np.tile(np.arange(3, 97), 5)[:, None]  # L = 99: rank values 0..99
    cal = calibration.Calibration(
        ("x",), np.zeros((470, 1)), ranks, np.zeros((470, 1, 3), bool), 99, (0.5, 0.8, 0.94)
    )
    r = calibration.check(cal)["x"]
    assert r["p_uniform"] > 0.05 and r["coverage"][0.94][0] == 1.0
    assert not r["calibrated"]


def test_a_run_drops_each_fits_compiled_programs():
    """Every data set's fit compiles anew under NumPyro (new closures); run() clears JAX's caches
    after each one, or a long run exhausts the process's memory mappings (it did: 25 NUTS fits
    through diffrax, 2026-12-03). A jitted program the fit used holds no executable afterwards."""
    seen = []
    shift = jax.jit(lambda x: x + 0.0)

    def fit(key, data):
        seen.append(shift._cache_size())  # cleared after the previous data set
        mu = shift(jnp.asarray(data).mean()) + jax.random.normal(key, (99,)) * 0.1
        return {"mu": np.asarray(mu)}

    calibration.run(jax.random.key(5), _prior, _simulate, fit, 3, 49, clear_every=1)
    assert seen == [0, 0, 0] and shift._cache_size() == 0
    seen.clear()
    calibration.run(jax.random.key(5), _prior, _simulate, fit, 5, 49, clear_every=2)
    assert seen == [0, 1, 0, 1, 0] and shift._cache_size() == 1  # cleared after 2 and 4, not 5
    for bad in (0, 1.5, True):
        with pytest.raises(ValueError, match="clear_every must be an integer >= 1"):
            calibration.run(jax.random.key(5), _prior, _simulate, fit, 1, 49, clear_every=bad)
