import json
from pathlib import Path

import numpy as np
import pytest

from emergence import adequacy, calibration, claims, scale

FITS = adequacy.Adequacy("test model", {"group": 0.4, "total": 0.5}, n_draws=400)
MISFIT = adequacy.Adequacy("test model", {"group": 0.001, "total": 0.3}, n_draws=400)
CLAIM = claims.Claim(
    chapter="test/chapter", paper="A paper", quantity="an exponent", value=0.5, tolerance=0.05
)


def test_scale_knob(monkeypatch):
    monkeypatch.setenv("EMERGENCE_SCALE", "ci")
    assert scale.current_scale() == "ci"
    assert scale.pick(ci=1, default=2, full=3) == 1
    monkeypatch.delenv("EMERGENCE_SCALE")
    assert scale.pick(ci=1, default=2, full=3) == 2
    assert scale.pick(ci=1, default=2, full=3, scale="full") == 3


def test_unknown_scale_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("EMERGENCE_SCALE", "huge")
    with pytest.raises(ValueError, match="'huge'.*ci, default, full"):
        scale.current_scale()
    with pytest.raises(ValueError, match="unknown scale"):
        scale.pick(ci=1, default=2, full=3, scale="tiny")


def test_hdi_of_a_normal():
    x = np.random.default_rng(0).normal(size=200_000)
    lo, hi = claims.hdi(x, 0.94)
    assert abs(lo + 1.881) < 0.02 and abs(hi - 1.881) < 0.02


@pytest.mark.parametrize(
    "centre, sd, verdict",
    [(0.5, 0.01, "reproduced"), (0.8, 0.01, "not reproduced"), (0.5, 0.2, "inconclusive")],
)
def test_verdicts(centre, sd, verdict, tmp_path):
    x = np.random.default_rng(1).normal(centre, sd, 4000)
    v = claims.check(CLAIM, x, expect=verdict, directory=tmp_path, adequacy=FITS)
    assert v.verdict == verdict
    rows = claims.collect(tmp_path)
    assert len(rows) == 1 and rows[0]["verdict"] == verdict
    assert rows[0]["claim"]["paper"] == "A paper"
    json.dumps(rows)  # machine readable


def test_mismatch_between_prose_and_data_raises(tmp_path):
    x = np.random.default_rng(2).normal(0.8, 0.01, 4000)
    with pytest.raises(claims.ClaimMismatch, match="states 'reproduced'.*'not reproduced'"):
        claims.check(CLAIM, x, expect="reproduced", directory=tmp_path, adequacy=FITS)


def test_per_scale_expectation(monkeypatch, tmp_path):
    monkeypatch.setenv("EMERGENCE_SCALE", "ci")
    x = np.random.default_rng(3).normal(0.5, 0.2, 4000)
    expect = {"ci": "inconclusive", "default": "reproduced", "full": "reproduced"}
    assert claims.check(CLAIM, x, expect, directory=tmp_path, adequacy=FITS).verdict == "inconclusive"
    with pytest.raises(ValueError, match="missing the scale"):
        claims.check(CLAIM, x, {"ci": "inconclusive"}, directory=tmp_path, adequacy=FITS)


def test_bad_claims_and_samples():
    with pytest.raises(ValueError, match="exactly one"):
        claims.Claim(chapter="c", paper="p", quantity="q", value=1.0)
    with pytest.raises(ValueError, match="tolerance must be > 0"):
        claims.Claim(chapter="c", paper="p", quantity="q", value=1.0, tolerance=-1)
    with pytest.raises(ValueError, match="outside its interval"):
        claims.Claim(chapter="c", paper="p", quantity="q", value=1.0, interval=(2.0, 3.0))
    with pytest.raises(ValueError, match="at least 100"):
        claims.assess(CLAIM, np.ones(10))
    with pytest.raises(ValueError, match="NaN"):
        claims.assess(CLAIM, np.full(200, np.nan))
    with pytest.raises(ValueError, match="unknown verdict"):
        claims.check(CLAIM, np.full(200, 0.5), expect="true", adequacy=FITS)


def test_verdict_renders_short_and_escaped(tmp_path, monkeypatch):
    monkeypatch.setenv("EMERGENCE_SCALE", "ci")
    claim = claims.Claim(
        "test/chapter", "A <paper> & co", "crossover u* = A*/L^2", 0.1, interval=(0.05, 0.15)
    )
    x = np.random.default_rng(1).normal(0.1, 0.005, 2000)
    v = claims.check(claim, x, expect="reproduced", directory=tmp_path, adequacy=FITS)
    text = str(v)
    assert text.splitlines()[0] == "crossover u* = A*/L^2: REPRODUCED at scale ci"
    assert max(len(line) for line in text.splitlines()) < 100
    page = v._repr_html_()
    assert 'class="admonition tip emergence-verdict"' in page
    assert "u* = A*/L^2" in page and "A &lt;paper&gt; &amp; co" in page  # escaped, no Markdown
    v2 = claims.check(claim, x + 1, expect="not reproduced", directory=tmp_path, adequacy=FITS)
    assert 'class="admonition danger' in v2._repr_html_()


def test_a_model_that_fails_its_predictive_check_gives_no_verdict(tmp_path):
    x = np.random.default_rng(4).normal(0.5, 0.01, 4000)  # would be "reproduced"
    v = claims.check(CLAIM, x, "not testable", directory=tmp_path, adequacy=[FITS, MISFIT])
    assert v.verdict == "not testable"
    assert "does not describe its data" in v.reason and "group (p = 0.001)" in v.reason
    assert "Why:" in v._repr_html_() and "admonition warning" in v._repr_html_()
    with pytest.raises(claims.ClaimMismatch, match="the data say 'not testable'"):
        claims.check(CLAIM, x, "reproduced", directory=tmp_path, adequacy=MISFIT)
    rows = claims.collect(tmp_path)
    assert rows[0]["adequacy"][-1]["adequate"] is False
    # the cut is the threshold over the number of p-values (Bonferroni)
    assert not adequacy.Adequacy("m", {"a": 0.007}).adequate
    assert adequacy.Adequacy("m", {"a": 0.007, "b": 0.5}).adequate
    assert not adequacy.Adequacy("m", {"a": 0.004, "b": 0.5}).adequate
    assert adequacy.Adequacy("m", {"a": 0.011}).adequate
    with pytest.raises(ValueError, match="p-value of 'a' must lie in"):
        adequacy.Adequacy("m", {"a": 1.5})


def test_a_check_needs_the_models_evidence(tmp_path):
    x = np.random.default_rng(5).normal(0.5, 0.01, 4000)
    with pytest.raises(TypeError, match="adequacy"):
        claims.check(CLAIM, x, "reproduced", directory=tmp_path)
    with pytest.raises(ValueError, match="posterior predictive check"):
        claims.check(CLAIM, x, "reproduced", directory=tmp_path, adequacy=[])
    with pytest.raises(ValueError, match="calibration must be"):
        claims.check(CLAIM, x, "reproduced", directory=tmp_path, adequacy=FITS, calibration={})


def test_the_verdict_carries_the_models_calibration(tmp_path):
    rng = np.random.default_rng(6)
    n, L = 100, 99
    ranks = rng.integers(0, L + 1, (n, 2))
    covered = np.stack([np.abs(ranks / L - 0.5) <= lv / 2 for lv in calibration.LEVELS], -1)
    good = calibration.Calibration(
        ("a", "b"), rng.normal(size=(n, 2)), ranks, covered, L, calibration.LEVELS
    )
    st = calibration.status(good, ["a"], source="a test run")
    assert st["calibrated"] and st["line"].endswith("calibrated") and st["datasets"] == n
    tails = ranks.copy()  # a posterior too narrow: the truth often beyond every draw
    tails[:25, 0] = rng.choice([0, L], 25)
    st_bad = calibration.status(good._replace(ranks=tails))
    assert not st_bad["calibrated"] and "NOT calibrated for a" in st_bad["line"]
    with pytest.raises(ValueError, match="no parameter"):
        calibration.status(good, ["c"])
    x = rng.normal(0.5, 0.01, 4000)
    v = claims.check(CLAIM, x, "reproduced", directory=tmp_path, adequacy=FITS, calibration=st)
    assert v.calibration["source"] == "a test run"
    assert "calibration: 100 simulated data sets: calibrated" in str(v)


def test_claim_intervals_and_hdi_levels_are_checked():
    kw = dict(chapter="c", paper="p", quantity="q", value=0.5)
    for bad in ((0.6, 0.4), (0.5, 0.5)):
        with pytest.raises(ValueError, match=r"interval must have lo < hi, got \("):
            claims.Claim(**kw, interval=bad)
    with pytest.raises(ValueError, match="lies outside its interval"):
        claims.Claim(**kw, interval=(0.6, 0.7))
    assert claims.Claim(**kw, interval=(0.5, 0.7)).region == (0.5, 0.7)  # ends included
    for bad in (0.0, 1.0, 1.5):
        with pytest.raises(ValueError, match=r"prob must lie in \(0, 1\)"):
            claims.hdi(np.arange(10.0), bad)


def test_the_ledger_lives_where_it_is_documented(monkeypatch, tmp_path):
    monkeypatch.setenv("EMERGENCE_LEDGER", str(tmp_path / "mine"))
    assert claims.ledger_dir() == tmp_path / "mine"
    monkeypatch.setenv("EMERGENCE_LEDGER", "  ")
    root = Path(claims.__file__).resolve().parents[2]
    assert claims.ledger_dir() == root / "_build" / "ledger"  # this checkout
    # installed outside a checkout: the working directory
    monkeypatch.setattr(claims, "__file__", str(tmp_path / "site" / "emergence" / "claims.py"))
    monkeypatch.chdir(tmp_path)
    assert claims.ledger_dir() == tmp_path / "emergence-ledger"


def test_a_notebook_keeps_the_ledger_record_among_its_outputs(monkeypatch):
    import IPython
    import IPython.display

    shown = []
    v = claims.assess(CLAIM, np.random.default_rng(0).normal(0.5, 0.01, 4000))
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    claims._show_ledger_record(v)
    assert shown == []  # outside IPython: nothing
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw: shown.append((obj, raw)))
    claims._show_ledger_record(v)
    assert shown == [({"text/html": v.ledger_html(), "text/plain": ""}, True)]


INTERVAL = claims.Claim(chapter="c/h", paper="P", quantity="q", value=0.5, interval=(0.25, 0.75))


@pytest.mark.parametrize(
    "samples, verdict",
    [
        (np.linspace(0.25, 0.75, 101), "reproduced"),  # the HDI is the region, ends included
        (np.linspace(0.2, 0.5, 101), "inconclusive"),  # one end outside
        (np.linspace(0.5, 0.8, 101), "inconclusive"),
        (np.linspace(0.0, 0.25, 101), "inconclusive"),  # touching the region is not outside it
        (np.linspace(0.75, 1.0, 101), "inconclusive"),
        (np.linspace(0.0, 0.2, 101), "not reproduced"),
    ],
)
def test_the_verdict_rule_at_the_regions_ends(samples, verdict):
    assert claims.assess(INTERVAL, samples, hdi_prob=0.999).verdict == verdict


def test_a_verdicts_numbers_and_its_text():
    x = np.r_[np.full(50, 0.25), np.full(30, 0.75), np.full(20, 0.9)]  # 100 samples: enough
    v = claims.assess(INTERVAL, x)
    assert v.n_samples == 100 and v.hdi_prob == 0.94
    assert v.prob_in_region == 0.8  # samples on either end of the region count as inside
    assert v.sd == pytest.approx(np.std(x, ddof=1), rel=1e-12)
    with pytest.raises(ValueError, match="need at least 100 posterior samples, got 99"):
        claims.assess(INTERVAL, x[:99])
    # the shortest interval holding half the samples, by hand
    assert claims.hdi(np.array([0, 1, 2, 3, 10, 11, 12, 13, 14, 15.0]), 0.5) == (10.0, 14.0)
    y = np.random.default_rng(1).normal(0.4, 0.1, 1000)
    assert claims.hdi(y) == claims.hdi(y, 0.94)
    v = claims.assess(INTERVAL, y)
    text = str(v)
    assert f"94% HDI [{v.hdi[0]:.4g}, {v.hdi[1]:.4g}]" in text and "why:" not in text
    page = v._repr_html_()
    assert f"94% HDI [{v.hdi[0]:.4g}, {v.hdi[1]:.4g}]" in page and "<em>" not in page
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        v.verdict = "reproduced"
    with pytest.raises(dataclasses.FrozenInstanceError):
        INTERVAL.value = 0.6
    noted = dataclasses.replace(v, claim=dataclasses.replace(INTERVAL, note="a note"), reason="r")
    assert "<em>a note</em>" in noted._repr_html_() and "  why: r\n" in str(noted)
    with pytest.raises(ValueError, match="tolerance must be > 0, got 0"):
        claims.Claim(chapter="c", paper="p", quantity="q", value=0.5, tolerance=0)


def test_model_lines_list_every_check_then_the_calibration():
    v = claims._model_evidence(
        claims.assess(CLAIM, np.random.default_rng(0).normal(0.5, 0.01, 400)),
        (FITS, MISFIT),
        {"calibrated": True, "line": "300 simulated data sets: calibrated"},  # the two keys suffice
    )
    assert v.model_lines() == [
        "test model: adequate (smallest posterior predictive p-value 0.400, for group; fails "
        "below 0.005)",
        "test model: NOT adequate (smallest posterior predictive p-value 0.001, for group; fails "
        "below 0.005)",
        "calibration: 300 simulated data sets: calibrated",
    ]


def test_a_record_goes_into_a_new_folder_as_indented_json(tmp_path):
    v = claims.assess(CLAIM, np.random.default_rng(0).normal(0.5, 0.01, 400))
    path = claims.record(v, tmp_path / "new" / "ledger")
    assert path.read_text().startswith('{\n  "claim": {\n    "chapter"')


def test_decide_takes_the_regions_ends_as_inside(tmp_path):
    for x in (0.25, 0.75):
        v = claims.decide(INTERVAL, x, "reproduced", tmp_path, adequacy=FITS)
        assert (v.sd, v.hdi, v.hdi_prob, v.prob_in_region, v.n_samples) == (0.0, (x, x), 1.0, 1.0, 0)
