import json

import numpy as np
import pytest

from emergence import claims, scale

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
    v = claims.check(CLAIM, x, expect=verdict, directory=tmp_path)
    assert v.verdict == verdict
    rows = claims.collect(tmp_path)
    assert len(rows) == 1 and rows[0]["verdict"] == verdict
    assert rows[0]["claim"]["paper"] == "A paper"
    json.dumps(rows)  # machine readable


def test_mismatch_between_prose_and_data_raises(tmp_path):
    x = np.random.default_rng(2).normal(0.8, 0.01, 4000)
    with pytest.raises(claims.ClaimMismatch, match="states 'reproduced'.*'not reproduced'"):
        claims.check(CLAIM, x, expect="reproduced", directory=tmp_path)


def test_per_scale_expectation(monkeypatch, tmp_path):
    monkeypatch.setenv("EMERGENCE_SCALE", "ci")
    x = np.random.default_rng(3).normal(0.5, 0.2, 4000)
    expect = {"ci": "inconclusive", "default": "reproduced", "full": "reproduced"}
    assert claims.check(CLAIM, x, expect, directory=tmp_path).verdict == "inconclusive"
    with pytest.raises(ValueError, match="missing the scale"):
        claims.check(CLAIM, x, {"ci": "inconclusive"}, directory=tmp_path)


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
        claims.check(CLAIM, np.full(200, 0.5), expect="true")


def test_verdict_renders_short_and_escaped(tmp_path, monkeypatch):
    monkeypatch.setenv("EMERGENCE_SCALE", "ci")
    claim = claims.Claim(
        "test/chapter", "A <paper> & co", "crossover u* = A*/L^2", 0.1, interval=(0.05, 0.15)
    )
    x = np.random.default_rng(1).normal(0.1, 0.005, 2000)
    v = claims.check(claim, x, expect="reproduced", directory=tmp_path)
    text = str(v)
    assert text.splitlines()[0] == "crossover u* = A*/L^2: REPRODUCED at scale ci"
    assert max(len(line) for line in text.splitlines()) < 100
    page = v._repr_html_()
    assert 'class="admonition tip emergence-verdict"' in page
    assert "u* = A*/L^2" in page and "A &lt;paper&gt; &amp; co" in page  # escaped, no Markdown
    v2 = claims.check(claim, x + 1, expect="not reproduced", directory=tmp_path)
    assert 'class="admonition danger' in v2._repr_html_()
