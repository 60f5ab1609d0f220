"""The browser check's bookkeeping (tools/site_check.py): what counts as a figure, a figure
that was drawn but not shown, raw TeX; and the local server and fetcher it checks links with."""

import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import site_check  # noqa: E402

PNG = {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure size 640x400 with 1 Axes>"}


def _notebook(*cells):
    nb = nbformat.v4.new_notebook()
    for source, outputs, tags in cells:
        cell = nbformat.v4.new_code_cell(source, metadata={"tags": tags} if tags else {})
        cell.outputs = outputs
        nb.cells.append(cell)
    nb.cells.insert(1, nbformat.v4.new_markdown_cell("plt.subplots( in prose is not code"))
    return nb


def _image():
    return nbformat.v4.new_output("display_data", data=PNG)


def test_image_outputs_count_what_the_page_shows():
    nb = _notebook(
        ("fig, ax = plt.subplots()", [_image()], []),
        ("az.plot_trace(idata);", [_image(), _image()], []),
        ("fig = plt.figure()", [_image()], ["remove-output"]),  # the page hides it
        ("print(1)", [nbformat.v4.new_output("stream", name="stdout", text="1\n")], []),
    )
    assert site_check.image_outputs(nb) == 3
    assert site_check.figureless_cells(nb) == []


def test_a_cell_that_draws_but_shows_no_figure_is_named():
    nb = _notebook(
        ("x = 1", [], []),
        ("fig, ax = plt.subplots(1, 2)\nax[0].plot(x)\nplt.close(fig)", [], []),
        ("az.plot_posterior(idata)", [], []),
        ("fig = plt.figure()", [], ["remove-cell"]),
    )
    assert site_check.figureless_cells(nb) == [
        (1, "fig, ax = plt.subplots(1, 2)"),
        (2, "az.plot_posterior(idata)"),
    ]


def test_raw_tex_is_found_in_prose_and_plain_prose_passes():
    found = lambda text: sorted({m.group(0) for m in site_check.RAW_TEX.finditer(text)})  # noqa: E731
    assert found(r"the bound $$ W \ge k_BT\ln 2 holds") == ["$$", r"\ge"]
    assert found(r"as \(P(A,L)\sim L^{-2}\)") == [r"\(", r"\)"]
    assert found(r"ratio \frac{a}{b} and \langle s \rangle") == [r"\frac", r"\langle"]
    assert found("The mean size grows as 0.0351 L^2, costs $5 (le, ge, sum, hat) and u* ~ 0.1") == []


def test_fetcher_reports_missing_pages_and_anchors(tmp_path):
    (tmp_path / "index.html").write_text('<h1 id="top">t</h1><a href="b.html#sec">b</a>')
    (tmp_path / "b.html").write_text('<section id="sec">s</section>')
    server, base = site_check.serve(tmp_path)
    try:
        fetch = site_check.Fetcher()
        assert fetch.get(base + "index.html") == 200
        assert fetch.get(base + "b.html#sec") == 200
        assert fetch.get(base + "nowhere.html") == 404
        assert fetch.has_anchor(base + "b.html", "sec")
        assert not fetch.has_anchor(base + "b.html", "other")
    finally:
        server.shutdown()


def test_pages_skip_the_sites_own_folders(tmp_path):
    for rel in ("index.html", "chapters/a.html", "_static/x.html", "_sources/y.html"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("<html></html>")
    assert [p.relative_to(tmp_path).as_posix() for p in site_check.pages_of(tmp_path)] == [
        "chapters/a.html",
        "index.html",
    ]


def test_a_result_shown_after_a_semicolon_is_named():
    result = nbformat.v4.new_output("execute_result", data={"text/plain": "array([[<Axes: >]])"})
    nb = _notebook(
        ("az.plot_trace(idata);", [result, _image()], []),
        ("ax.set_title('t')", [result], []),  # no ';': Jupyter shows it too
        ("x = 1;  ", [], []),
    )
    assert site_check.unsuppressed_results(nb) == [(0, "az.plot_trace(idata);")]


def test_split_streams_are_found_and_the_download_merges_them():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "_ext"))
    import notebook_download

    out = lambda name, text: nbformat.v4.new_output("stream", name=name, text=text)  # noqa: E731
    nb = _notebook(
        ("for i in range(2): print(i)", [out("stdout", "0\n"), out("stdout", "1\n")], []),
        ("print(1); warn()", [out("stdout", "1\n"), out("stderr", "w\n")], []),  # two streams: fine
        ("f()", [out("stdout", "a\n"), _image(), out("stdout", "b\n")], []),  # a figure between
    )
    assert site_check.split_streams(nb) == [(0, "for i in range(2): print(i)")]
    merged = notebook_download.merge_streams(nb)
    assert site_check.split_streams(merged) == []
    assert merged.cells[0].outputs[0]["text"] == "0\n1\n"
    assert len(merged.cells[2].outputs) == 2 and len(merged.cells[3].outputs) == 3


class _SlowPage:
    """A page whose screenshot times out ``fails`` times (Playwright's error is a TimeoutError)."""

    def __init__(self, fails, error=None):
        self.fails, self.calls, self.error = fails, [], error

    def screenshot(self, **kw):
        self.calls.append(kw)
        if len(self.calls) <= self.fails:
            raise self.error or type("TimeoutError", (Exception,), {})("Timeout exceeded")
        return b"png"


def test_a_screenshot_that_times_out_once_is_taken_again_with_the_longer_limit(tmp_path):
    page = _SlowPage(fails=1)
    assert site_check.screenshot(page, tmp_path / "a.png") == b"png"
    assert [c["timeout"] for c in page.calls] == [site_check.SCREENSHOT_TIMEOUT_MS] * 2
    assert site_check.SCREENSHOT_TIMEOUT_MS > 30_000  # Playwright's default is what failed
    assert all(c["full_page"] and c["path"] == str(tmp_path / "a.png") for c in page.calls)


def test_a_screenshot_that_keeps_timing_out_or_fails_otherwise_is_reported(tmp_path):
    page = _SlowPage(fails=site_check.SCREENSHOT_TRIES)
    with pytest.raises(Exception, match="Timeout"):
        site_check.screenshot(page, tmp_path / "a.png")
    assert len(page.calls) == site_check.SCREENSHOT_TRIES
    other = _SlowPage(fails=1, error=RuntimeError("target closed"))
    with pytest.raises(RuntimeError, match="target closed"):
        site_check.screenshot(other, tmp_path / "b.png")
    assert len(other.calls) == 1  # not a time-out: no second try
