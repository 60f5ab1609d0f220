"""The book's build (_ext/book_build.py): outputs never cross scales or library versions, and
the test build renders exactly what nbval executed.

A one-page book whose page prints the scale and a "library" file is built with the book's own
extension, the way `make book` builds the real one (jupyter-book, execution cached).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
import book_build  # noqa: E402

PAGE = """# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Scale probe

# %%
import os
from pathlib import Path

print("built at scale", os.environ.get("EMERGENCE_SCALE", "") or "default")
print("library says", Path("lib/version.txt").read_text().strip())
"""

CONFIG = f"""title: probe
only_build_toc_files: true
execute:
  execute_notebooks: cache
sphinx:
  local_extensions:
    book_build: {ROOT / "_ext"}
  config:
    nb_custom_formats:
      .py:
        - book_build.read_py
        - fmt: py:percent
"""


def _make_book(root: Path) -> None:
    (root / "lib").mkdir()
    (root / "lib" / "version.txt").write_text("one\n")
    (root / "_config.yml").write_text(CONFIG)
    (root / "_toc.yml").write_text("format: jb-book\nroot: probe\n")
    (root / "probe.py").write_text(PAGE)


def _build(root: Path, scale: str | None, *args, **env) -> str:
    e = {k: v for k, v in os.environ.items() if k not in ("EMERGENCE_SCALE", "EMERGENCE_EXECUTED")}
    if scale is not None:
        e["EMERGENCE_SCALE"] = scale
    e.update(env)
    jb = Path(sys.executable).parent / "jupyter-book"
    r = subprocess.run(
        [str(jb), "build", str(root), *args], env=e, capture_output=True, text=True, cwd=root
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return (root / "_build" / "html" / "probe.html").read_text()


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    root = tmp_path_factory.mktemp("book")
    _make_book(root)
    return root


def test_a_build_never_serves_another_scales_outputs(book):
    assert "built at scale ci" in _build(book, "ci")
    # the reverse order of the README's quick build: default after ci must execute again
    html = _build(book, None)
    assert "built at scale default" in html and "built at scale ci" not in html
    html = _build(book, "ci")
    assert "built at scale ci" in html and "built at scale default" not in html
    caches = sorted(p.name.split("-")[0] for p in (book / "_build" / ".jupyter_cache").iterdir())
    assert caches == ["ci", "default"]


def test_a_library_change_executes_the_page_again(book):
    assert "library says one" in _build(book, "ci")
    (book / "lib" / "version.txt").write_text("two\n")
    html = _build(book, "ci")
    assert "library says two" in html and "library says one" not in html
    # the stale cache of that scale is dropped, not kept beside the new one
    assert len(list((book / "_build" / ".jupyter_cache").glob("ci-*"))) == 1


def test_a_cached_build_offers_the_executed_notebook(book):
    """On a cache hit myst-nb wrote the page's notebook without outputs: the download was empty."""
    _build(book, "ci")
    html = _build(book, "ci", "--all")  # every page read again, its outputs from the cache
    assert "built at scale ci" in html
    nb = nbformat.read(book / "_build" / "jupyter_execute" / "probe.ipynb", as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "built at scale ci" in text


def test_build_key_follows_scale_and_inputs(tmp_path, monkeypatch):
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.py").write_text("x = 1\n")
    monkeypatch.setenv("EMERGENCE_SCALE", "ci")
    k1 = book_build.build_key(tmp_path)
    assert k1.startswith("ci-") and book_build.build_key(tmp_path) == k1
    (tmp_path / "lib" / "a.py").write_text("x = 2\n")
    k2 = book_build.build_key(tmp_path)
    assert k2.startswith("ci-") and k2 != k1
    monkeypatch.setenv("EMERGENCE_SCALE", "")
    assert book_build.build_key(tmp_path) == "default-" + k2.split("-")[1]


def _executed(text: str, scale: str):
    nb = jupytext.reads(text, fmt="py:percent")
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hello\n")]
    nb.metadata["emergence"] = {"page": "probe", "scale": scale}
    return nb


def test_read_py_serves_the_executed_notebook_of_this_source_only(tmp_path, monkeypatch):
    monkeypatch.delenv("EMERGENCE_EXECUTED", raising=False)
    monkeypatch.setenv("EMERGENCE_SCALE", "ci")
    plain = book_build.read_py(PAGE)
    assert all(not c.get("outputs") for c in plain.cells if c.cell_type == "code")

    monkeypatch.setenv("EMERGENCE_EXECUTED", str(tmp_path))
    with pytest.raises(RuntimeError, match="no executed notebook"):
        book_build.read_py(PAGE)  # nbval never ran this page
    nbformat.write(_executed(PAGE, "ci"), tmp_path / f"{book_build.source_hash(PAGE)}.ipynb")
    got = book_build.read_py(PAGE)
    assert [o["text"] for c in got.cells if c.cell_type == "code" for o in c.outputs] == ["hello\n"]

    edited = PAGE + "\n# %%\nprint('one more cell')\n"
    with pytest.raises(RuntimeError, match="no executed notebook"):
        book_build.read_py(edited)  # the source changed since nbval ran it
    monkeypatch.setenv("EMERGENCE_SCALE", "default")
    with pytest.raises(RuntimeError, match="executed at scale 'ci'"):
        book_build.read_py(PAGE)


def test_read_py_rejects_cells_that_differ_from_the_source(tmp_path, monkeypatch):
    monkeypatch.setenv("EMERGENCE_SCALE", "ci")
    monkeypatch.setenv("EMERGENCE_EXECUTED", str(tmp_path))
    nb = _executed(PAGE, "ci")
    next(c for c in nb.cells if c.cell_type == "code").source += "\nprint('tampered')"
    nbformat.write(nb, tmp_path / f"{book_build.source_hash(PAGE)}.ipynb")
    with pytest.raises(RuntimeError, match="differ from its source"):
        book_build.read_py(PAGE)


def test_nbrecord_writes_what_read_py_reads(tmp_path, monkeypatch):
    """The pytest plugin and the build agree on the key and the metadata."""
    sys.path.insert(0, str(ROOT / "tools"))
    import nbrecord

    monkeypatch.setenv("EMERGENCE_SCALE", "ci")
    monkeypatch.delenv("EMERGENCE_EXECUTED", raising=False)
    source = tmp_path / "probe.py"
    source.write_text(PAGE)
    nb = jupytext.reads(PAGE, fmt="py:percent")
    out = nbformat.v4.new_output("execute_result", data={"text/plain": "42"})
    path = nbrecord.write_executed(nb, {0: [out]}, source.read_text(), "probe", tmp_path / "executed")
    meta = json.loads(path.read_text())["metadata"]["emergence"]
    assert meta["scale"] == "ci" and meta["page"] == "probe"
    monkeypatch.setenv("EMERGENCE_EXECUTED", str(tmp_path / "executed"))
    got = book_build.read_py(PAGE)
    (cell,) = [c for c in got.cells if c.cell_type == "code"]
    assert cell.outputs[0]["data"]["text/plain"] == "42" and cell.execution_count == 1
    # a notebook generated from an older source is not filed under the new one
    edited = PAGE.replace("library says", "the library says")
    assert nbrecord.write_executed(nb, {0: [out]}, edited, "probe", tmp_path / "executed") is None
