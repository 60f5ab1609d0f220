"""The Colab launch path, as far as it can be tested offline: a notebook for every page with
the install cell first (a no-op outside Colab), and the Colab button of the built site
pointing at those notebooks on their branch while the source links stay on main."""

import os
import subprocess
import sys
import types
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "_ext"))
import colab_notebooks  # noqa: E402
import notebook_download  # noqa: E402

REPO = "https://github.com/example/emergence"


def test_every_page_gets_a_notebook_with_the_install_cell_first(tmp_path):
    pages = colab_notebooks.toc_pages()
    toc = (ROOT / "_toc.yml").read_text()
    on_disk = [
        p.with_suffix("").relative_to(ROOT).as_posix()
        for folder in ("chapters", "about")
        for p in ROOT.glob(f"{folder}/**/*.py")
    ]
    assert sorted(pages) == sorted(p for p in on_disk if f"file: {p}\n" in toc)
    assert "chapters/stochastic/landauer" in pages and len(pages) >= 8
    written = colab_notebooks.write_all(tmp_path, REPO)
    assert [w.relative_to(tmp_path).with_suffix("").as_posix() for w in written] == pages
    for w in written:
        nb = nbformat.read(w, as_version=4)
        first = nb.cells[0]
        assert first.cell_type == "code" and first.metadata["tags"] == [colab_notebooks.TAG]
        assert f'"{REPO}.git"' in first.source
        page = jupytext.read(ROOT / f"{w.relative_to(tmp_path).with_suffix('')}.py")
        assert [c.source for c in nb.cells[1:]] == [c.source for c in page.cells]  # the page, whole


def _run_install_cell(monkeypatch, on_colab: bool):
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append((a, k)))
    # the cell sets EMERGENCE_DATA: set and delete it through monkeypatch so that its undo
    # removes what the cell set (a delenv of an absent variable records nothing to undo)
    monkeypatch.setenv("EMERGENCE_DATA", "")
    monkeypatch.delenv("EMERGENCE_DATA")
    if on_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
        monkeypatch.setattr(os.path, "isdir", lambda p: False)
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    path = list(sys.path)
    exec(colab_notebooks.install_cell(REPO).source, {})
    added = [p for p in sys.path if p not in path]
    sys.path[:] = path
    return calls, added


def test_the_install_cell_does_nothing_outside_colab(monkeypatch):
    calls, added = _run_install_cell(monkeypatch, on_colab=False)
    assert calls == [] and added == [] and "EMERGENCE_DATA" not in os.environ


def test_on_colab_it_clones_installs_the_pins_and_finds_the_data(monkeypatch):
    calls, added = _run_install_cell(monkeypatch, on_colab=True)
    (clone, _), (pip, pip_kw) = calls
    assert clone[0][:2] == ["git", "clone"] and f"{REPO}.git" in clone[0]
    assert pip[0][-2:] == ["-r", "requirements.txt"] and pip_kw["cwd"] == "/content/emergence"
    assert added == ["/content/emergence/lib"]
    assert os.environ["EMERGENCE_DATA"] == "/content/emergence/data"


def test_bad_repository_urls_are_refused():
    with pytest.raises(ValueError, match="https URL"):
        colab_notebooks.install_cell('https://x"; import os')


def test_the_colab_button_is_rewritten_to_the_notebooks_branch():
    url = "https://colab.research.google.com/github/o/r/blob/main/chapters/a/b.py"
    got = notebook_download.colab_url(url, "chapters/a/b", "notebooks")
    assert got == "https://colab.research.google.com/github/o/r/blob/notebooks/chapters/a/b.ipynb"
    assert notebook_download.colab_url("https://x/no-blob", "p", "nb") == "https://x/no-blob"


PAGE = """# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Probe

# %%
print(1)
"""


def test_the_built_site_carries_colab_and_thebe_buttons(tmp_path):
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: chapters/probe\n")
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "probe.py").write_text(PAGE)
    (tmp_path / "_config.yml").write_text(
        f"""title: probe
only_build_toc_files: true
execute:
  execute_notebooks: "off"
repository:
  url: {REPO}
  branch: main
html:
  use_edit_page_button: true
launch_buttons:
  colab_url: https://colab.research.google.com
  thebe: true
sphinx:
  local_extensions:
    notebook_download: {ROOT / "_ext"}
  config:
    emergence_colab_branch: notebooks
    nb_custom_formats:
      .py:
        - jupytext.reads
        - fmt: py:percent
"""
    )
    jb = Path(sys.executable).parent / "jupyter-book"
    r = subprocess.run([str(jb), "build", str(tmp_path)], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    html = (tmp_path / "_build" / "html" / "chapters" / "probe.html").read_text()
    assert (
        "https://colab.research.google.com/github/example/emergence/blob/notebooks/chapters/probe.ipynb"
        in html
    )
    assert "/blob/main/chapters/probe.py" not in html.split("colab.research.google.com")[1][:200]
    assert f"{REPO}/edit/main/chapters/probe.py" in html  # the edit link stays on main
    assert "launch-thebe" in html or "initThebe" in html
    # Thebe's kernel starts in the chapter's folder, from which the chapters find data/
    assert 'path: "./chapters"' in html
