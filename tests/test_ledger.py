"""The claims ledger: verdict records survive the trip through a page, the book's extension
(_ext/ledger.py) finds them with their sections, and a page that checks a claim but left no
record fails the build."""

import html
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from docutils import nodes
from docutils.utils import new_document
from sphinx.errors import ExtensionError

from emergence import adequacy, claims

FITS = adequacy.Adequacy("test model", {"total": 0.5}, n_draws=400)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_ext"))
import ledger  # noqa: E402

CLAIM = claims.Claim(
    "part/page",
    "A paper's <exact> title",
    'exponent "a" (units)',
    0.5,
    tolerance=0.1,
    evidence="shipped data: data/x.npz",
)


def _verdict(mean=0.52):
    return claims.assess(CLAIM, np.random.default_rng(0).normal(mean, 0.01, 2000))


def _doctree(*sections):
    doc = new_document("test")
    for sid, raws in sections:
        sec = nodes.section(ids=[sid])
        sec += nodes.title(text=sid)
        for text in raws:
            sec += nodes.raw("", text, format="html")
        doc += sec
    return doc


def test_a_record_survives_the_page_and_is_found_in_its_section():
    v = _verdict()
    doc = _doctree(("intro", ["<p>no record here</p>"]), ("the-claim", [v.ledger_html()]))
    (found,) = ledger.records_in(doc)
    assert found["section"] == "the-claim"
    assert found["claim"]["paper"] == CLAIM.paper and found["claim"]["evidence"] == CLAIM.evidence
    assert found["verdict"] == "reproduced" and found["mean"] == pytest.approx(v.mean)
    assert found["region"] == [pytest.approx(0.4), pytest.approx(0.6)]
    assert 'hidden class="emergence-ledger-record"' in v.ledger_html()  # invisible on the page


def test_a_broken_record_fails_the_build():
    bad = '<div hidden class="emergence-ledger-record" data-verdict="{not json"></div>'
    with pytest.raises(ExtensionError, match="cannot be read"):
        ledger.records_in(_doctree(("s", [bad])))


def _app(tmp_path, source_text, docname="part/page"):
    src = tmp_path / "page.py"
    src.write_text(source_text)
    env = SimpleNamespace(docname=docname, doc2path=lambda d: str(src))
    return SimpleNamespace(env=env)


def test_a_page_that_checks_a_claim_but_left_no_record_fails(tmp_path):
    app = _app(tmp_path, "v = claims.check(claim, samples, expect='reproduced')\n")
    with pytest.raises(ExtensionError, match="calls claims.check but its executed notebook holds no"):
        ledger._doctree_read(app, _doctree(("s", ["<p>outputs stripped</p>"])))
    # with its record it passes, and the record is stored for the ledger
    ledger._doctree_read(app, _doctree(("s", [_verdict().ledger_html()])))
    assert len(app.env.emergence_ledger["part/page"]) == 1
    # prose that quotes the call (a Markdown page) is not a page that runs it
    md = tmp_path / "guide.md"
    md.write_text("Call `claims.check(claim, samples, expect=...)` in your chapter.\n")
    guide = SimpleNamespace(env=SimpleNamespace(docname="guide", doc2path=lambda d: str(md)))
    ledger._doctree_read(guide, _doctree(("s", [])))
    # a page without claims is fine without records
    quiet = _app(tmp_path, "print('no claims here')\n", docname="other")
    ledger._doctree_read(quiet, _doctree(("s", [])))
    assert "other" not in quiet.env.__dict__.get("emergence_ledger", {})


def test_decide_checks_one_number_against_a_region_with_an_infinite_end():
    claim = claims.Claim("p/q", "paper", "log10 K", 2.0, interval=(2.0, np.inf))
    v = claims.decide(claim, 369.4, expect="reproduced", adequacy=FITS)
    assert v.verdict == "reproduced" and v.n_samples == 0 and v.hdi == (369.4, 369.4)
    assert "value 369.4" in str(v) and "posterior mean" not in v._repr_html_()
    assert html.unescape(ledger.RECORD.search(v.ledger_html()).group(1)).count("Infinity") == 2
    with pytest.raises(claims.ClaimMismatch, match="the data say 'not reproduced'"):
        claims.decide(claim, 1.5, expect="reproduced", adequacy=FITS)
    with pytest.raises(ValueError, match="statistic must be a finite number"):
        claims.decide(claim, np.nan, expect="reproduced", adequacy=FITS)


def test_the_table_shows_each_claims_model_evidence():
    """A row says whether its model fits its data and whether it is calibrated; a model that
    fails makes the row 'not testable' with the reason."""
    from emergence import calibration

    misfit = adequacy.Adequacy("toy model", {"total": 0.0004, "worst observation": 0.3})
    x = np.random.default_rng(1).normal(0.5, 0.01, 2000)
    rng = np.random.default_rng(2)
    ranks = rng.integers(0, 100, (100, 1))
    cal = calibration.Calibration(
        ("a",),
        rng.normal(size=(100, 1)),
        ranks,
        calibration.covered_by_rank(ranks, 99),
        99,
        calibration.LEVELS,
    )
    v = claims._model_evidence(claims.assess(CLAIM, x), misfit, calibration.status(cal))
    assert v.verdict == "not testable"
    record = ledger.records_in(_doctree(("s", [v.ledger_html()])))[0]
    app = SimpleNamespace(
        builder=SimpleNamespace(get_relative_uri=lambda a, b: b + ".html"),
        env=SimpleNamespace(titles={}),
    )
    table = ledger._table(app, "ledger", [("part/page", record)])
    text = table.astext()
    assert "not testable" in text and "does not describe its data" in text
    assert "does NOT fit its data" in text and "smallest predictive p = 0.0004" in text
    assert "calibration: calibrated (100 simulated data sets" in text
    assert any("verdict-not-testable" in r["classes"] for r in table.findall(nodes.row))
    # a verdict with no calibration run says so
    v2 = claims._model_evidence(claims.assess(CLAIM, x), FITS, None)
    rec2 = ledger.records_in(_doctree(("s", [v2.ledger_html()])))[0]
    text2 = ledger._table(app, "ledger", [("part/page", rec2)]).astext()
    assert "fits its data" in text2 and "no calibration run" in text2 and v2.verdict == "reproduced"
